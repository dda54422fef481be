"""The first decision of a return still standing (return_authorization.first_decided_at): a summary
counts a return's reason once, in the window of that decision."""

from __future__ import annotations

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from rmadesk.store.models import Authorization, Outcome, Unit

_AUTH = Authorization.__table__
# Built once, so that each decision reuses its compiled form.
_MARK = (
    update(_AUTH)
    .where(_AUTH.c.id == bindparam("auth_id"))
    .values(
        first_decided_at=func.coalesce(
            _AUTH.c.first_decided_at,
            select(Outcome.decided_at).where(Outcome.id == bindparam("outcome_id")).scalar_subquery(),
        ),
        updated_at=_AUTH.c.updated_at,  # the authorization itself is unchanged
    )
    .execution_options(synchronize_session=False)
)


def mark(session: Session, outcome_id: int, authorization_id: int) -> None:
    """Date the return's first decision by this outcome (flushed) unless an earlier one stands.

    The row is written even when its date stays, so that the write locks it: a reversal of the same
    return that holds it waits for this decision, and one that went first is seen.
    """
    session.execute(_MARK, {"auth_id": authorization_id, "outcome_id": outcome_id})


def unmark(session: Session, authorization_id: int) -> None:
    """After a reversal (the unit's decided_at cleared, flushed, the authorization locked): the
    return is undated once none of its units stays decided."""
    auth, unit = Authorization.__table__, Unit.__table__
    still_decided = (
        select(unit.c.id)
        .where(unit.c.authorization_id == authorization_id, unit.c.decided_at.is_not(None))
        .exists()
    )
    session.execute(
        update(auth)
        .where(auth.c.id == authorization_id, ~still_decided)
        .values(first_decided_at=None, updated_at=auth.c.updated_at)
        .execution_options(synchronize_session=False)
    )


def fill(session: Session) -> None:
    """Date each return's first decision still standing from its units (rows written past the bench)."""
    auth, unit = Authorization.__table__, Unit.__table__
    first = (
        select(unit.c.authorization_id, func.min(unit.c.decided_at).label("first"))
        .where(unit.c.decided_at.is_not(None))
        .group_by(unit.c.authorization_id)
        .subquery("first_decisions")
    )
    session.execute(
        update(auth)
        .where(auth.c.id == first.c.authorization_id)
        .values(first_decided_at=first.c.first, updated_at=auth.c.updated_at)
        .execution_options(synchronize_session=False)
    )
