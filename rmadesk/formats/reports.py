"""Recognize and read Amazon's three return reports: MFN returns, FBA customer returns, FBA reimbursements."""

from __future__ import annotations

import csv
import dataclasses
import enum
import operator
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from rmadesk.domain.errors import NotAReport
from rmadesk.formats.text import (
    DATE_FORMATS_HINT,
    Table,
    decode_report,
    fits_width,
    parse_date,
    parse_money,
    parse_whole_number,
    parse_yes_no,
    read_table,
)


class ReportKind(enum.StrEnum):
    """The reports RMA Desk can read."""

    MFN_RETURNS = "mfn_returns"
    FBA_RETURNS = "fba_returns"
    FBA_REIMBURSEMENTS = "fba_reimbursements"

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    ReportKind.MFN_RETURNS: "seller-fulfilled returns report",
    ReportKind.FBA_RETURNS: "FBA customer returns report",
    ReportKind.FBA_REIMBURSEMENTS: "FBA reimbursements report",
}

_WHAT_WE_READ = (
    "RMA Desk reads the seller-fulfilled returns report, the FBA customer returns report "
    "and the FBA reimbursements report."
)


@dataclass(frozen=True)
class RowProblem:
    """A data row that could not be used, with its physical line in the file and why."""

    line: int
    reason: str


@dataclass(frozen=True)
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

    @property
    def key(self) -> str:
        """Amazon RMA ID, else Merchant RMA ID, else order|sku|request date for a returnless refund."""
        if self.amazon_rma_id:
            return self.amazon_rma_id
        if self.merchant_rma_id:
            return self.merchant_rma_id
        assert self.return_request_date is not None  # rows without any key are refused when read
        return f"{self.order_id}|{self.sku}|{self.return_request_date.isoformat()}"


@dataclass(frozen=True)
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


@dataclass(frozen=True)
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


ReportRow = MfnReturn | FbaReturn | FbaReimbursement


@dataclass(frozen=True)
class ParsedReport:
    """A report read from a file: its usable rows, and the rows that could not be used."""

    kind: ReportKind
    encoding: str
    rows: tuple[ReportRow, ...]
    problems: tuple[RowProblem, ...]
    duplicates: int
    total_lines: int

    @property
    def label(self) -> str:
        return self.kind.label


# How each kind of cell is read, and how to say that a value could not be read.
_Parser = Callable[[str], Any]
_TEXT = "text"
_DATE = "date"
_MONEY = "money"
_COUNT = "count"
_FLAG = "flag"
_UPPER = "upper"
_PARSERS: dict[str, _Parser | None] = {
    _TEXT: None,
    _DATE: parse_date,
    _MONEY: parse_money,
    _COUNT: parse_whole_number,
    _FLAG: parse_yes_no,
    _UPPER: str.upper,
}
_UNREADABLE = {
    _DATE: f"is not a date ({DATE_FORMATS_HINT})",
    _MONEY: "is not an amount of money (expected e.g. 19.99 or 1,234.50)",
    _COUNT: "is not a whole number",
    _FLAG: "is not Y or N",
}


@dataclass(frozen=True)
class _Column:
    """A column a report may have: the field it fills, the header names it goes by, how to read it."""

    field: str
    headers: tuple[str, ...]
    reads_as: str = _TEXT

    @property
    def label(self) -> str:
        return self.headers[0]


@dataclass(frozen=True)
class _ReportSpec:
    """What makes a report of one kind: its columns, the ones it cannot do without, and its tell-tales."""

    kind: ReportKind
    columns: tuple[_Column, ...]
    # Each group is a set of alternatives; at least one header of every group must be present.
    required: tuple[tuple[str, ...], ...]
    # Headers no other report of ours has: seeing one means the person meant this kind.
    telltales: tuple[str, ...]
    # Headers of the report that RMA Desk does not read, still counted to recognise the report.
    unread: tuple[str, ...] = ()


