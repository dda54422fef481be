"""Tests for the report registry: each report told by its header, an unknown file refused, specs whole."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pytest

from rmadesk.domain.errors import NotAReport
from rmadesk.formats.amazon.registry import WHAT_WE_READ, ReportKind, detect_report, read_report
from rmadesk.formats.spec import CellType, Column, ReportSpec, RowProblem, read_rows
from rmadesk.formats.tsv import read_table
from rmadesk.services.imports import IMPORTERS

# The public headers of each report (DOMAIN.md), exactly as the marketplace writes them.
HEADERS = {
    ReportKind.MFN_RETURNS: (
        "Order ID, Order date, Return request date, Return request status, Amazon RMA ID, "
        "Merchant RMA ID, Label type, Label cost, Currency code, Return carrier, Tracking ID, "
        "Label to be paid by, A-to-Z Claim, Is prime, ASIN, Merchant SKU, Item Name, Return quantity, "
        "Return Reason, In policy, Return type, Resolution, Invoice number, Return delivery date, "
        "Order Amount, Order quantity, SafeT Action reason, SafeT claim id, SafeT claim state, "
        "SafeT claim creation time, SafeT claim reimbursement amount, Refunded Amount"
    ),
    ReportKind.FBA_RETURNS: (
        "return-date, order-id, sku, asin, fnsku, product-name, quantity, fulfillment-center-id, "
        "detailed-disposition, reason, status, license-plate-number, customer-comments"
    ),
    ReportKind.FBA_REIMBURSEMENTS: (
        "approval-date, reimbursement-id, case-id, amazon-order-id, reason, sku, fnsku, asin, product-name, "
        "condition, currency-unit, amount-per-unit, quantity-reimbursed-cash, amount-total, "
        "quantity-reimbursed-inventory, quantity-reimbursed-total, original-reimbursement-id, "
        "original-reimbursement-type"
    ),
}


def header_line(kind: ReportKind) -> bytes:
    return ("\t".join(name.strip() for name in HEADERS[kind].split(",")) + "\r\n").encode("utf-8")


def test_the_registry_lists_the_three_reports_in_order() -> None:
    assert [(kind.value, kind.label) for kind in ReportKind] == [
        ("mfn_returns", "seller-fulfilled returns report"),
        ("fba_returns", "FBA customer returns report"),
        ("fba_reimbursements", "FBA reimbursements report"),
    ]
    assert ReportKind("fba_returns") is ReportKind.FBA_RETURNS
    assert WHAT_WE_READ == (
        "RMA Desk reads the seller-fulfilled returns report, the FBA customer returns report "
        "and the FBA reimbursements report."
    )


@pytest.mark.parametrize("kind", list(ReportKind))
def test_each_report_is_detected_from_its_header_alone(kind: ReportKind) -> None:
    assert detect_report(header_line(kind)) is kind
    # Headers are matched case-insensitively and trimmed, behind a BOM.
    names = [name.strip() for name in HEADERS[kind].split(",")]
    shouted = "\ufeff" + "\t".join(f" {name.upper()} " for name in names) + "\n"
    assert detect_report(shouted.encode("utf-8")) is kind
    report = read_report(header_line(kind))
    assert (report.kind, report.rows, report.problems, report.total_lines) == (kind, (), (), 0)


def test_an_unknown_file_is_refused_with_what_it_reads_and_what_we_read() -> None:
    with pytest.raises(NotAReport) as caught:
        detect_report(b"Name\tPhone\tCity\nAna\t555-0100\tLisbon\n")
    message = str(caught.value)
    assert message == (
        "this file is not an Amazon returns report: it has no 'Order ID', 'Return quantity' or "
        f"'Merchant SKU' column (its first line reads 'Name', 'Phone', 'City'). {WHAT_WE_READ}"
    )


def test_a_report_missing_a_required_column_is_named_and_refused() -> None:
    header = header_line(ReportKind.FBA_REIMBURSEMENTS).replace(b"amount-total\t", b"")
    with pytest.raises(
        NotAReport, match="looks like the FBA reimbursements report, but it has no 'amount-total'"
    ):
        detect_report(header)


@pytest.mark.parametrize("kind", list(ReportKind))
def test_each_spec_fills_every_field_of_its_row_type(kind: ReportKind) -> None:
    spec = kind.spec
    assert spec.kind == kind.value
    fields = [field.name for field in dataclasses.fields(spec.row_type) if field.name != "line"]
    assert sorted(column.field for column in spec.columns) == sorted(fields)
    assert all(any(name in HEADERS[kind] for name in group) for group in spec.required)


def test_every_report_has_its_importer() -> None:
    assert set(IMPORTERS) == set(ReportKind)


# A report format is a row type and a spec; the generic reader does the rest.


@dataclass(frozen=True)
class _Parcel:
    line: int
    tracking_id: str
    weight_grams: int

    @property
    def key(self) -> str:
        return self.tracking_id


_PARCELS = ReportSpec(
    kind="parcels",
    label="parcel list",
    row_type=_Parcel,
    columns=(Column("tracking_id", ("tracking",)), Column("weight_grams", ("grams",), CellType.COUNT)),
    required=(("tracking",),),
    telltales=("tracking",),
    must_have=("tracking_id",),
    unit_count="weight_grams",
    key=("tracking_id",),
)


def test_a_spec_alone_reads_its_rows_and_explains_the_refused_ones() -> None:
    table = read_table("Tracking\tGrams\nT1\t500\n\t200\nT2\theavy\nT1\t450\nT3\t0\n")
    assert table is not None and not _PARCELS.missing(table) and _PARCELS.known_columns(table) == 2
    read = read_rows(_PARCELS, table)
    assert read.rows == (_Parcel(5, "T1", 450),)
    assert read.duplicates == 1
    assert read.problems == (
        RowProblem(
            3, "tracking is empty; it has no tracking, so this return cannot be told apart from others"
        ),
        RowProblem(4, "grams 'heavy' is not a whole number"),
        RowProblem(6, "grams '0' is less than 1"),
    )
