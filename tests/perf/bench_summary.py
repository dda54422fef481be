"""Benchmark of shift summaries: bulk-load N outcomes over a few weeks, then time a shift, a day and a week.

The rows are written as the bench writes them, including the columns kept for reports (migration
0006): each outcome's authorization_id, and each unit's decided_at (NULL while undecided).

Run: .venv/bin/python -m tests.perf.bench_summary [--db URL] [--outcomes N] [--days D] [--repeat R]
[--keep FILE]
(default: 1,000,000 outcomes over 28 days in a new SQLite file, deleted afterwards; with --keep, a file
kept, or reused when it holds outcomes; a --db that holds outcomes is reused as it is).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, func, insert, select, text

from rmadesk.domain.shifts import DEFAULT_SHIFTS, day_window, shift_window, week_window
from rmadesk.services.context import open_store
from rmadesk.store import auth_status, first_decision
from rmadesk.store.models import Authorization, Outcome, ReimbursementLineRow, StockMovement, Unit
from rmadesk.store.uow import Store
from rmadesk.summary.figures import Summary
from rmadesk.summary.service import summarize
from tests.actors import BOSS
from tests.perf.figures import Figure, from_samples

CHUNK = 10_000
DAYS = 28  # the default: four ISO weeks
TZ = ZoneInfo("Europe/Berlin")
FIRST_DAY = date(2026, 10, 26)  # a Monday: four whole ISO weeks follow
TARGET_MS = 1000.0
# The targets of the summary of a shift and of a whole range (30 days: a million outcomes on PostgreSQL,
# 30,000 on SQLite, one bench deciding about 1,000 units a day).
TARGETS_MS = {"postgresql": {"shift": 200.0, "range": 1500.0}, "sqlite": {"shift": 100.0, "range": 500.0}}
REASONS = (
    "APPAREL_TOO_LARGE",
    "APPAREL_TOO_SMALL",
    "APPAREL_STYLE",
    "DAMAGED_BY_CARRIER",
    "DEFECTIVE",
    "MISSING_PARTS",
    "NOT_AS_DESCRIBED",
    "ORDERED_WRONG_ITEM",
    "QUALITY_UNACCEPTABLE",
    "UNWANTED_ITEM",
    "NO_REASON_GIVEN",
)
INSPECTORS = tuple(f"Inspector {n:02d}" for n in range(1, 41))
LOCATIONS = {"sellable": "RETURNS-RESTOCK", "carrier_damaged": "DAMAGED-CLAIM", "seller_fault": "UNSELLABLE"}
LINES = {
    "sellable": (),
    "carrier_damaged": (
        ("sale_price", Decimal("20.00")),
        ("referral_fee_part", Decimal("2.40")),
        ("tax", Decimal("3.80")),
    ),
    "seller_fault": (("referral_fee", Decimal("3.00")), ("variable_closing_fee", Decimal("0.00"))),
}


class Loader:
    """Rows for the five tables, flushed with Core executemany every CHUNK rows."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.rows: dict[Any, list[dict[str, Any]]] = {
            Authorization: [],
            Unit: [],
            Outcome: [],
            ReimbursementLineRow: [],
            StockMovement: [],
        }

    def add(self, table: Any, row: dict[str, Any]) -> None:
        rows = self.rows[table]
        rows.append(row)
        if len(rows) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        # Parents first: the foreign keys are checked as the rows go in.
        for table, rows in self.rows.items():
            if rows:
                self.conn.execute(insert(table), rows)
                rows.clear()


def decision_times(rng: random.Random, count: int, days: int) -> Iterator[datetime]:
    """``count`` decision times over ``days`` days, in order, busier in the day than at night."""
    start = datetime.combine(FIRST_DAY, datetime.min.time(), tzinfo=TZ).astimezone(UTC)
    span = days * 86400
    weights = [1 if hour < 6 or hour >= 22 else 3 for hour in range(24)]
    total = sum(weights)
    for n in range(count):
        # An even spread of the n-th decision over the weeks, bent towards the working hours.
        position = (n + rng.random()) / count * span
        day, second = divmod(position, 86400)
        share = second / 86400 * total
        hour = 0
        while share >= weights[hour]:
            share -= weights[hour]
            hour += 1
        yield start + timedelta(days=day, hours=hour, seconds=share / weights[hour] * 3600)


