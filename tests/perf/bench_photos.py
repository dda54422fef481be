"""Benchmark of a bench photo from capture to stored, and of what each photo adds to the database.

Run: .venv/bin/python -m tests.perf.bench_photos [--db URL] [--runs N] [--photos P]
(default: a new SQLite file, 9 runs, 20 photos for the growth).

A 12 MP (4000 × 3000) camera JPEG with EXIF orientation and GPS is made once. Each run times, from
its bytes: ``prepare_photo`` (decode, turn upright, strip, downscale to 2560 px, JPEG 85, thumbnail)
then ``BenchService.record`` of a carrier-damaged decision carrying it (one transaction), and
prints the median of the runs (target: 300 ms for one photo, capture to stored). The growth is the
SQLite file's size (WAL checkpointed) before and after P more photos, divided by P.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import text

from rmadesk.domain.model import AuthorizationSource, Decision, Disposition
from rmadesk.domain.policy import load_policy
from rmadesk.services.bench import BenchService, new_outcome_uid
from rmadesk.services.context import open_store
from rmadesk.services.photos import prepare_photo
from rmadesk.settings import Settings
from rmadesk.store.models import Authorization, Unit
from rmadesk.store.uow import Store
from tests.photos import camera_jpeg

TARGET_MS = 300.0


def _units(store: Store, count: int) -> list[int]:
    """``count`` fresh one-unit returns to decide."""
    with store.unit_of_work() as session:
        made = []
        for index in range(count):
            auth = Authorization(
                auth_key=f"PHOTO-BENCH-{new_outcome_uid()}",
                kind="RMA",
                source=AuthorizationSource.DEMO.value,
                rma_id=f"DPHOTO{index:06d}{new_outcome_uid()[:6]}",
                order_id=f"111-{index:07d}-0000000",
                sku="BENCH-SKU",
                item_name="Bench photo unit",
                quantity=1,
                currency="USD",
            )
            auth.units = [Unit(seq=1)]
            session.add(auth)
            made.append(auth)
        session.flush()
        return [a.units[0].id for a in made]


def _file_size(store: Store) -> int:
    """The SQLite file's size with its WAL folded in (the last connection closed checkpoints it)."""
    store.dispose()
    return Path(store.engine.url.database or "").stat().st_size


def _pg_size(store: Store) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_total_relation_size('photo')")).scalar_one())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", help="database URL (default: a new SQLite file)")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--photos", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(args.db or f"sqlite:///{Path(tmp) / 'photos.sqlite3'}")
        print(f"database: {store.name}")
        service = BenchService(store, load_policy(), Settings(bench="perf"))
        capture = camera_jpeg(4000, 3000, orientation=6, gps=True)
        print(f"capture: 4000 x 3000 JPEG, {len(capture) / 1e6:.2f} MB")
        units = _units(store, args.runs + 1 + args.photos)
        prepared: list[float] = []
        recorded: list[float] = []
        total: list[float] = []
        for run, unit_id in enumerate(units[: args.runs + 1]):
            t0 = time.perf_counter()
            photo = prepare_photo(capture, taken_by="perf", bench="perf", source="camera")
            t1 = time.perf_counter()
            decision = Decision(
                new_outcome_uid(),
                unit_id,
                Disposition.CARRIER_DAMAGED,
                "perf",
                "perf",
                photos=(photo,),
            )
            service.record(decision)
            t2 = time.perf_counter()
            if run == 0:
                continue  # the first run warms the caches and the connection
            prepared.append(t1 - t0)
            recorded.append(t2 - t1)
            total.append(t2 - t0)
        median_ms = statistics.median(total) * 1000
        print(f"{args.runs} runs, medians:")
        print(f"  prepare_photo (12 MP -> 2560 px)     {statistics.median(prepared) * 1000:7.1f} ms")
        print(f"  record (outcome + its photo)         {statistics.median(recorded) * 1000:7.1f} ms")
        verdict = "within" if median_ms <= TARGET_MS else "OVER"
        print(f"  capture to stored                    {median_ms:7.1f} ms  ({verdict} {TARGET_MS:.0f} ms)")
        print(
            f"  stored photo {photo.width} x {photo.height}, {len(photo.jpeg) / 1024:.0f} KB "
            f"(thumbnail {len(photo.thumbnail) / 1024:.1f} KB)"
        )

        size = _file_size if store.dialect == "sqlite" else _pg_size
        before = size(store)
        stored_bytes = 0
        for unit_id in units[args.runs + 1 :]:
            photo = prepare_photo(capture, taken_by="perf", bench="perf", source="camera")
            stored_bytes += len(photo.jpeg) + len(photo.thumbnail)
            service.record(
                Decision(
                    new_outcome_uid(), unit_id, Disposition.CARRIER_DAMAGED, "perf", "perf", photos=(photo,)
                )
            )
        grown = size(store) - before
        what = "file" if store.dialect == "sqlite" else "photo table"
        print(
            f"database growth, {args.photos} photos: {grown / 1024:.0f} KB of the {what}, "
            f"{grown / args.photos / 1024:.0f} KB per photo "
            f"(its JPEG and thumbnail: {stored_bytes / args.photos / 1024:.0f} KB)"
        )
        store.dispose()


if __name__ == "__main__":
    main()
