"""The supervisor view: a shift's figures as tiles, tables and charts, refreshed while the shift runs."""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from PySide6.QtCore import QByteArray, QDate, QDateTime, QStandardPaths, Qt, QTime, QTimer, QTimeZone, Signal
from PySide6.QtGui import QAction, QCloseEvent, QColor, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from rmadesk.domain.errors import UserError
from rmadesk.domain.shifts import local_zone, parse_moment, parse_shifts, zone_name
from rmadesk.settings import Settings
from rmadesk.store.types import utcnow
from rmadesk.store.uow import Store
from rmadesk.summary import render
from rmadesk.summary.figures import Summary
from rmadesk.summary.service import summarize
from rmadesk.summary.windows import (
    CURRENT,
    CUSTOM,
    PREVIOUS,
    SHIFT,
    TODAY,
    WEEK,
    PickedWindow,
    WindowChoice,
    resolve_choice,
)
from rmadesk.ui.runner import Runner
from rmadesk.ui.style import ERROR, INFO, OK, STYLE_SHEET, WARN, scaled_font
from rmadesk.ui.supervisor_charts import DispositionChart, HourChart, ParetoChart
from rmadesk.ui.supervisor_models import TABS, ScreenTable, screen_tables
from rmadesk.ui.supervisor_widgets import TILES, TablePage, Tile, count_text, delta_text, write_table_csv

log = logging.getLogger(__name__)

REFRESH_MS = 30_000  # a wall screen a few people glance at; the summary costs well under a second
BASE_POINTS = 11.0
WALL_SCALE = 1.6
MESSAGE_MS = 15_000  # how long a note about a saved file stays
CUSTOM_DEBOUNCE_MS = 600
ALERTS_IN_BANNER = 4  # the strongest alerts named in the banner above the tiles
INK = "#1c2430"
MUTED = "#546e7a"
CSV_FILTER = "CSV files (*.csv)"
PDF_FILTER = "PDF files (*.pdf)"
SUPERVISOR_STYLE = """
QFrame#tile { background: white; border: 1px solid #cfd8dc; border-radius: 10px; }
QLabel#tileTitle { color: #455a64; font-weight: 600; }
QLabel#alerts { background: #b3261e; color: white; border-radius: 8px; padding: 8px 14px; font-weight: 700; }
QLabel#window { color: #37474f; }
QLabel#updated { color: #455a64; }
QLabel#empty { color: #78909c; background: white; border: 1px solid #cfd8dc; }
QTableView { alternate-background-color: #f3f6f9; selection-background-color: #1f4e8c;
             selection-color: white; border: 1px solid #cfd8dc; }
QHeaderView::section { background: #e3e8ec; color: #1c2430; border: none; border-right: 1px solid #cfd8dc;
                       border-bottom: 1px solid #cfd8dc; padding: 4px 6px; font-weight: 600;
                       font-size: %(header)spt; }
QTabBar::tab { padding: 6px 12px; font-size: %(tab)spt; font-weight: 600; }
QComboBox, QDateTimeEdit { padding: 4px 8px; background: white; }
"""


def style_sheet(points: float) -> str:
    """The window's style sheet; the sizes a style sheet would otherwise fix follow ``points``."""
    return STYLE_SHEET + SUPERVISOR_STYLE % {"header": f"{points * 0.95:.1f}", "tab": f"{points:.1f}"}


# ----- dialogs that tests replace ----------------------------------------------------------------------
def ask_save_path(parent: QWidget | None, title: str, default: Path, file_filter: str) -> Path | None:
    """Where to save a file; None when the person cancels."""
    chosen, _ = QFileDialog.getSaveFileName(parent, title, str(default), file_filter)
    return Path(chosen) if chosen else None


def ask_folder(parent: QWidget | None, title: str, default: Path) -> Path | None:
    """A folder to save files in; None when the person cancels."""
    chosen = QFileDialog.getExistingDirectory(parent, title, str(default))
    return Path(chosen) if chosen else None


