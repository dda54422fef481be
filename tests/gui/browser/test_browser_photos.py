"""The browser's detail shows each decided unit's photos; a thumbnail opens the photo enlarged."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from rmadesk.services.browse import BrowseService
from rmadesk.services.context import open_store
from rmadesk.ui.browser.widget import BrowserWidget
from rmadesk.ui.common import dialogs
from rmadesk.ui.common.runner import Runner
from tests.actors import BOSS
from tests.gui.conftest import make_bench
from tests.gui.photo_files import decide_with_photos, jpeg_file

HOBBIT = "DsGtYuJkRRMA"


def test_the_detail_shows_a_units_photos_and_enlarges_one(
    qtbot: QtBot, sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = open_store(sqlite_url)
    bench = make_bench(qtbot, store)
    shots = [jpeg_file(tmp_path / "box.jpg"), jpeg_file(tmp_path / "label.jpg", (1200, 1600), "#4e342e")]
    decide_with_photos(bench, HOBBIT, shots)
    bench.window.close()

    runner = Runner()
    browser = BrowserWidget(BrowseService(store, BOSS), runner)
    qtbot.addWidget(browser)
    browser.show()
    qtbot.waitUntil(lambda: browser.model.rowCount() > 0, timeout=5000)
    browser.search.setText(HOBBIT)
    with qtbot.waitSignal(browser.photos_shown, timeout=8000) as shown:
        browser.apply_filter(force=True)
    assert shown.args[0] == 2
    [row] = browser.unit_photos.values()
    assert row.isVisible() and len(row.buttons) == 2
    assert not row.buttons[0].icon().isNull()
    assert "taken by Ana on bench-1" in row.buttons[0].toolTip()

    opened: list[tuple[bytes, str]] = []
    monkeypatch.setattr(
        dialogs, "show_photo", lambda parent, jpeg, title, caption="": opened.append((jpeg, title))
    )
    with qtbot.waitSignal(browser.photo_opened, timeout=5000):
        qtbot.mouseClick(row.buttons[0], Qt.MouseButton.LeftButton)
    row.buttons[1].setFocus()
    with qtbot.waitSignal(browser.photo_opened, timeout=5000):
        qtbot.keyClick(row.buttons[1], Qt.Key.Key_Return)
    assert len(opened) == 2
    assert all(jpeg[:3] == b"\xff\xd8\xff" for jpeg, _title in opened)
    assert HOBBIT in opened[0][1]
    assert opened[0][0] != opened[1][0]
    browser.close()
    runner.wait()
    runner.stop()
    store.dispose()


def test_the_photo_dialog_shows_the_photo_scaled_to_the_screen(qtbot: QtBot, tmp_path: Path) -> None:
    jpeg = jpeg_file(tmp_path / "big.jpg", (2560, 1920)).read_bytes()
    dialog = dialogs.PhotoDialog(None, jpeg, "RMA Desk: photo", "2560×1920")
    qtbot.addWidget(dialog)
    pixmap = dialog.image.pixmap()
    screen = dialog.screen().availableGeometry()
    assert not pixmap.isNull()
    assert pixmap.width() <= screen.width() and pixmap.height() <= screen.height()
