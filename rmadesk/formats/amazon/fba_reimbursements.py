"""The FBA reimbursements report: what the marketplace paid, in cash or inventory, against claims."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from rmadesk.formats.spec import CellType, Column, ReportSpec
from rmadesk.text.i18n import N_


@dataclass(frozen=True, slots=True)
class FbaReimbursement:
    """One row of the FBA reimbursements report: what the marketplace paid, in cash or inventory."""

    line: int
    approval_date: date | None
    reimbursement_id: str
    case_id: str | None
    order_id: str | None
    reason: str | None
    sku: str | None
    fnsku: str | None
    asin: str | None
    product_name: str | None
    condition: str | None
    currency: str | None
    amount_per_unit: Decimal | None
    quantity_reimbursed_cash: int
    amount_total: Decimal
    quantity_reimbursed_inventory: int
    quantity_reimbursed_total: int
    original_reimbursement_id: str | None
    original_reimbursement_type: str | None

    @property
    def key(self) -> str:
        """One reimbursement ID can pay for several SKUs and orders, so all three make the key."""
        return f"{self.reimbursement_id}|{self.sku or ''}|{self.order_id or ''}"


SPEC = ReportSpec(
    kind="fba_reimbursements",
    label=N_("FBA reimbursements report"),
    row_type=FbaReimbursement,
    columns=(
        Column("approval_date", ("approval-date",), CellType.DATE),
        Column("reimbursement_id", ("reimbursement-id",)),
        Column("case_id", ("case-id",)),
        Column("order_id", ("amazon-order-id", "order-id")),
        Column("reason", ("reason",)),
        Column("sku", ("sku",)),
        Column("fnsku", ("fnsku",)),
        Column("asin", ("asin",)),
        Column("product_name", ("product-name",)),
        Column("condition", ("condition",)),
        Column("currency", ("currency-unit",)),
        Column("amount_per_unit", ("amount-per-unit",), CellType.MONEY),
        Column("quantity_reimbursed_cash", ("quantity-reimbursed-cash",), CellType.COUNT),
        Column("amount_total", ("amount-total",), CellType.MONEY),
        Column("quantity_reimbursed_inventory", ("quantity-reimbursed-inventory",), CellType.COUNT),
        Column("quantity_reimbursed_total", ("quantity-reimbursed-total",), CellType.COUNT),
        Column("original_reimbursement_id", ("original-reimbursement-id",)),
        Column("original_reimbursement_type", ("original-reimbursement-type",)),
    ),
    required=(("approval-date",), ("reimbursement-id",), ("amount-total",)),
    telltales=("reimbursement-id", "approval-date", "amount-total", "quantity-reimbursed-total"),
    must_have=("reimbursement_id", "amount_total"),
    # Amazon leaves a count empty when nothing was reimbursed that way.
    defaults=(
        ("quantity_reimbursed_cash", 0),
        ("quantity_reimbursed_inventory", 0),
        ("quantity_reimbursed_total", 0),
    ),
)
