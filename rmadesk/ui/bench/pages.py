"""The pages of the bench screen: ready to scan, the unit at work, the returns to pick from, sign-in."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from rmadesk.domain.model import Disposition
from rmadesk.services.bench import Candidate
from rmadesk.services.inspection import Decided, State, Step
from rmadesk.text.i18n import _, ngettext
from rmadesk.ui.bench.panels import (
    AuthorizationCard,
    OutcomesPanel,
    PreviewPanel,
    TitledList,
    WalkthroughPanel,
    clear_layout,
    make_button,
    make_label,
    money_text,
)
from rmadesk.ui.bench.photo_strip import PhotoStrip
from rmadesk.ui.bench.scanner import NO_SCAN
from rmadesk.ui.common.style import NEUTRAL, scaled_font

RECENT_KEPT = 50


class ReadyPage(QWidget):
    """The big scan prompt, and the list of what this bench decided, newest first."""

    def __init__(self, points: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 10, 0, 0)
        big = QLabel(_("Scan the RMA barcode\non the return label"))
        big.setAlignment(Qt.AlignmentFlag.AlignCenter)
        big.setFont(scaled_font(self.font(), points * 2.0, bold=True))
        big.setStyleSheet(f"color: {NEUTRAL};")
        sub = QLabel(
            _(
                "The scanner works wherever the focus is. Typing an RMA ID and Enter works too. "
                "F1 shows every key."
            )
        )
        sub.setAlignment(Qt.AlignmentFlag.AlignCenter)
        sub.setWordWrap(True)
        sub.setFont(scaled_font(self.font(), points * 0.8))
        sub.setStyleSheet("color: #546e7a;")
        layout.addStretch(1)
        layout.addWidget(big)
        layout.addWidget(sub)
        layout.addStretch(1)
        recent_title = QLabel(_("Decided on this bench"))
        recent_title.setFont(scaled_font(self.font(), points * 0.8, bold=True))
        self.recent = QListWidget()
        self.recent.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.recent.setFont(scaled_font(self.font(), points * 0.7))
        self.recent.setMaximumHeight(int(points * 9))
        layout.addWidget(recent_title)
        layout.addWidget(self.recent)

    def add_decided(self, decided: Decided) -> None:
        """A line on the list of what this bench decided, newest first (50 kept)."""
        outcome = decided.outcome
        if decided.kept_on_bench:
            note = _("kept on this bench")
        else:
            note = money_text(outcome.reimbursement_total, outcome.currency)
        self.add_recent(
            outcome.decided_at, decided.display_id, decided.seq, outcome.disposition, outcome.location, note
        )

    def add_recent(
        self, moment: datetime, display_id: str, seq: int, disposition: Disposition, location: str, note: str
    ) -> None:
        line = _("{time}  {rma} unit {seq}: {disposition} → {location}, {note}").format(
            time=moment.astimezone().strftime("%H:%M"),
            rma=display_id,
            seq=seq,
            disposition=disposition.label,
            location=location,
            note=note,
        )
        self.recent.insertItem(0, line)
        while self.recent.count() > RECENT_KEPT:
            self.recent.takeItem(self.recent.count() - 1)


class Banner(QLabel):
    """A message line across the bench, in the colour of what it says."""

    def __init__(self, points: float, size: float, colour: str = "", bold: bool = False) -> None:
        super().__init__()
        self.setObjectName("banner")
        if colour:
            self.setStyleSheet(f"background: {colour};")
        self.setFont(scaled_font(self.font(), points * size, bold=bold))
        self.setWordWrap(True)

    def say(self, text: str, colour: str) -> None:
        self.setText(text)
        self.setStyleSheet(f"background: {colour};")


class KeysLine(QLabel):
    """The keys of the bench, along the bottom of the window."""

    def __init__(self, points: float) -> None:
        super().__init__(
            _(
                "F1 Help · F2 Yes · F3 No · Enter/F4 Accept · F5 Sellable · F6 Carrier-damaged · "
                "F7 Seller-fault · P Photo · F Photo files · F10 Confirm · Esc Cancel"
            )
        )
        self.setObjectName("keys")
        self.setWordWrap(True)
        self.setFont(scaled_font(self.font(), points * 0.6))


class WorkPage(QWidget):
    """The unit at work: the authorization card beside the walk-through, the preview or the outcomes."""

    def __init__(self, points: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(10)
        layout = QHBoxLayout()
        layout.setSpacing(14)
        self.card = AuthorizationCard(points)
        self.photo_strip = PhotoStrip(points)
        self.steps = QStackedWidget()
        self.walkthrough = WalkthroughPanel(points)
        self.preview_panel = PreviewPanel(points)
        self.outcomes_panel = OutcomesPanel(points)
        for panel in (self.walkthrough, self.preview_panel, self.outcomes_panel):
            self.steps.addWidget(panel)
        layout.addWidget(self.card, 11)
        layout.addWidget(self.steps, 10)
        outer.addLayout(layout, 1)
        outer.addWidget(self.photo_strip)
        self._card_for: tuple[object, object] | None = None

    def show_step(self, step: Step) -> None:
        assert step.auth is not None
        if self._card_for != (step.auth, step.unit):  # the card is drawn again only when it changes
            self.card.show_authorization(step.auth, step.unit)
            self._card_for = (step.auth, step.unit)
        if step.state is State.DONE:
            self.outcomes_panel.show_outcomes(step.auth)
            self.steps.setCurrentWidget(self.outcomes_panel)
        elif step.state in (State.ASKING, State.RECOMMENDED):
            self.walkthrough.show_answers(step.answers)
            if step.question is not None:
                self.walkthrough.ask(step.question, step.number)
            elif step.recommended is not None:
                self.walkthrough.recommend(step.recommended, step.why)
            self.steps.setCurrentWidget(self.walkthrough)
        else:
            assert step.preview is not None
            self.preview_panel.show_preview(step.preview, step.state is State.OVERRIDING, step.reason)
            self.steps.setCurrentWidget(self.preview_panel)

    def show_photos(self, step: Step, required: int) -> None:
        """The open unit's photos and how many its decision needs (none shown once all is decided)."""
        strip = self.photo_strip
        strip.setVisible(step.state is not State.DONE and strip.wanted(len(step.photos), required))
        strip.show_photos(step.photos, required)


