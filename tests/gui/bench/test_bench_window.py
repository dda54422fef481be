"""Whole inspections driven as a scanner and a keyboard would, on a real SQLite file."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select, update

from rmadesk.domain.model import Disposition
from rmadesk.services.bench import BenchService
from rmadesk.store.models import AuditEvent, Outcome, StockMovement, Unit
from rmadesk.store.types import utcnow
from rmadesk.store.uow import Store
from tests.gui.conftest import Bench, make_bench

TSHIRT = "DkQxRtLmRRMA"  # 1 unit, 19.99 + 1.60 tax
KETTLE = "DpHwNcVbRRMA"  # 2 units, 79.98 for 2
MUGS = "DaLpKsOiRRMA"  # 3 units


def outcomes(store: Store) -> list[Outcome]:
    with store.read() as s:
        return list(s.scalars(select(Outcome).order_by(Outcome.id)))


def count(store: Store, model: type) -> int:
    """Rows of the table; of the audit, the events after the demo data was written."""
    stmt = select(func.count()).select_from(model)
    if model is AuditEvent:
        stmt = stmt.where(AuditEvent.action != "demo_data")
    with store.read() as s:
        return s.scalar(stmt) or 0


def test_opens_ready_with_the_scan_field_focused(bench: Bench) -> None:
    w = bench.window
    assert "RMA Desk" in w.windowTitle()
    assert w.state == "ready"
    assert w.pages.currentWidget() is w.ready_page
    assert QApplication.focusWidget() is w.scan_field
    assert "Scan the RMA barcode" in w.banner.text()


def test_a_whole_inspection_by_scanner_and_keys(bench: Bench) -> None:
    w = bench.window
    bench.scan(TSHIRT, wait="card")
    assert w.state == "inspecting"
    assert w.work_page.card.rma.text() == TSHIRT and w.work_page.card.kind.text().startswith("RMA")
    assert w.work_page.card.unit_badge.text() == "Unit 1 of 1"
    assert "T-shirt" in w.work_page.card.item.text()
    assert w.work_page.card.fields["order"].text() == "114-3941689-8772232"
    assert w.work_page.card.fields["reason"].text() == "Too large (\u2066AMZ-PG-WJ-TOO-LARGE\u2069)"
    assert "size chart" in w.work_page.card.fields["comment"].text()
    assert w.work_page.card.fields["price"].text() == "19.99 USD"
    assert bench.played == ["accept"]
    assert "match the authorization" in w.work_page.walkthrough.question.text()

    bench.key(Qt.Key.Key_F2)  # the item matches
    assert "new and unused" in w.work_page.walkthrough.question.text()
    bench.key(Qt.Key.Key_F2)  # new and complete
    assert w.session.recommended is Disposition.SELLABLE
    assert "Recommended: Sellable" in w.work_page.walkthrough.question.text()

    bench.key(Qt.Key.Key_Return)  # Enter on an empty scan field accepts the recommendation
    assert w.state == "preview"
    assert "RETURNS-RESTOCK" in w.work_page.preview_panel.destination.text()
    assert not w.work_page.preview_panel.override_reason.isVisible()
    assert count(bench.store, Outcome) == 0  # nothing written before confirming

    with bench.qtbot.waitSignal(w.decision_recorded, timeout=5000) as blocker:
        bench.key(Qt.Key.Key_F10)
    w.runner.wait()
    recorded = blocker.args[0]
    assert recorded.disposition is Disposition.SELLABLE
    assert w.state == "ready"
    assert "Recorded" in w.banner.text() and "complete" in w.banner.text()
    assert bench.played == ["accept", "accept"]
    assert QApplication.focusWidget() is w.scan_field
    [outcome] = outcomes(bench.store)
    assert outcome.disposition == "sellable"
    assert outcome.recommended == "sellable"
    assert outcome.override_reason is None
    assert outcome.inspector == "Ana" and outcome.bench == "bench-1"
    assert outcome.location == "RETURNS-RESTOCK" and outcome.restocked
    assert outcome.reimbursement_total == Decimal("0")
    assert outcome.scanned_at is not None and outcome.scanned_at <= outcome.decided_at
    assert count(bench.store, StockMovement) == 1
    assert count(bench.store, AuditEvent) == 1
    assert w.ready_page.recent.count() == 1 and TSHIRT in w.ready_page.recent.item(0).text()
    assert w.last_timings["scan_to_card_ms"] > 0 and w.last_timings["confirm_to_next_ms"] > 0


def test_command_codes_decide_each_unit_of_a_multi_unit_return(bench: Bench) -> None:
    w = bench.window
    bench.scan(KETTLE, wait="card")
    assert w.work_page.card.unit_badge.text() == "Unit 1 of 2"
    bench.scan("CMD-SELLER-FAULT")
    assert w.state == "preview"
    assert "UNSELLABLE" in w.work_page.preview_panel.destination.text()
    bench.scan("cmd-confirm", wait="recorded")  # Caps Lock on: still the command
    assert w.state == "inspecting"
    assert w.work_page.card.unit_badge.text() == "Unit 2 of 2"
    assert "Next: unit 2 of 2" in w.banner.text()
    bench.scan("]C0CMD-CARRIER-DAMAGED")  # with the AIM symbology prefix
    assert w.state == "preview"
    bench.scan("CMD-CONFIRM", wait="recorded")
    assert w.state == "ready"
    rows = outcomes(bench.store)
    assert [(o.disposition, o.location) for o in rows] == [
        ("seller_fault", "UNSELLABLE"),
        ("carrier_damaged", "DAMAGED-CLAIM"),
    ]
    # seller-fault on a 39.99 unit: referral fee 6.00; carrier-damaged: 39.99 + 4.80 + 3.20 tax
    assert rows[0].reimbursement_total == Decimal("6.00")
    assert rows[1].reimbursement_total == Decimal("39.99") + Decimal("4.80") + Decimal("3.20")


def test_an_override_asks_for_a_reason_before_writing(bench: Bench) -> None:
    w = bench.window
    bench.scan(TSHIRT, wait="card")
    bench.key(Qt.Key.Key_F2)
    bench.key(Qt.Key.Key_F2)
    assert w.session.recommended is Disposition.SELLABLE
    bench.key(Qt.Key.Key_F7)  # seller-fault instead
    assert w.state == "preview"
    assert w.work_page.preview_panel.override_reason.isVisible()
    assert QApplication.focusWidget() is w.work_page.preview_panel.override_reason
    with bench.qtbot.waitSignal(w.scan_rejected, timeout=2000):
        bench.key(Qt.Key.Key_F10)
    assert "reason" in w.banner.text()
    assert bench.played[-1] == "reject"
    assert count(bench.store, Outcome) == 0
    bench.qtbot.keyClicks(w.work_page.preview_panel.override_reason.lineEdit(), "Scuffed sole")
    bench.qtbot.wait(120)  # a person types slower than a scanner
    bench.key(Qt.Key.Key_Return)
    assert QApplication.focusWidget() is w.scan_field
    with bench.qtbot.waitSignal(w.decision_recorded, timeout=5000):
        bench.key(Qt.Key.Key_F10)
    w.runner.wait()
    [outcome] = outcomes(bench.store)
    assert outcome.disposition == "seller_fault"
    assert outcome.recommended == "sellable"
    assert outcome.override_reason == "Scuffed sole"


def test_a_scan_into_the_reason_field_is_taken_as_a_scan(bench: Bench) -> None:
    w = bench.window
    bench.scan(TSHIRT, wait="card")
    bench.key(Qt.Key.Key_F2)
    bench.key(Qt.Key.Key_F2)
    bench.key(Qt.Key.Key_F6)
    assert QApplication.focusWidget() is w.work_page.preview_panel.override_reason
    reason = w.work_page.preview_panel.override_reason.lineEdit()
    bench.scan("CMD-CANCEL")
    assert w.state == "ready"
    assert reason.text() == ""
    assert count(bench.store, Outcome) == 0


def test_a_scanned_command_overriding_the_recommendation_is_recorded_as_such(bench: Bench) -> None:
    bench.scan(TSHIRT, wait="card")
    bench.key(Qt.Key.Key_F2)
    bench.key(Qt.Key.Key_F2)
    bench.scan("CMD-CARRIER-DAMAGED")
    bench.scan("CMD-CONFIRM", wait="recorded")
    [outcome] = outcomes(bench.store)
    assert outcome.disposition == "carrier_damaged"
    assert outcome.recommended == "sellable"
    assert outcome.override_reason == "Decided by scanning CMD-CARRIER-DAMAGED"


def test_an_unknown_code_is_refused_with_the_reject_sound(bench: Bench) -> None:
    w = bench.window
    bench.scan("NOPE12345", wait="rejected")
    assert w.state == "ready"
    assert "NOPE12345" in w.banner.text() and "No return authorization" in w.banner.text()
    assert bench.played == ["reject"]
    assert w.scan_field.text() == ""
    assert QApplication.focusWidget() is w.scan_field
    assert count(bench.store, Outcome) == 0 and count(bench.store, AuditEvent) == 0


def test_a_malformed_scan_is_refused(bench: Bench) -> None:
    w = bench.window
    bench.scan("RMA§§12", wait="rejected")
    assert "keyboard layout" in w.banner.text()
    assert bench.played == ["reject"]


def test_caps_lock_flipped_case_still_finds_the_rma(bench: Bench) -> None:
    bench.scan(TSHIRT.swapcase(), wait="card")
    assert bench.window.session.auth is not None and bench.window.session.auth.rma_id == TSHIRT


def test_a_new_rma_while_a_unit_is_undecided_is_refused(bench: Bench) -> None:
    w = bench.window
    bench.scan(KETTLE, wait="card")
    bench.scan(TSHIRT, wait="rejected")
    assert "not decided yet" in w.banner.text()
    assert w.state == "inspecting"
    assert w.session.auth is not None and w.session.auth.rma_id == KETTLE
    assert bench.played == ["accept", "reject"]


def test_cancel_leaves_the_unit_undecided_and_writes_nothing(bench: Bench) -> None:
    w = bench.window
    bench.scan(KETTLE, wait="card")
    bench.key(Qt.Key.Key_F2)
    bench.key(Qt.Key.Key_Escape)
    assert w.state == "ready"
    assert "left undecided" in w.banner.text()
    assert count(bench.store, Outcome) == 0
    bench.scan(KETTLE, wait="card")
    assert w.work_page.card.unit_badge.text() == "Unit 1 of 2"


def test_confirm_or_decide_without_a_unit_is_refused(bench: Bench) -> None:
    w = bench.window
    bench.scan("CMD-CONFIRM", wait="rejected")
    assert "scan an RMA first" in w.banner.text()
    bench.scan("CMD-SELLABLE", wait="rejected")
    assert "no unit to decide" in w.banner.text()
    assert count(bench.store, Outcome) == 0


def test_an_rma_already_decided_shows_its_outcomes_and_writes_nothing(bench: Bench) -> None:
    w = bench.window
    bench.scan(TSHIRT, wait="card")
    bench.scan("CMD-SELLABLE")
    bench.scan("CMD-CONFIRM", wait="recorded")
    before = count(bench.store, AuditEvent)
    bench.scan(TSHIRT, wait="rejected")
    assert w.state == "done"
    assert w.work_page.steps.currentWidget() is w.work_page.outcomes_panel
    assert "already decided" in w.banner.text()
    texts = " ".join(
        w.work_page.outcomes_panel.rows.itemAt(i).widget().text()
        for i in range(w.work_page.outcomes_panel.rows.count())
    )
    assert "Sellable" in texts and "Ana" in texts and "RETURNS-RESTOCK" in texts
    assert count(bench.store, Outcome) == 1 and count(bench.store, AuditEvent) == before
    bench.scan(KETTLE, wait="card")  # the next RMA opens straight away
    assert w.state == "inspecting"


def test_a_scan_is_taken_wherever_the_focus_is(bench: Bench) -> None:
    w = bench.window
    w.scan_field.clearFocus()
    w.setFocus()
    assert QApplication.focusWidget() is not w.scan_field
    with bench.qtbot.waitSignal(w.card_shown, timeout=5000):
        bench.qtbot.keyClicks(QApplication.focusWidget() or w, TSHIRT)
        bench.qtbot.keyClick(QApplication.focusWidget() or w, Qt.Key.Key_Return)
    assert w.session.auth is not None and w.session.auth.rma_id == TSHIRT


def test_a_database_error_keeps_the_decision_on_screen_to_retry(qtbot: QtBot, sqlite_url: str) -> None:
    store = Store(sqlite_url, busy_timeout_ms=150)
    from rmadesk.store.schema import ensure_schema

    ensure_schema(store.engine)
    bench = make_bench(qtbot, store)
    w = bench.window
    bench.scan(MUGS, wait="card")
    bench.scan("CMD-SELLABLE")
    locker = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")  # another process holds the database
    try:
        with qtbot.waitSignal(w.record_failed, timeout=5000) as blocker:
            bench.scan("CMD-CONFIRM")
        assert "locked" in blocker.args[0] and "confirm again" in blocker.args[0]
        assert w.state == "preview"
        assert w.session.disposition is Disposition.SELLABLE
        assert bench.played[-1] == "reject"
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    assert count(store, Outcome) == 0
    bench.scan("CMD-CONFIRM", wait="recorded")
    assert count(store, Outcome) == 1
    assert w.work_page.card.unit_badge.text() == "Unit 2 of 3"
    w.close()
    store.dispose()


def test_a_decision_waits_its_turn_while_another_program_writes(
    qtbot: QtBot, bench: Bench, sqlite_url: str
) -> None:
    """An import elsewhere holds SQLite's write lock: the bench says it waits, then records the
    decision when the lock is free, and never calls it an outage."""
    w = bench.window
    bench.scan(MUGS, wait="card")
    bench.scan("CMD-SELLABLE")
    locker = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None)
    locker.execute("BEGIN IMMEDIATE")  # as an import's transaction does
    try:
        with qtbot.waitSignal(w.decision_recorded, timeout=1000, raising=False) as early:
            bench._type(QApplication.focusWidget() or w, "CMD-CONFIRM")  # as a scanner: no waiting
        assert not early.signal_triggered
        qtbot.waitUntil(lambda: "Waiting for the database" in w.banner.text(), timeout=5000)
        assert w.session.offline_since is None and count(bench.store, Outcome) == 0
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    qtbot.waitUntil(lambda: count(bench.store, Outcome) == 1, timeout=10000)
    qtbot.waitUntil(lambda: "Recorded" in w.banner.text(), timeout=5000)
    assert w.session.offline_since is None


def test_a_unit_decided_on_another_bench_meanwhile_is_not_recorded_twice(bench: Bench) -> None:
    w = bench.window
    bench.scan(TSHIRT, wait="card")
    bench.scan("CMD-SELLABLE")
    other = BenchService(bench.store, w.service.policy, w.service.settings)
    from rmadesk.domain.model import Decision

    assert w.session.unit is not None
    with bench.store.unit_of_work() as s:  # bench-1's claim ran out (the inspector walked away)
        s.execute(
            update(Unit)
            .where(Unit.id == w.session.unit.unit_id)
            .values(claim_expires_at=utcnow() - timedelta(minutes=1))
        )
    other.record(
        Decision(
            outcome_uid="other-bench-uid",
            unit_id=w.session.unit.unit_id,
            disposition=Disposition.SELLER_FAULT,
            inspector="Ben",
            bench="bench-2",
        )
    )
    with bench.qtbot.waitSignal(w.scan_rejected, timeout=5000):
        bench.scan("CMD-CONFIRM")
    w.runner.wait()
    bench.qtbot.waitUntil(lambda: w.state == "done", timeout=5000)
    assert "bench-2" in w.banner.text() and "Ben" in w.banner.text()
    rows = outcomes(bench.store)
    assert [(o.disposition, o.bench) for o in rows] == [("seller_fault", "bench-2")]


def _second_return_on_the_kettle_order(store: Store) -> None:
    """Another return on the kettle's order, so the order ID matches two authorizations."""
    from sqlalchemy import insert

    from rmadesk.store.models import Authorization, ScanCode, Unit

    with store.unit_of_work() as s:
        auth_id = s.execute(
            insert(Authorization)
            .values(
                auth_key="DxTwoOrdRRMA",
                kind="RMA",
                source="demo",
                rma_id="DxTwoOrdRRMA",
                order_id="113-2076551-4410617",
                sku="KETTLE-LID",
                item_name="Spare kettle lid",
                quantity=1,
                currency="USD",
            )
            .returning(Authorization.id)
        ).scalar_one()
        s.execute(insert(Unit).values(authorization_id=auth_id, seq=1, attempt=0))
        s.execute(
            insert(ScanCode),
            [
                {
                    "code": "DxTwoOrdRRMA",
                    "code_folded": "DXTWOORDRRMA",
                    "code_kind": "rma",
                    "authorization_id": auth_id,
                },
                {
                    "code": "113-2076551-4410617",
                    "code_folded": "113-2076551-4410617",
                    "code_kind": "order",
                    "authorization_id": auth_id,
                },
            ],
        )


