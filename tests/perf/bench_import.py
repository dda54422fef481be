"""Benchmark of report imports: a fresh import, the same file again, then every row changed.

Run: .venv/bin/python -m tests.perf.bench_import [--db URL] [--rows N] [--repeat R] [--report mfn|fba]

Without --db a new SQLite file is used, and PostgreSQL too when RMADESK_TEST_PG_URL is set; a database
given with --db or RMADESK_TEST_PG_URL is emptied of its returns and imports before each run (use a
database kept for benchmarks). For the seller-fulfilled report it prints, per database, the rows per
second of a fresh import and of the unchanged file imported again, each beside the raw floor: the same
rows the import wrote, inserted again by the driver alone (executemany on SQLite, COPY on PostgreSQL)
into the same emptied tables in one transaction (on SQLite with the text index filled in one statement
after the rows, as the import does). With --report fba or --changes it also times the
older single-run figures (the FBA report; every row's status changed).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from rmadesk.services.browse import FTS_TABLE, SEARCHED
from rmadesk.services.context import open_store
from rmadesk.services.imports import ImportResult, import_report, read_report_file
from rmadesk.store.models import Authorization, ScanCode, Unit
from rmadesk.store.uow import Store
from tests.perf.figures import Figure, ratio
from tests.perf.mfn_generator import write_fba_returns_report, write_mfn_report

PG_ENV = "RMADESK_TEST_PG_URL"
# The tables an import writes, parents first; they are emptied before each measured run.
_WRITTEN = ("return_authorization", "unit", "scan_code")
_ALSO_EMPTIED = ("import_batch",)  # the audit trail is append-only; it keeps its import events


def line(figure: Figure) -> str:
    """The figure as one printed line, with its floor and ratio when it has one."""
    shown = "{:>11,.0f}" if figure.unit == "rows/s" else "{:>11,.2f}"
    spread = shown.format(figure.spread).strip()
    text = f"{figure.name:<36} {shown.format(figure.value)} {figure.unit:<7} (spread {spread})"
    if figure.floor is not None:
        text += f"  floor {shown.format(figure.floor)} {figure.unit}  ratio {ratio(figure):4.2f}x"
    return text


def _empty(store: Store) -> None:
    """Remove every return and import, so that a fresh import meets the empty tables it would."""
    with store.engine.begin() as connection:
        if store.dialect == "postgresql":
            names = ", ".join((*_WRITTEN, *_ALSO_EMPTIED))
            connection.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
        else:
            for name in (*_ALSO_EMPTIED, *reversed(_WRITTEN)):
                connection.exec_driver_sql(f"DELETE FROM {name}")


def _written_rows(store: Store) -> list[tuple[str, tuple[str, ...], list[tuple[Any, ...]]]]:
    """The rows of the tables an import writes, as the driver returns them (so as it takes them)."""
    tables = {"return_authorization": Authorization, "unit": Unit, "scan_code": ScanCode}
    found = []
    with store.engine.connect() as connection:
        for name in _WRITTEN:
            columns = tuple(column.name for column in tables[name].__table__.columns)
            rows = connection.exec_driver_sql(
                f"SELECT {', '.join(columns)} FROM {name} ORDER BY id"  # noqa: S608 - our own names
            ).all()
            found.append((name, columns, [tuple(row) for row in rows]))
    return found


def _raw_insert(store: Store, written: list[tuple[str, tuple[str, ...], list[tuple[Any, ...]]]]) -> float:
    """Seconds the driver alone takes to insert written into the emptied tables, committed as one."""
    _empty(store)
    raw = store.engine.raw_connection()
    try:
        driver = raw.driver_connection
        started = time.perf_counter()
        if store.dialect == "postgresql":
            with driver.cursor() as cursor:  # type: ignore[union-attr]
                # One COPY of a whole table may outlast a bench's statement limit on a busy server.
                cursor.execute("SET LOCAL statement_timeout = 0")
                for name, columns, rows in written:
                    with cursor.copy(f"COPY {name} ({', '.join(columns)}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
            driver.commit()  # type: ignore[union-attr]
        else:
            cursor = driver.cursor()  # type: ignore[union-attr]
            cursor.execute("BEGIN IMMEDIATE")
            # As the import does: the text index filled in one statement after the rows, not by trigger.
            trigger = cursor.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (f"{FTS_TABLE}_ai",)
            ).fetchone()
            if trigger is not None:
                cursor.execute(f"DROP TRIGGER {FTS_TABLE}_ai")
            for name, columns, rows in written:
                marks = ", ".join("?" * len(columns))
                cursor.executemany(f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({marks})", rows)
            if trigger is not None:
                searched = ", ".join(SEARCHED)
                cursor.execute(
                    f"INSERT INTO {FTS_TABLE}(rowid, {searched})"
                    f" SELECT id, {searched} FROM return_authorization"
                )
                cursor.execute(trigger[0])
            cursor.execute("COMMIT")
        return time.perf_counter() - started
    finally:
        raw.close()


def _figure(name: str, seconds: list[float], rows: int, floor: list[float] | None) -> Figure:
    rates = [rows / s for s in seconds]
    floors = [rows / s for s in floor] if floor else None
    return Figure(
        name,
        statistics.median(rates),
        "rows/s",
        statistics.median(floors) if floors else None,
        max(rates) - min(rates),
    )


def measure(url: str, rows: int, repeat: int) -> list[Figure]:
    """Import a seller-fulfilled report of rows rows into the database at url, repeat times each:
    fresh (into emptied tables), the same file again (nothing changes), and the raw floor.

    The database at url is emptied of its returns and imports before each run.
    """
    store = open_store(url)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            report = Path(tmp) / "report.txt"
            write_mfn_report(report, rows)
            fresh: list[float] = []
            again: list[float] = []
            floor: list[float] = []
            for _run in range(repeat):
                _empty(store)
                started = time.perf_counter()
                result = import_report(store, report, actor="bench", bench="perf")
                fresh.append(time.perf_counter() - started)
                assert result.added == rows and result.rejected == 0, result.summary()
                started = time.perf_counter()
                same = import_report(store, report, actor="bench", bench="perf")
                again.append(time.perf_counter() - started)
                assert (same.added, same.updated, same.unchanged) == (0, 0, rows), same.summary()
                floor.append(_raw_insert(store, _written_rows(store)))
            _empty(store)
        database = store.dialect
        return [
            _figure(f"import rows/s, fresh ({database})", fresh, rows, floor),
            _figure(f"import rows/s, unchanged again ({database})", again, rows, None),
            Figure(
                f"import unchanged again ({database})",
                statistics.median(again),
                "s",
                None,
                max(again) - min(again),
            ),
            _figure(f"import rows/s, raw floor ({database})", floor, rows, None),
        ]
    finally:
        store.dispose()


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


def single_runs(url: str, rows: int, report_kind: str, profile: bool) -> None:
    """The older figures of one run each: fresh, again, and every row's status changed."""
    store = open_store(url)
    with tempfile.TemporaryDirectory() as tmp:
        _empty(store)
        first, changed = Path(tmp) / "report.txt", Path(tmp) / "changed.txt"
        if report_kind == "mfn":
            write_mfn_report(first, rows)
            write_mfn_report(changed, rows, status="Closed")
        else:
            write_fba_returns_report(first, rows)
            write_fba_returns_report(changed, rows, status="Reimbursed")
        print(f"database: {store.name}; report: {report_kind}, {rows:,} rows")
        started = time.perf_counter()
        parsed = read_report_file(first)
        print(f"{'reading the file alone':<28} {time.perf_counter() - started:6.2f} s")
        assert not parsed.problems, parsed.problems[:3]

        def fresh() -> ImportResult:
            return import_report(store, first, actor="bench", bench="perf")

        profiler = cProfile.Profile()
        if profile:
            result = timed("fresh import (profiled)", rows, lambda: profiler.runcall(fresh))
        else:
            result = timed("fresh import", rows, fresh)
        assert result.added == len(parsed.rows) and result.rejected == 0, result.summary()
        units = unit_count(store)
        again = timed("same file again", rows, fresh)
        assert (again.added, again.updated, again.unchanged) == (0, 0, len(parsed.rows)), again.summary()
        assert unit_count(store) == units
        update = timed(
            "every row's status changed",
            rows,
            lambda: import_report(store, changed, actor="bench", bench="perf"),
        )
        assert (update.added, update.updated) == (0, len(parsed.rows)), update.summary()
        assert len(update.notes) == len(parsed.rows) and unit_count(store) == units
        if profile:
            pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        _empty(store)
    store.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--db", help="database URL (default: a new SQLite file, and RMADESK_TEST_PG_URL)")
    parser.add_argument("--rows", type=int, default=100_000, help="report rows (default 100,000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each figure (default 3)")
    parser.add_argument("--report", choices=["mfn", "fba"], default="mfn", help="which report (default mfn)")
    parser.add_argument("--changes", action="store_true", help="also time every row's status changed")
    parser.add_argument(
        "--profile", action="store_true", help="with --changes: the 25 costliest calls of the first import"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        urls = [args.db] if args.db else [f"sqlite:///{tmp}/bench.sqlite3"]
        if not args.db and os.environ.get(PG_ENV):
            urls.append(os.environ[PG_ENV])
        for url in urls:
            if args.report == "mfn":
                print(f"{args.rows:,} seller-fulfilled rows, median of {args.repeat} runs:")
                for figure in measure(url, args.rows, args.repeat):
                    print(line(figure))
            if args.report == "fba" or args.changes:
                single_runs(url, args.rows, args.report, args.profile)


if __name__ == "__main__":
    main()
