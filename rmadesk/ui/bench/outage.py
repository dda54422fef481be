"""When the shared database goes away: the outage banner, the health checks, sending kept decisions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel

from rmadesk.domain.errors import DatabaseUnavailable
from rmadesk.services.journal import FlushReport, flush
from rmadesk.text.i18n import _, ngettext
from rmadesk.ui.common.failures import user_message
from rmadesk.ui.common.style import ERROR, scaled_font

if TYPE_CHECKING:
    from rmadesk.ui.bench.window import BenchWindow

HEALTH_ONLINE_MS = 10_000
HEALTH_OFFLINE_MS = 3_000


class OutageBanner(QLabel):
    """The red line over the bench while the shared database cannot be reached."""

    def __init__(self, points: float) -> None:
        super().__init__()
        self.setObjectName("banner")
        self.setStyleSheet(f"background: {ERROR};")
        self.setFont(scaled_font(self.font(), points * 0.75, bold=True))
        self.setWordWrap(True)
        self.setVisible(False)


class ConnectionWatch(QObject):
    """Pings the database now and then (more often while it is away) and sends the journal once back."""

    def __init__(self, window: BenchWindow) -> None:
        super().__init__(window)
        self.window = window
        self.session = window.session
        self.timer = QTimer(self)
        self.timer.setInterval(HEALTH_ONLINE_MS)
        self.timer.timeout.connect(self.check)
        self.timer.start()
        if window.journal is not None and window.journal.count():
            QTimer.singleShot(0, self.check)

    def check(self) -> None:
        runner = self.window.runner
        if runner.busy:
            return
        service, journal = self.window.service, self.window.journal

        def work() -> FlushReport | None:
            service.ping()
            if journal is None or not journal.count():
                return None
            return flush(journal, lambda d: service.record(d, from_journal=True))

        runner.run(work, self._answered, self._failed)

    def offline(self, problem: str | None) -> None:
        """The bench works without the shared database; ``problem`` when it was just found away."""
        if problem is not None:
            self.window.connection_lost.emit(problem)
        self.timer.setInterval(HEALTH_OFFLINE_MS)
        self._show_banner()

    def _show_banner(self) -> None:
        since = self.session.offline_since
        banner = self.window.outage
        if since is None:
            banner.setVisible(False)
            return
        journal = self.window.journal
        waiting = journal.count() if journal is not None else 0
        time = since.astimezone().strftime("%H:%M")
        if journal:
            text = ngettext(
                "The shared database cannot be reached since {time}. Reconnecting by itself. "
                "{count} decision(s) are kept on this bench and will be sent. "
                "Finish the return on screen; new returns open when it is back.",
                "The shared database cannot be reached since {time}. Reconnecting by itself. "
                "{count} decision(s) are kept on this bench and will be sent. "
                "Finish the return on screen; new returns open when it is back.",
                waiting,
            ).format(time=time, count=waiting)
        else:
            text = _(
                "The shared database cannot be reached since {time}. Reconnecting by itself. "
                "Finish the return on screen; new returns open when it is back."
            ).format(time=time)
        banner.setText(text)
        banner.setVisible(True)

    def _answered(self, report: FlushReport | None) -> None:
        step = self.session.back_online(report)
        if self.session.offline_since is not None:
            self._show_banner()
            return
        self.timer.setInterval(HEALTH_ONLINE_MS)
        self.window.outage.setVisible(False)
        self.window.show_step(step)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, DatabaseUnavailable):
            self.offline(exc.message if self.session.go_offline() else None)
        elif user_message(exc) is None:  # any other user error: the next check asks again
            self.window._unexpected(exc)
