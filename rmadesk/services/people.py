"""Users, badges and PINs: adding people, signing in, locking a badge after repeated wrong PINs."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError

from rmadesk.domain.errors import UserError
from rmadesk.domain.people import Actor, Permission, Role, signed_in_actor
from rmadesk.services.access import authorize
from rmadesk.store.models import AuditEvent, User
from rmadesk.store.types import utcnow
from rmadesk.store.uow import Store
from rmadesk.text.formatting import clock
from rmadesk.text.i18n import _, ngettext

MAX_WRONG_PINS = 5
LOCK_MINUTES = 5
_PIN = re.compile(r"^[0-9]{4,8}$")
_BADGE = re.compile(r"^[A-Za-z0-9-]{3,64}$")
# scrypt: memory-hard and slow on purpose (about 50 ms), so a stolen table of PIN hashes is no shortcut.
_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1


class SignInFailed(UserError):
    """A badge or PIN was refused; the message says why and what to do."""


def hash_pin(pin: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${b64(salt).decode()}${b64(digest).decode()}"


def pin_matches(pin: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    candidate = hashlib.scrypt(
        pin.encode(),
        salt=base64.b64decode(salt),
        n=int(n),
        r=int(r),
        p=int(p),
        dklen=len(base64.b64decode(digest)),
    )
    return hmac.compare_digest(candidate, base64.b64decode(digest))


@dataclass(frozen=True)
class UserView:
    """A user as lists show them (never the PIN hash)."""

    user_id: int
    name: str
    role: Role
    badge: str
    active: bool
    locked_until: datetime | None


def has_users(store: Store) -> bool:
    """Whether the database has any active user: if not, a bench runs open."""
    with store.read() as session:
        return bool(session.scalar(select(func.count()).select_from(User).where(User.active.is_(True))))


def add_user(store: Store, *, name: str, role: str, badge: str, pin: str, actor: Actor) -> UserView:
    """Add a person. Only an admin may, except for the very first user of a database."""
    name, badge = name.strip(), badge.strip()
    if not name:
        raise UserError(_("Give the person's name."))
    try:
        role_value = Role(role.strip().lower())
    except ValueError:
        raise UserError(
            _("The role must be inspector, supervisor or admin, not “{role}”.").format(role=role)
        ) from None
    if not _BADGE.match(badge):
        raise UserError(
            _("A badge code is 3 to 64 letters, digits or hyphens (what the badge's barcode holds).")
        )
    if not _PIN.match(pin):
        raise UserError(_("A PIN is 4 to 8 digits."))
    pin_hash = hash_pin(pin)
    try:
        with store.unit_of_work() as session:
            first = not session.scalar(select(func.count()).select_from(User))
            if not first:
                authorize(session, actor, Permission.MANAGE_USERS)
            elif role_value is not Role.ADMIN:
                raise UserError(
                    _("The first user of a database must be an admin, who can then add the others.")
                )
            user = User(
                name=name, role=role_value.value, badge=badge, pin_hash=pin_hash, failed_pins=0, active=True
            )
            session.add(user)
            session.flush()
            session.add(
                AuditEvent(
                    actor=actor.name,
                    bench=actor.bench,
                    action="user_add",
                    entity="user",
                    entity_key=name,
                    after=json.dumps(
                        {"name": name, "role": role_value.value, "badge": badge}, sort_keys=True
                    ),
                )
            )
            return UserView(user.id, name, role_value, badge, True, None)
    except IntegrityError:
        raise UserError(
            _("A user named “{name}” or with the badge {badge} exists already.").format(
                name=name, badge=badge
            )
        ) from None


def sign_in(store: Store, *, badge: str, pin: str, bench: str, now: datetime | None = None) -> Actor:
    """Check a badge and PIN. Repeated wrong PINs lock the badge for a while.

    Each try is counted before its PIN is checked, in one ``UPDATE ... RETURNING`` that also holds
    the user's row until the try is settled: sign-ins racing on one badge wait their turn, so no
    more than MAX_WRONG_PINS PINs are ever tried inside a lock window, however many run at once.
    """
    now = now or utcnow()
    with store.unit_of_work() as session:
        user = session.scalar(select(User).where(User.badge == badge.strip(), User.active.is_(True)))
        if user is None:
            raise SignInFailed(
                _("This badge is not known. Scan your badge again, or ask an admin to add you.")
            )
        tries = session.scalar(
            update(User)
            .where(User.id == user.id, or_(User.locked_until.is_(None), User.locked_until <= now))
            .values(failed_pins=User.failed_pins + 1)
            .returning(User.failed_pins)
            .execution_options(synchronize_session=False)
        )
        if tries is None:
            session.refresh(user)
            raise SignInFailed(
                _("{name}'s badge is locked after {count} wrong PINs until {time}.").format(
                    name=user.name, count=MAX_WRONG_PINS, time=clock(user.locked_until or now)
                )
            )
        if pin_matches(pin, user.pin_hash):
            session.execute(
                update(User)
                .where(User.id == user.id)
                .values(failed_pins=0, locked_until=None)
                .execution_options(synchronize_session=False)
            )
            session.add(
                AuditEvent(
                    at=now,
                    actor=user.name,
                    bench=bench,
                    action="sign_in",
                    entity="user",
                    entity_key=user.name,
                )
            )
            return signed_in_actor(user.name, Role(user.role), bench, user.id)
        left = MAX_WRONG_PINS - tries
        if left > 0:
            # English has said "tries" for one try left too; other languages take their own forms.
            message = ngettext(
                "Wrong PIN. {count} tries left before the badge is locked.",
                "Wrong PIN. {count} tries left before the badge is locked.",
                left,
            )
            refused = SignInFailed(message.format(count=left))
        else:
            session.execute(
                update(User)
                .where(User.id == user.id)
                .values(failed_pins=0, locked_until=now + timedelta(minutes=LOCK_MINUTES))
                .execution_options(synchronize_session=False)
            )
            session.add(
                AuditEvent(
                    at=now,
                    actor=user.name,
                    bench=bench,
                    action="badge_locked",
                    entity="user",
                    entity_key=user.name,
                    after=json.dumps({"minutes": LOCK_MINUTES}),
                )
            )
            refused = SignInFailed(
                _("Wrong PIN. {name}'s badge is now locked for {minutes} minutes.").format(
                    name=user.name, minutes=LOCK_MINUTES
                )
            )
    raise refused  # after the commit: the counted try stays counted


def list_users(store: Store, actor: Actor) -> list[UserView]:
    with store.read() as session:
        authorize(session, actor, Permission.MANAGE_USERS)
        return [
            UserView(u.id, u.name, Role(u.role), u.badge, u.active, u.locked_until)
            for u in session.scalars(select(User).order_by(User.name))
        ]
