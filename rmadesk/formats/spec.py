"""A report format's spec (its columns, required headers and row checks) and reading a table by it."""

from __future__ import annotations

import dataclasses
import enum
import functools
import itertools
import operator
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from rmadesk.formats.cells import (
    DATE_FORMATS_HINT,
    POINT_DECIMALS,
    decimal_comma_in,
    parse_date,
    parse_money,
    parse_whole_number,
    parse_yes_no,
)
from rmadesk.formats.tsv import Table, TableRow, fits_width
from rmadesk.text.i18n import N_, _


@dataclass(frozen=True)
class RowProblem:
    """A data row that could not be used, with its physical line in the file and why."""

    line: int
    reason: str


class ReportRow(Protocol):
    """One usable row of a report: its physical line, and the key that tells it apart from others."""

    @property
    def line(self) -> int: ...

    @property
    def key(self) -> str: ...


def row_identity(row: ReportRow) -> str:
    """What makes a row another row rather than a repeat: its ``identity`` if the row type has one
    (a return and its item), else its key."""
    return getattr(row, "identity", None) or row.key


class CellType(enum.StrEnum):
    """How a column's cells are read."""

    TEXT = "text"
    DATE = "date"
    MONEY = "money"
    COUNT = "count"
    FLAG = "flag"
    UPPER = "upper"


_PARSERS: dict[CellType, Callable[[str], Any] | None] = {
    CellType.TEXT: None,
    CellType.DATE: parse_date,
    CellType.MONEY: parse_money,
    CellType.COUNT: parse_whole_number,
    CellType.FLAG: parse_yes_no,
    CellType.UPPER: str.upper,
}
_POINT_GROUPS = re.compile(r"[-+]?\d{1,3}(?:\.\d{3})+")
# Why a cell is refused, translated with _() when a row is refused; {hint} is DATE_FORMATS_HINT.
_UNREADABLE = {
    CellType.DATE: N_("{column} '{value}' is not a date ({hint})"),
    CellType.MONEY: N_("{column} '{value}' is not an amount of money (expected e.g. 19.99 or 1,234.50)"),
    CellType.COUNT: N_("{column} '{value}' is not a whole number"),
    CellType.FLAG: N_("{column} '{value}' is not Y or N"),
}


@dataclass(frozen=True)
class Column:
    """A column a report may have: the row field it fills, the header names it goes by, how to read it."""

    field: str
    headers: tuple[str, ...]
    reads_as: CellType = CellType.TEXT

    @property
    def label(self) -> str:
        return self.headers[0]


@dataclass(frozen=True)
class ReportSpec:
    """What makes a report of one kind, and how its rows are read and validated.

    Attributes:
        kind: the name stored with an import of this report (ImportBatch.report_kind).
        label: what people call the report, as in 'the FBA customer returns report' (marked with N_(),
            translated where shown: ReportKind.label).
        row_type: the frozen dataclass of one row; its fields after ``line`` are the columns' fields.
        columns: the columns RMA Desk reads; a column's first header names it in messages.
        required: groups of alternative headers; at least one header of every group must be present.
        telltales: headers no other report has: seeing one means the person meant this kind.
        must_have: fields a row cannot do without: a row with one of them empty is refused.
        unit_count: the field that counts a row's units, refused when empty or below 1.
        key: fields of which a row needs at least one to be told apart from other rows.
        defaults: (field, value) for fields that an empty cell leaves at value rather than None.
        unread: headers of the report that RMA Desk does not read, still counted to recognise it.
        currency_field: the row field that holds a row's currency (none: the marketplace's).
    """

    kind: str
    label: str
    row_type: type[Any]
    columns: tuple[Column, ...]
    required: tuple[tuple[str, ...], ...]
    telltales: tuple[str, ...]
    must_have: tuple[str, ...] = ()
    unit_count: str | None = None
    key: tuple[str, ...] = ()
    defaults: tuple[tuple[str, Any], ...] = ()
    unread: tuple[str, ...] = ()
    currency_field: str = "currency"

    def column(self, field: str) -> Column:
        return next(column for column in self.columns if column.field == field)

    def missing(self, table: Table) -> list[tuple[str, ...]]:
        """The required header groups of which table has no header."""
        return [group for group in self.required if not any(table.has_column(name) for name in group)]

    def needed_width(self, table: Table) -> int:
        """How many leading cells a row must have to hold a cell of every required column."""
        needed = 0
        for group in self.required:
            positions = [p for name in group if (p := table.column(name)) is not None]
            if positions:
                needed = max(needed, min(positions) + 1)
        return needed

    def known_columns(self, table: Table) -> int:
        """How many of this report's headers table has: the better fit is the report with more."""
        names = [name for column in self.columns for name in column.headers] + list(self.unread)
        return sum(1 for name in names if table.has_column(name))

    def suspected_in(self, table: Table) -> bool:
        return any(table.has_column(name) for name in self.telltales)

    def validate(self, cells: _Cells) -> None:
        """Refuse the rows that lack what a row of this report cannot do without; fill the defaults."""
        for field in self.must_have:
            cells.require(field, self.column(field).label)
        if self.unit_count is not None:
            cells.require_unit_count(self.unit_count, self.column(self.unit_count).label)
        if self.key:
            labels = [self.column(field).label for field in self.key]
            missing = (
                _("{names} and no {last}").format(names=_(", no ").join(labels[:-1]), last=labels[-1])
                if len(labels) > 1
                else labels[0]
            )
            cells.refuse_unkeyed(
                self.key,
                _("it has no {missing}, so this return cannot be told apart from others").format(
                    missing=missing
                ),
            )
        for field, value in self.defaults:
            cells.default(field, value)


