"""What the fault tests share: the server's stop and start, bench processes, and the checks at the end."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, insert, select
from sqlalchemy.engine import make_url

from rmadesk.services.export import write_outcomes_csv
from rmadesk.services.imports import import_report
from rmadesk.store.models import (
    AuditEvent,
    Authorization,
    Outcome,
    ReimbursementLineRow,
    ScanCode,
    StockMovement,
    Unit,
)
from rmadesk.store.types import utcnow
from rmadesk.store.uow import Store
from tests.actors import BOSS
from tests.perf.mfn_generator import write_mfn_report

ROOT = Path(__file__).resolve().parents[2]
CLUSTER_ENV = "RMADESK_TEST_PG_CLUSTER"  # "15 main"; else the cluster pg_lsclusters lists on the port


# --- the server -------------------------------------------------------------------------------------


def _pg_url() -> str:
    from tests.conftest import pg_base_url

    return pg_base_url()


def _host_port() -> tuple[str | None, int]:
    url = make_url(_pg_url())
    return url.host or url.query.get("host"), int(url.port or url.query.get("port") or 5432)  # type: ignore[return-value]


def _cluster() -> tuple[str, str]:
    named = os.environ.get(CLUSTER_ENV, "").split()
    if len(named) == 2:
        return named[0], named[1]
    host, port = _host_port()
    if host not in (None, "", "localhost", "127.0.0.1", "::1") and not str(host).startswith("/"):
        raise AssertionError(
            f"The fault tests stop and start the PostgreSQL server, so it must run on this machine; "
            f"{_pg_url()} names host {host}. Set {CLUSTER_ENV} to say which local cluster it is."
        )
    out = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[2] == str(port):
            return parts[0], parts[1]
    raise AssertionError(f"No local PostgreSQL cluster listens on port {port}:\n{out}")


def _pg_ctl(action: str, *extra: str) -> subprocess.CompletedProcess[str]:
    version, name = _cluster()
    command = ["pg_ctlcluster", version, name, action, *extra]
    if os.geteuid() != 0:
        command = ["sudo", "-n", *command]
    return subprocess.run(command, capture_output=True, text=True, timeout=90)


def server_ready() -> bool:
    host, port = _host_port()
    command = ["pg_isready", "-q", "-p", str(port)]
    if host:
        command += ["-h", host]
    return subprocess.run(command, capture_output=True, timeout=30).returncode == 0


def stop_server() -> float:
    """Stop the cluster (fast: sessions are cut, as when the server's machine goes down); seconds taken."""
    started = time.monotonic()
    done = _pg_ctl("stop", "-m", "fast")
    if done.returncode != 0:
        raise AssertionError(f"pg_ctlcluster stop failed: {done.stdout}{done.stderr}")
    return time.monotonic() - started


def start_server(timeout: float = 60) -> float:
    """Start the cluster and wait until pg_isready says it accepts connections; seconds taken."""
    started = time.monotonic()
    done = _pg_ctl("start")
    while time.monotonic() - started < timeout:
        if server_ready():
            return time.monotonic() - started
        time.sleep(0.1)
    raise AssertionError(f"PostgreSQL did not come back within {timeout}s: {done.stdout}{done.stderr}")


def ensure_server_running() -> None:
    """Whatever happened, leave the server running for the tests that come next."""
    if not server_ready():
        start_server()


def with_app_name(url: str, name: str) -> str:
    """The URL with an application_name, so the test can find the bench's server processes."""
    return make_url(url).update_query_dict({"application_name": name}).render_as_string(hide_password=False)


# --- data --------------------------------------------------------------------------------------------


def seed_authorizations(store: Store, folder: Path, count: int, seed: int) -> list[str]:
    """Import a generated seller-fulfilled returns report of ``count`` authorizations; their RMA IDs."""
    report = folder / f"returns-{seed}.txt"
    ids = write_mfn_report(report, count, seed=seed)
    result = import_report(store, report, actor="fault-test", bench="setup")
    assert result.added == count, result.summary()
    return ids


def add_single_units(store: Store, count: int, prefix: str) -> list[tuple[int, int]]:
    """``count`` authorizations of one unit each, written with Core; their (authorization id, unit id)."""
    now = utcnow()
    made: list[tuple[int, int]] = []
    with store.unit_of_work() as session:
        for n in range(count):
            rma = f"D{prefix}{n:04d}RRMA"
            auth_id = session.execute(
                insert(Authorization)
                .values(
                    auth_key=rma,
                    kind="RMA",
                    source="demo",
                    rma_id=rma,
                    order_id=f"114-{n:07d}-0000001",
                    sku=f"SKU-RACE-{n % 7}",
                    item_name=f"Race item {n}",
                    quantity=1,
                    currency="USD",
                    order_amount=Decimal("24.50"),
                    order_quantity=1,
                    tax_amount=Decimal("1.96"),
                    request_status="Approved",
                    imported_at=now,
                    updated_at=now,
                )
                .returning(Authorization.id)
            ).scalar_one()
            unit_id = session.execute(
                insert(Unit).values(authorization_id=auth_id, seq=1, attempt=0).returning(Unit.id)
            ).scalar_one()
            session.execute(
                insert(ScanCode).values(
                    code=rma, code_folded=rma.upper(), code_kind="rma", authorization_id=auth_id
                )
            )
            made.append((auth_id, unit_id))
    return made


def units_of(store: Store, rmas: Iterable[str]) -> dict[int, tuple[str, int]]:
    """unit id -> (RMA ID, unit seq) of the RMAs."""
    wanted = list(rmas)
    with store.read() as session:
        rows = session.execute(
            select(Unit.id, Authorization.rma_id, Unit.seq)
            .join(Authorization, Authorization.id == Unit.authorization_id)
            .where(Authorization.rma_id.in_(wanted))
        ).all()
    return {r[0]: (r[1], r[2]) for r in rows}


# --- bench processes ---------------------------------------------------------------------------------


@dataclass
class Events:
    """What bench runs printed, parsed."""

    confirmed: list[tuple[str, int]] = field(default_factory=list)
    kept: list[tuple[str, int, str]] = field(default_factory=list)
    sent: list[tuple[str, int, bool]] = field(default_factory=list)
    elsewhere: list[tuple[str, int]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    offline: int = 0
    ready: int = 0
    done: int = 0

    @classmethod
    def parse(cls, lines: Iterable[str]) -> Events:
        events = cls()
        for line in lines:
            kind, _, rest = line.partition(" ")
            words = rest.split(" ")
            if kind == "CONFIRMED":
                events.confirmed.append((words[0], int(words[1])))
            elif kind == "KEPT":
                events.kept.append((words[0], int(words[1]), " ".join(words[2:])))
            elif kind == "SENT":
                events.sent.append((words[0], int(words[1]), words[2] == "1"))
            elif kind == "ELSEWHERE":
                events.elsewhere.append((words[0], int(words[1])))
            elif kind == "SKIPPED":
                events.skipped.append(rest)
            elif kind in ("ERROR", "GAVEUP"):
                events.errors.append(line)
            elif kind == "OFFLINE":
                events.offline += 1
            elif kind == "READY":
                events.ready += 1
            elif kind == "DONE":
                events.done += 1
        return events

    def __add__(self, other: Events) -> Events:
        return Events(
            self.confirmed + other.confirmed,
            self.kept + other.kept,
            self.sent + other.sent,
            self.elsewhere + other.elsewhere,
            self.skipped + other.skipped,
            self.errors + other.errors,
            self.offline + other.offline,
            self.ready + other.ready,
            self.done + other.done,
        )


class BenchProcess:
    """One run of the bench driver (or the supervisor) as a separate process, its output in files."""

    def __init__(self, module: str, args: list[str], folder: Path, label: str) -> None:
        self.label = label
        self.out = folder / f"{label}.out"
        self.err = folder / f"{label}.err"
        with self.out.open("w") as out, self.err.open("w") as err:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", module, *args],
                cwd=ROOT,
                stdout=out,
                stderr=err,
                stdin=subprocess.DEVNULL,
            )

    @classmethod
    def bench(
        cls,
        folder: Path,
        label: str,
        *,
        db: str,
        bench: str,
        inspector: str,
        journal: Path,
        rmas: list[str],
        seed: int = 1,
        pause_ms: int = 0,
        deadline_s: float = 90,
        hold_file: Path | None = None,
    ) -> BenchProcess:
        args = [
            "--db",
            db,
            "--bench",
            bench,
            "--inspector",
            inspector,
            "--journal",
            str(journal),
            "--rmas",
            ",".join(rmas),
            "--seed",
            str(seed),
            "--pause-ms",
            str(pause_ms),
            "--deadline-s",
            str(deadline_s),
        ]
        if hold_file is not None:
            args += ["--hold-file", str(hold_file)]
        return cls("tests.faults.bench_driver", args, folder, label)

    def lines(self) -> list[str]:
        """The complete lines printed so far (a line cut by SIGKILL is not one)."""
        text = self.out.read_text(encoding="utf-8", errors="replace")
        return text.split("\n")[:-1]

    def events(self) -> Events:
        return Events.parse(self.lines())

    def count(self, kind: str) -> int:
        return sum(1 for line in self.lines() if line.startswith(kind + " ") or line == kind)

    def stderr(self) -> str:
        return self.err.read_text(encoding="utf-8", errors="replace")

    def wait_until(self, predicate: Callable[[], bool], timeout: float, what: str) -> float:
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if predicate():
                return time.monotonic() - started
            if self.proc.poll() is not None and not predicate():
                raise AssertionError(
                    f"{self.label} ended ({self.proc.returncode}) before {what}:\n{self.tail()}"
                )
            time.sleep(0.005)
        raise AssertionError(f"{self.label}: no {what} within {timeout}s:\n{self.tail()}")

    def finish(self, timeout: float) -> int:
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(f"{self.label} did not finish within {timeout}s:\n{self.tail()}") from None

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def tail(self, n: int = 15) -> str:
        return "\n".join(self.lines()[-n:]) + "\n--- stderr ---\n" + self.stderr()[-3000:]


def expect_done(process: BenchProcess, timeout: float) -> Events:
    rc = process.finish(timeout)
    events = process.events()
    assert rc == 0 and events.done == 1, f"{process.label} exited {rc}:\n{process.tail()}"
    assert not events.errors, f"{process.label}: {events.errors}"
    return events


# --- the checks at the end ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OutcomeRow:
    id: int
    uid: str
    unit_id: int
    attempt: int
    bench: str
    total: Decimal


def outcomes(store: Store) -> dict[str, OutcomeRow]:
    with store.read() as session:
        rows = session.execute(
            select(
                Outcome.id,
                Outcome.outcome_uid,
                Outcome.unit_id,
                Outcome.attempt,
                Outcome.bench,
                Outcome.reimbursement_total,
            )
        ).all()
    return {r[1]: OutcomeRow(*r) for r in rows}


def check_consistency(store: Store) -> dict[str, int]:
    """One current outcome per unit; per outcome one stock movement, lines summing to its total and
    one 'decide' audit event. Returns the counts."""
    found = outcomes(store)
    with store.read() as session:
        moves = Counter(
            dict(
                session.execute(
                    select(StockMovement.outcome_id, func.count()).group_by(StockMovement.outcome_id)
                ).all()
            )
        )
        sums = dict(
            session.execute(
                select(ReimbursementLineRow.outcome_id, func.sum(ReimbursementLineRow.amount)).group_by(
                    ReimbursementLineRow.outcome_id
                )
            ).all()
        )
        audits = session.scalars(select(AuditEvent.after).where(AuditEvent.action == "decide")).all()
        attempts = dict(session.execute(select(Unit.id, Unit.attempt)).all())
        total_moves = session.scalar(select(func.count()).select_from(StockMovement))
    problems: list[str] = []
    per_unit = Counter((o.unit_id, o.attempt) for o in found.values())
    problems += [f"unit {u} attempt {a} has {n} outcomes" for (u, a), n in per_unit.items() if n > 1]
    current = Counter(o.unit_id for o in found.values() if o.attempt == attempts[o.unit_id])
    problems += [f"unit {u} has {n} current outcomes" for u, n in current.items() if n > 1]
    audit_uids = Counter(json.loads(after or "{}").get("outcome_uid") for after in audits)
    for o in found.values():
        if moves.get(o.id, 0) != 1:
            problems.append(f"outcome {o.uid} has {moves.get(o.id, 0)} stock movements")
        if Decimal(sums.get(o.id) or 0).quantize(Decimal("0.01")) != o.total.quantize(Decimal("0.01")):
            problems.append(f"outcome {o.uid}: lines sum to {sums.get(o.id)}, total {o.total}")
        if audit_uids.get(o.uid, 0) != 1:
            problems.append(f"outcome {o.uid} has {audit_uids.get(o.uid, 0)} 'decide' audit events")
    if total_moves != len(found):
        problems.append(f"{total_moves} stock movements for {len(found)} outcomes")
    extra = set(audit_uids) - set(found)
    if extra:
        problems.append(f"'decide' audit events without an outcome: {sorted(map(str, extra))[:5]}")
    assert not problems, "\n".join(problems[:30])
    check_first_decisions(store)
    return {"outcomes": len(found), "movements": total_moves or 0, "audits": len(audits)}


def check_first_decisions(store: Store) -> None:
    """Exactly the returns with a unit decided carry the date of a first decision (the benches keep it
    with each decision; a summary counts a return's reason by it)."""
    with store.read() as session:
        decided = set(session.scalars(select(Unit.authorization_id).where(Unit.decided_at.is_not(None))))
        dated = set(
            session.scalars(select(Authorization.id).where(Authorization.first_decided_at.is_not(None)))
        )
    assert decided == dated, (
        f"returns decided but undated or dated but undecided: {sorted(decided ^ dated)[:5]}"
    )


def check_every_decision_once(store: Store, by_bench: dict[str, Events]) -> dict[str, int]:
    """Every CONFIRMED and every KEPT outcome is in the database exactly once, or (KEPT only) was
    reported ELSEWHERE and then its unit has exactly one outcome, from another bench."""
    found = outcomes(store)
    by_unit: dict[int, list[OutcomeRow]] = {}
    for o in found.values():
        by_unit.setdefault(o.unit_id, []).append(o)
    problems: list[str] = []
    figures = Counter[str]()
    for bench, events in by_bench.items():
        confirmed = Counter(uid for uid, _ in events.confirmed)
        problems += [f"{bench}: {uid} CONFIRMED {n} times" for uid, n in confirmed.items() if n > 1]
        for uid, unit_id in events.confirmed:
            row = found.get(uid)
            if row is None:
                problems.append(f"{bench}: CONFIRMED {uid} (unit {unit_id}) is not in the database")
            elif row.unit_id != unit_id or row.bench != bench:
                problems.append(f"{bench}: CONFIRMED {uid} is stored for unit {row.unit_id} by {row.bench}")
        elsewhere = {uid for uid, _ in events.elsewhere}
        for uid, unit_id, _why in events.kept:
            row = found.get(uid)
            if row is not None:
                if uid in elsewhere:
                    problems.append(f"{bench}: {uid} reported ELSEWHERE but written")
                if row.unit_id != unit_id:
                    problems.append(f"{bench}: KEPT {uid} is stored for unit {row.unit_id}, not {unit_id}")
                figures["kept_written"] += 1
            elif uid in elsewhere:
                others = by_unit.get(unit_id, [])
                if len(others) != 1 or others[0].bench == bench:
                    problems.append(f"{bench}: KEPT {uid} ELSEWHERE, but unit {unit_id} has {others}")
                figures["kept_elsewhere"] += 1
            else:
                problems.append(f"{bench}: KEPT {uid} (unit {unit_id}) was lost: not written, not ELSEWHERE")
        figures["confirmed"] += len(events.confirmed)
        figures["kept"] += len(events.kept)
        figures["retried_found"] += sum(1 for *_, retry in events.sent if retry)
    assert not problems, "\n".join(problems[:30])
    return dict(figures)


def check_export(store: Store) -> int:
    """The export CSV has one row per decided unit; returns the row count."""
    buffer = io.StringIO()
    written = write_outcomes_csv(store, buffer, BOSS)
    rows = list(csv.DictReader(io.StringIO(buffer.getvalue())))
    keys = Counter((r["rma_id"], r["unit"]) for r in rows)
    assert len(rows) == written
    assert all(n == 1 for n in keys.values()), [k for k, n in keys.items() if n > 1][:10]
    with store.read() as session:
        decided = session.scalar(
            select(func.count(func.distinct(Unit.id))).join(
                Outcome, (Outcome.unit_id == Unit.id) & (Outcome.attempt == Unit.attempt)
            )
        )
    assert written == decided, (written, decided)
    return written


def check_all_decided(store: Store, unit_ids: Iterable[int]) -> None:
    """Every unit named has exactly one current outcome."""
    wanted = set(unit_ids)
    with store.read() as session:
        rows = session.execute(
            select(Unit.id, func.count(Outcome.id))
            .outerjoin(Outcome, (Outcome.unit_id == Unit.id) & (Outcome.attempt == Unit.attempt))
            .where(Unit.id.in_(wanted))
            .group_by(Unit.id)
        ).all()
    wrong = {u: n for u, n in rows if n != 1}
    assert len(rows) == len(wanted) and not wrong, f"units without exactly one outcome: {wrong}"


SUMMARIES: list[str] = []  # printed at the end of the pytest run (tests/faults/conftest.py)


def report(title: str, **figures: object) -> None:
    """A short summary of what a test measured: on its output and in pytest's closing summary."""
    line = f"{title}: " + ", ".join(f"{k}={v}" for k, v in figures.items())
    SUMMARIES.append(line)
    print(f"\n[faults] {line}")
