"""A shared database that goes away mid-shift: the bench says so, keeps decisions, sends them later."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import create_engine, func, make_url, select, text

from rmadesk.domain.model import Decision, Disposition
from rmadesk.domain.policy import load_policy
from rmadesk.services.bench import BenchService
from rmadesk.services.context import open_store
from rmadesk.services.demo import create_demo_data
from rmadesk.services.journal import Journal
from rmadesk.settings import Settings
from rmadesk.store.models import Outcome
from rmadesk.store.uow import Store
from rmadesk.ui.bench.window import BenchWindow
from rmadesk.ui.common.sounds import Sounds
from tests.actors import BOSS
from tests.conftest import drop_pg_database, fresh_pg_database, pg_base_url
from tests.gui.conftest import NO_PHOTOS, Bench


def _connections(url: str, allowed: bool) -> None:
    """Open or close the test database to new connections, and cut the ones it has."""
    name = make_url(url).database
    admin = create_engine(pg_base_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {"true" if allowed else "false"}'))
        if not allowed:
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :n AND pid <> pg_backend_pid()"
                ),
                {"n": name},
            )
    admin.dispose()


@pytest.fixture
def pg_url() -> Iterator[str]:
    url = fresh_pg_database()
    yield url
    _connections(url, True)
    drop_pg_database(url)


def _bench(qtbot: QtBot, store: Store, journal: Journal, name: str, who: str) -> Bench:
    settings = Settings(
        bench=name, sounds=False, label_folder=str(journal.path.parent / "labels"), photos=NO_PHOTOS
    )
    window = BenchWindow(
        BenchService(store, load_policy(), settings), who, journal=journal, sounds=Sounds(False), points=14
    )
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    bench = Bench(window, store, qtbot)
    window.sounds.played.connect(bench.played.append)
    return bench


def test_an_outage_keeps_decisions_on_the_bench_and_sends_them_once_back(
    qtbot: QtBot, pg_url: str, tmp_path: Path
) -> None:
    store = open_store(pg_url)
    create_demo_data(store, BOSS)
    journal = Journal(tmp_path / "journal.sqlite3")
    bench = _bench(qtbot, store, journal, "bench-1", "Ana")
    w = bench.window
    bench.scan("DaLpKsOiRRMA", wait="card", into_scan_field=True)  # 3 mugs
    bench.scan("CMD-SELLABLE", into_scan_field=True)
    _connections(pg_url, False)  # the server goes away mid-shift
    with qtbot.waitSignal(w.decision_kept, timeout=20000):
        bench.scan("CMD-CONFIRM", into_scan_field=True)
    assert w.outage.isVisible() and "cannot be reached" in w.outage.text()
    assert journal.count() == 1
    assert (
        w.state == "inspecting" and w.session.unit is not None and w.session.unit.seq == 2
    )  # the parcel goes on
    bench.scan("CMD-SELLER-FAULT", into_scan_field=True)
    with qtbot.waitSignal(w.decision_kept, timeout=20000):
        bench.scan("CMD-CONFIRM", into_scan_field=True)
    assert journal.count() == 2 and "2 decision(s)" in w.outage.text()
    bench.scan("CMD-CANCEL", into_scan_field=True)
    bench.scan("DkQxRtLmRRMA", wait="rejected", into_scan_field=True)  # a new return needs the server
    assert "cannot be opened until it is back" in w.banner.text()
    _connections(pg_url, True)
    with qtbot.waitSignal(w.connection_restored, timeout=20000) as restored:
        w.check_connection()
    assert restored.args == [2]
    assert not w.outage.isVisible() and "2 decision(s) kept on this bench were sent" in w.banner.text()
    assert journal.count() == 0
    with store.read() as s:
        rows = s.execute(select(Outcome.disposition, Outcome.bench).order_by(Outcome.decided_at)).all()
    assert [tuple(r) for r in rows] == [("sellable", "bench-1"), ("seller_fault", "bench-1")]
    with qtbot.waitSignal(w.connection_restored, timeout=1000, raising=False):
        w.check_connection()  # sending again doubles nothing
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(Outcome)) == 2
    w.close()
    store.dispose()


def test_a_unit_decided_elsewhere_meanwhile_is_reported_not_doubled(
    qtbot: QtBot, pg_url: str, tmp_path: Path
) -> None:
    store = open_store(pg_url)
    create_demo_data(store, BOSS)
    journal = Journal(tmp_path / "journal.sqlite3")
    bench = _bench(qtbot, store, journal, "bench-1", "Ana")
    w = bench.window
    bench.scan("DkQxRtLmRRMA", wait="card", into_scan_field=True)
    unit_id = w.session.unit.unit_id if w.session.unit else 0
    bench.scan("CMD-CARRIER-DAMAGED", into_scan_field=True)
    _connections(pg_url, False)
    with qtbot.waitSignal(w.decision_kept, timeout=20000):
        bench.scan("CMD-CONFIRM", into_scan_field=True)
    _connections(pg_url, True)
    other = BenchService(open_store(pg_url), load_policy(), Settings(bench="bench-2"))
    other.record(
        Decision("from-bench-2", unit_id, Disposition.SELLABLE, inspector="Ben", bench="bench-2"),
        from_journal=True,
    )
    with qtbot.waitSignal(w.connection_restored, timeout=20000):
        w.check_connection()
    assert "decided elsewhere" in w.banner.text() and "Ben" in w.banner.text()
    assert bench.played[-1] == "reject"
    assert journal.count() == 0
    with store.read() as s:
        assert s.execute(select(Outcome.bench)).scalars().all() == ["bench-2"]
    other.store.dispose()
    w.close()
    store.dispose()
