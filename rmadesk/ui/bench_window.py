"""The bench screen: ready to scan, the authorization card, the walk-through, the preview, the outcome."""

from __future__ import annotations

import logging
import time
from collections import deque
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from rmadesk.domain.errors import DatabaseUnavailable, MalformedCode, NothingToDecide, UserError
from rmadesk.domain.model import (
    AuthorizationView,
    Decision,
    Disposition,
    OutcomePreview,
    OutcomeView,
    UnitView,
)
from rmadesk.domain.people import Actor, Permission, open_actor
from rmadesk.domain.scan import Command, parse_scan
from rmadesk.domain.walkthrough import explain, next_question, recommend
from rmadesk.labels.unit_label import UnitLabel
from rmadesk.services import issue as issue_service
from rmadesk.services import people as people_service
from rmadesk.services import reversal as reversal_service
from rmadesk.services.bench import BenchService, Candidate, Found, Recorded, new_outcome_uid
from rmadesk.services.imports import ImportResult
from rmadesk.services.journal import FlushReport, Journal, flush
from rmadesk.services.unit_labels import (
    LabelDestination,
    parse_destination,
    produce_unit_label,
    unit_label_for,
)
from rmadesk.store.types import utcnow
from rmadesk.ui.common import dialogs, printing
from rmadesk.ui.common.runner import Runner
from rmadesk.ui.common.sounds import Sounds
from rmadesk.ui.common.style import ERROR, INFO, NEUTRAL, NOTE, OK, STYLE_SHEET, WARN, scaled_font
from rmadesk.ui.office import import_report as import_dialogs
from rmadesk.ui.office import issue_dialog
from rmadesk.ui.office.import_report import ReportImporter
from rmadesk.ui.panels import (
    AuthorizationCard,
    CandidatesPage,
    OutcomesPanel,
    PreviewPanel,
    SignInPage,
    WalkthroughPanel,
    money_text,
)
from rmadesk.ui.scanner import ScanCatcher

log = logging.getLogger(__name__)

RECENT_KEPT = 50
HEALTH_ONLINE_MS = 10_000
HEALTH_OFFLINE_MS = 3_000

COMMAND_DISPOSITIONS = {
    Command.SELLABLE: Disposition.SELLABLE,
    Command.CARRIER_DAMAGED: Disposition.CARRIER_DAMAGED,
    Command.SELLER_FAULT: Disposition.SELLER_FAULT,
}


