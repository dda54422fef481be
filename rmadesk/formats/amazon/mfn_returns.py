"""The seller-fulfilled (MFN) returns report: the source of authorizations, one row per returned item."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from rmadesk.formats.spec import CellType, Column, ReportSpec
from rmadesk.text.i18n import N_


@dataclass(frozen=True, slots=True)
class MfnReturn:
    """One row of the seller-fulfilled (MFN) returns report."""

    line: int
    order_id: str
    order_date: date | None
    return_request_date: date | None
    return_request_status: str | None
    amazon_rma_id: str | None
    merchant_rma_id: str | None
    label_type: str | None
    tracking_id: str | None
    return_carrier: str | None
    currency: str | None
    asin: str | None
    sku: str
    item_name: str
    quantity: int
    reason: str | None
    customer_comment: str | None
    in_policy: bool | None
    is_prime: bool | None
    return_type: str | None
    resolution: str | None
    order_amount: Decimal | None
    order_quantity: int | None
    refunded_amount: Decimal | None
    return_delivery_date: date | None
    category: str | None
    label_cost: Decimal | None
    label_paid_by: str | None
    a_to_z_claim: bool | None
    safet_claim_id: str | None
    safet_claim_state: str | None
    safet_amount: Decimal | None

    @property
    def key(self) -> str:
        """Amazon RMA ID, else Merchant RMA ID, else order|sku|request date for a returnless refund."""
        if self.amazon_rma_id:
            return self.amazon_rma_id
        if self.merchant_rma_id:
            return self.merchant_rma_id
        assert self.return_request_date is not None  # rows without any key are refused when read
        return f"{self.order_id}|{self.sku}|{self.return_request_date.isoformat()}"

    @property
    def identity(self) -> str:
        """What makes a row another row: its return and its item (one RMA may list several items)."""
        return f"{self.key}|{self.sku}"


SPEC = ReportSpec(
    kind="mfn_returns",
    label=N_("seller-fulfilled returns report"),
    row_type=MfnReturn,
    columns=(
        Column("order_id", ("Order ID",)),
        Column("order_date", ("Order date",), CellType.DATE),
        Column("return_request_date", ("Return request date",), CellType.DATE),
        Column("return_request_status", ("Return request status",)),
        Column("amazon_rma_id", ("Amazon RMA ID",)),
        Column("merchant_rma_id", ("Merchant RMA ID", "Seller RMA ID")),  # amazon.in: Seller
        Column("label_type", ("Label type",)),
        Column("tracking_id", ("Tracking ID",)),
        Column("return_carrier", ("Return carrier",)),
        Column("currency", ("Currency code", "Currency")),
        Column("asin", ("ASIN",)),
        Column("sku", ("Merchant SKU",)),
        Column("item_name", ("Item Name",)),
        Column("quantity", ("Return quantity",), CellType.COUNT),
        Column("reason", ("Return Reason",)),
        Column("customer_comment", ("Customer Comments", "Customer comment")),
        Column("in_policy", ("In policy",), CellType.FLAG),
        Column("is_prime", ("Is prime",), CellType.FLAG),
        Column("return_type", ("Return type",)),
        Column("resolution", ("Resolution",)),
        Column("order_amount", ("Order Amount",), CellType.MONEY),
        Column("order_quantity", ("Order quantity",), CellType.COUNT),
        Column("refunded_amount", ("Refunded Amount",), CellType.MONEY),
        Column("return_delivery_date", ("Return delivery date",), CellType.DATE),
        Column("category", ("Category", "Product category")),
        Column("label_cost", ("Label cost",), CellType.MONEY),
        Column("label_paid_by", ("Label to be paid by",)),
        Column("a_to_z_claim", ("A-to-Z Claim",), CellType.FLAG),
        Column("safet_claim_id", ("SafeT claim id",)),
        Column("safet_claim_state", ("SafeT claim state",)),
        Column("safet_amount", ("SafeT claim reimbursement amount",), CellType.MONEY),
    ),
    required=(
        ("Order ID",),
        ("Merchant SKU",),
        ("Return quantity",),
        ("Amazon RMA ID", "Merchant RMA ID", "Seller RMA ID"),
    ),
    telltales=(
        "Order ID",
        "Amazon RMA ID",
        "Merchant RMA ID",
        "Seller RMA ID",
        "Return quantity",
        "Return request date",
        "Merchant SKU",
    ),
    must_have=("order_id", "sku"),
    unit_count="quantity",
    key=("amazon_rma_id", "merchant_rma_id", "return_request_date"),
    defaults=(("item_name", ""),),
    unread=(
        "Invoice number",
        "SafeT Action reason",
        "SafeT claim creation time",
    ),
)
