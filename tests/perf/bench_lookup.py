"""Benchmark of the scan's own calls at warehouse scale, against the driver's raw look-up of the same row.

Run: .venv/bin/python -m tests.perf.bench_lookup [--db URL | --keep FILE] [--rows N] [--scans S] [--repeat R]
(default: 1,000,000 authorizations in a new SQLite file; an existing database is used as it is).

Prints the median over R runs of the median over S scans of: ``find`` (what a scan reads for the
card) against the driver alone running the reads the card needs (the scan code, the authorization,
its units, their outcomes, in one transaction); ``open`` (look-up plus the claim of a unit, then the
claim given back untimed) against the driver running the same reads and the claim's UPDATE and
COMMIT; and, beside both, the driver's single unique-key look-up of the scan code. The statements
each service call issues are counted once, untimed.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import event, func, select, text

from rmadesk.domain.policy import load_policy
from rmadesk.services.bench import BenchService, Found
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


# The reads a card needs, as the driver alone would run them: the four look-ups, each by a key
# with an index, of only the columns the card shows.
CARD_READS = (
    "SELECT authorization_id, unit_id FROM scan_code WHERE code = :p",
    "SELECT id, kind, rma_id, merchant_rma_id, order_id, sku, asin, item_name, quantity, reason,"
    " customer_comment, request_date, in_policy, order_amount, order_quantity, tax_amount, currency,"
    " category, request_status FROM return_authorization WHERE id = :p",
    "SELECT id, seq, lpn, attempt, marketplace_comment, item_seq, item_sku, item_asin, item_name,"
    " item_reason, item_price, item_category, claimed_by_bench, claimed_by, claim_expires_at"
    " FROM unit WHERE authorization_id = :p ORDER BY seq",
    "SELECT o.unit_id, o.outcome_uid, o.disposition, o.restocked, o.location, o.reimbursement_total,"
    " o.currency, o.inspector, o.bench, o.decided_at, o.recommended, o.override_reason"
    " FROM outcome o JOIN unit u ON u.id = o.unit_id AND u.attempt = o.attempt"
    " WHERE u.authorization_id = :p",
)
RAW_CLAIM = (
    "UPDATE unit SET claimed_by_bench = :p, claimed_by = :p, claim_expires_at = :p"
    " WHERE id = :p AND attempt = :p AND (claimed_by_bench IS NULL OR claim_expires_at < :p"
    " OR (claimed_by_bench = :p AND claimed_by = :p))"
)
RAW_RELEASE = (
    "UPDATE unit SET claimed_by_bench = NULL, claimed_by = NULL, claim_expires_at = NULL WHERE id = :p"
)


class _Raw:
    """The driver's own connection and cursor, with statements in its parameter style."""

    def __init__(self, store: Store) -> None:
        self.sqlite = store.dialect == "sqlite"
        self._conn = store.engine.connect()
        self.driver = self._conn.connection.dbapi_connection
        assert self.driver is not None
        self.driver.commit()  # psycopg: end the transaction the pool's ping began
        self.cursor = self.driver.cursor()
        marker = "?" if self.sqlite else "%s"
        self.card = tuple(sql.replace(":p", marker) for sql in CARD_READS)
        self.claim = RAW_CLAIM.replace(":p", marker)
        self.release = RAW_RELEASE.replace(":p", marker)

    def begin(self, write: bool = False) -> None:
        if self.sqlite:  # autocommit off in the project's engine: transactions are begun explicitly
            self.cursor.execute("BEGIN IMMEDIATE" if write else "BEGIN")

    def commit(self) -> None:
        if self.sqlite:
            self.cursor.execute("COMMIT")
        else:
            self.driver.commit()

    def read(self, sql: str, param: object) -> list[tuple[object, ...]]:
        self.cursor.execute(sql, (param,))
        return list(self.cursor.fetchall())

    def card_reads(self, auth_id: object) -> list[tuple[object, ...]]:
        self.read(self.card[1], auth_id)
        units = self.read(self.card[2], auth_id)
        self.read(self.card[3], auth_id)
        return units

    def close(self) -> None:
        self.cursor.close()
        self._conn.close()


def _raw_cards(store: Store, codes: list[str]) -> list[float]:
    """Seconds of each code's card reads (``CARD_READS``) in one transaction, through the driver alone."""
    raw = _Raw(store)
    times: list[float] = []
    try:
        for code in codes:
            t = time.perf_counter()
            raw.begin()
            named = raw.read(raw.card[0], code)
            raw.card_reads(named[0][0])
            raw.commit()
            times.append(time.perf_counter() - t)
    finally:
        raw.close()
    return times