class CandidatesPage(TitledList):
    """The returns a scan matched (an order with several), to pick one by number, scan or click.

    Signals:
        picked(int): the 1-based number of the chosen return.
    """

    picked = Signal(int)

    def __init__(self, points: float, parent: QWidget | None = None) -> None:
        super().__init__(points, parent)
        layout = self.body
        self.rows.setSpacing(8)
        layout.addStretch(1)
        hint = make_label(
            _("Type the number and Enter, scan the RMA barcode, or click. Esc goes back."), "hint"
        )
        hint.setFont(scaled_font(self.font(), points * 0.8))
        layout.addWidget(hint)

    def show_candidates(self, code: str, candidates: Sequence[Candidate]) -> None:
        self.title.setText(
            ngettext(
                "“{code}” matches {count} returns", "“{code}” matches {count} returns", len(candidates)
            ).format(code=code, count=len(candidates))
        )
        clear_layout(self.rows)
        for number, candidate in enumerate(candidates, start=1):
            state = (
                _("all decided")
                if candidate.decided >= candidate.quantity
                else _("{decided} of {quantity} decided").format(
                    decided=candidate.decided, quantity=candidate.quantity
                )
            )
            button = make_button(
                f"{number}.  {candidate.kind} {candidate.display_id}   ·   {candidate.sku}   ·   "
                f"{candidate.item_name}   ·   {state}"
            )
            button.setStyleSheet("text-align: left; padding-left: 18px;")
            button.setFont(scaled_font(self.font(), self.points * 0.85))
            button.clicked.connect(lambda _checked=False, n=number: self.picked.emit(n))
            self.rows.addWidget(button)

    def row_texts(self) -> list[str]:
        return [
            self.rows.itemAt(i).widget().text()
            for i in range(self.rows.count())
            if self.rows.itemAt(i).widget()
        ]


class SignInPage(QFrame):
    """Sign-in: scan the badge, then type the PIN and Enter.

    Signals:
        pin_entered(str, str): the badge scanned and the PIN typed.
    """

    pin_entered = Signal(str, str)

    def __init__(self, points: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self.badge = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 30, 40, 30)
        layout.addStretch(1)
        self.title = make_label(_("Scan your badge to sign in"))
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setFont(scaled_font(self.font(), points * 1.8, bold=True))
        layout.addWidget(self.title)
        self.hint = make_label(_("Every decision is written under your name."), "hint")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setFont(scaled_font(self.font(), points * 0.85))
        layout.addWidget(self.hint)
        self.pin = QLineEdit()
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setMaxLength(8)
        self.pin.setPlaceholderText(_("PIN, then Enter"))
        self.pin.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pin.setFont(scaled_font(self.font(), points * 1.4))
        self.pin.setMaximumWidth(int(points * 16))
        self.pin.setProperty(NO_SCAN, True)
        self.pin.returnPressed.connect(self._entered)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.pin)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)
        self.ask_badge()

    def show_badge(self, badge: str) -> None:
        """Ask for the PIN of a badge just scanned, or for a badge."""
        if badge:
            self.ask_pin(badge)
        else:
            self.ask_badge()

    def ask_badge(self) -> None:
        self.badge = ""
        self.title.setText(_("Scan your badge to sign in"))
        self.hint.setText(_("Every decision is written under your name."))
        self.pin.clear()
        self.pin.setVisible(False)

    def ask_pin(self, badge: str) -> None:
        self.badge = badge
        self.title.setText(_("Type your PIN, then Enter"))
        self.hint.setText(_("Esc starts again with another badge."))
        self.pin.clear()
        self.pin.setVisible(True)
        self.pin.setFocus()

    def _entered(self) -> None:
        pin = self.pin.text()
        self.pin.clear()
        if self.badge and pin:
            self.pin_entered.emit(self.badge, pin)
