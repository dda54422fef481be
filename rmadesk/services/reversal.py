"""Reversing an outcome: a supervisor's compensating record, never an edit of what was written."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from rmadesk.domain.errors import UserError
from rmadesk.domain.people import Actor, Permission
from rmadesk.services.access import authorize
from rmadesk.store import auth_status, first_decision
from rmadesk.store.models import (
    AuditEvent,
    Authorization,
    Outcome,
    OutcomeReversal,
    ReimbursementLineRow,
    StockMovement,
    Unit,
)
from rmadesk.store.types import utcnow
from rmadesk.store.uow import Store
from rmadesk.text.i18n import _


@dataclass(frozen=True)
class Reversed:
    """A reversal written: the unit is undecided again and may be inspected anew."""

    reversal_uid: str
    outcome_uid: str
    unit_seq: int
    display_id: str


def reverse_outcome(store: Store, outcome_uid: str, *, reason: str, actor: Actor) -> Reversed:
    """Reverse the current outcome of a unit (supervisors and admins only).

    The outcome stays as written; a reversal record, a stock movement taking the unit back out
    of its location and negative reimbursement lines compensate it, and the unit's attempt
    moves on so it can be decided again.
    """
    authorize(store, actor, Permission.REVERSE)
    reason = reason.strip()
    if not reason:
        raise UserError(_("Say why the outcome is reversed."))
    now = utcnow()
    reversal_uid = uuid.uuid4().hex
    try:
        with store.unit_of_work() as session:
            outcome = session.scalar(select(Outcome).where(Outcome.outcome_uid == outcome_uid))
            if outcome is None:
                raise UserError(_("There is no outcome {uid}.").format(uid=outcome_uid))
            # The unit first, then its authorization, in the bench's order: a decision on another
            # unit of the return either waits for this reversal or is seen by it (first_decision).
            unit = session.scalar(select(Unit).where(Unit.id == outcome.unit_id).with_for_update())
            assert unit is not None
            auth = session.scalar(
                select(Authorization).where(Authorization.id == unit.authorization_id).with_for_update()
            )
            assert auth is not None
            display = auth.label
            if outcome.attempt != unit.attempt:
                raise UserError(
                    _("This outcome of {authorization} unit {seq} was reversed already.").format(
                        authorization=display, seq=unit.seq
                    )
                )
            reversal = OutcomeReversal(
                reversal_uid=reversal_uid,
                outcome_id=outcome.id,
                reason=reason,
                reversed_by=actor.name,
                user_id=actor.user_id,
                bench=actor.bench,
                reversed_at=now,
            )
            session.add(reversal)
            session.flush()
            for movement in list(outcome.movements):
                if movement.reversal_id is None:
                    session.add(
                        StockMovement(
                            outcome_id=outcome.id,
                            sku=movement.sku,
                            quantity=-movement.quantity,
                            location=movement.location,
                            sellable=movement.sellable,
                            moved_at=now,
                            reversal_id=reversal.id,
                        )
                    )
            for line in list(outcome.lines):
                if line.reversal_id is None:
                    session.add(
                        ReimbursementLineRow(
                            outcome_id=outcome.id,
                            component=line.component,
                            amount=-line.amount,
                            currency=line.currency,
                            reversal_id=reversal.id,
                        )
                    )
            before = {
                "attempt": unit.attempt,
                "disposition": outcome.disposition,
                "location": outcome.location,
            }
            unit.attempt += 1
            unit.decided_at = None
            unit.claimed_by = unit.claimed_by_bench = unit.claim_expires_at = None
            session.add(
                AuditEvent(
                    at=now,
                    actor=actor.name,
                    bench=actor.bench,
                    action="reverse",
                    entity="unit",
                    entity_key=f"{auth.auth_key}#{unit.seq}",
                    before=json.dumps(before, sort_keys=True),
                    after=json.dumps(
                        {"attempt": unit.attempt, "reason": reason, "outcome_uid": outcome_uid},
                        sort_keys=True,
                    ),
                )
            )
            session.flush()
            first_decision.unmark(session, auth.id)
            auth_status.refresh(session, [auth.id])
            return Reversed(reversal_uid, outcome_uid, unit.seq, display)
    except IntegrityError:
        raise UserError(_("This outcome was reversed already (by another supervisor, just now).")) from None
