"""Photos into the open unit: from the camera, files, a drop on the card or a watched folder; each
prepared off the GUI thread and handed to the inspection."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QFileSystemWatcher, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent

from rmadesk.services.inspection import BUSY_STATES
from rmadesk.services.photos import prepare_photo, prepare_photo_file
from rmadesk.text.i18n import N_, _
from rmadesk.ui.bench.camera import FrameSource
from rmadesk.ui.bench.scanner import BURST_GAP_S
from rmadesk.ui.common import dialogs
from rmadesk.ui.common.failures import user_message
from rmadesk.ui.common.style import NEUTRAL, NOTE

if TYPE_CHECKING:
    from rmadesk.ui.bench.window import BenchWindow

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".tif", ".tiff", ".bmp", ".gif", ".heic", ".heif")
NO_CAMERA = N_("No camera found on this bench: add photos from files (F) or drag them onto the card.")
SETTLE_MS = 500  # a new file in the watched folder is taken once its size holds this long


def is_image_path(path: Path) -> bool:
    """Whether the file's name says it is an image (its content is checked when it is prepared)."""
    return path.suffix.lower() in IMAGE_SUFFIXES and not path.name.startswith(".")


class PhotoIntake(QObject):
    """Where the bench's photos come in, and where they go: each is prepared on the window's worker
    (Pillow: decode, orient, strip, shrink), then added to the open unit; a refused one is said in
    the banner and nothing of it is kept.

    Attributes:
        camera: the bench's FrameSource (``available()`` is False on a bench without a camera).
        folder: the watched folder, or None.

    Signals:
        photo_added(int): the open unit now has this many photos.
        photo_removed(int): a photo was removed; this many are left.
        photo_refused(str): a photo was not added; the message shown.
    """

    photo_added = Signal(int)
    photo_removed = Signal(int)
    photo_refused = Signal(str)

    def __init__(self, window: BenchWindow, camera: FrameSource, folder: str = "") -> None:
        super().__init__(window)
        self.window = window
        self.camera = camera
        self._told_no_camera = False
        self._capture_for: str | None = None  # the outcome id of the unit a capture is for
        camera.frame_captured.connect(self._frame)
        camera.capture_failed.connect(self._capture_failed)
        self.folder: PhotoFolderWatch | None = None
        if folder:
            self.folder = PhotoFolderWatch(Path(folder).expanduser(), self)
            self.folder.arrived.connect(self._arrived)

    # ----- asking --------------------------------------------------------------------------
    def _unit_open(self) -> bool:
        session = self.window.session
        if session.unit is None or session.state in BUSY_STATES:
            self._refuse(_("Open a unit first (scan its RMA): photos go with the unit on screen."))
            return False
        return True

    @property
    def capturing(self) -> bool:
        return self._capture_for is not None

    def take_photo(self) -> None:
        """P, F9 or the button: the inspection says whether a photo may be taken now (as for CMD-PHOTO),
        and its step has the window call ``capture``."""
        self.window.show_step(self.window.session.take_photo())

    def capture(self) -> None:
        """A photo from the camera, or files on a bench without one (said once)."""
        if not self._unit_open():
            return
        if not self.camera.available():
            if not self._told_no_camera:  # said once; after that F and P simply offer files
                self._told_no_camera = True
                self.window.say(_(NO_CAMERA), NOTE)
            self.add_files()
            return
        if self.capturing:
            return
        self._capture_for = self.window.session.outcome_uid
        self.window.say(_("Taking a photo…"), NEUTRAL)
        self.camera.capture()

    def add_files(self, paths: Iterable[Path] | None = None, source: str = "file") -> None:
        """Image files into the open unit (F or the button asks for them)."""
        if not self._unit_open():
            return
        if paths is None:
            paths = dialogs.ask_photo_files(self.window)
            self.window.activateWindow()  # the bench's keys are the window's again
        chosen = list(paths)
        for path in chosen:
            self._prepare(path.name, lambda path=path, **who: prepare_photo_file(path, source=source, **who))

    def dropped(self, paths: list[Path]) -> None:
        """Image files dropped on the card."""
        self.add_files(paths, source="file")

    def remove(self, index: int | None = None) -> None:
        """Remove a pending photo (the selected one by default) before the decision is confirmed."""
        w = self.window
        if index is None:
            index = w.work_page.photo_strip.selected
        if w.session.unit is None or index < 0:
            self._refuse(_("There is no photo to remove."))
            return
        step = w.session.remove_photo(index)
        w.show_step(step)
        if step.refusal is None:
            self.photo_removed.emit(len(w.session.photos))

    # ----- answers -------------------------------------------------------------------------
    def _frame(self, data: bytes) -> None:
        uid, self._capture_for = self._capture_for, None
        if uid is None:
            return  # nobody asked (a late answer after a failure)
        self._prepare(
            _("the camera's photo"),
            lambda **who: prepare_photo(data, source="camera", name=self.camera.name, **who),
            uid,
        )

    def _capture_failed(self, message: str) -> None:
        self._capture_for = None
        self._refuse(message)

    def _arrived(self, path: Path) -> None:
        session = self.window.session
        if session.unit is None or session.state in BUSY_STATES:
            self.window.statusBar().showMessage(
                _("{name} arrived in the photo folder while no unit was open: not added.").format(
                    name=path.name
                )
            )
            return
        self.window.statusBar().showMessage(_("From the photo folder: {name}").format(name=path.name))
        self._prepare(path.name, lambda **who: prepare_photo_file(path, source="folder", **who))

    def _prepare(self, name: str, work: Callable[..., Any], uid: str | None = None) -> None:
        w = self.window
        uid = uid or w.session.outcome_uid
        who, bench = w.session.inspector, w.bench
        w.runner.run(
            lambda: work(taken_by=who, bench=bench),
            lambda photo: self._prepared(photo, uid, name),
            self._failed,
        )

    def _prepared(self, photo: object, uid: str, name: str) -> None:
        w = self.window
        session = w.session
        if session.unit is None or session.outcome_uid != uid:
            self._refuse(_("{name} came after its unit was closed, so it was not added.").format(name=name))
            return
        step = session.add_photo(photo)  # type: ignore[arg-type]
        w.show_step(step)
        if step.refusal is None:
            self.photo_added.emit(len(session.photos))

    def _failed(self, exc: BaseException) -> None:
        step = self.window.session.add_photo_failed(exc)  # a PhotoRefused is said; a bug is reported
        self.window.show_step(step)
        self.photo_refused.emit(
            user_message(exc) or _("The photo was not added ({error}).").format(error=type(exc).__name__)
        )

    def _refuse(self, message: str) -> None:
        self.window.reject(message)
        self.photo_refused.emit(message)

    def stop(self) -> None:
        self.camera.stop()
        if self.folder is not None:
            self.folder.stop()


