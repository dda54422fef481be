"""The store on a real SQLite file and on the real PostgreSQL server: schema, pragmas, types, errors."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import StatementError

from rmadesk.domain.errors import DatabaseUnavailable, SchemaMismatch
from rmadesk.services.context import open_store
from rmadesk.store.models import AuditEvent, Authorization, Base
from rmadesk.store.schema import current_revision, ensure_schema, head_revision
from rmadesk.store.uow import Store

UNREACHABLE_PG = "postgresql+psycopg://nobody@127.0.0.1:1/none"


def _drop_everything(store: Store) -> None:
    """Leave the store's database with no table at all, as a new empty database is."""
    Base.metadata.drop_all(store.engine)
    with store.engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        conn.execute(text("DROP TABLE IF EXISTS return_authorization_text"))  # SQLite's text index


def _table_names(store: Store) -> set[str]:
    from sqlalchemy import inspect

    return set(inspect(store.engine).get_table_names())


def _authorization(key: str, **values: object) -> Authorization:
    fields: dict[str, object] = {
        "auth_key": key,
        "kind": "RMA",
        "source": "demo",
        "rma_id": key,
        "order_id": "114-3941689-8772232",
        "sku": "TSHIRT-BLU-L",
        "quantity": 1,
        "currency": "USD",
    }
    fields.update(values)
    return Authorization(**fields)


# --- schema ------------------------------------------------------------------------------------------


def test_ensure_schema_creates_then_is_current(store: Store) -> None:
    _drop_everything(store)
    assert _table_names(store) == set()
    assert current_revision(store.engine) is None

    assert ensure_schema(store.engine) == "created"
    tables = _table_names(store)
    assert {"return_authorization", "unit", "scan_code", "outcome", "stock_movement"} <= tables
    assert {"reimbursement_line", "audit_event", "import_batch", "alembic_version"} <= tables
    assert current_revision(store.engine) == head_revision()

    assert ensure_schema(store.engine) == "current"
    assert ensure_schema(store.engine, allow_upgrade=False) == "current"


def test_current_revision_is_head_after_open(store: Store) -> None:
    head = head_revision()
    assert head  # a real revision id, e.g. "0001"
    assert current_revision(store.engine) == head


def test_newer_schema_is_refused(store: Store) -> None:
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffff9999'"))
    assert current_revision(store.engine) == "ffff9999"

    with pytest.raises(SchemaMismatch) as info:
        ensure_schema(store.engine)
    message = str(info.value)
    assert "newer RMA Desk" in message
    assert "ffff9999" in message
    # open_store says the same instead of touching the data.
    with pytest.raises(SchemaMismatch, match="newer RMA Desk"):
        open_store(store.url).dispose()
    assert current_revision(store.engine) == "ffff9999"


def test_foreign_tables_without_alembic_version_are_refused(store: Store) -> None:
    _drop_everything(store)
    with store.engine.begin() as conn:
        conn.execute(text("CREATE TABLE customers (id INTEGER PRIMARY KEY, name VARCHAR(40))"))
    with pytest.raises(SchemaMismatch, match="not RMA Desk's"):
        ensure_schema(store.engine)
    # Nothing was created next to the foreign table.
    assert _table_names(store) == {"customers"}


# --- SQLite connection set-up --------------------------------------------------------------------------


def test_sqlite_pragmas(sqlite_store: Store) -> None:
    with sqlite_store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL


def test_sqlite_write_transaction_begins_immediate(sqlite_store: Store) -> None:
    path = sqlite_store.engine.url.database
    assert path and Path(path).is_file()
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        with sqlite_store.unit_of_work() as session:
            # Only a read so far: a deferred BEGIN would take no lock yet; BEGIN IMMEDIATE has.
            assert session.scalar(select(func.count()).select_from(Authorization)) == 0
            with pytest.raises(sqlite3.OperationalError, match="database is locked"):
                other.execute("BEGIN IMMEDIATE")
        # Once the unit of work is over, the other connection can write: the lock was the session's.
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
    finally:
        other.close()


# --- column types ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "amount", [Decimal("19.99"), Decimal("0.0001"), Decimal("123456789.1234"), Decimal("-5.5"), Decimal("0")]
)
def test_money_round_trips_exactly(store: Store, amount: Decimal) -> None:
    with store.unit_of_work() as session:
        session.add(_authorization("DkQxRtLmRRMA", order_amount=amount, tax_amount=Decimal("1.60")))
    with store.read() as session:
        auth = session.scalars(select(Authorization)).one()
        assert isinstance(auth.order_amount, Decimal)
        assert auth.order_amount == amount
        assert auth.tax_amount == Decimal("1.60")
        raw = session.execute(text("SELECT order_amount FROM return_authorization")).scalar_one()
        assert int(raw) == int(amount * 10_000)  # a whole number of 1/10000ths