def _raw_opens(store: Store, codes: list[str]) -> list[float]:
    """Seconds of each code's open through the driver alone: the code read, then in one write
    transaction the card reads, the claim of the first unit and the commit (the claim given back
    untimed)."""
    raw = _Raw(store)
    times: list[float] = []
    try:
        for code in codes:
            now = datetime.now(UTC)
            stamp: object = now.replace(tzinfo=None) if raw.sqlite else now
            expires = now + timedelta(minutes=5)
            later: object = expires.replace(tzinfo=None) if raw.sqlite else expires
            t = time.perf_counter()
            raw.begin()
            auth_id = raw.read(raw.card[0], code)[0][0]
            raw.commit()
            raw.begin(write=True)
            unit_id, attempt = raw.card_reads(auth_id)[0][0:4:3]
            raw.cursor.execute(raw.claim, ("perf", "perf", later, unit_id, attempt, stamp, "perf", "perf"))
            raw.commit()
            times.append(time.perf_counter() - t)
            raw.begin(write=True)
            raw.cursor.execute(raw.release, (unit_id,))
            raw.commit()
    finally:
        raw.close()
    return times


def statements_of(store: Store, call: Callable[[], object]) -> int:
    """How many statements (BEGIN and COMMIT on SQLite included) the call sends to the database."""
    seen: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(statement)

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        call()
    finally:
        event.remove(store.engine, "before_cursor_execute", count)
    return len(seen)


def measure(url: str, rows: int, repeat: int, scans: int = SCANS_PER_RUN) -> list[Figure]:
    """The look-up behind a scan (``find``) against the driver running the card's reads of the same
    codes, opening a unit (look-up plus claim, the claim given back untimed) against the driver's open,
    and the driver's unique-key look-up of the codes: each run's median over ``scans`` codes, then the
    median and spread of ``repeat`` runs, in ms."""
    store = _ready(url, rows)
    try:
        codes = scanned_codes(store)
        waiting = _waiting(store)
        service = BenchService(store, load_policy(), Settings(bench="perf"))
        rng = random.Random(5)
        raw_runs, card_runs, raw_open_runs, found_runs, opened_runs = [], [], [], [], []
        for _ in range(repeat):
            picked = [rng.choice(codes) for _ in range(scans)]
            raw_runs.append(_median_ms(_raw_lookups(store, picked)))
            card_runs.append(_median_ms(_raw_cards(store, picked)))
            found: list[float] = []
            for code in picked:
                t = time.perf_counter()
                service.find(code)
                found.append(time.perf_counter() - t)
            found_runs.append(_median_ms(found))
            opened: list[float] = []
            to_open = [rng.choice(waiting) for _ in range(scans)] if waiting else []
            if to_open:
                raw_open_runs.append(_median_ms(_raw_opens(store, to_open)))
            for code in to_open:
                t = time.perf_counter()
                result = service.open(code, who="perf", bench="perf")
                opened.append(time.perf_counter() - t)
                if result.unit_id is not None:
                    service.release(result.unit_id, who="perf", bench="perf")
            if opened:
                opened_runs.append(_median_ms(opened))
        figures = [from_samples("scan lookup", found_runs, "ms", statistics.median(card_runs))]
        if opened_runs:
            figures.append(
                from_samples(
                    "scan open (look-up + claim)", opened_runs, "ms", statistics.median(raw_open_runs)
                )
            )
        figures.append(from_samples("raw unique-key look-up of the scan code", raw_runs, "ms"))
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
        figures = measure(url, args.rows, args.repeat, args.scans)
        key = figures[-1].value
        for figure in figures[:-1]:
            floor = figure.floor or 0.0
            print(
                f"  {figure.name:<28} {figure.value:7.3f} ms ± {figure.spread:.3f}"
                f"  (driver alone {floor:.3f} ms, x{figure.value / floor:.1f};"
                f" unique-key look-up {key:.3f} ms, x{figure.value / key:.1f})"
            )
        print(f"  {figures[-1].name:<28} {key:7.3f} ms ± {figures[-1].spread:.3f}")
        print(statement_counts(url))


def statement_counts(url: str) -> str:
    """How many statements one scan's ``find`` and ``open`` send, counted on a scan of each kind."""
    store = open_store(url)
    try:
        service = BenchService(store, load_policy(), Settings(bench="perf"))
        code = scanned_codes(store, 10)[0]
        service.find(code)  # compiled and connected before counting
        found = statements_of(store, lambda: service.find(code))
        waiting = _waiting(store, 10)
        opened = None
        if waiting:
            result: list[Found] = []
            opened = statements_of(
                store, lambda: result.append(service.open(waiting[0], who="perf", bench="perf"))
            )
            if result[0].unit_id is not None:
                service.release(result[0].unit_id, who="perf", bench="perf")
        return f"  statements sent: find {found}, open {opened if opened is not None else '-'}"
    finally:
        store.dispose()


if __name__ == "__main__":
    main()
