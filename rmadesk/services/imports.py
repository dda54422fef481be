"""Importing the marketplace's reports: valid rows in one transaction, every rejected row explained.

``import_report`` recognizes the report by its headers (rmadesk.formats.reports) and imports:

- the seller-fulfilled (MFN) returns report: one authorization per row, upserted by its key;
- the FBA customer returns report: one unit per license plate number (LPN), the units grouped into
  one authorization per order and SKU; the LPN is a scan code of the authorization and of its unit;
- the FBA reimbursements report: what the marketplace paid, upserted by the row's key, for
  rmadesk.services.reconcile to compare with the reimbursements the bench expects.

Speed: rows go in chunks of CHUNK. Each chunk asks once for
the keys it already holds, allocates the ids of its new rows in one statement (so units and scan
codes are built in the same pass, without RETURNING), and writes each table with one bulk
statement that skips SQLAlchemy's per-row work: executemany on SQLite, COPY on PostgreSQL. A row's
``source_hash`` tells an unchanged row from an updated one without reading its columns back.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Row,
    Select,
    Table,
    any_,
    bindparam,
    delete,
    exists,
    func,
    literal,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from rmadesk.domain.errors import UserError
from rmadesk.domain.model import AuthorizationKind, AuthorizationSource
from rmadesk.domain.people import Actor, Permission, open_actor
from rmadesk.formats.reports import (
    FbaReimbursement,
    FbaReturn,
    MfnReturn,
    ParsedReport,
    ReportKind,
    ReportRow,
    RowProblem,
    read_report,
)
from rmadesk.store.models import (
    AuditEvent,
    Authorization,
    ImportBatch,
    MarketplaceReimbursement,
    Outcome,
    ScanCode,
    Unit,
)
from rmadesk.store.types import utcnow
from rmadesk.store.uow import Store

# Rows per chunk: one existence query and one bulk write per table each. The progress callback is
# called once per chunk. Tests lower it to exercise several chunks with few rows.
CHUNK = 5000
Progress = Callable[[int, int], None]

# Bigger report rows than these are refused rather than allowed to stall or overflow the database.
MAX_UNITS_PER_ROW = 9999
_MAX_COUNT = 10**9
_MAX_MONEY = Decimal(10) ** 12
_MONEY_STEP = Decimal("0.0001")  # the Money column keeps four decimal places
_MAX_IN = 10_000  # values per IN list; SQLite allows 32,766 parameters per statement

_AUTH = Authorization.__table__
_UNIT = Unit.__table__
_CODE = ScanCode.__table__
_PAID = MarketplaceReimbursement.__table__
_CODE_COLUMNS = ("code", "code_folded", "code_kind", "authorization_id", "unit_id")
_STAMPS = ("imported_at", "updated_at")


@dataclass(frozen=True)
class ImportResult:
    """What an import did.

    Attributes:
        added / updated / unchanged: report rows by what happened to them. A row of the seller-fulfilled
            report is one authorization; a row of the FBA customer returns report is one returned unit
            (one license plate); a row of the reimbursements report is one payment line.
        duplicates: rows that repeated an earlier row's key; the last copy was imported.
        problems: rows not imported, with line number and reason, in line order.
        notes: things a person should know that are not errors (a status changed, a quantity kept).
        report_kind: the ReportKind value of the report.
        authorizations_added: authorizations created (FBA units are grouped per order and SKU).
        units_added / units_removed: units created, and undecided units dropped by a lowered quantity.
    """

    file_name: str
    report_label: str
    encoding: str
    total_lines: int
    added: int
    updated: int
    unchanged: int
    duplicates: int
    problems: tuple[RowProblem, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)
    report_kind: str = ""
    authorizations_added: int = 0
    units_added: int = 0
    units_removed: int = 0

    @property
    def rejected(self) -> int:
        return len(self.problems)

    def summary(self) -> str:
        """One line, e.g. 'r.txt: FBA customer returns report, 8 rows; 5 added, ... (2 authorizations,
        5 units added); 3 rejected; 1 duplicate row collapsed.'"""
        counts = f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged"
        made = []
        if self.authorizations_added and self.report_kind == ReportKind.FBA_RETURNS:
            made.append(_plural(self.authorizations_added, "authorization"))
        if self.units_added:
            made.append(_plural(self.units_added, "unit"))
        details = f"{', '.join(made)} added" if made else ""
        if self.units_removed:
            removed = f"{_plural(self.units_removed, 'undecided unit')} removed"
            details = f"{details}, {removed}" if details else removed
        parts = [
            f"{self.file_name}: {self.report_label}, {_plural(self.total_lines, 'row')}",
            f"{counts} ({details})" if details else counts,
            f"{self.rejected} rejected",
        ]
        if self.duplicates:
            parts.append(f"{_plural(self.duplicates, 'duplicate row')} collapsed")
        return "; ".join(parts) + "."


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _digest(values: object, size: int = 32) -> str:
    """A stable hex digest of a tuple of str, int, bool, date, Decimal or None (2 × size characters).

    The repr of those types is stable across runs and cheap (all in C); JSON would cost three times as much.
    """
    return hashlib.blake2b(repr(values).encode("utf-8"), digest_size=size).hexdigest()


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- checks the readers cannot make: what the database can store -----------------------------------


@dataclass(frozen=True)
class _Check:
    """A report row attribute, its header for the message, and what the database can hold of it."""

    attribute: str
    label: str
    column: Column[Any] | None = None  # text: refused if longer than the column
    reads_as: str = "text"  # "text", "money", "count", or "units" (a count of units to create)


