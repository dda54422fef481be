"""Photos at the bench, driven as an inspector would: camera frames from real JPEG files, files, drops
and a watched folder, on a real SQLite file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from rmadesk.services.context import open_store
from rmadesk.services.photos import photos_of
from rmadesk.store.models import Outcome
from rmadesk.store.uow import Store
from rmadesk.text.i18n import _
from rmadesk.ui.bench.camera import CAMERA_LOST, FileFrameSource, FolderFrameSource, FrameSource, QtCamera
from rmadesk.ui.bench.photo_intake import NO_CAMERA
from rmadesk.ui.bench.photo_strip import photos_text
from rmadesk.ui.common import dialogs
from tests.actors import BOSS
from tests.gui.conftest import Bench, make_bench
from tests.gui.photo_files import frames, jpeg_file, not_an_image, truncated_jpeg

HOBBIT = "DsGtYuJkRRMA"  # 1 unit, reason damaged by carrier
TSHIRT = "DkQxRtLmRRMA"


def outcomes(store: Store) -> list[Outcome]:
    with store.read() as s:
        return list(s.scalars(select(Outcome).order_by(Outcome.id)))


@pytest.fixture
def camera_bench(qtbot: QtBot, sqlite_url: str, tmp_path: Path) -> Iterator[Bench]:
    store = open_store(sqlite_url)
    camera = FolderFrameSource(_frames_dir(tmp_path))
    bench = make_bench(qtbot, store, camera=camera, photos=())  # the policy's 2 for carrier-damaged
    yield bench
    bench.window.runner.wait()
    bench.window.close()
    store.dispose()


def _frames_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "camera"
    frames(folder, 4)
    return folder


def press_photo_key(bench: Bench, key: Qt.Key = Qt.Key.Key_P) -> None:
    """A person pressing P (or F) on the empty scan field, slower than a scanner types."""
    bench.qtbot.keyClick(bench.window.scan_field, key)


def take_photo(bench: Bench, key: Qt.Key = Qt.Key.Key_P) -> None:
    with bench.qtbot.waitSignal(bench.window.photos.photo_added, timeout=5000):
        press_photo_key(bench, key)
    bench.window.runner.wait()
    bench.qtbot.wait(1)


def strip_count(bench: Bench) -> str:
    return bench.window.work_page.photo_strip.count.text()


def test_photos_text_says_how_many_are_needed() -> None:
    assert photos_text(1, 2) == "Photos: 1 of 2 needed"
    assert photos_text(0, 0) == "Photos: 0"
    assert photos_text(3, 2) == "Photos: 3 (enough: 2 needed)"


def test_camera_photos_of_a_carrier_damaged_unit_are_stored_with_its_outcome(camera_bench: Bench) -> None:
    bench, w = camera_bench, camera_bench.window
    bench.scan(HOBBIT, wait="card")
    strip = w.work_page.photo_strip
    assert strip.isVisible() and strip.take.isVisible()
    bench.scan("CMD-CARRIER-DAMAGED")
    assert w.state == "preview"
    assert strip_count(bench) == "Photos: 0 of 2 needed"

    take_photo(bench)  # P
    assert len(strip.tiles) == 1 and not strip.tiles[0].image.pixmap().isNull()
    assert strip_count(bench) == "Photos: 1 of 2 needed"
    with bench.qtbot.waitSignal(w.photos.photo_added, timeout=5000):
        bench.scan("CMD-PHOTO")
    w.runner.wait()
    bench.qtbot.wait(1)
    assert len(strip.tiles) == 2 and strip.selected == 1

    with bench.qtbot.waitSignal(w.photos.photo_removed, timeout=2000):
        bench.key(Qt.Key.Key_Delete)  # the newest photo is selected: a bad shot goes at once
    assert len(strip.tiles) == 1
    assert strip_count(bench) == "Photos: 1 of 2 needed"
    assert QApplication.focusWidget() is w.scan_field

    with bench.qtbot.waitSignal(w.scan_rejected, timeout=2000):
        bench.key(Qt.Key.Key_F10)
    w.runner.wait()
    assert "photo" in w.banner.text().lower()
    assert outcomes(bench.store) == []  # refused: nothing written

    take_photo(bench)
    assert len(strip.tiles) == 2
    with bench.qtbot.waitSignal(w.decision_recorded, timeout=5000) as recorded:
        bench.key(Qt.Key.Key_F10)
    w.runner.wait()
    [outcome] = outcomes(bench.store)
    assert outcome.disposition == "carrier_damaged"
    stored = photos_of(bench.store, BOSS, recorded.args[0].outcome_uid)
    assert len(stored) == 2
    assert {p.taken_by for p in stored} == {"Ana"} and {p.bench for p in stored} == {"bench-1"}
    assert len({p.sha256 for p in stored}) == 2  # the first and the third frame; the second was removed


def test_the_remove_button_of_a_tile_removes_that_photo(camera_bench: Bench) -> None:
    bench, w = camera_bench, camera_bench.window
    bench.scan(HOBBIT, wait="card")
    take_photo(bench)
    take_photo(bench)
    strip = w.work_page.photo_strip
    first = strip.tiles[0].image.pixmap().toImage()
    with bench.qtbot.waitSignal(w.photos.photo_removed, timeout=2000):
        bench.qtbot.mouseClick(strip.tiles[1].remove, Qt.MouseButton.LeftButton)
    assert len(strip.tiles) == 1 and strip.tiles[0].image.pixmap().toImage() == first
    assert QApplication.focusWidget() is w.scan_field


def test_a_scan_beginning_with_p_is_still_a_scan(camera_bench: Bench) -> None:
    bench, w = camera_bench, camera_bench.window
    bench.scan(HOBBIT, wait="card")
    bench.scan("PQ12345678", wait="rejected")  # another code while the unit is open: refused as a scan
    bench.qtbot.wait(150)
    assert "is not decided yet" in w.banner.text()
    assert w.work_page.photo_strip.tiles == [] and not w.photos.capturing


def test_a_bench_without_a_camera_says_so_once_and_offers_files(
    bench: Bench, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = bench.window
    said: list[str] = []
    monkeypatch.setattr(w.banner, "say", lambda text, colour: said.append(text))
    offered: list[int] = []
    files = iter([[jpeg_file(tmp_path / "box.jpg")], [jpeg_file(tmp_path / "label.jpg", colour="#795548")]])

    def ask(parent: object) -> list[Path]:
        offered.append(1)
        return next(files)

    monkeypatch.setattr(dialogs, "ask_photo_files", ask)
    bench.scan(HOBBIT, wait="card")
    assert not w.work_page.photo_strip.take.isVisible()
    assert "No camera" in w.work_page.photo_strip.hint.text()
    take_photo(bench)  # P without a camera: said, and the file dialog offered
    take_photo(bench, Qt.Key.Key_F)
    assert offered == [1, 1]
    assert said.count(NO_CAMERA) == 1
    assert len(w.work_page.photo_strip.tiles) == 2


@pytest.mark.parametrize("bad", ["text", "truncated"])
def test_a_bad_file_is_refused_with_a_message_and_nothing_is_added(
    bench: Bench, tmp_path: Path, bad: str
) -> None:
    w = bench.window
    path = not_an_image(tmp_path / "note.jpg") if bad == "text" else truncated_jpeg(tmp_path / "cut.jpg")
    bench.scan(HOBBIT, wait="card")
    with bench.qtbot.waitSignal(w.photos.photo_refused, timeout=5000) as refused:
        w.photos.add_files([path])
    w.runner.wait()
    assert refused.args[0] and refused.args[0] in w.banner.text()
    assert "Traceback" not in w.banner.text()
    assert w.work_page.photo_strip.tiles == [] and w.session.photos == ()
    assert bench.played[-1] == "reject"


def drop(bench: Bench, paths: list[Path]) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    where = QPointF(bench.window.work_page.card.geometry().center())
    enter = QDragEnterEvent(
        where.toPoint(),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(bench.window, enter)
    assert enter.isAccepted()
    event = QDropEvent(
        where, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(bench.window, event)


def test_image_files_dropped_on_the_card_join_the_open_unit(bench: Bench, tmp_path: Path) -> None:
    w = bench.window
    bench.scan(HOBBIT, wait="card")
    photos = [jpeg_file(tmp_path / "a.jpg"), jpeg_file(tmp_path / "b.png", colour="#33691e")]
    drop(bench, photos)
    bench.qtbot.waitUntil(lambda: len(w.work_page.photo_strip.tiles) == 2, timeout=5000)
    assert len(w.session.photos) == 2


def test_a_drop_with_no_unit_open_is_refused(bench: Bench, tmp_path: Path) -> None:
    w = bench.window
    with bench.qtbot.waitSignal(w.photos.photo_refused, timeout=2000):
        drop(bench, [jpeg_file(tmp_path / "a.jpg")])
    assert "Open a unit first" in w.banner.text()


def test_a_new_image_in_the_watched_folder_joins_the_open_unit(
    qtbot: QtBot, sqlite_url: str, tmp_path: Path
) -> None:
    folder = tmp_path / "phone"
    folder.mkdir()
    jpeg_file(folder / "old.jpg")  # there before the bench started: not taken
    store = open_store(sqlite_url)
    bench = make_bench(qtbot, store, photo_folder=str(folder))
    w = bench.window
    try:
        bench.scan(HOBBIT, wait="card")
        with qtbot.waitSignal(w.photos.photo_added, timeout=8000):
            jpeg_file(tmp_path / "upload.tmp.jpg").rename(folder / "IMG_0001.jpg")
        w.runner.wait()
        qtbot.wait(1)
        assert len(w.work_page.photo_strip.tiles) == 1
        assert "IMG_0001.jpg" in w.statusBar().currentMessage()  # said where it came from
    finally:
        w.runner.wait()
        w.close()
        store.dispose()


class VanishingCamera(FrameSource):
    """A camera unplugged while it takes the photo: it answers as QtCamera does then."""

    def available(self) -> bool:
        return True

    def capture(self) -> None:
        self.capture_failed.emit(_(CAMERA_LOST).format(name=self.name, problem="unplugged"))


def test_a_camera_that_vanishes_mid_capture_adds_nothing(
    qtbot: QtBot, sqlite_url: str, tmp_path: Path
) -> None:
    store = open_store(sqlite_url)
    bench = make_bench(qtbot, store, camera=VanishingCamera("USB camera"))
    w = bench.window
    try:
        bench.scan(HOBBIT, wait="card")
        with qtbot.waitSignal(w.photos.photo_refused, timeout=3000) as refused:
            press_photo_key(bench)
        assert "USB camera stopped answering" in refused.args[0] and "No photo was added" in refused.args[0]
        assert w.work_page.photo_strip.tiles == [] and not w.photos.capturing
    finally:
        w.close()
        store.dispose()


def test_the_qt_camera_answers_a_capture_under_way_when_it_fails(qtbot: QtBot) -> None:
    camera = QtCamera()  # no camera on this machine: the null device
    assert not QtCamera.present() or camera.available()
    with qtbot.waitSignal(camera.capture_failed, timeout=1000) as failed:
        camera.capture()
    assert "not connected" in failed.args[0]
    camera._pending = 7  # a capture under way when the device reports an error
    with qtbot.waitSignal(camera.capture_failed, timeout=1000) as failed:
        camera._camera_error(None, "device removed")
    assert "device removed" in failed.args[0] and not camera.capturing() and not camera.available()


def test_file_frame_sources_yield_real_jpeg_frames(qtbot: QtBot, tmp_path: Path) -> None:
    source = FileFrameSource(frames(tmp_path, 2))
    got: list[bytes] = []
    source.frame_captured.connect(got.append)
    for _frame in range(2):
        with qtbot.waitSignal(source.frame_captured, timeout=1000):
            source.capture()
    assert all(frame[:3] == b"\xff\xd8\xff" for frame in got) and got[0] != got[1]
    assert not source.available()
    with qtbot.waitSignal(source.capture_failed, timeout=1000):
        source.capture()


def test_the_strip_takes_room_only_when_photos_are_there_or_needed(bench: Bench, tmp_path: Path) -> None:
    w = bench.window
    strip = w.work_page.photo_strip
    bench.scan(TSHIRT, wait="card")  # no camera, and a T-shirt's decision needs no photo
    assert not strip.isVisible()
    with bench.qtbot.waitSignal(w.photos.photo_added, timeout=5000):
        w.photos.add_files([jpeg_file(tmp_path / "tag.jpg")])
    w.runner.wait()
    bench.qtbot.waitUntil(strip.isVisible, timeout=2000)
    assert strip_count(bench) == "Photos: 1"
