"""Where the bench's photos come from: the camera (Qt Multimedia), or JPEG files standing in for one."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QLoggingCategory, QObject, QTimer, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QWidget

from rmadesk.text.i18n import N_, _

log = logging.getLogger(__name__)

CAPTURE_TIMEOUT_MS = 8000  # a camera that has not delivered by then is taken for gone
JPEG_QUALITY = 92  # the frame as handed on; the stored photo is encoded again, smaller
CAMERA_LOST = N_("The camera {name} stopped answering ({problem}). No photo was added; check its cable.")
CAMERA_SILENT = N_("The camera {name} took no photo within {seconds} seconds. No photo was added.")
NO_CAMERA = N_("The camera {name} is not connected. No photo was added.")
NO_FRAMES = N_("The photo source {name} has no more pictures.")


class FrameSource(QObject):
    """A camera, or something standing in for one: it takes a frame when asked and hands it on as JPEG.

    ``capture()`` returns at once; the frame arrives by ``frame_captured`` (or the reason it did
    not by ``capture_failed``), exactly one of them per capture, on the GUI thread.

    Attributes:
        name: what the bench calls the source in its messages.

    Signals:
        frame_captured(bytes): a frame, JPEG-encoded.
        capture_failed(str): no frame this time; the message to show.
    """

    frame_captured = Signal(object)
    capture_failed = Signal(str)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name

    def available(self) -> bool:
        """Whether a capture can be asked for now."""
        return False

    def capturing(self) -> bool:
        """Whether a capture was asked for and has not answered yet."""
        return False

    def capture(self) -> None:
        """Take a frame; the answer comes by a signal."""
        self.capture_failed.emit(_(NO_FRAMES).format(name=self.name))

    def preview(self) -> QWidget | None:
        """A live view of what the source sees, for the card (None: nothing to show)."""
        return None

    def start(self) -> None:
        """Get ready to capture (open the device)."""

    def stop(self) -> None:
        """Let the device go."""


class FileFrameSource(FrameSource):
    """Frames read from JPEG files, one per capture, in order: a camera for tests and demonstrations."""

    def __init__(self, paths: Iterable[Path], name: str = "", parent: QObject | None = None) -> None:
        super().__init__(name or _("photo files"), parent)
        self._paths = list(paths)
        self._pending = False

    def available(self) -> bool:
        return bool(self._paths)

    def capturing(self) -> bool:
        return self._pending

    def capture(self) -> None:
        # Answered from the event loop, as a real camera answers: never inside the caller's call.
        self._pending = True
        QTimer.singleShot(0, self._deliver)

    def _deliver(self) -> None:
        self._pending = False
        if not self._paths:
            self.capture_failed.emit(_(NO_FRAMES).format(name=self.name))
            return
        path = self._paths.pop(0)
        try:
            data = path.read_bytes()
        except OSError as exc:
            self.capture_failed.emit(_(CAMERA_LOST).format(name=self.name, problem=exc.strerror or exc))
            return
        self.frame_captured.emit(data)


class FolderFrameSource(FileFrameSource):
    """Frames from the JPEG files of a folder, in name order."""

    def __init__(self, folder: Path, parent: QObject | None = None) -> None:
        paths = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".jpg", ".jpeg"))
        super().__init__(paths, name=str(folder), parent=parent)


def jpeg_bytes(image: QImage, quality: int = JPEG_QUALITY) -> bytes:
    """A frame encoded as JPEG in memory."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    saved = image.save(buffer, "JPG", quality)
    buffer.close()
    return data.data() if saved else b""


