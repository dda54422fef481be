"""The registry of Amazon's reports: which reports RMA Desk reads, and which one a file holds."""

from __future__ import annotations

import contextlib
import csv
import enum
import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rmadesk.domain.errors import NotAReport
from rmadesk.formats.amazon import fba_reimbursements, fba_returns, mfn_returns
from rmadesk.formats.marketplaces import Marketplace
from rmadesk.formats.spec import ReportRow, ReportSpec, RowProblem, read_rows
from rmadesk.formats.tsv import Opener, Table, bytes_opener, decode_lines, looks_binary, stream_table
from rmadesk.text.i18n import _


class ReportKind(enum.StrEnum):
    """The reports RMA Desk reads, each with its spec; the value is the kind stored with an import.

    Adding a report is its module in this package and one line here. When a file fits several reports,
    the one with more known columns wins, then the one listed first.
    """

    MFN_RETURNS = mfn_returns.SPEC
    FBA_RETURNS = fba_returns.SPEC
    FBA_REIMBURSEMENTS = fba_reimbursements.SPEC

    spec: ReportSpec

    def __new__(cls, spec: ReportSpec) -> ReportKind:
        member = str.__new__(cls, spec.kind)
        member._value_ = spec.kind
        member.spec = spec
        return member

    @property
    def label(self) -> str:
        """What people call the report, in the language in force."""
        return _(self.spec.label)


def _listed(labels: list[str]) -> str:
    if len(labels) == 1:
        return labels[0]
    return _("{items} and {last}").format(items=", ".join(labels[:-1]), last=labels[-1])


def what_we_read() -> str:
    """The sentence naming the reports RMA Desk reads, in the language in force."""
    reports = _listed([_("the {report}").format(report=kind.label) for kind in ReportKind])
    return _("RMA Desk reads {reports}.").format(reports=reports)


WHAT_WE_READ = what_we_read()  # as at import; the messages call what_we_read(), in the language then in force


@dataclass(frozen=True)
class ParsedReport:
    """A report read from a file: its usable rows, and the rows that could not be used."""

    kind: ReportKind
    encoding: str
    rows: tuple[ReportRow, ...]
    problems: tuple[RowProblem, ...]
    duplicates: int
    total_lines: int
    short_rows: int = 0

    def currencies(self, default: str) -> tuple[str, ...]:
        """The currencies of the rows, sorted; ``default`` for a row without one (or a report with none)."""
        found = {getattr(row, self.kind.spec.currency_field, None) or default for row in self.rows}
        return tuple(sorted(found)) or (default,)

    @property
    def label(self) -> str:
        return self.kind.label


def detect_report(data: bytes) -> ReportKind:
    """Which report data holds, told by its headers; raises NotAReport saying why it is none of them."""
    _encoding, tables = _open(bytes_opener(data))
    return _recognize(tables())


def read_report(
    source: bytes | Path, market: Marketplace | None = None, *, numbers_told: bool = True
) -> ParsedReport:
    """Recognize which of Amazon's return reports source (bytes, or a file) holds and read it; raises
    NotAReport otherwise. A file is read as it streams, never held whole.

    market, when known, says which encoding to try first and how its amounts are written (1.141,18 in
    Germany); without it, or when not numbers_told (a default marketplace, not the person's word),
    each amount column's own cells tell.
    """
    opener = bytes_opener(source) if isinstance(source, bytes) else functools.partial(open, source, "rb")
    encoding, tables = _open(opener, market.encodings if market else ())
    table = tables()
    kind = _recognize(table)
    read = read_rows(
        kind.spec,
        table,
        decimal_comma=market.decimal_comma if market and numbers_told else None,
        reread=tables,
    )
    return ParsedReport(
        kind=kind,
        encoding=encoding,
        rows=read.rows,
        problems=read.problems,
        duplicates=read.duplicates,
        total_lines=read.total,
        short_rows=read.short_rows,
    )


def _open(opener: Opener, encodings: tuple[str, ...] = ()) -> tuple[str, Callable[[], Table]]:
    """Tell how the bytes are decoded; returns (encoding, tables), tables() reading the table from the
    start each time it is called, or raises NotAReport for no table."""
    with opener() as stream:
        _refuse_known_non_text(stream.read(8))
    encoding, lines = decode_lines(opener, encodings)
    with contextlib.closing(lines()) as start:
        _refuse_binary_or_web_page(_start_of(start))

    def tables() -> Table:
        table = stream_table(lines())
        if table is None:
            raise NotAReport(
                _("this file is empty, so there is nothing to import. {reads}").format(reads=what_we_read())
            )
        return table

    return encoding, tables


