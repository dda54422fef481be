"""A fresh import's rows per second against the raw floor (used when bench_import has no measure()).

The floor is the driver alone writing the same report's rows, split into their fields, into a table
of as many text columns with only a primary key: executemany on SQLite, COPY on PostgreSQL.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import make_url

from rmadesk.services.context import open_store
from rmadesk.services.imports import import_report
from rmadesk.store.uow import Store
from tests.perf.figures import Figure
from tests.perf.mfn_generator import write_mfn_report
from tests.perf.table_db import empty_database

FLOOR_TABLE = "perf_import_floor"


def raw_insert(store: Store, report: Path) -> float:
    """Seconds the driver takes to write the report's rows (fields split, untimed) and commit."""
    lines = report.read_text(encoding="utf-8-sig").splitlines()
    width = len(lines[0].split("\t"))
    rows = [line.split("\t") for line in lines[1:]]
    columns = ", ".join(f"c{n} TEXT" for n in range(width))
    with store.engine.connect() as conn:
        driver = conn.connection.dbapi_connection
        assert driver is not None
        cursor = driver.cursor()
        key = "INTEGER PRIMARY KEY" if store.dialect == "sqlite" else "SERIAL PRIMARY KEY"
        cursor.execute(f"CREATE TABLE {FLOOR_TABLE} (id {key}, {columns})")
        driver.commit()
        names = ", ".join(f"c{n}" for n in range(width))
        started = time.perf_counter()
        if store.dialect == "sqlite":
            cursor.execute("BEGIN")  # one transaction, whatever the connection's autocommit
            cursor.executemany(f"INSERT INTO {FLOOR_TABLE} ({names}) VALUES ({', '.join('?' * width)})", rows)
        else:
            with cursor.copy(f"COPY {FLOOR_TABLE} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        driver.commit()
        elapsed = time.perf_counter() - started
        cursor.execute(f"DROP TABLE {FLOOR_TABLE}")
        driver.commit()
        cursor.close()
    return elapsed


def _one(url: str, report: Path, rows: int) -> tuple[float, float]:
    store = open_store(url)
    try:
        started = time.perf_counter()
        result = import_report(store, report, actor="perf", bench="perf")
        elapsed = time.perf_counter() - started
        assert result.added == rows and result.rejected == 0, result.summary()
        return rows / elapsed, rows / raw_insert(store, report)
    finally:
        store.dispose()


def measure(url: str, rows: int, repeat: int) -> list[Figure]:
    """A fresh import of a seller-fulfilled report of ``rows`` rows, ``repeat`` times, each into an
    empty database: the first into ``url``, the others into new ones beside it; rows/s, median and spread."""
    rates, floors = [], []
    with tempfile.TemporaryDirectory(prefix="rmadesk-perf-import-") as tmp:
        report = Path(tmp) / "returns.txt"
        write_mfn_report(report, rows)
        rate, floor = _one(url, report, rows)
        rates.append(rate)
        floors.append(floor)
        for n in range(1, repeat):
            if url.startswith("sqlite"):
                rate, floor = _one(f"sqlite:///{Path(tmp) / f'import-{n}.sqlite3'}", report, rows)
            else:
                base = make_url(url).render_as_string(hide_password=False)
                with empty_database(base) as fresh:
                    rate, floor = _one(fresh, report, rows)
            rates.append(rate)
            floors.append(floor)
    return [
        Figure(
            f"import rows/s ({rows:,} rows)",
            statistics.median(rates),
            "rows/s",
            statistics.median(floors),
            (max(rates) - min(rates)) / 2,
        )
    ]
