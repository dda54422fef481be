"""Benchmark of the bench: import rate, then scan-to-card and confirm-to-next times, printed in ms.

Run: .venv/bin/python -m tests.perf.bench_scan [--db URL] [--authorizations N] [--units M]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from rmadesk.domain.policy import load_policy  # noqa: E402
from rmadesk.services.bench import BenchService  # noqa: E402
from rmadesk.services.context import open_store  # noqa: E402
from rmadesk.services.imports import import_report  # noqa: E402
from rmadesk.settings import Settings  # noqa: E402
from rmadesk.ui.bench.window import BenchWindow  # noqa: E402
from rmadesk.ui.common.collector import GarbageCollector  # noqa: E402
from rmadesk.ui.common.sounds import Sounds  # noqa: E402
from tests.perf.mfn_generator import write_mfn_report  # noqa: E402


class Counter:
    """Counts a signal's emissions (QSignalSpy keeps Python objects it should not)."""

    def __init__(self) -> None:
        self.n = 0

    def __call__(self, *_args: object) -> None:
        self.n += 1

    def count(self) -> int:
        return self.n


def _wait_for(spy: Counter, before: int, timeout_s: float = 10.0) -> None:
    deadline = time.perf_counter() + timeout_s
    while spy.count() <= before:
        QApplication.processEvents()
        if time.perf_counter() > deadline:
            raise TimeoutError("the window did not answer")


def _type(window: BenchWindow, code: str) -> None:
    target = QApplication.focusWidget() or window
    QTest.keyClicks(target, code)
    QTest.keyClick(target, Qt.Key.Key_Return)


def scan_to_card_ms(window: BenchWindow, cards: Counter, code: str) -> float:
    """Scan the code as a scanner does; the milliseconds until its card is shown and painted."""
    t0 = time.perf_counter()
    before = cards.count()
    _type(window, code)
    _wait_for(cards, before)
    QApplication.processEvents()
    return (time.perf_counter() - t0) * 1000


def summary(name: str, values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    return (
        f"{name}: median {statistics.median(ordered):.1f} ms, p95 {p95:.1f} ms, "
        f"max {ordered[-1]:.1f} ms over {len(ordered)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", help="database URL (default: a new SQLite file)")
    parser.add_argument("--authorizations", type=int, default=20000)
    parser.add_argument("--units", type=int, default=200, help="units to decide")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    GarbageCollector(app)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{tmp}/bench.sqlite3"
        store = open_store(url)
        report = Path(tmp) / "returns.txt"
        ids = write_mfn_report(report, args.authorizations)
        started = time.perf_counter()
        result = import_report(store, report, actor="bench", bench="perf")
        elapsed = time.perf_counter() - started
        print(f"database: {store.name}")
        print(
            f"import: {result.added} authorizations in {elapsed:.2f} s "
            f"({result.total_lines / elapsed:,.0f} rows/s)"
        )
        window = BenchWindow(
            BenchService(store, load_policy(), Settings(bench="perf", sounds=False)),
            "Perf",
            sounds=Sounds(enabled=False),
            points=14,
        )
        window.resize(1280, 800)
        window.show()
        cards, recorded = Counter(), Counter()
        window.card_shown.connect(cards)
        window.decision_recorded.connect(recorded)
        scan_to_card: list[float] = []
        confirm_to_next: list[float] = []
        step = max(1, len(ids) // args.units)
        for rid in ids[::step][: args.units]:
            scan_to_card.append(scan_to_card_ms(window, cards, rid))
            while window.session.unit is not None:
                _type(window, "CMD-SELLABLE")
                t1 = time.perf_counter()
                n = recorded.count()
                _type(window, "CMD-CONFIRM")
                _wait_for(recorded, n)
                QApplication.processEvents()
                confirm_to_next.append((time.perf_counter() - t1) * 1000)
        print(summary("scan to card (keys typed, looked up, card painted)", scan_to_card))
        print(summary("confirm to next unit or ready (written, screen updated)", confirm_to_next))
        window.close()
        store.dispose()


if __name__ == "__main__":
    main()
