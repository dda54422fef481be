"""The decision commit (outcome, movement, lines, audit: durable) against a raw INSERT + COMMIT of a row.

Each decision is reversed afterwards (untimed), so the units stay to be decided by the next run.
"""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime

from sqlalchemy import select, text

from rmadesk.domain.model import Decision, Disposition
from rmadesk.domain.policy import load_policy
from rmadesk.services.bench import BenchService, new_outcome_uid
from rmadesk.services.context import open_store
from rmadesk.services.reversal import reverse_outcome
from rmadesk.settings import Settings
from rmadesk.store.models import Outcome, Unit
from rmadesk.store.uow import Store
from tests.actors import BOSS
from tests.perf.figures import Figure, percentile

FLOOR_TABLE = "perf_commit_floor"


def undecided_units(store: Store, limit: int) -> list[int]:
    with store.read() as session:
        return list(
            session.scalars(
                select(Unit.id)
                .outerjoin(Outcome, (Outcome.unit_id == Unit.id) & (Outcome.attempt == Unit.attempt))
                .where(Outcome.id.is_(None), Unit.claimed_by_bench.is_(None))
                .order_by(Unit.id.desc())
                .limit(limit)
            ).all()
        )


def raw_commits(store: Store, count: int) -> list[float]:
    """Milliseconds of each INSERT + COMMIT of an outcome-like row, through the driver on the store's
    own connection (so with its durability settings)."""
    marker = "?" if store.dialect == "sqlite" else "%s"
    key = "INTEGER PRIMARY KEY" if store.dialect == "sqlite" else "SERIAL PRIMARY KEY"
    with store.engine.connect() as conn:
        conn.execute(
            text(
                f"CREATE TABLE IF NOT EXISTS {FLOOR_TABLE} (id {key}, outcome_uid VARCHAR(32) UNIQUE,"
                " unit_id INTEGER, disposition VARCHAR(40), location VARCHAR(64), inspector VARCHAR(80),"
                " bench VARCHAR(64), decided_at VARCHAR(40))"
            )
        )
        conn.commit()
        driver = conn.connection.dbapi_connection
        assert driver is not None
        cursor = driver.cursor()
        sql = (
            f"INSERT INTO {FLOOR_TABLE} (outcome_uid, unit_id, disposition, location, inspector, bench,"
            f" decided_at) VALUES ({', '.join([marker] * 7)})"
        )
        times = []
        for n in range(count):
            row = (new_outcome_uid(), n, "sellable", "RETURNS-RESTOCK", "perf", "perf", datetime.now(UTC))
            t = time.perf_counter()
            cursor.execute(sql, (*row[:6], row[6].isoformat()))
            driver.commit()
            times.append((time.perf_counter() - t) * 1000)
        cursor.close()
        conn.execute(text(f"DROP TABLE {FLOOR_TABLE}"))
        conn.commit()
    return times


def measure(url: str, decisions: int, repeat: int) -> list[Figure]:
    """p50 and p99 of ``decisions`` decisions per run through BenchService.record, against the raw
    commits' p50 and p99 in the same run: the median and spread of ``repeat`` runs, in ms."""
    store = open_store(url)
    service = BenchService(store, load_policy(), Settings(bench="perf"))
    runs: dict[str, list[float]] = {"p50": [], "p99": [], "raw p50": [], "raw p99": []}
    try:
        for _ in range(repeat):
            units = undecided_units(store, decisions)
            if not units:
                break
            times, written = [], []
            for unit_id in units:
                decision = Decision(
                    outcome_uid=new_outcome_uid(),
                    unit_id=unit_id,
                    disposition=Disposition.SELLABLE,
                    inspector="perf",
                    bench="perf",
                    scanned_at=datetime.now(UTC),
                )
                t = time.perf_counter()
                service.record(decision)
                times.append((time.perf_counter() - t) * 1000)
                written.append(decision.outcome_uid)
            for uid in written:
                reverse_outcome(store, uid, reason="benchmark run", actor=BOSS)
            raw = raw_commits(store, len(units))
            runs["p50"].append(percentile(times, 0.50))
            runs["p99"].append(percentile(times, 0.99))
            runs["raw p50"].append(percentile(raw, 0.50))
            runs["raw p99"].append(percentile(raw, 0.99))
    finally:
        store.dispose()
    if not runs["p50"]:
        return []

    def figure(name: str, key: str) -> Figure:
        values = runs[key]
        return Figure(
            name,
            statistics.median(values),
            "ms",
            statistics.median(runs[f"raw {key}"]),
            (max(values) - min(values)) / 2,
        )

    return [figure("decision commit p50", "p50"), figure("decision commit p99", "p99")]