def _start_of(lines: Iterator[str]) -> str:
    """The text of the first lines, enough to tell binary data and web pages from a report."""
    parts: list[str] = []
    size = 0
    for line in lines:
        parts.append(line)
        size += len(line) + 1
        if size >= _WEB_PAGE_SAMPLE_CHARS:
            break
    return "\n".join(parts)[:_WEB_PAGE_SAMPLE_CHARS]


def _refuse_known_non_text(data: bytes) -> None:
    """Name the usual wrong downloads by their first bytes, so the person knows what to fetch instead."""
    if data.startswith(b"PK\x03\x04"):
        raise NotAReport(
            _(
                "this file is an Excel workbook (.xlsx) or a zip archive, not a report text file. "
                "Download the report from Seller Central as a tab-separated text file (.txt), or in Excel "
                "use Save As and choose 'Text (Tab delimited)'. {reads}"
            ).format(reads=what_we_read())
        )
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise NotAReport(
            _(
                "this file is an old-style Excel workbook (.xls), not a report text file. In Excel use "
                "Save As and choose 'Text (Tab delimited)'. {reads}"
            ).format(reads=what_we_read())
        )
    if data.startswith(b"%PDF"):
        raise NotAReport(
            _("this file is a PDF document, not a report text file. {reads}").format(reads=what_we_read())
        )


_WEB_PAGE_SAMPLE_CHARS = 65536


def _refuse_binary_or_web_page(text: str) -> None:
    if looks_binary(text):
        raise NotAReport(
            _(
                "this file is not a text report: it holds binary data (it may be a picture, a program, "
                "a spreadsheet or a damaged download). {reads}"
            ).format(reads=what_we_read())
        )
    start = text[:_WEB_PAGE_SAMPLE_CHARS].lstrip().casefold()
    if start.startswith(("<!doctype html", "<html", "<?xml")):
        raise NotAReport(
            _(
                "this file is a web page, not a report: it may have been saved from the browser instead of "
                "downloaded with the report's Download button. {reads}"
            ).format(reads=what_we_read())
        )


def _recognize(table: Table) -> ReportKind:
    """The report whose required headers all appear; otherwise raise NotAReport explaining what is off."""
    _refuse_comma_separated(table)
    complete = [kind for kind in ReportKind if not kind.spec.missing(table)]
    if complete:
        return max(complete, key=lambda kind: kind.spec.known_columns(table))
    suspected = [kind for kind in ReportKind if kind.spec.suspected_in(table)]
    if suspected:
        kind = max(suspected, key=lambda kind: kind.spec.known_columns(table))
        missing = _(" and no ").join(_quote_alternatives(group) for group in kind.spec.missing(table))
        raise NotAReport(
            _(
                "this file looks like the {report}, but it has no {missing} column, so it cannot be "
                "imported. Download the report again from Seller Central; if it was opened in a spreadsheet, "
                "check that no column was deleted or renamed."
            ).format(report=kind.label, missing=missing)
        )
    raise NotAReport(
        _(
            "this file is not an Amazon returns report: it has no 'Order ID', 'Return quantity' or "
            "'Merchant SKU' column (its first line reads {headers}). {reads}"
        ).format(headers=_first_headers(table), reads=what_we_read())
    )


def _refuse_comma_separated(table: Table) -> None:
    """Amazon's reports are tab-separated; a one-column header full of commas is a CSV re-save."""
    if len(table.header) > 1:
        return
    for separator, name in ((",", _("commas")), (";", _("semicolons"))):
        if separator not in table.header_text:
            continue
        headers = next(csv.reader([table.header_text], delimiter=separator))
        as_table = Table(tuple(header.strip() for header in headers), table.header_text, 1, [])
        recognized = [kind for kind in ReportKind if not kind.spec.missing(as_table)]
        what = _("the {report}").format(report=recognized[0].label) if recognized else _("a table")
        raise NotAReport(
            _(
                "this file looks like {what} saved with {separators} between the columns (a CSV file), but "
                "Amazon's reports are tab-separated text. Download the report again from Seller Central and "
                "import that file as it is, or in Excel use Save As and choose 'Text (Tab delimited)'. "
                "{reads}"
            ).format(what=what, separators=name, reads=what_we_read())
        )


def _quote_alternatives(group: tuple[str, ...]) -> str:
    return _(" or ").join(f"'{name}'" for name in group)


# Enough of the first line to recognise it, short enough to read in a message box.
_HEADERS_SHOWN = 5
_HEADER_CHARS_SHOWN = 40


def _first_headers(table: Table) -> str:
    shown = [
        f"'{header[:_HEADER_CHARS_SHOWN]}'" for header in table.header[:_HEADERS_SHOWN] if header.strip()
    ]
    more = ", ..." if len(table.header) > _HEADERS_SHOWN else ""
    return ", ".join(shown) + more if shown else _("nothing but separators")
