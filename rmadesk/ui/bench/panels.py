"""The panels of the bench screen: ready page, authorization card, walk-through, preview, outcomes."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from rmadesk.domain.model import AuthorizationView, Disposition, OutcomePreview, OutcomeView, UnitView
from rmadesk.domain.walkthrough import QUESTIONS, Question
from rmadesk.text import formatting
from rmadesk.text.i18n import N_, _, ngettext
from rmadesk.text.reasons import describe_reason
from rmadesk.ui.common.style import DISPOSITION_COLOURS, scaled_font

DISPOSITION_KEYS = {
    Disposition.SELLABLE: "F5",
    Disposition.CARRIER_DAMAGED: "F6",
    Disposition.SELLER_FAULT: "F7",
}
OVERRIDE_REASONS = (
    N_("Hidden damage found on closer inspection"),
    N_("Item does not match the authorization"),
    N_("Missing parts or accessories"),
    N_("Signs of use or wear"),
    N_("Packaging damaged in transit"),
    N_("Supervisor's instruction"),
)


KIND_NAMES = {
    "RMA": N_("RMA · return merchandise authorization"),
    "RA": N_("RA · return authorization"),
    "RGA": N_("RGA · returned goods to the supplier"),
    "RETURNLESS": N_("Returnless refund · no RMA"),
}


def make_button(text: str, name: str = "") -> QPushButton:
    button = QPushButton(text)
    # Buttons never take the focus: the scan field keeps it, so the next scan always lands.
    button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    button.setMinimumHeight(56)
    if name:
        button.setObjectName(name)
    return button


def make_label(text: str = "", name: str = "", wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
    if name:
        label.setObjectName(name)
    return label


def clear_layout(layout: QLayout) -> None:
    """Remove and delete every widget of a layout (before filling it anew)."""
    while layout.count():
        item = layout.takeAt(0)
        if item.widget():
            item.widget().deleteLater()


def money_text(amount: Decimal, currency: str) -> str:
    """An amount as the display shows numbers (Persian digits when the digits setting says so)."""
    return formatting.money(amount, currency)


class AuthorizationCard(QFrame):
    """What was authorized: RMA, order, SKU/ASIN, item, unit k of N, reason, comment, date, policy, price."""

    def __init__(self, points: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 18)
        layout.setSpacing(10)
        top = QHBoxLayout()
        self.kind = make_label(name="fieldName", wrap=False)
        self.kind.setFont(scaled_font(self.font(), points * 0.7, bold=True))
        layout.addWidget(self.kind)
        self.rma = make_label(name="cardTitle")
        self.rma.setFont(scaled_font(self.font(), points * 1.25, bold=True))
        self.rma.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.unit_badge = make_label(name="unitBadge", wrap=False)
        self.unit_badge.setFont(scaled_font(self.font(), points * 1.1, bold=True))
        top.addWidget(self.rma, 1)
        top.addWidget(self.unit_badge, 0, Qt.AlignmentFlag.AlignRight)
        layout.addLayout(top)
        self.item = make_label()
        self.item.setFont(scaled_font(self.font(), points * 1.15, bold=True))
        layout.addWidget(self.item)
        grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(6)
        self.fields: dict[str, QLabel] = {}
        names = [
            ("order", _("Order")),
            ("sku", _("SKU / ASIN")),
            ("reason", _("Reason")),
            ("comment", _("Customer says")),
            ("requested", _("Requested")),
            ("policy", _("In policy")),
            ("price", _("Unit price")),
        ]
        for row, (key, title) in enumerate(names):
            name = make_label(title, "fieldName", wrap=False)
            name.setFont(scaled_font(self.font(), points * 0.75))
            value = make_label()
            value.setFont(scaled_font(self.font(), points * 0.95))
            grid.addWidget(name, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(value, row, 1)
            self.fields[key] = value
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)
        layout.addStretch(1)

    def show_authorization(self, auth: AuthorizationView, unit: UnitView | None) -> None:
        kind_name = KIND_NAMES.get(auth.kind.value)
        self.kind.setText(_(kind_name) if kind_name else auth.kind.value)
        self.rma.setText(auth.display_id)
        items = auth.items
        item = auth.item_of(unit)
        if unit is not None and len(items) > 1:
            mine = auth.units_of(item)
            self.unit_badge.setText(
                _("Item {item} of {items}\nunit {seq} of {quantity}").format(
                    item=item.seq,
                    items=len(items),
                    seq=1 + next((n for n, u in enumerate(mine) if u.unit_id == unit.unit_id), 0),
                    quantity=len(mine),
                )
            )
        elif unit is not None:
            self.unit_badge.setText(
                _("Unit {seq} of {quantity}").format(seq=unit.seq, quantity=auth.quantity)
            )
        else:
            self.unit_badge.setText(
                _("{decided} of {quantity} decided").format(decided=auth.quantity, quantity=auth.quantity)
            )
        self.item.setText(item.item_name or _("(no item name in the report)"))
        self.fields["order"].setText(auth.order_id)
        self.fields["sku"].setText(f"{item.sku}" + (f"  ·  {item.asin}" if item.asin else ""))
        self.fields["reason"].setText(describe_reason(item.reason) or "—")
        comment = (unit.comment if unit is not None else None) or auth.customer_comment
        self.fields["comment"].setText(f"“{comment}”" if comment else "—")
        self.fields["requested"].setText(formatting.day(auth.request_date) if auth.request_date else "—")
        policy = {True: _("Yes"), False: _("No — out of policy"), None: _("Unknown")}[auth.in_policy]
        self.fields["policy"].setText(policy)
        self.fields["price"].setText(
            money_text(item.unit_price.amount, item.unit_price.currency) if item.unit_price else _("Unknown")
        )


class WalkthroughPanel(QFrame):
    """A yes/no question at a time, then the recommended disposition and the choice.

    Signals:
        answered(bool): the inspector answered the current question.
        chosen(object): the inspector chose a Disposition (accepting or overriding the recommendation).
    """

    answered = Signal(bool)
    chosen = Signal(object)

    def __init__(self, points: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self.recommended: Disposition | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 18)
        layout.setSpacing(12)
        self.step = make_label(name="hint", wrap=False)
        self.step.setFont(scaled_font(self.font(), points * 0.75))
        self.question = make_label(name="question")
        self.question.setFont(scaled_font(self.font(), points * 1.1, bold=True))
        self.hint = make_label(name="hint")
        self.hint.setFont(scaled_font(self.font(), points * 0.8))
        self.history = make_label(name="hint")
        self.history.setFont(scaled_font(self.font(), points * 0.75))
        layout.addWidget(self.step)
        layout.addWidget(self.question)
        layout.addWidget(self.hint)
        answers = QHBoxLayout()
        self.yes = make_button(_("Yes   [F2]"), "yes")
        self.no = make_button(_("No   [F3]"), "no")
        for button in (self.yes, self.no):
            button.setFont(scaled_font(self.font(), points, bold=True))
            button.setMinimumHeight(72)
            answers.addWidget(button)
        self.yes.clicked.connect(lambda: self.answered.emit(True))
        self.no.clicked.connect(lambda: self.answered.emit(False))
        self.answer_row = QWidget()
        self.answer_row.setLayout(answers)
        layout.addWidget(self.answer_row)
        layout.addSpacing(8)
        self.choose_title = make_label(_("Decide this unit (or scan a command code):"), "hint")
        self.choose_title.setFont(scaled_font(self.font(), points * 0.8))
        layout.addWidget(self.choose_title)
        choices = QHBoxLayout()
        self.choice_buttons: dict[Disposition, QPushButton] = {}
        for disposition in Disposition:
            button = make_button(f"{disposition.label}\n[{DISPOSITION_KEYS[disposition]}]")
            button.setFont(scaled_font(self.font(), points * 0.85, bold=True))
            button.setMinimumHeight(76)
            button.clicked.connect(lambda _checked=False, d=disposition: self.chosen.emit(d))
            choices.addWidget(button)
            self.choice_buttons[disposition] = button
        layout.addLayout(choices)
        self.accept_hint = make_label(name="hint")
        self.accept_hint.setFont(scaled_font(self.font(), points * 0.8))
        layout.addWidget(self.accept_hint)
        layout.addSpacing(6)
        layout.addWidget(self.history)
        layout.addStretch(1)

    def show_answers(self, answers: dict[str, bool]) -> None:
        """The answers given so far, so the inspector sees what the recommendation rests on."""
        yes, no = _("Yes"), _("No")
        parts = [f"{q.short}: <b>{yes if answers[q.key] else no}</b>" for q in QUESTIONS if q.key in answers]
        self.history.setText(_("Your answers: {answers}").format(answers="  ·  ".join(parts)))
        self.history.setVisible(bool(parts))

    def ask(self, question: Question, number: int) -> None:
        self.recommended = None
        self.step.setText(_("Question {number}").format(number=number))
        self.question.setText(question.text)
        self.hint.setText(question.hint)
        self.answer_row.setVisible(True)
        self._mark(None)
        self.accept_hint.setText(_("Answer with F2 / F3 or scan CMD-YES / CMD-NO, or decide directly below."))

    def recommend(self, disposition: Disposition, why: str) -> None:
        self.recommended = disposition
        self.step.setText(_("Recommendation"))
        colour = DISPOSITION_COLOURS[disposition.value]
        recommended = _("Recommended: {disposition}").format(disposition=disposition.label)
        self.question.setText(f"<span style='color:{colour}'>{recommended}</span>")
        self.hint.setText(why)
        self.answer_row.setVisible(False)
        self._mark(disposition)
        self.accept_hint.setText(
            _("Enter or F4 accepts {disposition}; another choice asks for a reason.").format(
                disposition=disposition.label.lower()
            )
        )

    def _mark(self, disposition: Disposition | None) -> None:
        for d, button in self.choice_buttons.items():
            button.setObjectName("recommended" if d is disposition else "")
            button.style().unpolish(button)
            button.style().polish(button)


class PreviewPanel(QFrame):
    """The outcome before it is written: where the unit goes and the reimbursement with its parts.

    Signals:
        confirm_requested(): the inspector pressed Confirm.
    """

    confirm_requested = Signal()

    def __init__(self, points: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self.points = points
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 18)
        layout.setSpacing(10)
        self.title = make_label()
        self.title.setFont(scaled_font(self.font(), points * 1.3, bold=True))
        self.destination = make_label()
        self.destination.setFont(scaled_font(self.font(), points))
        layout.addWidget(self.title)
        layout.addWidget(self.destination)
        self.lines_box = QGridLayout()
        self.lines_box.setHorizontalSpacing(24)
        self.lines_box.setColumnStretch(0, 1)
        layout.addLayout(self.lines_box)
        self.override_label = make_label(
            _("Why override the recommendation? (pick or type, then Enter)"), "hint"
        )
        self.override_label.setFont(scaled_font(self.font(), points * 0.8))
        self.override_reason = QComboBox()
        self.override_reason.setEditable(True)
        self.override_reason.addItems([_(reason) for reason in OVERRIDE_REASONS])
        # The longest preset reason must not set the window's minimum width.
        self.override_reason.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.override_reason.setMinimumContentsLength(18)
        self.override_reason.setCurrentIndex(-1)
        self.override_reason.setFont(scaled_font(self.font(), points * 0.85))
        self.override_reason.lineEdit().setPlaceholderText(_("Reason for the override"))
        layout.addWidget(self.override_label)
        layout.addWidget(self.override_reason)
        layout.addStretch(1)
        self.confirm = make_button(_("Confirm   [F10]"), "confirm")
        self.confirm.setFont(scaled_font(self.font(), points, bold=True))
        self.confirm.setMinimumHeight(80)
        self.confirm.clicked.connect(self.confirm_requested.emit)
        layout.addWidget(self.confirm)
        self.back_hint = make_label(
            _(
                "Or scan CMD-CONFIRM. Esc or CMD-CANCEL leaves the unit undecided; "
                "F5–F7 changes the decision."
            ),
            "hint",
        )
        self.back_hint.setFont(scaled_font(self.font(), points * 0.7))
        layout.addWidget(self.back_hint)

    def show_preview(self, preview: OutcomePreview, needs_reason: bool, reason: str | None) -> None:
        disposition = preview.disposition
        colour = DISPOSITION_COLOURS[disposition.value]
        self.title.setText(f"<span style='color:{colour}'>{disposition.label}</span>")
        if preview.restocked:
            where = _("Restock to <b>{location}</b>, kept apart from new stock.").format(
                location=preview.location
            )
        else:
            where = _("Not sellable: hold in <b>{location}</b>.").format(location=preview.location)
        self.destination.setText(where)
        clear_layout(self.lines_box)
        reimbursement = preview.reimbursement
        rows = [(line.label, line.amount) for line in reimbursement.lines]
        for row, (label, amount) in enumerate(rows):
            name = make_label(label, "fieldName")
            name.setFont(scaled_font(self.font(), self.points * 0.8))
            value = make_label(money_text(amount, reimbursement.currency), wrap=False)
            value.setFont(scaled_font(self.font(), self.points * 0.9))
            value.setAlignment(Qt.AlignmentFlag.AlignRight)
            self.lines_box.addWidget(name, row, 0)
            self.lines_box.addWidget(value, row, 1)
        total_name = make_label(_("Reimbursement to the seller"))
        total_name.setFont(scaled_font(self.font(), self.points, bold=True))
        total = make_label(money_text(reimbursement.total, reimbursement.currency), wrap=False)
        total.setFont(scaled_font(self.font(), self.points * 1.1, bold=True))
        total.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.lines_box.addWidget(total_name, len(rows), 0)
        self.lines_box.addWidget(total, len(rows), 1)
        policy = make_label(_("Policy: {name}").format(name=reimbursement.policy_name), "hint", wrap=False)
        policy.setFont(scaled_font(self.font(), self.points * 0.65))
        self.lines_box.addWidget(policy, len(rows) + 1, 0, 1, 2)
        self.override_label.setVisible(needs_reason)
        self.override_reason.setVisible(needs_reason)
        if needs_reason:
            self.override_reason.setEditText(reason or "")

    def reason_text(self) -> str:
        return self.override_reason.currentText().strip()


class TitledList(QFrame):
    """A panel with a title over a column of rows that is filled anew each time."""

    def __init__(self, points: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel")
        self.points = points
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(22, 18, 22, 18)
        self.title = make_label()
        self.title.setFont(scaled_font(self.font(), points * 1.1, bold=True))
        self.body.addWidget(self.title)
        self.rows = QVBoxLayout()
        self.body.addLayout(self.rows)


class OutcomesPanel(TitledList):
    """The recorded outcomes of an authorization whose units are all decided."""

    def __init__(self, points: float, parent: QWidget | None = None) -> None:
        super().__init__(points, parent)
        layout = self.body
        layout.addStretch(1)
        hint = make_label(_("Nothing was written. Scan the next RMA."), "hint")
        hint.setFont(scaled_font(self.font(), points * 0.8))
        layout.addWidget(hint)

    def show_outcomes(self, auth: AuthorizationView) -> None:
        self.title.setText(
            ngettext(
                "All {count} unit(s) already decided", "All {count} unit(s) already decided", auth.quantity
            ).format(count=auth.quantity)
        )
        clear_layout(self.rows)
        for unit in auth.units:
            if unit.outcome is None:
                continue
            self.rows.addWidget(self._row(unit.seq, unit.outcome))

    def _row(self, seq: int, outcome: OutcomeView) -> QLabel:
        colour = DISPOSITION_COLOURS[outcome.disposition.value]
        when = outcome.decided_at.astimezone().strftime("%d %b %Y %H:%M")
        decision = _("Unit {seq}: {disposition} → {location}, {amount}").format(
            seq=seq,
            disposition=f"<b style='color:{colour}'>{outcome.disposition.label}</b>",
            location=outcome.location,
            amount=money_text(outcome.reimbursement_total, outcome.currency),
        )
        by = _("by {inspector} on bench {bench}, {when}").format(
            inspector=outcome.inspector, bench=outcome.bench, when=when
        )
        label = make_label(f"{decision}<br><span style='color:#546e7a'>{by}</span>")
        label.setFont(scaled_font(self.font(), self.points * 0.85))
        label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        return label
