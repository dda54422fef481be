"""The reconciliation window: every order line, filtered by status, saved as CSV."""

from __future__ import annotations

import csv
from pathlib import Path

from pytestqt.qtbot import QtBot

from rmadesk.services.reconcile import RECONCILE_COLUMNS
from rmadesk.store.uow import Store
from rmadesk.ui.office.reconcile_window import ReconcileWindow
from tests.actors import BOSS
from tests.integration.test_reconcile import build


def test_reconcile_window_filters_and_saves(
    qtbot: QtBot, qtmodeltester: object, sqlite_store: Store, tmp_path: Path
) -> None:
    build(sqlite_store, tmp_path)
    window = ReconcileWindow(sqlite_store, BOSS)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.model.rowCount() == 9, timeout=10000)
    qtmodeltester.check(window.model)  # type: ignore[attr-defined]
    assert "9 order lines" in window.info.text()
    window.status.setCurrentIndex(window.status.findData("paid_unclaimed"))
    assert window.model.rowCount() == 2
    assert {window.model.index(r, 0).data() for r in range(2)} == {"paid_unclaimed"}
    saved = window.save_csv(tmp_path / "out.csv")
    assert saved is not None
    with saved.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0] == list(RECONCILE_COLUMNS) and len(rows) == 3
    window.close()
