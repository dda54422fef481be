"""Taking scans wherever the focus is: a fast burst of keys ending in Enter is a scan."""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

# A scanner types a few ms per key; a person 120 to 250 ms. Keys closer than this form a burst.
BURST_GAP_S = 0.060
MIN_BURST = 4
NO_SCAN = "rmadesk_no_scan"  # a widget property: keys typed there are never taken as a scan (a PIN)
_SUBMIT_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


def _is_text_input(widget: QWidget | None) -> bool:
    while widget is not None:
        if isinstance(widget, QLineEdit | QTextEdit | QPlainTextEdit | QAbstractSpinBox):
            return not getattr(widget, "isReadOnly", lambda: False)()
        if isinstance(widget, QComboBox):
            return widget.isEditable()
        widget = widget.parentWidget()
    return False


_ACTIVITY = (QEvent.Type.MouseButtonPress, QEvent.Type.ShortcutOverride)


class ScanCatcher(QObject):
    """Event filter on the application that routes scanner input to the scan field.

    Keys typed while no text input has the focus go into the scan field, so a scan works
    wherever the focus is. In another text input (an override reason, say), a fast burst
    ending in Enter is taken out of that input and submitted as a scan.

    Signals:
        scanned(str): a burst captured from another text input, to be handled as a scan.
    """

    scanned = Signal(str)
    activity = Signal()

    def __init__(self, window: QWidget, scan_field: QLineEdit) -> None:
        super().__init__(window)
        self.window = window
        self.scan_field = scan_field
        self._burst = ""
        self._burst_widget: QLineEdit | None = None
        self._burst_before = ""
        self._last_key = 0.0

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() in _ACTIVITY:  # a click, or a key that may be a shortcut (Esc, F10...)
            self.activity.emit()
            return False
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        self.activity.emit()
        focus = QApplication.focusWidget()
        if focus is None:
            # Nothing has the focus: the key goes to the window itself.
            if obj is not self.window:
                return False
        elif obj is not focus or focus.window() is not self.window:
            return False
        if focus is self.scan_field or (focus is not None and focus.property(NO_SCAN)):
            return False
        if event.modifiers() & ~(Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier):
            return False
        if _is_text_input(focus):
            return self._watch_burst(focus, event)
        return self._redirect(event)

    def _redirect(self, event: QKeyEvent) -> bool:
        text = event.text()
        if event.key() in _SUBMIT_KEYS:
            if self.scan_field.text():
                self.scan_field.returnPressed.emit()
                return True
            return False
        if len(text) == 1 and text.isprintable():
            self.scan_field.insert(text)
            return True
        return False

    def _watch_burst(self, focus: QWidget, event: QKeyEvent) -> bool:
        now = time.monotonic()
        fast = now - self._last_key <= BURST_GAP_S
        self._last_key = now
        line_edit = focus.lineEdit() if isinstance(focus, QComboBox) else focus
        if not isinstance(line_edit, QLineEdit):
            line_edit = None
        if event.key() in _SUBMIT_KEYS:
            burst, widget, before = self._burst, self._burst_widget, self._burst_before
            self._burst = ""
            if fast and len(burst) >= MIN_BURST and widget is line_edit and widget is not None:
                widget.setText(before)
                self.scanned.emit(burst)
                return True
            return False
        text = event.text()
        if len(text) == 1 and text.isprintable():
            if not fast or self._burst_widget is not line_edit or not self._burst:
                self._burst = ""
                self._burst_widget = line_edit
                self._burst_before = line_edit.text() if line_edit else ""
            self._burst += text
        else:
            self._burst = ""
        return False