class _Cells:
    """The cells of all well-formed rows, column by column, and what is wrong with each row so far.

    Working a column at a time lets each distinct value be parsed once: a 100,000-row report holds
    only a few hundred distinct dates, amounts and counts.
    """

    def __init__(
        self,
        spec: ReportSpec,
        table: Table,
        rows: list[tuple[str, ...]],
        decimal_comma: bool | None = None,
        money_cells: _MoneyCells | None = None,
    ) -> None:
        self.count = len(rows)
        self.decimal_comma = decimal_comma
        # The distinct cells of each amount column in the whole table, when these rows are a block of it:
        # how a column writes its amounts is told by all of its cells, not by one block's.
        self.money_cells = money_cells
        self.columns: dict[str, list[Any] | None] = {}
        self.unreadable: dict[str, set[int]] = {}
        self.reasons: dict[int, list[str]] = {}
        present: list[tuple[int, Column]] = []
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

    def _read_column(self, column: Column, raw: list[str]) -> None:
        parse = _PARSERS[column.reads_as]
        unreadable: set[int] = set()
        self.unreadable[column.field] = unreadable
        if parse is None:
            # Equal texts as one object each: a report repeats its statuses, currencies, reasons and
            # carriers on every row, and 100,000 rows of copies weigh tens of megabytes. (Parsed
            # cells are one object per distinct text already, through ``parsed`` below.)
            shared: dict[str, str | None] = {"": None}
            self.columns[column.field] = list(map(shared.setdefault, raw, raw))
            return
        parsed: dict[str, Any] = {"": None}
        refused: dict[str, str] = {}
        distinct = set(raw)
        reason = _UNREADABLE.get(column.reads_as, "")
        if column.reads_as is CellType.MONEY:
            whole = distinct if self.money_cells is None else self.money_cells.cells(column.field, distinct)
            parse, reason, ambiguous = self._money_reader(whole)
            for value in distinct & ambiguous:
                refused[value] = _(
                    "{column} '{value}' could be read two ways (a thousand and more, or a decimal): say "
                    "which marketplace the report is from (its numbers are written its way)"
                ).format(column=column.label, value=value)
        for value in distinct:
            if value and value not in refused:
                try:
                    parsed[value] = parse(value)
                except ValueError:
                    refused[value] = _(reason).format(
                        column=column.label, value=value, hint=_(DATE_FORMATS_HINT)
                    )
        if refused:
            for index, value in enumerate(raw):
                if value in refused:
                    unreadable.add(index)
                    self.refuse(index, refused[value])
        self.columns[column.field] = list(map(parsed.get, raw))

    def _money_reader(self, values: set[str]) -> tuple[Callable[[str], Any], str, set[str]]:
        """How this column's amounts are read: the parser, the reason a cell is refused, and the cells
        that are ambiguous (1.234 in a column whose convention neither the marketplace nor another
        cell tells)."""
        comma = self.decimal_comma
        ambiguous: set[str] = set()
        if comma is None:
            comma = decimal_comma_in(list(values))
            if not comma and not any(POINT_DECIMALS.fullmatch(value) for value in values):
                ambiguous = {value for value in values if _POINT_GROUPS.fullmatch(value)}
        if comma:
            return (
                functools.partial(parse_money, decimal_comma=True),
                N_("{column} '{value}' is not an amount of money (expected e.g. 19,99 or 1.234,50)"),
                ambiguous,
            )
        return parse_money, _UNREADABLE[CellType.MONEY], ambiguous

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
        reason = _("{column} is empty").format(column=label)
        for index in sorted(self.empty_rows(field)):
            self.refuse(index, reason)

    def require_unit_count(self, field: str, label: str) -> None:
        self.require(field, label)
        too_few = _("{column} '{quantity}' is less than 1")
        for index, quantity in enumerate(self.values(field)):
            if quantity is not None and quantity < 1:
                self.refuse(index, too_few.format(column=label, quantity=quantity))

    def refuse_unkeyed(self, fields: tuple[str, ...], reason: str) -> None:
        """Refuse rows where every one of fields is empty: such a row has no key."""
        for index in sorted(set.intersection(*(self.empty_rows(field) for field in fields))):
            self.refuse(index, reason)

    def default(self, field: str, value: Any) -> None:
        self.columns[field] = [cell if cell is not None else value for cell in self.values(field)]


