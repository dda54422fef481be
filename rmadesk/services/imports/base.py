"""What the importers share: chunks and progress, checks of what the database can store, row digests."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from operator import attrgetter
from typing import Any, ClassVar

from sqlalchemy.orm import Session

from rmadesk.domain.scan import fold_code
from rmadesk.formats.marketplaces import Marketplace
from rmadesk.formats.spec import CellType, ReportRow, ReportSpec, RowProblem
from rmadesk.store import bulk
from rmadesk.store.bulk import BulkWriter
from rmadesk.store.models import Authorization, ScanCode, Unit
from rmadesk.text.i18n import _

# Rows per chunk: one existence query and one bulk write per table each. The progress callback is
# called once per chunk. Tests lower it to exercise several chunks with few rows.
CHUNK = 5000
Progress = Callable[[int, int], None]

# Bigger report rows than these are refused rather than allowed to stall or overflow the database.
MAX_UNITS_PER_ROW = 9999
# Text without a column limit (item names, comments): no real report holds more in one cell.
MAX_TEXT = 5000
_MAX_COUNT = 10**9
_MAX_MONEY = Decimal(10) ** 12
_MONEY_STEP = Decimal("0.0001")  # the Money column keeps four decimal places

AUTH = Authorization.__table__
UNIT = Unit.__table__
CODE = ScanCode.__table__
CODE_COLUMNS = ("code", "code_folded", "code_kind", "authorization_id", "unit_id")
STAMPS = ("imported_at", "updated_at")


def content_digest(values: object, size: int = 32) -> str:
    """A stable hex digest of a tuple of str, int, bool, date, Decimal or None (2 × size characters).

    The repr of those types is stable across runs and cheap (all in C); JSON would cost three times as much.
    """
    return hashlib.blake2b(repr(values).encode("utf-8"), digest_size=size).hexdigest()


def folded(code: str) -> str:
    """fold_code(code); an ASCII code (nearly every one) folds as str.upper() does, at a fraction
    of the cost of fold_code's translation."""
    return code.upper() if code.isascii() else fold_code(code)


def code_rows(
    codes: Iterable[tuple[str, str | None]], auth_id: int, unit_id: int | None = None
) -> list[tuple[Any, ...]]:
    return [(code, folded(code), kind, auth_id, unit_id) for kind, code in codes if code]


def show(value: Any) -> str:
    """A value as a note shows it: '(none)' for nothing, money to the cent unless it has more."""
    if value is None or value == "":
        return _("(none)")
    if isinstance(value, Decimal):
        cents = value.quantize(Decimal("0.01"))
        return f"{cents}" if cents == value else f"{value.normalize():f}"
    return str(value)


@dataclass(frozen=True)
class StoreCheck:
    """What the readers cannot check: a row attribute, its header for the message, what the database holds."""

    attribute: str
    label: str
    column: Any  # the mapped column the value goes to; text is refused if longer than it
    reads_as: str = "text"  # "text", "money", "count", or "units" (a count of units to create)


def store_checks(spec: ReportSpec, stored: Mapping[str, Any]) -> tuple[StoreCheck, ...]:
    """Checks of the row fields in stored (field: the mapped column it goes to), in the order given.

    The message names a field by its column's header in the spec; its cell type says what to check.
    """
    checks = []
    for field, column in stored.items():
        reads_as = spec.column(field).reads_as
        if field == spec.unit_count:
            kind = "units"
        elif reads_as in (CellType.MONEY, CellType.COUNT):
            kind = str(reads_as)
        else:
            kind = "text"
        checks.append(StoreCheck(field, spec.column(field).label, column, kind))
    return tuple(checks)


