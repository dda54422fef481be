"""Reconciling carrier-damage claims against what the marketplace paid.

Every unit whose current outcome is carrier-damaged expects a reimbursement: its outcome's
``reimbursement_total``, made of the policy's components (sale price, part of the referral fee, tax).
The FBA reimbursements report, once imported, says what the marketplace actually paid. Both sides
are summed per order line (order ID and SKU) in SQL, so several units of one line compare against all
the payment rows of that line, reversals included, and compared:

- ``paid``: paid within 0.01 per unit claimed of what was expected;
- ``paid_differently``: paid, but more or less than expected, in another currency, or in inventory only;
- ``unpaid_overdue``: nothing paid, and the line's first decision is more than ``days`` days old;
- ``unpaid_waiting``: nothing paid yet, within ``days`` days of the first decision;
- ``paid_unclaimed``: the marketplace paid for an order line that no carrier-damage decision claims.

"Nothing paid" means no payment row, or rows that cancel out (a payment and its reversal).
"""

from __future__ import annotations

import enum
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TextIO

from sqlalchemy import Select, and_, func, select

from rmadesk.domain.model import Disposition
from rmadesk.domain.people import Actor, Permission
from rmadesk.domain.policy import COMPONENT_LABELS
from rmadesk.formats.csv_out import CsvWriter
from rmadesk.services.access import authorize
from rmadesk.store.models import (
    Authorization,
    MarketplaceReimbursement,
    Outcome,
    ReimbursementLineRow,
    Unit,
)
from rmadesk.store.uow import Store
from rmadesk.text.formatting import iso_utc

DEFAULT_DAYS = 30
TOLERANCE_PER_UNIT = Decimal("0.01")
_CENT = Decimal("0.01")
_ZERO = Decimal("0")


class ReconcileStatus(enum.StrEnum):
    """How an order line's claim compares with what the marketplace paid."""

    PAID = "paid"
    PAID_DIFFERENTLY = "paid_differently"
    UNPAID_OVERDUE = "unpaid_overdue"
    UNPAID_WAITING = "unpaid_waiting"
    PAID_UNCLAIMED = "paid_unclaimed"

    @property
    def is_problem(self) -> bool:
        """Something a supervisor should look into: money missing, wrong, or not matched to a claim."""
        return self in _PROBLEMS


_PROBLEMS = frozenset(
    {ReconcileStatus.PAID_DIFFERENTLY, ReconcileStatus.UNPAID_OVERDUE, ReconcileStatus.PAID_UNCLAIMED}
)


@dataclass(frozen=True)
class ReconcileRow:
    """One order line: what the bench claims for it and what the marketplace paid for it.

    Attributes:
        rma_id: the Amazon RMA ID, else the Merchant RMA ID, of the line's authorization (None for an
            FBA return, which has neither, and for a payment nobody claimed).
        units_claimed: units of the line decided carrier-damaged (0 for paid_unclaimed).
        expected_total: the sum of those units' expected reimbursements.
        expected_components: that sum per policy component, e.g. (("sale_price", 40.00), ("tax", 3.20)).
        paid_total / units_paid: the sums of amount-total and quantity-reimbursed-total over the line's
            payment rows (a reversal counts negative).
        difference: paid_total − expected_total: negative when the marketplace paid too little.
        currency: the claim's currency (the payment's for paid_unclaimed).
        decided_at: the line's first carrier-damage decision; days_since_decision counts from its
            local date to ``today``.
        reimbursement_ids: the marketplace's reimbursement IDs for the line, to look up a case.
        last_paid_on: the latest approval date of those payments.
        outcome_uids: the carrier-damage outcomes of the line, oldest first (one claim packet each).
    """

    status: ReconcileStatus
    rma_id: str | None
    order_id: str | None
    sku: str | None
    units_claimed: int
    expected_total: Decimal
    expected_components: tuple[tuple[str, Decimal], ...]
    paid_total: Decimal
    units_paid: int
    difference: Decimal
    currency: str | None
    decided_at: datetime | None
    days_since_decision: int | None
    reimbursement_ids: tuple[str, ...] = ()
    last_paid_on: date | None = None
    outcome_uids: tuple[str, ...] = ()


def _unit_sku() -> Any:
    """The SKU of a unit: its item's, for a unit of a return's second or later item."""
    return func.coalesce(Unit.item_sku, Authorization.sku)


