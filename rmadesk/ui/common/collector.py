"""Garbage collection on the GUI thread only, so Qt objects are never freed from a worker thread."""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 1000
# The full collection that freezes the start-up's objects waits until the window is up: about 60 ms
# kept off the way to the first scan (keys typed meanwhile wait in Qt's queue, none lost).
SETTLE_MS = 1500


class GarbageCollector(QObject):
    """Turns off automatic collection and collects on a timer of the GUI thread.

    Python's collector runs in whichever thread happens to allocate; a cycle holding a Qt
    widget freed from the database worker thread would crash the process.

    The timer only looks at Python's own allocation counts and collects the generations that are
    over their thresholds, as the automatic collector would have: an idle bench allocates next to
    nothing, so it collects nothing, and a busy one does the young collections that cost little.
    What was alive once the window came up (modules, widgets) is frozen out of every collection.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        gc.disable()
        self.thresholds = gc.get_threshold()
        self.collections = [0, 0, 0]  # how many of each generation, for the tests and the curious
        gc.collect(0)  # the young generation only: cheap
        self.settled = False
        QTimer.singleShot(SETTLE_MS, self, self.settle)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)
        self._timer.start(INTERVAL_MS)

    def settle(self) -> None:
        """One full collection, then the objects left are frozen: never scanned again."""
        if self.settled:
            return
        gc.collect()
        gc.freeze()
        self.settled = True

    def check(self) -> None:
        """Collect the generations whose counts are over their thresholds, youngest first."""
        young, middle, old = gc.get_count()
        if young <= self.thresholds[0]:
            return
        generation = 0
        if middle > self.thresholds[1]:
            generation = 2 if old > self.thresholds[2] else 1
        gc.collect(generation)
        self.collections[generation] += 1

    def collect(self) -> None:
        """A full collection now (a window closed and what it held is to go)."""
        gc.collect()
        self.collections[2] += 1

    def stop(self) -> None:
        """Hand collection back to Python (the GUI is done)."""
        self._timer.stop()
        gc.unfreeze()
        gc.enable()
