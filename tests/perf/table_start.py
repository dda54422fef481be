"""Cold start, in fresh processes: to the bench ready to scan, against a bare PySide6 window shown.

The child (``python -m tests.perf.table_start bare|bench [URL]``) prints "ready" once its window is up
and its event loop runs, then quits; the parent times each child from its launch to that line.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.perf.figures import Figure

ROOT = Path(__file__).resolve().parents[2]


def _bare() -> None:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    app = QApplication([])
    window = QWidget()
    window.resize(1280, 800)
    window.show()
    QTimer.singleShot(0, lambda: (print("ready", flush=True), app.quit()))
    app.exec()


def _bench(url: str) -> None:
    """The app's own start (rmadesk.app.run_gui), ended as soon as the bench waits for a scan."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication([])

    def when_ready() -> None:
        from rmadesk.ui.bench.window import BenchWindow

        shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, BenchWindow) and w.isVisible()]
        if not shown:
            QTimer.singleShot(1, when_ready)
            return
        print("ready", flush=True)
        app.quit()

    QTimer.singleShot(0, when_ready)  # runs once run_gui's event loop does
    from rmadesk.app import run_gui
    from rmadesk.settings import Settings

    run_gui(Settings(database_url=url, bench="perf", sounds=False), "Perf")


def _launch(args: list[str], config: str) -> float:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT), XDG_CONFIG_HOME=config)
    # As an installed program starts: from compiled bytecode, which the first start writes.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.perf.table_start", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    ready = False
    for line in child.stdout:
        if line.strip() == "ready":
            ready = True
            break
    elapsed = time.perf_counter() - started
    child.stdout.read()
    if child.wait() != 0 or not ready:
        raise RuntimeError(f"the {args[0]} start did not become ready (exit {child.returncode})")
    return elapsed


def measure(url: str, repeat: int) -> list[Figure]:
    """Seconds from a process's launch to the bench ready to scan, with a bare window's as the floor:
    the median and spread of ``repeat`` starts of each, alternated."""
    bare, bench = [], []
    with tempfile.TemporaryDirectory(prefix="rmadesk-perf-config-") as config:
        _launch(["bare"], config)  # the first starts read the files from disk and compile: not counted
        _launch(["bench", url], config)
        for _ in range(repeat):
            bare.append(_launch(["bare"], config))
            bench.append(_launch(["bench", url], config))
    return [
        Figure(
            "cold start to ready-to-scan",
            statistics.median(bench),
            "s",
            statistics.median(bare),
            (max(bench) - min(bench)) / 2,
        )
    ]


if __name__ == "__main__":
    if sys.argv[1] == "bare":
        _bare()
    else:
        _bench(sys.argv[2])
