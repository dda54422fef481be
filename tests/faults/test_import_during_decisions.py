"""A large import on an SQLite bench while the bench decides: the bench waits its turn for the write
lock, every decision lands, none goes to the outage journal, and the import is whole."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select, text

from rmadesk.services.context import open_store
from rmadesk.store.models import Authorization
from tests.faults.harness import (
    ROOT,
    BenchProcess,
    check_consistency,
    check_every_decision_once,
    expect_done,
    report,
    seed_authorizations,
)
from tests.perf.mfn_generator import write_mfn_report

IMPORT_ROWS = 100_000


def test_a_large_import_does_not_put_the_bench_offline_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/bench.sqlite3"
    store = open_store(url)
    try:
        rmas = seed_authorizations(store, tmp_path, 400, seed=41)
        big = tmp_path / "big.txt"
        write_mfn_report(big, IMPORT_ROWS, seed=97)
        bench = BenchProcess.bench(
            tmp_path,
            "bench",
            db=url,
            bench="b1",
            inspector="Ana",
            journal=tmp_path / "journal.sqlite3",
            rmas=rmas,
            pause_ms=25,  # an inspector's pace, so the decisions run across the whole import
            deadline_s=240,
        )
        bench.wait_until(lambda: bench.count("CONFIRMED") >= 5, timeout=60, what="the first decisions")
        before = bench.count("CONFIRMED")
        started = time.perf_counter()
        imported = subprocess.run(
            [sys.executable, "-m", "rmadesk", "--db", url, "import", str(big), "--user", "office"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        import_s = time.perf_counter() - started
        during = bench.count("CONFIRMED") - before
        events = expect_done(bench, timeout=240)
        assert imported.returncode == 0, imported.stderr
        assert events.offline == 0 and events.kept == [] and events.errors == [], bench.tail()
        figures = check_every_decision_once(store, {"b1": events})
        with store.read() as session:
            total = session.scalar(select(func.count()).select_from(Authorization))
            integrity = session.execute(text("PRAGMA integrity_check")).scalar()
        assert total == 400 + IMPORT_ROWS and integrity == "ok"
        counts = check_consistency(store)
    finally:
        store.dispose()
    assert during > 0  # decisions went on while the import ran
    report(
        "import during decisions on SQLite",
        import_rows=IMPORT_ROWS,
        import_s=f"{import_s:.1f}",
        decisions=len(events.confirmed),
        confirmed_during_import=during,
        kept_in_journal=len(events.kept),
        offline=events.offline,
        outcomes=counts["outcomes"],
        kept_without_outage=figures["kept"],
    )