@dataclass(frozen=True)
class RowsRead:
    """A table's rows read by a spec: the usable rows, the refused ones, and how many keys repeated.

    total is the count of the table's data rows (records), usable or not.
    """

    rows: tuple[ReportRow, ...]
    problems: tuple[RowProblem, ...]
    duplicates: int
    short_rows: int = 0
    total: int = 0


# Data rows read, checked and made into report rows at a time: a table streamed from a file holds no
# more of its raw cells than this at once. Tests lower it to exercise several blocks with few rows.
BLOCK_ROWS = 20_000


def read_rows(
    spec: ReportSpec,
    table: Table,
    decimal_comma: bool | None = None,
    reread: Callable[[], Table] | None = None,
) -> RowsRead:
    """Each data row as the spec's row type or a RowProblem; a repeated key collapses, the last wins.

    A row that stops before the header's last columns (the marketplaces leave out trailing empty cells)
    is read with those cells empty, as long as every required column is among the cells it has.
    decimal_comma: how amounts are written (1.141,18), when the marketplace is known; None lets each
    amount column's cells tell. The rows are read BLOCK_ROWS at a time; when a streamed table has more
    than one block and the amounts' convention is not known, reread() gives the table again from its
    start, so that all of an amount column's cells can tell it first.
    """
    width = len(table.header)
    needed = spec.needed_width(table)
    problems: list[RowProblem] = []
    by_key: dict[str, ReportRow] = {}
    duplicates = short = total = 0
    money_cells: _MoneyCells | None = None
    blocks = _blocks(table.rows, BLOCK_ROWS)
    first = next(blocks, [])
    second = next(blocks, None)
    if second is not None and decimal_comma is None:
        # A column whose first block shows a decimal point is told by it; the others by all their cells.
        told, unsettled = _money_cells(spec, table, width, needed, first)

        def whole_column(fields: set[str]) -> dict[str, set[str]]:
            whole = table if isinstance(table.rows, list) else reread() if reread is not None else None
            if whole is None:
                raise ValueError(
                    "a streamed table of several blocks needs reread to tell how amounts are written"
                )
            return _money_cells(spec, whole, width, needed, whole.rows, fields)[0]

        money_cells = _MoneyCells(told, unsettled, whole_column)
    following = _resumed([first] if second is None else [first, second], blocks)
    del first, second  # a block's raw cells are let go of once it is read
    names = [field.name for field in dataclasses.fields(spec.row_type) if field.name != "line"]
    for block in following:
        total += len(block)
        lines: list[int] = []
        rows: list[tuple[str, ...]] = []
        for line, fields in block:
            if len(fields) == width or fits_width(fields, width):
                lines.append(line)
                rows.append(fields)
            elif needed <= len(fields) < width:
                short += 1
                lines.append(line)
                rows.append(fields + ("",) * (width - len(fields)))
            else:
                problems.append(RowProblem(line, _width_problem(len(fields), width, needed)))
        del block
        duplicates += _make_rows(
            spec, table, names, lines, rows, decimal_comma, money_cells, by_key, problems
        )
    problems.sort(key=lambda problem: problem.line)
    return RowsRead(
        rows=tuple(by_key.values()),
        problems=tuple(problems),
        duplicates=duplicates,
        short_rows=short,
        total=total,
    )


