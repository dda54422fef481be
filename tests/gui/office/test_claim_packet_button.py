"""The reconcile window's Claim packet button: a PDF of the selected line's carrier-damaged unit."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from rmadesk.services.context import open_store
from rmadesk.ui.office import reconcile_window
from rmadesk.ui.office.reconcile_window import ReconcileWindow
from tests.actors import BOSS
from tests.gui.conftest import make_bench
from tests.gui.photo_files import decide_with_photos, jpeg_file

HOBBIT = "DsGtYuJkRRMA"


def test_the_claim_packet_button_writes_a_pdf(
    qtbot: QtBot, qtmodeltester: object, sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = open_store(sqlite_url)
    bench = make_bench(qtbot, store)
    decide_with_photos(
        bench, HOBBIT, [jpeg_file(tmp_path / "a.jpg"), jpeg_file(tmp_path / "b.jpg", colour="#33691e")]
    )
    bench.window.close()

    window = ReconcileWindow(store, BOSS)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.model.rowCount() >= 1, timeout=10000)
    qtmodeltester.check(window.model)  # type: ignore[attr-defined]
    assert not window.packet_button.isEnabled()  # nothing selected yet
    row = next(n for n, r in enumerate(window.model.sources) if r.rma_id == HOBBIT)
    window.table.setCurrentIndex(window.model.index(row, 0))
    assert window.packet_button.isEnabled()

    asked: list[str] = []
    target = tmp_path / "out" / "packet.pdf"
    target.parent.mkdir()
    monkeypatch.setattr(
        reconcile_window, "ask_packet_path", lambda parent, name: asked.append(name) or target
    )
    with qtbot.waitSignal(window.packet_written, timeout=20000) as written:
        window.packet_button.click()
    assert asked == [f"claim-{HOBBIT}.pdf"]
    assert Path(written.args[0]) == target
    assert target.read_bytes()[:4] == b"%PDF"
    assert "Claim packet saved" in window.info.text()

    # A folder that cannot be written: a clear message, no traceback, nothing half-written.
    blocked = tmp_path / "no-such-folder" / "packet.pdf"
    monkeypatch.setattr(reconcile_window, "ask_packet_path", lambda parent, name: blocked)
    with qtbot.waitSignal(window.packet_failed, timeout=20000) as failed:
        window.packet_button.click()
    assert "No claim packet was written" in failed.args[0] or "claim packet" in failed.args[0].lower()
    assert not blocked.exists()
    window.close()
    store.dispose()
