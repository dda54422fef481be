"""Upgrading an older database schema: only an admin may, and it is written to the audit trail."""

from __future__ import annotations

import json

from sqlalchemy import inspect

from rmadesk.domain.errors import UserError
from rmadesk.domain.people import Actor, Permission
from rmadesk.services.access import authorize
from rmadesk.store.models import AuditEvent, User
from rmadesk.store.schema import current_revision, head_revision, upgrade
from rmadesk.store.uow import Store
from rmadesk.text.i18n import _


def upgrade_schema(store: Store, actor: Actor) -> str:
    """Upgrade to this version's schema; returns the new revision."""
    if inspect(store.engine).has_table(User.__tablename__):
        authorize(store, actor, Permission.UPGRADE_SCHEMA)
    else:  # a schema from before people: no one has signed in to it, the bench runs open
        actor.require(Permission.UPGRADE_SCHEMA)
    before = current_revision(store.engine)
    try:
        upgrade(store.engine)
    except Exception as exc:  # a migration that fails leaves the old schema (one transaction)
        raise UserError(
            _("The database could not be upgraded; it is unchanged: {reason}").format(reason=exc)
        ) from exc
    after = head_revision()
    with store.unit_of_work() as session:
        session.add(
            AuditEvent(
                actor=actor.name,
                bench=actor.bench,
                action="schema_upgrade",
                entity="database",
                entity_key=store.name,
                before=json.dumps({"revision": before}),
                after=json.dumps({"revision": after}),
            )
        )
    return after