class SupervisorWindow(QMainWindow):
    """The supervisor's view of a shift, a day, a week or a range, fit for a wall screen.

    Figures are read with ``summarize`` on the runner's worker thread, again every REFRESH_MS; a
    refresh never starts while one is running (one asked for meanwhile runs after it). When the
    database cannot be read, a banner says so and the figures of the last good read stay.

    Attributes:
        summary: the figures on screen, or None before the first read.
        picked: the window they are for.
        tables: table name -> the ScreenTable shown; pages: name -> its TablePage (tab).
        tiles: key -> Tile (see TILES).
        runner: the worker (this window's own unless one was given).
        refresh_timer: the periodic refresh.
        wall_screen: full screen with large type.
        problem: the message about the last failed refresh, or None.

    Signals:
        summary_shown(): new figures are on screen.
        refresh_failed(str): a read failed; the message shown (the old figures stay).
        loading_changed(bool): a read started (True) or ended (False).
        exported(str): a file (or, for all tables, a folder) was written.
        export_failed(str): writing failed; the message shown.
    """

    summary_shown = Signal()
    refresh_failed = Signal(str)
    loading_changed = Signal(bool)
    exported = Signal(str)
    export_failed = Signal(str)

    def __init__(
        self,
        store: Store,
        settings: Settings,
        *,
        runner: Runner | None = None,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        """Raises UserError when the time zone, shifts or alert share in the settings cannot be read."""
        tz = local_zone(settings.timezone)  # read before any widget exists: a refusal leaves nothing
        shifts = parse_shifts(list(settings.shifts))
        try:
            alert_share = Decimal(str(settings.alert_share))
        except InvalidOperation:
            raise UserError(
                f"The alert_share setting must be a decimal such as 0.5, not {settings.alert_share!r}."
            ) from None
        super().__init__()
        self.store = store
        self.settings = settings
        self.tz, self.shifts, self.alert_share = tz, shifts, alert_share
        self.site = settings.site or settings.bench
        self._now = now or utcnow
        self._own_runner = runner is None
        self.runner = runner or Runner(self)
        self.summary: Summary | None = None
        self.picked: PickedWindow | None = None
        self.tables: dict[str, ScreenTable] = {}
        self.problem: str | None = None
        self._problem_text = ""
        self.wall_screen = False
        self.points = BASE_POINTS
        self.export_folder = Path(
            QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or Path.home()
        )
        self.loading = False
        self._again = False
        self._generation = 0
        self._closed = False
        self._updated: datetime | None = None
        self._geometry: QByteArray | None = None
        self._message_timer = QTimer(self)
        self._message_timer.setSingleShot(True)
        self._message_timer.timeout.connect(self._clear_message)
        self._custom_timer = QTimer(self)
        self._custom_timer.setSingleShot(True)
        self._custom_timer.setInterval(CUSTOM_DEBOUNCE_MS)
        self._custom_timer.timeout.connect(self._choice_changed)
        self.setWindowTitle("RMA Desk — supervisor")
        self.setMinimumSize(1000, 680)
        self._build()
        self._build_actions()
        self._apply_points(self.points)
        self.refresh_timer = QTimer(self)
        self.refresh_timer.setInterval(REFRESH_MS)
        self.refresh_timer.timeout.connect(self._tick)
        self.refresh_timer.start()
        self.resize(1600, 1000)
        self.refresh()

    # ----- building -------------------------------------------------------------------------------------
    def _build(self) -> None:
        central = QWidget()
        central.setObjectName("page")
        outer = QVBoxLayout(central)
        outer.setContentsMargins(16, 10, 16, 0)
        outer.setSpacing(8)

        top = QHBoxLayout()
        top.setSpacing(10)
        site = self.settings.site.strip()
        self.heading = QLabel(f"Supervisor · {site}" if site else "Supervisor")
        self.window_combo = QComboBox()
        self.window_combo.addItem("Current shift", CURRENT)
        self.window_combo.addItem("Previous shift", PREVIOUS)
        for shift in self.shifts:
            self.window_combo.addItem(
                f"Latest {shift.name} shift ({shift.start:%H:%M}–{shift.end:%H:%M})", f"{SHIFT}:{shift.name}"
            )
        self.window_combo.addItem("Today", TODAY)
        self.window_combo.addItem("This week", WEEK)
        self.window_combo.addItem("Custom range", CUSTOM)
        self.window_combo.setToolTip("Which window of time the figures are for")
        self.window_combo.currentIndexChanged.connect(self._combo_changed)
        self.from_edit = self._datetime_edit("Start of the range (local time)")
        self.to_edit = self._datetime_edit("End of the range (local time, excluded)")
        self.range_dash = QLabel("to")
        for widget in (self.from_edit, self.range_dash, self.to_edit):
            widget.hide()
        self.updated = QLabel("Loading…")
        self.updated.setObjectName("updated")
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setToolTip("Read the figures again now (F5)")
        self.refresh_button.clicked.connect(self.refresh)
        self.wall_button = QPushButton("Wall screen")
        self.wall_button.setCheckable(True)
        self.wall_button.setToolTip("Full screen with large type (F11)")
        self.wall_button.toggled.connect(self.set_wall_screen)
        top.addWidget(self.heading)
        top.addSpacing(12)
        top.addWidget(self.window_combo)
        top.addWidget(self.from_edit)
        top.addWidget(self.range_dash)
        top.addWidget(self.to_edit)
        top.addStretch(1)
        top.addWidget(self.updated)
        top.addWidget(self.refresh_button)
        top.addWidget(self.wall_button)
        outer.addLayout(top)

        self.window_line = QLabel(" ")
        self.window_line.setObjectName("window")
        self.window_line.setTextFormat(Qt.TextFormat.RichText)
        self.window_line.setWordWrap(True)
        outer.addWidget(self.window_line)

        self.banner = QLabel()
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self.banner.setTextFormat(Qt.TextFormat.PlainText)
        self.banner.hide()
        outer.addWidget(self.banner)
        self.alerts = QLabel()
        self.alerts.setObjectName("alerts")
        self.alerts.setWordWrap(True)
        self.alerts.setTextFormat(Qt.TextFormat.PlainText)
        self.alerts.hide()
        outer.addWidget(self.alerts)

        grid = QGridLayout()
        grid.setSpacing(10)
        self.tiles: dict[str, Tile] = {}
        for n, spec in enumerate(TILES):
            tile = Tile(spec)
            self.tiles[spec.key] = tile
            grid.addWidget(tile, n // 4, n % 4)
        self.tiles["waiting"].title.setText(f"Waiting > {self.settings.waiting_hours} h")
        outer.addLayout(grid)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.pages: dict[str, TablePage] = {}
        for name, title in TABS.items():
            page = TablePage(name)
            self.pages[name] = page
            self.tabs.addTab(page, title)
        self.disposition_chart = DispositionChart()
        self.hour_chart = HourChart()
        self.pareto = ParetoChart()
        charts = QWidget()
        charts_layout = QHBoxLayout(charts)
        charts_layout.setContentsMargins(0, 0, 0, 0)
        charts_layout.setSpacing(8)
        charts_layout.addWidget(self.disposition_chart, 1)
        charts_layout.addWidget(self.hour_chart, 1)
        charts_layout.addWidget(self.pareto, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(charts)
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        outer.addWidget(self.splitter, 1)

        self.keys = QLabel(
            "F5 Refresh · Ctrl+S Save table as CSV · Ctrl+Shift+S Save all tables · Ctrl+P PDF report · "
            "F11 Wall screen · Ctrl+W Close"
        )
        self.keys.setObjectName("keys")
        outer.addWidget(self.keys)
        self.setCentralWidget(central)

    def _datetime_edit(self, tip: str) -> QDateTimeEdit:
        edit = QDateTimeEdit()
        # Wall-clock values of the site's zone: held as UTC so this computer's zone never shifts them.
        edit.setTimeZone(QTimeZone.utc())
        edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        edit.setCalendarPopup(True)
        edit.setToolTip(tip)
        edit.dateTimeChanged.connect(lambda _value: self._custom_timer.start())
        return edit

    def _build_actions(self) -> None:
        def action(text: str, keys: list[str], slot: Callable[[], object]) -> QAction:
            act = QAction(text, self)
            act.setShortcuts([QKeySequence(k) for k in keys])
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.triggered.connect(lambda _checked=False: slot())
            self.addAction(act)
            return act

        self.act_refresh = action("Refresh", ["F5"], self.refresh)
        self.act_csv = action("Save table as CSV…", ["Ctrl+S"], self.save_table_csv)
        self.act_all_csv = action("Save all tables as CSV…", ["Ctrl+Shift+S"], self.save_all_csv)
        self.act_pdf = action("Save PDF report…", ["Ctrl+P"], self.save_pdf)
        self.act_wall = action("Wall screen", ["F11"], lambda: self.set_wall_screen(not self.wall_screen))
        self.act_leave_wall = action("Leave wall screen", ["Esc"], lambda: self.set_wall_screen(False))
        self.act_leave_wall.setEnabled(False)
        self.act_close = action("Close", ["Ctrl+W"], self.close)
        menu = self.menuBar().addMenu("&File")
        for act in (self.act_csv, self.act_all_csv, self.act_pdf):
            menu.addAction(act)
        menu.addSeparator()
        menu.addAction(self.act_close)
        view = self.menuBar().addMenu("&View")
        view.addAction(self.act_refresh)
        view.addAction(self.act_wall)

    def _apply_points(self, points: float) -> None:
        self.points = points
        self.heading.setFont(scaled_font(self.font(), points * 1.6, bold=True))
        for widget in (self.window_combo, self.from_edit, self.to_edit, self.range_dash):
            widget.setFont(scaled_font(self.font(), points * 1.05))
        self.updated.setFont(scaled_font(self.font(), points * 1.0, bold=True))
        for button in (self.refresh_button, self.wall_button):
            button.setFont(scaled_font(self.font(), points * 0.95))
        self.window_line.setFont(scaled_font(self.font(), points * 1.1))
        self.banner.setFont(scaled_font(self.font(), points * 1.1, bold=True))
        self.alerts.setFont(scaled_font(self.font(), points * 1.15, bold=True))
        for tile in self.tiles.values():
            tile.set_points(points)
        self.setStyleSheet(style_sheet(points))  # tab and header type: a style sheet overrides setFont
        for page in self.pages.values():
            page.set_points(points)
        self.disposition_chart.set_points(points)
        self.hour_chart.set_points(points)
        self.pareto.set_points(points)
        self.keys.setFont(scaled_font(self.font(), points * 0.85))

    # ----- which window -----------------------------------------------------------------------------------
    def choice(self) -> WindowChoice:
        """The window the controls name (the custom range as typed, read in the site's zone)."""
        data = str(self.window_combo.currentData() or CURRENT)
        if data.startswith(f"{SHIFT}:"):
            return WindowChoice(SHIFT, shift=data.split(":", 1)[1])
        if data == CUSTOM:
            return WindowChoice(
                CUSTOM, start=self._edit_moment(self.from_edit), end=self._edit_moment(self.to_edit)
            )
        return WindowChoice(data)

    def _edit_moment(self, edit: QDateTimeEdit) -> datetime:
        return parse_moment(edit.dateTime().toString("yyyy-MM-dd HH:mm"), self.tz)

    def choose_window(
        self, kind: str, *, shift: str = "", start: datetime | None = None, end: datetime | None = None
    ) -> None:
        """Show another window now: CURRENT, PREVIOUS, SHIFT (with ``shift``), TODAY, WEEK or CUSTOM
        (with aware ``start`` and ``end``, shown in the site's zone)."""
        data = f"{SHIFT}:{shift}" if kind == SHIFT else kind
        index = self.window_combo.findData(data)
        if index < 0:
            raise ValueError(f"there is no window {data!r} to pick")
        if kind == CUSTOM and start is not None and end is not None:
            self._set_edits(start, end)
        self.window_combo.blockSignals(True)
        self.window_combo.setCurrentIndex(index)
        self.window_combo.blockSignals(False)
        self._show_custom(kind == CUSTOM)
        self._choice_changed()

    def _set_edits(self, start: datetime, end: datetime) -> None:
        for edit, moment in ((self.from_edit, start), (self.to_edit, end)):
            local = moment.astimezone(self.tz)
            edit.blockSignals(True)
            edit.setDateTime(
                QDateTime(
                    QDate(local.year, local.month, local.day),
                    QTime(local.hour, local.minute),
                    QTimeZone.utc(),
                )
            )
            edit.blockSignals(False)

    def _show_custom(self, shown: bool) -> None:
        for widget in (self.from_edit, self.range_dash, self.to_edit):
            widget.setVisible(shown)

    def _combo_changed(self, _index: int) -> None:
        custom = self.window_combo.currentData() == CUSTOM
        if custom and self.picked is not None:
            self._set_edits(self.picked.start, self.picked.end)  # start from the window on screen
        self._show_custom(custom)
        self._choice_changed()

    def _choice_changed(self) -> None:
        self._custom_timer.stop()
        self._generation += 1  # a read under way is for the old window: its figures are not shown
        self.refresh()

    # ----- reading --------------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read the figures again now (F5); asked during a read, once more right after it."""
        if self._closed:
            return
        if self.loading:
            self._again = True
            return
        self._load()

    def _tick(self) -> None:
        if not self.loading:  # a slow read is never stacked on
            self._load()

    def _load(self) -> None:
        moment = self._now().astimezone(UTC)
        try:
            picked = resolve_choice(self.choice(), self.shifts, self.tz, moment)
        except UserError as exc:
            self._show_problem(exc.message)
            return
        self._set_loading(True)
        generation = self._generation
        store, tz, settings, share = self.store, self.tz, self.settings, self.alert_share

        def job() -> Summary:  # on the worker: plain values only, no widget
            return summarize(
                store,
                picked.start,
                picked.end,
                tz=tz,
                alert_share=share,
                alert_min_count=settings.alert_min_count,
                waiting_hours=settings.waiting_hours,
                waiting_within_days=settings.waiting_days or None,
                now=moment,
                label=picked.label,
                previous=picked.previous,
                previous_label=picked.previous_label,
            )

        self.runner.run(
            job,
            lambda summary: self._on_loaded(generation, picked, moment, summary),
            lambda exc: self._on_failed(generation, exc),
        )

    def _set_loading(self, loading: bool) -> None:
        if loading != self.loading:
            self.loading = loading
            self._show_updated()
            self.loading_changed.emit(loading)

    def _after_load(self) -> None:
        self._set_loading(False)
        if self._again and not self._closed:
            self._again = False
            self._load()

    def _on_loaded(self, generation: int, picked: PickedWindow, moment: datetime, summary: Summary) -> None:
        if self._closed:
            return
        if generation == self._generation:
            self._show_summary(picked, moment, summary)
        else:
            self._again = True  # the window was changed meanwhile
        self._after_load()

    def _on_failed(self, generation: int, exc: BaseException) -> None:
        if self._closed:
            return
        if generation == self._generation:
            if isinstance(exc, UserError):
                message = exc.message
            else:
                log.error("supervisor summary failed", exc_info=(type(exc), exc, exc.__traceback__))
                message = f"The figures could not be read ({type(exc).__name__}: {exc})."
            self._show_problem(message)
        else:
            self._again = True
        self._after_load()

    def _show_problem(self, message: str) -> None:
        self.problem = message
        kept = (
            f" The figures below are from {self._local(self._updated):%H:%M:%S}; they refresh by themselves."
            if self.summary is not None and self._updated is not None
            else " Press F5 to try again."
        )
        self._problem_text = (
            message.rstrip() + ("" if message.rstrip().endswith((".", "!", "?")) else ".") + kept
        )
        self._message_timer.stop()
        self._say(self._problem_text, ERROR)
        self._show_updated()
        self.refresh_failed.emit(message)

    # ----- showing --------------------------------------------------------------------------------------
    def _local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.tz)

    def _show_updated(self) -> None:
        if self._updated is None:
            text = "Loading…" if self.loading else "Not read yet"
        else:
            text = f"Updated {self._local(self._updated):%H:%M:%S}"
            if self.loading:
                text += " · refreshing…"
        colour = ERROR if self.problem else MUTED
        self.updated.setStyleSheet(f"color: {colour};")
        self.updated.setText(text + (" · refresh failed" if self.problem else ""))

    def _say(self, text: str, colour: str) -> None:
        self.banner.setText(text)
        self.banner.setStyleSheet(f"background: {colour};")
        self.banner.show()

    def _clear_message(self) -> None:
        if self.problem:
            self._say(self._problem_text, ERROR)  # a standing database problem comes back
        else:
            self.banner.hide()

    def _note(self, text: str, colour: str = OK) -> None:
        """A passing message (a file saved or not) in the banner for a while."""
        self._say(text, colour)
        self._message_timer.start(MESSAGE_MS)

    def _show_summary(self, picked: PickedWindow, moment: datetime, summary: Summary) -> None:
        self.summary, self.picked, self._updated = summary, picked, moment
        if self.problem is not None:
            self.problem = None
            self.banner.hide()
        self._show_window_line(picked, summary)
        self._show_tiles(picked, summary)
        self._show_alerts(summary)
        self.tables = screen_tables(summary)
        for name, page in self.pages.items():
            page.show_table(self.tables[name])
        alerts_tab = self.tabs.indexOf(self.pages["alerts"])
        self.tabs.setTabText(alerts_tab, f"Alerts ({len(summary.alerts)})" if summary.alerts else "Alerts")
        self.tabs.tabBar().setTabTextColor(alerts_tab, QColor(ERROR if summary.alerts else INK))
        self.disposition_chart.show_summary(summary, picked.name, picked.versus)
        self.hour_chart.show_summary(summary)
        self.pareto.show_summary(summary)
        self._show_updated()
        self.summary_shown.emit()

    def _show_window_line(self, picked: PickedWindow, summary: Summary) -> None:
        a, b = self._local(picked.start), self._local(picked.end)
        span = f"{a:%a %d %b %H:%M} – " + (f"{b:%H:%M}" if a.date() == b.date() else f"{b:%a %d %b %H:%M}")
        running = picked.start <= summary.generated_at < picked.end
        e = html.escape
        self.window_line.setText(
            f"<b>{e(picked.label[:1].upper() + picked.label[1:])}</b> · {e(span)} ({e(zone_name(self.tz))})"
            + (" · <span style='color:#1b7a3a'><b>running</b></span>" if running else "")
            + f" · compared with {e(summary.previous_label)}"
        )

    def _show_tiles(self, picked: PickedWindow, summary: Summary) -> None:
        deltas = {d.figure: d for d in summary.deltas}
        current = summary.current
        values: dict[str, Decimal | float | int | None] = {
            "units": current.units,
            **{d: current.by_disposition[d] for d in ("sellable", "carrier_damaged", "seller_fault")},
            "per_hour": current.units_per_hour,
            "median": current.seconds_per_unit.median,
            "overrides": current.overrides,
        }
        for spec in TILES:
            tile = self.tiles[spec.key]
            if spec.key == "waiting":
                waiting = summary.waiting
                noun = "unit" if waiting.undecided_units == 1 else "units"
                tile.show_figure(
                    count_text(waiting.count),
                    f"{waiting.undecided_units} {noun} undecided, requested by "
                    f"{waiting.requested_on_or_before:%d %b}",
                    WARN if waiting.count else MUTED,
                    WARN if waiting.count else INK,
                )
                continue
            note, colour = delta_text(spec, deltas.get(spec.figure), picked.versus)
            tile.show_figure(spec.text(values[spec.key]), note, colour)
        share = current.override_share
        self.tiles["overrides"].setToolTip(
            f"{share * 100:.1f}% of the units decided" if share is not None else "No units decided"
        )

    def _show_alerts(self, summary: Summary) -> None:
        if not summary.alerts:
            self.alerts.hide()
            return
        parts = [
            f"{a.sku}: {a.reason} in {a.count} of {a.returns} returns ({a.share * 100:.0f}%)"
            for a in summary.alerts[:ALERTS_IN_BANNER]
        ]
        more = len(summary.alerts) - len(parts)
        if more:  # the banner stays a few lines high; the tab lists them all
            parts.append(f"and {more} more in the Alerts tab")
        noun = "Alert" if len(summary.alerts) == 1 else f"{len(summary.alerts)} alerts"
        self.alerts.setText(f"⚠ {noun}: " + "  ·  ".join(parts))
        self.alerts.show()

    def current_table(self) -> str:
        page = self.tabs.currentWidget()
        return page.name if isinstance(page, TablePage) else next(iter(TABS))

    def show_table(self, name: str) -> None:
        self.tabs.setCurrentWidget(self.pages[name])

    # ----- wall screen -----------------------------------------------------------------------------------
    def set_wall_screen(self, on: bool) -> None:
        """Full screen with large type, for a screen on the wall (F11); Esc or F11 again leaves it."""
        if on == self.wall_screen:
            return
        self.wall_screen = on
        self.wall_button.blockSignals(True)
        self.wall_button.setChecked(on)
        self.wall_button.blockSignals(False)
        self.menuBar().setVisible(not on)
        self.keys.setVisible(not on)
        self.act_leave_wall.setEnabled(on)
        self._apply_points(BASE_POINTS * (WALL_SCALE if on else 1.0))
        if on:
            self._geometry = self.saveGeometry()
            self.showFullScreen()
        else:
            self.showNormal()
            if self._geometry is not None:
                self.restoreGeometry(self._geometry)

    # ----- export ----------------------------------------------------------------------------------------
    def _stem(self) -> str:
        assert self.picked is not None
        return f"{self._local(self.picked.start):%Y%m%d-%H%M}"

    def _ready_to_save(self) -> bool:
        if self.summary is None:
            self._export_failed("Nothing to save yet: the figures are still being read.")
            return False
        return True

    def _export_failed(self, message: str) -> None:
        self._note(message, ERROR)
        self.export_failed.emit(message)

    def _exported(self, path: Path, text: str) -> None:
        self._note(text)
        self.exported.emit(str(path))

    def save_table_csv(self, name: str | None = None) -> Path | None:
        """Save the table of the current tab (or ``name``), rows in the order on screen (Ctrl+S)."""
        if not self._ready_to_save():
            return None
        name = name or self.current_table()
        table = self.tables[name]
        default = self.export_folder / f"rmadesk-{name}-{self._stem()}.csv"
        path = ask_save_path(self, f"Save “{table.title}” as CSV", default, CSV_FILTER)
        if path is None:
            return None
        path = path if path.suffix else path.with_suffix(".csv")
        self.export_folder = path.parent
        try:
            write_table_csv(
                table.header, self.pages[name].shown_rows() if name in self.pages else table.rows, path
            )
        except UserError as exc:
            self._export_failed(exc.message)
            return None
        self._exported(path, f"Saved {table.title} to {path}.")
        return path

    def save_all_csv(self) -> list[Path]:
        """Save every table of the summary in a folder, one CSV file each (Ctrl+Shift+S)."""
        if not self._ready_to_save():
            return []
        folder = ask_folder(self, "Save all tables as CSV in…", self.export_folder)
        if folder is None:
            return []
        self.export_folder = folder
        written = []
        try:
            for name, table in self.tables.items():
                written.append(
                    write_table_csv(table.header, table.rows, folder / f"rmadesk-{name}-{self._stem()}.csv")
                )
        except UserError as exc:
            self._export_failed(exc.message)
            return written
        self._exported(folder, f"Saved {len(written)} tables as CSV files in {folder}.")
        return written

    def save_pdf(self) -> None:
        """Write the PDF report of the figures on screen, on the worker (Ctrl+P); ``exported`` says when."""
        if not self._ready_to_save():
            return
        assert self.summary is not None
        default = self.export_folder / f"rmadesk-summary-{self._stem()}.pdf"
        path = ask_save_path(self, "Save the PDF report", default, PDF_FILTER)
        if path is None:
            return
        path = path if path.suffix else path.with_suffix(".pdf")
        self.export_folder = path.parent
        summary, options = self.summary, render.Options(site=self.site)
        self._note(f"Writing the PDF report to {path}…", INFO)
        self.runner.run(
            lambda: render.write(summary, "pdf", path, options),
            lambda written: (
                None if self._closed else self._exported(written, f"Saved the PDF report to {written}.")
            ),
            lambda exc: None if self._closed else self._export_failed(self._export_error(exc)),
        )

    @staticmethod
    def _export_error(exc: BaseException) -> str:
        if isinstance(exc, UserError):
            return exc.message
        log.error("PDF report failed", exc_info=(type(exc), exc, exc.__traceback__))
        return f"The PDF report could not be written ({type(exc).__name__}: {exc})."

    # ----- closing ---------------------------------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self._closed = True
        self.refresh_timer.stop()
        self._custom_timer.stop()
        self._message_timer.stop()
        if self._own_runner:
            self.runner.wait(10000)
            self.runner.stop()
        super().closeEvent(event)


def run_supervisor(settings: Settings) -> int:
    """Open the supervisor view on its own, without a bench (e.g. on the wall screen's computer).

    Returns the process exit code: 2 when the database or the settings cannot be used (said in a
    dialog first).
    """
    import gc
    import sys

    from PySide6.QtWidgets import QApplication

    from rmadesk.services.context import open_store
    from rmadesk.ui import dialogs
    from rmadesk.ui.collector import GarbageCollector

    app = QApplication.instance() or QApplication(sys.argv[:1])
    collecting = gc.isenabled()
    gc.disable()  # before the worker thread starts: Qt objects must be freed on the GUI thread only
    try:
        store = open_store(settings.database_url or None)
        try:
            window = SupervisorWindow(store, settings)
        except UserError:
            store.dispose()
            raise
    except UserError as exc:
        if collecting:
            gc.enable()
        dialogs.show_error(None, "RMA Desk: supervisor view", exc.message)
        return 2
    collector = GarbageCollector(window)  # collects on the GUI thread while the window lives
    window.resize(1600, 1000)
    window.show()
    code = app.exec()
    collector.stop()
    store.dispose()
    return int(code)
