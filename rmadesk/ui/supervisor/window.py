"""The supervisor view: a shift's figures as tiles, tables and charts, refreshed while the shift runs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from PySide6.QtCore import QByteArray, QDate, QDateTime, QStandardPaths, Qt, QTime, QTimer, QTimeZone, Signal
from PySide6.QtGui import QAction, QCloseEvent, QColor, QKeySequence
from PySide6.QtWidgets import QDateTimeEdit, QMainWindow

from rmadesk.domain.errors import UserError
from rmadesk.domain.people import Actor
from rmadesk.domain.shifts import local_zone, parse_moment, parse_shifts
from rmadesk.settings import Settings
from rmadesk.store.types import utcnow
from rmadesk.store.uow import Store
from rmadesk.summary.figures import Summary
from rmadesk.summary.service import summarize
from rmadesk.summary.windows import (
    CURRENT,
    CUSTOM,
    SHIFT,
    PickedWindow,
    WindowChoice,
    resolve_choice,
)
from rmadesk.text.i18n import _
from rmadesk.ui.common.failures import show_failure
from rmadesk.ui.common.runner import Runner
from rmadesk.ui.common.style import ERROR, OK, scaled_font, text_scale
from rmadesk.ui.supervisor.export import SupervisorExports
from rmadesk.ui.supervisor.models import TABS, ScreenTable, screen_tables
from rmadesk.ui.supervisor.view import INK, MUTED, SupervisorView, style_sheet
from rmadesk.ui.supervisor.widgets import TablePage

REFRESH_MS = 30_000  # a wall screen a few people glance at; the summary costs well under a second
BASE_POINTS = 11.0
WALL_SCALE = 1.6
MESSAGE_MS = 15_000  # how long a note about a saved file stays
CUSTOM_DEBOUNCE_MS = 600


class SupervisorWindow(SupervisorView, SupervisorExports, QMainWindow):
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
        actor: Actor,
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
                _("The alert_share setting must be a decimal such as 0.5, not {value}.").format(
                    value=repr(settings.alert_share)
                )
            ) from None
        super().__init__()
        self.store = store
        self.settings = settings
        self.actor = actor
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
        self.points = BASE_POINTS * text_scale(settings.large_text_pt)
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
        self.setWindowTitle(_("RMA Desk — supervisor"))
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

    def _build_actions(self) -> None:
        def action(text: str, keys: list[str], slot: Callable[[], object]) -> QAction:
            act = QAction(text, self)
            act.setShortcuts([QKeySequence(k) for k in keys])
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.triggered.connect(lambda _checked=False: slot())
            self.addAction(act)
            return act

        self.act_refresh = action(_("Refresh"), ["F5"], self.refresh)
        self.act_csv = action(_("Save table as CSV…"), ["Ctrl+S"], self.save_table_csv)
        self.act_all_csv = action(_("Save all tables as CSV…"), ["Ctrl+Shift+S"], self.save_all_csv)
        self.act_pdf = action(_("Save PDF report…"), ["Ctrl+P"], self.save_pdf)
        self.act_wall = action(_("Wall screen"), ["F11"], lambda: self.set_wall_screen(not self.wall_screen))
        self.act_leave_wall = action(_("Leave wall screen"), ["Esc"], lambda: self.set_wall_screen(False))
        self.act_leave_wall.setEnabled(False)
        self.act_close = action(_("Close"), ["Ctrl+W"], self.close)
        menu = self.menuBar().addMenu(_("&File"))
        for act in (self.act_csv, self.act_all_csv, self.act_pdf):
            menu.addAction(act)
        menu.addSeparator()
        menu.addAction(self.act_close)
        view = self.menuBar().addMenu(_("&View"))
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
        store, actor, tz, settings, share = self.store, self.actor, self.tz, self.settings, self.alert_share

        def job() -> Summary:  # on the worker: plain values only, no widget
            return summarize(
                store,
                actor,
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
            show_failure(exc, self._show_problem, unexpected=_("The figures could not be read ({error})."))
        else:
            self._again = True
        self._after_load()

    def _show_problem(self, message: str) -> None:
        self.problem = message
        kept = " " + (
            _("The figures below are from {time}; they refresh by themselves.").format(
                time=f"{self._local(self._updated):%H:%M:%S}"
            )
            if self.summary is not None and self._updated is not None
            else _("Press F5 to try again.")
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
            text = _("Loading…") if self.loading else _("Not read yet")
        else:
            text = _("Updated {time}").format(time=f"{self._local(self._updated):%H:%M:%S}")
            if self.loading:
                text += " · " + _("refreshing…")
        colour = ERROR if self.problem else MUTED
        self.updated.setStyleSheet(f"color: {colour};")
        self.updated.setText(text + (" · " + _("refresh failed") if self.problem else ""))

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
        self.tabs.setTabText(
            alerts_tab,
            _("Alerts ({count})").format(count=len(summary.alerts)) if summary.alerts else _("Alerts"),
        )
        self.tabs.tabBar().setTabTextColor(alerts_tab, QColor(ERROR if summary.alerts else INK))
        self.disposition_chart.show_summary(summary, picked.name, picked.versus)
        self.hour_chart.show_summary(summary)
        self.pareto.show_summary(summary)
        self._show_updated()
        self.summary_shown.emit()

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