def load(store: Store, outcomes: int, days: int, seed: int = 7) -> tuple[int, float]:
    """Authorizations (1 to 3 units), their outcomes, lines and movements; 2 % of units left undecided."""
    rng = random.Random(seed)
    skus = [f"SKU-{n:05d}" for n in range(2000)]
    # A few SKUs whose returns say the same thing again and again: the alerts to find.
    favourite = {sku: REASONS[n % len(REASONS)] for n, sku in enumerate(skus) if n % 50 == 0}
    started = time.perf_counter()
    auth_id = unit_id = outcome_id = 0
    written = 0
    times = decision_times(rng, outcomes, days)
    moment = next(times)
    with store.engine.begin() as conn:
        loader = Loader(conn)
        while written < outcomes:
            auth_id += 1
            quantity = rng.choices((1, 2, 3), (80, 15, 5))[0]
            sku = (
                skus[min(int(rng.paretovariate(1.2)) - 1, len(skus) - 1)]
                if rng.random() < 0.5
                else rng.choice(skus)
            )
            reason = favourite[sku] if sku in favourite and rng.random() < 0.7 else rng.choice(REASONS)
            currency = "USD" if auth_id % 10 == 0 else "EUR"
            first_scan = moment - timedelta(seconds=rng.randint(20, 300))
            auth_row = {
                "id": auth_id,
                "auth_key": f"K{auth_id}",
                "kind": "RMA",
                "source": "mfn_report",
                "rma_id": f"D{auth_id:07d}RRMA",
                "order_id": f"111-{auth_id:07d}",
                "sku": sku,
                "item_name": f"Item {sku}",
                "quantity": quantity,
                "reason": reason,
                "currency": currency,
                "request_date": (moment.astimezone(TZ) - timedelta(days=rng.randint(1, 10))).date(),
                "arrived_at": first_scan,
                "imported_at": first_scan,
                "updated_at": first_scan,
            }
            # This return's other rows, added after it once its stored status is known.
            rows: list[tuple[Any, dict[str, Any]]] = []
            inspector = rng.choice(INSPECTORS)
            bench = f"BENCH-{INSPECTORS.index(inspector) % 20 + 1:02d}"
            for seq in range(1, quantity + 1):
                unit_id += 1
                # Undecided units (decided_at NULL) make the waiting list; a decided one carries the
                # time of its outcome, as the bench writes it.
                undecided = written >= outcomes or rng.random() < 0.02
                rows.append(
                    (
                        Unit,
                        {
                            "id": unit_id,
                            "authorization_id": auth_id,
                            "seq": seq,
                            "attempt": 0,
                            "decided_at": None if undecided else moment,
                        },
                    ),
                )
                if undecided:
                    continue
                outcome_id += 1
                written += 1
                disposition = rng.choices(tuple(LOCATIONS), (55, 20, 25))[0]
                recommended = disposition if rng.random() < 0.9 else rng.choice(tuple(LOCATIONS))
                lines = LINES[disposition]
                scanned = moment - timedelta(seconds=rng.randint(15, 240))
                rows.append(
                    (
                        Outcome,
                        {
                            "id": outcome_id,
                            "outcome_uid": f"uid-{outcome_id}",
                            "unit_id": unit_id,
                            "authorization_id": auth_id,
                            "attempt": 0,
                            "disposition": disposition,
                            "recommended": recommended,
                            "restocked": disposition == "sellable",
                            "location": LOCATIONS[disposition],
                            "currency": currency,
                            "reimbursement_total": sum((a for _, a in lines), Decimal("0")),
                            "policy_name": "default",
                            "inspector": inspector,
                            "bench": bench,
                            "scanned_at": scanned,
                            "decided_at": moment,
                            "recorded_at": moment,
                        },
                    ),
                )
                for component, amount in lines:
                    rows.append(
                        (
                            ReimbursementLineRow,
                            {
                                "outcome_id": outcome_id,
                                "component": component,
                                "amount": amount,
                                "currency": currency,
                            },
                        ),
                    )
                rows.append(
                    (
                        StockMovement,
                        {
                            "outcome_id": outcome_id,
                            "sku": sku,
                            "quantity": 1,
                            "location": LOCATIONS[disposition],
                            "sellable": disposition == "sellable",
                            "moved_at": moment,
                        },
                    ),
                )
                moment = next(times, moment)
            decided = sum(1 for table, _row in rows if table is Outcome)
            # What rmadesk.store.auth_status stores for it (it arrived before its first decision).
            auth_row["decided_units"] = decided
            auth_row["status"] = auth_status.STATUSES.index(
                auth_status.DONE if decided >= quantity else auth_status.IN_INSPECTION
            )
            loader.add(Authorization, auth_row)
            for table, row in rows:
                loader.add(table, row)
        loader.flush()
    # The returns' first decisions, dated as migration 0008 dates them from what is recorded (the bench
    # dates them with each decision; these rows were bulk-loaded past it).
    with store.unit_of_work() as session:
        if store.dialect == "postgresql":  # a million rows at once: longer than a bench's statement may take
            session.execute(text("SET LOCAL statement_timeout = 0"))
        first_decision.fill(session)
    if store.dialect == "postgresql":
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            # Explicit ids leave the sequences behind; and the planner needs fresh statistics,
            # which autovacuum would gather by itself a little later.
            conn.execute(text("SET statement_timeout = 0"))
            for table in ("return_authorization", "unit", "outcome"):
                sequence = f"pg_get_serial_sequence('{table}', 'id')"
                conn.execute(text(f"SELECT setval({sequence}, (SELECT max(id) FROM {table}))"))
            conn.execute(text("VACUUM ANALYZE"))
    return written, time.perf_counter() - started


