"""The card's photo strip: the open unit's photos as thumbnails, how many are still needed, and the way
to add or remove them."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent, QPixmap
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea, QToolButton, QWidget

from rmadesk.text.i18n import _, ngettext
from rmadesk.ui.bench.panels import make_button, make_label
from rmadesk.ui.common.style import ERROR, OK, scaled_font

THUMB_PX = 48  # the thumbnail's long side on the card: the strip must leave the card its room
STRIP_STYLE = """
QFrame#photoTile { background: white; border: 2px solid #cfd8dc; border-radius: 4px; }
QFrame#photoTile[selected="true"] { border: 3px solid #1f4e8c; }
QScrollArea, QScrollArea > QWidget > QWidget { background: transparent; }
QToolButton#removePhoto { background: #b3261e; color: white; border-radius: 9px; font-weight: 700; }
"""


def pixmap_of(jpeg: bytes, size: int = THUMB_PX) -> QPixmap:
    """A JPEG (a thumbnail) as a pixmap whose long side is at most ``size``."""
    pixmap = QPixmap()
    if not pixmap.loadFromData(jpeg, "JPG"):
        return QPixmap()
    if max(pixmap.width(), pixmap.height()) > size:
        pixmap = pixmap.scaled(
            size, size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
    return pixmap


def thumbnail_of(photo: object) -> bytes:
    """The thumbnail JPEG of a pending photo (a Photo, or its thumbnail's bytes)."""
    if isinstance(photo, bytes | bytearray):
        return bytes(photo)
    thumbnail: bytes = getattr(photo, "thumbnail", b"")
    return thumbnail


def photos_text(count: int, required: int) -> str:
    """ "Photos: 1 of 2 needed", or how many there are when the decision needs none (or no more)."""
    if required > count:
        return _("Photos: {count} of {required} needed").format(count=count, required=required)
    if required:
        return ngettext(
            "Photos: {count} (enough: {required} needed)",
            "Photos: {count} (enough: {required} needed)",
            count,
        ).format(count=count, required=required)
    return _("Photos: {count}").format(count=count)


class PhotoTile(QFrame):
    """One photo: its thumbnail, with a small button in its corner that removes it.

    Signals:
        clicked(int): the tile was clicked (selects it).
        remove_clicked(int): its remove button was pressed.
    """

    clicked = Signal(int)
    remove_clicked = Signal(int)

    def __init__(self, index: int, jpeg: bytes, points: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("photoTile")
        self.index = index
        self.setProperty("selected", False)
        self.setFixedSize(THUMB_PX + 8, THUMB_PX + 8)
        self.image = QLabel(self)
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image.setGeometry(4, 4, THUMB_PX, THUMB_PX)
        pixmap = pixmap_of(jpeg)
        if pixmap.isNull():
            self.image.setText("?")
        else:
            self.image.setPixmap(pixmap)
        self.remove = QToolButton(self)
        self.remove.setObjectName("removePhoto")
        self.remove.setText("✕")
        self.remove.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the scan field keeps the focus
        self.remove.setGeometry(THUMB_PX + 8 - 20, 2, 18, 18)
        self.remove.setToolTip(_("Remove this photo (or select it and press Delete)"))
        self.remove.clicked.connect(lambda: self.remove_clicked.emit(self.index))

    def set_selected(self, selected: bool) -> None:
        self.setProperty("selected", selected)
        self.style().unpolish(self)
        self.style().polish(self)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        self.clicked.emit(self.index)
        super().mousePressEvent(event)


class PhotoStrip(QFrame):
    """The open unit's photos under the card, with the camera's live view when there is a camera.

    Attributes:
        selected: the index of the selected photo (Delete removes it), or -1.
        tiles: the tiles on show, in order.

    Signals:
        take_requested(): the "Take photo" button.
        files_requested(): the "Add files" button.
        remove_requested(int): remove the photo at this index.
    """

    take_requested = Signal()
    files_requested = Signal()
    remove_requested = Signal(int)

    def __init__(self, points: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self.setStyleSheet(STRIP_STYLE)
        self.points = points
        self.selected = -1
        self.tiles: list[PhotoTile] = []
        self.required = 0
        self.camera_available = False
        # One row, the height of a thumbnail: the card and the decision above keep their room.
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 4, 12, 4)
        row.setSpacing(10)
        self.preview_box = QHBoxLayout()
        row.addLayout(self.preview_box)
        self.count = make_label(wrap=False)
        self.count.setObjectName("photoCount")
        self.count.setFont(scaled_font(self.font(), points * 0.8, bold=True))
        row.addWidget(self.count)
        self.scroll = QScrollArea()
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setFixedHeight(THUMB_PX + 10)
        holder = QWidget()
        self.row = QHBoxLayout(holder)
        self.row.setContentsMargins(0, 0, 0, 0)
        self.row.setSpacing(6)
        self.scroll.setWidget(holder)
        row.addWidget(self.scroll, 1)
        self.hint = make_label(name="hint")
        self.hint.setFont(scaled_font(self.font(), points * 0.6))
        self.take = make_button(_("Take photo [P]"))
        self.add = make_button(_("Add files… [F]"))
        for button in (self.take, self.add):
            button.setMinimumHeight(THUMB_PX)
            button.setFont(scaled_font(self.font(), points * 0.65, bold=True))
            row.addWidget(button)
        self.take.clicked.connect(self.take_requested.emit)
        self.add.clicked.connect(self.files_requested.emit)
        self.use_camera(False)
        self.show_photos((), 0)

    def use_camera(self, available: bool, preview: QWidget | None = None) -> None:
        """Offer the camera (with its live view, if it has one), or, with none, files instead."""
        while self.preview_box.count():  # the camera's view is the camera's own: hidden, never deleted
            old = self.preview_box.takeAt(0).widget()
            if old is not None:
                old.hide()
        self.camera_available = available
        self.take.setVisible(available)
        if preview is not None:
            preview.setFixedSize(THUMB_PX * 16 // 9, THUMB_PX)
            self.preview_box.addWidget(preview)
            preview.show()
        if available:
            self.hint.setText(_("P or CMD-PHOTO takes a photo · F adds files · or drop images on the card"))
        else:
            self.hint.setText(_("No camera: F adds photo files, or drop them on the card"))
        self.setToolTip(self.hint.text() + "\n" + _("Delete removes the selected photo."))

    def wanted(self, photos: int, required: int) -> bool:
        """Whether the strip earns its room on the card: photos are there or needed, or a camera's
        live view is to show. Otherwise P and F still add photos, and the strip appears then."""
        return bool(photos or required or self.camera_available)

    def show_photos(self, photos: Sequence[object], required: int) -> None:
        """The pending photos (Photo objects or thumbnail bytes) and how many the decision needs."""
        self.required = required
        count = len(photos)
        self.count.setText(photos_text(count, required))
        self.count.setStyleSheet(f"color: {ERROR if required > count else OK if required else '#37474f'};")
        while self.row.count():
            item = self.row.takeAt(0)
            widget = item.widget()
            if widget is self.hint:
                widget.hide()
            elif widget is not None:
                widget.deleteLater()
        self.tiles = []
        if not photos:  # the empty row says how photos come in
            self.row.addWidget(self.hint)
            self.hint.show()
        for index, photo in enumerate(photos):
            tile = PhotoTile(index, thumbnail_of(photo), self.points)
            tile.clicked.connect(self.select)
            tile.remove_clicked.connect(self.remove_requested.emit)
            self.row.addWidget(tile)
            self.tiles.append(tile)
        self.row.addStretch(1)
        # The newest photo is selected: Delete right after a bad shot takes it away.
        self.select(count - 1 if count else -1)
        if self.tiles:
            self.scroll.ensureWidgetVisible(self.tiles[-1])

    def select(self, index: int) -> None:
        self.selected = index if 0 <= index < len(self.tiles) else -1
        for tile in self.tiles:
            tile.set_selected(tile.index == self.selected)
