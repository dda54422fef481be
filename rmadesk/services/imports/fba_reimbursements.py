"""Importing the FBA reimbursements report: what the marketplace paid, upserted by the row's key."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from rmadesk.formats.amazon.fba_reimbursements import SPEC, FbaReimbursement
from rmadesk.services.imports.base import ReportImporter, content_digest, show, store_checks
from rmadesk.store.models import MarketplaceReimbursement
from rmadesk.store.types import utcnow
from rmadesk.text.i18n import _

_PAID = MarketplaceReimbursement.__table__
_M = MarketplaceReimbursement
_PAID_CHECKS = store_checks(
    SPEC,
    {
        "reimbursement_id": _M.reimbursement_id,
        "case_id": _M.case_id,
        "order_id": _M.order_id,
        "reason": _M.reason,
        "sku": _M.sku,
        "fnsku": _M.fnsku,
        "asin": _M.asin,
        "product_name": _M.product_name,
        "condition": _M.condition,
        "currency": _M.currency,
        "original_reimbursement_id": _M.original_reimbursement_id,
        "original_reimbursement_type": _M.original_reimbursement_type,
        "amount_per_unit": _M.amount_per_unit,
        "amount_total": _M.amount_total,
        "quantity_reimbursed_cash": _M.quantity_cash,
        "quantity_reimbursed_inventory": _M.quantity_inventory,
        "quantity_reimbursed_total": _M.quantity_total,
    },
)


# The columns of a reimbursement row, in the order of _paid_values, with the report's header for notes.
_PAID_FIELDS = (
    ("row_key", "key"),
    ("reimbursement_id", "reimbursement-id"),
    ("approval_date", "approval-date"),
    ("case_id", "case-id"),
    ("order_id", "amazon-order-id"),
    ("reason", "reason"),
    ("sku", "sku"),
    ("fnsku", "fnsku"),
    ("asin", "asin"),
    ("product_name", "product-name"),
    ("condition", "condition"),
    ("currency", "currency-unit"),
    ("amount_per_unit", "amount-per-unit"),
    ("quantity_cash", "quantity-reimbursed-cash"),
    ("amount_total", "amount-total"),
    ("quantity_inventory", "quantity-reimbursed-inventory"),
    ("quantity_total", "quantity-reimbursed-total"),
    ("original_reimbursement_id", "original-reimbursement-id"),
    ("original_reimbursement_type", "original-reimbursement-type"),
)
_PAID_COLUMNS = tuple(name for name, _header in _PAID_FIELDS)


def _paid_values(row: FbaReimbursement) -> tuple[Any, ...]:
    return (
        row.key,
        row.reimbursement_id,
        row.approval_date,
        row.case_id,
        row.order_id,
        row.reason,
        row.sku,
        row.fnsku,
        row.asin,
        row.product_name,
        row.condition,
        row.currency,
        row.amount_per_unit,
        row.quantity_reimbursed_cash,
        row.amount_total,
        row.quantity_reimbursed_inventory,
        row.quantity_reimbursed_total,
        row.original_reimbursement_id,
        row.original_reimbursement_type,
    )


class ReimbursementsImporter(ReportImporter):
    """Upserts what the marketplace paid, one row per reimbursement ID, SKU and order."""

    checks = _PAID_CHECKS

    def write(self, rows: Sequence[FbaReimbursement]) -> None:
        values = [_paid_values(row) for row in rows]
        existing = {
            old.row_key: old
            for old in self.w.select_in(
                select(_PAID.c.id, _PAID.c.source_hash, *(_PAID.c[name] for name in _PAID_COLUMNS)),
                _PAID.c.row_key,
                [vals[0] for vals in values],
            )
        }
        now = utcnow()
        new: list[tuple[Any, ...]] = []
        changed: list[tuple[Any, ...]] = []
        for row, vals in zip(rows, values, strict=True):
            digest = content_digest(vals)
            old = existing.get(row.key)
            if old is None:
                new.append((*vals, digest, now))
            elif old.source_hash == digest:
                self.unchanged += 1
            else:
                changed.append((old.id, *vals, digest))
                differences = [
                    f"{label} {show(before)} → {show(after)}"
                    for (name, label), after in zip(_PAID_FIELDS, vals, strict=True)
                    if (before := getattr(old, name)) != after
                ]
                self.notes.append(
                    _(
                        "line {line}: reimbursement {reimbursement_id} ({sku}, order {order}) "
                        "changed: {changes}."
                    ).format(
                        line=row.line,
                        reimbursement_id=row.reimbursement_id,
                        sku=row.sku or _("no SKU"),
                        order=row.order_id or _("(none)"),
                        changes=", ".join(differences) or _("nothing visible"),
                    )
                )
        self.w.insert(_PAID, (*_PAID_COLUMNS, "source_hash", "imported_at"), new)
        self.w.update_by_id(_PAID, (*_PAID_COLUMNS, "source_hash"), changed)
        self.added += len(new)
        self.updated += len(changed)