def server_cpu_ms(store: Store) -> float | None:
    """PostgreSQL on this machine: the CPU milliseconds used so far by the server processes serving
    this database (from /proc; parallel workers, which exit with their query, are not counted).
    None when that cannot be read (SQLite, a remote server, no /proc)."""
    if store.dialect != "postgresql":
        return None
    with store.engine.connect() as conn:
        pids = conn.scalars(text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")).all()
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    try:
        for pid in pids:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    except (OSError, IndexError, ValueError):
        return None
    return total * 1000 / ticks


def timed(
    run: Callable[[], Summary], repeat: int, store: Store
) -> tuple[list[float], list[float], list[float], Summary]:
    """Wall-clock, this process's CPU and (PostgreSQL on this machine) the server's CPU milliseconds of
    each run. CPU time holds even on a machine busy with other work, where wall-clock time does not:
    on SQLite all the work is in this process; on PostgreSQL most of it is in the server."""
    wall, cpu, server, result = [], [], [], run()  # the first run warms the caches and is not counted
    for _ in range(repeat):
        s0 = server_cpu_ms(store)
        t0, c0 = time.perf_counter(), time.process_time()
        result = run()
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
        s1 = server_cpu_ms(store)
        if s0 is not None and s1 is not None:
            server.append(s1 - s0)
    return wall, cpu, server, result


def _raw_group_by(store: Store, start: datetime, end: datetime) -> None:
    """The floor of a summary: one GROUP BY of the window's outcomes, by disposition (SQLAlchemy Core)."""
    with store.engine.connect() as conn:
        conn.execute(
            select(Outcome.disposition, func.count(), func.sum(Outcome.reimbursement_total))
            .where(Outcome.decided_at >= start, Outcome.decided_at < end)
            .group_by(Outcome.disposition)
        ).all()


# The fewest statements a summary of a window needs, as the raw driver runs them (no ORM, no Core, no
# rows turned into figures): the group rows of the window and of the one before, each window's
# durations (SQLite has no percentile: the durations themselves; PostgreSQL: its medians), the units
# per quarter hour, the reimbursement lines and restocked units of the window, the waiting list
# (count and the oldest few) and the returns per SKU and reason. "Current" outcomes (not taken back)
# are not told apart here, as the one GROUP BY floor does not tell them either.
_GROUPS = (
    "SELECT inspector, bench, disposition, currency, count(*), sum(CASE WHEN recommended IS NOT NULL"
    " AND recommended <> disposition THEN 1 ELSE 0 END), sum(CASE WHEN restocked THEN 1 ELSE 0 END),"
    " sum(reimbursement_total), count(scanned_at), min(coalesce(scanned_at, decided_at)), max(decided_at),"
    " min(id), max(id), min(authorization_id), max(authorization_id) FROM outcome"
    " WHERE decided_at >= {p} AND decided_at < {p}"
    " GROUP BY inspector, bench, disposition, currency"
)
_DURATIONS = {
    "sqlite": (
        "SELECT o.inspector, round((julianday(o.decided_at) - julianday(o.scanned_at)) * 86400000),"
        " round((julianday(o.decided_at) - julianday(coalesce(a.arrived_at, o.scanned_at))) * 86400000)"
        " FROM outcome o LEFT JOIN return_authorization a ON a.id = o.authorization_id"
        " WHERE o.decided_at >= ? AND o.decided_at < ?"
    ),
    "postgresql": (
        "SELECT o.inspector, percentile_cont(0.5) WITHIN GROUP (ORDER BY"
        " date_part('epoch', o.decided_at - o.scanned_at)), percentile_cont(0.5) WITHIN GROUP (ORDER BY"
        " date_part('epoch', o.decided_at - coalesce(a.arrived_at, o.scanned_at)))"
        # Only the window's range of authorizations, as the summary reads them: not all to be hashed.
        " FROM outcome o LEFT JOIN return_authorization a ON a.id = o.authorization_id"
        " AND a.id BETWEEN %s AND %s WHERE o.decided_at >= %s AND o.decided_at < %s"
        " GROUP BY ROLLUP (o.inspector)"
    ),
}
_BUCKETS = {
    "sqlite": "CAST(strftime('%s', decided_at) AS INTEGER) / 900",
    "postgresql": "floor(extract(epoch FROM decided_at) / 900)",
}
_WINDOW_ONLY = (
    "SELECT {bucket}, count(*) FROM outcome WHERE decided_at >= {p} AND decided_at < {p} GROUP BY 1",
    "SELECT l.component, l.currency, sum(l.amount) FROM outcome o JOIN reimbursement_line l"
    " ON l.outcome_id = o.id WHERE o.decided_at >= {p} AND o.decided_at < {p} GROUP BY 1, 2",
    "SELECT m.sku, m.location, sum(m.quantity) FROM outcome o JOIN stock_movement m ON m.outcome_id = o.id"
    " WHERE o.decided_at >= {p} AND o.decided_at < {p} AND o.restocked AND m.sellable GROUP BY 1, 2",
    "SELECT sku, coalesce(reason, ''), count(*) FROM return_authorization"
    " WHERE first_decided_at >= {p} AND first_decided_at < {p} GROUP BY 1, 2",
)
_UNDECIDED = (
    "(SELECT authorization_id, count(*) AS n FROM unit WHERE decided_at IS NULL GROUP BY authorization_id) u"
)
_WAITING_ROWS = {
    "sqlite": f"SELECT a.id, a.request_date, u.n FROM {_UNDECIDED} JOIN return_authorization a"
    " ON a.id = u.authorization_id WHERE a.request_date <= ?",
    # Each authorization by its key: PostgreSQL would otherwise hash the whole table (as the summary does).
    "postgresql": f"SELECT a.id, a.request_date, u.n FROM {_UNDECIDED} CROSS JOIN LATERAL (SELECT id,"
    " request_date FROM return_authorization WHERE id = u.authorization_id AND request_date <= %s LIMIT 1) a",
}
_WAITING = (
    "WITH w AS MATERIALIZED ({rows}) SELECT count(*), sum(n), NULL FROM w UNION ALL"
    " SELECT * FROM (SELECT id, n, request_date FROM w ORDER BY request_date, id LIMIT 10) oldest"
)


def _raw_minimal(store: Store, start: datetime, end: datetime, now: datetime) -> None:
    """The floor of a summary that needs several statements: the fewest of them, through the driver."""
    dialect = store.dialect
    mark = "?" if dialect == "sqlite" else "%s"

    def moment(value: datetime) -> Any:  # SQLite stores times as UTC text
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None).isoformat(" ") if dialect == "sqlite" else value

    window = (moment(start), moment(end))
    before = (moment(start - (end - start)), moment(start))
    connection = store.engine.raw_connection()
    try:
        cursor = connection.cursor()
        if dialect == "sqlite":
            cursor.execute("BEGIN")
        else:  # as the summary tunes its transaction (rmadesk.summary.service)
            for setting in ("jit = off", "random_page_cost = 1.1", "work_mem = '64MB'"):
                cursor.execute(f"SET LOCAL {setting}")
        for bounds in (window, before):
            cursor.execute(_GROUPS.format(p=mark), bounds)
            groups = cursor.fetchall()
            if dialect == "postgresql":
                auth_ids = [a for g in groups for a in g[-2:] if a is not None] or [0]
                cursor.execute(_DURATIONS[dialect], (min(auth_ids), max(auth_ids), *bounds))
            else:
                cursor.execute(_DURATIONS[dialect], bounds)
            cursor.fetchall()
        for statement in _WINDOW_ONLY:
            cursor.execute(statement.format(p=mark, bucket=_BUCKETS[dialect]), window)
            cursor.fetchall()
        cutoff = (now - timedelta(hours=24)).date() - timedelta(days=1)
        cursor.execute(_WAITING.format(rows=_WAITING_ROWS[dialect]), (cutoff,))
        cursor.fetchall()
        connection.rollback()
    finally:
        connection.close()