def test_an_order_with_several_returns_lets_the_inspector_pick_one(bench: Bench) -> None:
    w = bench.window
    _second_return_on_the_kettle_order(bench.store)
    with bench.qtbot.waitSignal(w.candidates_shown, timeout=5000) as blocker:
        bench.scan("113-2076551-4410617")
    assert blocker.args == [2]
    assert w.state == "picking"
    texts = w.picker.row_texts()
    assert len(texts) == 2 and any(KETTLE in t for t in texts) and any("DxTwoOrdRRMA" in t for t in texts)
    bench.scan("7", wait="rejected")  # no such number
    assert "1 to 2" in w.banner.text()
    number = next(i for i, t in enumerate(texts, start=1) if "Spare kettle lid" in t)
    bench.scan(str(number), wait="card")
    assert w.state == "inspecting"
    assert w.session.auth is not None and w.session.auth.rma_id == "DxTwoOrdRRMA"


def test_picking_by_scanning_the_rma_and_going_back_with_escape(bench: Bench) -> None:
    w = bench.window
    _second_return_on_the_kettle_order(bench.store)
    with bench.qtbot.waitSignal(w.candidates_shown, timeout=5000):
        bench.scan("113-2076551-4410617")
    bench.key(Qt.Key.Key_Escape)
    assert w.state == "ready"
    with bench.qtbot.waitSignal(w.candidates_shown, timeout=5000):
        bench.scan("113-2076551-4410617")
    bench.scan(KETTLE, wait="card")
    assert w.session.auth is not None and w.session.auth.rma_id == KETTLE and w.state == "inspecting"