def _claims() -> Select[Any]:
    """Units whose current outcome is carrier-damaged, per order line and currency."""
    current = and_(Outcome.unit_id == Unit.id, Outcome.attempt == Unit.attempt)
    return (
        select(
            Authorization.order_id.label("order_id"),
            _unit_sku().label("sku"),
            Outcome.currency.label("currency"),
            func.count(Outcome.id).label("units"),
            func.sum(Outcome.reimbursement_total).label("expected"),
            func.min(Outcome.decided_at).label("decided_at"),
            func.min(func.coalesce(Authorization.rma_id, Authorization.merchant_rma_id)).label("rma_id"),
        )
        .select_from(Outcome)
        .join(Unit, current)
        .join(Authorization, Authorization.id == Unit.authorization_id)
        .where(Outcome.disposition == Disposition.CARRIER_DAMAGED.value)
        .group_by(Authorization.order_id, _unit_sku(), Outcome.currency)
    )


def _payments() -> Select[Any]:
    """Imported marketplace reimbursements, per order line."""
    paid = MarketplaceReimbursement
    return select(
        paid.order_id.label("order_id"),
        paid.sku.label("sku"),
        func.sum(paid.amount_total).label("paid"),
        func.sum(paid.quantity_total).label("units_paid"),
        func.count(paid.id).label("payments"),
        func.min(paid.currency).label("currency_low"),
        func.max(paid.currency).label("currency_high"),
        func.max(paid.approval_date).label("last_paid_on"),
        func.aggregate_strings(paid.reimbursement_id, " ").label("reimbursement_ids"),
    ).group_by(paid.order_id, paid.sku)


def _components() -> Select[Any]:
    """The expected reimbursement of the claimed units per order line, currency and component."""
    current = and_(Outcome.unit_id == Unit.id, Outcome.attempt == Unit.attempt)
    line = ReimbursementLineRow
    return (
        select(
            Authorization.order_id,
            _unit_sku(),
            Outcome.currency,
            line.component,
            func.sum(line.amount),
        )
        .select_from(line)
        .join(Outcome, Outcome.id == line.outcome_id)
        .join(Unit, current)
        .join(Authorization, Authorization.id == Unit.authorization_id)
        .where(Outcome.disposition == Disposition.CARRIER_DAMAGED.value)
        .group_by(Authorization.order_id, _unit_sku(), Outcome.currency, line.component)
    )


def _claimed_outcomes() -> Select[Any]:
    """The carrier-damage outcomes behind each order line, oldest first."""
    current = and_(Outcome.unit_id == Unit.id, Outcome.attempt == Unit.attempt)
    return (
        select(Authorization.order_id, _unit_sku(), Outcome.currency, Outcome.outcome_uid)
        .select_from(Outcome)
        .join(Unit, current)
        .join(Authorization, Authorization.id == Unit.authorization_id)
        .where(Outcome.disposition == Disposition.CARRIER_DAMAGED.value)
        .order_by(Outcome.decided_at, Outcome.id)
    )


_COMPONENT_ORDER = {name: index for index, name in enumerate(COMPONENT_LABELS)}


def reconcile(
    store: Store, actor: Actor, *, days: int = DEFAULT_DAYS, today: date | None = None
) -> list[ReconcileRow]:
    """Every claimed order line, oldest decision first, then every payment nobody claimed
    (supervisors and admins)."""
    today = today or date.today()
    claims = _claims().subquery("claims")
    payments = _payments().subquery("payments")
    same_line = and_(payments.c.order_id == claims.c.order_id, payments.c.sku == claims.c.sku)
    claimed = (
        select(claims, *(payments.c[name] for name in _PAYMENT_COLUMNS))
        .outerjoin(payments, same_line)
        .order_by(claims.c.decided_at, claims.c.order_id, claims.c.sku)
    )
    unclaimed = (
        select(payments)
        .outerjoin(claims, same_line)
        .where(claims.c.order_id.is_(None))
        .order_by(payments.c.last_paid_on, payments.c.order_id, payments.c.sku)
    )
    with store.read() as session:
        authorize(session, actor, Permission.VIEW_SUMMARY)
        parts: dict[tuple[str, str, str], list[tuple[str, Decimal]]] = defaultdict(list)
        for order_id, sku, currency, component, amount in session.execute(_components()):
            parts[(order_id, sku, currency)].append((component, amount))
        uids: dict[tuple[str, str, str], list[str]] = defaultdict(list)
        for order_id, sku, currency, uid in session.execute(_claimed_outcomes()):
            uids[(order_id, sku, currency)].append(uid)
        rows = [
            replace(
                _claim_row(found, parts, days, today),
                outcome_uids=tuple(uids.get((found.order_id, found.sku, found.currency), ())),
            )
            for found in session.execute(claimed)
        ]
        rows += [_unclaimed_row(found) for found in session.execute(unclaimed)]
    return rows


