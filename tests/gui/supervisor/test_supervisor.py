"""The supervisor view, offscreen on a real SQLite file with outcomes recorded by the bench service.

The shift worked out by hand (Europe/Berlin, UTC+1; the clock stands at 2026-11-26 11:00Z = 12:00):
the early shift runs 06:00-14:00 local (05:00Z-13:00Z), 6 hours have passed, and it is compared with
the night shift 22:00-06:00 before it. Six units were decided in it:

    unit          decided (Z)  reason         disposition      recommended     who  bench    s/unit
    T-shirt 1     05:31:00     TOO-LARGE      sellable         sellable        Ana  bench-1   60
    T-shirt 2     06:00:40     TOO-LARGE      sellable         sellable        Ana  bench-1   40
    T-shirt 3     06:22:00     TOO-LARGE      carrier-damaged  carrier-damaged Ben  bench-2  120
    T-shirt 4     07:06:30     TOO-SMALL      sellable         seller-fault    Ben  bench-2   90
    kettle 1/2    08:03:00     DEFECTIVE      seller-fault     sellable        Ana  bench-1  180
    book          09:12:30     BY-CARRIER     carrier-damaged  carrier-damaged Ben  bench-2  150

so 6 units (3 sellable, 2 carrier-damaged, 1 seller-fault), 1.0 unit per hour, a median of
(90 + 120) / 2 = 105 s, 2 overrides; local hours 06..13: 1, 2, 1, 1, 1, 0, 0, 0. The night shift
had one unit (the headset, seller-fault, 02:00Z). Kettle unit 2 and the three mugs are undecided and
were requested on 2026-11-20: 2 authorizations (4 units) are waiting. The T-shirt had 4 returns, 3 of
them too large: 75% >= 50% of >= 3 returns, an alert.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCharts import QChartView, QValueAxis
from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from sqlalchemy import insert, select, update

from rmadesk.domain.model import Decision, Disposition
from rmadesk.domain.policy import load_policy
from rmadesk.services.bench import BenchService, new_outcome_uid
from rmadesk.services.context import open_store
from rmadesk.services.demo import create_demo_data
from rmadesk.settings import Settings
from rmadesk.store.models import Authorization, Outcome, StockMovement, Unit
from rmadesk.store.uow import Store
from rmadesk.summary.windows import CUSTOM, PREVIOUS, SHIFT, TODAY, WEEK
from rmadesk.ui.supervisor import export, standalone, view
from rmadesk.ui.supervisor import window as supervisor
from rmadesk.ui.supervisor.models import TABS, SummaryTableModel, cell_number
from rmadesk.ui.supervisor.widgets import seconds_text
from rmadesk.ui.supervisor.window import SupervisorWindow
from tests.actors import BOSS

if TYPE_CHECKING:  # pytest-qt's model tester needs its Qt set up, which the screenshot process skips
    from pytestqt.modeltest import ModelTester

TSHIRT = "DkQxRtLmRRMA"
KETTLE = "DpHwNcVbRRMA"
BOOK = "DsGtYuJkRRMA"
HEADSET = "DzMbQeWfRRMA"
MUGS = "DaLpKsOiRRMA"
TOO_LARGE = "AMZ-PG-WJ-TOO-LARGE"
TOO_SMALL = "AMZ-PG-WJ-TOO-SMALL"
NOW = datetime(2026, 11, 26, 11, 0, tzinfo=UTC)
SETTINGS = Settings(
    bench="bench-1",
    timezone="Europe/Berlin",
    site="Returns hall B",
    alert_share="0.5",
    alert_min_count=3,
    sounds=False,
)


def z(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@dataclass
class Hall:
    """The returns of the test: the store, the bench service that records decisions, and unit ids."""

    store: Store
    path: Path
    service: BenchService

    def units(self, rma_id: str) -> list[int]:
        with self.store.read() as session:
            return list(
                session.scalars(
                    select(Unit.id)
                    .join(Authorization, Authorization.id == Unit.authorization_id)
                    .where(Authorization.rma_id == rma_id)
                    .order_by(Unit.seq)
                )
            )

    def decide(
        self,
        unit_id: int,
        disposition: Disposition,
        inspector: str,
        bench: str,
        scanned: str,
        decided: str,
        recommended: Disposition | None = None,
    ) -> None:
        """Record as the bench does, at the time of the story (a decision kept through an outage is
        written so), and date its stock movement then too."""
        override = recommended is not None and recommended is not disposition
        self.service.record(
            Decision(
                outcome_uid=new_outcome_uid(),
                unit_id=unit_id,
                disposition=disposition,
                inspector=inspector,
                bench=bench,
                recommended=recommended,
                override_reason="Seen otherwise at the bench" if override else None,
                scanned_at=z(scanned),
                decided_at=z(decided),
            )
        )
        with self.store.unit_of_work() as session:
            outcome_ids = select(Outcome.id).where(Outcome.unit_id == unit_id)
            session.execute(
                update(StockMovement)
                .where(StockMovement.outcome_id.in_(outcome_ids))
                .values(moved_at=z(decided))
            )

    def copy_tshirt(self, number: int, reason: str) -> str:
        """Another return of the T-shirt with its own RMA ID; returns that ID."""
        rma_id = f"DtShirt{number}RRMA"
        with self.store.unit_of_work() as session:
            row = dict(
                session.execute(select(Authorization.__table__).where(Authorization.rma_id == TSHIRT))
                .mappings()
                .one()
            )
            del row["id"]
            row.update(
                auth_key=rma_id,
                rma_id=rma_id,
                order_id=f"114-0000000-000000{number}",
                reason=reason,
                source_hash=f"copy-{number}",
            )
            auth_id = session.execute(
                insert(Authorization).values(**row).returning(Authorization.id)
            ).scalar_one()
            session.execute(insert(Unit).values(authorization_id=auth_id, seq=1, attempt=0))
        return rma_id


def build_shift(store: Store, path: Path) -> Hall:
    """The shift of the module docstring."""
    create_demo_data(store, BOSS)
    hall = Hall(store, path, BenchService(store, load_policy(), SETTINGS))
    shirts = [
        TSHIRT,
        hall.copy_tshirt(2, TOO_LARGE),
        hall.copy_tshirt(3, TOO_LARGE),
        hall.copy_tshirt(4, TOO_SMALL),
    ]
    with store.unit_of_work() as session:
        session.execute(update(Authorization).values(request_date=date(2026, 11, 20)))
    s, c, f = Disposition.SELLABLE, Disposition.CARRIER_DAMAGED, Disposition.SELLER_FAULT
    (t1,), (t2,), (t3,), (t4,) = (hall.units(rma) for rma in shirts)
    kettle = hall.units(KETTLE)
    hall.decide(t1, s, "Ana", "bench-1", "2026-11-26 05:30:00", "2026-11-26 05:31:00", s)
    hall.decide(t2, s, "Ana", "bench-1", "2026-11-26 06:00:00", "2026-11-26 06:00:40", s)
    hall.decide(t3, c, "Ben", "bench-2", "2026-11-26 06:20:00", "2026-11-26 06:22:00", c)
    hall.decide(t4, s, "Ben", "bench-2", "2026-11-26 07:05:00", "2026-11-26 07:06:30", f)
    hall.decide(kettle[0], f, "Ana", "bench-1", "2026-11-26 08:00:00", "2026-11-26 08:03:00", s)
    hall.decide(hall.units(BOOK)[0], c, "Ben", "bench-2", "2026-11-26 09:10:00", "2026-11-26 09:12:30", c)
    hall.decide(hall.units(HEADSET)[0], f, "Cy", "bench-1", "2026-11-26 01:58:00", "2026-11-26 02:00:00", f)
    return hall


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[Hall]:
    path = tmp_path / "hall.sqlite3"
    store = open_store(f"sqlite:///{path}")
    yield build_shift(store, path)
    store.dispose()


def open_window(qtbot: QtBot, hall: Hall, now: datetime = NOW, **settings: object) -> SupervisorWindow:
    window = SupervisorWindow(
        hall.store, Settings(**{**SETTINGS.__dict__, **settings}), BOSS, now=lambda: now
    )
    qtbot.addWidget(window)
    window.resize(1600, 1000)
    with qtbot.waitSignal(window.summary_shown, timeout=10000):
        window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    return window


@pytest.fixture
def window(qtbot: QtBot, hall: Hall) -> Iterator[SupervisorWindow]:
    window = open_window(qtbot, hall)
    yield window
    window.close()


def tile(window: SupervisorWindow, key: str) -> tuple[str, str]:
    return window.tiles[key].value.text(), window.tiles[key].delta.text()


def reload(qtbot: QtBot, window: SupervisorWindow) -> None:
    with qtbot.waitSignal(window.summary_shown, timeout=10000):
        window.refresh()


def table_rows(model: QAbstractItemModel) -> list[list[str]]:
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]


# ----- figures -------------------------------------------------------------------------------------------
def test_tiles_show_the_shift_against_the_night_before(window: SupervisorWindow) -> None:
    assert window.windowTitle() == "RMA Desk — supervisor"
    assert window.picked is not None and window.picked.label == "early shift of 2026-11-26"
    assert tile(window, "units") == ("6", "▲ +5 vs previous shift (1)")
    assert tile(window, "sellable") == ("3", "▲ +3 vs previous shift (0)")
    assert tile(window, "carrier_damaged") == ("2", "▲ +2 vs previous shift (0)")
    assert tile(window, "seller_fault") == ("1", "= same as previous shift")
    # 6 units over the 6 hours gone; the night shift: 1 unit over its 8 hours.
    assert tile(window, "per_hour") == ("1.0", "▲ +0.9 vs previous shift (0.1)")
    assert tile(window, "median") == ("105 s", "▼ −15 s vs previous shift (120 s)")
    assert tile(window, "overrides") == ("2", "▲ +2 vs previous shift (0)")
    assert tile(window, "waiting") == ("2", "4 units undecided, requested by 25 Nov")
    assert window.tiles["waiting"].title.text() == "Waiting > 24 h"
    line = window.window_line.text()
    assert "Early shift of 2026-11-26" in line and "Thu 26 Nov 06:00 – 14:00" in line and "running" in line
    assert "compared with night shift of 2026-11-25" in line
    assert window.updated.text() == "Updated 12:00:00"
    assert window.alerts.isVisible()
    assert window.alerts.text() == f"⚠ Alert: TSHIRT-BLU-L: {TOO_LARGE} in 3 of 4 returns (75%)"
    assert not window.banner.isVisible()


def test_tables_hold_the_summary_and_pass_the_model_tester(
    qtmodeltester: ModelTester, window: SupervisorWindow
) -> None:
    assert list(window.pages) == list(TABS)
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())][:3] == [
        "Inspectors",
        "Benches",
        "By hour",
    ]
    for name, page in window.pages.items():
        qtmodeltester.check(page.model, force_py=True)
        qtmodeltester.check(page.proxy, force_py=True)
        assert page.model.rowCount() == len(window.tables[name].rows), name
    inspectors = window.pages["inspectors"].model
    assert inspectors.header[:5] == ["Inspector", "Units", "Sellable", "Carrier-damaged", "Seller-fault"]
    assert [row[:5] for row in table_rows(inspectors)] == [
        ["Ana", "3", "2", "0", "1"],
        ["Ben", "3", "1", "2", "0"],
    ]
    assert [row[:2] for row in table_rows(window.pages["benches"].model)] == [
        ["bench-1", "3"],
        ["bench-2", "3"],
    ]
    hours = table_rows(window.pages["hours"].model)
    assert [row[0][11:16] for row in hours] == [
        "06:00",
        "07:00",
        "08:00",
        "09:00",
        "10:00",
        "11:00",
        "12:00",
        "13:00",
    ]
    assert [row[2] for row in hours] == ["1", "2", "1", "1", "1", "0", "0", "0"]
    assert table_rows(window.pages["overrides"].model) == [
        ["Ana", "3", "1", "33.3%"],
        ["Ben", "3", "1", "33.3%"],
    ]
    assert [row[:3] for row in table_rows(window.pages["waiting"].model)] == [
        [KETTLE, "KETTLE-SS-17", "2026-11-20"],
        [MUGS, "MUG-CER-WHT-2PK", "2026-11-20"],
    ]
    restocked = table_rows(window.pages["restocked"].model)
    assert restocked == [["TSHIRT-BLU-L", "RETURNS-RESTOCK", "3"]]
    arrival = table_rows(window.pages["arrival"].model)
    assert arrival[0] == ["Units with an arrival time", "6", "1"]
    # Each authorization arrived when its first unit was scanned; the first kettle unit was decided
    # 3 minutes after, the rest 40 s to 2.5 min: the median is between 90 and 120 s, in hours.
    assert arrival[1][0] == "Median hours" and cell_number(arrival[1][1]) == 0.03
    reasons = window.pages["reasons"].model
    assert ["TSHIRT-BLU-L", "4", TOO_LARGE, "3", "75.0%", "75.0%"] in table_rows(reasons)
    assert len(reasons.highlighted) == 1
    comparison = {row[0]: row[1:] for row in table_rows(window.pages["comparison"].model)}
    assert comparison["units"] == ["6", "1", "5", "500.0"]


def test_alerts_are_highlighted_and_named_on_their_tab(window: SupervisorWindow) -> None:
    alerts = window.pages["alerts"].model
    assert table_rows(alerts) == [["TSHIRT-BLU-L", TOO_LARGE, "3", "4", "75.0%"]]
    index = alerts.index(0, 0)
    assert alerts.data(index, Qt.ItemDataRole.BackgroundRole).color().name() == "#fdecea"
    assert alerts.data(index, Qt.ItemDataRole.FontRole).bold()
    tab = window.tabs.indexOf(window.pages["alerts"])
    assert window.tabs.tabText(tab) == "Alerts (1)"
    assert window.tabs.tabBar().tabTextColor(tab).name() == "#b3261e"
    plain = window.pages["inspectors"].model
    assert plain.data(plain.index(0, 0), Qt.ItemDataRole.BackgroundRole) is None


def test_the_banner_names_the_strongest_alerts_and_counts_the_rest(window: SupervisorWindow) -> None:
    assert window.summary is not None
    one = window.summary.alerts[0]
    many = tuple(replace(one, sku=f"SKU-{n}") for n in range(view.ALERTS_IN_BANNER + 3))
    window._show_alerts(replace(window.summary, alerts=many))
    text = window.alerts.text()
    assert text.startswith(f"⚠ {len(many)} alerts: SKU-0: {TOO_LARGE} in 3 of 4 returns (75%)")
    assert f"SKU-{view.ALERTS_IN_BANNER - 1}:" in text and f"SKU-{view.ALERTS_IN_BANNER}:" not in text
    assert text.endswith("and 3 more in the Alerts tab")


@pytest.mark.timeout(60)
def test_the_charts_go_from_a_shift_to_a_month_and_back(window: SupervisorWindow) -> None:
    """With dynamic ticks, a range of a million set while the step was still 1 laid out a million ticks
    (the window froze going from a shift to a long range)."""
    assert window.summary is not None and window.picked is not None
    small = window.summary
    huge = replace(
        small.current,
        by_disposition={"sellable": 550_000, "carrier_damaged": 200_000, "seller_fault": 250_000},
    )
    axes = [
        axis
        for view in window.findChildren(QChartView)
        for axis in view.chart().axes()
        if isinstance(axis, QValueAxis)
    ]
    before = [axis.tickInterval() for axis in axes]
    assert window.hour_chart.series.isLabelsVisible()  # 8 bars of 1 digit
    shirts = small.top_reasons_by_sku[0]
    many = replace(shirts, reasons=tuple(replace(r, count=r.count * 55_000) for r in shirts.reasons))
    big = replace(
        small, current=huge, units_by_hour=(), units_by_hour_of_day=(13_000,) * 24, top_reasons_by_sku=(many,)
    )
    assert window.pareto.series.isLabelsVisible()
    window._show_summary(window.picked, NOW, big)
    QApplication.processEvents()  # the charts lay out their ticks
    assert (
        max(axis.tickInterval() for axis in axes) == 200_000
    )  # 550,000 sellable (x 1.15) in steps of 200,000
    assert not window.hour_chart.series.isLabelsVisible()  # 24 numbers of 5 digits would overlap
    assert not window.pareto.series.isLabelsVisible()  # 165,000 does not fit in its bar
    window._show_summary(window.picked, NOW, small)
    QApplication.processEvents()
    assert [axis.tickInterval() for axis in axes] == before
    assert window.hour_chart.series.isLabelsVisible() and window.pareto.series.isLabelsVisible()


def test_seconds_read_to_the_tenth_when_not_whole() -> None:
    assert (seconds_text(95.0), seconds_text(127.5), seconds_text(900), seconds_text(None)) == (
        "95 s",
        "127.5 s",
        "15.0 min",
        "—",
    )


def test_numbers_sort_as_numbers_and_align_right(qtbot: QtBot, window: SupervisorWindow) -> None:
    page = window.pages["hours"]
    model, proxy = page.model, page.proxy
    assert model.data(model.index(0, 2), Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    assert model.data(model.index(0, 0), Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignLeft
    page.view.sortByColumn(2, Qt.SortOrder.DescendingOrder)
    assert [proxy.index(r, 2).data() for r in range(proxy.rowCount())] == [
        "2",
        "1",
        "1",
        "1",
        "1",
        "0",
        "0",
        "0",
    ]
    model.set_table(model.header, [["a", "b", "10"], ["c", "d", "9"], ["e", "f", "100"]])
    assert [proxy.index(r, 2).data() for r in range(proxy.rowCount())] == ["100", "10", "9"]


def test_charts_show_the_figures(window: SupervisorWindow) -> None:
    dispositions = window.disposition_chart
    assert dispositions.values() == {
        "sellable": (3.0, 0.0),
        "carrier_damaged": (2.0, 0.0),
        "seller_fault": (1.0, 1.0),
    }
    assert dispositions.axis_y.categories() == ["Seller-fault", "Carrier-damaged", "Sellable"]  # bottom up
    assert (dispositions.current.label(), dispositions.previous.label()) == ("This shift", "Previous shift")
    hours = window.hour_chart
    assert hours.values() == [1.0, 2.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0]
    assert hours.axis_x.categories() == ["06", "07", "08", "09", "10", "11", "12", "13"]
    pareto = window.pareto
    assert pareto.sku == "TSHIRT-BLU-L"  # the alerting SKU comes first
    assert pareto.categories() == ["WJ-TOO-LARGE", "WJ-TOO-SMALL"]
    assert pareto.values() == [3.0, 1.0]
    assert pareto.cumulative() == [75.0, 100.0]
    assert pareto.bars.selectedBars() == [0]  # the alerting reason is drawn red
    assert pareto.line.attachedAxes()[-1] is pareto.axis_share  # the second axis, 0-100%
    pareto.show_sku("KETTLE-SS-17")
    assert pareto.values() == [1.0] and pareto.cumulative() == [100.0]
    assert pareto.bars.selectedBars() == []
    assert pareto.view.chart_.title() == "Return reasons: KETTLE-SS-17 (1 returns)"


# ----- refreshing ----------------------------------------------------------------------------------------
def test_a_refresh_after_a_new_decision_updates_the_figures(
    qtbot: QtBot, hall: Hall, window: SupervisorWindow
) -> None:
    pareto_sku = "KETTLE-SS-17"
    window.pareto.show_sku(pareto_sku)
    hall.decide(
        hall.units(KETTLE)[1],
        Disposition.SELLABLE,
        "Ana",
        "bench-1",
        "2026-11-26 10:20:00",
        "2026-11-26 10:21:00",
    )
    reload(qtbot, window)
    assert tile(window, "units") == ("7", "▲ +6 vs previous shift (1)")
    assert tile(window, "sellable")[0] == "4"
    assert tile(window, "per_hour")[0] == "1.2"
    assert tile(window, "waiting") == ("1", "3 units undecided, requested by 25 Nov")
    assert window.hour_chart.values()[5] == 1.0
    assert window.disposition_chart.values()["sellable"] == (4.0, 0.0)
    assert [row[:2] for row in table_rows(window.pages["inspectors"].model)][0] == ["Ana", "4"]
    assert window.pareto.sku == pareto_sku  # the SKU chosen stays chosen


def test_the_timer_refreshes_and_never_stacks(
    qtbot: QtBot, hall: Hall, window: SupervisorWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert window.refresh_timer.isActive() and window.refresh_timer.interval() == 30_000
    calls: list[datetime] = []
    real = supervisor.summarize

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(kwargs["now"])  # type: ignore[arg-type]
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(supervisor, "summarize", counted)
    window.runner.run(lambda: time.sleep(0.3), lambda _r: None, print)  # the worker is busy
    with qtbot.waitSignal(window.summary_shown, timeout=10000):
        for _ in range(5):
            window.refresh_timer.timeout.emit()
    assert len(calls) == 1
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=10000)
    assert len(calls) == 1 and not window.loading
    # F5 while reading: one more read right after, not one per press.
    with qtbot.waitSignals([window.summary_shown, window.summary_shown], timeout=10000):
        for _ in range(3):
            qtbot.keyClick(window, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=10000)
    assert len(calls) == 3


def test_a_database_that_goes_away_shows_a_message_and_keeps_the_figures(
    qtbot: QtBot, hall: Hall, window: SupervisorWindow
) -> None:
    hall.store.dispose()
    aside = hall.path.with_suffix(".away")
    hall.path.rename(aside)
    hall.path.mkdir()  # where the file was, SQLite now finds a folder it cannot open
    with qtbot.waitSignal(window.refresh_failed, timeout=10000) as failed:
        window.refresh()
    assert "cannot be reached" in failed.args[0]
    assert window.banner.isVisible()
    assert window.banner.text().startswith("The database cannot be reached")
    assert "unable to open database file. The figures below are from 12:00:00" in window.banner.text()
    assert window.updated.text() == "Updated 12:00:00 · refresh failed"
    assert tile(window, "units")[0] == "6"
    assert window.pages["inspectors"].model.rowCount() == 2
    assert window.hour_chart.values()[:2] == [1.0, 2.0]
    hall.path.rmdir()
    aside.rename(hall.path)
    reload(qtbot, window)
    assert not window.banner.isVisible() and window.problem is None
    assert window.updated.text() == "Updated 12:00:00"


# ----- windows -------------------------------------------------------------------------------------------
def test_the_window_picker(qtbot: QtBot, window: SupervisorWindow) -> None:
    with qtbot.waitSignal(window.summary_shown, timeout=10000):
        window.choose_window(PREVIOUS)
    assert window.picked is not None and window.picked.label == "night shift of 2026-11-25"
    assert tile(window, "units") == ("1", "▲ +1 vs the one before (0)")
    with qtbot.waitSignal(window.summary_shown, timeout=10000):
        window.choose_window(SHIFT, shift="late")  # the late shift of the 25th: nothing decided
    assert window.picked.label == "late shift of 2026-11-25" and tile(window, "units")[0] == "0"
    assert window.pages["inspectors"].currentWidget() is window.pages["inspectors"].empty
    with qtbot.waitSignal(window.summary_shown, timeout=10000):
        window.choose_window(TODAY)
    assert tile(window, "units") == ("7", "▲ +7 vs yesterday (0)")
    assert window.disposition_chart.previous.label() == "Yesterday"
    with qtbot.waitSignal(window.summary_shown, timeout=10000):
        window.choose_window(WEEK)
    assert window.picked.label == "week 48 of 2026" and tile(window, "units")[0] == "7"
    assert window.hour_chart.axis_x.count() == 24  # a week: the hours of the day
    assert [c for c in window.hour_chart.axis_x.categories() if c.strip()] == [
        "00",
        "03",
        "06",
        "09",
        "12",
        "15",
        "18",
        "21",
    ]
    assert window.hour_chart.values()[6:11] == [1.0, 2.0, 1.0, 1.0, 1.0]
    # 07:00-09:00 Berlin: the decisions at 07:00:40, 07:22 and 08:06:30 local.
    with qtbot.waitSignal(window.summary_shown, timeout=10000):
        window.choose_window(CUSTOM, start=z("2026-11-26 06:00:00"), end=z("2026-11-26 08:00:00"))
    assert window.from_edit.isVisible() and window.from_edit.text() == "2026-11-26 07:00"
    assert tile(window, "units") == ("3", "▲ +2 vs the 2 h before (1)")
    # Typing another end reads again after a pause.
    with qtbot.waitSignal(window.summary_shown, timeout=10000):
        window.to_edit.setDateTime(window.to_edit.dateTime().addSecs(3600))
    assert window.picked.end == z("2026-11-26 09:00:00") and tile(window, "units")[0] == "4"
    # A range that ends before it starts is said, and the figures stay.
    with qtbot.waitSignal(window.refresh_failed, timeout=10000):
        window.to_edit.setDateTime(window.from_edit.dateTime().addSecs(-3600))
    assert "ends before it starts" in window.banner.text() and tile(window, "units")[0] == "4"


def test_the_current_shift_rolls_over_with_the_clock(qtbot: QtBot, hall: Hall) -> None:
    clock = [NOW]
    window = SupervisorWindow(hall.store, SETTINGS, BOSS, now=lambda: clock[0])
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.summary_shown, timeout=10000):
        window.show()
    assert window.picked is not None and window.picked.label == "early shift of 2026-11-26"
    clock[0] = z("2026-11-26 13:30:00")
    with qtbot.waitSignal(window.summary_shown, timeout=10000):
        window.refresh_timer.timeout.emit()
    assert window.picked.label == "late shift of 2026-11-26"
    assert tile(window, "units") == ("0", "▼ −6 vs previous shift (6)")
    window.close()


# ----- export --------------------------------------------------------------------------------------------
def test_save_the_current_table_as_csv(
    qtbot: QtBot, window: SupervisorWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[tuple[str, Path]] = []

    def ask(_parent: object, title: str, default: Path, _filter: str) -> Path:
        asked.append((title, default))
        return tmp_path / "inspectors"

    monkeypatch.setattr(export, "ask_save_path", ask)
    window.show_table("inspectors")
    with qtbot.waitSignal(window.exported, timeout=5000) as saved:
        qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert saved.args == [str(tmp_path / "inspectors.csv")]
    assert asked[0][1].name == "rmadesk-inspectors-20261126-0600.csv"
    with (tmp_path / "inspectors.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == window.tables["inspectors"].header
    assert [r[:5] for r in rows[1:]] == [["Ana", "3", "2", "0", "1"], ["Ben", "3", "1", "2", "0"]]
    assert window.banner.text() == f"Saved Inspectors to {tmp_path / 'inspectors.csv'}."
    # Sorted on screen, saved as sorted.
    window.show_table("hours")
    window.pages["hours"].view.sortByColumn(2, Qt.SortOrder.DescendingOrder)
    path = window.save_table_csv()
    assert path is not None
    with path.open(encoding="utf-8", newline="") as f:
        assert [r[2] for r in list(csv.reader(f))[1:]] == ["2", "1", "1", "1", "1", "0", "0", "0"]


def test_save_all_tables_as_csv(
    window: SupervisorWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export, "ask_folder", lambda _parent, _title, _default: tmp_path)
    written = window.save_all_csv()
    names = sorted(p.name for p in tmp_path.glob("*.csv"))
    assert len(written) == len(window.tables) and len(names) == len(window.tables)
    assert "rmadesk-alerts-20261126-0600.csv" in names and "rmadesk-dispositions-20261126-0600.csv" in names
    with (tmp_path / "rmadesk-dispositions-20261126-0600.csv").open(encoding="utf-8", newline="") as f:
        assert list(csv.reader(f))[1:] == [
            ["Sellable", "3", "50.0%"],
            ["Carrier-damaged", "2", "33.3%"],
            ["Seller-fault", "1", "16.7%"],
        ]


def test_save_the_pdf_report(
    qtbot: QtBot, window: SupervisorWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "shift report"
    monkeypatch.setattr(export, "ask_save_path", lambda _p, _t, _d, _f: target)
    with qtbot.waitSignal(window.exported, timeout=20000) as saved:
        qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    pdf = tmp_path / "shift report.pdf"
    assert saved.args == [str(pdf)]
    assert pdf.read_bytes().startswith(b"%PDF")
    assert pdf.stat().st_size > 5000


def test_a_file_that_cannot_be_written_is_said(
    qtbot: QtBot, window: SupervisorWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export, "ask_save_path", lambda _p, _t, _d, _f: tmp_path / "no such folder" / "x.csv")
    with qtbot.waitSignal(window.export_failed, timeout=5000) as failed:
        assert window.save_table_csv() is None
    assert "cannot be written" in failed.args[0] and window.banner.isVisible()
    with qtbot.waitSignal(window.export_failed, timeout=20000):
        monkeypatch.setattr(
            export, "ask_save_path", lambda _p, _t, _d, _f: tmp_path / "no such folder" / "x.pdf"
        )
        window.save_pdf()


def test_cancelling_a_save_writes_nothing(
    window: SupervisorWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    exports = tmp_path / "exports"
    exports.mkdir()
    window.export_folder = exports
    monkeypatch.setattr(export, "ask_save_path", lambda _p, _t, _d, _f: None)
    monkeypatch.setattr(export, "ask_folder", lambda _p, _t, _d: None)
    assert window.save_table_csv() is None and window.save_all_csv() == []
    window.save_pdf()
    assert not window.runner.busy and list(exports.iterdir()) == []
    assert not window.banner.isVisible()


# ----- keys and the wall screen --------------------------------------------------------------------------
def test_wall_screen_is_full_screen_with_larger_type(qtbot: QtBot, window: SupervisorWindow) -> None:
    normal = window.tiles["units"].value.font().pointSizeF()
    table = window.pages["inspectors"].view.font().pointSizeF()
    qtbot.keyClick(window, Qt.Key.Key_F11)
    assert window.wall_screen and window.isFullScreen() and window.wall_button.isChecked()
    assert window.tiles["units"].value.font().pointSizeF() > normal * 1.5
    assert window.pages["inspectors"].view.font().pointSizeF() > table * 1.5
    assert window.hour_chart.axis_x.labelsFont().pointSizeF() > 11 * 1.4
    assert not window.menuBar().isVisible()
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert not window.wall_screen and not window.isFullScreen()
    assert window.tiles["units"].value.font().pointSizeF() == normal


def test_ctrl_w_closes_and_stops_the_worker(qtbot: QtBot, hall: Hall) -> None:
    window = open_window(qtbot, hall)
    thread = window.runner._thread
    qtbot.keyClick(window, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    assert not window.isVisible()
    thread.join(timeout=5)
    assert not thread.is_alive()


def test_a_shared_runner_is_left_running(qtbot: QtBot, hall: Hall) -> None:
    from rmadesk.ui.common.runner import Runner

    runner = Runner()
    window = SupervisorWindow(hall.store, SETTINGS, BOSS, runner=runner, now=lambda: NOW)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.summary_shown, timeout=10000):
        window.show()
    window.refresh()  # still on its way when the window closes: its result is dropped
    window.close()
    qtbot.waitUntil(lambda: not runner.busy, timeout=10000)
    assert runner._thread.is_alive()
    done: list[int] = []
    runner.run(lambda: 1, done.append, print)
    qtbot.waitUntil(lambda: done == [1], timeout=5000)
    runner.stop()


def test_bad_settings_are_refused_with_a_message(hall: Hall) -> None:
    from rmadesk.domain.errors import UserError

    with pytest.raises(UserError, match="Shift"):
        SupervisorWindow(hall.store, Settings(timezone="Europe/Berlin", shifts=("early=6-14",)), BOSS)
    with pytest.raises(UserError, match="Mars/Olympus"):
        SupervisorWindow(hall.store, Settings(timezone="Mars/Olympus"), BOSS)
    QApplication.processEvents()


def test_standalone_refuses_bad_settings_in_a_dialog(hall: Hall, monkeypatch: pytest.MonkeyPatch) -> None:
    from rmadesk.ui.common import dialogs

    shown: list[str] = []
    monkeypatch.setattr(
        dialogs, "show_error", lambda _parent, _title, message, details="": shown.append(message)
    )
    url = f"sqlite:///{hall.path}"
    assert standalone.run_supervisor(Settings(database_url=url, timezone="Mars/Olympus"), BOSS) == 2
    assert shown and "Mars/Olympus" in shown[0]
    assert (
        standalone.run_supervisor(Settings(database_url="postgresql+psycopg://nobody@127.0.0.1:1/none"), BOSS)
        == 2
    )
    assert "cannot be opened" in shown[1] or "cannot be reached" in shown[1]


def test_summary_table_model_keeps_rows_in_place_on_update(qtmodeltester: ModelTester) -> None:
    model = SummaryTableModel("t")
    model.set_table(["Name", "Units"], [["a", "1"], ["b", "2"]])
    qtmodeltester.check(model, force_py=True)
    inserted: list[tuple[int, int]] = []
    removed: list[tuple[int, int]] = []
    resets: list[bool] = []
    model.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))
    model.rowsRemoved.connect(lambda _p, first, last: removed.append((first, last)))
    model.modelReset.connect(lambda: resets.append(True))
    model.set_table(["Name", "Units"], [["a", "3"], ["b", "2"], ["c", "1"]])
    assert inserted == [(2, 2)] and not resets and model.rows[0] == ["a", "3"]
    model.set_table(["Name", "Units"], [["c", "1"]])
    assert removed == [(1, 2)] and not resets
    model.set_table(["Other"], [["x"]])
    assert resets == [True] and model.columnCount() == 1
    qtmodeltester.check(model, force_py=True)


# ----- how it looks --------------------------------------------------------------------------------------
def _cut_off(window: SupervisorWindow) -> list[str]:
    """Labels of the headline whose text does not fit the room they were given."""
    labels = {"heading": window.heading, "updated": window.updated, "window": window.window_line}
    labels["alerts"] = window.alerts
    for key, t in window.tiles.items():
        labels.update({f"{key}.title": t.title, f"{key}.value": t.value, f"{key}.delta": t.delta})
    cut = []
    for name, label in labels.items():
        if not label.isVisible():
            continue
        if label.wordWrap():
            if label.height() < label.heightForWidth(label.width()):
                cut.append(name)
        elif label.width() < label.sizeHint().width() or label.height() < label.sizeHint().height():
            cut.append(name)
    return cut


def render_screenshots(out: Path) -> dict[str, list[str]]:
    """The window with the shift's data, normal (1600 x 1000) and on a 1920 x 1080 wall screen, saved
    as PNG files in ``out``; returns the labels cut off in each. Runs in a process of its own whose
    offscreen screen is that large (the test session's is 800 x 600)."""
    import gc
    import tempfile

    app = QApplication.instance() or QApplication([])
    gc.disable()
    folder = Path(tempfile.mkdtemp(prefix="rmadesk-shots-"))
    path = folder / "hall.sqlite3"
    store = open_store(f"sqlite:///{path}")
    build_shift(store, path)
    window = SupervisorWindow(store, SETTINGS, BOSS, now=lambda: NOW)
    window.resize(1600, 1000)
    window.show()
    deadline = time.monotonic() + 20
    while window.summary is None and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)
    assert window.summary is not None, f"the figures never came: {window.problem}"
    out.mkdir(parents=True, exist_ok=True)
    report: dict[str, list[str]] = {}
    for mode, wall in (("normal", False), ("wall", True)):
        window.set_wall_screen(wall)
        for _ in range(20):
            app.processEvents()
        window.grab().save(str(out / f"supervisor-{mode}.png"))
        report[mode] = _cut_off(window)
    window.close()
    store.dispose()
    shutil.rmtree(folder, ignore_errors=True)
    return report