def test_an_order_id_with_one_return_opens_it_directly(bench: Bench) -> None:
    bench.scan("114-3941689-8772232", wait="card")
    assert bench.window.session.auth is not None and bench.window.session.auth.rma_id == TSHIRT


def test_a_command_scanned_while_the_rma_is_still_being_looked_up_waits_for_it(bench: Bench) -> None:
    w = bench.window
    target = QApplication.focusWidget() or w
    for code in (KETTLE, "CMD-CARRIER-DAMAGED"):  # the second scan arrives before the lookup is back
        bench.qtbot.keyClicks(target, code)
        bench.qtbot.keyClick(target, Qt.Key.Key_Return)
    bench.qtbot.waitUntil(lambda: w.state == "preview", timeout=5000)
    assert w.session.disposition is Disposition.CARRIER_DAMAGED
    assert bench.played == ["accept"]


def test_the_next_rma_scanned_while_the_outcome_is_written_opens_after_it(bench: Bench) -> None:
    w = bench.window
    bench.scan(TSHIRT, wait="card")
    bench.scan("CMD-SELLABLE")
    target = QApplication.focusWidget() or w
    for code in ("CMD-CONFIRM", KETTLE):  # the next parcel is scanned before the write is back
        bench.qtbot.keyClicks(target, code)
        bench.qtbot.keyClick(target, Qt.Key.Key_Return)
    bench.qtbot.waitUntil(
        lambda: w.session.auth is not None and w.session.auth.rma_id == KETTLE, timeout=5000
    )
    assert w.state == "inspecting"
    assert "reject" not in bench.played
    assert count(bench.store, Outcome) == 1


