"""Two benches racing on the same unit: every interleaving of their steps, then a free-running race.

The interleavings are run in the style of PostgreSQL's isolation tester: each bench is a session
with its own engine (its own server connections) and its own thread, and the steps of a
permutation are started one after another. A bench's record is split in two steps, ``write``
(every statement of the transaction, stopped just before COMMIT by a hook on the engine's commit
event, so its locks and rows are held) and ``commit``. A step that waits for the other bench's
lock is seen waiting (on PostgreSQL, pg_blocking_pids names the other bench's server process; on
SQLite, a BEGIN IMMEDIATE that has not returned) and the permutation goes on with the other bench,
as the isolation tester does.
A permutation that would need a waiting bench to take another step first cannot be run as
written (it equals another permutation); such permutations are counted and left out.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, event, select, text

from rmadesk.domain.errors import DatabaseUnavailable, NothingToDecide
from rmadesk.domain.model import Decision, Disposition
from rmadesk.domain.policy import load_policy
from rmadesk.services.bench import BenchService, Recorded, UnitClaimed, new_outcome_uid
from rmadesk.services.context import open_store
from rmadesk.settings import Settings
from rmadesk.store.engine import READ_ONLY
from rmadesk.store.models import Outcome
from rmadesk.store.uow import Store
from tests.conftest import pg_base_url
from tests.faults.harness import (
    BenchProcess,
    Events,
    add_single_units,
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

pytestmark = pytest.mark.faults

SETTLE_S = 8.0  # a step that neither ends nor waits for a lock within this is a failure
SQLITE_WAITING_S = 0.15  # on SQLite a step still running after this is taken as waiting for the lock


class Session:
    """One bench: its own store (engine, connections), a worker thread, a gate before COMMIT."""

    def __init__(
        self, name: str, url: str, bench: str, who: str, other: str, claim_minutes: int = 15
    ) -> None:
        self.name, self.bench, self.who, self.other = name, bench, who, other
        self.app_name = f"iso-{name}-{new_outcome_uid()[:8]}"
        self.postgres = url.startswith("postgresql")
        self.store = Store(with_app_name(url, self.app_name) if self.postgres else url)
        settings = Settings(bench=bench, sounds=False, claim_minutes=claim_minutes)
        self.service = BenchService(self.store, load_policy(), settings)
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self.hold = False
        self.at_commit = threading.Event()
        self.release = threading.Event()
        event.listen(self.store.engine, "commit", self._before_commit)

    def _before_commit(self, conn: Any) -> None:
        if not self.hold or conn.get_execution_options().get(READ_ONLY):
            return
        self.hold = False
        self.at_commit.set()
        if not self.release.wait(SETTLE_S * 2):
            raise RuntimeError(f"{self.name}: the commit was never let through")

    def close(self) -> None:
        self.release.set()
        self.worker.shutdown(wait=True)
        self.store.dispose()


@dataclass
class Run:
    """One permutation on one unit: what each step returned, and which steps had to wait."""

    steps: tuple[str, ...]
    auth_id: int
    unit_id: int
    results: dict[str, object] = field(default_factory=dict)
    waited: list[str] = field(default_factory=list)
    infeasible: bool = False


class Isolation:
    """Two benches, A (b1, Ana) and B (b2, Ben), and the steps of one permutation at a time."""

    def __init__(self, url: str, admin_url: str | None, a_claim_minutes: int = 15) -> None:
        self.a = Session("A", url, "b1", "Ana", "B", claim_minutes=a_claim_minutes)
        self.b = Session("B", url, "b2", "Ben", "A")
        self.admin = create_engine(admin_url, isolation_level="AUTOCOMMIT") if admin_url else None

    def close(self) -> None:
        self.a.close()
        self.b.close()
        if self.admin is not None:
            self.admin.dispose()

    def session(self, step: str) -> Session:
        return self.a if step.endswith("A") else self.b

    def waiting_for_lock(self, s: Session) -> bool:
        if self.admin is None:
            return False
        with self.admin.connect() as conn:
            return bool(
                conn.execute(
                    text(
                        "SELECT count(*) FROM pg_stat_activity AS me WHERE me.application_name = :me "
                        "AND EXISTS (SELECT 1 FROM pg_stat_activity AS other "
                        "WHERE other.application_name = :other AND other.pid = ANY(pg_blocking_pids(me.pid)))"
                    ),
                    {"me": s.app_name, "other": (self.b if s is self.a else self.a).app_name},
                ).scalar()
            )

    def settle(self, s: Session, future: Future[Any], *, writing: bool) -> str:
        """'done', 'paused' (a write held before COMMIT) or 'waiting' (for the other bench's lock)."""
        started = time.monotonic()
        while time.monotonic() - started < SETTLE_S:
            if future.done():
                s.hold = False
                return "done"
            if writing and s.at_commit.is_set() and not s.release.is_set():
                return "paused"
            if s.postgres and self.waiting_for_lock(s):
                return "waiting"
            if not s.postgres and time.monotonic() - started > SQLITE_WAITING_S:
                return "waiting"
            time.sleep(0.001)
        raise AssertionError(f"{s.name}: a step neither ended nor waited within {SETTLE_S}s")

    def run(self, steps: tuple[str, ...], auth_id: int, unit_id: int) -> Run:
        run = Run(steps, auth_id, unit_id)
        decisions = {
            s.name: Decision(
                outcome_uid=new_outcome_uid(),
                unit_id=unit_id,
                disposition=Disposition.SELLABLE if s is self.a else Disposition.SELLER_FAULT,
                inspector=s.who,
                bench=s.bench,
            )
            for s in (self.a, self.b)
        }
        writes: dict[str, Future[Any]] = {}
        pending: dict[str, tuple[str, Future[Any]]] = {}  # session -> its step that waits

        def outcome_of(future: Future[Any]) -> object:
            exc = future.exception()
            return exc if exc is not None else future.result()

        def look_again() -> None:
            for name, (step, future) in list(pending.items()):
                s = self.a if name == "A" else self.b
                state = self.settle(s, future, writing=step.startswith(("write", "send")))
                if state != "waiting":
                    del pending[name]
                    if state == "done":
                        run.results[step] = outcome_of(future)

        for step in steps:
            s = self.session(step)
            if s.name in pending:  # this bench still waits: the permutation cannot be run as written
                run.infeasible = True
                run.waited.append(f"{step} (its bench still waits)")
                break
            kind = step[:-1]
            future: Future[Any]
            if kind == "claim":
                future = s.worker.submit(s.service.claim, auth_id, who=s.who, bench=s.bench)
            elif kind in ("write", "send"):  # send: a decision kept in the journal, sent without a claim
                s.at_commit.clear()
                s.release.clear()
                s.hold = True
                future = writes[s.name] = s.worker.submit(
                    s.service.record, decisions[s.name], from_journal=kind == "send"
                )
            elif kind == "commit":
                future = writes[s.name]
                s.release.set()
                if future.done():  # the write failed before COMMIT: nothing to let through
                    look_again()
                    continue
            elif kind == "retry":  # the same decision sent again (the bench did not see its commit end)
                future = s.worker.submit(s.service.record, decisions[s.name])
            else:
                raise AssertionError(step)
            state = self.settle(s, future, writing=kind in ("write", "send"))
            if state == "waiting":
                run.waited.append(step)
                pending[s.name] = (step, future)
            elif state == "done":
                run.results[step] = outcome_of(future)
            look_again()
        # Let everything through and wait for it, whatever happened.
        for s in (self.a, self.b):
            s.hold = False
            s.release.set()
        for name, future in writes.items():
            step = next(st for st in steps if st[-1] == name and st.startswith(("write", "send")))
            if step not in run.results:
                run.results[step] = outcome_of(future) if future.done() or _wait(future) else None
        for step, future in pending.values():
            run.results[step] = outcome_of(future) if _wait(future) else None
        return run


def _wait(future: Future[Any]) -> bool:
    try:
        future.exception(timeout=SETTLE_S)
    except TimeoutError:
        return False
    return True


def interleavings(a: list[str], b: list[str]) -> Iterator[tuple[str, ...]]:
    """Every merge of two sequences that keeps the order of each."""
    n = len(a) + len(b)
    for places in itertools.combinations(range(n), len(a)):
        ia, ib = iter(a), iter(b)
        yield tuple(next(ia) if i in places else next(ib) for i in range(n))


def _problems(run: Run, store: Store, tester: Isolation) -> list[str]:
    """What is wrong with how a permutation ended (empty when all is well)."""
    with store.read() as session:
        decided = session.execute(
            select(Outcome.bench, Outcome.inspector).where(Outcome.unit_id == run.unit_id)
        ).all()
    where = " ".join(run.steps) + (f" (waited: {', '.join(run.waited)})" if run.waited else "")
    if len(decided) != 1:
        return [f"{where}: {len(decided)} outcomes for the unit"]
    winner = tester.a if decided[0][0] == tester.a.bench else tester.b
    problems: list[str] = []
    for step, result in run.results.items():
        s = tester.session(step)
        other = tester.b if s is tester.a else tester.a
        if isinstance(result, UnitClaimed | NothingToDecide):
            # The loser is told who holds the unit or who decided it: the other bench and person.
            if f"bench {other.bench}" not in str(result) or other.who not in str(result):
                problems.append(f"{where}: {step} told {type(result).__name__}: “{result}”")
        elif isinstance(result, DatabaseUnavailable):
            problems.append(f"{where}: {step} timed out on a lock: {result}")
        elif isinstance(result, BaseException):
            problems.append(f"{where}: {step} raised {type(result).__name__}: {result}")
        elif step.startswith("claim") and result is None and winner is s:
            problems.append(f"{where}: {step} found nothing to claim, yet its bench decided the unit")
        elif isinstance(result, Recorded):
            if result.outcome.bench != s.bench:
                problems.append(f"{where}: {step} returned the outcome of {result.outcome.bench}")
            if step.startswith("retry") and not result.already_written:
                problems.append(f"{where}: the retry wrote the decision anew instead of finding it")
            if step.startswith(("write", "send")) and winner is not s:
                problems.append(f"{where}: {step} succeeded but {winner.bench} holds the outcome")
    for step in (f"write{winner.name}", f"send{winner.name}"):
        if step in run.results and not isinstance(run.results[step], Recorded):
            problems.append(f"{where}: {winner.bench} holds the outcome but its {step} failed")
    return problems


# Bench A claims, writes (held before COMMIT), commits; bench B the same.
PLAIN = (["claimA", "writeA", "commitA"], ["claimB", "writeB", "commitB"])
# The same, and A sends its decision again (it did not see its commit end): found, not doubled.
RETRIED = (["claimA", "writeA", "commitA", "retryA"], ["claimB", "writeB", "commitB"])
# A sends a decision kept in its journal during an outage: a write without a claim.
JOURNAL = (["sendA", "commitA"], ["claimB", "writeB", "commitB"])


def _interleavings_on(
    store: Store,
    url: str,
    admin_url: str | None,
    families: list[tuple[list[str], list[str]]],
    *,
    a_claim_minutes: int = 15,
    prefix: str = "Iso",
) -> tuple[dict[str, object], list[str]]:
    """Run every permutation of the families, each on a unit of its own; (figures, problems)."""
    permutations = [steps for a, b in families for steps in interleavings(a, b)]
    units = add_single_units(store, len(permutations), prefix=prefix)
    tester = Isolation(url, admin_url, a_claim_minutes)
    runs: list[Run] = []
    try:
        for steps, (auth_id, unit_id) in zip(permutations, units, strict=True):
            runs.append(tester.run(steps, auth_id, unit_id))
    finally:
        tester.close()
    feasible = [r for r in runs if not r.infeasible]
    problems = [p for r in feasible for p in _problems(r, store, tester)]
    counts = check_consistency(store)
    winners = Counter()
    with store.read() as session:
        for r in feasible:
            winners[session.scalar(select(Outcome.bench).where(Outcome.unit_id == r.unit_id))] += 1
    told = Counter(
        type(result).__name__
        for r in feasible
        for result in r.results.values()
        if isinstance(result, UnitClaimed | NothingToDecide)
    )
    return {
        "problems": len(problems),
        "permutations": len(permutations),
        "run": len(feasible),
        "infeasible": len(runs) - len(feasible),
        "with_a_wait": sum(1 for r in feasible if r.waited),
        "won_by_b1/b2": f"{winners['b1']}/{winners['b2']}",
        "losers_told": dict(told),
        "outcomes": counts["outcomes"],
    }, problems


def _assert_none(problems: list[str]) -> None:
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems)


