"""A decided unit's photos in the browser's detail: thumbnails that open the photo enlarged."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QKeyEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from rmadesk.text.i18n import _, ngettext
from rmadesk.ui.bench.photo_strip import pixmap_of

THUMB_PX = 88
PER_ROW = 3  # thumbnails side by side: the detail pane stays as narrow as its text


def photo_caption(photo: Any) -> str:
    """Who took a stored photo, where, when, its size and its SHA-256."""
    when = photo.taken_at.astimezone().strftime("%Y-%m-%d %H:%M")
    return _("{width}×{height} · taken by {who} on {bench}, {when} · SHA-256 {sha}").format(
        width=photo.width,
        height=photo.height,
        who=photo.taken_by,
        bench=photo.bench,
        when=when,
        sha=photo.sha256,
    )


class ThumbButton(QToolButton):
    """A thumbnail to click, or to reach with Tab and open with Enter or Space."""

    def __init__(self, thumbnail: bytes, tip: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setIcon(QIcon(pixmap_of(thumbnail, THUMB_PX)))
        self.setIconSize(QSize(THUMB_PX, THUMB_PX))
        self.setToolTip(tip)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAutoRaise(True)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.click()
            return
        super().keyPressEvent(event)


class UnitPhotos(QWidget):
    """The row of a unit's photo thumbnails (hidden while it has none).

    Attributes:
        photos: the stored photos shown (StoredPhoto), in order.
        buttons: their thumbnails.

    Signals:
        opened(object): a thumbnail was clicked; its StoredPhoto.
    """

    opened = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.photos: list[Any] = []
        self.buttons: list[ThumbButton] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 0, 8, 6)
        layout.setSpacing(2)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color:#546e7a")
        layout.addWidget(self.note)
        self.grid = QGridLayout()
        self.grid.setSpacing(4)
        self.grid.setAlignment(Qt.AlignmentFlag.AlignLeft)
        layout.addLayout(self.grid)
        self.hide()

    def show_photos(self, photos: Sequence[Any]) -> None:
        for button in self.buttons:
            self.grid.removeWidget(button)
            button.deleteLater()
        self.photos, self.buttons = list(photos), []
        for n, photo in enumerate(self.photos):
            button = ThumbButton(photo.thumbnail, photo_caption(photo))
            button.clicked.connect(lambda _checked=False, p=photo: self.opened.emit(p))
            self.grid.addWidget(button, n // PER_ROW, n % PER_ROW)
            self.buttons.append(button)
        count = len(self.photos)
        self.note.setText(
            ngettext("{count} photo · click to enlarge", "{count} photos · click to enlarge", count).format(
                count=count
            )
        )
        self.setVisible(bool(self.photos))

    def show_problem(self, message: str) -> None:
        self.note.setText(message)
        self.show()
