"""The shared PostgreSQL server stopped and started again in the middle of a scripted shift.

Two bench processes work through a few hundred authorizations (their RMA lists overlap, walked from
opposite ends, so they meet), a supervisor process reads the export in a loop, and the server is
stopped (``pg_ctlcluster ... stop -m fast``: every session cut, as when its machine goes down)
while both inspectors are in the middle of a unit (held there by a file the benches watch), for
a few seconds, and started again. The inspectors confirm during the outage: the benches must keep
those decisions on the bench (KEPT), reconnect by themselves and send them; at the end every
decision is in the database exactly once.
The server is running again at the end whatever happens.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from rmadesk.services.context import open_store
from rmadesk.services.journal import Journal
from tests.faults.harness import (
    BenchProcess,
    check_all_decided,
    check_consistency,
    check_every_decision_once,
    check_export,
    ensure_server_running,
    expect_done,
    report,
    seed_authorizations,
    server_ready,
    start_server,
    stop_server,
    units_of,
)

pytestmark = [pytest.mark.faults, pytest.mark.postgres]

OUTAGE_S = 4.0  # how long the server stays down, from the moment it stopped


def test_postgresql_stopped_and_restarted_mid_shift(pg_url: str, tmp_path: Path) -> None:
    store = open_store(pg_url)
    rmas = seed_authorizations(store, tmp_path, 300, seed=41)
    units = units_of(store, rmas)
    lists = {"b1": rmas[:200], "b2": list(reversed(rmas[100:]))}  # they meet in the middle hundred
    journals = {name: tmp_path / f"journal-{name}.sqlite3" for name in lists}
    stop_file = tmp_path / "stop"
    hold_file = tmp_path / "hold"
    export_file = tmp_path / "export.csv"
    processes: list[BenchProcess] = []
    try:
        benches = {
            name: BenchProcess.bench(
                tmp_path,
                name,
                db=pg_url,
                bench=name,
                inspector=who,
                journal=journals[name],
                rmas=lists[name],
                seed=i,
                pause_ms=40,
                deadline_s=100,
                hold_file=hold_file,
            )
            for i, (name, who) in enumerate((("b1", "Ana"), ("b2", "Ben")))
        }
        processes += benches.values()
        supervisor = BenchProcess(
            "tests.faults.supervisor",
            ["--db", pg_url, "--stop", str(stop_file), "--out", str(export_file), "--deadline-s", "100"],
            tmp_path,
            "supervisor",
        )
        processes.append(supervisor)
        b1, b2 = benches["b1"], benches["b2"]
        b1.wait_until(lambda: b1.count("CONFIRMED") + b2.count("CONFIRMED") >= 60, 40, "60 decisions")
        hold_file.touch()  # both inspectors are busy with a unit when the server goes
        for bench in benches.values():
            bench.wait_until(lambda b=bench: b.count("HOLDING") >= 1, 15, "HOLDING")  # type: ignore[misc]
        confirmed_before = b1.count("CONFIRMED") + b2.count("CONFIRMED")

        stop_s = stop_server()
        stopped_at = time.monotonic()
        hold_file.unlink()  # they confirm: the benches keep the decisions, and do not crash
        for bench in benches.values():
            bench.wait_until(lambda b=bench: b.count("KEPT") >= 1, 15, "KEPT")  # type: ignore[misc]
        time.sleep(max(0.0, OUTAGE_S - (time.monotonic() - stopped_at)))
        for bench in processes:
            assert bench.proc.poll() is None, f"{bench.label} ended during the outage:\n{bench.tail()}"
        during = {name: bench.events() for name, bench in benches.items()}
        start_s = start_server()
        outage_s = time.monotonic() - stopped_at

        events = {name: expect_done(bench, timeout=90) for name, bench in benches.items()}
        stop_file.touch()
        assert supervisor.finish(timeout=30) == 0, supervisor.tail()
    finally:
        for process in processes:
            process.kill()
        ensure_server_running()

    for name, got in events.items():
        assert got.offline >= 1 and got.ready == 1 and len(during[name].kept) >= 1, name
    figures = check_every_decision_once(store, events)
    for journal in journals.values():
        assert Journal(journal).count() == 0
    check_all_decided(store, units)
    counts = check_consistency(store)
    assert counts["outcomes"] == len(units)
    exported = check_export(store)
    assert exported == len(units)

    sup = supervisor.lines()
    seen = [int(line.split()[1]) for line in sup if line.startswith("EXPORT ")]
    assert seen == sorted(seen), "the supervisor's export lost rows on the way"
    unavailable = sum(1 for line in sup if line.startswith("UNAVAILABLE "))
    assert unavailable >= 1, "the supervisor never saw the server away"
    assert sup[-1] == f"DONE {exported}"
    assert len(export_file.read_text(encoding="utf-8").splitlines()) == exported + 1
    store.dispose()

    report(
        "PostgreSQL stopped and restarted",
        units=len(units),
        confirmed_before_stop=confirmed_before,
        stop_s=f"{stop_s:.1f}",
        start_s=f"{start_s:.1f}",
        outage_s=f"{outage_s:.1f}",
        confirmed=figures["confirmed"],
        kept=figures["kept"],
        kept_by_bench="/".join(str(len(e.kept)) for e in events.values()),
        kept_found_written=figures["retried_found"],
        kept_elsewhere=figures.get("kept_elsewhere", 0),
        skipped="/".join(str(len(e.skipped)) for e in events.values()),
        exports_read=len(seen),
        exports_refused=unavailable,
        exported=exported,
        server_running=server_ready(),
    )
