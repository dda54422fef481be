"""Errors a person can act on, kept apart from bugs."""

from __future__ import annotations


class UserError(Exception):
    """An error whose message is meant for the person at the bench."""

    @property
    def message(self) -> str:
        return str(self)


class UnknownCode(UserError):
    """A scanned code that names no authorization."""


class MalformedCode(UserError):
    """A scanned code that cannot be an identifier at all."""


class AmbiguousCode(UserError):
    """A scanned code that matches several authorizations when case is ignored."""


class NothingToDecide(UserError):
    """A unit was already decided (here or on another bench)."""


class PolicyError(UserError):
    """A reimbursement policy file is invalid; the message names the field."""

    def __init__(self, field: str, problem: str, source: str = "policy") -> None:
        super().__init__(f"{source}: {field}: {problem}")
        self.field = field
        self.problem = problem


class NotAReport(UserError):
    """A file that is not a report RMA Desk knows; nothing was imported."""


class DatabaseUnavailable(UserError):
    """The database cannot be reached or refused the work; nothing was lost on the bench."""


class SchemaMismatch(UserError):
    """The database schema is older or newer than this version of RMA Desk.

    Attributes:
        older: the schema is older and can be upgraded (by an admin).
    """

    def __init__(self, message: str, *, older: bool = False) -> None:
        super().__init__(message)
        self.older = older
