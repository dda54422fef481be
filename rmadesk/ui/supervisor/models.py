"""The supervisor view's tables: one generic Qt model over the rows of the summary's tables."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from rmadesk.summary.figures import DurationStats, Summary
from rmadesk.summary.render.tables import summary_tables
from rmadesk.text.i18n import N_, _
from rmadesk.ui.common.style import ERROR

ALERT_BACKGROUND = "#fdecea"
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?%?$")
_LOWEST = -1e300  # an empty cell of a numeric column sorts first

# The tabs of the view in order: table name -> tab title. "arrival" is built here (see screen_tables).
TABS: dict[str, str] = {
    "inspectors": N_("Inspectors"),
    "benches": N_("Benches"),
    "hours": N_("By hour"),
    "overrides": N_("Overrides"),
    "reimbursement": N_("Reimbursement"),
    "restocked": N_("Restocked"),
    "arrival": N_("Arrival → decision"),
    "waiting": N_("Waiting"),
    "reasons": N_("Top reasons"),
    "alerts": N_("Alerts"),
    "comparison": N_("Comparison"),
    "figures": N_("All figures"),
}
EMPTY_TEXT: dict[str, str] = {
    "inspectors": N_("No decisions in this window."),
    "benches": N_("No decisions in this window."),
    "hours": N_("No hours to show."),
    "overrides": N_("Nobody overrode a recommendation in this window."),
    "reimbursement": N_("No reimbursement expected from this window's decisions."),
    "restocked": N_("Nothing was restocked in this window."),
    "waiting": N_("Nothing is waiting."),
    "reasons": N_("No returns were decided in this window."),
    "alerts": N_("No alerts: no SKU repeats one return reason over the thresholds."),
    "comparison": N_("Nothing to compare."),
}


@dataclass(frozen=True)
class ScreenTable:
    """One table of the view: its title, header, rows as text, and the rows to highlight."""

    title: str
    header: list[str]
    rows: list[list[str]]
    highlighted: frozenset[int] = field(default_factory=frozenset)


def _hours_text(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}".rstrip("0").rstrip(".")


def _arrival_rows(current: DurationStats, previous: DurationStats) -> list[list[str]]:
    return [
        [_("Units with an arrival time"), str(current.count), str(previous.count)],
        [_("Median hours"), _hours_text(current.median), _hours_text(previous.median)],
        [_("Average hours"), _hours_text(current.average), _hours_text(previous.average)],
    ]


def screen_tables(summary: Summary) -> dict[str, ScreenTable]:
    """Every table of the summary (``summary_tables``) plus the arrival-to-decision table, in tab order
    first; the alerts, and the Pareto lines that raise them, highlighted."""
    tables = summary_tables(summary)
    alerting = {(a.sku, a.reason) for a in summary.alerts}
    header, rows = tables["reasons"]
    reason_rows = frozenset(n for n, row in enumerate(rows) if (row[0], row[2]) in alerting)
    header, rows = tables["alerts"]
    screen = {
        name: ScreenTable(_(TABS[name]) if name in TABS else name, header, rows)
        for name, (header, rows) in tables.items()
    }
    screen["reasons"] = ScreenTable(_(TABS["reasons"]), *tables["reasons"], highlighted=reason_rows)
    screen["alerts"] = ScreenTable(
        _(TABS["alerts"]), *tables["alerts"], highlighted=frozenset(range(len(summary.alerts)))
    )
    screen["arrival"] = ScreenTable(
        _(TABS["arrival"]),
        [_("Arrival to decision"), _("This window"), summary.previous_label],
        _arrival_rows(summary.current.arrival_to_decision_hours, summary.previous.arrival_to_decision_hours),
    )
    ordered = {name: screen[name] for name in TABS}
    ordered.update({name: table for name, table in screen.items() if name not in ordered})
    return ordered


def cell_number(cell: str) -> float | None:
    """The number a cell shows ("12", "-3.5", "+2", "75.0%"), or None for text."""
    text = cell.strip()
    if not _NUMBER.match(text):
        return None
    return float(text.rstrip("%"))


def _is_numeric(column: list[str]) -> bool:
    """A column of numbers (blanks allowed, at least one number)."""
    filled = [cell for cell in column if cell.strip()]
    return bool(filled) and all(cell_number(cell) is not None for cell in filled)


class SummaryTableModel(QAbstractTableModel):
    """Rows of text from one summary table; numbers right-aligned and sorted as numbers.

    Updating keeps the rows a view shows where they are (rows changed in place, added or removed at
    the end) unless the header changes, so a refresh does not scroll a table back to the top.

    Attributes:
        name: the table's name in ``summary_tables``.
        header / rows: what is shown.
        highlighted: rows drawn as alerts.
    """

    SORT_ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.header: list[str] = []
        self.rows: list[list[str]] = []
        self.highlighted: frozenset[int] = frozenset()
        self._numeric: list[bool] = []
        self._bold = QFont()
        self._bold.setBold(True)

    def set_table(
        self, header: Sequence[str], rows: Sequence[Sequence[str]], highlighted: frozenset[int] = frozenset()
    ) -> None:
        header, rows = list(header), [list(r) for r in rows]
        numeric = [_is_numeric([row[c] for row in rows]) for c in range(len(header))]
        if header != self.header:
            self.beginResetModel()
            self.header, self.rows, self.highlighted, self._numeric = header, rows, highlighted, numeric
            self.endResetModel()
            return
        old, new = len(self.rows), len(rows)
        # Rows kept keep their old text until dataChanged below, as the views were told.
        if new < old:
            self.beginRemoveRows(QModelIndex(), new, old - 1)
            self.rows = self.rows[:new]
            self.endRemoveRows()
        elif new > old:
            self.beginInsertRows(QModelIndex(), old, new - 1)
            self.rows = self.rows + rows[old:]
            self.endInsertRows()
        self.rows, self.highlighted, self._numeric = rows, highlighted, numeric
        kept = min(old, new)
        if kept and self.header:
            self.dataChanged.emit(self.index(0, 0), self.index(kept - 1, len(self.header) - 1))

    def is_numeric(self, column: int) -> bool:
        return 0 <= column < len(self._numeric) and self._numeric[column]

    # ----- Qt overrides -------------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.header)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or index.row() >= len(self.rows) or index.column() >= len(self.header):
            return None
        row, column = index.row(), index.column()
        cell = self.rows[row][column]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return cell
        if role == self.SORT_ROLE:
            if self.is_numeric(column):
                number = cell_number(cell)
                return _LOWEST if number is None else number
            return cell.casefold()
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = (
                Qt.AlignmentFlag.AlignRight if self.is_numeric(column) else Qt.AlignmentFlag.AlignLeft
            )
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        if row in self.highlighted:
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(QColor(ALERT_BACKGROUND))
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor(ERROR))
            if role == Qt.ItemDataRole.FontRole:
                return self._bold
        return None

    def headerData(  # noqa: N802 - Qt override
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.header):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.header[section]
            if role == Qt.ItemDataRole.TextAlignmentRole:
                horizontal = (
                    Qt.AlignmentFlag.AlignRight if self.is_numeric(section) else Qt.AlignmentFlag.AlignLeft
                )
                return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


def sorting_proxy(model: SummaryTableModel) -> QSortFilterProxyModel:
    """A proxy that sorts numbers as numbers and, sorted by no column, keeps the summary's order."""
    proxy = QSortFilterProxyModel(model)
    proxy.setSourceModel(model)
    proxy.setSortRole(SummaryTableModel.SORT_ROLE)
    proxy.setDynamicSortFilter(True)
    return proxy
