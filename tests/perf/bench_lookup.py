"""Benchmark of the scan's own calls at warehouse scale, against the driver's raw look-up of the same row.

Run: .venv/bin/python -m tests.perf.bench_lookup [--db URL | --keep FILE] [--rows N] [--scans S] [--repeat R]
(default: 1,000,000 authorizations in a new SQLite file; an existing database is used as it is).

Prints the median over R runs of the median over S scans of: the raw unique-key look-up of the scan
code (the driver alone), ``find`` (what a scan reads for the card), and ``open`` (look-up plus the
claim of a unit, then the claim given back), each with its ratio to the raw look-up.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select, text

from rmadesk.domain.policy import load_policy
from rmadesk.services.bench import BenchService
from rmadesk.services.context import open_store
from rmadesk.settings import Settings
from rmadesk.store.models import Authorization, Outcome, Unit
from rmadesk.store.uow import Store
from tests.perf.bench_browse import generate
from tests.perf.figures import Figure, from_samples

SCANS_PER_RUN = 100


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def _ready(url: str, rows: int) -> Store:
    """The store at ``url``, loaded with ``rows`` authorizations when it holds none."""
    store = open_store(url)
    with store.read() as session:
        present = session.scalar(select(func.count()).select_from(Authorization)) or 0
    if not present:
        generate(store, rows)
    return store


def scanned_codes(store: Store, limit: int = 2000) -> list[str]:
    """RMA IDs spread over the whole table, as a day's scans would be."""
    with store.read() as session:
        present = session.scalar(select(func.max(Authorization.id))) or 0
        step = max(1, present // limit)
        return list(
            session.scalars(
                select(Authorization.rma_id)
                .where(Authorization.id % step == 0, Authorization.rma_id.is_not(None))
                .limit(limit)
            ).all()
        )


def _waiting(store: Store, limit: int = 2000) -> list[str]:
    """RMA IDs of returns still to inspect: opening them claims a unit."""
    with store.read() as session:
        return list(
            session.scalars(
                select(Authorization.rma_id)
                .join(Unit, Unit.authorization_id == Authorization.id)
                .outerjoin(Outcome, (Outcome.unit_id == Unit.id) & (Outcome.attempt == Unit.attempt))
                .where(Outcome.id.is_(None), Authorization.rma_id.is_not(None))
                .limit(limit)
            ).all()
        )


def _raw_lookups(store: Store, codes: list[str]) -> list[float]:
    """Seconds of each unique-key look-up of the codes through the driver alone."""
    times: list[float] = []
    with store.engine.connect() as conn:
        driver = conn.connection.dbapi_connection
        assert driver is not None
        cursor = driver.cursor()
        sql = "SELECT authorization_id, unit_id FROM scan_code WHERE code = " + (
            "?" if store.dialect == "sqlite" else "%s"
        )
        for code in codes:
            t = time.perf_counter()
            cursor.execute(sql, (code,))
            cursor.fetchall()
            times.append(time.perf_counter() - t)
        cursor.close()
        conn.execute(text("SELECT 1"))
    return times


def measure(url: str, rows: int, repeat: int, scans: int = SCANS_PER_RUN) -> list[Figure]:
    """The look-up behind a scan (``find``) against the driver's look-up of the same codes, and opening
    a unit (look-up plus claim, the claim given back untimed): each run's median over ``scans`` codes,
    then the median and spread of ``repeat`` runs, in ms."""
    store = _ready(url, rows)
    try:
        codes = scanned_codes(store)
        waiting = _waiting(store)
        service = BenchService(store, load_policy(), Settings(bench="perf"))
        rng = random.Random(5)
        raw_runs, found_runs, opened_runs = [], [], []
        for _ in range(repeat):
            picked = [rng.choice(codes) for _ in range(scans)]
            raw_runs.append(_median_ms(_raw_lookups(store, picked)))
            found: list[float] = []
            for code in picked:
                t = time.perf_counter()
                service.find(code)
                found.append(time.perf_counter() - t)
            found_runs.append(_median_ms(found))
            opened: list[float] = []
            for code in [rng.choice(waiting) for _ in range(scans)] if waiting else []:
                t = time.perf_counter()
                result = service.open(code, who="perf", bench="perf")
                opened.append(time.perf_counter() - t)
                if result.unit_id is not None:
                    service.release(result.unit_id, who="perf", bench="perf")
            if opened:
                opened_runs.append(_median_ms(opened))
        floor = statistics.median(raw_runs)
        figures = [from_samples("scan lookup", found_runs, "ms", floor)]
        if opened_runs:
            figures.append(from_samples("scan open (look-up + claim)", opened_runs, "ms", floor))
        return figures
    finally:
        store.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", help="database URL (default: a new SQLite file)")
    parser.add_argument("--keep", help="keep the SQLite file at this path")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--scans", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3, help="runs of --scans look-ups each")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{args.keep or Path(tmp) / 'lookup.sqlite3'}"
        print(f"{args.repeat} runs of {args.scans} scans, medians:")
        for figure in measure(url, args.rows, args.repeat, args.scans):
            floor = figure.floor or 0.0
            print(
                f"  {figure.name:<28} {figure.value:7.3f} ms ± {figure.spread:.3f}"
                f"  (raw look-up {floor:.3f} ms, x{figure.value / floor:.1f})"
            )


if __name__ == "__main__":
    main()
