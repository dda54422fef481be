"""The card's photo strip: the open unit's photos as thumbnails, how many are still needed, and the way
to add or remove them."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent, QPixmap
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from rmadesk.text.i18n import _, ngettext
from rmadesk.ui.bench.panels import clear_layout, make_button, make_label
from rmadesk.ui.common.style import ERROR, OK, scaled_font

THUMB_PX = 96  # the thumbnail's long side on the card
STRIP_STYLE = """
QFrame#photoTile { background: white; border: 2px solid #cfd8dc; border-radius: 6px; }
QFrame#photoTile[selected="true"] { border: 3px solid #1f4e8c; }
QPushButton#removePhoto { padding: 0 6px; }
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
    """One photo: its thumbnail, and a button that removes it.

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
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(2)
        self.image = QLabel()
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image.setFixedSize(THUMB_PX, THUMB_PX)
        pixmap = pixmap_of(jpeg)
        if pixmap.isNull():
            self.image.setText(_("(no preview)"))
        else:
            self.image.setPixmap(pixmap)
        layout.addWidget(self.image)
        self.remove = make_button(_("✕ Remove"), "removePhoto")
        self.remove.setMinimumHeight(int(points * 1.6))
        self.remove.setFont(scaled_font(self.font(), points * 0.6))
        self.remove.setToolTip(_("Remove this photo (or select it and press Delete)"))
        self.remove.clicked.connect(lambda: self.remove_clicked.emit(self.index))
        layout.addWidget(self.remove)

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
        outer = QHBoxLayout(self)
        outer.setContentsMargins(14, 8, 14, 8)
        outer.setSpacing(10)
        self.preview_box = QVBoxLayout()
        outer.addLayout(self.preview_box)
        body = QVBoxLayout()
        body.setSpacing(4)
        top = QHBoxLayout()
        self.count = make_label(wrap=False)
        self.count.setObjectName("photoCount")
        self.count.setFont(scaled_font(self.font(), points * 0.8, bold=True))
        top.addWidget(self.count, 1)
        self.take = make_button(_("Take photo [P]"))
        self.add = make_button(_("Add files… [F]"))
        for button in (self.take, self.add):
            button.setMinimumHeight(int(points * 2.2))
            button.setFont(scaled_font(self.font(), points * 0.7, bold=True))
            top.addWidget(button)
        self.take.clicked.connect(self.take_requested.emit)
        self.add.clicked.connect(self.files_requested.emit)
        body.addLayout(top)
        self.scroll = QScrollArea()
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setFixedHeight(THUMB_PX + int(points * 1.6) + 36)
        holder = QWidget()
        self.row = QHBoxLayout(holder)
        self.row.setContentsMargins(0, 0, 0, 0)
        self.row.setSpacing(8)
        self.row.addStretch(1)
        self.scroll.setWidget(holder)
        body.addWidget(self.scroll)
        self.hint = make_label(name="hint")
        self.hint.setFont(scaled_font(self.font(), points * 0.6))
        body.addWidget(self.hint)
        outer.addLayout(body, 1)
        self.use_camera(None)
        self.show_photos((), 0)

    def use_camera(self, preview: QWidget | None) -> None:
        """Show the camera's live view (None: there is no camera, so files are offered instead)."""
        while self.preview_box.count():  # the camera's view is the camera's own: hidden, never deleted
            old = self.preview_box.takeAt(0).widget()
            if old is not None:
                old.hide()
        self.take.setVisible(preview is not None)
        if preview is not None:
            preview.setFixedSize(int(THUMB_PX * 16 / 9), THUMB_PX)
            self.preview_box.addWidget(preview)
            preview.show()
            self.hint.setText(
                _("P or CMD-PHOTO takes a photo · F adds files · drop images on the card · Delete removes")
            )
        else:
            self.hint.setText(
                _("No camera: F adds photo files, or drop them on the card · Delete removes the selected one")
            )

    def show_photos(self, photos: Sequence[object], required: int) -> None:
        """The pending photos (Photo objects or thumbnail bytes) and how many the decision needs."""
        self.required = required
        count = len(photos)
        self.count.setText(photos_text(count, required))
        self.count.setStyleSheet(f"color: {ERROR if required > count else OK if required else '#37474f'};")
        clear_layout(self.row)
        self.tiles = []
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
