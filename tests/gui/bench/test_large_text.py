"""The large_text_pt setting scales every window's text, not only the bench's card."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from rmadesk.services.context import open_store
from rmadesk.ui.browser.window import BROWSER_POINTS
from rmadesk.ui.common.style import scale_application_font, text_scale
from rmadesk.ui.supervisor.window import BASE_POINTS
from tests.gui.conftest import make_bench


@pytest.mark.qt_log_ignore("This plugin does not support raise")
@pytest.mark.parametrize("large_text_pt", [20, 30])
def test_the_browser_and_supervisor_follow_the_large_text_setting(
    qtbot: QtBot, tmp_path: Path, large_text_pt: int
) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'bench.db'}")
    bench = make_bench(qtbot, store, large_text_pt=large_text_pt)
    try:
        actions = bench.window.actions
        actions.open_browser()
        assert actions.browser_window is not None
        assert actions.browser_window.browser.points == pytest.approx(BROWSER_POINTS * large_text_pt / 20)
        actions.open_supervisor()
        supervisor = actions._windows["supervisor"]
        assert supervisor.points == pytest.approx(BASE_POINTS * large_text_pt / 20)
        actions.close_windows()
    finally:
        bench.window.runner.wait()
        bench.window.close()
        store.dispose()


def test_the_application_font_follows_the_large_text_setting(qtbot: QtBot) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    usual = app.font()
    try:
        scale_application_font(app, 30)
        assert app.font().pointSizeF() == pytest.approx(usual.pointSizeF() * 1.5)
        assert text_scale(20) == 1.0 and text_scale(10) == 0.5
    finally:
        app.setFont(usual)