def _refuse_unstorable(rows: Sequence[ReportRow], checks: Sequence[_Check]) -> dict[int, list[str]]:
    """Reasons by row index for values the database cannot store (too long, NUL, too big).

    Column at a time, with a fast path for the usual clean column.
    """
    reasons: dict[int, list[str]] = defaultdict(list)
    for check in checks:
        values = list(map(attrgetter(check.attribute), rows))
        if check.reads_as == "text":
            limit = getattr(check.column.type, "length", None) if check.column is not None else None
            present = list(filter(None, values))
            if not present:
                continue
            too_long = limit is not None and max(map(len, present)) > limit
            if not too_long and "\x00" not in "".join(present):
                continue
            for index, value in enumerate(values):
                if value and limit is not None and len(value) > limit:
                    reasons[index].append(
                        f"{check.label} is {len(value)} characters long; RMA Desk keeps at most {limit}"
                    )
                elif value and "\x00" in value:
                    reasons[index].append(f"{check.label} holds a NUL character, which cannot be stored")
        elif check.reads_as == "money":
            for index, value in enumerate(values):
                if value is None:
                    continue
                if abs(value) >= _MAX_MONEY:
                    reasons[index].append(f"{check.label} '{value}' is too large an amount")
                elif value != value.quantize(_MONEY_STEP):
                    reasons[index].append(f"{check.label} '{value}' has more than four decimal places")
        else:
            limit = MAX_UNITS_PER_ROW if check.reads_as == "units" else _MAX_COUNT
            for index, value in enumerate(values):
                if value is not None and abs(value) > limit:
                    what = "units for one return" if check.reads_as == "units" else "a count"
                    reasons[index].append(
                        f"{check.label} '{value}' is more than RMA Desk takes as {what} (at most {limit})"
                    )
    return reasons


_A = Authorization
_MFN_CHECKS = (
    _Check("order_id", "Order ID", _A.order_id),
    _Check("amazon_rma_id", "Amazon RMA ID", _A.rma_id),
    _Check("merchant_rma_id", "Merchant RMA ID", _A.merchant_rma_id),
    _Check("return_request_status", "Return request status", _A.request_status),
    _Check("tracking_id", "Tracking ID", _A.tracking_id),
    _Check("return_carrier", "Return carrier", _A.carrier),
    _Check("sku", "Merchant SKU", _A.sku),
    _Check("asin", "ASIN", _A.asin),
    _Check("item_name", "Item Name"),
    _Check("reason", "Return Reason", _A.reason),
    _Check("customer_comment", "Customer Comments"),
    _Check("return_type", "Return type", _A.return_type),
    _Check("resolution", "Resolution", _A.resolution),
    _Check("currency", "Currency code", _A.currency),
    _Check("quantity", "Return quantity", reads_as="units"),
    _Check("order_quantity", "Order quantity", reads_as="count"),
    _Check("order_amount", "Order Amount", reads_as="money"),
)
_FBA_CHECKS = (
    _Check("order_id", "order-id", _A.order_id),
    _Check("sku", "sku", _A.sku),
    _Check("asin", "asin", _A.asin),
    _Check("fnsku", "fnsku", _A.fnsku),
    _Check("product_name", "product-name"),
    _Check("customer_comments", "customer-comments"),
    _Check("fulfillment_center_id", "fulfillment-center-id", Unit.fulfillment_center),
    _Check("detailed_disposition", "detailed-disposition", Unit.marketplace_disposition),
    _Check("reason", "reason", Unit.marketplace_reason),
    _Check("status", "status", Unit.marketplace_status),
    _Check("license_plate_number", "license-plate-number", Unit.lpn),
    _Check("quantity", "quantity", reads_as="units"),
)
_M = MarketplaceReimbursement
_PAID_CHECKS = (
    _Check("reimbursement_id", "reimbursement-id", _M.reimbursement_id),
    _Check("case_id", "case-id", _M.case_id),
    _Check("order_id", "amazon-order-id", _M.order_id),
    _Check("reason", "reason", _M.reason),
    _Check("sku", "sku", _M.sku),
    _Check("fnsku", "fnsku", _M.fnsku),
    _Check("asin", "asin", _M.asin),
    _Check("product_name", "product-name"),
    _Check("condition", "condition", _M.condition),
    _Check("currency", "currency-unit", _M.currency),
    _Check("original_reimbursement_id", "original-reimbursement-id", _M.original_reimbursement_id),
    _Check("original_reimbursement_type", "original-reimbursement-type", _M.original_reimbursement_type),
    _Check("amount_per_unit", "amount-per-unit", reads_as="money"),
    _Check("amount_total", "amount-total", reads_as="money"),
    _Check("quantity_reimbursed_cash", "quantity-reimbursed-cash", reads_as="count"),
    _Check("quantity_reimbursed_inventory", "quantity-reimbursed-inventory", reads_as="count"),
    _Check("quantity_reimbursed_total", "quantity-reimbursed-total", reads_as="count"),
)


# --- bulk writes ----------------------------------------------------------------------------------


