"""Garbage collection on the GUI thread only, so Qt objects are never freed from a worker thread."""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 1000


class GarbageCollector(QObject):
    """Turns off automatic collection and collects on a timer of the GUI thread.

    Python's collector runs in whichever thread happens to allocate; a cycle holding a Qt
    widget freed from the database worker thread would crash the process.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.collect)
        self._timer.start(INTERVAL_MS)

    def collect(self) -> None:
        gc.collect()

    def stop(self) -> None:
        """Hand collection back to Python (the GUI is done)."""
        self._timer.stop()
        gc.enable()
