"""Benchmark of the authorizations browser: bulk-load N authorizations, then time its queries in ms.

Run: .venv/bin/python -m tests.perf.bench_browse [--db URL] [--rows N] [--repeat R]
(default: 1,000,000 authorizations in a new SQLite file, deleted afterwards unless --keep; a database
that already holds authorizations is measured as it is). measure(url, rows, repeat) returns the figures.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, insert, select, text

from rmadesk.services.browse import BrowseFilter, BrowseRow, BrowseService
from rmadesk.services.context import open_store
from rmadesk.store.models import Authorization, Outcome, ScanCode, Unit
from rmadesk.store.uow import Store
from tests.actors import BOSS
from tests.perf.figures import Figure

CHUNK = 20_000
TARGET_MS = 100.0
FIRST_PAGE_TARGET_MS = 50.0
COUNTED_AT_MOST = 10_000  # as the browser counts a filter (rmadesk.ui.browser.model)
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
RMA_SPACE = len(LETTERS) ** 7
RMA_MULTIPLIER = 2_654_435_761  # odd and prime to 13: a bijection of the 52**7 RMA IDs
REASONS = (
    "AMZ-PG-WJ-TOO-LARGE",
    "AMZ-PG-WJ-TOO-SMALL",
    "AMZ-PG-DEFECTIVE",
    "AMZ-PG-DAMAGED-BY-CARRIER",
    "AMZ-PG-NOT-AS-DESCRIBED",
    "AMZ-PG-UNWANTED-ITEM",
    "AMZ-PG-ORDERED-WRONG-ITEM",
    "AMZ-PG-MISSING-PARTS",
    "AMZ-PG-QUALITY-UNACCEPTABLE",
    "AMZ-PG-BETTER-PRICE",
    "AMZ-PG-NO-REASON-GIVEN",
)
ADJECTIVES = (
    "Organic",
    "Classic",
    "Deluxe",
    "Compact",
    "Vintage",
    "Ergonomic",
    "Waterproof",
    "Slim",
    "Heavy-duty",
)
MATERIALS = ("cotton", "stainless steel", "ceramic", "bamboo", "leather", "silicone", "oak", "glass", "wool")
PRODUCTS = (
    "T-shirt",
    "kettle",
    "mug",
    "headset",
    "backpack",
    "desk lamp",
    "phone case",
    "yoga mat",
    "water bottle",
    "blender",
    "hoodie",
    "cutting board",
    "wallet",
    "throw blanket",
    "speaker",
)
COLOURS = ("black", "white", "blue", "red", "green", "grey", "navy", "beige")
DISPOSITIONS = (
    ("sellable", "RETURNS-RESTOCK"),
    ("carrier_damaged", "DAMAGED-CLAIM"),
    ("seller_fault", "UNSELLABLE"),
)
INSPECTORS = ("Ana", "Ben", "Chiara", "Dev", "Emeka")


@dataclass(frozen=True)
class Product:
    sku: str
    name: str
    category: str | None
    price: Decimal


def rma_id(n: int) -> str:
    """A unique Amazon-looking RMA ID for n: D + 7 letters of mixed case + RRMA."""
    x = (n * RMA_MULTIPLIER) % RMA_SPACE
    letters = []
    for _ in range(7):
        x, r = divmod(x, len(LETTERS))
        letters.append(LETTERS[r])
    return "D" + "".join(letters) + "RRMA"


def catalogue(rng: random.Random, size: int = 5000) -> list[Product]:
    products = []
    for n in range(size):
        product = rng.choice(PRODUCTS)
        colour = rng.choice(COLOURS)
        name = f"{rng.choice(ADJECTIVES)} {rng.choice(MATERIALS)} {product}, {colour}"
        if product in ("T-shirt", "hoodie"):
            name += f", size {rng.choice('SMLX')}"
        sku = f"{product.split()[0][:6].upper()}-{colour[:3].upper()}-{n:05d}"
        products.append(
            Product(sku, name, "books" if n % 40 == 0 else None, Decimal(rng.randint(499, 14999)) / 100)
        )
    return products


@dataclass
class Generated:
    """What the loader wrote, for the queries to look for."""

    rows: int
    rma_ids: list[str]
    order_ids: list[str]
    lpns: list[str]


def _at(day: date, rng: random.Random) -> datetime:
    return datetime.combine(day, clock(rng.randint(7, 18), rng.randint(0, 59), rng.randint(0, 59)), UTC)


def generate(
    store: Store, rows: int, seed: int = 7, progress: Callable[[int], None] | None = None
) -> Generated:
    """Bulk-insert authorizations with their units, scan codes and outcomes, in chunks of Core inserts.

    Requested dates span three years, oldest first. Authorizations requested more than 45 days ago are
    done; the recent ones are a mix of awaiting, in inspection and done, as on a working floor.
    """
    rng = random.Random(seed)
    products = catalogue(rng)
    today = date.today()
    now = datetime.now(UTC)
    first_day = today - timedelta(days=3 * 365)
    samples = Generated(rows, [], [], [])
    unit_id = outcome_id = code_id = 0
    for start in range(0, rows, CHUNK):
        auths: list[dict[str, Any]] = []
        units: list[dict[str, Any]] = []
        codes: list[dict[str, Any]] = []
        outcomes: list[dict[str, Any]] = []
        for n in range(start, min(rows, start + CHUNK)):
            auth_id = n + 1
            product = rng.choice(products)
            requested = first_day + timedelta(days=int(n * 3 * 365 / rows))
            order = f"{rng.randint(111, 114)}-{rng.randint(0, 9_999_999):07d}-{rng.randint(0, 9_999_999):07d}"
            draw = rng.random()
            kind = "RMA" if draw < 0.90 else "RA" if draw < 0.94 else "RGA" if draw < 0.97 else "RETURNLESS"
            amazon = rma_id(n) if kind in ("RMA", "RA") else None
            merchant = (
                f"MR{auth_id:010d}" if kind == "RGA" or (kind == "RMA" and rng.random() < 0.05) else None
            )
            if kind == "RMA" and merchant:
                amazon = None
            quantity = 1 if rng.random() < 0.8 else rng.choice((2, 2, 2, 3, 4, 5))
            tracking = f"1Z{rng.getrandbits(60):016X}" if rng.random() < 0.7 else None
            imported = min(_at(requested + timedelta(days=1), rng), now - timedelta(hours=12))
            age = (today - requested).days
            if age > 45:
                decided = quantity
            else:
                roll = rng.random()
                decided = 0 if roll < 0.4 else quantity if roll > 0.6 else rng.randint(0, quantity - 1)
            decided_at = min(
                imported + timedelta(days=rng.randint(1, 10), minutes=rng.randint(0, 600)),
                now - timedelta(minutes=rng.randint(5, 600)),
            )
            arrived = decided_at - timedelta(minutes=3) if decided else None
            auths.append(
                {
                    "id": auth_id,
                    "auth_key": amazon or merchant or f"{order}|{product.sku}|{requested.isoformat()}",
                    "kind": kind,
                    "source": "mfn_report",
                    "rma_id": amazon,
                    "merchant_rma_id": merchant,
                    "order_id": order,
                    "order_date": requested - timedelta(days=rng.randint(3, 25)),
                    "request_date": requested,
                    "request_status": "Approved",
                    "tracking_id": tracking,
                    "carrier": "UPS" if tracking else None,
                    "sku": product.sku,
                    "asin": f"B0{auth_id % 10**8:08d}",
                    "item_name": product.name,
                    "category": product.category,
                    "quantity": quantity,
                    "reason": rng.choice(REASONS) if rng.random() < 0.97 else None,
                    "customer_comment": None,
                    "in_policy": rng.random() < 0.9,
                    "currency": "USD",
                    "order_amount": product.price * quantity,
                    "order_quantity": quantity,
                    "tax_amount": None,
                    "marketplace": "amazon.com",
                    "imported_at": imported,
                    "updated_at": decided_at if decided else imported,
                    "arrived_at": arrived,
                    # What rmadesk.store.auth_status stores for it (arrived exactly when decided here).
                    "decided_units": decided,
                    "status": 2 if decided >= quantity else 0 if decided == 0 else 1,
                }
            )
            for kind_name, code in (
                ("rma", amazon),
                ("merchant_rma", merchant),
                ("order", order),
                ("tracking", tracking),
            ):
                if code:
                    code_id += 1
                    codes.append(
                        {
                            "id": code_id,
                            "code": code,
                            "code_folded": code.upper(),
                            "code_kind": kind_name,
                            "authorization_id": auth_id,
                            "unit_id": None,
                        }
                    )
            for seq in range(1, quantity + 1):
                unit_id += 1
                lpn = f"LPN{unit_id:010d}" if rng.random() < 0.1 else None
                units.append(
                    {"id": unit_id, "authorization_id": auth_id, "seq": seq, "lpn": lpn, "attempt": 0}
                )
                if lpn:
                    if len(samples.lpns) < 100:
                        samples.lpns.append(lpn)
                    code_id += 1
                    codes.append(
                        {
                            "id": code_id,
                            "code": lpn,
                            "code_folded": lpn,
                            "code_kind": "lpn",
                            "authorization_id": auth_id,
                            "unit_id": unit_id,
                        }
                    )
                if seq <= decided:
                    outcome_id += 1
                    disposition, location = (
                        DISPOSITIONS[0] if rng.random() < 0.7 else rng.choice(DISPOSITIONS[1:])
                    )
                    outcomes.append(
                        {
                            "id": outcome_id,
                            "outcome_uid": f"{outcome_id:032x}",
                            "unit_id": unit_id,
                            "attempt": 0,
                            "disposition": disposition,
                            "recommended": disposition,
                            "restocked": disposition == "sellable",
                            "location": location,
                            "currency": "USD",
                            "reimbursement_total": Decimal("0.00")
                            if disposition == "sellable"
                            else product.price,
                            "policy_name": "default",
                            "inspector": INSPECTORS[outcome_id % len(INSPECTORS)],
                            "bench": f"bench-{outcome_id % 3 + 1}",
                            "scanned_at": arrived,
                            "decided_at": decided_at,
                            "recorded_at": decided_at,
                        }
                    )
            if n % 997 == 0:
                samples.order_ids.append(order)
                if amazon:
                    samples.rma_ids.append(amazon)
        with store.engine.begin() as conn:
            conn.execute(insert(Authorization), auths)
            conn.execute(insert(Unit), units)
            conn.execute(insert(ScanCode), codes)
            if outcomes:
                conn.execute(insert(Outcome), outcomes)
        if progress:
            progress(min(rows, start + CHUNK))
    with store.engine.begin() as conn:
        _after_bulk_load(conn)
    return samples


def _after_bulk_load(conn: Connection) -> None:
    """Ids were given explicitly: move PostgreSQL's sequences past them; refresh planner statistics."""
    if conn.dialect.name == "postgresql":
        for table in ("return_authorization", "unit", "scan_code", "outcome"):
            conn.execute(
                text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
            )
        conn.execute(text("ANALYZE"))
    else:
        conn.execute(text("ANALYZE"))


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, list[float], Any]:
    """(first run ms, the runs after it in ms, result)."""
    times: list[float] = []
    result: Any = None
    for _ in range(max(1, repeat) + 1):
        started = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - started) * 1000)
    return times[0], times[1:], result


