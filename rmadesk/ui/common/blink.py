"""A text cursor that blinks while someone works and holds still at rest, as desktops do.

Each blink repaints the focused field and what lies under it; a bench waits for the next parcel most of
its shift, so blinking all day would keep it drawing twice a second for no one. After BLINK_SECONDS
without a key, a click or a change of focus the cursor stays shown without blinking (GNOME's
cursor-blink-timeout is 10 seconds too); the next key starts the blinking again.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

BLINK_SECONDS = 10
_desktop_flash_ms: list[int] = []  # the rate before any window changed it


class BlinkLimit(QObject):
    """Stops the application's cursor blinking after a rest; ``wake`` starts it again."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        self._app = app
        if not _desktop_flash_ms:
            _desktop_flash_ms.append(app.cursorFlashTime())
        self.flash_ms = _desktop_flash_ms[0]  # the desktop's own rate, 0 where it never blinks
        self._rest = QTimer(self)
        self._rest.setSingleShot(True)
        self._rest.setInterval(BLINK_SECONDS * 1000)
        self._rest.timeout.connect(self.rest)
        app.focusChanged.connect(self.wake)
        flash_ms = self.flash_ms
        # The setting is the application's: give it back as it was when the window goes.
        parent.destroyed.connect(lambda _obj=None: app.setCursorFlashTime(flash_ms))
        self._rest.start()

    @property
    def blinking(self) -> bool:
        return self._app.cursorFlashTime() > 0

    def wake(self, *_args: object) -> None:
        """Someone is working: blink at the desktop's rate, and rest again after BLINK_SECONDS."""
        if self._app.cursorFlashTime() != self.flash_ms:
            self._app.setCursorFlashTime(self.flash_ms)
        self._rest.start()

    def rest(self) -> None:
        """Hold the cursor still (shown) until the next key, click or change of focus."""
        if self.flash_ms:
            self._app.setCursorFlashTime(0)
