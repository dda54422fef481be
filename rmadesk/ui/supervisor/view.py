"""The supervisor window's widgets: built once, sized for a desk or a wall, filled from a summary."""

from __future__ import annotations

import html
from decimal import Decimal

from PySide6.QtCore import Qt, QTimeZone
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from rmadesk.domain.shifts import zone_name
from rmadesk.summary.figures import Summary
from rmadesk.summary.windows import CURRENT, CUSTOM, PREVIOUS, SHIFT, TODAY, WEEK, PickedWindow
from rmadesk.text.i18n import _, ngettext
from rmadesk.ui.common.style import STYLE_SHEET, WARN
from rmadesk.ui.supervisor.charts import DispositionChart, HourChart, ParetoChart
from rmadesk.ui.supervisor.models import TABS
from rmadesk.ui.supervisor.widgets import TILES, TablePage, Tile, count_text, delta_text

INK = "#1c2430"
MUTED = "#546e7a"
ALERTS_IN_BANNER = 4  # the strongest alerts named in the banner above the tiles
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


class SupervisorView:
    """The widgets of the supervisor window and how a summary appears on them.

    Part of SupervisorWindow, which holds the settings, shifts, zone and timers read here.
    """

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
        self.heading = QLabel(_("Supervisor · {site}").format(site=site) if site else _("Supervisor"))
        self.window_combo = QComboBox()
        self.window_combo.addItem(_("Current shift"), CURRENT)
        self.window_combo.addItem(_("Previous shift"), PREVIOUS)
        for shift in self.shifts:
            self.window_combo.addItem(
                _("Latest {shift} shift ({start}–{end})").format(
                    shift=shift.name, start=f"{shift.start:%H:%M}", end=f"{shift.end:%H:%M}"
                ),
                f"{SHIFT}:{shift.name}",
            )
        self.window_combo.addItem(_("Today"), TODAY)
        self.window_combo.addItem(_("This week"), WEEK)
        self.window_combo.addItem(_("Custom range"), CUSTOM)
        self.window_combo.setToolTip(_("Which window of time the figures are for"))
        self.window_combo.currentIndexChanged.connect(self._combo_changed)
        self.from_edit = self._datetime_edit(_("Start of the range (local time)"))
        self.to_edit = self._datetime_edit(_("End of the range (local time, excluded)"))
        self.range_dash = QLabel(_("to"))
        for widget in (self.from_edit, self.range_dash, self.to_edit):
            widget.hide()
        self.updated = QLabel(_("Loading…"))
        self.updated.setObjectName("updated")
        self.refresh_button = QPushButton(_("Refresh"))
        self.refresh_button.setToolTip(_("Read the figures again now (F5)"))
        self.refresh_button.clicked.connect(self.refresh)
        self.wall_button = QPushButton(_("Wall screen"))
        self.wall_button.setCheckable(True)
        self.wall_button.setToolTip(_("Full screen with large type (F11)"))
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
        self.tiles["waiting"].title.setText(
            _("Waiting > {hours} h").format(hours=self.settings.waiting_hours)
        )
        outer.addLayout(grid)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.pages: dict[str, TablePage] = {}
        for name, title in TABS.items():
            page = TablePage(name)
            self.pages[name] = page
            self.tabs.addTab(page, _(title))
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
            _(
                "F5 Refresh · Ctrl+S Save table as CSV · Ctrl+Shift+S Save all tables · Ctrl+P PDF report · "
                "F11 Wall screen · Ctrl+W Close"
            )
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

    def _show_window_line(self, picked: PickedWindow, summary: Summary) -> None:
        a, b = self._local(picked.start), self._local(picked.end)
        span = f"{a:%a %d %b %H:%M} – " + (f"{b:%H:%M}" if a.date() == b.date() else f"{b:%a %d %b %H:%M}")
        running = picked.start <= summary.generated_at < picked.end
        e = html.escape
        running_text = _("running")
        self.window_line.setText(
            f"<b>{e(picked.label[:1].upper() + picked.label[1:])}</b> · {e(span)} ({e(zone_name(self.tz))})"
            + (f" · <span style='color:#1b7a3a'><b>{e(running_text)}</b></span>" if running else "")
            + " · "
            + e(_("compared with {window}").format(window=summary.previous_label))
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
                tile.show_figure(
                    count_text(waiting.count),
                    ngettext(
                        "{count} unit undecided, requested by {day}",
                        "{count} units undecided, requested by {day}",
                        waiting.undecided_units,
                    ).format(count=waiting.undecided_units, day=f"{waiting.requested_on_or_before:%d %b}"),
                    WARN if waiting.count else MUTED,
                    WARN if waiting.count else INK,
                )
                continue
            note, colour = delta_text(spec, deltas.get(spec.figure), picked.versus)
            tile.show_figure(spec.text(values[spec.key]), note, colour)
        share = current.override_share
        self.tiles["overrides"].setToolTip(
            _("{percent}% of the units decided").format(percent=f"{share * 100:.1f}")
            if share is not None
            else _("No units decided")
        )

    def _show_alerts(self, summary: Summary) -> None:
        if not summary.alerts:
            self.alerts.hide()
            return
        parts = [
            _("{sku}: {reason} in {count} of {returns} returns ({percent}%)").format(
                sku=a.sku, reason=a.reason, count=a.count, returns=a.returns, percent=f"{a.share * 100:.0f}"
            )
            for a in summary.alerts[:ALERTS_IN_BANNER]
        ]
        more = len(summary.alerts) - len(parts)
        if more:  # the banner stays a few lines high; the tab lists them all
            parts.append(_("and {count} more in the Alerts tab").format(count=more))
        noun = ngettext("Alert", "{count} alerts", len(summary.alerts)).format(count=len(summary.alerts))
        self.alerts.setText(f"⚠ {noun}: " + "  ·  ".join(parts))
        self.alerts.show()
