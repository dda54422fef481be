"""Importing a report from the bench window: menu or drag and drop, progress, result, rejected rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from rmadesk.formats.spec import RowProblem
from rmadesk.services.imports import ImportResult
from rmadesk.ui.office import import_report as import_dialogs
from rmadesk.ui.office.import_report import ImportResultDialog, ProblemsModel
from tests.gui.conftest import Bench
from tests.perf.mfn_generator import MFN_HEADER, write_mfn_report


@pytest.fixture
def results(monkeypatch: pytest.MonkeyPatch) -> list[ImportResult]:
    shown: list[ImportResult] = []
    monkeypatch.setattr(import_dialogs, "show_result", lambda parent, result: shown.append(result))
    return shown


def test_import_from_the_menu_then_scan_an_imported_return(
    bench: Bench, tmp_path: Path, results: list[ImportResult]
) -> None:
    report = tmp_path / "returns.txt"
    ids = write_mfn_report(report, 1200)
    w = bench.window
    with bench.qtbot.waitSignal(w.actions.importer.imported, timeout=30000):
        w.actions.import_report(report)
    w.runner.wait()
    [result] = results
    assert result.added == 1200 and result.rejected == 0
    assert "1200 added" in w.banner.text()
    bench.scan(ids[700], wait="card")
    assert w.session.auth is not None and w.session.auth.rma_id == ids[700]


def test_a_file_that_is_no_report_imports_nothing_and_says_why(
    bench: Bench, tmp_path: Path, results: list[ImportResult]
) -> None:
    picture = tmp_path / "photo.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    w = bench.window
    with bench.qtbot.waitSignal(w.actions.importer.import_failed, timeout=10000) as blocker:
        w.actions.import_report(picture)
    assert "Nothing was imported" in blocker.args[0]
    assert "Nothing was imported" in w.banner.text()
    assert bench.played[-1] == "reject"
    assert results == []


def test_a_report_dropped_on_the_window_is_imported(
    bench: Bench, tmp_path: Path, results: list[ImportResult]
) -> None:
    report = tmp_path / "dropped.txt"
    write_mfn_report(report, 3)
    w = bench.window
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(report))])
    enter = QDragEnterEvent(
        QPoint(50, 50),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(w, enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        QPointF(50, 50),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with bench.qtbot.waitSignal(w.actions.importer.imported, timeout=10000):
        QApplication.sendEvent(w, drop)
    assert [r.added for r in results] == [3]


def test_rejected_rows_are_listed_with_line_and_reason(
    bench: Bench, tmp_path: Path, results: list[ImportResult]
) -> None:
    report = tmp_path / "broken.txt"
    write_mfn_report(tmp_path / "good.txt", 2)
    lines = (tmp_path / "good.txt").read_text(encoding="utf-8-sig").splitlines()
    broken = lines[2].split("\t")
    broken[17] = "two"  # Return quantity
    broken[4] = "DbRokenXRRMA"
    report.write_text("\r\n".join([MFN_HEADER, lines[1], "\t".join(broken)]) + "\r\n", encoding="utf-8")
    w = bench.window
    with bench.qtbot.waitSignal(w.actions.importer.imported, timeout=10000):
        w.actions.import_report(report)
    [result] = results
    assert result.added == 1 and result.rejected == 1
    dialog = ImportResultDialog(result, w)
    bench.qtbot.addWidget(dialog)
    model = dialog.problems
    assert model.rowCount() == 1
    assert model.index(0, 0).data() == "3"
    assert "two" in model.index(0, 1).data()


def test_the_problems_model_passes_the_model_tester(qtmodeltester: object, qtbot: QtBot) -> None:
    model = ProblemsModel([RowProblem(4, "Order ID is missing"), RowProblem(9, "Return quantity 'x'")])
    qtmodeltester.check(model)  # type: ignore[attr-defined]
    assert model.headerData(1, Qt.Orientation.Horizontal) == "Why it was not imported"
    assert model.index(1, 0).data() == "9"