@pytest.mark.postgres
def test_every_interleaving_of_two_benches_on_postgresql(pg_url: str) -> None:
    store = open_store(pg_url)
    try:
        figures, problems = _interleavings_on(store, pg_url, pg_base_url(), [PLAIN, RETRIED])
    finally:
        store.dispose()
    report("interleavings on PostgreSQL", **figures)
    _assert_none(problems)


@pytest.mark.postgres
def test_every_interleaving_of_a_write_without_a_live_claim_on_postgresql(pg_url: str) -> None:
    """A bench writes a unit it holds no live claim on while another bench opens the same unit:
    a decision kept during an outage sent from the journal, or a decision made after A's claim ran
    out (claim_minutes=0 makes A's lease run out at once).

    Fails while BenchService._claim_in counts a unit decided while its claim waited for the row
    lock as "held": the other bench is told the unit "is open on bench None (None)".
    """
    store = open_store(pg_url)
    try:
        journal, problems = _interleavings_on(store, pg_url, pg_base_url(), [JOURNAL], prefix="Jrn")
        expired, more = _interleavings_on(
            store, pg_url, pg_base_url(), [PLAIN], a_claim_minutes=0, prefix="Exp"
        )
    finally:
        store.dispose()
    report("interleavings of a journal send on PostgreSQL", **journal)
    report("interleavings with A's claim run out on PostgreSQL", **expired)
    _assert_none(problems + more)