_MFN = _ReportSpec(
    kind=ReportKind.MFN_RETURNS,
    columns=(
        _Column("order_id", ("Order ID",)),
        _Column("order_date", ("Order date",), _DATE),
        _Column("return_request_date", ("Return request date",), _DATE),
        _Column("return_request_status", ("Return request status",)),
        _Column("amazon_rma_id", ("Amazon RMA ID",)),
        _Column("merchant_rma_id", ("Merchant RMA ID",)),
        _Column("label_type", ("Label type",)),
        _Column("tracking_id", ("Tracking ID",)),
        _Column("return_carrier", ("Return carrier",)),
        _Column("currency", ("Currency code", "Currency")),
        _Column("asin", ("ASIN",)),
        _Column("sku", ("Merchant SKU",)),
        _Column("item_name", ("Item Name",)),
        _Column("quantity", ("Return quantity",), _COUNT),
        _Column("reason", ("Return Reason",)),
        _Column("customer_comment", ("Customer Comments", "Customer comment")),
        _Column("in_policy", ("In policy",), _FLAG),
        _Column("is_prime", ("Is prime",), _FLAG),
        _Column("return_type", ("Return type",)),
        _Column("resolution", ("Resolution",)),
        _Column("order_amount", ("Order Amount",), _MONEY),
        _Column("order_quantity", ("Order quantity",), _COUNT),
        _Column("refunded_amount", ("Refunded Amount",), _MONEY),
        _Column("return_delivery_date", ("Return delivery date",), _DATE),
    ),
    required=(("Order ID",), ("Merchant SKU",), ("Return quantity",), ("Amazon RMA ID", "Merchant RMA ID")),
    telltales=(
        "Order ID",
        "Amazon RMA ID",
        "Merchant RMA ID",
        "Return quantity",
        "Return request date",
        "Merchant SKU",
    ),
    unread=(
        "Label cost",
        "Label to be paid by",
        "A-to-Z Claim",
        "Invoice number",
        "SafeT Action reason",
        "SafeT claim id",
        "SafeT claim state",
        "SafeT claim creation time",
        "SafeT claim reimbursement amount",
    ),
)

_FBA_RETURNS = _ReportSpec(
    kind=ReportKind.FBA_RETURNS,
    columns=(
        _Column("return_date", ("return-date",), _DATE),
        _Column("order_id", ("order-id", "amazon-order-id")),
        _Column("sku", ("sku",)),
        _Column("asin", ("asin",)),
        _Column("fnsku", ("fnsku",)),
        _Column("product_name", ("product-name",)),
        _Column("quantity", ("quantity",), _COUNT),
        _Column("fulfillment_center_id", ("fulfillment-center-id",)),
        _Column("detailed_disposition", ("detailed-disposition",), _UPPER),
        _Column("reason", ("reason",)),
        _Column("status", ("status",)),
        _Column("license_plate_number", ("license-plate-number",)),
        _Column("customer_comments", ("customer-comments",)),
    ),
    required=(
        ("return-date",),
        ("order-id", "amazon-order-id"),
        ("sku",),
        ("quantity",),
        ("detailed-disposition", "license-plate-number"),
    ),
    telltales=("return-date", "detailed-disposition", "license-plate-number"),
)

_FBA_REIMBURSEMENTS = _ReportSpec(
    kind=ReportKind.FBA_REIMBURSEMENTS,
    columns=(
        _Column("approval_date", ("approval-date",), _DATE),
        _Column("reimbursement_id", ("reimbursement-id",)),
        _Column("case_id", ("case-id",)),
        _Column("order_id", ("amazon-order-id", "order-id")),
        _Column("reason", ("reason",)),
        _Column("sku", ("sku",)),
        _Column("fnsku", ("fnsku",)),
        _Column("asin", ("asin",)),
        _Column("product_name", ("product-name",)),
        _Column("condition", ("condition",)),
        _Column("currency", ("currency-unit",)),
        _Column("amount_per_unit", ("amount-per-unit",), _MONEY),
        _Column("quantity_reimbursed_cash", ("quantity-reimbursed-cash",), _COUNT),
        _Column("amount_total", ("amount-total",), _MONEY),
        _Column("quantity_reimbursed_inventory", ("quantity-reimbursed-inventory",), _COUNT),
        _Column("quantity_reimbursed_total", ("quantity-reimbursed-total",), _COUNT),
        _Column("original_reimbursement_id", ("original-reimbursement-id",)),
        _Column("original_reimbursement_type", ("original-reimbursement-type",)),
    ),
    required=(("approval-date",), ("reimbursement-id",), ("amount-total",)),
    telltales=("reimbursement-id", "approval-date", "amount-total", "quantity-reimbursed-total"),
)

