"""Carrier-damage claims against what the marketplace paid: a filterable table, saved as CSV."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from rmadesk.domain.people import Actor
from rmadesk.formats.csv_out import CsvWriter
from rmadesk.services.photos import write_claim_packet
from rmadesk.services.reconcile import RECONCILE_COLUMNS, ReconcileRow, csv_fields, reconcile
from rmadesk.store.disk import storage_problem
from rmadesk.store.uow import Store
from rmadesk.text.i18n import N_, _
from rmadesk.ui.common.failures import show_failure, user_message
from rmadesk.ui.common.runner import Runner

_Index = QModelIndex | QPersistentModelIndex
STATUS_COLOURS = {"paid_differently": "#8a5a00", "unpaid_overdue": "#b3261e", "paid_unclaimed": "#1f4e8c"}
# The table's headers, by the CSV's column names (translated with _() where shown).
HEADERS = {
    "status": N_("status"),
    "rma_id": N_("rma id"),
    "order_id": N_("order id"),
    "sku": N_("sku"),
    "units_claimed": N_("units claimed"),
    "units_paid": N_("units paid"),
    "expected_total": N_("expected total"),
    "paid_total": N_("paid total"),
    "difference": N_("difference"),
    "currency": N_("currency"),
    "decided_at": N_("decided at"),
    "days_since_decision": N_("days since decision"),
    "last_paid_on": N_("last paid on"),
    "reimbursement_ids": N_("reimbursement ids"),
    "expected_components": N_("expected components"),
}
# The statuses the filter offers, in its order, with their names (translated with _() where shown).
STATUS_CHOICES = (
    ("unpaid_overdue", N_("Unpaid overdue")),
    ("paid_differently", N_("Paid differently")),
    ("paid_unclaimed", N_("Paid unclaimed")),
    ("unpaid_waiting", N_("Unpaid waiting")),
    ("paid", N_("Paid")),
)


class ReconcileModel(QAbstractTableModel):
    """Reconciliation rows as the table shows them (the CSV's columns)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[tuple[str, ...]] = []
        self.sources: list[ReconcileRow] = []  # the rows behind the table's lines, in its order

    def set_rows(self, rows: list[ReconcileRow], status: str | None) -> None:
        self.beginResetModel()
        self.sources = [r for r in rows if status is None or r.status.value == status]
        self.rows = [csv_fields(r) for r in self.sources]
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt override
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802 - Qt override
        return 0 if parent.isValid() else len(RECONCILE_COLUMNS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return row[index.column()]
        if role == Qt.ItemDataRole.ForegroundRole and row[0] in STATUS_COLOURS:
            return QBrush(QColor(STATUS_COLOURS[row[0]]))
        return None

    def headerData(  # noqa: N802 - Qt override
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        horizontal = orientation == Qt.Orientation.Horizontal
        if role == Qt.ItemDataRole.DisplayRole and horizontal and 0 <= section < len(RECONCILE_COLUMNS):
            return _(HEADERS[RECONCILE_COLUMNS[section]])
        return None


def ask_csv_path(parent: QWidget | None) -> Path | None:
    path, _filter = QFileDialog.getSaveFileName(
        parent, _("Save the reconciliation"), str(Path.home() / "reconcile.csv"), "CSV (*.csv)"
    )
    return Path(path) if path else None


def ask_packet_path(parent: QWidget | None, suggested: str) -> Path | None:
    """Where to save a claim packet PDF; None when the person cancels."""
    path, _filter = QFileDialog.getSaveFileName(
        parent, _("Save the claim packet"), str(Path.home() / suggested), "PDF (*.pdf)"
    )
    if not path:
        return None
    chosen = Path(path)
    return chosen if chosen.suffix.lower() == ".pdf" else chosen.with_name(chosen.name + ".pdf")


def packet_name(row: ReconcileRow, outcome_uid: str, n: int, of: int) -> str:
    """A claim packet's file name: by RMA (or order) and, for a line of several units, its number."""
    base = row.rma_id or row.order_id or outcome_uid
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in base)
    return f"claim-{safe}.pdf" if of == 1 else f"claim-{safe}-{n}.pdf"


class ReconcileWindow(QMainWindow):
    """Claims unpaid after N days, paid differently, or payments nobody claimed; the claim packet (a
    PDF with the photos) of a line's carrier-damaged units.

    Signals:
        packet_written(object): a claim packet PDF was written (its Path).
        packet_failed(str): a claim packet was refused or failed; the message shown.
    """

    packet_written = Signal(object)
    packet_failed = Signal(str)

    def __init__(self, store: Store, actor: Actor, runner: Runner | None = None) -> None:
        super().__init__()
        self.setWindowTitle(_("RMA Desk — reconcile reimbursements"))
        self.resize(1200, 640)
        self.store = store
        self.actor = actor
        self.runner = runner or Runner(self)
        self.all_rows: list[ReconcileRow] = []
        self.model = ReconcileModel(self)
        central = QWidget()
        layout = QVBoxLayout(central)
        bar = QHBoxLayout()
        self.status = QComboBox()
        self.status.addItem(_("Every line"), None)
        for value, name in STATUS_CHOICES:
            self.status.addItem(_(name), value)
        self.days = QSpinBox()
        self.days.setRange(1, 365)
        self.days.setValue(30)
        self.days.setSuffix(_(" days before overdue"))
        save = QPushButton(_("Save CSV…"))
        self.packet_button = QPushButton(_("Claim packet…"))
        self.packet_button.setToolTip(
            _("A PDF for the marketplace's or the carrier's claim: the order, the outcome and its photos")
        )
        self.packet_button.setEnabled(False)
        bar.addWidget(QLabel(_("Show")))
        bar.addWidget(self.status)
        bar.addWidget(self.days)
        bar.addStretch(1)
        bar.addWidget(self.packet_button)
        bar.addWidget(save)
        layout.addLayout(bar)
        self.info = QLabel(_("Loading…"))
        layout.addWidget(self.info)
        table = QTableView()
        table.setModel(self.model)
        table.setAlternatingRowColors(True)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.verticalHeader().hide()
        layout.addWidget(table, 1)
        self.table = table
        table.selectionModel().currentRowChanged.connect(lambda _c, _p: self._selection_changed())
        self.model.modelReset.connect(self._selection_changed)
        self.setCentralWidget(central)
        self.status.currentIndexChanged.connect(lambda _i: self._show())
        self.days.valueChanged.connect(lambda _v: self.refresh())
        save.clicked.connect(lambda: self.save_csv())
        self.packet_button.clicked.connect(lambda: self.write_packet())
        self.refresh()

    def refresh(self) -> None:
        store, days = self.store, self.days.value()
        actor = self.actor
        self.runner.run(lambda: reconcile(store, actor, days=days), self._loaded, self._failed)

    def _loaded(self, rows: list[ReconcileRow]) -> None:
        self.all_rows = rows
        self._show()

    def _failed(self, exc: BaseException) -> None:
        show_failure(exc, self.info.setText, unexpected=_("Reconciliation failed: {error}"))

    def _show(self) -> None:
        self.model.set_rows(self.all_rows, self.status.currentData())
        problems = sum(1 for r in self.all_rows if r.status.is_problem)
        self.info.setText(
            _("{lines} order lines; {problems} need attention.").format(
                lines=len(self.all_rows), problems=problems
            )
        )

    def save_csv(self, path: Path | None = None) -> Path | None:
        path = path or ask_csv_path(self)
        if path is None:
            return None
        try:
            with path.open("w", newline="", encoding="utf-8") as out:
                writer = CsvWriter(out)
                writer.writerow(RECONCILE_COLUMNS)
                writer.writerows(self.model.rows)
        except OSError as exc:
            self.info.setText(
                _("The CSV cannot be written to {path}: {reason}.").format(
                    path=path, reason=storage_problem(exc)
                )
            )
            return None
        self.info.setText(_("Saved {count} lines to {path}.").format(count=len(self.model.rows), path=path))
        return path

    # ----- claim packets --------------------------------------------------------------------
    def selected_row(self) -> ReconcileRow | None:
        row = self.table.currentIndex().row()
        return self.model.sources[row] if 0 <= row < len(self.model.sources) else None

    def _selection_changed(self) -> None:
        row = self.selected_row()
        self.packet_button.setEnabled(row is not None and bool(row.outcome_uids))

    def write_packet(self, path: Path | None = None) -> None:
        """The claim packet of the selected line's carrier-damaged unit (one file per unit), written on
        the worker."""
        row = self.selected_row()
        uids = row.outcome_uids if row is not None else ()
        if row is None or not uids:
            self._packet_problem(_("Select a line with a carrier-damage decision to make its claim packet."))
            return
        chosen = path or ask_packet_path(self, packet_name(row, uids[0], 1, len(uids)))
        if chosen is None:
            return
        if len(uids) == 1:
            targets = [(uids[0], chosen)]
        else:  # a line of several units: one packet each, numbered after the chosen name
            stem = chosen.stem
            targets = [(uid, chosen.with_name(f"{stem}-{n}.pdf")) for n, uid in enumerate(uids, start=1)]
        store, actor = self.store, self.actor
        self.info.setText(_("Writing the claim packet…"))
        self.packet_button.setEnabled(False)
        self.runner.run(
            lambda: [write_claim_packet(store, actor, uid, out) for uid, out in targets],
            self._packets_written,
            self._packet_failed,
        )

    def _packets_written(self, paths: list[Path]) -> None:
        self._selection_changed()
        names = ", ".join(str(p) for p in paths)
        self.info.setText(_("Claim packet saved: {paths}").format(paths=names))
        for path in paths:
            self.packet_written.emit(path)

    def _packet_failed(self, exc: BaseException) -> None:
        self._selection_changed()
        if user_message(exc) is None:
            show_failure(exc, self._packet_problem, unexpected=_("The claim packet failed: {error}"))
        else:
            self._packet_problem(_("No claim packet was written: {reason}").format(reason=user_message(exc)))

    def _packet_problem(self, message: str) -> None:
        self.info.setText(message)
        self.packet_failed.emit(message)
