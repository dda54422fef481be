"""The server stops while the bench's own disk is full: the decision can be kept nowhere. The bench
says so plainly (no traceback dialog), keeps the decision on screen, keeps it in the journal once
there is room, and sends it when the server is back."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from rmadesk.domain.model import Disposition
from rmadesk.domain.policy import load_policy
from rmadesk.services.bench import BenchService
from rmadesk.services.context import open_store
from rmadesk.services.demo import create_demo_data
from rmadesk.services.journal import Journal
from rmadesk.settings import Settings
from rmadesk.store.models import Outcome
from rmadesk.ui.bench.window import BenchWindow
from rmadesk.ui.common import failures
from rmadesk.ui.common.sounds import Sounds
from tests.actors import BOSS
from tests.conftest import FullDisk
from tests.faults.harness import ensure_server_running, report, start_server, stop_server
from tests.gui.conftest import Bench

pytestmark = [pytest.mark.faults, pytest.mark.postgres]

MUGS = "DpHwNcVbRRMA"


def test_a_decision_kept_nowhere_stays_on_screen_until_it_is_safe(
    qtbot: QtBot, pg_url: str, full_disk: FullDisk, monkeypatch: pytest.MonkeyPatch
) -> None:
    unexpected: list[BaseException] = []
    monkeypatch.setattr(failures, "report_unexpected", lambda exc, parent=None: unexpected.append(exc))
    store = open_store(pg_url)
    create_demo_data(store, BOSS)
    journal = Journal(full_disk.folder / "journal.sqlite3")
    service = BenchService(store, load_policy(), Settings(bench="bench-1", sounds=False))
    window = BenchWindow(service, "Ana", journal=journal, sounds=Sounds(enabled=False), points=14)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    bench = Bench(window, store, qtbot)
    try:
        bench.scan(MUGS, wait="card", into_scan_field=True)
        bench.scan("CMD-SELLABLE")
        stop_server()
        full_disk.fill()
        with qtbot.waitSignal(window.record_failed, timeout=30000) as failed:
            bench._type(window.scan_field, "CMD-CONFIRM")
        said = failed.args[0]
        assert "the disk is full" in said and "could not be kept on this bench" in said, said
        assert window.state == "preview" and window.session.disposition is Disposition.SELLABLE
        assert journal.count() == 0 and unexpected == []
        full_disk.free()
        with qtbot.waitSignal(window.decision_kept, timeout=30000):
            bench._type(window.scan_field, "CMD-CONFIRM")
        assert journal.count() == 1 and window.session.offline_since is not None
        start_server()
        qtbot.waitUntil(lambda: journal.count() == 0, timeout=60000)
        with store.read() as session:
            assert session.scalar(select(func.count()).select_from(Outcome)) == 1
        assert unexpected == []
    finally:
        ensure_server_running()
        window.runner.wait()
        window.close()
        store.dispose()
    report("journal on a full disk", said_disk_full=True, kept_once_room=1, sent_after_restart=1)
