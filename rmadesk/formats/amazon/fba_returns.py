"""The FBA customer returns report: what the marketplace's inspection decided, one license plate a unit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rmadesk.formats.spec import CellType, Column, ReportSpec
from rmadesk.text.i18n import N_


@dataclass(frozen=True, slots=True)
class FbaReturn:
    """One row of the FBA customer returns report; one license plate number is one unit."""

    line: int
    return_date: date | None
    order_id: str
    sku: str
    asin: str | None
    fnsku: str | None
    product_name: str
    quantity: int
    fulfillment_center_id: str | None
    detailed_disposition: str | None
    reason: str | None
    status: str | None
    license_plate_number: str | None
    customer_comments: str | None

    @property
    def key(self) -> str:
        """The license plate number, else order|sku|return date."""
        if self.license_plate_number:
            return self.license_plate_number
        returned = self.return_date.isoformat() if self.return_date else ""
        return f"{self.order_id}|{self.sku}|{returned}"


SPEC = ReportSpec(
    kind="fba_returns",
    label=N_("FBA customer returns report"),
    row_type=FbaReturn,
    columns=(
        Column("return_date", ("return-date",), CellType.DATE),
        Column("order_id", ("order-id", "amazon-order-id")),
        Column("sku", ("sku",)),
        Column("asin", ("asin",)),
        Column("fnsku", ("fnsku",)),
        Column("product_name", ("product-name",)),
        Column("quantity", ("quantity",), CellType.COUNT),
        Column("fulfillment_center_id", ("fulfillment-center-id",)),
        Column("detailed_disposition", ("detailed-disposition",), CellType.UPPER),
        Column("reason", ("reason",)),
        Column("status", ("status",)),
        Column("license_plate_number", ("license-plate-number",)),
        Column("customer_comments", ("customer-comments",)),
    ),
    required=(
        ("return-date",),
        ("order-id", "amazon-order-id"),
        ("sku",),
        ("quantity",),
        ("detailed-disposition", "license-plate-number"),
    ),
    telltales=("return-date", "detailed-disposition", "license-plate-number"),
    must_have=("order_id", "sku"),
    unit_count="quantity",
    key=("license_plate_number", "return_date"),
    defaults=(("product_name", ""),),
)
