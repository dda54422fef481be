"""Modal questions, each behind a small function that tests can replace."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget

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