class PhotoFolderWatch(QObject):
    """New image files in a folder (a phone's uploads), each told once it has finished arriving.

    Qt's file system watcher wakes it (no polling: an idle bench does nothing); a new file is told
    once its size has held for SETTLE_MS, so a half-copied photo is never read.

    Signals:
        arrived(object): the Path of a new image file, complete.
    """

    arrived = Signal(object)

    def __init__(self, folder: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.folder = folder
        self.problem = ""
        self._known = set(self._images())
        self._pending: dict[Path, int] = {}
        self._watcher = QFileSystemWatcher(self)
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self._settled)
        if not folder.is_dir():
            self.problem = _("The photo folder {folder} does not exist; no photos are taken from it.").format(
                folder=folder
            )
            return
        self._watcher.addPath(str(folder))
        self._watcher.directoryChanged.connect(self._changed)
        self._watcher.fileChanged.connect(lambda _path: self._settle.start())

    def _images(self) -> list[Path]:
        try:
            return [p for p in self.folder.iterdir() if is_image_path(p) and p.is_file()]
        except OSError:
            return []

    def _changed(self, _path: str) -> None:
        for path in self._images():
            if path not in self._known and path not in self._pending:
                self._pending[path] = -1
                self._watcher.addPath(str(path))
        if self._pending:
            self._settle.start()

    def _settled(self) -> None:
        for path, size in list(self._pending.items()):
            try:
                now = path.stat().st_size
            except OSError:  # gone again (a temporary file)
                del self._pending[path]
                continue
            if now == size and now > 0:
                del self._pending[path]
                self._known.add(path)
                self._watcher.removePath(str(path))
                self.arrived.emit(path)
            else:
                self._pending[path] = now
        if self._pending:
            self._settle.start()

    def stop(self) -> None:
        self._settle.stop()
        paths = self._watcher.files() + self._watcher.directories()
        if paths:
            self._watcher.removePaths(paths)


class PhotoKeys(QObject):
    """P and F on the empty scan field while a unit is open take a photo and add files; Delete
    removes the selected photo.

    A scanner's code may begin with P or F: the letter waits one scanner key gap (BURST_GAP_S), and
    a key coming that fast makes it the start of a scan again, typed into the field.
    """

    def __init__(self, window: BenchWindow) -> None:
        super().__init__(window)
        self.window = window
        self._held = ""
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(int(BURST_GAP_S * 1000))
        self._timer.timeout.connect(self._fire)
        window.scan_field.installEventFilter(self)

    def _armed(self) -> bool:
        # While the unit is being written the keys are still taken (and refused with a message),
        # so a P never lands in the scan field as the start of a code.
        return not self.window.scan_field.text() and self.window.session.unit is not None

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        if self._held:  # a key right after the letter: a scan, and the letter is its first character
            self._timer.stop()
            held, self._held = self._held, ""
            self.window.scan_field.insert(held)
            return False
        if event.modifiers() & ~(Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier):
            return False
        if not self._armed():
            return False
        if event.key() == Qt.Key.Key_Delete:
            if self.window.work_page.photo_strip.tiles:
                self.window.photos.remove()
                return True
            return False
        if event.text().upper() in ("P", "F"):
            self._held = event.text()
            self._timer.start()
            return True
        return False

    def _fire(self) -> None:
        held, self._held = self._held, ""
        if held.upper() == "P":
            self.window.photos.take_photo()
        elif held:
            self.window.photos.add_files()