def test_another_bench_scanning_an_open_unit_is_told_who_holds_it(qtbot: QtBot, sqlite_url: str) -> None:
    from rmadesk.services.context import open_store

    store = open_store(sqlite_url)
    first = make_bench(qtbot, store, bench_name="bench-1", inspector="Ana")
    second = make_bench(qtbot, store, bench_name="bench-3", inspector="Ben")
    first.scan(TSHIRT, wait="card", into_scan_field=True)
    second.scan(TSHIRT, wait="rejected", into_scan_field=True)
    assert "open on bench bench-1 (Ana)" in second.window.banner.text()
    assert second.window.state == "ready"
    # a two-unit return: the second bench takes the unit the first is not on
    first.scan("CMD-CANCEL", into_scan_field=True)
    first.scan(KETTLE, wait="card", into_scan_field=True)
    second.scan(KETTLE, wait="card", into_scan_field=True)
    assert first.window.session.unit is not None and second.window.session.unit is not None
    assert {first.window.session.unit.seq, second.window.session.unit.seq} == {1, 2}
    # once the first bench cancels, its unit is free for the second
    freed = first.window.session.unit.seq
    first.scan("CMD-CANCEL", into_scan_field=True)
    second.scan("CMD-SELLABLE", into_scan_field=True)
    second.scan("CMD-CONFIRM", wait="recorded", into_scan_field=True)
    assert second.window.state == "inspecting"
    assert second.window.session.unit is not None and second.window.session.unit.seq == freed
    for b in (first, second):
        b.window.close()
    store.dispose()


