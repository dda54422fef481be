"""The audit trail for supervisors: every change, newest first, searchable, loaded page by page."""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import QHeaderView, QLabel, QLineEdit, QMainWindow, QTableView, QVBoxLayout, QWidget

from rmadesk.domain.people import Actor
from rmadesk.services.audit import AuditRow, audit_page, count_events
from rmadesk.store.uow import Store
from rmadesk.text.i18n import N_, _
from rmadesk.ui.common.failures import show_failure
from rmadesk.ui.common.runner import Runner

_Index = QModelIndex | QPersistentModelIndex
PAGE = 200
COLUMNS = (N_("When"), N_("Who"), N_("Bench"), N_("Action"), N_("What"), N_("Before"), N_("After"))


class AuditModel(QAbstractTableModel):
    """Audit events fetched page by page from the database on the worker.

    Signals:
        loaded(int): the total number of events matching the search is known.
        failed(str): the database refused; the message.
    """

    loaded = Signal(int)
    failed = Signal(str)

    def __init__(self, store: Store, actor: Actor, runner: Runner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store, self.actor, self.runner = store, actor, runner
        self.rows: list[AuditRow] = []
        self.total = 0
        self.text = ""
        self._generation = 0
        self._fetching = False

    def search(self, text: str) -> None:
        self._generation += 1
        generation, store, actor = self._generation, self.store, self.actor
        self.beginResetModel()
        self.rows, self.total, self.text, self._fetching = [], 0, text, True
        self.endResetModel()

        def work() -> tuple[int, list[AuditRow]]:
            return count_events(store, actor, text), audit_page(store, actor, text=text, limit=PAGE)

        self.runner.run(work, lambda result: self._first(generation, result), self._failed)

    def _first(self, generation: int, result: tuple[int, list[AuditRow]]) -> None:
        self._fetching = False
        if generation != self._generation:
            return  # a newer search is under way
        total, rows = result
        self.total = total
        self._append(rows)
        self.loaded.emit(total)

    def _append(self, rows: list[AuditRow]) -> None:
        if rows:
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(rows) - 1)
            self.rows.extend(rows)
            self.endInsertRows()

    def _failed(self, exc: BaseException) -> None:
        self._fetching = False
        show_failure(exc, self.failed.emit, unexpected=_("The audit trail could not be read ({error})."))

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008, N802 - Qt override
        return not parent.isValid() and not self._fetching and len(self.rows) < self.total

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008, N802 - Qt override
        if not self.canFetchMore(parent):
            return
        self._fetching = True
        generation, store, actor, text, offset = (
            self._generation,
            self.store,
            self.actor,
            self.text,
            len(self.rows),
        )

        def done(rows: list[AuditRow]) -> None:
            self._fetching = False
            if generation == self._generation:
                self._append(rows)

        self.runner.run(
            lambda: audit_page(store, actor, text=text, offset=offset, limit=PAGE), done, self._failed
        )

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt override
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt override
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        row = self.rows[index.row()]
        values = (
            row.at.astimezone().strftime("%Y-%m-%d %H:%M:%S"),
            row.actor,
            row.bench,
            row.action,
            f"{row.entity} {row.entity_key}",
            row.before or "",
            row.after or "",
        )
        return values[index.column()]

    def headerData(  # noqa: N802 - Qt override
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        horizontal = orientation == Qt.Orientation.Horizontal
        if role == Qt.ItemDataRole.DisplayRole and horizontal and 0 <= section < len(COLUMNS):
            return _(COLUMNS[section])
        return None


class AuditWindow(QMainWindow):
    """Every change to the shared data, for supervisors (the services refuse anyone else)."""

    def __init__(self, store: Store, actor: Actor, runner: Runner | None = None) -> None:
        super().__init__()
        self.setWindowTitle(_("RMA Desk — audit trail"))
        self.resize(1200, 700)
        self.runner = runner or Runner(self)
        self.model = AuditModel(store, actor, self.runner, self)
        central = QWidget()
        layout = QVBoxLayout(central)
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Search by person, action, bench or RMA…"))
        self.status = QLabel(_("Loading…"))
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.search)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        self.setCentralWidget(central)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(lambda: self.model.search(self.search.text()))
        self.search.textChanged.connect(lambda _text: self._debounce.start())
        self.model.loaded.connect(
            lambda total: self.status.setText(_("{count:,} changes").format(count=total))
        )
        self.model.failed.connect(lambda message: self.status.setText(message))
        self.model.search("")
