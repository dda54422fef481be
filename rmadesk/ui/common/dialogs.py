"""Modal questions, each behind a small function that tests can replace."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from rmadesk.domain.model import OutcomeView
from rmadesk.text.i18n import N_, _

# Translators: keep the HTML tags, the key names and the CMD-... codes as they are.
KEYS_HELP = N_("""<h3>Keys and codes</h3>
<table cellpadding='4'>
<tr><td><b>Scan</b> an RMA</td><td>opens the return (works wherever the focus is)</td></tr>
<tr><td><b>F2</b> / <b>F3</b></td><td>Yes / No to the current question</td></tr>
<tr><td><b>Enter</b> or <b>F4</b></td><td>accept the recommended disposition</td></tr>
<tr><td><b>F5</b> · CMD-SELLABLE</td><td>sellable: restock apart from new stock</td></tr>
<tr><td><b>F6</b> · CMD-CARRIER-DAMAGED</td><td>carrier-damaged: hold for the damage claim</td></tr>
<tr><td><b>F7</b> · CMD-SELLER-FAULT</td><td>seller-fault: hold for removal, disposal or RGA</td></tr>
<tr><td><b>F10</b>, <b>Ctrl+Enter</b> · CMD-CONFIRM</td><td>write the outcome</td></tr>
<tr><td><b>Esc</b> · CMD-CANCEL</td><td>leave the unit undecided, write nothing</td></tr>
<tr><td><b>P</b>, <b>F9</b> · CMD-PHOTO</td><td>take a photo (without a camera: files)</td></tr>
<tr><td><b>F</b>, <b>Ctrl+O</b></td><td>add photo files (or drop them on the card)</td></tr>
<tr><td><b>Delete</b></td><td>remove the selected photo before confirming</td></tr>
<tr><td><b>F8</b></td><td>reverse an outcome (supervisors)</td></tr>
<tr><td><b>Ctrl+I</b> / <b>Ctrl+N</b></td><td>import a report / issue a seller RMA</td></tr>
<tr><td><b>Ctrl+L</b></td><td>print the last unit label again</td></tr>
<tr><td><b>Ctrl+P</b></td><td>save the bench's command-code sheet</td></tr>
<tr><td><b>Ctrl+Shift+L</b></td><td>sign out</td></tr>
<tr><td><b>F1</b></td><td>this help</td></tr>
</table>""")


def ask_inspector(parent: QWidget | None, bench: str, last: str = "") -> str | None:
    """Who is inspecting at this bench; None when the person cancels."""
    name, ok = QInputDialog.getText(
        parent,
        _("RMA Desk: who is inspecting?"),
        _("Your name (written with every decision on bench {bench}):").format(bench=bench),
        QLineEdit.EchoMode.Normal,
        last,
    )
    name = name.strip()
    return name if ok and name else None


def show_help(parent: QWidget | None) -> None:
    QMessageBox.information(parent, _("RMA Desk: keys and codes"), _(KEYS_HELP))


def show_error(parent: QWidget | None, title: str, message: str, details: str = "") -> None:
    box = QMessageBox(QMessageBox.Icon.Critical, title, message, QMessageBox.StandardButton.Ok, parent)
    if details:
        box.setDetailedText(details)
    box.exec()


def ask_reversal(
    parent: QWidget | None, display_id: str, decided: list[tuple[int, OutcomeView]]
) -> tuple[str, str] | None:
    """Which unit's outcome to reverse and why; None when the supervisor cancels."""
    labels = [
        _("Unit {seq}: {disposition} → {location} ({inspector}, {bench})").format(
            seq=seq,
            disposition=outcome.disposition.label,
            location=outcome.location,
            inspector=outcome.inspector,
            bench=outcome.bench,
        )
        for seq, outcome in decided
    ]
    title = _("RMA Desk: reverse an outcome")
    picked, ok = QInputDialog.getItem(
        parent, title, _("{rma}: which outcome?").format(rma=display_id), labels, 0, False
    )
    if not ok:
        return None
    reason, ok = QInputDialog.getText(parent, title, _("Why is it reversed?"))
    if not ok or not reason.strip():
        return None
    return decided[labels.index(picked)][1].outcome_uid, reason.strip()


def confirm(parent: QWidget | None, title: str, question: str) -> bool:
    answer = QMessageBox.question(parent, title, question)
    return answer == QMessageBox.StandardButton.Yes


def ask_admin(parent: QWidget | None, problem: str) -> tuple[str, str] | None:
    """An admin's badge and PIN; None when cancelled."""
    badge, ok = QInputDialog.getText(
        parent, _("RMA Desk: admin"), _("{problem}\n\nScan an admin's badge:").format(problem=problem)
    )
    if not ok or not badge.strip():
        return None
    pin, ok = QInputDialog.getText(parent, _("RMA Desk: admin"), _("PIN:"), QLineEdit.EchoMode.Password)
    if not ok or not pin:
        return None
    return badge.strip(), pin


PHOTO_FOLDER_KEY = "bench/photoFiles"
IMAGE_FILTER = N_("Images (*.jpg *.jpeg *.png *.webp *.tif *.tiff *.bmp *.gif *.heic *.heif)")


def ask_photo_files(parent: QWidget | None) -> list[Path]:
    """Image files to add to the unit on screen; an empty list when the person cancels."""
    remembered = QSettings()
    start = str(remembered.value(PHOTO_FOLDER_KEY, "") or Path.home())
    names, _chosen = QFileDialog.getOpenFileNames(
        parent, _("RMA Desk: add photos of the unit"), start, _(IMAGE_FILTER)
    )
    if names:
        remembered.setValue(PHOTO_FOLDER_KEY, str(Path(names[0]).parent))
    return [Path(name) for name in names]


class PhotoDialog(QDialog):
    """One stored photo, enlarged to fit the screen; Esc or Enter closes it."""

    def __init__(self, parent: QWidget | None, jpeg: bytes, title: str, caption: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        self.image = QLabel()
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        pixmap = QPixmap()
        if pixmap.loadFromData(jpeg, "JPG"):
            screen = (parent.screen() if parent is not None else self.screen()).availableGeometry()
            box = screen.size() * 0.85
            if pixmap.width() > box.width() or pixmap.height() > box.height():
                pixmap = pixmap.scaled(
                    box, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
                )
            self.image.setPixmap(pixmap)
        else:
            self.image.setText(_("This photo cannot be shown."))
        layout.addWidget(self.image, 1)
        if caption:
            note = QLabel(caption)
            note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            layout.addWidget(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        QShortcut(QKeySequence(Qt.Key.Key_Return), self, self.accept)


def show_photo(parent: QWidget | None, jpeg: bytes, title: str, caption: str = "") -> None:
    """A stored photo, enlarged, until the person closes it."""
    PhotoDialog(parent, jpeg, title, caption).exec()