def test_money_sums_exactly_in_sql(store: Store) -> None:
    with store.unit_of_work() as session:
        for n in range(10):
            session.add(_authorization(f"D{n}aaaaaaRRMA", order_amount=Decimal("0.10")))
    with store.read() as session:
        total = session.scalar(select(func.sum(Authorization.order_amount)))
        raw = session.execute(text("SELECT SUM(order_amount) FROM return_authorization")).scalar_one()
    # Summed as integers: 10 x 0.10 is exactly 1.00, never 0.9999999.
    assert isinstance(total, Decimal) and total == Decimal("1.00")
    assert int(raw) == 10_000


def test_money_refuses_five_decimal_places(store: Store) -> None:
    with pytest.raises((ValueError, StatementError), match="more than four decimal places"):
        with store.unit_of_work() as session:
            session.add(_authorization("DkQxRtLmRRMA", order_amount=Decimal("19.99001")))
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(Authorization)) == 0


def test_utc_datetime_is_aware_utc(store: Store) -> None:
    plus_two = timezone(timedelta(hours=2))
    moment = datetime(2026, 3, 2, 14, 30, 15, 123000, tzinfo=plus_two)
    with store.unit_of_work() as session:
        session.add(_authorization("DkQxRtLmRRMA", arrived_at=moment, request_date=date(2026, 3, 1)))
    with store.read() as session:
        auth = session.scalars(select(Authorization)).one()
        arrived = auth.arrived_at
        imported = auth.imported_at
    assert arrived is not None
    assert arrived.tzinfo is not None and arrived.utcoffset() == timedelta(0)
    assert arrived == moment
    assert (arrived.hour, arrived.minute, arrived.second) == (12, 30, 15)
    assert arrived.microsecond == 123000
    assert imported.utcoffset() == timedelta(0)
    assert abs(datetime.now(UTC) - imported) < timedelta(minutes=5)


def test_utc_datetime_refuses_naive(store: Store) -> None:
    with pytest.raises((ValueError, StatementError), match="naive datetime"):
        with store.unit_of_work() as session:
            session.add(_authorization("DkQxRtLmRRMA", arrived_at=datetime(2026, 3, 2, 12, 0)))
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(Authorization)) == 0


# --- units of work -----------------------------------------------------------------------------------


class _Boom(Exception):
    pass


def test_unit_of_work_rolls_back_on_error(store: Store) -> None:
    with pytest.raises(_Boom):
        with store.unit_of_work() as session:
            session.add(_authorization("DkQxRtLmRRMA"))
            session.add(
                AuditEvent(actor="t", bench="b1", action="decide", entity="unit", entity_key="DkQxRtLmRRMA#1")
            )
            session.flush()  # really sent to the database, then rolled back
            assert session.scalar(select(func.count()).select_from(Authorization)) == 1
            raise _Boom()
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(Authorization)) == 0
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == 0
    # And a unit of work that ends normally commits.
    with store.unit_of_work() as session:
        session.add(_authorization("DkQxRtLmRRMA"))
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(Authorization)) == 1


# --- an unreachable database -------------------------------------------------------------------------


def test_unreachable_postgresql_raises_database_unavailable() -> None:
    store = Store(UNREACHABLE_PG)
    try:
        with pytest.raises(DatabaseUnavailable) as info:
            with store.read() as session:
                session.execute(text("SELECT 1"))
        assert "127.0.0.1" in str(info.value)
    finally:
        store.dispose()


def test_open_store_on_unreachable_postgresql_raises_database_unavailable() -> None:
    with pytest.raises(DatabaseUnavailable, match="cannot be opened"):
        open_store(UNREACHABLE_PG)


def test_sqlite_file_that_is_a_folder_raises_database_unavailable(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path}")  # the "file" is an existing folder: SQLite cannot open it
    try:
        with pytest.raises(DatabaseUnavailable, match="unable to open database file"):
            with store.read() as session:
                session.execute(text("SELECT 1"))
    finally:
        store.dispose()


def test_sqlite_file_under_a_file_raises_database_unavailable(tmp_path: Path) -> None:
    """A database path whose parent is a file cannot be created, even by root: a known error, not OSError."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be\n")
    url = f"sqlite:///{blocker}/bench.sqlite3"
    with pytest.raises(DatabaseUnavailable):
        store = Store(url)
        try:
            with store.read() as session:
                session.execute(text("SELECT 1"))
        finally:
            store.dispose()
    with pytest.raises(DatabaseUnavailable):
        open_store(url).dispose()
    assert blocker.read_text() == "a file where a folder should be\n"
