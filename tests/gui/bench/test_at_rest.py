"""A bench at rest draws nothing: the cursor stops blinking, and quick database work leaves the field be."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from rmadesk.services.demo import DEMO_RETURNS
from rmadesk.ui.common import blink
from tests.gui.conftest import Bench


class Paints(QObject):
    """Counts the paint events of one widget."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


@pytest.fixture
def resting_bench(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Bench:
    """The usual bench, made to rest after three seconds (the limit is read as the window is made)."""
    monkeypatch.setattr(blink, "BLINK_SECONDS", 3)
    return request.getfixturevalue("bench")


def paints_over(bench: Bench, seconds: float) -> int:
    paints = Paints()
    bench.window.scan_field.installEventFilter(paints)
    bench.qtbot.wait(int(seconds * 1000))
    bench.window.scan_field.removeEventFilter(paints)
    return paints.count


def test_the_cursor_blinks_while_someone_works_and_holds_still_at_rest(resting_bench: Bench) -> None:
    window = resting_bench.window
    window.blink.wake()  # as a key does: the window took a while to come up
    assert window.blink.blinking
    assert paints_over(resting_bench, 1.6) >= 2  # blinking: the field is drawn at each blink
    resting_bench.qtbot.waitUntil(lambda: not window.blink.blinking, timeout=5000)
    resting_bench.qtbot.wait(300)  # the one paint that shows the cursor solid as the blinking stops
    assert paints_over(resting_bench, 1.5) == 0  # at rest nothing is drawn
    assert QApplication.cursorFlashTime() == 0

    resting_bench.scan(DEMO_RETURNS[0].rma_id, wait="card")  # the scanner's keys wake it
    assert window.blink.blinking
    assert QApplication.cursorFlashTime() == window.blink.flash_ms > 0
    resting_bench.qtbot.waitUntil(lambda: not window.blink.blinking, timeout=5000)
    resting_bench.key(Qt.Key.Key_Escape)
    assert window.blink.blinking


def test_the_window_gives_back_the_desktops_blink_rate(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(blink, "BLINK_SECONDS", 1)
    QApplication.setCursorFlashTime(500)
    window = QWidget()
    limit = blink.BlinkLimit(window)
    qtbot.waitUntil(lambda: QApplication.cursorFlashTime() == 0, timeout=3000)
    assert not limit.blinking
    with qtbot.waitSignal(window.destroyed, timeout=3000):
        window.deleteLater()
    assert QApplication.cursorFlashTime() == limit.flash_ms > 0


def test_quick_work_leaves_the_scan_field_as_it_is_and_slow_work_shows(bench: Bench) -> None:
    window = bench.window
    styles: list[str] = []
    window.runner.busy_changed.connect(lambda _busy: styles.append(window.scan_field.styleSheet()))
    window.watch.check()  # the ping, as every ten seconds
    window.runner.wait()
    bench.qtbot.wait(300)
    assert window.scan_field.styleSheet() == ""
    assert styles == ["", ""]

    window.runner.run(lambda: time.sleep(0.6), lambda _r: None, lambda _e: None)
    bench.qtbot.waitUntil(lambda: window.scan_field.styleSheet() != "", timeout=2000)
    window.runner.wait()
    bench.qtbot.waitUntil(lambda: window.scan_field.styleSheet() == "", timeout=2000)
