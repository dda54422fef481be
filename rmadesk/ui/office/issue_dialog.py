"""Issuing a seller RMA from the bench: the form, then the new number with its slip to save or print."""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from rmadesk.domain.errors import UserError
from rmadesk.services.issue import MAX_QUANTITY, Issued, IssueRequest, save_slip
from rmadesk.text.i18n import _
from rmadesk.ui.common import printing


class IssueDialog(QDialog):
    """The form that authorizes an out-of-policy return under the seller's own number."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("RMA Desk: issue a seller RMA"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        intro = QLabel(
            _(
                "Authorize a return outside the marketplace's policy. RMA Desk issues a unique number "
                "with a check character and prints the slip for the parcel."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.order = QLineEdit()
        self.order.setPlaceholderText(_("e.g. 114-3941689-8772232"))
        self.sku = QLineEdit()
        self.item = QLineEdit()
        self.item.setPlaceholderText(_("optional: taken from an imported return of this order when empty"))
        self.quantity = QSpinBox()
        self.quantity.setRange(1, MAX_QUANTITY)
        self.kind = QComboBox()
        self.kind.addItem(_("RMA: return merchandise authorization"), "RMA")
        self.kind.addItem(_("RA: return authorization (other marketplaces)"), "RA")
        self.kind.addItem(_("RGA: returned goods to the supplier"), "RGA")
        self.reason = QLineEdit()
        self.reason.setPlaceholderText(_("why the return is approved"))
        form.addRow(_("Order ID"), self.order)
        form.addRow(_("SKU"), self.sku)
        form.addRow(_("Item"), self.item)
        form.addRow(_("Quantity"), self.quantity)
        form.addRow(_("Kind"), self.kind)
        form.addRow(_("Reason"), self.reason)
        layout.addLayout(form)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b3261e; font-weight: 600;")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Issue"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def request(self) -> IssueRequest:
        return IssueRequest(
            order_id=self.order.text(),
            sku=self.sku.text(),
            quantity=self.quantity.value(),
            reason=self.reason.text(),
            kind=str(self.kind.currentData()),
            item_name=self.item.text(),
        )

    def accept(self) -> None:
        missing = [
            name
            for name, field in ((_("order ID"), self.order), (_("SKU"), self.sku), (_("reason"), self.reason))
            if not field.text().strip()
        ]
        if missing:
            self.error.setText(_("Fill in the {fields}.").format(fields=", ".join(missing)))
            return
        super().accept()


class IssuedDialog(QDialog):
    """The new number, large, with its slip to save as PDF or print."""

    def __init__(self, issued: Issued, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.issued = issued
        self.setWindowTitle(
            _("RMA Desk: {kind} {rma_id} issued").format(kind=issued.kind, rma_id=issued.rma_id)
        )
        layout = QVBoxLayout(self)
        number = QLabel(issued.rma_id)
        number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        number.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        number.setStyleSheet("font-size: 32pt; font-weight: 700; letter-spacing: 3px;")
        layout.addWidget(
            QLabel(_("{kind} issued for order {order}:").format(kind=issued.kind, order=issued.slip.order_id))
        )
        layout.addWidget(number)
        self.status = QLabel(_("Print the slip and put it in the parcel, or send it to the customer."))
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        buttons = QDialogButtonBox()
        save = QPushButton(_("Save slip as PDF…"))
        print_button = QPushButton(_("Print slip…"))
        buttons.addButton(save, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(print_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Close)
        save.clicked.connect(self.save_slip)
        print_button.clicked.connect(self.print_slip)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def save_slip(self, path: Path | None = None) -> Path | None:
        if path is None:
            chosen, _filter = QFileDialog.getSaveFileName(
                self,
                _("Save the RMA slip"),
                str(Path.home() / f"{self.issued.rma_id}.pdf"),
                "PDF (*.pdf);;PNG (*.png)",
            )
            if not chosen:
                return None
            path = Path(chosen)
        try:
            written = save_slip(path, self.issued.slip)
        except UserError as exc:
            self.status.setText(exc.message)
            return None
        self.status.setText(_("Slip saved to {path}.").format(path=written))
        return written

    def print_slip(self) -> None:
        folder = Path(tempfile.mkdtemp(prefix="rmadesk-slip-"))
        try:
            image = save_slip(folder / f"{self.issued.rma_id}.png", self.issued.slip)
            if printing.print_image_with_dialog(self, image):
                self.status.setText(_("Slip sent to the printer."))
        except UserError as exc:
            self.status.setText(exc.message)


def ask_issue(parent: QWidget | None) -> IssueRequest | None:
    dialog = IssueDialog(parent)
    return dialog.request() if dialog.exec() == QDialog.DialogCode.Accepted else None


def show_issued(parent: QWidget | None, issued: Issued) -> None:
    IssuedDialog(issued, parent).exec()