class _Writer:
    """Bulk reads and writes in the session's transaction, fast on SQLite and PostgreSQL.

    Values go to the driver through the columns' own bind processors (Money to 1/10000ths, UTC
    times), so they are stored exactly as the ORM would store them.
    """

    def __init__(self, session: Session) -> None:
        self.connection: Connection = session.connection()
        self.dialect = self.connection.dialect
        if self.dialect.name not in ("sqlite", "postgresql"):
            raise UserError(f"RMA Desk imports reports into SQLite or PostgreSQL, not {self.dialect.name}.")
        self.postgresql = self.dialect.name == "postgresql"
        self._quote = self.dialect.identifier_preparer.quote

    @contextmanager
    def importing(self) -> Iterator[None]:
        """While the import runs: one import at a time on PostgreSQL, a roomier page cache on SQLite."""
        if self.postgresql:
            # Two imports at once would both insert the same new keys; SQLite's BEGIN IMMEDIATE already
            # gave this transaction the only write lock.
            if not self.connection.scalar(select(func.pg_try_advisory_xact_lock(_IMPORT_LOCK))):
                raise UserError(
                    "Another bench is importing a report into this database right now. Nothing was "
                    "imported; import the file again when the other import has finished."
                )
            yield
            return
        # New rows land all over a dozen indexes; with the default 2 MB cache SQLite keeps evicting
        # and re-reading their pages (a 100,000-row import goes about a quarter faster with room).
        previous = self.connection.exec_driver_sql("PRAGMA cache_size").scalar()
        self.connection.exec_driver_sql(f"PRAGMA cache_size = {_IMPORT_CACHE_KIB}")
        try:
            yield
        finally:
            with suppress(DBAPIError):  # a broken connection is not this import's news
                self.connection.exec_driver_sql(f"PRAGMA cache_size = {int(previous)}")

    def is_in(self, column: ColumnElement[Any], values: Sequence[Any]) -> ColumnElement[bool]:
        """column IN values, as one parameter however many values: an array on PostgreSQL (= ANY),
        a JSON list on SQLite (IN json_each). SQLAlchemy would render one parameter per value."""
        if self.postgresql:
            return column == any_(literal(list(values), ARRAY(column.type)))
        listed = func.json_each(literal(json.dumps(list(values)))).table_valued("value")
        return column.in_(select(listed.c.value))

    def select_in(
        self, stmt: Select[Any], column: ColumnElement[Any], values: Sequence[Any]
    ) -> list[Row[Any]]:
        """The rows of stmt whose column is one of values (any number of them)."""
        found: list[Row[Any]] = []
        for part in _chunks(list(values), _MAX_IN):
            found.extend(self.connection.execute(stmt.where(self.is_in(column, part))).all())  # one fetch
        return found

    def allocate_ids(self, table: Table, count: int) -> list[int]:
        """Ids for count new rows of table, so their children can be built before the insert."""
        if count == 0:
            return []
        if self.postgresql:
            sequence = func.pg_get_serial_sequence(table.name, "id")
            stmt = select(func.nextval(sequence)).select_from(func.generate_series(1, count))
            return list(self.connection.scalars(stmt))
        # The transaction began with BEGIN IMMEDIATE: no other connection can insert until it ends,
        # so the ids after the highest one are free (SQLite would pick the same for a plain insert).
        start = (self.connection.scalar(select(func.max(table.c.id))) or 0) + 1
        return list(range(start, start + count))

    def insert(self, table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        """Insert rows (tuples in the order of columns) with one bulk statement.

        Rows sorted by an indexed column go in much faster (neighbouring index pages): SQLite takes
        half the time for scan codes sorted by code.
        """
        if not rows:
            return
        rows = self._for_driver(table, columns, rows)
        names = ", ".join(self._quote(name) for name in columns)
        target = self.dialect.identifier_preparer.format_table(table)
        if not self.postgresql:
            marks = ", ".join("?" * len(columns))
            self.connection.exec_driver_sql(f"INSERT INTO {target} ({names}) VALUES ({marks})", rows)
            return
        statement = f"COPY {target} ({names}) FROM STDIN"
        dbapi = self.dialect.loaded_dbapi
        try:
            with self.connection.connection.driver_connection.cursor() as cursor:  # type: ignore[union-attr]
                with cursor.copy(statement) as copy:
                    for row in rows:
                        copy.write_row(row)
        except dbapi.Error as exc:
            # Wrapped like SQLAlchemy's own errors, so a lost server still reads "database unavailable".
            raise DBAPIError.instance(statement, None, exc, dbapi.Error, dialect=self.dialect) from exc

    def update_by_id(self, table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
        """Update columns of many rows; each tuple is (id, *values in the order of columns)."""
        if not rows:
            return
        rows = self._for_driver(table, ("id", *columns), rows)
        mark = "%s" if self.postgresql else "?"
        target = self.dialect.identifier_preparer.format_table(table)
        settings = ", ".join(f"{self._quote(name)} = {mark}" for name in columns)
        self.connection.exec_driver_sql(
            f"UPDATE {target} SET {settings} WHERE id = {mark}", [(*row[1:], row[0]) for row in rows]
        )

    def delete_ids(self, table: Table, ids: Sequence[int]) -> None:
        for part in _chunks(list(ids), _MAX_IN):
            self.connection.execute(delete(table).where(self.is_in(table.c.id, part)))

    def _for_driver(
        self, table: Table, columns: Sequence[str], rows: list[tuple[Any, ...]]
    ) -> list[tuple[Any, ...]]:
        processors = [
            table.c[name].type.dialect_impl(self.dialect).bind_processor(self.dialect) for name in columns
        ]
        if not any(processors):
            return rows
        values: list[Iterable[Any]] = list(zip(*rows, strict=True))
        for index, process in enumerate(processors):
            if process is not None:
                # A column holds few distinct values (one import time, a few hundred dates): each is
                # processed once. Values equal as keys (Decimal 1.0 and 1.00) process alike.
                done = {value: process(value) for value in set(values[index])}
                values[index] = map(done.__getitem__, values[index])
        return list(zip(*values, strict=True))


# Any constant identifies the import lock among PostgreSQL advisory locks; this one spells "RMAI".
_IMPORT_LOCK = 0x524D4149
_IMPORT_CACHE_KIB = -131_072  # SQLite's cache_size in KiB when negative: up to 128 MiB, taken as used


def _code_rows(
    codes: Iterable[tuple[str, str | None]], auth_id: int, unit_id: int | None = None
) -> list[tuple[Any, ...]]:
    return [(code, code.upper(), kind, auth_id, unit_id) for kind, code in codes if code]


class _Importer:
    """What the three importers share: the session's writer, counters, notes, row problems."""

    def __init__(self, session: Session, progress: Progress | None) -> None:
        self.w = _Writer(session)
        self.progress = progress
        self.added = self.updated = self.unchanged = 0
        self.authorizations_added = self.units_added = self.units_removed = 0
        self.notes: list[str] = []
        self.problems: list[RowProblem] = []

    def storable(self, rows: Sequence[ReportRow], checks: Sequence[_Check]) -> list[Any]:
        """The rows the database can store; the others become problems."""
        refused = _refuse_unstorable(rows, checks)
        for index, reasons in refused.items():
            self.problems.append(RowProblem(rows[index].line, "; ".join(reasons)))
        return [row for index, row in enumerate(rows) if index not in refused]

    def report_progress(self, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(done, total)


# --- seller-fulfilled returns -------------------------------------------------------------------

# The authorization columns of an MFN row, in the order of _mfn_values; the digest covers them all.
_MFN_COLUMNS = (
    "auth_key",
    "kind",
    "source",
    "rma_id",
    "merchant_rma_id",
    "order_id",
    "order_date",
    "request_date",
    "request_status",
    "tracking_id",
    "carrier",
    "sku",
    "asin",
    "item_name",
    "quantity",
    "reason",
    "customer_comment",
    "in_policy",
    "return_type",
    "resolution",
    "currency",
    "order_amount",
    "order_quantity",
)
_KEY, _MERCHANT, _QUANTITY, _STATUS = (
    _MFN_COLUMNS.index(name) for name in ("auth_key", "merchant_rma_id", "quantity", "request_status")
)
# How an authorization came to be (kind, source) stays when a report updates it: a seller-issued
# RGA keeps being one when the report later lists its Merchant RMA ID.
_MFN_UPDATABLE = tuple(
    index for index, name in enumerate(_MFN_COLUMNS) if name not in ("auth_key", "kind", "source")
)
_CODE_SOURCES = frozenset({"rma_id", "merchant_rma_id", "order_id", "tracking_id"})
_MFN_CODES = tuple(
    (kind, _MFN_COLUMNS.index(name))
    for kind, name in (
        ("rma", "rma_id"),
        ("merchant_rma", "merchant_rma_id"),
        ("order", "order_id"),
        ("tracking", "tracking_id"),
    )
)
_RMA = AuthorizationKind.RMA.value
_RETURNLESS = AuthorizationKind.RETURNLESS.value
_MFN_SOURCE = AuthorizationSource.MFN_REPORT.value


def _mfn_values(row: MfnReturn) -> tuple[Any, ...]:
    return (
        row.key,
        _RMA if row.amazon_rma_id or row.merchant_rma_id else _RETURNLESS,
        _MFN_SOURCE,
        row.amazon_rma_id,
        row.merchant_rma_id,
        row.order_id,
        row.order_date,
        row.return_request_date,
        row.return_request_status,
        row.tracking_id,
        row.return_carrier,
        row.sku,
        row.asin,
        row.item_name or "",
        row.quantity,
        row.reason,
        row.customer_comment,
        row.in_policy,
        row.return_type,
        row.resolution,
        row.currency or "USD",
        row.order_amount,
        row.order_quantity,
    )


def _mfn_codes(values: tuple[Any, ...]) -> list[tuple[str, str | None]]:
    return [(kind, values[index]) for kind, index in _MFN_CODES]


@dataclass
class _MfnChange:
    row: MfnReturn
    values: tuple[Any, ...]
    digest: str
    old: Row[Any]


class _MfnImporter(_Importer):
    """Upserts seller-fulfilled return rows by their key: one authorization per row."""

    def __init__(self, session: Session, progress: Progress | None) -> None:
        super().__init__(session, progress)
        self.merchant_ids: dict[str, str] = {}  # Merchant RMA IDs this import gave out, to their keys

    def run(self, rows: Sequence[MfnReturn]) -> None:
        rows = self.storable(rows, _MFN_CHECKS)
        done = 0
        for chunk in _chunks(rows, CHUNK):
            self._chunk(chunk)
            done += len(chunk)
            self.report_progress(done, len(rows))

    def _chunk(self, rows: Sequence[MfnReturn]) -> None:
        values = [_mfn_values(row) for row in rows]
        refused = self._merchant_id_taken(rows, values)
        if refused:
            rows = [row for index, row in enumerate(rows) if index not in refused]
            values = [vals for index, vals in enumerate(values) if index not in refused]
        digests = [_digest(vals) for vals in values]
        existing = {
            old.auth_key: old
            for old in self.w.select_in(
                select(
                    _AUTH.c.auth_key,
                    _AUTH.c.id,
                    _AUTH.c.source_hash,
                    _AUTH.c.quantity,
                    _AUTH.c.request_status,
                ),
                _AUTH.c.auth_key,
                [vals[_KEY] for vals in values],
            )
        }
        new: list[tuple[tuple[Any, ...], str]] = []
        changed: list[_MfnChange] = []
        for row, vals, digest in zip(rows, values, digests, strict=True):
            old = existing.get(vals[_KEY])
            if old is None:
                new.append((vals, digest))
            elif old.source_hash == digest:
                self.unchanged += 1
            else:
                changed.append(_MfnChange(row, vals, digest, old))
        now = utcnow()
        self._insert(new, now)
        self._update(changed, now)

    def _merchant_id_taken(self, rows: Sequence[MfnReturn], values: list[tuple[Any, ...]]) -> set[int]:
        """Rows whose Merchant RMA ID already belongs to another authorization (it is unique), refused.

        Typically the seller issued that RMA itself and the report now lists it under an Amazon RMA ID.
        """
        asked = [vals[_MERCHANT] for vals in values if vals[_MERCHANT]]
        if not asked:
            return set()
        owners = dict(
            self.w.select_in(  # type: ignore[arg-type]
                select(_AUTH.c.merchant_rma_id, _AUTH.c.auth_key), _AUTH.c.merchant_rma_id, asked
            )
        )
        refused: set[int] = set()
        for index, (row, vals) in enumerate(zip(rows, values, strict=True)):
            merchant_id, key = vals[_MERCHANT], vals[_KEY]
            if not merchant_id:
                continue
            owner = owners.get(merchant_id) or self.merchant_ids.get(merchant_id)
            if owner is not None and owner != key:
                refused.add(index)
                self.problems.append(
                    RowProblem(
                        row.line,
                        f"Merchant RMA ID {merchant_id} already belongs to the return {owner}, so it cannot "
                        f"also be given to {key}",
                    )
                )
            else:
                self.merchant_ids[merchant_id] = key
        return refused

    def _insert(self, new: list[tuple[tuple[Any, ...], str]], now: datetime) -> None:
        if not new:
            return
        new.sort(key=lambda pair: pair[0][_KEY])  # in key order, the unique indexes fill page by page
        ids = self.w.allocate_ids(_AUTH, len(new))
        auths: list[tuple[Any, ...]] = []
        units: list[tuple[Any, ...]] = []
        codes: list[tuple[Any, ...]] = []
        for auth_id, (vals, digest) in zip(ids, new, strict=True):
            auths.append((auth_id, *vals, digest, now, now))
            units.extend((auth_id, seq, 0) for seq in range(1, vals[_QUANTITY] + 1))
            codes.extend(_code_rows(_mfn_codes(vals), auth_id))
        codes.sort(key=itemgetter(0))
        self.w.insert(_AUTH, ("id", *_MFN_COLUMNS, "source_hash", *_STAMPS), auths)
        self.w.insert(_UNIT, ("authorization_id", "seq", "attempt"), units)
        self.w.insert(_CODE, _CODE_COLUMNS, codes)
        self.added += len(new)
        self.authorizations_added += len(new)
        self.units_added += len(units)

    def _update(self, changed: list[_MfnChange], now: datetime) -> None:
        """Rewrite what changed in each authorization; add or drop units, never one with an outcome.

        Only the columns that differ are set, grouped by which they are: SQLite rewrites the entries of
        every index on a column named in SET, and a status change touches few indexes.
        """
        if not changed:
            return
        ids = [change.old.id for change in changed]
        before = {
            old.id: tuple(old)[1:]
            for old in self.w.select_in(
                select(_AUTH.c.id, *(_AUTH.c[name] for name in _MFN_COLUMNS)), _AUTH.c.id, ids
            )
        }
        # The highest unit of each authorization that has an outcome, even a reversed one: it must stay.
        last_decided: dict[int, int] = dict(
            self.w.select_in(  # type: ignore[arg-type]
                select(Unit.authorization_id, func.max(Unit.seq))
                .join(Outcome, Outcome.unit_id == Unit.id)
                .group_by(Unit.authorization_id),
                Unit.authorization_id,
                ids,
            )
        )
        updates: dict[tuple[str, ...], list[tuple[Any, ...]]] = defaultdict(list)
        more_units: list[tuple[Any, ...]] = []
        fewer_units: list[dict[str, int]] = []
        recoded: list[int] = []
        codes: list[tuple[Any, ...]] = []
        for change in changed:
            vals, old = change.values, change.old
            wanted = vals[_QUANTITY]
            decided = last_decided.get(old.id, 0)
            if wanted < decided:
                self.notes.append(
                    f"line {change.row.line}: {vals[_KEY]} return quantity lowered to {wanted}, but "
                    f"{decided} units were already decided; the quantity stays {decided}."
                )
                wanted = decided
                vals = (*vals[:_QUANTITY], wanted, *vals[_QUANTITY + 1 :])
            old_values = before[old.id]
            differ = [index for index in _MFN_UPDATABLE if old_values[index] != vals[index]]
            if not differ:
                # Same values under another digest (an older importer's): only the digest is rewritten.
                updates[("source_hash",)].append((old.id, change.digest))
                self.unchanged += 1
                continue
            if wanted > old.quantity:
                more_units.extend((old.id, seq, 0) for seq in range(old.quantity + 1, wanted + 1))
            elif wanted < old.quantity:
                fewer_units.append({"auth": old.id, "keep": wanted})
                self.units_removed += old.quantity - wanted
            columns = tuple(_MFN_COLUMNS[index] for index in differ)
            updates[(*columns, "source_hash", "updated_at")].append(
                (old.id, *(vals[index] for index in differ), change.digest, now)
            )
            if not _CODE_SOURCES.isdisjoint(columns):  # a tracking ID added, say: rewrite the codes
                recoded.append(old.id)
                codes.extend(_code_rows(_mfn_codes(vals), old.id))
            if old.request_status != vals[_STATUS]:
                self.notes.append(
                    f"line {change.row.line}: {vals[_KEY]} status changed from "
                    f"{old.request_status or '(none)'} to {vals[_STATUS] or '(none)'}."
                )
            self.updated += 1
        if fewer_units:
            self.w.connection.execute(
                delete(_UNIT).where(
                    _UNIT.c.authorization_id == bindparam("auth"), _UNIT.c.seq > bindparam("keep")
                ),
                fewer_units,
            )
        self.w.insert(_UNIT, ("authorization_id", "seq", "attempt"), more_units)
        self.units_added += len(more_units)
        for columns, rows in updates.items():
            self.w.update_by_id(_AUTH, columns, rows)
        for part in _chunks(recoded, _MAX_IN):
            self.w.connection.execute(
                delete(_CODE).where(self.w.is_in(_CODE.c.authorization_id, part), _CODE.c.unit_id.is_(None))
            )
        self.w.insert(_CODE, _CODE_COLUMNS, sorted(codes, key=itemgetter(0)))


# --- FBA customer returns -----------------------------------------------------------------------

_FBA_SOURCE = AuthorizationSource.FBA_REPORT.value
# The marketplace's findings a unit keeps, in the order of _unit_findings, with the words of a note.
_FINDINGS = (
    ("marketplace_status", "status"),
    ("marketplace_disposition", "disposition"),
    ("marketplace_reason", "reason"),
    ("fulfillment_center", "fulfillment center"),
    ("returned_on", "return date"),
)
_FINDING_COLUMNS = tuple(name for name, _ in _FINDINGS)
_NEW_UNIT_COLUMNS = ("id", "authorization_id", "seq", "attempt", "lpn", *_FINDING_COLUMNS, "source_hash")
_FBA_AUTH_COLUMNS = (
    "id",
    "auth_key",
    "kind",
    "source",
    "order_id",
    "sku",
    "asin",
    "fnsku",
    "item_name",
    "reason",
    "customer_comment",
    "request_date",
    "currency",
    "quantity",
    *_STAMPS,
)
# A unit's source_hash: 16 hex characters naming its report row (the LPN, else order|sku|return date),
# then 48 of the row's content. All units a row made carry it, so the units of a row without a license
# plate, and the extra units of a row with a quantity above 1, are found again by the first part.
_ROW_PART = 16


def _fba_auth_key(row: FbaReturn) -> str:
    return f"FBA|{row.order_id}|{row.sku}"


def _unit_hash(row: FbaReturn) -> str:
    content = (
        row.return_date,
        row.order_id,
        row.sku,
        row.asin,
        row.fnsku,
        row.product_name,
        row.quantity,
        row.fulfillment_center_id,
        row.detailed_disposition,
        row.reason,
        row.status,
        row.license_plate_number,
        row.customer_comments,
    )
    return _digest(row.key, _ROW_PART // 2) + _digest(content, (64 - _ROW_PART) // 2)


def _unit_findings(row: FbaReturn) -> tuple[Any, ...]:
    return (row.status, row.detailed_disposition, row.reason, row.fulfillment_center_id, row.return_date)


def _first(rows: Sequence[FbaReturn], attribute: str) -> Any:
    return next((value for row in rows if (value := getattr(row, attribute))), None)


def _show(value: Any) -> str:
    if value is None or value == "":
        return "(none)"
    if isinstance(value, Decimal):
        cents = value.quantize(Decimal("0.01"))
        return f"{cents}" if cents == value else f"{value.normalize():f}"
    return str(value)


@dataclass
class _FbaChunk:
    """What one chunk of FBA return rows writes."""

    new_auths: list[tuple[Any, ...]] = field(default_factory=list)
    auth_updates: list[tuple[Any, ...]] = field(default_factory=list)
    codes: list[tuple[Any, ...]] = field(default_factory=list)
    new_units: list[tuple[Any, ...]] = field(default_factory=list)  # _NEW_UNIT_COLUMNS without the id
    unit_updates: list[tuple[Any, ...]] = field(default_factory=list)  # (id, *findings, source_hash)
    dropped_units: list[int] = field(default_factory=list)


class _FbaReturnsImporter(_Importer):
    """One unit per license plate; the units of an order's SKU make one authorization."""

    def run(self, rows: Sequence[FbaReturn]) -> None:
        rows = self.storable(rows, _FBA_CHECKS)
        groups: dict[str, list[FbaReturn]] = defaultdict(list)
        for row in rows:
            groups[_fba_auth_key(row)].append(row)
        batch: list[tuple[str, list[FbaReturn]]] = []
        size = done = 0
        for key, group in groups.items():
            batch.append((key, group))
            size += len(group)
            if size >= CHUNK:
                self._chunk(batch)
                done += size
                self.report_progress(done, len(rows))
                batch, size = [], 0
        if batch:
            self._chunk(batch)
            self.report_progress(done + size, len(rows))

    def _chunk(self, batch: list[tuple[str, list[FbaReturn]]]) -> None:
        now = utcnow()
        found = {
            auth.auth_key: auth
            for auth in self.w.select_in(
                select(
                    _AUTH.c.auth_key,
                    _AUTH.c.id,
                    _AUTH.c.quantity,
                    _AUTH.c.asin,
                    _AUTH.c.fnsku,
                    _AUTH.c.item_name,
                ),
                _AUTH.c.auth_key,
                [key for key, _ in batch],
            )
        }
        key_of = {auth.id: key for key, auth in found.items()}
        units_of: dict[int, list[Row[Any]]] = defaultdict(list)
        decided = exists().where(Outcome.unit_id == Unit.id).label("decided")
        for unit in self.w.select_in(
            select(_UNIT.c.id, _UNIT.c.authorization_id, _UNIT.c.seq, _UNIT.c.lpn, _UNIT.c.source_hash)
            .add_columns(*(_UNIT.c[name] for name in _FINDING_COLUMNS), decided)
            .order_by(_UNIT.c.seq),
            _UNIT.c.authorization_id,
            list(key_of),
        ):
            units_of[unit.authorization_id].append(unit)
        held = {unit.lpn: unit for units in units_of.values() for unit in units if unit.lpn}
        plates = [row.license_plate_number for _, rows in batch for row in rows if row.license_plate_number]
        elsewhere = {
            lpn: key
            for lpn, key in self.w.select_in(
                select(Unit.lpn, Authorization.auth_key).join(Authorization),
                Unit.lpn,
                [lpn for lpn in plates if lpn not in held],
            )
        }
        new_ids = iter(self.w.allocate_ids(_AUTH, sum(1 for key, _ in batch if key not in found)))
        plan = _FbaChunk()
        for key, rows in batch:
            auth = found.get(key)
            auth_id = auth.id if auth is not None else next(new_ids)
            units = units_of.get(auth_id, [])
            accepted: list[FbaReturn] = []
            for row in rows:
                lpn = row.license_plate_number
                holder = held.get(lpn) if lpn else None
                other = elsewhere.get(lpn) if lpn else None
                if holder is not None and holder.authorization_id != auth_id:
                    other = key_of[holder.authorization_id]
                if other is not None:
                    self.problems.append(
                        RowProblem(
                            row.line,
                            f"license-plate-number {lpn} is already a unit of another return "
                            f"({other.removeprefix('FBA|').replace('|', ' / ')}), not of "
                            f"{row.order_id} / {row.sku}",
                        )
                    )
                else:
                    accepted.append(row)
            if accepted:
                self._group(plan, auth, auth_id, key, accepted, units, now)
        unit_ids = self.w.allocate_ids(_UNIT, len(plan.new_units))
        new_units = [(unit_id, *unit) for unit_id, unit in zip(unit_ids, plan.new_units, strict=True)]
        plan.codes.extend(
            (lpn, lpn.upper(), "lpn", auth_id, unit_id)
            for unit_id, auth_id, _seq, _attempt, lpn, *_ in new_units
            if lpn
        )
        self.w.insert(_AUTH, _FBA_AUTH_COLUMNS, plan.new_auths)
        self.w.update_by_id(
            _AUTH, ("quantity", "asin", "fnsku", "item_name", "updated_at"), plan.auth_updates
        )
        self.w.insert(_UNIT, _NEW_UNIT_COLUMNS, new_units)
        self.w.update_by_id(_UNIT, (*_FINDING_COLUMNS, "source_hash"), plan.unit_updates)
        self.w.delete_ids(_UNIT, plan.dropped_units)  # their LPN scan codes go with them (ON DELETE CASCADE)
        self.w.insert(_CODE, _CODE_COLUMNS, sorted(plan.codes, key=itemgetter(0)))
        self.authorizations_added += len(plan.new_auths)
        self.units_added += len(new_units)
        self.units_removed += len(plan.dropped_units)

    def _group(
        self,
        plan: _FbaChunk,
        auth: Row[Any] | None,
        auth_id: int,
        key: str,
        rows: list[FbaReturn],
        units: list[Row[Any]],
        now: datetime,
    ) -> None:
        """Plan the units of one authorization's rows, and the authorization itself."""
        by_row: dict[str, list[Row[Any]]] = defaultdict(list)
        for unit in units:
            if unit.lpn is None and unit.source_hash:
                by_row[unit.source_hash[:_ROW_PART]].append(unit)
        by_lpn = {unit.lpn: unit for unit in units if unit.lpn}
        next_seq = max((unit.seq for unit in units), default=0) + 1
        count = len(units)
        for row in rows:
            digest = _unit_hash(row)
            holder = by_lpn.get(row.license_plate_number) if row.license_plate_number else None
            mine = ([holder] if holder is not None else []) + by_row.get(digest[:_ROW_PART], [])
            if not mine:
                findings = _unit_findings(row)
                for n in range(row.quantity):
                    lpn = row.license_plate_number if n == 0 else None
                    plan.new_units.append((auth_id, next_seq + n, 0, lpn, *findings, digest))
                next_seq += row.quantity
                count += row.quantity
                self.added += 1
            elif all(unit.source_hash == digest for unit in mine):
                self.unchanged += 1
            else:
                added, dropped = self._update_row(plan, row, mine, digest, auth_id, next_seq)
                next_seq += added
                count += added - dropped
                self.updated += 1
        if auth is None:
            first = rows[0]
            plan.new_auths.append(
                (
                    auth_id,
                    key,
                    _RMA,
                    _FBA_SOURCE,
                    first.order_id,
                    first.sku,
                    _first(rows, "asin"),
                    _first(rows, "fnsku"),
                    _first(rows, "product_name") or "",
                    first.reason,
                    _first(rows, "customer_comments"),
                    first.return_date,
                    "USD",
                    count,
                    now,
                    now,
                )
            )
            plan.codes.extend(_code_rows([("order", first.order_id)], auth_id))
            return
        facts = (
            count,
            _first(rows, "asin") or auth.asin,
            _first(rows, "fnsku") or auth.fnsku,
            _first(rows, "product_name") or auth.item_name,
        )
        if facts != (auth.quantity, auth.asin, auth.fnsku, auth.item_name):
            plan.auth_updates.append((auth_id, *facts, now))

    def _update_row(
        self,
        plan: _FbaChunk,
        row: FbaReturn,
        mine: list[Row[Any]],
        digest: str,
        auth_id: int,
        next_seq: int,
    ) -> tuple[int, int]:
        """Bring a row's units up to date; returns (units added, units dropped)."""
        wanted = row.quantity
        findings = _unit_findings(row)
        what = (
            f"LPN {row.license_plate_number}"
            if row.license_plate_number
            else f"the return of {row.order_id} / {row.sku} on {_show(row.return_date)}"
        )
        changes = [
            f"{label} changed from {_show(old)} to {_show(new)}"
            for (name, label), new in zip(_FINDINGS, findings, strict=True)
            if (old := getattr(mine[0], name)) != new
        ]
        if wanted != len(mine):
            changes.append(f"quantity changed from {len(mine)} to {wanted}")
        dropped: list[Row[Any]] = []
        if wanted < len(mine):
            # The unit with the license plate stays; of the others, undecided ones go, last first.
            spare = mine[1:] if row.license_plate_number else mine
            dropped = [unit for unit in reversed(spare) if not unit.decided][: len(mine) - wanted]
            kept = len(mine) - len(dropped)
            if kept > wanted:
                changes.append(f"{_plural(kept - wanted, 'decided unit')} kept, so it keeps {kept}")
        gone = {unit.id for unit in dropped}
        plan.dropped_units.extend(gone)
        plan.unit_updates.extend((unit.id, *findings, digest) for unit in mine if unit.id not in gone)
        added = max(0, wanted - len(mine))
        plan.new_units.extend((auth_id, next_seq + n, 0, None, *findings, digest) for n in range(added))
        self.notes.append(
            f"line {row.line}: {what} updated: {'; '.join(changes) or 'product details or comments changed'}."
        )
        return added, len(dropped)


# --- FBA reimbursements ---------------------------------------------------------------------------

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
_PAID_COLUMNS = tuple(name for name, _ in _PAID_FIELDS)


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


class _ReimbursementsImporter(_Importer):
    """Upserts what the marketplace paid, one row per reimbursement ID, SKU and order."""

    def run(self, rows: Sequence[FbaReimbursement]) -> None:
        rows = self.storable(rows, _PAID_CHECKS)
        done = 0
        for chunk in _chunks(rows, CHUNK):
            self._chunk(chunk)
            done += len(chunk)
            self.report_progress(done, len(rows))

    def _chunk(self, rows: Sequence[FbaReimbursement]) -> None:
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
            digest = _digest(vals)
            old = existing.get(row.key)
            if old is None:
                new.append((*vals, digest, now))
            elif old.source_hash == digest:
                self.unchanged += 1
            else:
                changed.append((old.id, *vals, digest))
                differences = [
                    f"{label} {_show(before)} → {_show(after)}"
                    for (name, label), after in zip(_PAID_FIELDS, vals, strict=True)
                    if (before := getattr(old, name)) != after
                ]
                self.notes.append(
                    f"line {row.line}: reimbursement {row.reimbursement_id} ({row.sku or 'no SKU'}, order "
                    f"{row.order_id or '(none)'}) changed: {', '.join(differences) or 'nothing visible'}."
                )
        self.w.insert(_PAID, (*_PAID_COLUMNS, "source_hash", "imported_at"), new)
        self.w.update_by_id(_PAID, (*_PAID_COLUMNS, "source_hash"), changed)
        self.added += len(new)
        self.updated += len(changed)


_IMPORTERS: dict[ReportKind, type[_MfnImporter | _FbaReturnsImporter | _ReimbursementsImporter]] = {
    ReportKind.MFN_RETURNS: _MfnImporter,
    ReportKind.FBA_RETURNS: _FbaReturnsImporter,
    ReportKind.FBA_REIMBURSEMENTS: _ReimbursementsImporter,
}


# --- the import ---------------------------------------------------------------------------------


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise UserError(f"There is no file {path}.") from exc
    except IsADirectoryError as exc:
        raise UserError(f"{path} is a folder, not a report file.") from exc
    except OSError as exc:
        raise UserError(f"The file {path} cannot be read: {exc.strerror or exc}.") from exc


def read_report_file(path: Path) -> ParsedReport:
    """Read and recognize a report file; a person-readable error if it cannot be read."""
    return read_report(_read_bytes(path))


def import_report(
    store: Store,
    path: Path,
    *,
    actor: Actor | str,
    bench: str = "",
    progress: Progress | None = None,
) -> ImportResult:
    """Import a report file: seller-fulfilled returns, FBA customer returns or FBA reimbursements.

    All valid rows go in as one transaction; every rejected row is in the result's problems.
    Raises NotAReport (nothing imported) for a file that is none of the three reports.
    progress(done, total) is called with report rows as each chunk is written.
    A signed-in actor must be a supervisor or an admin; a bare name is a bench that runs open.
    """
    if isinstance(actor, str):
        actor = open_actor(actor, bench)
    actor.require(Permission.IMPORT)
    actor, bench = actor.name, actor.bench
    data = _read_bytes(path)
    report = read_report(data)
    digest = hashlib.sha256(data).hexdigest()
    with store.unit_of_work() as session:
        importer = _IMPORTERS[report.kind](session, progress)
        with importer.w.importing():
            importer.run(report.rows)  # type: ignore[arg-type]
        result = ImportResult(
            file_name=path.name,
            report_label=report.label,
            encoding=report.encoding,
            total_lines=report.total_lines,
            added=importer.added,
            updated=importer.updated,
            unchanged=importer.unchanged,
            duplicates=report.duplicates,
            problems=tuple(sorted((*report.problems, *importer.problems), key=lambda problem: problem.line)),
            notes=tuple(importer.notes),
            report_kind=report.kind.value,
            authorizations_added=importer.authorizations_added,
            units_added=importer.units_added,
            units_removed=importer.units_removed,
        )
        session.add(
            ImportBatch(
                file_name=path.name,
                report_kind=report.kind.value,
                sha256=digest,
                actor=actor,
                bench=bench,
                rows_total=report.total_lines,
                rows_added=result.added,
                rows_updated=result.updated,
                rows_unchanged=result.unchanged,
                rows_rejected=result.rejected,
            )
        )
        if result.added or result.updated:
            session.add(
                AuditEvent(
                    actor=actor,
                    bench=bench,
                    action="import",
                    entity="report",
                    entity_key=path.name,
                    after=json.dumps(
                        {
                            "kind": report.kind.value,
                            "added": result.added,
                            "updated": result.updated,
                            "rejected": result.rejected,
                            "authorizations_added": result.authorizations_added,
                            "units_added": result.units_added,
                            "units_removed": result.units_removed,
                            "sha256": digest,
                        },
                        sort_keys=True,
                    ),
                )
            )
    return result
