"""One benchmark: the project's figures against the raw floor measured in the same run, as tables.

Run: .venv/bin/python -m tests.perf [--sizes 10000,100000,1000000] [--pg URL] [--repeat R] [--quick]

Builds (once, then reuses: /tmp/perf/ for SQLite, databases next to the PostgreSQL one) a database of
each size on SQLite and, when --pg or RMADESK_TEST_PG_URL names a reachable server, on PostgreSQL. At
the largest size it prints one markdown table of every figure with its floor, ratio and target; then
a table of how the scan look-up, the import rate and the summaries grow with the size.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from tests.perf import (
    bench_browse,
    bench_import,
    bench_lookup,
    bench_summary,
    table_browse,
    table_db,
    table_decide,
    table_import,
    table_start,
    table_window,
)
from tests.perf.figures import Figure, growth_table, table


@dataclass(frozen=True)
class Plan:
    """How much the run measures.

    Attributes:
        sizes: the databases' sizes (authorizations); the full table is measured at the largest.
        repeat: runs of each figure (its median and spread are printed).
        scans: scans in the window process (for scan to card and peak RSS).
        idle_s: seconds the window process rests while its CPU is read.
        import_rows: rows of the imported report in the full table.
        decisions: decisions per run of the decision commit.
        starts: cold starts of each kind.
    """

    sizes: tuple[int, ...] = (1_000_000,)
    repeat: int = 5
    scans: int = 1000
    idle_s: float = 30.0
    import_rows: int = 100_000
    decisions: int = 100
    starts: int = 5


QUICK = Plan(sizes=(10_000,), repeat=3, scans=200, idle_s=5.0, import_rows=10_000, decisions=50, starts=3)


def _log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _measure_with(module: object, fallback: Callable[[str, int, int], list[Figure]]):  # noqa: ANN202
    """The module's own measure(url, rows, repeat) when it has one, else this benchmark's."""
    return getattr(module, "measure", None) or fallback


def run(
    plan: Plan, pg_url: str | None = None, folder: Path = table_db.FOLDER, log: Callable[[str], None] = _log
) -> str:
    """Measure everything the plan says; the markdown text of both tables."""
    databases: list[str | None] = [None] + ([pg_url] if pg_url else [])
    measure_import = _measure_with(bench_import, table_import.measure)
    measure_browse = _measure_with(bench_browse, table_browse.measure)
    largest = max(plan.sizes)
    full: list[tuple[str, Figure]] = []
    growth: list[tuple[str, int, Sequence[Figure]]] = []
    for server in databases:
        dialect = "sqlite" if server is None else "postgresql"
        imported: dict[int, list[Figure]] = {}

        def import_figures(
            rows: int, repeat: int, server: str | None = server, imported: dict[int, list[Figure]] = imported
        ) -> list[Figure]:
            if rows not in imported:
                with table_db.empty_database(server) as empty:
                    imported[rows] = measure_import(empty, rows, repeat)
            return imported[rows]

        for size in sorted(plan.sizes):
            log(f"{dialect}, {size:,} authorizations: database")
            url = table_db.database_for(size, server, log, folder)
            log(f"{dialect}, {size:,}: scan lookup")
            lookup = bench_lookup.measure(url, size, plan.repeat)
            log(f"{dialect}, {size:,}: summaries")
            summaries = bench_summary.measure(url, size, plan.repeat)
            log(f"{dialect}, {size:,}: import of {size:,} rows")
            grown = import_figures(size, plan.repeat if size <= plan.import_rows else 1)
            # one column for the import, whatever the report's size (as large as the database)
            grown = [replace(f, name="import rows/s (report of that size)") for f in grown[:1]]
            growth.append((dialect, size, [*lookup[:1], *grown, *summaries]))
            if size != largest:
                continue
            log(f"{dialect}, {size:,}: bench window ({plan.scans} scans, {plan.idle_s:g} s at rest)")
            window = table_window.measure(url, plan.scans, plan.repeat, plan.idle_s)
            log(f"{dialect}, {size:,}: decisions")
            decisions = table_decide.measure(url, plan.decisions, plan.repeat)
            log(f"{dialect}, {size:,}: import of {plan.import_rows:,} rows")
            imports = import_figures(plan.import_rows, plan.repeat)
            log(f"{dialect}, {size:,}: browser")
            browse = [  # each named as the browser's, whoever measured it
                f if f.name.startswith("browser") else replace(f, name=f"browser {f.name}")
                for f in measure_browse(url, size, plan.repeat)
            ]
            log(f"{dialect}, {size:,}: cold start")
            start = table_start.measure(url, plan.starts)
            figures = [*lookup, *window[:2], *decisions, *imports, *summaries, *browse, *start, *window[2:]]
            full.extend((dialect, f) for f in figures)
    return (
        f"At {largest:,} authorizations; {plan.repeat} runs of each figure (median ± half the range):\n\n"
        + table(full)
        + "\n\nAs the database grows:\n\n"
        + growth_table(growth)
        + "\n"
    )


def _machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    system = f"{platform.system()} {platform.release()}, Python {platform.python_version()}"
    return f"{os.cpu_count()} cores ({cpu}), {system}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", help="comma-separated sizes, e.g. 10000,100000,1000000 (default 1000000)")
    parser.add_argument(
        "--pg", help="PostgreSQL URL (default: RMADESK_TEST_PG_URL); its server gets the databases"
    )
    parser.add_argument("--repeat", type=int, help="runs of each figure (default 5)")
    parser.add_argument(
        "--quick", action="store_true", help="a small run at 10,000 to check the command works"
    )
    parser.add_argument("--idle", type=float, help="seconds of the idle CPU figure (default 30)")
    args = parser.parse_args()
    plan = QUICK if args.quick else Plan()
    if args.sizes:
        plan = Plan(
            **{**plan.__dict__, "sizes": tuple(int(s.replace("_", "")) for s in args.sizes.split(","))}
        )
    if args.repeat:
        plan = Plan(**{**plan.__dict__, "repeat": args.repeat})
    if args.idle:
        plan = Plan(**{**plan.__dict__, "idle_s": args.idle})
    pg_url = args.pg or os.environ.get("RMADESK_TEST_PG_URL") or None
    if pg_url:
        trouble = table_db.pg_reachable(pg_url)
        if trouble:
            _log(f"PostgreSQL not measured: {trouble}")
            pg_url = None
    text = run(plan, pg_url)
    print(f"`python -m tests.perf` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {_machine()}\n")
    print(text)


if __name__ == "__main__":
    main()