class QtCamera(FrameSource):
    """The bench's camera through Qt Multimedia: QCamera and QImageCapture in a QMediaCaptureSession,
    with a QVideoWidget showing what it sees.

    A camera that vanishes (unplugged, or taken by another program) while a capture is under way
    answers that capture with ``capture_failed`` and a message; nothing is handed on.
    """

    def __init__(self, device: object | None = None, parent: QObject | None = None) -> None:
        # The FFmpeg backend probes optional libraries (PipeWire, VA-API) and warns of each one
        # missing at every start; a bench works without them, so that is no warning of ours.
        QLoggingCategory.setFilterRules("qt.multimedia.symbolsresolver=false")
        from PySide6.QtMultimedia import QMediaDevices

        if device is None:
            device = QMediaDevices.defaultVideoInput()
        self._device = device
        name = device.description() if not device.isNull() else _("(none)")
        super().__init__(name, parent)
        self._devices = QMediaDevices(self)
        self._devices.videoInputsChanged.connect(self._inputs_changed)
        self._camera: object | None = None
        self._session: object | None = None
        self._capture: object | None = None
        self._view: QWidget | None = None
        self._pending: int | None = None  # the id of the capture under way
        self._lost = False
        self._timeout = QTimer(self)
        self._timeout.setSingleShot(True)
        self._timeout.setInterval(CAPTURE_TIMEOUT_MS)
        self._timeout.timeout.connect(self._silent)

    @staticmethod
    def present() -> bool:
        """Whether this computer has any camera."""
        from PySide6.QtMultimedia import QMediaDevices

        return bool(QMediaDevices.videoInputs())

    def available(self) -> bool:
        return not self._device.isNull() and not self._lost

    def capturing(self) -> bool:
        return self._pending is not None

    def preview(self) -> QWidget | None:
        if not self.available():
            return None
        if self._view is None:
            from PySide6.QtMultimediaWidgets import QVideoWidget

            self._view = QVideoWidget()
            self._view.setMinimumSize(240, 135)
            if self._session is not None:
                self._session.setVideoOutput(self._view)
        return self._view

    def start(self) -> None:
        if not self.available():
            return
        if self._camera is None:
            self._build()
        assert self._camera is not None
        if not self._camera.isActive():
            self._camera.start()

    def _build(self) -> None:
        from PySide6.QtMultimedia import QCamera, QImageCapture, QMediaCaptureSession

        self._camera = QCamera(self._device, self)
        self._session = QMediaCaptureSession(self)
        self._capture = QImageCapture(self)
        self._session.setCamera(self._camera)
        self._session.setImageCapture(self._capture)
        if self._view is not None:
            self._session.setVideoOutput(self._view)
        self._camera.errorOccurred.connect(self._camera_error)
        self._capture.imageCaptured.connect(self._captured)
        self._capture.errorOccurred.connect(self._capture_error)

    def stop(self) -> None:
        if self._camera is not None and self._pending is None:
            self._camera.stop()

    def capture(self) -> None:
        if self._pending is not None:
            return  # one capture at a time; the one under way answers
        if not self.available():
            self.capture_failed.emit(_(NO_CAMERA).format(name=self.name))
            return
        self.start()
        assert self._capture is not None
        if not self._capture.isReadyForCapture():
            self.capture_failed.emit(
                _("The camera {name} is not ready yet. Wait a moment and take the photo again.").format(
                    name=self.name
                )
            )
            return
        self._pending = self._capture.capture()
        self._timeout.start()

    def _captured(self, capture_id: int, image: QImage) -> None:
        if capture_id != self._pending:
            return
        self._finish()
        data = jpeg_bytes(image)
        if data:
            self.frame_captured.emit(data)
        else:
            self.capture_failed.emit(_(CAMERA_LOST).format(name=self.name, problem=_("an empty frame")))

    def _capture_error(self, capture_id: int, _error: object, message: str) -> None:
        if self._pending is not None:
            self._finish()
            self.capture_failed.emit(_(CAMERA_LOST).format(name=self.name, problem=message))

    def _camera_error(self, _error: object, message: str) -> None:
        log.warning("camera %s: %s", self.name, message)
        self._lost = True
        if self._pending is not None:
            self._finish()
            self.capture_failed.emit(_(CAMERA_LOST).format(name=self.name, problem=message))

    def _inputs_changed(self) -> None:
        from PySide6.QtMultimedia import QMediaDevices

        ids = {bytes(d.id().data()) for d in QMediaDevices.videoInputs()}
        here = not self._device.isNull() and bytes(self._device.id().data()) in ids
        if not here and not self._lost:
            self._camera_error(None, _("unplugged"))
        elif here and self._lost:  # plugged in again
            self._lost = False
            self._drop_camera()

    def _silent(self) -> None:
        if self._pending is not None:
            self._finish()
            self.capture_failed.emit(
                _(CAMERA_SILENT).format(name=self.name, seconds=CAPTURE_TIMEOUT_MS // 1000)
            )

    def _finish(self) -> None:
        self._pending = None
        self._timeout.stop()

    def _drop_camera(self) -> None:
        if self._camera is not None:
            self._camera.stop()
        for part in (self._camera, self._session, self._capture):
            if part is not None:
                part.deleteLater()
        self._camera = self._session = self._capture = None