def _make_rows(
    spec: ReportSpec,
    table: Table,
    names: list[str],
    lines: list[int],
    rows: list[tuple[str, ...]],
    decimal_comma: bool | None,
    money_cells: _MoneyCells | None,
    by_key: dict[str, ReportRow],
    problems: list[RowProblem],
) -> int:
    """Read one block's well-formed rows into by_key (the last of a key wins) or problems; returns how
    many of its rows repeated a key already read."""
    cells = _Cells(spec, table, rows, decimal_comma, money_cells)
    spec.validate(cells)
    row_type = spec.row_type
    duplicates = 0
    columns = [cells.values(name) for name in names]
    for index, (line, values) in enumerate(zip(lines, zip(*columns, strict=True), strict=True)):
        reasons = cells.reasons.get(index)
        if reasons:
            problems.append(RowProblem(line, "; ".join(reasons)))
            continue
        row = row_type(line, *values)
        key = row_identity(row)
        if key in by_key:
            duplicates += 1
            # Deleting first moves the key to the end, so the survivor sits where its last copy was.
            del by_key[key]
        by_key[key] = row
    return duplicates


def _resumed(taken: list[list[Any]], rest: Iterator[list[Any]]) -> Iterator[list[Any]]:
    """The blocks already taken, then the rest; a block is no longer held here once it is handed on."""
    while taken:
        yield taken.pop(0)
    yield from rest


def _blocks(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(rows)
    while block := list(itertools.islice(iterator, size)):
        yield block


_PLAIN_AMOUNT = re.compile(r"(?:[-+]?\d+)?")


class _MoneyCells:
    """How the amount columns of a table of several blocks write their amounts, told by all of a
    column's cells: for a column the first block did not settle, the whole table is read again,
    but only once a block holds a cell other than an empty one or a whole number.

    Those read the same under either convention, with the same reason if refused, so a column that
    holds nothing else (a claim amount nobody filled in) costs no second reading of the file.
    """

    def __init__(
        self,
        told: dict[str, set[str]],
        unsettled: set[str],
        whole_column: Callable[[set[str]], dict[str, set[str]]],
    ) -> None:
        self.told = told
        self.unsettled = unsettled
        self.whole_column = whole_column

    def cells(self, field: str, block: set[str]) -> set[str]:
        """The cells that tell field's convention, for a block whose distinct cells are block."""
        if field not in self.unsettled:
            return self.told[field]
        if all(_PLAIN_AMOUNT.fullmatch(value) for value in block):
            return block  # nothing here depends on the convention
        self.told.update(self.whole_column(self.unsettled))
        self.unsettled = set()
        return self.told[field]


def _money_cells(
    spec: ReportSpec,
    table: Table,
    width: int,
    needed: int,
    rows: Iterable[TableRow],
    only: set[str] | None = None,
) -> tuple[dict[str, set[str]], set[str]]:
    """The cells that tell how each amount column (of only, if given) writes its amounts, among rows
    that are well formed, and the columns not yet told. A cell with a decimal point tells for good (see
    decimal_comma_in), and is all that is kept of its column; of the others, every distinct cell."""
    positions = {
        column.field: position
        for column in spec.columns
        if column.reads_as is CellType.MONEY
        and (position := table.column(*column.headers)) is not None
        and (only is None or column.field in only)
    }
    cells: dict[str, set[str]] = {field: set() for field in positions}
    for _line, fields in rows:
        count = len(fields)
        if not (count == width or fits_width(fields, width) or needed <= count < width):
            continue
        for field, position in positions.items():
            cells[field].add(fields[position].strip() if position < count else "")
    unsettled: set[str] = set()
    for field, values in cells.items():
        point = next((value for value in values if POINT_DECIMALS.fullmatch(value)), None)
        if point is None:
            unsettled.add(field)
        else:
            cells[field] = {point}
    return cells, unsettled


def _width_problem(count: int, width: int, needed: int) -> str:
    if count < width:
        return _(
            "this line has {count} columns but the header has {width}, and the required columns reach "
            "to column {needed}, so its values cannot be matched to the columns (a tab is missing)"
        ).format(count=count, width=width, needed=needed)
    return _(
        "this line has {count} columns but the header has {width}, so its values "
        "cannot be matched to the columns (a tab is missing or extra)"
    ).format(count=count, width=width)