_PAYMENT_COLUMNS = (
    "paid",
    "units_paid",
    "payments",
    "currency_low",
    "currency_high",
    "last_paid_on",
    "reimbursement_ids",
)


def _ids(listed: str | None) -> tuple[str, ...]:
    return tuple(sorted(set(listed.split()))) if listed else ()


def _claim_row(
    found: Any, parts: dict[tuple[str, str, str], list[tuple[str, Decimal]]], days: int, today: date
) -> ReconcileRow:
    expected = found.expected or _ZERO
    paid = found.paid or _ZERO
    units_paid = found.units_paid or 0
    waited = (today - found.decided_at.astimezone().date()).days
    if not found.payments or (paid == 0 and units_paid == 0):
        status = ReconcileStatus.UNPAID_OVERDUE if waited > days else ReconcileStatus.UNPAID_WAITING
    elif {found.currency_low, found.currency_high} - {None, found.currency} or abs(
        paid - expected
    ) > TOLERANCE_PER_UNIT * found.units:
        status = ReconcileStatus.PAID_DIFFERENTLY
    else:
        status = ReconcileStatus.PAID
    components = sorted(
        parts.get((found.order_id, found.sku, found.currency), ()),
        key=lambda part: (_COMPONENT_ORDER.get(part[0], len(_COMPONENT_ORDER)), part[0]),
    )
    return ReconcileRow(
        status=status,
        rma_id=found.rma_id,
        order_id=found.order_id,
        sku=found.sku,
        units_claimed=found.units,
        expected_total=expected,
        expected_components=tuple(components),
        paid_total=paid,
        units_paid=units_paid,
        difference=paid - expected,
        currency=found.currency,
        decided_at=found.decided_at,
        days_since_decision=waited,
        reimbursement_ids=_ids(found.reimbursement_ids),
        last_paid_on=found.last_paid_on,
    )


def _unclaimed_row(found: Any) -> ReconcileRow:
    paid = found.paid or _ZERO
    return ReconcileRow(
        status=ReconcileStatus.PAID_UNCLAIMED,
        rma_id=None,
        order_id=found.order_id,
        sku=found.sku,
        units_claimed=0,
        expected_total=_ZERO,
        expected_components=(),
        paid_total=paid,
        units_paid=found.units_paid or 0,
        difference=paid,
        currency=found.currency_high,
        decided_at=None,
        days_since_decision=None,
        reimbursement_ids=_ids(found.reimbursement_ids),
        last_paid_on=found.last_paid_on,
    )


RECONCILE_COLUMNS = (
    "status",
    "rma_id",
    "order_id",
    "sku",
    "units_claimed",
    "units_paid",
    "expected_total",
    "paid_total",
    "difference",
    "currency",
    "decided_at",
    "days_since_decision",
    "last_paid_on",
    "reimbursement_ids",
    "expected_components",
)


def _money(amount: Decimal) -> str:
    return str(amount.quantize(_CENT, rounding=ROUND_HALF_UP))


def csv_fields(row: ReconcileRow) -> tuple[str, ...]:
    return (
        row.status.value,
        row.rma_id or "",
        row.order_id or "",
        row.sku or "",
        str(row.units_claimed),
        str(row.units_paid),
        _money(row.expected_total),
        _money(row.paid_total),
        _money(row.difference),
        row.currency or "",
        iso_utc(row.decided_at) if row.decided_at else "",
        "" if row.days_since_decision is None else str(row.days_since_decision),
        row.last_paid_on.isoformat() if row.last_paid_on else "",
        " ".join(row.reimbursement_ids),
        "; ".join(f"{name}={_money(amount)}" for name, amount in row.expected_components),
    )


def write_reconciliation_csv(
    store: Store,
    out: TextIO,
    actor: Actor,
    *,
    days: int = DEFAULT_DAYS,
    today: date | None = None,
    only_problems: bool = False,
) -> int:
    """Write the reconciliation as CSV (header RECONCILE_COLUMNS); returns the number of rows written.

    Amounts have two decimals, dates are ISO (decided_at in UTC), several reimbursement IDs are
    separated by spaces and the expected components read "sale_price=20.00; tax=1.60".
    only_problems keeps paid_differently, unpaid_overdue and paid_unclaimed.
    """
    writer = CsvWriter(out)
    writer.writerow(RECONCILE_COLUMNS)
    written = 0
    for row in reconcile(store, actor, days=days, today=today):
        if only_problems and not row.status.is_problem:
            continue
        writer.writerow(csv_fields(row))
        written += 1
    return written
