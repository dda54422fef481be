"""Running service calls off the GUI thread, one at a time, with callbacks on the GUI thread."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class _Relay(QObject):
    done = Signal(int, object)
    failed = Signal(int, object)


class _Job(QRunnable):
    def __init__(self, job_id: int, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        self.job_id = job_id
        self.fn = fn
        self.relay = relay
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self.fn()
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the GUI thread
            self.relay.failed.emit(self.job_id, exc)
        else:
            self.relay.done.emit(self.job_id, result)


class Runner(QObject):
    """Runs work in order on one worker thread, so database access never blocks the screen.

    Signals:
        busy_changed(bool): work started (True) or every queued job finished (False).
    """

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._relay = _Relay(self)
        self._relay.done.connect(self._on_done)
        self._relay.failed.connect(self._on_failed)
        self._ids = itertools.count(1)
        self._callbacks: dict[int, tuple[Callable[[Any], None], Callable[[BaseException], None]]] = {}

    @property
    def busy(self) -> bool:
        return bool(self._callbacks)

    def run(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        job_id = next(self._ids)
        was_busy = self.busy
        self._callbacks[job_id] = (on_done, on_error)
        if not was_busy:
            self.busy_changed.emit(True)
        self._pool.start(_Job(job_id, fn, self._relay))

    def wait(self, msecs: int = 30000) -> bool:
        return self._pool.waitForDone(msecs)

    def _finish(self, job_id: int) -> tuple[Callable[[Any], None], Callable[[BaseException], None]]:
        callbacks = self._callbacks.pop(job_id)
        if not self._callbacks:
            self.busy_changed.emit(False)
        return callbacks

    def _on_done(self, job_id: int, result: Any) -> None:
        on_done, _ = self._finish(job_id)
        on_done(result)

    def _on_failed(self, job_id: int, exc: BaseException) -> None:
        _, on_error = self._finish(job_id)
        on_error(exc)
