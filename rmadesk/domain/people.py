"""People and what each role may do: inspectors inspect, supervisors also reverse, admins also manage."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from rmadesk.domain.errors import UserError


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
    Permission.VIEW_SUMMARY: Role.SUPERVISOR,
    Permission.VIEW_AUDIT: Role.SUPERVISOR,
    Permission.MANAGE_USERS: Role.ADMIN,
    Permission.MANAGE_POLICY: Role.ADMIN,
    Permission.UPGRADE_SCHEMA: Role.ADMIN,
}

_WHAT = {
    Permission.INSPECT: "inspect returns",
    Permission.IMPORT: "import reports",
    Permission.ISSUE: "issue seller RMAs",
    Permission.REVERSE: "reverse an outcome",
    Permission.VIEW_SUMMARY: "see the summaries",
    Permission.VIEW_AUDIT: "see the audit trail",
    Permission.MANAGE_USERS: "manage users",
    Permission.MANAGE_POLICY: "change the policy or settings",
    Permission.UPGRADE_SCHEMA: "upgrade the database",
}


class PermissionDenied(UserError):
    """The person's role does not allow the action."""


@dataclass(frozen=True)
class Actor:
    """Who acts, on which bench.

    Attributes:
        user_id: the signed-in user, or None on an open bench (no users defined).
        open_bench: no users exist: the single bench runs open, with every right.
    """

    name: str
    role: Role
    bench: str
    user_id: int | None = None
    open_bench: bool = False

    def may(self, permission: Permission) -> bool:
        return self.open_bench or self.role.rank >= LEAST_ROLE[permission].rank

    def require(self, permission: Permission) -> None:
        """Raise PermissionDenied unless the role allows the action."""
        if not self.may(permission):
            least = LEAST_ROLE[permission].value
            article = "an" if least[0] in "aeiou" else "a"
            raise PermissionDenied(
                f"{self.name} is signed in as {self.role.value}; "
                f"only {article} {least} or above may {_WHAT[permission]}."
            )


def open_actor(name: str, bench: str) -> Actor:
    """The person at a bench that runs open (a fresh single bench with no users)."""
    return Actor(name=name, role=Role.ADMIN, bench=bench, open_bench=True)
