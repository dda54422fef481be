"""A bench process killed with SIGKILL in the middle of its commits, many times, then restarted.

Nothing it printed as CONFIRMED may be missing, nothing may be doubled, at most the one commit in
flight when it died may be written without its CONFIRMED line, and the SQLite file stays sound.
"""

from __future__ import annotations

import random
import sqlite3
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from rmadesk.services.context import open_store
from rmadesk.services.journal import Journal
from rmadesk.store.uow import Store
from tests.conftest import pg_base_url
from tests.faults.harness import (
    BenchProcess,
    Events,
    check_all_decided,
    check_consistency,
    check_every_decision_once,
    check_export,
    expect_done,
    outcomes,
    report,
    seed_authorizations,
    units_of,
)

pytestmark = pytest.mark.faults


def _kill_rounds(store: Store, url: str, rmas: list[str], folder: Path, rounds: int, seed: int) -> dict:
    rng = random.Random(seed)
    journal = folder / "journal.sqlite3"
    events = Events()
    landed_unreported = 0
    rounds_with_commits = 0
    delays: list[float] = []
    written_before = len(outcomes(store))
    for n in range(rounds):
        bench = BenchProcess.bench(
            folder, f"run{n:02d}", db=url, bench="b1", inspector="Ana", journal=journal, rmas=rmas, seed=n
        )
        # Even rounds count from READY (start-up: journal, first claim), odd ones from the first commit
        # (a restarted bench first re-scans the RMAs decided before, which takes a while).
        first = "READY" if n % 2 == 0 else "CONFIRMED"
        bench.wait_until(lambda b=bench, k=first: b.count(k) >= 1 or b.count("DONE"), 30, first)  # type: ignore[misc]
        delay = rng.uniform(0.020, 0.300)
        delays.append(delay)
        time.sleep(delay)
        assert bench.proc.poll() is None, (
            f"the run ended before its kill (give it more units):\n{bench.tail()}"
        )
        bench.kill()
        got = bench.events()
        assert not got.errors, got.errors
        assert "Traceback" not in bench.stderr(), bench.stderr()
        written = len(outcomes(store))
        reported = len(got.confirmed) + sum(1 for _, _, retry in got.sent if not retry)
        unreported = written - written_before - reported
        # The one commit in flight may have landed without its line; nothing printed may be missing.
        assert unreported in (0, 1), (n, written - written_before, reported)
        landed_unreported += unreported
        rounds_with_commits += written > written_before
        written_before = written
        events += got
    final = BenchProcess.bench(
        folder, "final", db=url, bench="b1", inspector="Ana", journal=journal, rmas=rmas, seed=rounds
    )
    events += expect_done(final, timeout=90)
    assert Journal(journal).count() == 0
    check_all_decided(store, units_of(store, rmas))
    figures = check_every_decision_once(store, {"b1": events})
    counts = check_consistency(store)
    exported = check_export(store)
    return {
        "rounds": rounds,
        "kills": rounds,
        "kill_delay_ms": f"{min(delays) * 1000:.0f}-{max(delays) * 1000:.0f}",
        "rounds_that_committed": rounds_with_commits,
        "confirmed_before_kills": figures["confirmed"] - len(Events.parse(final.lines()).confirmed),
        "confirmed_total": figures["confirmed"],
        "landed_without_line": landed_unreported,
        "outcomes": counts["outcomes"],
        "exported": exported,
    }


def test_sigkill_mid_commit_many_times_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/bench.sqlite3"
    store = open_store(url)
    rmas = seed_authorizations(store, tmp_path, 1000, seed=21)
    figures = _kill_rounds(store, url, rmas, tmp_path, rounds=30, seed=5)
    store.dispose()
    with sqlite3.connect(tmp_path / "bench.sqlite3") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    report("SIGKILL on SQLite", **figures, integrity_check="ok")


@pytest.mark.postgres
def test_sigkill_mid_commit_on_postgresql(pg_url: str, tmp_path: Path) -> None:
    store = open_store(pg_url)
    rmas = seed_authorizations(store, tmp_path, 200, seed=22)
    figures = _kill_rounds(store, pg_url, rmas, tmp_path, rounds=10, seed=6)
    store.dispose()
    report("SIGKILL on PostgreSQL", **figures)


def _allow_connections(url: str, allowed: bool) -> None:
    """Open or close a database to connections, cutting the ones it has (the server is away for it)."""
    name = make_url(url).database
    admin = create_engine(pg_base_url(), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(allowed).lower()}'))
            if not allowed:
                conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :n AND pid <> pg_backend_pid()"
                    ),
                    {"n": name},
                )
    finally:
        admin.dispose()


@pytest.mark.postgres
def test_sigkill_while_offline_then_the_journal_is_sent(pg_url: str, tmp_path: Path) -> None:
    """A bench killed while it holds kept decisions sends them when it is started again."""
    store = open_store(pg_url)
    rmas = seed_authorizations(store, tmp_path, 80, seed=23)
    journal = tmp_path / "journal.sqlite3"
    first = BenchProcess.bench(
        tmp_path, "first", db=pg_url, bench="b1", inspector="Ana", journal=journal, rmas=rmas, pause_ms=20
    )
    try:
        tries = 0
        while True:  # the cut must find the bench with a unit in hand (not between two RMAs)
            tries += 1
            confirmed = first.count("CONFIRMED")
            first.wait_until(lambda c=confirmed: first.count("CONFIRMED") >= c + 5, 30, "5 decisions")
            _allow_connections(pg_url, False)
            first.wait_until(lambda t=tries: first.count("OFFLINE") >= t, 15, "OFFLINE")
            time.sleep(0.3)
            if first.count("KEPT") or tries == 5:
                break
            _allow_connections(pg_url, True)
            first.wait_until(lambda t=tries: first.count("ONLINE") >= t, 15, "ONLINE")
        first.kill()
        kept_events = first.events()
        assert kept_events.kept, f"no decision kept in {tries} cuts:\n{first.tail()}"
        assert Journal(journal).count() == len(kept_events.kept) - len(kept_events.sent)
        waiting = Journal(journal).count()
        _allow_connections(pg_url, True)
        again = BenchProcess.bench(
            tmp_path, "again", db=pg_url, bench="b1", inspector="Ana", journal=journal, rmas=rmas, seed=2
        )
        sent_events = expect_done(again, timeout=60)
    finally:
        first.kill()
        _allow_connections(pg_url, True)
    sent_at_start = {uid for uid, _, _ in sent_events.sent}
    assert {uid for uid, _, _ in kept_events.kept} - {uid for uid, _, _ in kept_events.sent} <= sent_at_start
    figures = check_every_decision_once(store, {"b1": kept_events + sent_events})
    assert Journal(journal).count() == 0
    check_all_decided(store, units_of(store, rmas))
    counts = check_consistency(store)
    store.dispose()
    report(
        "SIGKILL while offline",
        cuts=tries,
        kept_when_killed=waiting,
        sent_by_the_restarted_bench=len(sent_at_start),
        confirmed=figures["confirmed"],
        outcomes=counts["outcomes"],
    )
