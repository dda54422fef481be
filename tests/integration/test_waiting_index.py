"""A summary's waiting list is read from the status index of migration 0017, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, func, select, text

from rmadesk.domain.policy import load_policy
from rmadesk.services.bench import BenchService
from rmadesk.services.imports import import_report
from rmadesk.settings import Settings
from rmadesk.store.models import Authorization, Unit
from rmadesk.store.uow import Store
from rmadesk.summary import returns
from tests.conftest import drop_pg_database, fresh_pg_database, migrate
from tests.integration.test_auth_status import decide_one
from tests.perf.mfn_generator import write_mfn_report

INDEX = "ix_return_authorization_status_requested"


def index_columns(engine: Engine) -> tuple[list[str], list[str]]:
    """The index's key columns and the further columns it holds."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            rows = conn.exec_driver_sql(f"PRAGMA index_xinfo({INDEX})").all()
            # (seqno, cid, name, desc, coll, key): the rowid SQLite appends has no name.
            return [r[2] for r in rows if r[5] and r[2]], []
        found = conn.execute(
            text(
                "SELECT a.attname, k.n <= i.indnkeyatts FROM pg_index i "
                "JOIN pg_class c ON c.oid = i.indexrelid "
                "CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n) "
                "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
                "WHERE c.relname = :name ORDER BY k.n"
            ),
            {"name": INDEX},
        ).all()
    return [name for name, key in found if key], [name for name, key in found if not key]


def waiting_by_units(store: Store, cutoff: date) -> tuple[int, int]:
    """Authorizations requested by the cutoff with a unit undecided, and those units, counted plainly."""
    with store.read() as session:
        open_units = (
            select(Unit.authorization_id, func.count().label("n"))
            .where(Unit.decided_at.is_(None))
            .group_by(Unit.authorization_id)
            .subquery()
        )
        row = session.execute(
            select(func.count(), func.coalesce(func.sum(open_units.c.n), 0))
            .select_from(open_units.join(Authorization, Authorization.id == open_units.c.authorization_id))
            .where(Authorization.request_date <= cutoff)
        ).one()
    return int(row[0]), int(row[1])


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_migration_0017_covers_the_waiting_list_and_goes_back(dialect: str, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/w.sqlite3" if dialect == "sqlite" else fresh_pg_database(migrated=False)
    store = Store(url)
    try:
        migrate(store.engine, command.upgrade, "0016")
        report = tmp_path / "mfn.txt"
        rmas = write_mfn_report(report, 40)
        import_report(store, report, actor="office")
        migrate(store.engine, command.upgrade, "0017")
        keys, included = index_columns(store.engine)
        if dialect == "sqlite":
            assert keys == ["status", "request_date", "id", "quantity", "decided_units"]
        else:
            assert (keys, included) == (["status", "request_date", "id"], ["quantity", "decided_units"])
        bench = BenchService(store, load_policy(), Settings(bench="b1"))
        with store.read() as session:
            several = session.scalars(
                select(Authorization.rma_id).where(Authorization.quantity >= 2).order_by(Authorization.id)
            ).all()
        decide_one(bench, several[0])  # one unit of two or more: in inspection, still waiting
        decide_one(bench, rmas[0])
        with store.read() as session:
            latest = session.scalar(select(func.max(Authorization.request_date)))
        assert latest is not None
        now = datetime.combine(latest, datetime.min.time(), tzinfo=UTC) + timedelta(days=3)
        with store.read() as session:
            found = returns.waiting(session, now, UTC, 24, None)
        assert (found.count, found.undecided_units) == waiting_by_units(store, found.requested_on_or_before)
        assert found.count >= 30
        assert [w.request_date for w in found.oldest] == sorted(w.request_date for w in found.oldest)
        migrate(store.engine, command.downgrade, "0016")
        assert index_columns(store.engine) == (["status", "request_date", "id"], [])
    finally:
        store.dispose()
        if dialect == "postgresql":
            drop_pg_database(url)


def test_sqlite_reads_the_waiting_list_from_the_index_alone(sqlite_store: Store, tmp_path: Path) -> None:
    report = tmp_path / "mfn.txt"
    write_mfn_report(report, 200)
    import_report(sqlite_store, report, actor="office")
    with sqlite_store.unit_of_work() as session:
        session.execute(text("ANALYZE"))
    with sqlite_store.read() as session:
        statement = returns.waiting_statement(date(2026, 12, 1), date(2026, 11, 1)).compile(
            session.get_bind(), compile_kwargs={"literal_binds": True}
        )
        details = [row[-1] for row in session.execute(text(f"EXPLAIN QUERY PLAN {statement}"))]
    # Only the few rows of each status's oldest are scanned (SCAN oldest_0); no table is.
    assert not [step for step in details if step.startswith("SCAN") and " oldest_" not in f" {step}"], details
    assert any(f"COVERING INDEX {INDEX}" in step for step in details), details
    assert not [step for step in details if "TEMP B-TREE" in step], details
