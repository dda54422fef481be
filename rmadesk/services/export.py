"""Writing recorded outcomes out as CSV."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import TextIO

from sqlalchemy import func, select

from rmadesk.domain.people import Actor, Permission
from rmadesk.formats.csv_out import CsvWriter
from rmadesk.services.access import authorize
from rmadesk.store.models import Authorization, Outcome, Unit
from rmadesk.store.uow import Store
from rmadesk.text.formatting import iso_utc

OUTCOME_COLUMNS = (
    "rma_id",
    "order_id",
    "sku",
    "unit",
    "disposition",
    "restocked",
    "location",
    "reimbursement",
    "currency",
    "inspector",
    "bench",
    "decided_at",
)


def outcome_rows(store: Store, actor: Actor) -> Iterator[tuple[str, ...]]:
    """Every current outcome (not reversed), oldest first, as CSV fields (supervisors and admins)."""
    authorize(store, actor, Permission.VIEW_SUMMARY)
    stmt = (
        select(
            Authorization.rma_id,
            Authorization.merchant_rma_id,
            Authorization.order_id,
            func.coalesce(Unit.item_sku, Authorization.sku).label("sku"),
            Unit.seq,
            Outcome.disposition,
            Outcome.restocked,
            Outcome.location,
            Outcome.reimbursement_total,
            Outcome.currency,
            Outcome.inspector,
            Outcome.bench,
            Outcome.decided_at,
        )
        .join(Unit, Unit.id == Outcome.unit_id)
        .join(Authorization, Authorization.id == Unit.authorization_id)
        .where(Outcome.attempt == Unit.attempt)
        .order_by(Outcome.decided_at, Outcome.id)
    )
    with store.read() as session:
        for row in session.execute(stmt).yield_per(1000):
            yield (
                row.rma_id or row.merchant_rma_id or "",
                row.order_id,
                row.sku,
                str(row.seq),
                row.disposition,
                "1" if row.restocked else "0",
                row.location,
                str(row.reimbursement_total.quantize(Decimal("0.01"))),
                row.currency,
                row.inspector,
                row.bench,
                iso_utc(row.decided_at),
            )


def write_outcomes_csv(store: Store, out: TextIO, actor: Actor) -> int:
    """Write the outcomes CSV; returns the number of outcome rows written."""
    writer = CsvWriter(out)
    writer.writerow(OUTCOME_COLUMNS)
    count = 0
    for row in outcome_rows(store, actor):
        writer.writerow(row)
        count += 1
    return count