def _floor(run: Callable[[], None], repeat: int) -> float:
    """The median milliseconds of ``repeat`` runs after a first one (warm, as the summary's first was)."""
    run()
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        run()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


def measure(url: str, rows: int, repeat: int) -> list[Figure]:
    """The summary of the last 8 hours and of the last 30 days before the latest outcome, each against
    one raw GROUP BY over the same window: median and spread of ``repeat`` runs after a first, in ms.
    A database without outcomes is loaded with ``rows`` outcomes over DAYS days first."""
    store = open_store(url)
    try:
        with store.read() as session:
            latest = session.scalar(select(func.max(Outcome.decided_at)))
        if latest is None:
            load(store, rows, DAYS)
            with store.read() as session:
                latest = session.scalar(select(func.max(Outcome.decided_at)))
        assert latest is not None
        now = latest + timedelta(minutes=1)
        figures = []
        for name, start in (
            ("shift summary", now - timedelta(hours=8)),
            ("30-day summary", now - timedelta(days=30)),
        ):
            wall, _cpu, _server, _result = timed(
                lambda s=start: summarize(store, BOSS, s, now, tz=UTC, now=now), repeat, store
            )
            raw = _floor(lambda s=start: _raw_group_by(store, s, now), repeat)
            fewest = _floor(lambda s=start: _raw_minimal(store, s, now, now), repeat)
            figures.append(from_samples(name, wall, "ms", raw))
            # The same summary against the fewest statements it needs (see _raw_minimal).
            figures.append(from_samples(f"{name} (floor: its fewest statements)", wall, "ms", fewest))
        return figures
    finally:
        store.dispose()


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", help="database URL (default: a new SQLite file)")
    parser.add_argument("--outcomes", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=DAYS, help="days the outcomes are spread over")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each summary")
    parser.add_argument(
        "--waiting-days", type=int, default=None, help="count waiting authorizations of the last D days only"
    )
    parser.add_argument("--keep", type=Path, help="keep the SQLite file here (and reuse it if it exists)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "summary.sqlite3"
        reuse = args.keep is not None and args.keep.exists()
        store = open_store(args.db or f"sqlite:///{path}")
        with store.read() as session:
            present = session.scalar(select(func.count()).select_from(Outcome)) or 0
        if present and not reuse and args.db is None:
            raise SystemExit("the database is not empty")
        if present:
            print(f"database: {store.name} ({present:,} outcomes already there)")
        else:
            written, seconds = load(store, args.outcomes, args.days)
            print(f"database: {store.name}")
            print(f"loaded {written:,} outcomes over {args.days} days in {seconds:.0f} s")
        last = FIRST_DAY + timedelta(days=args.days - 1)
        shift = shift_window(DEFAULT_SHIFTS[0], last, TZ)
        windows = {
            "shift": (shift.start, shift.end),
            "day": day_window(last, TZ),
            "week": week_window(last, TZ),
            # every outcome loaded (a million by default), against the same number of days before
            f"{args.days}-day range": (
                datetime.combine(FIRST_DAY, datetime.min.time(), tzinfo=TZ),
                datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=TZ),
            ),
        }
        now = datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=TZ)
        print(f"now: {now.isoformat()}; {args.repeat} timed runs each; load average {_load()}")
        for name, (start, end) in windows.items():
            wall, cpu, server, result = timed(
                lambda s=start, e=end: summarize(
                    store,
                    BOSS,
                    s,
                    e,
                    tz=TZ,
                    now=now,
                    waiting_within_days=args.waiting_days,
                ),
                args.repeat,
                store,
            )
            target = TARGETS_MS[store.dialect].get("range" if "range" in name else name, TARGET_MS)
            verdict = f"{'ok' if statistics.median(wall) <= target else 'SLOW'} (target {target:.0f} ms)"
            on_server = f", server {statistics.median(server):7.1f} ms" if server else ""
            median = statistics.median(wall)
            print(
                f"summary of a {name:5}: median {median:7.1f} ms (CPU here "
                f"{statistics.median(cpu):7.1f} ms{on_server}), max {max(wall):7.1f} ms; "
                f"{result.units:,} units, {result.previous.units:,} before, {len(result.alerts)} alerts, "
                f"{result.waiting.count:,} waiting: {verdict}"
            )
            one = _floor(lambda s=start, e=end: _raw_group_by(store, s, e), args.repeat)
            fewest = _floor(lambda s=start, e=end: _raw_minimal(store, s, e, now), args.repeat)
            print(
                f"  floors: one raw GROUP BY {one:7.1f} ms ({median / one:5.1f}x); the fewest statements "
                f"a summary needs, raw {fewest:7.1f} ms ({median / fewest:5.1f}x)"
            )
        print(f"load average after: {_load()}")
        store.dispose()


if __name__ == "__main__":
    main()