class BenchWindow(QMainWindow):
    """The main window of a bench.

    Attributes:
        state: "ready", "inspecting", "preview" or "done" (an authorization already fully decided).
        auth: the authorization on screen, or None.
        unit: the unit being decided, or None.

    Signals:
        rma_scanned(str): an identifier was scanned and is being looked up.
        card_shown(object): an authorization is on screen (AuthorizationView).
        scan_rejected(str): a scan or key was refused; the message shown.
        decision_recorded(object): an outcome was written (OutcomeView).
        record_failed(str): writing failed; the decision stays on screen to retry.
        state_changed(str): the new state.
    """

    rma_scanned = Signal(str)
    card_shown = Signal(object)
    scan_rejected = Signal(str)
    decision_recorded = Signal(object)
    record_failed = Signal(str)
    state_changed = Signal(str)
    candidates_shown = Signal(int)
    label_written = Signal(str)
    label_failed = Signal(str)
    rma_issued = Signal(str)
    signed_in = Signal(str)
    signed_out = Signal()
    outcome_reversed = Signal(str)
    decision_kept = Signal(str)
    connection_lost = Signal(str)
    connection_restored = Signal(int)

    def __init__(
        self,
        service: BenchService,
        inspector: str | Actor | None,
        *,
        sign_in_required: bool = False,
        journal: Journal | None = None,
        sounds: Sounds | None = None,
        points: float = 20.0,
        banner_note: str = "",
    ) -> None:
        super().__init__()
        self.service = service
        self.sign_in_required = sign_in_required
        self.journal = journal
        self.offline_since: datetime | None = None
        self._pending_decision: Decision | None = None
        if inspector is None or isinstance(inspector, Actor):
            self.actor: Actor | None = inspector
        else:
            self.actor = open_actor(inspector, service.settings.bench)
        self.inspector = self.actor.name if self.actor else ""
        self.bench = service.settings.bench
        self.points = points
        self.sounds = sounds or Sounds(enabled=service.settings.sounds, parent=self)
        self.runner = Runner(self)
        self.label_runner = Runner(self)  # labels render apart, so the next scan never waits for one
        self.state = "ready"
        self.auth: AuthorizationView | None = None
        self.unit: UnitView | None = None
        self.answers: dict[str, bool] = {}
        self.disposition: Disposition | None = None
        self.recommended: Disposition | None = None
        self.override_reason: str | None = None
        self.needs_reason = False
        self.outcome_uid = ""
        self.scanned_at: datetime | None = None
        self.preview: OutcomePreview | None = None
        self._queue: deque[str] = deque()
        self.candidates: tuple[Candidate, ...] = ()
        self.last_label: UnitLabel | None = None
        self._browser_window: QMainWindow | None = None
        self._scan_started = 0.0
        self.last_timings: dict[str, float] = {}
        self._set_title()
        self.setStyleSheet(STYLE_SHEET)
        self.setMinimumSize(1000, 680)
        self._build(banner_note)
        self._build_actions()
        self.importer = ReportImporter(
            self,
            service.store,
            self.runner,
            actor=lambda: self.inspector,
            bench=self.bench,
            on_error=self.reject,
        )
        self.importer.imported.connect(self._on_imported)
        self.setAcceptDrops(True)
        self.catcher = ScanCatcher(self, self.scan_field)
        self.catcher.scanned.connect(self.submit_scan)
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.setInterval(max(1, service.settings.idle_minutes) * 60_000)
        self._idle.timeout.connect(self._on_idle)
        self.catcher.activity.connect(self._on_activity)
        QApplication.instance().installEventFilter(self.catcher)
        if self.actor is None:
            self.show_sign_in("Scan your badge to sign in.")
        else:
            self.show_ready("Ready. Scan the RMA barcode on the return label.")
        self._apply_permissions()
        self._claim_timer = QTimer(self)
        self._claim_timer.setInterval(max(1, service.settings.claim_minutes) * 60_000 // 3)
        self._claim_timer.timeout.connect(self._renew_claim)
        self._claim_timer.start()
        self._health = QTimer(self)
        self._health.setInterval(HEALTH_ONLINE_MS)
        self._health.timeout.connect(self.check_connection)
        self._health.start()
        if self.journal is not None and self.journal.count():
            QTimer.singleShot(0, self.check_connection)

    # ----- building -----------------------------------------------------------------------
    def _build(self, banner_note: str) -> None:
        central = QWidget()
        central.setObjectName("page")
        outer = QVBoxLayout(central)
        outer.setContentsMargins(16, 12, 16, 0)
        outer.setSpacing(10)
        if banner_note:
            note = QLabel(banner_note)
            note.setObjectName("banner")
            note.setStyleSheet(f"background: {NOTE};")
            note.setFont(scaled_font(self.font(), self.points * 0.7))
            note.setWordWrap(True)
            outer.addWidget(note)
        self.outage = QLabel()
        self.outage.setObjectName("banner")
        self.outage.setStyleSheet(f"background: {ERROR};")
        self.outage.setFont(scaled_font(self.font(), self.points * 0.75, bold=True))
        self.outage.setWordWrap(True)
        self.outage.setVisible(False)
        outer.addWidget(self.outage)
        self.banner = QLabel()
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self.banner.setFont(scaled_font(self.font(), self.points * 0.95, bold=True))
        self.banner.setMinimumHeight(int(self.points * 3))
        outer.addWidget(self.banner)
        scan_row = QHBoxLayout()
        scan_label = QLabel("Scan")
        scan_label.setFont(scaled_font(self.font(), self.points * 0.9, bold=True))
        self.scan_field = QLineEdit()
        self.scan_field.setObjectName("scan")
        self.scan_field.setPlaceholderText("Scan or type an RMA ID, then Enter")
        self.scan_field.setFont(scaled_font(self.font(), self.points))
        self.scan_field.setClearButtonEnabled(True)
        self.scan_field.returnPressed.connect(self._on_scan_field)
        self.who = QLabel(f"Bench <b>{self.bench}</b><br>{self.inspector}")
        self.who.setFont(scaled_font(self.font(), self.points * 0.65))
        self.who.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        scan_row.addWidget(scan_label)
        scan_row.addWidget(self.scan_field, 1)
        scan_row.addWidget(self.who)
        outer.addLayout(scan_row)

        self.pages = QStackedWidget()
        self.ready_page = self._build_ready_page()
        self.pages.addWidget(self.ready_page)
        work = QWidget()
        work_layout = QHBoxLayout(work)
        work_layout.setContentsMargins(0, 0, 0, 0)
        work_layout.setSpacing(14)
        self.card = AuthorizationCard(self.points)
        self.steps = QStackedWidget()
        self.walkthrough = WalkthroughPanel(self.points)
        self.preview_panel = PreviewPanel(self.points)
        self.outcomes_panel = OutcomesPanel(self.points)
        for panel in (self.walkthrough, self.preview_panel, self.outcomes_panel):
            self.steps.addWidget(panel)
        work_layout.addWidget(self.card, 11)
        work_layout.addWidget(self.steps, 10)
        self.pages.addWidget(work)
        self.work_page = work
        self.picker = CandidatesPage(self.points)
        self.picker.picked.connect(self._pick)
        self.pages.addWidget(self.picker)
        self.sign_in_page = SignInPage(self.points)
        self.sign_in_page.pin_entered.connect(self._sign_in)
        self.pages.addWidget(self.sign_in_page)
        outer.addWidget(self.pages, 1)

        self.keys = QLabel(
            "F1 Help · F2 Yes · F3 No · Enter/F4 Accept · F5 Sellable · F6 Carrier-damaged · "
            "F7 Seller-fault · F10 Confirm · Esc Cancel"
        )
        self.keys.setObjectName("keys")
        self.keys.setWordWrap(True)
        self.keys.setFont(scaled_font(self.font(), self.points * 0.6))
        outer.addWidget(self.keys)
        self.setCentralWidget(central)

        self.walkthrough.answered.connect(self.answer)
        self.walkthrough.chosen.connect(lambda d: self.choose(d, via="key"))
        self.preview_panel.confirm_requested.connect(self.confirm)
        self.preview_panel.override_reason.lineEdit().returnPressed.connect(self._reason_entered)
        self.runner.busy_changed.connect(self._on_busy)

    def _build_ready_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 10, 0, 0)
        big = QLabel("Scan the RMA barcode\non the return label")
        big.setAlignment(Qt.AlignmentFlag.AlignCenter)
        big.setFont(scaled_font(self.font(), self.points * 2.0, bold=True))
        big.setStyleSheet(f"color: {NEUTRAL};")
        sub = QLabel(
            "The scanner works wherever the focus is. Typing an RMA ID and Enter works too. "
            "F1 shows every key."
        )
        sub.setAlignment(Qt.AlignmentFlag.AlignCenter)
        sub.setWordWrap(True)
        sub.setFont(scaled_font(self.font(), self.points * 0.8))
        sub.setStyleSheet("color: #546e7a;")
        layout.addStretch(1)
        layout.addWidget(big)
        layout.addWidget(sub)
        layout.addStretch(1)
        recent_title = QLabel("Decided on this bench")
        recent_title.setFont(scaled_font(self.font(), self.points * 0.8, bold=True))
        self.recent = QListWidget()
        self.recent.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.recent.setFont(scaled_font(self.font(), self.points * 0.7))
        self.recent.setMaximumHeight(int(self.points * 9))
        layout.addWidget(recent_title)
        layout.addWidget(self.recent)
        return page

    def _build_actions(self) -> None:
        def action(text: str, keys: list[str], slot: object) -> QAction:
            act = QAction(text, self)
            act.setShortcuts([QKeySequence(k) for k in keys])
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.triggered.connect(slot)
            self.addAction(act)
            return act

        self.act_help = action("Keys and codes", ["F1"], lambda: dialogs.show_help(self))
        self.act_yes = action("Yes", ["F2"], lambda: self.answer(True))
        self.act_no = action("No", ["F3"], lambda: self.answer(False))
        self.act_accept = action("Accept recommendation", ["F4"], self.accept_recommendation)
        self.act_sellable = action("Sellable", ["F5"], lambda: self.choose(Disposition.SELLABLE, via="key"))
        self.act_carrier = action(
            "Carrier-damaged", ["F6"], lambda: self.choose(Disposition.CARRIER_DAMAGED, via="key")
        )
        self.act_fault = action(
            "Seller-fault", ["F7"], lambda: self.choose(Disposition.SELLER_FAULT, via="key")
        )
        self.act_confirm = action("Confirm", ["F10", "Ctrl+Return", "Ctrl+Enter"], self.confirm)
        self.act_cancel = action("Cancel unit", ["Esc"], self.cancel)
        self.act_sheet = action("Save command sheet…", ["Ctrl+P"], self.save_command_sheet)
        self.act_import = action("Import report…", ["Ctrl+I"], self.import_report)
        self.act_issue = action("Issue seller RMA…", ["Ctrl+N"], self.issue_rma)
        self.act_reprint = action("Print last unit label again", ["Ctrl+L"], self.reprint_label)
        self.act_quit = action("Quit", ["Ctrl+Q"], self.close)
        self.act_sign_out = action("Sign out", ["Ctrl+Shift+L"], lambda: self.sign_out("Signed out."))
        self.act_reverse = action("Reverse an outcome…", ["F8"], self.reverse_outcome)
        self.act_audit = action("Audit trail…", ["Ctrl+Shift+A"], self.open_audit)
        self.act_reconcile = action("Reconcile reimbursements…", ["Ctrl+Shift+R"], self.open_reconcile)
        self.act_supervisor = action("Supervisor view…", ["Ctrl+Shift+V"], self.open_supervisor)
        self.act_browse = action("Find a return…", ["Ctrl+F"], self.open_browser)
        menu = self.menuBar().addMenu("&File")
        menu.addAction(self.act_import)
        menu.addAction(self.act_issue)
        menu.addSeparator()
        menu.addAction(self.act_reprint)
        menu.addAction(self.act_sheet)
        menu.addSeparator()
        menu.addAction(self.act_sign_out)
        menu.addAction(self.act_quit)
        inspect = self.menuBar().addMenu("&Inspect")
        for act in (
            self.act_yes,
            self.act_no,
            self.act_accept,
            self.act_sellable,
            self.act_carrier,
            self.act_fault,
            self.act_confirm,
            self.act_cancel,
        ):
            inspect.addAction(act)
        inspect.addSeparator()
        inspect.addAction(self.act_reverse)
        view = self.menuBar().addMenu("&View")
        view.addAction(self.act_browse)
        view.addAction(self.act_supervisor)
        view.addAction(self.act_audit)
        view.addAction(self.act_reconcile)
        self.view_menu = view
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(self.act_help)

    # ----- messages -----------------------------------------------------------------------
    def say(self, text: str, colour: str = INFO) -> None:
        self.banner.setText(text)
        self.banner.setStyleSheet(f"background: {colour};")

    def reject(self, message: str) -> None:
        self.say(message, ERROR)
        self.sounds.reject()
        self.scan_rejected.emit(message)
        self._refocus()

    def _set_state(self, state: str) -> None:
        self.state = state
        self.state_changed.emit(state)

    def _refocus(self) -> None:
        if self.state == "signed_out" and self.sign_in_page.badge:
            self.sign_in_page.pin.setFocus()
        elif self.state == "preview" and self.needs_reason and not self.preview_panel.reason_text():
            self.preview_panel.override_reason.setFocus()
        else:
            self.scan_field.setFocus()

    def _on_busy(self, busy: bool) -> None:
        self.scan_field.setStyleSheet("background: #fff8e1;" if busy else "")
        if not busy:
            self._drain_queue()

    # ----- scanning -------------------------------------------------------------------------
    def _on_scan_field(self) -> None:
        text = self.scan_field.text()
        self.scan_field.clear()
        if text.strip():
            self.submit_scan(text)
        elif self.state == "inspecting" and self.recommended is not None:
            self.accept_recommendation()

    def submit_scan(self, raw: str) -> None:
        """Take a scan now, or after the database work under way finishes."""
        self._queue.append(raw)
        if not self.runner.busy:
            self._drain_queue()

    def _drain_queue(self) -> None:
        while self._queue and not self.runner.busy:
            self._handle_scan(self._queue.popleft())

    def _handle_scan(self, raw: str) -> None:
        self._scan_started = time.perf_counter()
        try:
            scan = parse_scan(raw)
        except MalformedCode as exc:
            self.reject(exc.message)
            return
        if self.state == "signed_out":
            if scan.command is not None:
                self.reject("Sign in first: scan your badge.")
            else:
                self.sign_in_page.ask_pin(scan.text)
                self.say("Type your PIN, then Enter.", INFO)
            return
        if scan.command is not None:
            self._handle_command(scan.command)
            return
        if self.unit is not None:
            assert self.auth is not None
            if scan.text in (self.auth.rma_id, self.auth.merchant_rma_id):
                self.say(
                    f"{self.auth.display_id} is already open: unit {self.unit.seq} of {self.auth.quantity}."
                )
                self._refocus()
                return
            self.reject(
                f"Unit {self.unit.seq} of {self.auth.quantity} of {self.auth.display_id} is not decided yet. "
                "Finish it (confirm), or scan CMD-CANCEL / press Esc, before scanning another RMA."
            )
            return
        if self.offline_since is not None and self.journal is not None:
            waiting = self.journal.count()
            self.reject(
                "The shared database cannot be reached, so a new return cannot be opened until it is back. "
                f"{waiting} decision(s) are kept on this bench and will be sent then."
            )
            return
        if self.state == "picking" and scan.text.isdigit():
            self._pick(int(scan.text))
            return
        self.rma_scanned.emit(scan.text)
        self.say(f"Looking up {scan.text}…", NEUTRAL)
        scanned_at = utcnow()
        service, code = self.service, scan.text  # the worker gets no reference to a widget
        who, bench = self.inspector, self.bench
        self.runner.run(
            lambda: service.open(code, who=who, bench=bench),
            lambda found: self._on_found(found, scanned_at),
            self._on_lookup_failed,
        )

    def _handle_command(self, command: Command) -> None:
        if command in COMMAND_DISPOSITIONS:
            self.choose(COMMAND_DISPOSITIONS[command], via=command.value)
        elif command is Command.CONFIRM:
            self.confirm()
        else:
            self.cancel()

    def _on_found(self, found: Found, scanned_at: datetime) -> None:
        if found.authorization is not None:
            self._on_lookup(found.authorization, scanned_at, found.unit_id)
            return
        self.candidates = found.candidates
        self.picker.show_candidates(found.code, found.candidates)
        self.pages.setCurrentWidget(self.picker)
        self._set_state("picking")
        self.say(
            f"“{found.code}” matches {len(found.candidates)} returns. Scan the RMA barcode, or type the "
            "number of the return and press Enter.",
            WARN,
        )
        self.sounds.accept()
        self.candidates_shown.emit(len(found.candidates))
        self._refocus()

    def _pick(self, number: int) -> None:
        if not 1 <= number <= len(self.candidates):
            self.reject(f"There is no return number {number} in the list: pick 1 to {len(self.candidates)}.")
            return
        auth_id, service, scanned_at = self.candidates[number - 1].auth_id, self.service, utcnow()
        who, bench = self.inspector, self.bench
        self.runner.run(
            lambda: service.open_authorization(auth_id, who=who, bench=bench),
            lambda found: self._on_found(found, scanned_at),
            self._on_lookup_failed,
        )

    def _on_lookup(self, auth: AuthorizationView, scanned_at: datetime, unit_id: int | None = None) -> None:
        self.auth = auth
        self.scanned_at = scanned_at
        self.candidates = ()
        self.pages.setCurrentWidget(self.work_page)
        unit = auth.next_undecided
        already = f"{auth.display_id}: every unit is already decided."
        if unit_id is not None:  # a license plate number names one unit
            named = next((u for u in auth.units if u.unit_id == unit_id), None)
            if named is not None and named.decided:
                unit, already = None, f"Unit {named.seq} of {auth.display_id} is already decided."
            elif named is not None:
                unit = named
        if unit is None:
            self.unit = None
            self.card.show_authorization(auth, None)
            self.outcomes_panel.show_outcomes(auth)
            self.steps.setCurrentWidget(self.outcomes_panel)
            self._set_state("done")
            self.say(f"{already} Nothing was written.", WARN)
            self.sounds.reject()
            self.scan_rejected.emit("already decided")
        else:
            self.sounds.accept()
            self._start_unit(unit)
        self.last_timings["scan_to_card_ms"] = (time.perf_counter() - self._scan_started) * 1000
        self.card_shown.emit(auth)
        self._refocus()

    def _on_lookup_failed(self, exc: BaseException) -> None:
        if isinstance(exc, UserError):
            self.reject(exc.message)
        else:
            self._unexpected(exc)

    # ----- one unit -----------------------------------------------------------------------
    def _start_unit(self, unit: UnitView) -> None:
        assert self.auth is not None
        self.unit = unit
        self.answers = {}
        self.disposition = None
        self.recommended = None
        self.override_reason = None
        self.needs_reason = False
        self.preview = None
        self.outcome_uid = new_outcome_uid()
        self.card.show_authorization(self.auth, unit)
        self._show_walkthrough()
        self.say(
            f"{self.auth.display_id}: unit {unit.seq} of {self.auth.quantity}. Answer the questions, "
            "or scan a decision.",
            INFO,
        )

    def _show_walkthrough(self) -> None:
        self.walkthrough.show_answers(self.answers)
        question = next_question(self.answers)
        if question is not None:
            number = len(self.answers) + 1
            self.walkthrough.ask(question, number)
        else:
            recommendation = recommend(self.answers)
            assert recommendation is not None
            self.recommended = recommendation
            self.walkthrough.recommend(recommendation, explain(self.answers))
        self.steps.setCurrentWidget(self.walkthrough)
        self._set_state("inspecting")

    def answer(self, yes: bool) -> None:
        if self.state != "inspecting" or self.unit is None:
            return
        question = next_question(self.answers)
        if question is None:
            return
        self.answers[question.key] = yes
        self._show_walkthrough()
        self._refocus()

    def accept_recommendation(self) -> None:
        if self.state == "inspecting" and self.recommended is not None:
            self.choose(self.recommended, via="accept")

    def choose(self, disposition: Disposition, via: str) -> None:
        """Decide the current unit: accept the recommendation, override it, or a scanned command."""
        if self.unit is None or self.auth is None:
            self.reject("Scan an RMA first: there is no unit to decide.")
            return
        if self.runner.busy:
            return
        override = self.recommended is not None and disposition is not self.recommended
        self.disposition = disposition
        self.needs_reason = False
        self.override_reason = None
        if override and via.startswith("CMD-"):
            self.override_reason = f"Decided by scanning {via}"
        elif override:
            self.needs_reason = True
        try:
            self.preview = self.service.preview(self.auth, disposition)
        except UserError as exc:
            self.reject(exc.message)
            return
        self.preview_panel.show_preview(self.preview, self.needs_reason, None)
        self.steps.setCurrentWidget(self.preview_panel)
        self._set_state("preview")
        total = money_text(self.preview.reimbursement.total, self.preview.reimbursement.currency)
        if self.needs_reason:
            self.say(
                f"{disposition.label} overrides the recommendation "
                f"({self.recommended.label if self.recommended else ''}). "
                "Pick or type a reason, then confirm.",
                WARN,
            )
        else:
            self.say(
                f"{disposition.label} → {self.preview.location}, reimbursement {total}. Confirm to write it.",
                INFO,
            )
        self._refocus()

    def _reason_entered(self) -> None:
        if self.preview_panel.reason_text():
            self.scan_field.setFocus()
            self.say("Reason noted. Confirm (F10 or scan CMD-CONFIRM) to write the outcome.", INFO)

    def confirm(self) -> None:
        """Write the current unit's outcome, its stock movement and its audit entry."""
        if self.runner.busy:
            return
        if self.unit is None or self.auth is None:
            self.reject("Nothing to confirm: scan an RMA first.")
            return
        if self.state != "preview" or self.disposition is None:
            self.reject("Decide the unit first (F5–F7, Enter to accept, or scan a disposition code).")
            return
        if self.needs_reason:
            reason = self.preview_panel.reason_text()
            if not reason:
                self.reject("Say why you override the recommendation: pick or type a reason, then confirm.")
                return
            self.override_reason = reason
        decision = Decision(
            outcome_uid=self.outcome_uid,
            unit_id=self.unit.unit_id,
            disposition=self.disposition,
            inspector=self.inspector,
            bench=self.bench,
            recommended=self.recommended,
            override_reason=self.override_reason,
            answers=dict(self.answers),
            scanned_at=self.scanned_at,
        )
        self._pending_decision = decision
        started = time.perf_counter()
        self.say(f"Writing unit {self.unit.seq} of {self.auth.quantity}…", NEUTRAL)
        service = self.service
        self.runner.run(
            lambda: service.record(decision, claim_next=True),
            lambda recorded: self._on_recorded(recorded, started),
            self._on_record_failed,
        )

    def _on_recorded(self, recorded: Recorded, started: float) -> None:
        outcome = recorded.outcome
        auth = recorded.authorization
        seq = next(
            (u.seq for u in auth.units if u.outcome and u.outcome.outcome_uid == outcome.outcome_uid), 0
        )
        total = money_text(outcome.reimbursement_total, outcome.currency)
        self._add_recent(
            outcome.decided_at, auth.display_id, seq, outcome.disposition, outcome.location, total
        )
        self.sounds.accept()
        self.auth = auth
        decided = outcome.disposition.label.lower()
        done_text = f"Recorded: {auth.display_id} unit {seq} {decided} → {outcome.location}."
        nxt = next((u for u in auth.units if u.unit_id == recorded.next_unit_id), None)
        if nxt is not None:
            self.scanned_at = utcnow()  # the next unit's time starts now, not at the parcel's scan
            self._start_unit(nxt)
            self.say(f"{done_text} Next: unit {nxt.seq} of {auth.quantity}.", OK)
        elif recorded.next_unit_message:
            self.show_ready(f"{done_text} {recorded.next_unit_message}", WARN)
        else:
            self.show_ready(f"{done_text} {auth.display_id} is complete. Scan the next RMA.", OK)
        self.last_timings["confirm_to_next_ms"] = (time.perf_counter() - started) * 1000
        self.decision_recorded.emit(outcome)
        if not recorded.already_written:
            self._make_label(unit_label_for(auth, outcome, seq))
        self._refocus()

    def _add_recent(
        self, moment: datetime, display_id: str, seq: int, disposition: Disposition, location: str, note: str
    ) -> None:
        """A line on the ready page's list of what this bench decided, newest first (50 kept)."""
        line = (
            f"{moment.astimezone().strftime('%H:%M')}  {display_id} unit {seq}: "
            f"{disposition.label} → {location}, {note}"
        )
        self.recent.insertItem(0, line)
        while self.recent.count() > RECENT_KEPT:
            self.recent.takeItem(self.recent.count() - 1)

    def _on_record_failed(self, exc: BaseException) -> None:
        if isinstance(exc, NothingToDecide):
            self.reject(exc.message)
            assert self.auth is not None
            auth_id, service = self.auth.auth_id, self.service
            self.runner.run(lambda: service.refresh(auth_id), self._after_refresh, self._on_lookup_failed)
            return
        if isinstance(exc, DatabaseUnavailable) and self.journal is not None and self._pending_decision:
            self._keep_on_bench(self._pending_decision, exc.message)
            return
        if isinstance(exc, DatabaseUnavailable):
            message = f"{exc.message} The decision is still on screen: confirm again to retry."
        elif isinstance(exc, UserError):
            message = exc.message
        else:
            self._unexpected(exc)
            message = "The outcome was not written. Confirm again to retry."
        self.reject(message)
        self.record_failed.emit(message)

    def _after_refresh(self, auth: AuthorizationView) -> None:
        message = self.banner.text()
        self.unit = None
        self._on_lookup(auth, self.scanned_at or utcnow())
        self.say(message, ERROR)

    def cancel(self) -> None:
        """Leave the current unit undecided and write nothing."""
        if self.runner.busy:
            return
        if self.state == "signed_out":
            self.show_sign_in("Scan your badge to sign in.")
            return
        if self.unit is not None and self.auth is not None:
            text = (
                f"Unit {self.unit.seq} of {self.auth.quantity} of {self.auth.display_id} left undecided. "
                "Nothing was written."
            )
            self._release(self.unit.unit_id)
            self.show_ready(text, WARN)
        elif self.state in ("done", "picking"):
            self.show_ready("Ready. Scan the RMA barcode on the return label.")
        else:
            self.say("Nothing to cancel. Scan the RMA barcode on the return label.", INFO)
        self._refocus()

    def show_ready(self, message: str, colour: str = INFO) -> None:
        self.auth = None
        self.unit = None
        self.answers = {}
        self.disposition = None
        self.recommended = None
        self.needs_reason = False
        self.pages.setCurrentWidget(self.ready_page)
        self.scan_field.setPlaceholderText("Scan or type an RMA ID, then Enter")
        self._set_state("ready")
        self.say(message, colour)
        self.scan_field.setFocus()

    # ----- outages ------------------------------------------------------------------------
    def _keep_on_bench(self, decision: Decision, problem: str) -> None:
        """The server is away: keep the confirmed decision in the bench's journal and go on."""
        assert self.journal is not None and self.auth is not None and self.unit is not None
        now = utcnow()
        kept = replace(decision, decided_at=decision.decided_at or now)
        try:
            self.journal.add(kept, now)
        except UserError as exc:
            self.reject(f"{problem} The decision could not be kept on this bench either: {exc.message}")
            return
        self._go_offline(problem)
        preview = self.preview or self.service.preview(self.auth, kept.disposition)
        outcome = OutcomeView(
            outcome_uid=kept.outcome_uid,
            disposition=kept.disposition,
            restocked=preview.restocked,
            location=preview.location,
            reimbursement_total=preview.reimbursement.total,
            currency=preview.reimbursement.currency,
            inspector=kept.inspector,
            bench=kept.bench,
            decided_at=kept.decided_at or now,
            recommended=kept.recommended,
            override_reason=kept.override_reason,
        )
        seq = self.unit.seq
        units = tuple(
            replace(u, outcome=outcome) if u.unit_id == kept.unit_id else u for u in self.auth.units
        )
        self.auth = replace(self.auth, units=units)
        self._add_recent(
            now, self.auth.display_id, seq, kept.disposition, preview.location, "kept on this bench"
        )
        self.sounds.accept()
        done = f"Kept on this bench: {self.auth.display_id} unit {seq} {kept.disposition.label.lower()}."
        nxt = self.auth.next_undecided
        if nxt is not None:
            self.scanned_at = now
            self._start_unit(nxt)
            self.say(f"{done} Next: unit {nxt.seq} of {self.auth.quantity}.", WARN)
        else:
            self.show_ready(f"{done} It is sent when the shared database is back.", WARN)
        self.decision_kept.emit(kept.outcome_uid)
        self._refocus()

    def _go_offline(self, problem: str) -> None:
        if self.offline_since is None:
            self.offline_since = utcnow()
            self.connection_lost.emit(problem)
        self._health.setInterval(HEALTH_OFFLINE_MS)
        self._show_outage()

    def _show_outage(self) -> None:
        if self.offline_since is None:
            self.outage.setVisible(False)
            return
        since = self.offline_since.astimezone().strftime("%H:%M")
        waiting = self.journal.count() if self.journal is not None else 0
        kept = f" {waiting} decision(s) are kept on this bench and will be sent." if self.journal else ""
        self.outage.setText(
            f"The shared database cannot be reached since {since}. Reconnecting by itself.{kept} "
            "Finish the return on screen; new returns open when it is back."
        )
        self.outage.setVisible(True)

    def check_connection(self) -> None:
        """Ping the database off the GUI thread; send kept decisions when it answers again."""
        if self.runner.busy:
            return
        service, journal = self.service, self.journal

        def work() -> FlushReport | None:
            service.ping()
            if journal is None or not journal.count():
                return None
            return flush(journal, lambda d: service.record(d, from_journal=True))

        self.runner.run(work, self._connection_ok, self._connection_failed)

    def _connection_ok(self, report: FlushReport | None) -> None:
        was_offline = self.offline_since is not None
        if report is not None and report.still_waiting:
            self._show_outage()
            return
        self.offline_since = None
        self._health.setInterval(HEALTH_ONLINE_MS)
        self.outage.setVisible(False)
        if report is None and not was_offline:
            return
        parts = ["The shared database is back."]
        if report is not None and report.sent:
            parts.append(f"{len(report.sent)} decision(s) kept on this bench were sent.")
        colour = OK
        if report is not None and report.decided_elsewhere:
            colour = ERROR
            parts.append(f"{len(report.decided_elsewhere)} unit(s) were decided elsewhere meanwhile:")
            parts.extend(message for _, message in report.decided_elsewhere[:3])
            self.sounds.reject()
        self.say(" ".join(parts), colour)
        self.connection_restored.emit(len(report.sent) if report else 0)
        self._refocus()

    def _connection_failed(self, exc: BaseException) -> None:
        if isinstance(exc, DatabaseUnavailable):
            self._go_offline(exc.message)
        elif not isinstance(exc, UserError):
            self._unexpected(exc)

    # ----- people -------------------------------------------------------------------------
    def _set_title(self) -> None:
        who = ""
        if self.actor is not None:
            who = f" — {self.actor.name}" + ("" if self.actor.open_bench else f" ({self.actor.role.value})")
        self.setWindowTitle(f"RMA Desk — bench {self.bench}{who}")

    def _apply_permissions(self) -> None:
        """Disable what the person may not do (the services refuse it anyway)."""
        actor = self.actor
        allowed = {
            self.act_import: actor is not None and actor.may(Permission.IMPORT),
            self.act_issue: actor is not None and actor.may(Permission.ISSUE),
            self.act_reverse: actor is not None and actor.may(Permission.REVERSE),
            self.act_audit: actor is not None and actor.may(Permission.VIEW_AUDIT),
            self.act_reconcile: actor is not None and actor.may(Permission.VIEW_SUMMARY),
            self.act_supervisor: actor is not None and actor.may(Permission.VIEW_SUMMARY),
            self.act_sign_out: self.sign_in_required and actor is not None,
        }
        for act, ok in allowed.items():
            act.setEnabled(ok)
        if actor is None:
            name = "signed out"
        else:
            name = actor.name if actor.open_bench else f"{actor.name} · {actor.role.value}"
        self.who.setText(f"Bench <b>{self.bench}</b><br>{name}")
        self._set_title()

    def show_sign_in(self, message: str, colour: str = INFO) -> None:
        self.actor = None
        self.inspector = ""
        self.auth = None
        self.unit = None
        self.sign_in_page.ask_badge()
        self.pages.setCurrentWidget(self.sign_in_page)
        self.scan_field.setPlaceholderText("Scan your badge")
        self._set_state("signed_out")
        self._apply_permissions()
        self.say(message, colour)
        self.scan_field.setFocus()

    def _sign_in(self, badge: str, pin: str) -> None:
        store, bench = self.service.store, self.bench
        self.say("Checking…", NEUTRAL)
        self.runner.run(
            lambda: people_service.sign_in(store, badge=badge, pin=pin, bench=bench),
            self._signed_in,
            self._sign_in_failed,
        )

    def _signed_in(self, actor: Actor) -> None:
        self.actor = actor
        self.inspector = actor.name
        self._apply_permissions()
        self.sounds.accept()
        self.show_ready(
            f"Signed in: {actor.name} ({actor.role.value}). Scan the RMA barcode on the return label.", OK
        )
        self.signed_in.emit(actor.name)
        self._idle.start()

    def _sign_in_failed(self, exc: BaseException) -> None:
        if not isinstance(exc, UserError):
            self._unexpected(exc)
            return
        self.sign_in_page.ask_badge()
        self.reject(exc.message)

    def sign_out(self, message: str) -> None:
        """Back to the sign-in page; an open unit is left undecided and given back."""
        if not self.sign_in_required or self.actor is None:
            return
        if self.unit is not None and self.auth is not None:
            self._release(self.unit.unit_id)
            message += f" Unit {self.unit.seq} of {self.auth.display_id} was left undecided."
        self._idle.stop()
        self.show_sign_in(message, WARN)
        self.signed_out.emit()

    def _on_activity(self) -> None:
        if self.sign_in_required and self.actor is not None:
            self._idle.start()

    def _on_idle(self) -> None:
        minutes = self.service.settings.idle_minutes
        self.sign_out(f"Signed out after {minutes} idle minutes. Scan your badge to sign in again.")

    def _allowed(self, permission: Permission, doing: str) -> bool:
        """Whether the signed-in person may; if not, say so (the services refuse it anyway)."""
        if self.actor is not None and self.actor.may(permission):
            return True
        self.reject(f"Only a supervisor or an admin may {doing}.")
        return False

    def open_audit(self) -> None:
        """The audit trail, in its own window (supervisors and admins)."""
        if not self._allowed(Permission.VIEW_AUDIT, "see the audit trail"):
            return
        from rmadesk.ui.office.audit_window import AuditWindow

        self._audit_window = AuditWindow(self.service.store, self.actor)
        self._audit_window.show()

    def open_browser(self) -> None:
        """Every authorization, searchable and sortable, with each unit's outcome and history."""
        from rmadesk.services.browse import BrowseService
        from rmadesk.ui.browser.window import BrowserWindow

        if self._browser_window is None:
            self._browser_window = BrowserWindow(BrowseService(self.service.store))
        self._browser_window.show()
        self._browser_window.raise_()
        self._browser_window.activateWindow()

    def open_supervisor(self) -> None:
        """Shift summaries and return analytics, refreshing on their own worker (supervisors)."""
        if not self._allowed(Permission.VIEW_SUMMARY, "see the summaries"):
            return
        from rmadesk.ui.supervisor.window import SupervisorWindow

        try:
            self._supervisor_window = SupervisorWindow(self.service.store, self.service.settings)
        except UserError as exc:
            dialogs.show_error(self, "RMA Desk", exc.message)
            return
        self._supervisor_window.show()

    def open_reconcile(self) -> None:
        """Carrier-damage claims against the marketplace's reimbursements (supervisors)."""
        if not self._allowed(Permission.VIEW_SUMMARY, "reconcile reimbursements"):
            return
        from rmadesk.ui.office.reconcile_window import ReconcileWindow

        self._reconcile_window = ReconcileWindow(self.service.store)
        self._reconcile_window.show()

    def reverse_outcome(self) -> None:
        """Reverse an outcome of the authorization on screen (supervisors): a compensating record."""
        if not self._allowed(Permission.REVERSE, "reverse an outcome"):
            return
        if self.unit is not None:
            self.reject("Finish or cancel the unit on screen before reversing an outcome.")
            return
        if self.auth is None or not any(u.outcome for u in self.auth.units):
            self.reject("Open a return with a recorded outcome first (scan it), then F8.")
            return
        decided = [(u.seq, u.outcome) for u in self.auth.units if u.outcome is not None]
        choice = dialogs.ask_reversal(self, self.auth.display_id, decided)
        if choice is None:
            return
        outcome_uid, reason = choice
        store, actor, auth_id = self.service.store, self.actor, self.auth.auth_id
        self.runner.run(
            lambda: reversal_service.reverse_outcome(store, outcome_uid, reason=reason, actor=actor),
            lambda done: self._on_reversed(done, auth_id),
            self._on_lookup_failed,
        )

    def _on_reversed(self, done: reversal_service.Reversed, auth_id: int) -> None:
        self.outcome_reversed.emit(done.outcome_uid)
        service, who, bench, scanned_at = self.service, self.inspector, self.bench, utcnow()
        self.runner.run(
            lambda: service.open_authorization(auth_id, who=who, bench=bench),
            lambda found: self._on_found(found, scanned_at),
            self._on_lookup_failed,
        )
        self.say(f"Reversed: {done.display_id} unit {done.unit_seq} is undecided again. Inspect it anew.", OK)

    # ----- unit labels ----------------------------------------------------------------------
    def _make_label(self, label: UnitLabel) -> None:
        """Write (and print, when a printer is set) the label of the unit just decided."""
        self.last_label = label
        settings = self.service.settings
        try:
            destination = parse_destination(settings.label_printer, settings.label_folder)
        except UserError as exc:
            self.statusBar().showMessage(exc.message)
            return
        size = settings.label_size
        self.label_runner.run(
            lambda: produce_unit_label(label, destination, size),
            lambda path: self._label_done(destination, path),
            self._label_failed,
        )

    def _label_done(self, destination: LabelDestination, path: Path) -> None:
        if destination.kind == "printer":
            try:
                printing.print_image(path, destination.target)
            except UserError as exc:
                self._label_failed(exc)
                return
            self.statusBar().showMessage(f"Unit label sent to {destination.target}.")
        elif destination.kind == "zpl":
            self.statusBar().showMessage(f"Unit label sent as ZPL to {path}.")
        else:
            self.statusBar().showMessage(f"Unit label saved: {path}  (Ctrl+L prints it again)")
        self.label_written.emit(str(path))

    def _label_failed(self, exc: BaseException) -> None:
        message = exc.message if isinstance(exc, UserError) else f"The unit label failed: {exc}"
        self.statusBar().showMessage(message)
        self.label_failed.emit(message)

    def reprint_label(self) -> None:
        if self.last_label is None:
            self.statusBar().showMessage("No unit label yet on this bench.")
            return
        self._make_label(self.last_label)

    # ----- other actions ------------------------------------------------------------------
    def _actor(self) -> Actor | str:
        return self.actor or self.inspector

    def issue_rma(self) -> None:
        """Issue the seller's own RMA for an out-of-policy return (File → Issue seller RMA)."""
        request = issue_dialog.ask_issue(self)
        if request is None:
            return
        store, actor = self.service.store, self.actor
        self.runner.run(
            lambda: issue_service.issue_rma(store, request, actor=actor),
            self._on_issued,
            self._on_lookup_failed,
        )

    def _on_issued(self, issued: issue_service.Issued) -> None:
        self.say(
            f"{issued.kind} {issued.rma_id} issued for order {issued.slip.order_id}. Print its slip.", OK
        )
        self.rma_issued.emit(issued.rma_id)
        issue_dialog.show_issued(self, issued)
        self._refocus()

    def import_report(self, path: Path | None = None) -> None:
        """Import a returns report (File → Import, or a file dropped on the window)."""
        if self.unit is not None:
            self.reject("Finish or cancel the unit on screen before importing a report.")
            return
        path = path or import_dialogs.choose_report_file(self)
        if path is None:
            return
        self.say(f"Importing {path.name}…", NEUTRAL)
        self.importer.start(path)

    def _on_imported(self, result: ImportResult) -> None:
        colour = WARN if result.problems else OK
        self.say(result.summary(), colour)
        self._refocus()
        import_dialogs.show_result(self, result)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if event.mimeData().hasUrls() and all(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        urls = event.mimeData().urls()
        if len(urls) != 1:
            self.reject("Drop one report file at a time.")
            return
        event.acceptProposedAction()
        self.import_report(Path(urls[0].toLocalFile()))

    def save_command_sheet(self) -> None:
        from rmadesk.labels.sheet import COMMAND_ENTRIES, write_sheet

        path, _ = QFileDialog.getSaveFileName(
            self,
            "Save the command-code sheet",
            str(Path.home() / "rmadesk-commands.pdf"),
            "PDF (*.pdf);;PNG (*.png)",
        )
        if not path:
            return
        try:
            write_sheet(
                Path(path),
                f"RMA Desk: bench {self.bench} commands",
                [("Bench commands", list(COMMAND_ENTRIES))],
            )
        except (OSError, ValueError) as exc:
            self.reject(f"The sheet cannot be written to {path}: {exc}")
            return
        self.say(f"Command sheet saved to {path}. Print it and keep it at the bench.", OK)

    def _unexpected(self, exc: BaseException) -> None:
        log.error("unexpected error", exc_info=(type(exc), exc, exc.__traceback__))
        import traceback

        details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
        QTimer.singleShot(
            0,
            lambda: dialogs.show_error(
                self,
                "RMA Desk: something went wrong",
                "RMA Desk hit an unexpected problem. Nothing on screen was lost. "
                "Copy the details for your supervisor.",
                details,
            ),
        )

    def _release(self, unit_id: int) -> None:
        """Give the unit back so another bench may open it; a failure only lets the claim run out."""
        service, who, bench = self.service, self.inspector, self.bench
        self.runner.run(
            lambda: service.release(unit_id, who=who, bench=bench), lambda _: None, self._release_failed
        )

    def _release_failed(self, exc: BaseException) -> None:
        log.warning("could not release a unit: %s", exc)

    def _renew_claim(self) -> None:
        """Keep the claim on the unit on screen alive while the inspector works on it."""
        if self.unit is None or self.auth is None or self.runner.busy:
            return
        service, who, bench = self.service, self.inspector, self.bench
        auth_id, unit_id = self.auth.auth_id, self.unit.unit_id
        self.runner.run(
            lambda: service.claim(auth_id, who=who, bench=bench, prefer_unit=unit_id),
            lambda _: None,
            self._release_failed,
        )

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self._browser_window is not None:
            self._browser_window.close()
        if self.unit is not None:
            self._release(self.unit.unit_id)
        self.runner.wait(10000)
        self.runner.stop()
        self.label_runner.wait(10000)
        self.label_runner.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.catcher)
        super().closeEvent(event)


def app_icon() -> QIcon:
    import importlib.resources

    return QIcon(str(importlib.resources.files("rmadesk.resources") / "icons" / "rmadesk.svg"))
