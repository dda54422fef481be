"""The status of each authorization, stored with it (return_authorization.status and .decided_units) so
that the browser filters, counts and sorts on it through indexes; the one rule of what it means.

Awaiting: no unit decided and never seen at a bench. Done: every unit decided. In inspection: the rest,
including an authorization whose only outcomes were reversed. Every write that changes a unit's
outcome, an authorization's quantity or its first arrival calls refresh() in its transaction.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Table, Update, and_, bindparam, case, func, select, update
from sqlalchemy.orm import Session

from rmadesk.store.models import Authorization, Outcome, Unit
from rmadesk.store.types import utcnow

AWAITING = "awaiting"
IN_INSPECTION = "in_inspection"
DONE = "done"
# In the order of the work, which is also the order of the Status column when sorted: the stored
# status is the position of its name here.
STATUSES: tuple[str, ...] = (AWAITING, IN_INSPECTION, DONE)
# The stored statuses of an authorization with a unit undecided: every one but done.
OPEN: tuple[int, ...] = tuple(rank for rank, name in enumerate(STATUSES) if name != DONE)

_AUTH: Table = Authorization.__table__  # type: ignore[assignment]
_UNIT: Table = Unit.__table__  # type: ignore[assignment]
_OUTCOME: Table = Outcome.__table__  # type: ignore[assignment]
# Ids per statement: SQLite allows 32,766 parameters, and a long IN list is planned no better.
_IDS_PER_UPDATE = 5000


def decided_units(auth: Table = _AUTH) -> ColumnElement[int]:
    """How many units of the outer authorization have an outcome of their current attempt."""
    unit, outcome = _UNIT, _OUTCOME
    return (
        select(func.count(unit.c.id))
        .select_from(unit)
        .join(outcome, and_(outcome.c.unit_id == unit.c.id, outcome.c.attempt == unit.c.attempt))
        .where(unit.c.authorization_id == auth.c.id)
        .correlate(auth)
        .scalar_subquery()
    )


def status_rank(decided: ColumnElement[int], auth: Table = _AUTH) -> ColumnElement[int]:
    """The status (its position in STATUSES) of an authorization with this many decided units."""
    return case(
        (decided >= auth.c.quantity, STATUSES.index(DONE)),
        (and_(decided == 0, auth.c.arrived_at.is_(None)), STATUSES.index(AWAITING)),
        else_=STATUSES.index(IN_INSPECTION),
    )


def _refresh_statement(condition: ColumnElement[bool]) -> Update:
    decided = decided_units()
    return (
        update(_AUTH)
        .where(condition)
        .values(
            decided_units=decided,
            status=status_rank(decided),
            updated_at=_AUTH.c.updated_at,  # a derived column: the authorization itself is unchanged
        )
        .execution_options(synchronize_session=False)
    )


# Built once (its compiled form is reused): the refresh of the authorizations with the ids given.
_REFRESH_IDS = _refresh_statement(_AUTH.c.id.in_(bindparam("ids", expanding=True)))


def _refresh_where(session: Session, condition: ColumnElement[bool]) -> None:
    session.flush()  # the outcomes, attempts and arrivals this transaction wrote so far
    session.execute(_refresh_statement(condition))


def refresh(session: Session, authorization_ids: Sequence[int]) -> None:
    """Store the status of these authorizations from their units, in the session's transaction.

    On PostgreSQL the caller already holds the authorization's row (a decision writes it before,
    a reversal locks it): this statement then starts after any other bench's write to the same
    return committed, and counts its outcome too.
    """
    ids = sorted(set(authorization_ids))
    if not ids:
        return
    session.flush()  # the outcomes, attempts and arrivals this transaction wrote so far
    for start in range(0, len(ids), _IDS_PER_UPDATE):
        session.execute(_REFRESH_IDS, {"ids": ids[start : start + _IDS_PER_UPDATE]})


def refresh_all(session: Session) -> None:
    """Store the status of every authorization (after rows were written past the services)."""
    _refresh_where(session, _AUTH.c.id.is_not(None))


@contextmanager
def kept_through(session: Session) -> Iterator[None]:
    """Around a bulk write (an import): the authorizations it changed get their status stored after it.

    A bulk write stamps updated_at on each authorization it adds or changes. Those it added have no
    outcome and were never scanned: their stored default (awaiting, nothing decided) is already right,
    so only the older ones it changed, fewer and found through the updated_at index, are counted again.
    """
    started: datetime = utcnow()
    yield
    _refresh_where(session, and_(_AUTH.c.updated_at >= started, _AUTH.c.imported_at < started))


def stale(session: Session, limit: int = 100) -> list[tuple[Any, ...]]:
    """Authorizations whose stored status or decided count differs from the rule: (id, stored
    status, rule status, stored decided, rule decided), at most limit of them. Empty when all is kept."""
    decided = decided_units()
    rule = status_rank(decided)
    stmt = (
        select(_AUTH.c.id, _AUTH.c.status, rule, _AUTH.c.decided_units, decided)
        .where((_AUTH.c.status != rule) | (_AUTH.c.decided_units != decided))
        .order_by(_AUTH.c.id)
        .limit(limit)
    )
    return [tuple(row) for row in session.execute(stmt)]
