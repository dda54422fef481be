"""Benchmark of report imports: a fresh import, the same file again, then every row changed.

Run: .venv/bin/python -m tests.perf.bench_import [--db URL] [--rows N] [--report mfn|fba]

Without --db a new SQLite file is used; a PostgreSQL database must be empty, e.g.
``createdb rmadesk_bench_imp`` then ``--db postgresql+psycopg:///rmadesk_bench_imp`` (drop it after).
Prints the wall time and rows per second of each import, the CPU time this process used (the rest is
the database server, the disk, or other programs), and checks the counts each import reports.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select

from rmadesk.services.context import open_store
from rmadesk.services.imports import ImportResult, import_report, read_report_file
from rmadesk.store.models import Unit
from rmadesk.store.uow import Store
from tests.perf.mfn_generator import write_fba_returns_report, write_mfn_report


def timed(what: str, rows: int, run: Callable[[], ImportResult]) -> ImportResult:
    """Run an import; print its wall time, rows per second and this process's CPU time."""
    started, cpu = time.perf_counter(), time.process_time()
    result = run()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"{what:<28} {elapsed:6.2f} s  {rows / elapsed:9,.0f} rows/s  (CPU here {cpu:5.2f} s)")
    print(f"{'':<30}{result.summary()}")
    return result


def unit_count(store: Store) -> int:
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(Unit)) or 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--db", help="database URL (default: a new SQLite file)")
    parser.add_argument("--rows", type=int, default=100_000, help="report rows (default 100,000)")
    parser.add_argument("--report", choices=["mfn", "fba"], default="mfn", help="which report (default mfn)")
    parser.add_argument(
        "--profile", action="store_true", help="print the 25 costliest calls of the first import"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{tmp}/bench.sqlite3"
        store = open_store(url)
        first, changed = Path(tmp) / "report.txt", Path(tmp) / "changed.txt"
        if args.report == "mfn":
            write_mfn_report(first, args.rows)
            write_mfn_report(changed, args.rows, status="Closed")
        else:
            write_fba_returns_report(first, args.rows)
            write_fba_returns_report(changed, args.rows, status="Reimbursed")
        print(f"database: {store.name}; report: {args.report}, {args.rows:,} rows")
        started = time.perf_counter()
        parsed = read_report_file(first)
        print(f"{'reading the file alone':<28} {time.perf_counter() - started:6.2f} s")
        assert not parsed.problems, parsed.problems[:3]

        def fresh() -> ImportResult:
            return import_report(store, first, actor="bench", bench="perf")

        if args.profile:
            profiler = cProfile.Profile()
            result = timed("fresh import (profiled)", args.rows, lambda: profiler.runcall(fresh))
        else:
            result = timed("fresh import", args.rows, fresh)
        assert result.added == len(parsed.rows) and result.rejected == 0, result.summary()
        units = unit_count(store)
        again = timed("same file again", args.rows, fresh)
        assert (again.added, again.updated, again.unchanged) == (0, 0, len(parsed.rows)), again.summary()
        assert unit_count(store) == units
        update = timed(
            "every row's status changed",
            args.rows,
            lambda: import_report(store, changed, actor="bench", bench="perf"),
        )
        assert (update.added, update.updated) == (0, len(parsed.rows)), update.summary()
        assert len(update.notes) == len(parsed.rows) and unit_count(store) == units
        if args.profile:
            pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        store.dispose()


if __name__ == "__main__":
    main()
