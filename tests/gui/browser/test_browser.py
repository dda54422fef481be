"""The authorizations browser, offscreen on a real SQLite file: model checks, paging, search, detail."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from PySide6.QtCore import QDate, QModelIndex, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import insert

from rmadesk.domain.errors import DatabaseUnavailable
from rmadesk.domain.model import Decision, Disposition
from rmadesk.domain.policy import load_policy
from rmadesk.services.bench import BenchService, new_outcome_uid
from rmadesk.services.browse import COLUMNS, BrowseFilter, BrowseRow, BrowseService
from rmadesk.services.context import open_store
from rmadesk.services.demo import create_demo_data
from rmadesk.settings import Settings
from rmadesk.store.models import Authorization, ScanCode, Unit
from rmadesk.store.types import utcnow
from rmadesk.store.uow import Store
from rmadesk.ui.browser import model as browser_model
from rmadesk.ui.browser import widget as browser_widget
from rmadesk.ui.browser.model import AuthorizationsModel
from rmadesk.ui.browser.widget import BrowserWidget
from rmadesk.ui.browser.window import BrowserWindow
from rmadesk.ui.common.runner import Runner
from tests.actors import BOSS

KETTLE = "DpHwNcVbRRMA"  # 2 units
MUGS = "DaLpKsOiRRMA"  # 3 units
TSHIRT = "DkQxRtLmRRMA"
EXTRA = 445  # with the 5 demo returns: 450, three pages of 200


def column(key: str) -> int:
    return [k for k, _ in COLUMNS].index(key)


def add_many(store: Store, n: int) -> None:
    """n plain authorizations, older than the demo ones, with one unit each."""
    now = utcnow()
    start = date.today() - timedelta(days=400)
    with store.unit_of_work() as session:
        ids = session.execute(
            insert(Authorization).returning(Authorization.id, sort_by_parameter_order=True),
            [
                {
                    "auth_key": f"DgEn{k:04d}RRMA",
                    "kind": "RMA",
                    "source": "mfn_report",
                    "rma_id": f"DgEn{k:04d}RRMA",
                    "order_id": f"111-0000000-{k:07d}",
                    "sku": f"GEN-{k % 7}",
                    "item_name": f"Generated item {k}",
                    "quantity": 1,
                    "request_date": start + timedelta(days=k % 300),
                    "imported_at": now,
                    "updated_at": now,
                }
                for k in range(n)
            ],
        ).scalars()
        ids = list(ids)
        session.execute(insert(Unit), [{"authorization_id": i, "seq": 1, "attempt": 0} for i in ids])
        session.execute(
            insert(ScanCode),
            [
                {
                    "code": f"DgEn{k:04d}RRMA",
                    "code_folded": f"DGEN{k:04d}RRMA",
                    "code_kind": "rma",
                    "authorization_id": i,
                }
                for k, i in enumerate(ids)
            ],
        )


@pytest.fixture
def store(sqlite_url: str) -> Iterator[Store]:
    store = open_store(sqlite_url)
    create_demo_data(store, BOSS)
    bench = BenchService(store, load_policy(), Settings(bench="bench-2", sounds=False))
    for disposition, inspector in ((Disposition.SELLABLE, "Ana"), (Disposition.SELLER_FAULT, "Ben")):
        unit = bench.lookup(KETTLE).next_undecided
        assert unit is not None
        bench.record(Decision(new_outcome_uid(), unit.unit_id, disposition, inspector, "bench-2"))
    add_many(store, EXTRA)
    yield store
    store.dispose()


@pytest.fixture
def runner() -> Iterator[Runner]:
    runner = Runner()
    yield runner
    runner.wait()
    runner.stop()


@pytest.fixture
def browser(qtbot: QtBot, store: Store, runner: Runner) -> Iterator[BrowserWidget]:
    widget = BrowserWidget(BrowseService(store, BOSS, search_ttl_s=0), runner)
    qtbot.addWidget(widget)
    widget.resize(1500, 800)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    qtbot.waitUntil(lambda: widget.model.rowCount() == 200 and widget.model.total is not None, timeout=5000)
    # The first row's detail follows a pause: settled first, it cannot arrive in the middle of a test.
    qtbot.waitUntil(lambda: widget.detail is not None, timeout=5000)
    settle(qtbot, runner)
    yield widget
    widget.close()  # results still on their way are dropped, not shown on a deleted widget
    settle(qtbot, runner)


def settle(qtbot: QtBot, runner: Runner) -> None:
    """Let the worker finish and its results reach the GUI thread."""
    runner.wait()
    qtbot.waitUntil(lambda: not runner.busy, timeout=5000)


def loaded_model(qtbot: QtBot, service: BrowseService, runner: Runner, **kw: Any) -> AuthorizationsModel:
    model = AuthorizationsModel(service, runner, **kw)
    with qtbot.waitSignal(model.page_loaded, timeout=5000):
        model.refresh()
    settle(qtbot, runner)
    return model


# --- the model --------------------------------------------------------------------------------------


def test_model_passes_the_model_tester_after_load_sort_and_filter(
    qtbot: QtBot, qtmodeltester: Any, store: Store, runner: Runner
) -> None:
    model = loaded_model(qtbot, BrowseService(store, BOSS, search_ttl_s=0), runner)
    assert model.rowCount() == 200 and model.columnCount() == len(COLUMNS)
    assert model.total == model.everything == 450
    qtmodeltester.check(model)

    with qtbot.waitSignal(model.page_loaded, timeout=5000):
        model.sort(column("sku"), Qt.SortOrder.AscendingOrder)
    assert (model.sort_key, model.descending) == ("sku", False)
    skus = [model.row_at(n).sku for n in range(model.rowCount())]
    assert skus == sorted(skus)  # sorted by the database: plain ASCII SKUs compare alike
    qtmodeltester.check(model)

    with qtbot.waitSignal(model.page_loaded, timeout=5000):
        model.set_filter(BrowseFilter(text="kettle"))
    settle(qtbot, runner)
    assert model.rowCount() == 1 and model.row_at(0).rma_id == KETTLE
    assert (model.total, model.everything) == (1, 450)
    qtmodeltester.check(model)

    with qtbot.waitSignal(model.page_loaded, timeout=5000):
        model.set_filter(BrowseFilter(text="no such thing"))
    assert model.rowCount() == 0 and not model.canFetchMore(QModelIndex())
    qtmodeltester.check(model)


def test_model_data_roles(qtbot: QtBot, store: Store, runner: Runner) -> None:
    model = loaded_model(qtbot, BrowseService(store, BOSS), runner)
    row = next(n for n in range(model.rowCount()) if model.row_at(n).rma_id == KETTLE)

    def data(key: str, role: Qt.ItemDataRole = Qt.ItemDataRole.DisplayRole) -> Any:
        return model.data(model.index(row, column(key)), role)

    assert data("rma") == KETTLE
    assert data("order") == "113-2076551-4410617"
    assert (data("quantity"), data("decided"), data("status")) == ("2", "2", "Done")
    assert data("kind") == "RMA"
    assert data("status", Qt.ItemDataRole.ToolTipRole) == "Done: 2 of 2 units decided"
    alignment = data("quantity", Qt.ItemDataRole.TextAlignmentRole)
    assert alignment & Qt.AlignmentFlag.AlignRight
    assert data("item", Qt.ItemDataRole.TextAlignmentRole) is None
    assert data("status", Qt.ItemDataRole.ForegroundRole).color().name() == "#1b7a3a"
    assert data("rma", AuthorizationsModel.AUTH_ID_ROLE) == model.row_at(row).auth_id
    assert model.headerData(column("requested"), Qt.Orientation.Horizontal) == "Requested"
    assert model.headerData(0, Qt.Orientation.Vertical) is None


def test_fetch_more_pages_in_database_order_without_duplicates(
    qtbot: QtBot, store: Store, runner: Runner
) -> None:
    service = BrowseService(store, BOSS)
    model = loaded_model(qtbot, service, runner)
    while model.canFetchMore(QModelIndex()):
        with qtbot.waitSignal(model.page_loaded, timeout=5000):
            model.fetchMore(QModelIndex())
    assert model.rowCount() == 450
    mine = [model.row_at(n).auth_id for n in range(450)]
    assert mine == [r.auth_id for r in service.page(BrowseFilter(), "requested", True, 0, 1000)]
    assert model.exhausted and not model.canFetchMore(QModelIndex())


class SlowService(BrowseService):
    """Holds the page query for the text "slow" until released, to let a newer query overtake it."""

    def __init__(self, store: Store) -> None:
        super().__init__(store, BOSS, search_ttl_s=0)
        self.started = threading.Event()
        self.release = threading.Event()

    def page(self, f: BrowseFilter, *args: Any, **kwargs: Any) -> list[BrowseRow]:
        rows = super().page(f, *args, **kwargs)
        if f.text == "slow":
            self.started.set()
            assert self.release.wait(10)
            return super().page(BrowseFilter(), *args, **kwargs)  # plenty of rows, all stale
        return rows


def test_results_of_an_overtaken_query_are_dropped(qtbot: QtBot, store: Store, runner: Runner) -> None:
    service = SlowService(store)
    model = AuthorizationsModel(service, runner)
    inserted: list[int] = []
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append(last - first + 1))
    model.set_filter(BrowseFilter(text="slow"))
    assert service.started.wait(5)  # the slow query is running on the worker
    model.set_filter(BrowseFilter(text=MUGS))  # a newer query, queued behind it
    service.release.set()
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=5000)
    settle(qtbot, runner)
    assert model.row_at(0).rma_id == MUGS
    assert inserted == [1]  # the slow query's 200 rows never reached the model
    assert (model.total, model.everything) == (1, 450)


def test_a_failed_query_is_said_and_retried_with_f5(qtbot: QtBot, store: Store, runner: Runner) -> None:
    class Failing(BrowseService):
        fail = True

        def page(self, *args: Any, **kwargs: Any) -> list[BrowseRow]:
            if self.fail:
                raise DatabaseUnavailable("The database cannot be reached (test).")
            return super().page(*args, **kwargs)

    service = Failing(store, BOSS)
    widget = BrowserWidget(service, runner)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    widget.table.setFocus()
    with qtbot.waitSignal(widget.load_failed, timeout=5000) as failed:
        pass
    assert failed.args == ["The database cannot be reached (test)."]
    qtbot.waitUntil(lambda: "cannot be reached" in widget.count_label.text(), timeout=5000)
    assert not widget.model.canFetchMore(QModelIndex())  # no retry loop
    service.fail = False
    with qtbot.waitSignal(widget.model.page_loaded, timeout=5000):
        qtbot.keyClick(widget.table, Qt.Key.Key_F5)
    settle(qtbot, runner)
    assert widget.model.rowCount() == 200
    assert widget.count_label.text() == "450 authorizations"
    widget.close()
    settle(qtbot, runner)


# --- the widget -------------------------------------------------------------------------------------


def test_scrolling_the_table_fetches_more(qtbot: QtBot, browser: BrowserWidget, runner: Runner) -> None:
    assert browser.count_label.text() == "450 authorizations"
    with qtbot.waitSignal(browser.model.page_loaded, timeout=5000):
        browser.table.scrollToBottom()
    assert browser.model.rowCount() == 400
    with qtbot.waitSignal(browser.model.page_loaded, timeout=5000):
        browser.table.scrollToBottom()
    settle(qtbot, runner)
    assert browser.model.rowCount() == 450
    assert not browser.model.canFetchMore(QModelIndex())
    assert len({browser.model.row_at(n).auth_id for n in range(450)}) == 450


def test_the_list_holds_a_bounded_number_of_rows_and_says_so(
    qtbot: QtBot, browser: BrowserWidget, runner: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(browser_model, "MAX_ROWS_HELD", 300)
    for _ in range(3):
        if browser.model.canFetchMore(QModelIndex()):
            with qtbot.waitSignal(browser.model.page_loaded, timeout=5000):
                browser.table.scrollToBottom()
    settle(qtbot, runner)
    assert browser.model.rowCount() == 300 and browser.model.capped
    assert not browser.model.canFetchMore(QModelIndex())
    assert browser.count_label.text() == (
        "450 authorizations · the list stops at the first 300: narrow the filter or reverse the sort"
    )
    with qtbot.waitSignal(browser.model.page_loaded, timeout=5000):
        browser.kind_combo.setCurrentIndex(browser.kind_combo.findData("RGA"))
    settle(qtbot, runner)
    assert not browser.model.capped and "stops" not in browser.count_label.text()


def test_typing_searches_after_a_pause_and_enter_searches_at_once(
    qtbot: QtBot, browser: BrowserWidget, runner: Runner
) -> None:
    applied: list[BrowseFilter] = []
    browser.filter_applied.connect(applied.append)
    browser.search.setFocus()
    with qtbot.waitSignal(browser.filter_applied, timeout=2000):
        qtbot.keyClicks(browser.search, "kettle")
        assert applied == []  # not on every key: after the pause
    qtbot.waitUntil(lambda: browser.model.rowCount() == 1, timeout=5000)
    settle(qtbot, runner)
    assert [f.text for f in applied] == ["kettle"]
    assert browser.model.row_at(0).rma_id == KETTLE
    assert browser.count_label.text() == "1 of 450 authorizations"

    browser.search.clear()
    qtbot.keyClicks(browser.search, MUGS.swapcase())  # Caps Lock on
    with qtbot.waitSignal(browser.filter_applied, timeout=1000):
        qtbot.keyClick(browser.search, Qt.Key.Key_Return)
    assert applied[-1].text == MUGS.swapcase()
    qtbot.waitUntil(lambda: browser.model.rowCount() == 1 and browser.model.row_at(0).rma_id == MUGS)
    qtbot.wait(300)  # the pause timer does not search a second time
    assert len(applied) == 2

    qtbot.keyClick(browser.search, Qt.Key.Key_Escape)  # clears the search
    qtbot.waitUntil(lambda: browser.model.rowCount() == 200, timeout=5000)
    assert browser.search.text() == "" and applied[-1] == BrowseFilter()


def test_filters_by_status_kind_and_dates(qtbot: QtBot, browser: BrowserWidget, runner: Runner) -> None:
    browser.status_combo.setCurrentIndex(browser.status_combo.findData("done"))
    qtbot.waitUntil(lambda: browser.model.rowCount() == 1, timeout=5000)
    assert browser.model.row_at(0).rma_id == KETTLE
    browser.status_combo.setCurrentIndex(browser.status_combo.findData("awaiting"))
    qtbot.waitUntil(lambda: browser.model.rowCount() == 200, timeout=5000)
    browser.kind_combo.setCurrentIndex(browser.kind_combo.findData("RGA"))
    qtbot.waitUntil(lambda: browser.model.rowCount() == 0 and browser.model.exhausted, timeout=5000)
    settle(qtbot, runner)
    assert "0 of 450" in browser.count_label.text()
    assert browser.detail is None and "Nothing matches" in browser.detail_item.text()
    browser.clear_filters()
    qtbot.waitUntil(lambda: browser.model.rowCount() == 200, timeout=5000)
    # The demo returns were requested in the last week; the generated ones long before.
    browser.date_from.setDate(QDate.currentDate().addDays(-6))
    with qtbot.waitSignal(browser.filter_applied, timeout=2000):
        browser.dates_box.setChecked(True)
    qtbot.waitUntil(lambda: browser.model.rowCount() == 5, timeout=5000)
    assert browser.model.filter.date_from == date.today() - timedelta(days=6)


def test_selecting_a_row_shows_its_units_outcomes_and_history(
    qtbot: QtBot, browser: BrowserWidget, runner: Runner
) -> None:
    row = next(n for n in range(browser.model.rowCount()) if browser.model.row_at(n).rma_id == KETTLE)
    auth_id = browser.model.row_at(row).auth_id
    with qtbot.waitSignal(browser.detail_shown, timeout=5000) as shown:
        browser.table.selectRow(row)
    assert shown.args == [auth_id]
    assert browser.detail is not None and browser.detail.authorization.rma_id == KETTLE
    assert browser.detail_title.text() == f"RMA {KETTLE}"
    assert browser.detail_status.text() == "Done"
    assert browser.fields["order"].text().startswith("113-2076551-4410617")
    assert browser.fields["quantity"].text() == "2 authorized, 2 decided"
    units = [label.text() for label in browser.unit_labels]
    assert len(units) == 2
    assert "Unit 1" in units[0] and "Sellable" in units[0] and "RETURNS-RESTOCK" in units[0]
    assert "Ana" in units[0] and "bench-2" in units[0]
    outcome = browser.detail.units[0].outcome
    assert outcome is not None
    assert outcome.decided_at.astimezone().strftime("%Y-%m-%d %H:%M") in units[0]  # local time
    assert "Seller-fault" in units[1] and "UNSELLABLE" in units[1] and "Ben" in units[1]
    history = browser.history_label.text()
    assert "Created as demo data." in history
    assert history.index("Unit 1 decided Sellable") < history.index("Unit 2 decided Seller-fault")


def test_keyboard_first(qtbot: QtBot, browser: BrowserWidget, runner: Runner) -> None:
    browser.table.setFocus()
    qtbot.keyClick(browser.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is browser.search
    # Up and Down in the search field move through the table; the focus stays to type on.
    first = browser.table.currentIndex().row()
    qtbot.keyClick(browser.search, Qt.Key.Key_Down)
    qtbot.keyClick(browser.search, Qt.Key.Key_Down)
    qtbot.keyClick(browser.search, Qt.Key.Key_Up)
    assert browser.table.currentIndex().row() == first + 1
    assert QApplication.focusWidget() is browser.search
    selected: list[int] = []
    browser.authorization_selected.connect(selected.append)
    browser.table.setFocus()
    qtbot.keyClick(browser.table, Qt.Key.Key_Down)
    want = browser.model.row_at(first + 2).auth_id
    assert selected == [want]
    # Enter shows the detail at once, without waiting for the pause after moving.
    browser._detail_timer.stop()
    with qtbot.waitSignal(browser.detail_shown, timeout=5000) as shown:
        qtbot.keyClick(browser.table, Qt.Key.Key_Return)
    assert shown.args == [want]


def test_sorting_by_a_header_asks_the_database(qtbot: QtBot, browser: BrowserWidget, runner: Runner) -> None:
    with qtbot.waitSignal(browser.model.page_loaded, timeout=5000):
        browser.table.sortByColumn(column("quantity"), Qt.SortOrder.DescendingOrder)
    settle(qtbot, runner)
    quantities = [browser.model.row_at(n).quantity for n in range(5)]
    assert quantities == [3, 2, 1, 1, 1]
    assert browser.model.rowCount() == 200


def test_browser_window(qtbot: QtBot, store: Store) -> None:
    window = BrowserWindow(BrowseService(store, BOSS))
    qtbot.addWidget(window)
    window.show()
    assert window.windowTitle() == "RMA Desk — find a return"
    qtbot.waitUntil(lambda: window.browser.model.rowCount() == 200, timeout=5000)
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=5000)
    window.close()
    assert not window.runner._thread.is_alive()
    assert window.browser.model.rowCount() == 0  # a closed window holds no rows
    # Shown again from the menu: a new worker, the list read afresh.
    window.show()
    qtbot.waitUntil(lambda: window.browser.model.rowCount() == 200, timeout=5000)
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=5000)
    assert window.runner._thread.is_alive()
    window.close()


def test_an_authorization_decided_meanwhile_is_not_listed_twice(
    qtbot: QtBot, store: Store, runner: Runner
) -> None:
    """Sorted on the time of the last change, a row decided between two pages moves; it is kept once."""
    service = BrowseService(store, BOSS)
    model = loaded_model(qtbot, service, runner, sort_key="updated", descending=False)
    first_id = model.row_at(0).auth_id
    with store.unit_of_work() as session:
        auth = session.get(Authorization, first_id)
        assert auth is not None
        auth.updated_at = utcnow()  # now the newest: it sorts after every page still to come
    while model.canFetchMore(QModelIndex()):
        with qtbot.waitSignal(model.page_loaded, timeout=5000):
            model.fetchMore(QModelIndex())
    ids = [model.row_at(n).auth_id for n in range(model.rowCount())]
    assert len(ids) == len(set(ids)) == 450
    assert ids[0] == first_id


def test_f5_reads_again_new_authorizations_included(qtbot: QtBot, store: Store, runner: Runner) -> None:
    widget = BrowserWidget(BrowseService(store, BOSS, search_ttl_s=3600), runner)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    widget.activateWindow()
    widget.search.setText("waffle")
    with qtbot.waitSignal(widget.model.page_loaded, timeout=5000):
        widget.apply_filter()
    settle(qtbot, runner)
    assert widget.model.rowCount() == 0 and widget.count_label.text().startswith("0 of 450")
    with store.unit_of_work() as session:
        session.add(
            Authorization(
                auth_key="DwAfFlEsRRMA",
                kind="RMA",
                source="mfn_report",
                rma_id="DwAfFlEsRRMA",
                order_id="111-1111111-1111111",
                sku="WAFFLE-IRON",
                item_name="Waffle iron",
                quantity=1,
            )
        )
    with qtbot.waitSignal(widget.model.page_loaded, timeout=5000):
        qtbot.keyClick(widget.search, Qt.Key.Key_F5)
    settle(qtbot, runner)
    assert widget.model.rowCount() == 1 and widget.model.row_at(0).rma_id == "DwAfFlEsRRMA"
    assert widget.count_label.text() == "1 of 451 authorizations"
    widget.close()
    settle(qtbot, runner)


def test_the_detail_shows_the_refund_label_and_claims_the_report_gave(
    qtbot: QtBot, browser: BrowserWidget, store: Store, runner: Runner
) -> None:
    from datetime import date
    from decimal import Decimal

    from sqlalchemy import update

    with store.unit_of_work() as session:
        session.execute(
            update(Authorization)
            .where(Authorization.rma_id == KETTLE)
            .values(
                refunded_amount=Decimal("39.90"),
                return_delivery_date=date(2026, 11, 5),
                label_cost=Decimal("6.49"),
                label_paid_by="Seller",
                a_to_z_claim=True,
                safet_claim_id="ST-1",
                safet_claim_state="Approved",
                safet_amount=Decimal("12.00"),
            )
        )
    row = next(n for n in range(browser.model.rowCount()) if browser.model.row_at(n).rma_id == KETTLE)
    with qtbot.waitSignal(browser.detail_shown, timeout=5000):
        browser.table.selectRow(row)
    assert browser.fields["refund"].text() == "39.90 USD refunded  ·  delivered back 05 Nov 2026"
    assert browser.fields["label"].text() == "6.49 USD  ·  paid by Seller"
    assert browser.fields["claims"].text() == (
        "A-to-z guarantee claim  ·  SafeT claim ST-1 (Approved)  12.00 USD reimbursed"
    )
    other = next(n for n in range(browser.model.rowCount()) if browser.model.row_at(n).rma_id != KETTLE)
    with qtbot.waitSignal(browser.detail_shown, timeout=5000):
        browser.table.selectRow(other)
    assert not browser.fields["claims"].isVisibleTo(browser)  # a return without claims shows no line


def test_a_filter_matching_very_many_is_counted_up_to_a_limit(
    qtbot: QtBot, browser: BrowserWidget, runner: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(browser_model, "COUNTED_AT_MOST", 100)
    monkeypatch.setattr(browser_widget, "COUNTED_AT_MOST", 100)
    browser.status_combo.setCurrentIndex(browser.status_combo.findData("awaiting"))
    qtbot.waitUntil(lambda: browser.model.rowCount() == 200, timeout=5000)
    settle(qtbot, runner)
    assert browser.model.total == 101
    assert browser.count_label.text() == "more than 100 of 450 authorizations"
    with qtbot.waitSignal(browser.filter_applied, timeout=2000):
        browser.kind_combo.setCurrentIndex(browser.kind_combo.findData("RGA"))
    qtbot.waitUntil(lambda: browser.model.exhausted, timeout=5000)
    settle(qtbot, runner)
    assert browser.count_label.text().startswith("0 of 450")