def refuse_unstorable(rows: Sequence[ReportRow], checks: Sequence[StoreCheck]) -> dict[int, list[str]]:
    """Reasons by row index for values the database cannot store (too long, NUL, too big).

    Column at a time, with a fast path for the usual clean column.
    """
    reasons: dict[int, list[str]] = defaultdict(list)
    for check in checks:
        values = list(map(attrgetter(check.attribute), rows))
        if check.reads_as == "text":
            limit = getattr(check.column.type, "length", None) or MAX_TEXT
            present = list(filter(None, values))
            if not present:
                continue
            too_long = limit is not None and max(map(len, present)) > limit
            if not too_long and "\x00" not in "".join(present):
                continue
            for index, value in enumerate(values):
                if value and limit is not None and len(value) > limit:
                    reasons[index].append(
                        _("{column} is {length} characters long; RMA Desk keeps at most {limit}").format(
                            column=check.label, length=len(value), limit=limit
                        )
                    )
                elif value and "\x00" in value:
                    reasons[index].append(
                        _("{column} holds a NUL character, which cannot be stored").format(column=check.label)
                    )
        elif check.reads_as == "money":
            # A column repeats its amounts: each distinct one is checked once, the rows only if one fails.
            distinct = set(values)
            distinct.discard(None)
            if all(abs(value) < _MAX_MONEY and value == value.quantize(_MONEY_STEP) for value in distinct):
                continue
            for index, value in enumerate(values):
                if value is None:
                    continue
                if abs(value) >= _MAX_MONEY:
                    reasons[index].append(
                        _("{column} '{value}' is too large an amount").format(column=check.label, value=value)
                    )
                elif value != value.quantize(_MONEY_STEP):
                    reasons[index].append(
                        _("{column} '{value}' has more than four decimal places").format(
                            column=check.label, value=value
                        )
                    )
        else:
            limit = MAX_UNITS_PER_ROW if check.reads_as == "units" else _MAX_COUNT
            distinct = set(values)
            distinct.discard(None)
            if all(abs(value) <= limit for value in distinct):
                continue
            for index, value in enumerate(values):
                if value is not None and abs(value) > limit:
                    what = _("units for one return") if check.reads_as == "units" else _("a count")
                    reasons[index].append(
                        _(
                            "{column} '{value}' is more than RMA Desk takes as {what} (at most {limit})"
                        ).format(column=check.label, value=value, what=what, limit=limit)
                    )
    return reasons


class ReportImporter:
    """What the importers share: the session's writer, counters, notes, row problems, the chunked run.

    A subclass names its checks and writes one batch in ``write``; the run refuses what the database
    cannot store, then writes the rest batch by batch (CHUNK rows each), reporting progress after each.
    A batch asks once for the keys it already holds, allocates the ids of its new rows in one statement
    (so units and scan codes are built in the same pass, without RETURNING), and writes each table with
    one bulk statement (rmadesk.store.bulk). A row's ``source_hash`` tells an unchanged row from an
    updated one without reading its columns back.
    """

    checks: ClassVar[tuple[StoreCheck, ...]] = ()

    def __init__(self, session: Session, progress: Progress | None, market: Marketplace) -> None:
        self.w = BulkWriter(session)
        self.progress = progress
        self.market = market  # whose currency a row without one is in
        self.added = self.updated = self.unchanged = 0
        self.authorizations_added = self.units_added = self.units_removed = 0
        self.notes: list[str] = []
        self.problems: list[RowProblem] = []

    def run(self, rows: Sequence[ReportRow]) -> None:
        storable = self.storable(rows)
        done = 0
        for batch, count in self.batches(storable, CHUNK):
            self.write(batch)
            done += count
            if self.progress is not None:
                self.progress(done, len(storable))

    def storable(self, rows: Sequence[ReportRow]) -> list[Any]:
        """The rows the database can store; the others become problems."""
        refused = refuse_unstorable(rows, self.checks)
        for index, reasons in refused.items():
            self.problems.append(RowProblem(rows[index].line, "; ".join(reasons)))
        return [row for index, row in enumerate(rows) if index not in refused]

    def batches(self, rows: Sequence[Any], size: int) -> Iterator[tuple[Any, int]]:
        """The batches that ``write`` takes, each with its count of rows: here plain slices of size rows."""
        for chunk in bulk.chunks(rows, size):
            yield chunk, len(chunk)

    def write(self, batch: Any) -> None:
        raise NotImplementedError
