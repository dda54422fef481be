"""The bench's connections cut by the server (pg_terminate_backend) again and again during its run.

A cut of an idle pooled connection must go unnoticed (pool_pre_ping); a cut in the middle of a
transaction is an outage of a moment: the decision is kept on the bench and sent on reconnect.
Every confirmed decision is in the database exactly once.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from rmadesk.services.context import open_store
from rmadesk.services.journal import Journal
from tests.conftest import pg_base_url
from tests.faults.harness import (
    BenchProcess,
    check_all_decided,
    check_consistency,
    check_every_decision_once,
    check_export,
    expect_done,
    report,
    seed_authorizations,
    units_of,
    with_app_name,
)

pytestmark = [pytest.mark.faults, pytest.mark.postgres]

CUTS = 12


def test_connections_cut_during_a_run(pg_url: str, tmp_path: Path) -> None:
    store = open_store(pg_url)
    rmas = seed_authorizations(store, tmp_path, 200, seed=51)
    units = units_of(store, rmas)
    app = f"faults-cut-{tmp_path.name[-12:]}"
    journal = tmp_path / "journal.sqlite3"
    bench = BenchProcess.bench(
        tmp_path,
        "b1",
        db=with_app_name(pg_url, app),
        bench="b1",
        inspector="Ana",
        journal=journal,
        rmas=rmas,
        pause_ms=8,
        deadline_s=90,
    )
    admin = create_engine(pg_base_url(), isolation_level="AUTOCOMMIT")
    rng = random.Random(8)
    cuts = terminated = 0
    busy = {"active": 0, "idle in transaction": 0, "idle": 0}
    try:
        bench.wait_until(lambda: bench.count("CONFIRMED") >= 5, 30, "the first decisions")
        for _ in range(CUTS):
            time.sleep(rng.uniform(0.1, 0.4))
            if bench.proc.poll() is not None:
                break
            with admin.connect() as conn:
                rows = conn.execute(
                    text(
                        "SELECT state, pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE application_name = :app"
                    ),
                    {"app": app},
                ).all()
            cuts += 1
            for state, done in rows:
                terminated += bool(done)
                busy[state if state in busy else "idle"] += bool(done)
        events = expect_done(bench, timeout=90)
    finally:
        bench.kill()
        admin.dispose()
    assert cuts >= CUTS - 2, f"the run ended after {cuts} cuts: make it longer"
    assert terminated >= cuts - 2, f"only {terminated} of {cuts} cuts found the bench's connection"
    figures = check_every_decision_once(store, {"b1": events})
    assert Journal(journal).count() == 0
    check_all_decided(store, units)
    counts = check_consistency(store)
    assert counts["outcomes"] == len(units)
    exported = check_export(store)
    store.dispose()
    report(
        "connection cuts",
        cuts=cuts,
        backends_terminated=terminated,
        terminated_while=dict(busy),
        confirmed=figures["confirmed"],
        kept=figures["kept"],
        kept_found_written=figures["retried_found"],
        outcomes=counts["outcomes"],
        exported=exported,
    )
