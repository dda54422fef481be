"""The stored status of each authorization follows the rule through every write, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import select, text, update

from rmadesk.domain.model import Decision, Disposition
from rmadesk.domain.policy import load_policy
from rmadesk.services.bench import BenchService, new_outcome_uid
from rmadesk.services.browse import BrowseFilter, BrowseService
from rmadesk.services.imports import import_report
from rmadesk.services.issue import IssueRequest, issue_rma
from rmadesk.services.reversal import reverse_outcome
from rmadesk.settings import Settings
from rmadesk.store import auth_status
from rmadesk.store.models import Authorization
from rmadesk.store.schema import current_revision
from rmadesk.store.uow import Store
from tests.actors import BOSS
from tests.conftest import drop_pg_database, fresh_pg_database, migrate
from tests.perf.mfn_generator import write_mfn_report


def stored(store: Store) -> dict[str, tuple[str, int]]:
    with store.read() as session:
        rows = session.execute(
            select(Authorization.auth_key, Authorization.status, Authorization.decided_units)
        ).all()
    return {key: (auth_status.STATUSES[status], decided) for key, status, decided in rows}


def assert_kept(store: Store) -> None:
    with store.read() as session:
        assert auth_status.stale(session) == []


def quantities(store: Store) -> dict[str, int]:
    with store.read() as session:
        return dict(session.execute(select(Authorization.auth_key, Authorization.quantity)).all())


def decide_one(bench: BenchService, rma: str) -> str:
    auth = bench.lookup(rma)
    unit = auth.next_undecided
    assert unit is not None
    recorded = bench.record(
        Decision(
            outcome_uid=new_outcome_uid(),
            unit_id=unit.unit_id,
            disposition=Disposition.SELLABLE,
            inspector="Ana",
            bench="b1",
        )
    )
    return recorded.outcome.outcome_uid


def with_quantity(source: Path, target: Path, rma: str, quantity: int) -> None:
    lines = source.read_text(encoding="utf-8-sig").splitlines()
    out = [lines[0]]
    header = lines[0].split("\t")
    columns = [header.index("Return quantity"), header.index("Order quantity")]
    for line in lines[1:]:
        cells = line.split("\t")
        if rma in cells:
            for n in columns:
                cells[n] = str(quantity)
        out.append("\t".join(cells))
    target.write_text("\r\n".join(out) + "\r\n", encoding="utf-8")


def test_the_stored_status_follows_every_write(store: Store, tmp_path: Path) -> None:
    report = tmp_path / "mfn.txt"
    rmas = write_mfn_report(report, 40)
    import_report(store, report, actor="office")
    assert_kept(store)
    assert set(stored(store).values()) == {("awaiting", 0)}
    qty = quantities(store)
    single = [r for r in rmas if qty[r] == 1]
    several = [r for r in rmas if qty[r] >= 2]
    bench = BenchService(store, load_policy(), Settings(bench="b1"))

    # Opening (a claim) changes nothing: the return is not seen until a decision.
    bench.open_authorization(bench.lookup(single[0]).auth_id, who="Ana", bench="b1")
    assert stored(store)[single[0]] == ("awaiting", 0)
    first = decide_one(bench, single[0])
    decide_one(bench, several[0])
    assert stored(store)[single[0]] == ("done", 1)
    assert stored(store)[several[0]] == ("in_inspection", 1)
    assert_kept(store)

    reverse_outcome(store, first, reason="wrong shelf", actor=BOSS)
    assert stored(store)[single[0]] == ("in_inspection", 0)
    assert_kept(store)
    decide_one(bench, single[0])
    decide_one(bench, single[1])
    assert stored(store)[single[0]] == stored(store)[single[1]] == ("done", 1)

    # A re-import that raises the quantity of a done return puts it back in inspection.
    changed = tmp_path / "mfn-changed.txt"
    with_quantity(report, changed, single[1], 2)
    import_report(store, changed, actor="office")
    assert stored(store)[single[1]] == ("in_inspection", 1)
    assert_kept(store)

    issued = issue_rma(
        store, IssueRequest(order_id="113-0000000-0000001", sku="SKU-1", quantity=2, reason="x"), actor=BOSS
    )
    assert stored(store)[issued.rma_id] == ("awaiting", 0)
    assert_kept(store)

    browse = BrowseService(store, BOSS, search_ttl_s=0)
    assert browse.count(BrowseFilter(status="in_inspection")) == 2
    assert browse.count(BrowseFilter(status="done")) == 1
    assert browse.count(BrowseFilter(status="awaiting")) == 38  # 40 imported and 1 issued


def test_stale_finds_a_status_written_past_the_rule(store: Store, tmp_path: Path) -> None:
    """The check the other tests rely on can fail."""
    report = tmp_path / "mfn.txt"
    write_mfn_report(report, 5)
    import_report(store, report, actor="office")
    with store.unit_of_work() as session:
        session.execute(update(Authorization).where(Authorization.id == 1).values(status=2))
    with store.read() as session:
        assert [row[0] for row in auth_status.stale(session)] == [1]
    with store.unit_of_work() as session:
        auth_status.refresh_all(session)
    assert_kept(store)


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_migration_0016_fills_the_status_of_the_rows_there_and_goes_back(
    dialect: str, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path}/m.sqlite3" if dialect == "sqlite" else fresh_pg_database(migrated=False)
    store = Store(url)
    try:
        migrate(store.engine, command.upgrade, "head")
        report = tmp_path / "mfn.txt"
        rmas = write_mfn_report(report, 20)
        import_report(store, report, actor="office")
        bench = BenchService(store, load_policy(), Settings(bench="b1"))
        qty = quantities(store)
        several = [r for r in rmas if qty[r] >= 2]
        decide_one(bench, rmas[0])
        decide_one(bench, several[0])
        before = stored(store)
        assert before[several[0]] == ("in_inspection", 1)
        assert before[rmas[0]][1] == 1
        migrate(store.engine, command.downgrade, "0015")
        # One that arrived and has nothing decided (its decision reversed): in inspection.
        arrived = next(r for r in rmas if before[r] == ("awaiting", 0))
        with store.engine.begin() as conn:
            conn.execute(
                text("UPDATE return_authorization SET arrived_at = imported_at WHERE rma_id = :r"),
                {"r": arrived},
            )
        before[arrived] = ("in_inspection", 0)
        assert current_revision(store.engine) == "0015"
        with store.engine.connect() as conn:
            columns = conn.execute(text("SELECT * FROM return_authorization LIMIT 0")).keys()
        assert "status" not in columns and "decided_units" not in columns
        migrate(store.engine, command.upgrade, "0016")
        assert stored(store) == before
        assert_kept(store)
        browse = BrowseService(store, BOSS, search_ttl_s=0)
        assert browse.count(BrowseFilter(text=rmas[3][2:9])) >= 1  # a substring of an RMA ID, indexed again
    finally:
        store.dispose()
        if dialect == "postgresql":
            drop_pg_database(url)


def test_the_text_index_follows_changes_of_the_searched_columns(store: Store, tmp_path: Path) -> None:
    report = tmp_path / "mfn.txt"
    write_mfn_report(report, 10)
    import_report(store, report, actor="office")
    browse = BrowseService(store, BOSS, search_ttl_s=0)
    with store.read() as session:
        order, tracking = session.execute(
            select(Authorization.order_id, Authorization.tracking_id).where(Authorization.id == 3)
        ).one()
    assert [r.auth_id for r in browse.page(BrowseFilter(text=order[4:12]), "requested", False)] == [3]
    assert 3 in [r.auth_id for r in browse.page(BrowseFilter(text=tracking[-6:].lower()), "requested", False)]
    with store.unit_of_work() as session:
        session.execute(
            update(Authorization)
            .where(Authorization.id == 3)
            .values(item_name="Walnut salad bowl", customer_comment="arrived cracked")
        )
    assert [r.auth_id for r in browse.page(BrowseFilter(text="salad CRACKED"), "requested", False)] == [3]
    assert browse.count(BrowseFilter(text="Demo product 2 walnut")) == 0  # the old name is gone
    assert [r.auth_id for r in browse.page(BrowseFilter(text="bowl ed"), "requested", False)] == [3]
    with store.unit_of_work() as session:
        session.execute(update(Authorization).where(Authorization.id == 3).values(status=1))  # no text change
        session.execute(text("DELETE FROM scan_code WHERE authorization_id = 3"))
        session.execute(text("DELETE FROM unit WHERE authorization_id = 3"))
        session.execute(text("DELETE FROM return_authorization WHERE id = 3"))
    assert browse.count(BrowseFilter(text="salad")) == 0
    assert browse.count(BrowseFilter(text="zzzqqq")) == 0
    if store.dialect == "sqlite":
        with store.read() as session:
            # The text table answers the same as the table itself would (its integrity check).
            check = (
                "INSERT INTO return_authorization_text(return_authorization_text) VALUES ('integrity-check')"
            )
            session.execute(text(check))
