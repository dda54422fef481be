"""The one check every service makes of who acts: the role's right, and the database's word on it.

An actor is checked against the database each time, in the transaction that does the work:
an open-bench actor (a database with no users) is refused as soon as the database has users, and a
signed-in actor is refused when its user was removed or deactivated, or its role no longer allows
the action. So a command or window that skipped the sign-in gets nothing from a database with users.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from rmadesk.domain.people import (
    LEAST_ROLE,
    Actor,
    Permission,
    PermissionDenied,
    Role,
    action_words,
    role_name,
)
from rmadesk.store.models import User
from rmadesk.store.uow import Store
from rmadesk.text.i18n import _


def authorize(where: Store | Session, actor: Actor, permission: Permission) -> None:
    """Raise PermissionDenied unless ``actor`` may do ``permission`` on this database now.

    ``where`` is the session of the work (checked inside its transaction) or the store (checked in
    a short read of its own, for work that reads in several steps such as a browser's pages).
    """
    actor.require(permission)
    if isinstance(where, Store):
        with where.read() as session:
            _check(session, actor, permission)
    else:
        _check(where, actor, permission)


def _check(session: Session, actor: Actor, permission: Permission) -> None:
    if actor.open_bench:
        if session.scalar(select(User.id).where(User.active.is_(True)).limit(1)) is not None:
            raise PermissionDenied(
                _("This database has users: sign in with your badge and PIN to {action}.").format(
                    action=action_words(permission)
                )
            )
        return
    found = session.execute(select(User.role, User.active).where(User.id == actor.user_id)).first()
    if found is None or not found.active:
        raise PermissionDenied(
            _("{name} is no longer an active user of this database: sign in again.").format(name=actor.name)
        )
    if Role(found.role).rank < LEAST_ROLE[permission].rank:
        raise PermissionDenied(
            _("{name}'s role is now {role}, which may not {action}.").format(
                name=actor.name, role=role_name(Role(found.role)), action=action_words(permission)
            )
        )
