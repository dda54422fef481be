"""Running service calls off the GUI thread, one at a time, with callbacks on the GUI thread."""

from __future__ import annotations

import itertools
import logging
import queue
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from rmadesk.ui.common.failures import show_failure

log = logging.getLogger(__name__)

_STOP = object()


class Runner(QObject):
    """Runs work in order on one worker thread, so database access never blocks the screen.

    Results wait in a dict under a lock; the queued Qt signal that wakes the GUI thread
    carries only the job id, so no Python object crosses threads inside Qt. A job without its
    own ``on_error`` fails by ``show_failure``: a user error is a message box over the window
    that owns the runner, anything else goes to the excepthook.

    Signals:
        busy_changed(bool): work started (True) or every queued job finished (False).
    """

    busy_changed = Signal(bool)
    _finished = Signal(int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ids = itertools.count(1)
        self._callbacks: dict[int, tuple[Callable[[Any], None], Callable[[BaseException], None]]] = {}
        self._results: dict[int, tuple[bool, Any]] = {}
        self._lock = threading.Lock()
        self._jobs: queue.Queue[Any] = queue.Queue()
        self._idle = threading.Event()
        self._idle.set()
        self._finished.connect(self._deliver)
        self._thread = threading.Thread(target=self._work, name="rmadesk-db", daemon=True)
        self._thread.start()

    @property
    def busy(self) -> bool:
        return bool(self._callbacks)

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        """Run ``fn`` on the worker, then ``on_done(result)`` or ``on_error(exc)`` on the GUI thread."""
        job_id = next(self._ids)
        was_busy = self.busy
        self._callbacks[job_id] = (on_done, on_error or self._show_failure)
        if not was_busy:
            self.busy_changed.emit(True)
        self._idle.clear()
        self._jobs.put((job_id, fn))

    def _show_failure(self, exc: BaseException) -> None:
        owner = self.parent()
        show_failure(exc, parent=owner if isinstance(owner, QWidget) else None)

    def wait(self, msecs: int = 30000) -> bool:
        """Block until the worker has run every job handed to it (results are delivered later)."""
        return self._idle.wait(msecs / 1000)

    def stop(self) -> None:
        self._jobs.put(_STOP)
        self._thread.join(timeout=10)

    def _work(self) -> None:
        while True:
            item = self._jobs.get()
            if item is _STOP:
                return
            job_id, fn = item
            try:
                outcome: tuple[bool, Any] = (True, fn())
            except BaseException as exc:  # noqa: BLE001 - every failure goes back to the GUI thread
                outcome = (False, exc)
            del fn, item
            with self._lock:
                self._results[job_id] = outcome
            if self._jobs.empty():
                self._idle.set()
            self._finished.emit(job_id)

    def _deliver(self, job_id: int) -> None:
        with self._lock:
            ok, value = self._results.pop(job_id)
        on_done, on_error = self._callbacks.pop(job_id)
        try:
            # The result is applied before anyone hears "idle": scans queued meanwhile must see it.
            if ok:
                on_done(value)
            else:
                on_error(value)
        finally:
            if not self._callbacks:
                self.busy_changed.emit(False)