class Report:
    """Prints one line per query (median, spread, first run), with a mark on those over the target,
    and keeps each as a Figure."""

    def __init__(self, repeat: int) -> None:
        self.repeat = repeat
        self.slow: list[str] = []
        self.figures: list[Figure] = []

    def __call__(
        self,
        name: str,
        fn: Callable[[], Any],
        describe: Callable[[Any], str] = str,
        target: float = TARGET_MS,
    ) -> Any:
        first, runs, result = timed(fn, self.repeat)
        median, spread = statistics.median(runs), max(runs) - min(runs)
        self.figures.append(Figure(name, median, "ms", None, spread))
        mark = f"  <-- over {target:.0f} ms" if median > target else ""
        if mark:
            self.slow.append(name)
        print(
            f"{name:<58} {median:9.1f} ms ±{spread:6.1f}  (first {first:8.1f} ms)  {describe(result)}{mark}",
            flush=True,
        )
        return result


def _rows(rows: list[BrowseRow]) -> str:
    return f"{len(rows)} rows" + (f", first {rows[0].display_id}" if rows else "")


def run_queries(service: BrowseService, samples: Generated, repeat: int) -> Report:
    report = Report(repeat)
    everything = BrowseFilter()
    print(f"-- the list (page of 200; median of {repeat} runs after a first)")
    report("count, no filter", lambda: service.count(everything), lambda n: f"{n:,}")
    for key, descending in (("requested", True), ("order", False), ("item", False)):
        report(
            f"first page sorted by {key} {'desc' if descending else 'asc'}",
            lambda key=key, descending=descending: service.page(everything, key, descending, 0, 200),
            _rows,
            FIRST_PAGE_TARGET_MS,
        )
    middle = samples.rows // 2
    [anchor] = service.page(everything, "requested", True, middle - 1, 1)
    report(
        f"page at row {middle:,} (keyset, after the row before)",
        lambda: service.page(everything, "requested", True, 0, 200, after=anchor),
        _rows,
    )
    report(
        f"page at row {middle:,} (offset {middle:,})",
        lambda: service.page(everything, "requested", True, middle, 200),
        _rows,
    )
    print("-- searches: each query resolving the text itself, then page and count as the browser asks them")
    cold = BrowseService(service.store, BOSS, search_ttl_s=0)
    searches = {
        "RMA ID": samples.rma_ids[len(samples.rma_ids) // 3],
        "order ID": samples.order_ids[len(samples.order_ids) // 2],
        "RMA ID, case flipped (Caps Lock)": samples.rma_ids[len(samples.rma_ids) // 4].swapcase(),
        "LPN": samples.lpns[len(samples.lpns) // 2],
        "item substring, common ('kettle')": "kettle",
        "item words, rare ('navy bamboo wallet')": "navy bamboo wallet",
        "no match at all ('zzzqqq')": "zzzqqq",
    }
    for name, query in searches.items():
        f = BrowseFilter(text=query)
        report(f"search {name}: page", lambda f=f: cold.page(f, "requested", True, 0, 200), _rows)
        report(f"search {name}: count", lambda f=f: cold.count(f), lambda n: f"{n:,}")

        def as_the_browser(f: BrowseFilter = f) -> tuple[list[BrowseRow], int]:
            service.forget_searches()
            return service.page(f, "requested", True, 0, 200), service.count(f)

        report(f"search {name}: page + count", as_the_browser, lambda r: f"{len(r[0])} rows, {r[1]:,}")
        report(
            f"search {name}: count as the browser (at most {COUNTED_AT_MOST:,})",
            lambda f=f: cold.count(f, at_most=COUNTED_AT_MOST),
            lambda n: f"{n:,}",
        )
    print("-- filters")
    recent = date.today() - timedelta(days=30)
    filters = {
        "status awaiting": BrowseFilter(status="awaiting"),
        "status in_inspection": BrowseFilter(status="in_inspection"),
        "status done": BrowseFilter(status="done"),
        "kind RGA": BrowseFilter(kind="RGA"),
        "requested in the last 30 days": BrowseFilter(date_from=recent),
        "awaiting, last 30 days": BrowseFilter(status="awaiting", date_from=recent),
    }
    for name, f in filters.items():
        report(f"{name}: page", lambda f=f: service.page(f, "requested", True, 0, 200), _rows)
        report(f"{name}: count", lambda f=f: service.count(f), lambda n: f"{n:,}")
        report(
            f"{name}: count as the browser (at most {COUNTED_AT_MOST:,})",
            lambda f=f: service.count(f, at_most=COUNTED_AT_MOST),
            lambda n: f"{n:,}",
        )
    print("-- first page sorted by every other column")
    for key in ("rma", "sku", "quantity", "reason", "kind", "updated", "decided", "status"):
        for descending in (False, True):
            report(
                f"sorted by {key} {'desc' if descending else 'asc'}",
                lambda key=key, descending=descending: service.page(everything, key, descending, 0, 200),
                _rows,
            )
    detail_id = samples.rows // 3
    report(
        "detail of one authorization", lambda: service.detail(detail_id), lambda d: f"{len(d.units)} units"
    )
    return report


def measure(url: str, rows: int, repeat: int) -> list[Figure]:
    """Each browser query's median and spread (ms) over repeat runs after a first, on the database at
    url: loaded with rows authorizations when it holds none, else measured as it is."""
    store = open_store(url)
    try:
        samples = _loaded(store, rows)
        return run_queries(BrowseService(store, BOSS), samples, repeat).figures
    finally:
        store.dispose()


def _loaded(store: Store, rows: int) -> Generated:
    with store.read() as session:
        present = session.scalar(select(func.count()).select_from(Authorization)) or 0
    if present:
        print(f"{present:,} authorizations already there: not loading")
        return _samples_from(store, present)
    started = time.perf_counter()

    def progress(done: int) -> None:
        if done % 100_000 == 0 or done == rows:
            print(f"  loaded {done:,} ({time.perf_counter() - started:.0f} s)", flush=True)

    samples = generate(store, rows, progress=progress)
    elapsed = time.perf_counter() - started
    print(f"load: {rows:,} authorizations in {elapsed:.1f} s ({rows / elapsed:,.0f}/s)")
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", help="database URL (default: a new SQLite file)")
    parser.add_argument("--rows", type=int, default=1_000_000, help="authorizations to load")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each query after a first")
    parser.add_argument("--keep", help="keep the SQLite file at this path (default: a temporary folder)")
    args = parser.parse_args()
    assert math.gcd(RMA_MULTIPLIER, RMA_SPACE) == 1
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{args.keep or Path(tmp) / 'browse.sqlite3'}"
        print(f"database: {url}")
        figures = measure(url, args.rows, args.repeat)
        slow = [f.name for f in figures if f.value > TARGET_MS]
        print(f"{len(slow)} queries over {TARGET_MS:.0f} ms" + (f": {', '.join(slow)}" if slow else ""))


def _samples_from(store: Store, rows: int) -> Generated:
    with store.read() as session:
        picked = session.execute(
            select(Authorization.rma_id, Authorization.order_id)
            .where(Authorization.id % 997 == 1, Authorization.rma_id.is_not(None))
            .limit(2000)
        ).all()
        lpns = session.scalars(select(Unit.lpn).where(Unit.lpn.is_not(None)).limit(100)).all()
    return Generated(rows, [r.rma_id for r in picked], [r.order_id for r in picked], list(lpns))


if __name__ == "__main__":
    main()
