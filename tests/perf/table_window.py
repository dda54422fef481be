"""A bench window at work, in a process of its own: scan to card painted, peak RSS, then idle CPU.

The child (``python -m tests.perf.table_window URL SCANS``) opens the real bench window offscreen,
scans SCANS returns already decided (each card painted before the next scan), prints the times and its
peak RSS as one JSON line, then rests at its screen until it is ended. The parent reads the child's
CPU ticks from /proc over the rest.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from tests.perf.figures import Figure, percentile

ROOT = Path(__file__).resolve().parents[2]


def _child(url: str, scans: int) -> None:
    import tempfile

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication
    from sqlalchemy import select

    from rmadesk.domain.policy import load_policy
    from rmadesk.services.bench import BenchService
    from rmadesk.services.context import open_store
    from rmadesk.settings import Settings
    from rmadesk.store.models import Authorization, Unit
    from rmadesk.ui.bench.window import BenchWindow
    from rmadesk.ui.common.collector import GarbageCollector
    from rmadesk.ui.common.sounds import Sounds
    from tests.perf.bench_scan import Counter, scan_to_card_ms

    app = QApplication.instance() or QApplication([])
    store = open_store(url)
    with store.read() as session:  # returns whose units are all decided: a scan opens no claim
        undecided = select(Unit.id).where(
            Unit.authorization_id == Authorization.id, Unit.decided_at.is_(None)
        )
        top = session.scalar(select(Authorization.id).order_by(Authorization.id.desc()).limit(1)) or 0
        step = max(1, top // max(1, scans))
        codes = list(
            session.scalars(
                select(Authorization.rma_id)
                .where(Authorization.rma_id.is_not(None), Authorization.id % step == 0, ~undecided.exists())
                .limit(scans)
            ).all()
        )
    settings = Settings(bench="perf", sounds=False, label_folder=tempfile.mkdtemp(prefix="rmadesk-perf-"))
    window = BenchWindow(
        BenchService(store, load_policy(), settings), "Perf", sounds=Sounds(enabled=False), points=14
    )
    window.resize(1280, 800)
    window.show()
    collector = GarbageCollector(app)  # as the app runs: part of what the bench costs at rest
    cards = Counter()
    window.card_shown.connect(cards)
    times: list[float] = []
    for n in range(scans):
        times.append(scan_to_card_ms(window, cards, codes[n % len(codes)]))
    window.runner.wait()
    peak_mb = _peak_rss_kib() / 1024
    print(json.dumps({"scan_ms": times, "peak_rss_mb": peak_mb}), flush=True)
    app.exec()  # at rest until ended
    collector.stop()


def _peak_rss_kib() -> int:
    """This process's own peak resident set (VmHWM). Not getrusage's ru_maxrss: on Linux that keeps the
    peak of the image before exec, so a child started by a large parent would report the parent's."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("/proc/self/status has no VmHWM line")


def _ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime


def measure(url: str, scans: int, repeat: int, idle_s: float) -> list[Figure]:
    """Scan to card p50/p99 (the scans split into ``repeat`` runs: median and spread of the runs' p50 and
    p99), peak RSS after the scans, and the CPU share of a core over ``idle_s`` seconds at rest."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.perf.table_window", url, str(scans)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        if not line:
            raise RuntimeError(f"the bench process ended without figures (exit {child.wait()})")
        result = json.loads(line)
        time.sleep(min(2.0, idle_s))  # the last scan's work settles
        before, t0 = _ticks(child.pid), time.perf_counter()
        time.sleep(idle_s)
        ticks, elapsed = _ticks(child.pid) - before, time.perf_counter() - t0
    finally:
        child.terminate()
        child.wait()
    times: list[float] = result["scan_ms"]
    size = max(1, len(times) // max(1, repeat))
    runs = [times[i : i + size] for i in range(0, len(times), size) if len(times[i : i + size]) == size]
    figures = []
    for name, share in (("scan to card p50", 0.50), ("scan to card p99", 0.99)):
        values = [percentile(run, share) for run in runs]
        figures.append(Figure(name, statistics.median(values), "ms", None, (max(values) - min(values)) / 2))
    figures.append(Figure(f"peak RSS after {len(times):,} scans", result["peak_rss_mb"], "MB"))
    cpu = ticks / os.sysconf("SC_CLK_TCK") / elapsed * 100
    figures.append(Figure(f"idle CPU over {idle_s:g} s", cpu, "% of a core"))
    return figures


if __name__ == "__main__":
    _child(sys.argv[1], int(sys.argv[2]))