_SPECS = (_MFN, _FBA_RETURNS, _FBA_REIMBURSEMENTS)


def read_report(data: bytes) -> ParsedReport:
    """Recognize which of Amazon's return reports data holds and read it; raises NotAReport otherwise."""
    _refuse_known_non_text(data)
    text, encoding = decode_report(data)
    if not text.strip():
        raise NotAReport(f"this file is empty, so there is nothing to import. {_WHAT_WE_READ}")
    _refuse_binary_or_web_page(text)
    table = read_table(text)
    if table is None:  # only whitespace, already refused above; kept so the type is narrowed
        raise NotAReport(f"this file is empty, so there is nothing to import. {_WHAT_WE_READ}")
    spec = _recognize(table)
    return _read_rows(spec, table, encoding)


def _refuse_known_non_text(data: bytes) -> None:
    """Name the usual wrong downloads by their first bytes, so the person knows what to fetch instead."""
    if data.startswith(b"PK\x03\x04"):
        raise NotAReport(
            "this file is an Excel workbook (.xlsx) or a zip archive, not a report text file. "
            "Download the report from Seller Central as a tab-separated text file (.txt), or in Excel "
            f"use Save As and choose 'Text (Tab delimited)'. {_WHAT_WE_READ}"
        )
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise NotAReport(
            "this file is an old-style Excel workbook (.xls), not a report text file. In Excel use "
            f"Save As and choose 'Text (Tab delimited)'. {_WHAT_WE_READ}"
        )
    if data.startswith(b"%PDF"):
        raise NotAReport(f"this file is a PDF document, not a report text file. {_WHAT_WE_READ}")


# Text reports have almost no control characters; more than this share of them means binary data.
_MAX_CONTROL_SHARE = 0.01
_BINARY_SAMPLE_CHARS = 65536
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v")


def _refuse_binary_or_web_page(text: str) -> None:
    sample = text[:_BINARY_SAMPLE_CHARS]
    controls = sum(1 for char in sample if char < " " and char not in _ALLOWED_CONTROLS)
    if controls > _MAX_CONTROL_SHARE * len(sample):
        raise NotAReport(
            "this file is not a text report: it holds binary data (it may be a picture, a program, "
            f"a spreadsheet or a damaged download). {_WHAT_WE_READ}"
        )
    start = sample.lstrip().casefold()
    if start.startswith(("<!doctype html", "<html", "<?xml")):
        raise NotAReport(
            "this file is a web page, not a report: it may have been saved from the browser instead of "
            f"downloaded with the report's Download button. {_WHAT_WE_READ}"
        )


def _recognize(table: Table) -> _ReportSpec:
    """The spec whose required headers all appear; otherwise raise NotAReport explaining what is off."""
    _refuse_comma_separated(table)
    complete = [spec for spec in _SPECS if not _missing_groups(spec, table)]
    if complete:
        return max(complete, key=lambda spec: _known_column_count(spec, table))
    suspected = [spec for spec in _SPECS if any(table.has_column(name) for name in spec.telltales)]
    if suspected:
        spec = max(suspected, key=lambda spec: _known_column_count(spec, table))
        missing = " and no ".join(_quote_alternatives(group) for group in _missing_groups(spec, table))
        raise NotAReport(
            f"this file looks like the {spec.kind.label}, but it has no {missing} column, so it cannot be "
            "imported. Download the report again from Seller Central; if it was opened in a spreadsheet, "
            "check that no column was deleted or renamed."
        )
    raise NotAReport(
        "this file is not an Amazon returns report: it has no 'Order ID', 'Return quantity' or "
        f"'Merchant SKU' column (its first line reads {_first_headers(table)}). {_WHAT_WE_READ}"
    )


