"""Benchmark of the scan's own calls at warehouse scale, against the driver's raw look-up of the same row.

Run: .venv/bin/python -m tests.perf.bench_lookup [--db URL | --keep FILE] [--rows N] [--scans S]
(default: 1,000,000 authorizations in a new SQLite file; an existing database is used as it is).

Prints the median over S scans of: the raw unique-key look-up of the scan code (the driver alone),
``find`` (what a scan reads for the card), and ``open`` (look-up plus the claim of a unit, then
the claim given back), each with its ratio to the raw look-up.
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
from tests.perf.bench_browse import _samples_from, generate


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", help="database URL (default: a new SQLite file)")
    parser.add_argument("--keep", help="keep the SQLite file at this path")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--scans", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{args.keep or Path(tmp) / 'lookup.sqlite3'}"
        store = open_store(url)
        print(f"database: {store.name}")
        with store.read() as session:
            present = session.scalar(select(func.count()).select_from(Authorization)) or 0
        if not present:
            started = time.perf_counter()
            generate(store, args.rows)
            present = args.rows
            print(f"load: {args.rows:,} authorizations in {time.perf_counter() - started:.1f} s")
        codes = _samples_from(store, present).rma_ids
        with store.read() as session:  # returns still to inspect: opening them claims a unit
            waiting = session.scalars(
                select(Authorization.rma_id)
                .join(Unit, Unit.authorization_id == Authorization.id)
                .outerjoin(Outcome, (Outcome.unit_id == Unit.id) & (Outcome.attempt == Unit.attempt))
                .where(Outcome.id.is_(None), Authorization.rma_id.is_not(None))
                .limit(2000)
            ).all()
        rng = random.Random(5)
        picked = [rng.choice(codes) for _ in range(args.scans)]
        to_open = [rng.choice(waiting) for _ in range(args.scans)]
        service = BenchService(store, load_policy(), Settings(bench="perf"))
        raw: list[float] = []
        found: list[float] = []
        opened: list[float] = []
        with store.engine.connect() as conn:
            driver = conn.connection.dbapi_connection
            assert driver is not None
            cursor = driver.cursor()
            sql = "SELECT authorization_id, unit_id FROM scan_code WHERE code = " + (
                "?" if store.dialect == "sqlite" else "%s"
            )
            for code in picked:
                t = time.perf_counter()
                cursor.execute(sql, (code,))
                cursor.fetchall()
                raw.append(time.perf_counter() - t)
            cursor.close()
            conn.execute(text("SELECT 1"))
        for code in picked:
            t = time.perf_counter()
            service.find(code)
            found.append(time.perf_counter() - t)
        for code in to_open:
            t = time.perf_counter()
            result = service.open(code, who="perf", bench="perf")
            opened.append(time.perf_counter() - t)
            assert result.authorization is not None and not result.authorization.all_decided
            if result.unit_id is not None:
                service.release(result.unit_id, who="perf", bench="perf")
        floor = _median_ms(raw)
        print(f"{present:,} authorizations, {args.scans} scans, medians:")
        print(f"  raw look-up (driver)   {floor:7.3f} ms")
        print(f"  find (card's reads)    {_median_ms(found):7.3f} ms  x{_median_ms(found) / floor:.1f}")
        print(f"  open (find + claim)    {_median_ms(opened):7.3f} ms  x{_median_ms(opened) / floor:.1f}")
        store.dispose()


if __name__ == "__main__":
    main()
