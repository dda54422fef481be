"""People and what each role may do: inspectors inspect, supervisors also reverse, admins also manage."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from rmadesk.domain.errors import UserError
from rmadesk.text.i18n import N_, _


class Role(enum.StrEnum):
    """A person's role; each includes the rights of the ones before it."""

    INSPECTOR = "inspector"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return _RANKS[self]


_RANKS = {Role.INSPECTOR: 0, Role.SUPERVISOR: 1, Role.ADMIN: 2}


class Permission(enum.StrEnum):
    """Things a person can do, each with the least role that may."""

    INSPECT = "inspect"
    IMPORT = "import"
    ISSUE = "issue"
    REVERSE = "reverse"
    CLAIM = "claim"
    VIEW_SUMMARY = "view_summary"
    VIEW_AUDIT = "view_audit"
    MANAGE_USERS = "manage_users"
    MANAGE_POLICY = "manage_policy"
    UPGRADE_SCHEMA = "upgrade_schema"


LEAST_ROLE = {
    Permission.INSPECT: Role.INSPECTOR,
    Permission.IMPORT: Role.SUPERVISOR,
    Permission.ISSUE: Role.SUPERVISOR,
    Permission.REVERSE: Role.SUPERVISOR,
    Permission.CLAIM: Role.SUPERVISOR,
    Permission.VIEW_SUMMARY: Role.SUPERVISOR,
    Permission.VIEW_AUDIT: Role.SUPERVISOR,
    Permission.MANAGE_USERS: Role.ADMIN,
    Permission.MANAGE_POLICY: Role.ADMIN,
    Permission.UPGRADE_SCHEMA: Role.ADMIN,
}

_WHAT = {
    Permission.INSPECT: N_("inspect returns"),
    Permission.IMPORT: N_("import reports"),
    Permission.ISSUE: N_("issue seller RMAs"),
    Permission.REVERSE: N_("reverse an outcome"),
    Permission.CLAIM: N_("write claim packets and export photos"),
    Permission.VIEW_SUMMARY: N_("see the summaries"),
    Permission.VIEW_AUDIT: N_("see the audit trail"),
    Permission.MANAGE_USERS: N_("manage users"),
    Permission.MANAGE_POLICY: N_("change the policy or settings"),
    Permission.UPGRADE_SCHEMA: N_("upgrade the database"),
}


# Whole phrases, since the article goes with the word in English and is no rule in other languages.
_ROLE_NAMES = {Role.INSPECTOR: N_("inspector"), Role.SUPERVISOR: N_("supervisor"), Role.ADMIN: N_("admin")}
_ONE_ROLE = {
    Role.INSPECTOR: N_("an inspector"),
    Role.SUPERVISOR: N_("a supervisor"),
    Role.ADMIN: N_("an admin"),
}


def action_words(permission: Permission) -> str:
    """What the permission lets a person do, as words in a sentence ("reverse an outcome")."""
    return _(_WHAT[permission])


def role_name(role: Role) -> str:
    """The role's name in the display language."""
    return _(_ROLE_NAMES[role])


class PermissionDenied(UserError):
    """The person's role does not allow the action."""


# The longest name and bench name the database holds (the columns of rmadesk.store.models).
MAX_NAME = 80
MAX_BENCH = 64


def check_length(value: str, most: int, what: str) -> None:
    """Refuse text longer than its column holds, with the same message on SQLite and PostgreSQL
    (SQLite would store it whole, PostgreSQL refuse it with a driver error). ``what`` names the
    text, with ``{value}`` where its start goes."""
    if len(value) > most:
        shown = value if len(value) <= 30 else value[:27] + "…"
        raise UserError(
            _("{what} is {length} characters long; at most {most} fit.").format(
                what=what.format(value=shown), length=len(value), most=most
            )
        )


# Only a sign-in (rmadesk.services.people) and open_actor below hold this: an Actor built anywhere
# else, with whatever role its maker likes, is refused when it is made.
_ISSUED = object()


@dataclass(frozen=True)
class Actor:
    """Who acts, on which bench: made by a sign-in, or by open_actor for a database with no users.

    The services check every actor against the database (rmadesk.services.access): an open-bench
    actor is refused once the database has users, a signed-in one when its user is gone or its
    role no longer allows the action.

    Attributes:
        user_id: the signed-in user, or None on an open bench (no users defined).
        open_bench: no users exist: the single bench runs open, with every right.
    """

    name: str
    role: Role
    bench: str
    user_id: int | None = None
    open_bench: bool = False
    issued: object = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.issued is not _ISSUED:
            raise TypeError("an Actor comes from a sign-in or from open_actor, not from its constructor")
        check_length(self.name, MAX_NAME, _("The name “{value}”"))
        check_length(self.bench, MAX_BENCH, _("The bench name “{value}”"))

    def may(self, permission: Permission) -> bool:
        return self.open_bench or self.role.rank >= LEAST_ROLE[permission].rank

    def require(self, permission: Permission) -> None:
        """Raise PermissionDenied unless the role allows the action."""
        if not self.may(permission):
            raise PermissionDenied(
                _("{name} is signed in as {role}; only {least} or above may {action}.").format(
                    name=self.name,
                    role=role_name(self.role),
                    least=_(_ONE_ROLE[LEAST_ROLE[permission]]),
                    action=action_words(permission),
                )
            )


def open_actor(name: str, bench: str) -> Actor:
    """The person at a bench that runs open (a fresh single bench with no users)."""
    return Actor(name=name, role=Role.ADMIN, bench=bench, open_bench=True, issued=_ISSUED)


def signed_in_actor(name: str, role: Role, bench: str, user_id: int) -> Actor:
    """The actor of a person whose badge and PIN were checked (called by the sign-in only)."""
    return Actor(name=name, role=role, bench=bench, user_id=user_id, issued=_ISSUED)