def _refuse_comma_separated(table: Table) -> None:
    """Amazon's reports are tab-separated; a one-column header full of commas is a CSV re-save."""
    if len(table.header) > 1:
        return
    for separator, name in ((",", "commas"), (";", "semicolons")):
        if separator not in table.header_text:
            continue
        headers = next(csv.reader([table.header_text], delimiter=separator))
        as_table = Table(tuple(header.strip() for header in headers), table.header_text, 1, [])
        recognized = [spec for spec in _SPECS if not _missing_groups(spec, as_table)]
        what = f"the {recognized[0].kind.label}" if recognized else "a table"
        raise NotAReport(
            f"this file looks like {what} saved with {name} between the columns (a CSV file), but "
            "Amazon's reports are tab-separated text. Download the report again from Seller Central and "
            "import that file as it is, or in Excel use Save As and choose 'Text (Tab delimited)'. "
            f"{_WHAT_WE_READ}"
        )


def _missing_groups(spec: _ReportSpec, table: Table) -> list[tuple[str, ...]]:
    return [group for group in spec.required if not any(table.has_column(name) for name in group)]


def _known_column_count(spec: _ReportSpec, table: Table) -> int:
    names = [name for column in spec.columns for name in column.headers] + list(spec.unread)
    return sum(1 for name in names if table.has_column(name))


def _quote_alternatives(group: tuple[str, ...]) -> str:
    return " or ".join(f"'{name}'" for name in group)


# Enough of the first line to recognise it, short enough to read in a message box.
_HEADERS_SHOWN = 5
_HEADER_CHARS_SHOWN = 40


def _first_headers(table: Table) -> str:
    shown = [
        f"'{header[:_HEADER_CHARS_SHOWN]}'" for header in table.header[:_HEADERS_SHOWN] if header.strip()
    ]
    more = ", ..." if len(table.header) > _HEADERS_SHOWN else ""
    return ", ".join(shown) + more if shown else "nothing but separators"


class _Cells:
    """The cells of all well-formed rows, column by column, and what is wrong with each row so far.

    Working a column at a time lets each distinct value be parsed once: a 100,000-row report holds
    only a few hundred distinct dates, amounts and counts.
    """

    def __init__(self, spec: _ReportSpec, table: Table, rows: list[tuple[str, ...]]) -> None:
        self.count = len(rows)
        self.columns: dict[str, list[Any] | None] = {}
        self.unreadable: dict[str, set[int]] = {}
        self.reasons: dict[int, list[str]] = {}
        present: list[tuple[int, _Column]] = []
        for column in spec.columns:
            position = table.column(*column.headers)
            if position is None:
                self.columns[column.field] = None
                self.unreadable[column.field] = set()
            else:
                present.append((position, column))
        # In the file's own column order, so a row's reasons read left to right like the row itself.
        for position, column in sorted(present, key=lambda pair: pair[0]):
            self._read_column(column, list(map(str.strip, map(operator.itemgetter(position), rows))))

    def _read_column(self, column: _Column, raw: list[str]) -> None:
        parse = _PARSERS[column.reads_as]
        unreadable: set[int] = set()
        self.unreadable[column.field] = unreadable
        if parse is None:
            self.columns[column.field] = [value or None for value in raw]
            return
        parsed: dict[str, Any] = {"": None}
        refused: dict[str, str] = {}
        for value in set(raw):
            if value:
                try:
                    parsed[value] = parse(value)
                except ValueError:
                    refused[value] = f"{column.label} '{value}' {_UNREADABLE[column.reads_as]}"
        if refused:
            for index, value in enumerate(raw):
                if value in refused:
                    unreadable.add(index)
                    self.refuse(index, refused[value])
        self.columns[column.field] = list(map(parsed.get, raw))

    def refuse(self, index: int, reason: str) -> None:
        self.reasons.setdefault(index, []).append(reason)

    def values(self, field: str) -> list[Any]:
        values = self.columns[field]
        return values if values is not None else [None] * self.count

    def empty_rows(self, field: str) -> set[int]:
        """Rows whose cell is empty; an unreadable cell already has its own reason, so it is not empty."""
        unreadable = self.unreadable[field]
        return {
            index
            for index, value in enumerate(self.values(field))
            if value is None and index not in unreadable
        }

    def require(self, field: str, label: str) -> None:
        for index in sorted(self.empty_rows(field)):
            self.refuse(index, f"{label} is empty")

    def require_unit_count(self, field: str, label: str) -> None:
        self.require(field, label)
        for index, quantity in enumerate(self.values(field)):
            if quantity is not None and quantity < 1:
                self.refuse(index, f"{label} '{quantity}' is less than 1")

    def refuse_unkeyed(self, fields: tuple[str, ...], reason: str) -> None:
        """Refuse rows where every one of fields is empty: such a row has no key."""
        for index in sorted(set.intersection(*(self.empty_rows(field) for field in fields))):
            self.refuse(index, reason)

    def default(self, field: str, value: Any) -> None:
        self.columns[field] = [cell if cell is not None else value for cell in self.values(field)]


