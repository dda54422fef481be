"""The audit trail view: supervisors see every change; inspectors are refused by the service."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from rmadesk.services.issue import IssueRequest, issue_rma
from rmadesk.store.uow import Store
from rmadesk.ui.office.audit_window import AuditWindow
from tests.actors import BOSS, people


def test_the_audit_view_lists_changes_and_searches(
    qtbot: QtBot, qtmodeltester: object, sqlite_store: Store
) -> None:
    boss = BOSS
    for n in range(3):
        issue_rma(sqlite_store, IssueRequest(order_id=f"O-{n}", sku="S", quantity=1, reason="ok"), actor=boss)
    window = AuditWindow(sqlite_store, boss)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.model.rowCount() == 3, timeout=5000)
    qtmodeltester.check(window.model)  # type: ignore[attr-defined]
    assert window.status.text() == "3 changes"
    assert window.model.index(0, 3).data() == "issue"
    assert window.model.index(0, 1).data() == "Sue"
    with qtbot.waitSignal(window.model.loaded, timeout=5000):
        window.model.search("O-1")
    assert window.model.rowCount() == 1 and '"order_id": "O-1"' in window.model.index(0, 6).data()
    window.close()


def test_an_inspector_is_refused_the_audit_trail(qtbot: QtBot, sqlite_store: Store) -> None:
    window = AuditWindow(sqlite_store, people(sqlite_store)["inspector"])
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: "only a supervisor" in window.status.text(), timeout=5000)
    assert window.model.rowCount() == 0
    window.close()
