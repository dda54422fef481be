"""The "find a return" window: the browser with a worker of its own."""

from __future__ import annotations

from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import QMainWindow, QWidget

from rmadesk.services.browse import BrowseService
from rmadesk.text.i18n import _
from rmadesk.ui.browser.widget import BrowserWidget
from rmadesk.ui.common.runner import Runner
from rmadesk.ui.common.style import STYLE_SHEET

BROWSER_POINTS = 11.0  # the browser's text at the usual size (scaled by the large_text_pt setting)


class BrowserWindow(QMainWindow):
    """The "find a return" window: a BrowserWidget with its own worker, so it never waits on a bench.

    Closing it stops its worker; showing it again starts a new one and reads the list afresh, so one
    window can be kept and shown again from a menu.

    Attributes:
        browser: the BrowserWidget.
        runner: the worker thread of this window's queries.
    """

    def __init__(
        self, service: BrowseService, *, points: float = BROWSER_POINTS, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("RMA Desk — find a return"))
        self.setStyleSheet(STYLE_SHEET)
        self.runner = Runner(self)
        self.browser = BrowserWidget(service, self.runner, points=points)
        self.setCentralWidget(self.browser)
        close = QAction(_("Close"), self)
        close.setShortcuts([QKeySequence(QKeySequence.StandardKey.Close)])
        close.triggered.connect(self.close)
        self.addAction(close)
        self.resize(1600, 900)
        self._stopped = False

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        if self._stopped:
            self._stopped = False
            self.runner = Runner(self)
            self.browser.use_runner(self.runner)
            self.browser.refresh()
        super().showEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.browser.abandon_pending()
        self.runner.wait(10000)
        self.runner.stop()
        self.browser.model.forget()  # the rows fetched go; showing the window again reads afresh
        self.browser.service.forget_searches()
        self._stopped = True
        super().closeEvent(event)