_Checks = Callable[[_Cells], None]


def _read_rows(spec: _ReportSpec, table: Table, encoding: str) -> ParsedReport:
    """Turn every data row into a report row or a RowProblem; collapse repeated keys, last one wins."""
    width = len(table.header)
    problems: list[RowProblem] = []
    lines: list[int] = []
    rows: list[tuple[str, ...]] = []
    for line, fields in table.rows:
        if len(fields) == width or fits_width(fields, width):
            lines.append(line)
            rows.append(fields)
        else:
            problems.append(
                RowProblem(
                    line,
                    f"this line has {len(fields)} columns but the header has {width}, so its values "
                    "cannot be matched to the columns (a tab is missing or extra)",
                )
            )
    cells = _Cells(spec, table, rows)
    row_class, check = _ROW_CLASSES[spec.kind]
    check(cells)
    names = [field.name for field in dataclasses.fields(row_class) if field.name != "line"]
    by_key: dict[str, ReportRow] = {}
    duplicates = 0
    columns = [cells.values(name) for name in names]
    for index, (line, values) in enumerate(zip(lines, zip(*columns, strict=True), strict=True)):
        reasons = cells.reasons.get(index)
        if reasons:
            problems.append(RowProblem(line, "; ".join(reasons)))
            continue
        row = row_class(line, *values)
        key = row.key
        if key in by_key:
            duplicates += 1
            # Deleting first moves the key to the end, so the survivor sits where its last copy was.
            del by_key[key]
        by_key[key] = row
    problems.sort(key=lambda problem: problem.line)
    return ParsedReport(
        kind=spec.kind,
        encoding=encoding,
        rows=tuple(by_key.values()),
        problems=tuple(problems),
        duplicates=duplicates,
        total_lines=len(table.rows),
    )


def _check_mfn(cells: _Cells) -> None:
    cells.require("order_id", "Order ID")
    cells.require("sku", "Merchant SKU")
    cells.require_unit_count("quantity", "Return quantity")
    cells.refuse_unkeyed(
        ("amazon_rma_id", "merchant_rma_id", "return_request_date"),
        "it has no Amazon RMA ID, no Merchant RMA ID and no Return request date, "
        "so this return cannot be told apart from others",
    )
    cells.default("item_name", "")


def _check_fba_return(cells: _Cells) -> None:
    cells.require("order_id", "order-id")
    cells.require("sku", "sku")
    cells.require_unit_count("quantity", "quantity")
    cells.refuse_unkeyed(
        ("license_plate_number", "return_date"),
        "it has no license-plate-number and no return-date, so this return cannot be told apart from others",
    )
    cells.default("product_name", "")


def _check_reimbursement(cells: _Cells) -> None:
    cells.require("reimbursement_id", "reimbursement-id")
    cells.require("amount_total", "amount-total")
    for field in ("quantity_reimbursed_cash", "quantity_reimbursed_inventory", "quantity_reimbursed_total"):
        # Amazon leaves a count empty when nothing was reimbursed that way.
        cells.default(field, 0)


_ROW_CLASSES: dict[ReportKind, tuple[type[MfnReturn] | type[FbaReturn] | type[FbaReimbursement], _Checks]] = {
    ReportKind.MFN_RETURNS: (MfnReturn, _check_mfn),
    ReportKind.FBA_RETURNS: (FbaReturn, _check_fba_return),
    ReportKind.FBA_REIMBURSEMENTS: (FbaReimbursement, _check_reimbursement),
}