def test_screenshots_normal_and_wall_screen_show_everything(tmp_path: Path) -> None:
    repo = Path(__file__).resolve().parents[3]
    out = repo / "artifacts" / "supervisor"
    screen = {"name": "wall", "x": 0, "y": 0, "width": 1920, "height": 1080, "logicalDpi": 96}
    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"screens": [{**screen, "logicalBaseDpi": 96, "dpr": 1}]}))
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}"}
    result = subprocess.run(
        [sys.executable, "-m", "tests.gui.supervisor.test_supervisor", str(out)],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1]) == {"normal": [], "wall": []}
    normal, wall = QImage(str(out / "supervisor-normal.png")), QImage(str(out / "supervisor-wall.png"))
    assert (normal.width(), normal.height()) == (1600, 1000)
    assert (wall.width(), wall.height()) == (1920, 1080)


if __name__ == "__main__":
    print(json.dumps(render_screenshots(Path(sys.argv[1]))))


def test_a_table_saved_from_the_window_writes_formula_text_as_text(tmp_path: Path) -> None:
    from rmadesk.ui.supervisor.widgets import write_table_csv

    path = write_table_csv(["sku", "units"], [["=1+1", "-2"]], tmp_path / "t.csv")
    assert path.read_text(encoding="utf-8") == "sku,units\n'=1+1,-2\n"