def test_find_a_return_opens_the_browser_from_the_bench(bench: Bench) -> None:
    w = bench.window
    bench.key(Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    browser = w.actions.browser_window
    assert browser is not None and browser.isVisible()
    model = browser.browser.model
    bench.qtbot.waitUntil(lambda: model.rowCount() == 5, timeout=5000)  # the five demo returns
    browser.close()


def test_the_card_shows_the_comment_of_the_unit_a_license_plate_names(bench: Bench, tmp_path) -> None:
    from rmadesk.services.imports import import_report
    from tests.integration.test_import_fba import RETURNS_HEADER, fba, write_tsv

    rows = [
        fba(license_plate_number="LPNJK0000001", customer_comments="zip broken"),
        fba(license_plate_number="LPNJK0000002", customer_comments="never worn, wrong colour"),
    ]
    import_report(bench.store, write_tsv(tmp_path / "r.txt", RETURNS_HEADER, rows), actor="office")
    bench.scan("LPNJK0000002", wait="card")
    card = bench.window.work_page.card
    assert card.unit_badge.text() == "Unit 2 of 2"
    assert card.fields["comment"].text() == "“never worn, wrong colour”"


def test_a_return_of_several_items_shows_each_unit_as_its_item(bench: Bench, tmp_path) -> None:
    from rmadesk.services.imports import import_report
    from tests.integration.test_import import row, write_report

    rma = {"Amazon_RMA_ID": "DtWoItEmRRMA", "Order_ID": "114-0000000-0000077"}
    rows = [
        row(**rma, Merchant_SKU="TEE-BLK-M", Item_Name="Crew Tee, Black, M", Return_quantity="1"),
        row(**rma, Merchant_SKU="CAP-GRY", Item_Name="Cap, grey", Return_quantity="1", Order_Amount="12.00"),
    ]
    import_report(bench.store, write_report(tmp_path / "two.txt", rows), actor="office")
    bench.scan("DtWoItEmRRMA", wait="card")
    card = bench.window.work_page.card
    assert card.unit_badge.text() == "Item 1 of 2\nunit 1 of 1"
    assert card.item.text() == "Crew Tee, Black, M"
    bench.key(Qt.Key.Key_F5)
    with bench.qtbot.waitSignal(bench.window.decision_recorded, timeout=5000):
        bench.key(Qt.Key.Key_F10)
    bench.window.runner.wait()
    bench.qtbot.waitUntil(lambda: card.unit_badge.text() == "Item 2 of 2\nunit 1 of 1", timeout=5000)
    assert (card.item.text(), card.fields["sku"].text().split()[0]) == ("Cap, grey", "CAP-GRY")
    assert card.fields["price"].text() == "12.00 USD"
