"""Bulk reads and writes in a session's transaction, fast on SQLite (executemany) and PostgreSQL (COPY)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, Table, any_, delete, func, literal, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from rmadesk.domain.errors import UserError
from rmadesk.text.i18n import _

MAX_IN = 10_000
# From this many rows in one insert, SQLite's text index is filled for all of them after the insert.
TEXT_INDEX_IN_BULK = 500  # values per IN list; SQLite allows 32,766 parameters per statement


IMPORT_STATEMENT_LIMIT = "10min"  # a statement's limit while a report is imported on PostgreSQL


def chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class BulkWriter:
    """Bulk reads and writes in the session's transaction, fast on SQLite and PostgreSQL.

    Values go to the driver through the columns' own bind processors (Money to 1/10000ths, UTC
    times), so they are stored exactly as the ORM would store them.
    """

    def __init__(self, session: Session) -> None:
        self.connection: Connection = session.connection()
        self.dialect = self.connection.dialect
        if self.dialect.name not in ("sqlite", "postgresql"):
            raise UserError(
                _("RMA Desk imports reports into SQLite or PostgreSQL, not {database}.").format(
                    database=self.dialect.name
                )
            )
        self.postgresql = self.dialect.name == "postgresql"
        self._quote = self.dialect.identifier_preparer.quote
        self._text_triggers: dict[str, tuple[str, str, str, list[str]] | None] = {}

    @contextmanager
    def importing(self) -> Iterator[None]:
        """While the import runs: one import at a time on PostgreSQL, a roomier page cache on SQLite."""
        if self.postgresql:
            # Two imports at once would both insert the same new keys; SQLite's BEGIN IMMEDIATE already
            # gave this transaction the only write lock.
            if not self.connection.scalar(select(func.pg_try_advisory_xact_lock(_IMPORT_LOCK))):
                raise UserError(
                    _(
                        "Another bench is importing a report into this database right now. Nothing was "
                        "imported; import the file again when the other import has finished."
                    )
                )
            # A bench's statements stop after 15 s; one COPY of a big report's codes, checked against
            # its authorizations, can take longer on a busy server (seen at 100,000 rows). Roomier,
            # still bounded, for this transaction alone.
            self.connection.exec_driver_sql(f"SET LOCAL statement_timeout = '{IMPORT_STATEMENT_LIMIT}'")
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
        for part in chunks(list(values), MAX_IN):
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
            statement = f"INSERT INTO {target} ({names}) VALUES ({marks})"
            trigger = (
                self._text_trigger(table) if len(rows) >= TEXT_INDEX_IN_BULK and "id" in columns else None
            )
            if trigger is None:
                self.connection.exec_driver_sql(statement, rows)
                return
            # The trigger would index each row's text on its own, which costs three times the insert;
            # one statement indexing all of them after it costs a fraction. The trigger is back before
            # any other statement, in the same transaction: a failed import leaves it as it was.
            name, definition, text_table, text_columns = trigger
            ids = [row[columns.index("id")] for row in rows]
            self.connection.exec_driver_sql(f"DROP TRIGGER {self._quote(name)}")
            try:
                self.connection.exec_driver_sql(statement, rows)
                listed = ", ".join(self._quote(column) for column in text_columns)
                self.connection.exec_driver_sql(
                    f"INSERT INTO {self._quote(text_table)} (rowid, {listed}) "  # noqa: S608 - our own names
                    f"SELECT id, {listed} FROM {target} WHERE id IN (SELECT value FROM json_each(?))",
                    (json.dumps(ids),),
                )
            finally:
                self.connection.exec_driver_sql(definition)
            return
        from psycopg.copy import QueuedLibpqWriter  # PostgreSQL only: SQLite benches never load it

        statement = f"COPY {target} ({names}) FROM STDIN"
        dbapi = self.dialect.loaded_dbapi
        try:
            with self.connection.connection.driver_connection.cursor() as cursor:  # type: ignore[union-attr]
                # A thread sends what is formatted while the rows after it are formatted: the server
                # updates the indexes on its core meanwhile, not after the last row.
                with cursor.copy(statement, writer=QueuedLibpqWriter(cursor)) as copy:
                    for row in rows:
                        copy.write_row(row)
        except dbapi.Error as exc:
            # Wrapped like SQLAlchemy's own errors, so a lost server still reads "database unavailable".
            raise DBAPIError.instance(statement, None, exc, dbapi.Error, dialect=self.dialect) from exc

    def _text_trigger(self, table: Table) -> tuple[str, str, str, list[str]] | None:
        """SQLite: the trigger that keeps table's FTS5 text index (migration 0016) as each row is
        inserted, as (its name, its CREATE statement, the text table, its columns); None without one."""
        if table.name not in self._text_triggers:
            name = f"{table.name}_text_ai"
            found = self.connection.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name = ? AND tbl_name = ?",
                (name, table.name),
            ).first()
            text_table = f"{table.name}_text"
            if found is None:
                self._text_triggers[table.name] = None
            else:
                columns = [
                    row[1]
                    for row in self.connection.exec_driver_sql(
                        f"PRAGMA table_info({self._quote(text_table)})"
                    )
                ]
                self._text_triggers[table.name] = (found[0], found[1], text_table, columns)
        return self._text_triggers[table.name]

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
        for part in chunks(list(ids), MAX_IN):
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
