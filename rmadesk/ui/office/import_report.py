"""Importing a report from the bench: file dialog or drag and drop, a progress bar, and the result."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QProgressDialog,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from rmadesk.domain.people import Actor
from rmadesk.store.uow import Store
from rmadesk.text.i18n import N_, _
from rmadesk.ui.common.failures import show_failure
from rmadesk.ui.common.runner import Runner

if TYPE_CHECKING:  # the report readers are loaded with the first import, not at the bench's start
    from rmadesk.formats.spec import RowProblem
    from rmadesk.services.imports import ImportResult

_Index = QModelIndex | QPersistentModelIndex
# The file dialog's filter names (translated with _() where shown; the patterns are not).
REPORT_FILES = N_("Return reports")
ALL_FILES = N_("All files")


class ProblemsModel(QAbstractTableModel):
    """The rows an import rejected: line number and reason."""

    HEADERS = (N_("Line"), N_("Why it was not imported"))

    def __init__(self, problems: Sequence[RowProblem], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._problems = list(problems)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt override
        return 0 if parent.isValid() else len(self._problems)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt override
        return 0 if parent.isValid() else 2

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._problems):
            return None
        problem = self._problems[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return str(problem.line) if index.column() == 0 else problem.reason
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(  # noqa: N802 - Qt override
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < 2
        ):
            return _(self.HEADERS[section])
        return None


class ImportResultDialog(QDialog):
    """What an import did: counts, notes (status changes), and every rejected row."""

    def __init__(self, result: ImportResult, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("RMA Desk: imported {file}").format(file=result.file_name))
        self.resize(820, 520)
        layout = QVBoxLayout(self)
        summary = QLabel(result.summary())
        summary.setWordWrap(True)
        summary.setStyleSheet("font-size: 15pt; font-weight: 600;")
        layout.addWidget(summary)
        if result.notes:
            notes = QLabel("<br>".join(result.notes[:20]) + ("<br>…" if len(result.notes) > 20 else ""))
            notes.setWordWrap(True)
            layout.addWidget(notes)
        self.problems = ProblemsModel(result.problems, self)
        if result.problems:
            layout.addWidget(
                QLabel(
                    _("{count} rows were not imported (the file is unchanged):").format(count=result.rejected)
                )
            )
            table = QTableView()
            table.setModel(self.problems)
            table.verticalHeader().hide()
            table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
            layout.addWidget(table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        buttons.accepted.connect(self.accept)
        layout.addWidget(buttons)


def choose_report_file(parent: QWidget | None) -> Path | None:
    report_filter = _(REPORT_FILES) + " (*.txt *.tsv *.csv *.tab);;" + _(ALL_FILES) + " (*)"
    path, _filter = QFileDialog.getOpenFileName(
        parent, _("Import a returns report"), str(Path.home()), report_filter
    )
    return Path(path) if path else None


def show_result(parent: QWidget | None, result: ImportResult) -> None:
    ImportResultDialog(result, parent).exec()


class ReportImporter(QObject):
    """Runs an import on the database worker with a progress bar, then shows what it did.

    Signals:
        imported(object): the ImportResult of a finished import.
        import_failed(str): the message of an import that changed nothing.
    """

    imported = Signal(object)
    import_failed = Signal(str)

    def __init__(
        self,
        parent: QWidget,
        store: Store,
        runner: Runner,
        *,
        actor: Callable[[], Actor | str],
        bench: str,
        on_error: Callable[[str], None],
        marketplace: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.parent_widget = parent
        self.marketplace = marketplace
        self.store = store
        self.runner = runner
        self.actor = actor
        self.bench = bench
        self.on_error = on_error
        self._progress = (0, 0)
        self._lock = threading.Lock()
        self._timer = QTimer(self)
        self._timer.setInterval(100)
        self._timer.timeout.connect(self._show_progress)
        self._dialog: QProgressDialog | None = None

    def start(self, path: Path) -> None:
        """Import the file; the progress bar follows the worker, the result comes back here."""
        self._dialog = QProgressDialog(
            _("Importing {name}…").format(name=path.name), "", 0, 0, self.parent_widget
        )
        self._dialog.setWindowTitle(_("RMA Desk: import"))
        self._dialog.setCancelButton(None)
        self._dialog.setMinimumDuration(300)
        self._dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self._progress = (0, 0)
        self._timer.start()
        store, actor, bench, marketplace = self.store, self.actor(), self.bench, self.marketplace

        def work() -> ImportResult:
            from rmadesk.services.imports import import_report

            return import_report(
                store, path, actor=actor, bench=bench, progress=self._report_progress, marketplace=marketplace
            )

        self.runner.run(work, self._done, self._failed)

    def _report_progress(self, done: int, total: int) -> None:
        with self._lock:  # called on the worker thread: only data, no widgets
            self._progress = (done, total)

    def _show_progress(self) -> None:
        with self._lock:
            done, total = self._progress
        if self._dialog is not None and total:
            self._dialog.setMaximum(total)
            self._dialog.setValue(done)

    def _finish(self) -> None:
        self._timer.stop()
        if self._dialog is not None:
            self._dialog.reset()
            self._dialog.deleteLater()
            self._dialog = None

    def _done(self, result: ImportResult) -> None:
        self._finish()
        self.imported.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self._finish()
        show_failure(exc, self._refused)

    def _refused(self, message: str) -> None:
        message = _("Nothing was imported. {reason}").format(reason=message)
        self.import_failed.emit(message)
        self.on_error(message)
