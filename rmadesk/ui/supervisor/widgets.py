"""The supervisor view's pieces: headline tiles, table pages, and figures written for a wall."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from rmadesk.domain.errors import UserError
from rmadesk.domain.model import Disposition
from rmadesk.formats.csv_out import CsvWriter
from rmadesk.store.disk import storage_problem
from rmadesk.summary.figures import Delta
from rmadesk.text.i18n import N_, _
from rmadesk.ui.common.style import DISPOSITION_COLOURS, ERROR, NEUTRAL, OK, scaled_font
from rmadesk.ui.supervisor.models import EMPTY_TEXT, ScreenTable, SummaryTableModel, sorting_proxy

INK = "#1c2430"
MUTED = "#546e7a"


def seconds_text(seconds: float | Decimal | None) -> str:
    """A time per unit: "95 s" (or "127.5 s") below ten minutes, else minutes with one decimal."""
    if seconds is None:
        return "—"
    value = float(seconds)
    if value >= 600:
        return _("{minutes} min").format(minutes=f"{value / 60:.1f}")
    return _("{seconds} s").format(
        seconds=f"{value:.0f}" if round(value, 1) == round(value) else f"{value:.1f}"
    )


def rate_text(value: Decimal | float | None) -> str:
    return "—" if value is None else f"{float(value):.1f}"


def count_text(value: Decimal | float | int | None) -> str:
    return "—" if value is None else f"{int(value):,}"


@dataclass(frozen=True)
class TileSpec:
    """One headline tile: the delta it shows, how to write its figure, and which way is better.

    Attributes:
        figure: the name of its Delta in ``Summary.deltas`` ("" for none).
        better: 1 when more is better, -1 when less is, 0 when neither.
    """

    key: str
    title: str
    figure: str
    text: Callable[[Decimal | float | int | None], str]
    better: int
    colour: str = INK


TILES = (
    TileSpec("units", N_("Units inspected"), "units", count_text, 1),
    *(
        TileSpec(
            d.value, d.label, f"units {d.value.replace('_', '-')}", count_text, 0, DISPOSITION_COLOURS[d]
        )
        for d in Disposition
    ),
    TileSpec("per_hour", N_("Units per hour"), "units per hour", rate_text, 1),
    TileSpec("median", N_("Median time per unit"), "median seconds per unit", seconds_text, -1),
    TileSpec("overrides", N_("Overrides"), "overrides", count_text, -1),
    TileSpec("waiting", N_("Waiting"), "", count_text, 0),
)


def delta_text(spec: TileSpec, delta: Delta | None, versus: str) -> tuple[str, str]:
    """The tile's second line (change against the comparison window) and its colour."""
    if delta is None or delta.previous is None:
        return _("no figure for {versus}").format(versus=versus), MUTED
    before = spec.text(delta.previous)
    change = delta.change
    if change is None:
        return _("{versus}: {before}").format(versus=versus, before=before), MUTED
    if change == 0:
        return _("= same as {versus}").format(versus=versus), MUTED
    arrow, sign = ("▲", "+") if change > 0 else ("▼", "−")
    colour = NEUTRAL if not spec.better else OK if change * spec.better > 0 else ERROR
    return (
        _("{arrow} {sign}{change} vs {versus} ({before})").format(
            arrow=arrow, sign=sign, change=spec.text(abs(change)), versus=versus, before=before
        ),
        colour,
    )


class Tile(QFrame):
    """A headline figure: a caption, a big number, and its change against the comparison window."""

    def __init__(self, spec: TileSpec, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec = spec
        self.setObjectName("tile")
        self.title = QLabel(_(spec.title))
        self.title.setObjectName("tileTitle")
        self.value = QLabel("—")
        self.value.setStyleSheet(f"color: {spec.colour};")
        self.delta = QLabel(" ")
        self.delta.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 8, 14, 10)
        layout.setSpacing(0)
        layout.addWidget(self.title)
        layout.addWidget(self.value)
        layout.addWidget(self.delta)
        layout.addStretch(1)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def show_figure(self, value: str, note: str, note_colour: str, value_colour: str | None = None) -> None:
        self.value.setText(value)
        self.value.setStyleSheet(f"color: {value_colour or self.spec.colour};")
        self.delta.setText(note)
        self.delta.setStyleSheet(f"color: {note_colour};")

    def set_points(self, points: float) -> None:
        self.title.setFont(scaled_font(self.font(), points * 1.0, bold=True))
        self.value.setFont(scaled_font(self.font(), points * 2.9, bold=True))
        self.delta.setFont(scaled_font(self.font(), points * 0.95))


class TablePage(QStackedWidget):
    """A table of the summary, or a line saying why it is empty."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.model = SummaryTableModel(name, self)
        self.proxy = sorting_proxy(self.model)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSortingEnabled(True)  # by no column until a header is clicked: the summary's order
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.setWordWrap(False)
        self.empty = QLabel(_(EMPTY_TEXT[name]) if name in EMPTY_TEXT else _("Nothing to show."))
        self.empty.setObjectName("empty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.addWidget(self.view)
        self.addWidget(self.empty)

    def show_table(self, table: ScreenTable) -> None:
        self.model.set_table(table.header, table.rows, table.highlighted)
        self.setCurrentWidget(self.view if table.rows else self.empty)

    def shown_rows(self) -> list[list[str]]:
        """The rows in the order on screen (sorted as the person sorted them)."""
        rows = []
        for row in range(self.proxy.rowCount()):
            source = self.proxy.mapToSource(self.proxy.index(row, 0)).row()
            rows.append(self.model.rows[source])
        return rows

    def set_points(self, points: float) -> None:
        font = scaled_font(self.font(), points)
        self.view.setFont(font)
        self.view.verticalHeader().setDefaultSectionSize(int(points * 2.3))
        self.empty.setFont(scaled_font(self.font(), points * 1.1))


def write_table_csv(header: list[str], rows: list[list[str]], path: Path) -> Path:
    """One table as CSV (UTF-8, as ``rmadesk summary --format csv --table`` writes it)."""
    try:
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = CsvWriter(out)
            writer.writerow(header)
            writer.writerows(rows)
    except OSError as exc:
        raise UserError(
            _("The table cannot be written to {path}: {reason}.").format(
                path=path, reason=storage_problem(exc)
            )
        ) from exc
    return path