def test_every_interleaving_of_two_benches_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/bench.sqlite3"
    store = open_store(url)
    try:
        figures, problems = _interleavings_on(store, url, None, [PLAIN, RETRIED, JOURNAL])
        expired, more = _interleavings_on(store, url, None, [PLAIN], a_claim_minutes=0, prefix="Exp")
    finally:
        store.dispose()
    report("interleavings on SQLite", **figures)
    report("interleavings with A's claim run out on SQLite", **expired)
    _assert_none(problems + more)


# --- free-running: two bench processes on the same RMAs -----------------------------------------------


def _free_race(store: Store, url: str, folder: Path, rounds: int, per_round: int) -> dict[str, object]:
    rmas = seed_authorizations(store, folder, rounds * per_round, seed=31)
    totals: dict[str, Events] = {"b1": Events(), "b2": Events()}
    for n in range(rounds):
        chunk = rmas[n * per_round : (n + 1) * per_round]
        benches = {
            name: BenchProcess.bench(
                folder,
                f"race{n}-{name}",
                db=url,
                bench=name,
                inspector=who,
                journal=folder / f"journal-{name}.sqlite3",
                rmas=chunk,
                seed=100 * n + i,
            )
            for i, (name, who) in enumerate((("b1", "Ana"), ("b2", "Ben")))
        }
        for name, bench in benches.items():
            totals[name] += expect_done(bench, timeout=60)
        check_all_decided(store, units_of(store, chunk))
    figures = check_every_decision_once(store, totals)
    counts = check_consistency(store)
    exported = check_export(store)
    return {
        "rounds": rounds,
        "units": counts["outcomes"],
        "confirmed_b1/b2": f"{len(totals['b1'].confirmed)}/{len(totals['b2'].confirmed)}",
        "skipped": sum(len(e.skipped) for e in totals.values()),
        "kept_without_outage": figures["kept"],
        "exported": exported,
    }


@pytest.mark.postgres
def test_two_bench_processes_race_on_the_same_rmas_postgresql(pg_url: str, tmp_path: Path) -> None:
    store = open_store(pg_url)
    try:
        figures = _free_race(store, pg_url, tmp_path, rounds=5, per_round=30)
    finally:
        store.dispose()
    report("free race on PostgreSQL", **figures)


def test_two_bench_processes_race_on_the_same_rmas_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/bench.sqlite3"
    store = open_store(url)
    try:
        figures = _free_race(store, url, tmp_path, rounds=3, per_round=30)
    finally:
        store.dispose()
    report("free race on SQLite", **figures)
