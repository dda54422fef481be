"""The bench window: renders the inspection's steps, and hands it every scan and key."""

from __future__ import annotations

import logging
import math
import time
from collections import deque
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QIcon
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from rmadesk.domain.model import Disposition
from rmadesk.domain.people import Actor
from rmadesk.services.bench import BenchService
from rmadesk.services.inspection import Event, InspectionSession, Job, Sound, State, Step, Tone
from rmadesk.services.journal import Journal
from rmadesk.text.i18n import N_, _
from rmadesk.ui.bench.actions import BenchActions
from rmadesk.ui.bench.camera import FrameSource
from rmadesk.ui.bench.outage import ConnectionWatch, OutageBanner
from rmadesk.ui.bench.pages import Banner, CandidatesPage, KeysLine, ReadyPage, SignInPage, WorkPage
from rmadesk.ui.bench.photo_intake import PhotoIntake, PhotoKeys, is_image_path
from rmadesk.ui.bench.scanner import ScanCatcher
from rmadesk.ui.common import failures
from rmadesk.ui.common.blink import BlinkLimit
from rmadesk.ui.common.runner import Runner
from rmadesk.ui.common.sounds import Sounds
from rmadesk.ui.common.style import ERROR, INFO, NEUTRAL, NOTE, OK, STYLE_SHEET, WARN, scaled_font

log = logging.getLogger(__name__)

BUSY_LOOK_MS = 150  # work that lasts longer shows in the scan field's colour
SLOW_WORK_MS = 1500  # after this long, the bench says it waits for the database
TONE_COLOURS = {Tone.INFO: INFO, Tone.OK: OK, Tone.WARN: WARN, Tone.ERROR: ERROR, Tone.BUSY: NEUTRAL}
# The screen each state shows; while looking up or writing, the screen stays as it was.
SCREENS = {
    State.SIGNED_OUT: "signed_out",
    State.READY: "ready",
    State.PICKING: "picking",
    State.ASKING: "inspecting",
    State.RECOMMENDED: "inspecting",
    State.PREVIEWING: "preview",
    State.OVERRIDING: "preview",
    State.DONE: "done",
}
SCAN_PLACEHOLDER = N_("Scan or type an RMA ID, then Enter")


# How the bench's smallest size grows with its text size, measured with a unit's card and question
# open and the single-bench note shown, in English and in Persian (whose screen font is as tall as
# DejaVu Sans): margins, borders and padding, plus so much per point of text.
_FIXED_HEIGHT_PX, _HEIGHT_PX_PER_POINT = 500, 20.5
_FIXED_WIDTH_PX, _WIDTH_PX_PER_POINT = 300, 47.5
SMALLEST_POINTS = 11


def fitted_points(wanted: float, available_width: int, available_height: int) -> float:
    """The card's text size: the one wanted (the large_text_pt setting), or as large as fits the
    screen when that one would not (a 1280×800 screen fits 14 points), never under SMALLEST_POINTS;
    what still does not fit scrolls."""
    fits = min(
        (available_height - _FIXED_HEIGHT_PX) / _HEIGHT_PX_PER_POINT,
        (available_width - _FIXED_WIDTH_PX) / _WIDTH_PX_PER_POINT,
    )
    return float(max(SMALLEST_POINTS, min(wanted, math.floor(fits))))


class BenchWindow(QMainWindow):
    """The main window of a bench.

    Attributes:
        session: the inspection (InspectionSession) whose steps this window shows.
        state: the screen on show: "signed_out", "ready", "picking", "inspecting", "preview" or
            "done" (an authorization already fully decided).
        last_timings: scan-to-card and confirm-to-next times of the last scan and write, in ms.
        photos: where the open unit's photos come in (camera, files, drops, the watched folder).

    Signals:
        rma_scanned(str): an identifier was scanned and is being looked up.
        card_shown(object): an authorization is on screen (AuthorizationView).
        scan_rejected(str): a scan or key was refused; the message shown.
        decision_recorded(object): an outcome was written (OutcomeView).
        record_failed(str): writing failed; the decision stays on screen to retry.
        state_changed(str): the screen now on show.
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
        camera: FrameSource | None = None,
    ) -> None:
        super().__init__()
        self.service = service
        self.journal = journal
        self.session = InspectionSession(
            service, inspector, journal=journal, sign_in_required=sign_in_required
        )
        self.bench = service.settings.bench
        self.points = points
        self.sounds = sounds or Sounds(enabled=service.settings.sounds, parent=self)
        self.runner = Runner(self)
        self._busy_look = QTimer(self)
        self._busy_look.setSingleShot(True)
        self._busy_look.setInterval(BUSY_LOOK_MS)
        self._busy_look.timeout.connect(lambda: self.scan_field.setStyleSheet("background: #fff8e1;"))
        self.state = ""
        self.last_timings: dict[str, float] = {}
        self._queue: deque[str] = deque()
        self._scan_started = self._write_started = 0.0
        self.setStyleSheet(STYLE_SHEET)
        self.setMinimumSize(640, 400)  # smaller screens scroll the pages (see fitted_points)
        self._build(banner_note)
        self.actions = BenchActions(self)
        if camera is not None and camera.parent() is None:
            camera.setParent(self)
        self.photos = PhotoIntake(
            self, camera or FrameSource(_("no camera"), self), service.settings.photo_folder
        )
        camera_in_use = self.photos.camera
        self.work_page.photo_strip.use_camera(camera_in_use.available(), camera_in_use.preview())
        self.work_page.photo_strip.take_requested.connect(self.photos.take_photo)
        self.work_page.photo_strip.files_requested.connect(lambda: self.photos.add_files())
        self.work_page.photo_strip.remove_requested.connect(self.photos.remove)
        self.photo_keys = PhotoKeys(self)
        if self.photos.folder is not None and self.photos.folder.problem:
            self.statusBar().showMessage(self.photos.folder.problem)
        self.watch = ConnectionWatch(self)
        self.setAcceptDrops(True)
        self.catcher = ScanCatcher(self, self.scan_field)
        self.catcher.scanned.connect(self.submit_scan)
        self.catcher.activity.connect(self.actions.on_activity)
        self.blink = BlinkLimit(self)
        self.catcher.activity.connect(self.blink.wake)
        QApplication.instance().installEventFilter(self.catcher)
        self.show_step(self.session.opening())
        self.actions.apply_permissions()
        self._claim_timer = QTimer(self)
        self._claim_timer.setInterval(max(1, service.settings.claim_minutes) * 60_000 // 3)
        self._claim_timer.timeout.connect(self._renew_claim)
        self._claim_timer.start()
        # Work that outlasts a moment is waiting for the database (on SQLite: another program's
        # import holds the write lock): say so once, so no one takes it for a hang or an outage.
        self._slow_work = QTimer(self)
        self._slow_work.setSingleShot(True)
        self._slow_work.setInterval(SLOW_WORK_MS)
        self._slow_work.timeout.connect(self._say_waiting)

    # ----- building -----------------------------------------------------------------------
    def _build(self, banner_note: str) -> None:
        central = QWidget()
        central.setObjectName("page")
        outer = QVBoxLayout(central)
        outer.setContentsMargins(16, 12, 16, 0)
        outer.setSpacing(10)
        if banner_note:
            note = Banner(self.points, 0.7, NOTE)
            note.setText(banner_note)
            outer.addWidget(note)
        self.outage = OutageBanner(self.points)
        outer.addWidget(self.outage)
        self.banner = Banner(self.points, 0.95, bold=True)
        self.banner.setMinimumHeight(int(self.points * 3))
        outer.addWidget(self.banner)
        scan_row = QHBoxLayout()
        scan_label = QLabel(_("Scan"))
        scan_label.setFont(scaled_font(self.font(), self.points * 0.9, bold=True))
        self.scan_field = QLineEdit()
        self.scan_field.setObjectName("scan")
        self.scan_field.setPlaceholderText(_(SCAN_PLACEHOLDER))
        self.scan_field.setFont(scaled_font(self.font(), self.points))
        self.scan_field.setClearButtonEnabled(True)
        self.scan_field.returnPressed.connect(self._on_scan_field)
        self.who = QLabel()
        self.who.setFont(scaled_font(self.font(), self.points * 0.65))
        self.who.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        scan_row.addWidget(scan_label)
        scan_row.addWidget(self.scan_field, 1)
        scan_row.addWidget(self.who)
        outer.addLayout(scan_row)

        self.pages = QStackedWidget()
        self.ready_page = ReadyPage(self.points)
        self.pages.addWidget(self.ready_page)
        self.work_page = WorkPage(self.points)
        self.pages.addWidget(self.work_page)
        self.picker = CandidatesPage(self.points)
        self.picker.picked.connect(lambda n: self.show_step(self.session.pick(n)))
        self.pages.addWidget(self.picker)
        self.sign_in_page = SignInPage(self.points)
        self.sign_in_page.pin_entered.connect(lambda b, p: self.show_step(self.session.sign_in(b, p)))
        self.pages.addWidget(self.sign_in_page)
        # On a screen smaller than the bench's text size needs (or at 150 % scaling), the pages scroll
        # rather than squeeze their lines and buttons over each other (fitted_points makes it rare).
        self.page_scroll = QScrollArea()
        self.page_scroll.setObjectName("pages")
        self.page_scroll.setWidgetResizable(True)
        self.page_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.page_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.page_scroll.setWidget(self.pages)
        outer.addWidget(self.page_scroll, 1)

        self.keys = KeysLine(self.points)
        outer.addWidget(self.keys)
        self.setCentralWidget(central)

        self.work_page.walkthrough.answered.connect(self.answer)
        self.work_page.walkthrough.chosen.connect(lambda d: self.choose(d, via="key"))
        self.work_page.preview_panel.confirm_requested.connect(self.confirm)
        reason = self.work_page.preview_panel.override_reason
        reason.currentTextChanged.connect(self.session.give_reason)
        reason.lineEdit().returnPressed.connect(self._reason_entered)
        self.runner.busy_changed.connect(self._on_busy)

    # ----- showing a step ---------------------------------------------------------------------
    def show_step(self, step: Step | None) -> None:
        """Draw what the step says, tell who listens, and run the work it hands over."""
        if step is None:
            return
        if step.problem is not None:
            self._unexpected(step.problem)
        if step.ignored:
            return
        if step.redraw:
            self._draw(step)
            self._camera_for(step)
        if self.pages.currentWidget() is self.work_page and step.auth is not None:
            self.work_page.show_photos(step, self._photos_required(step))
        if step.message is not None:
            self.say(step.message, TONE_COLOURS[step.tone])
        if step.sound is Sound.ACCEPT:
            self.sounds.accept()
        elif step.sound is Sound.REJECT:
            self.sounds.reject()
        self._announce(step)
        if step.decision is not None:
            self._write_started = time.perf_counter()
        if step.job is not None:
            self.run_job(step.job)
        if step.take_photo:
            self.photos.capture()  # CMD-PHOTO, P, F9 or the button, allowed by the inspection
        self._refocus()

    def run_job(self, job: Job | None) -> None:
        if job is not None:
            self.runner.run(
                job.work,
                lambda result: self.show_step(job.done(result)),
                lambda exc: self.show_step(job.failed(exc)),
            )

    def _draw(self, step: Step) -> None:
        state = step.state
        if state is State.SIGNED_OUT:
            self.sign_in_page.show_badge(step.badge)
            self.pages.setCurrentWidget(self.sign_in_page)
            self.scan_field.setPlaceholderText(_("Scan your badge"))
            self.actions.apply_permissions()
        elif state is State.READY:
            self.pages.setCurrentWidget(self.ready_page)
            self.scan_field.setPlaceholderText(_(SCAN_PLACEHOLDER))
        elif state is State.PICKING:
            self.picker.show_candidates(step.code, step.candidates)
            self.pages.setCurrentWidget(self.picker)
        else:
            self.work_page.show_step(step)
            self.pages.setCurrentWidget(self.work_page)
        self.state = SCREENS[state]
        self.state_changed.emit(self.state)

    def _photos_required(self, step: Step) -> int:
        """How many photos the chosen (else the recommended) disposition needs in all."""
        disposition = step.preview.disposition if step.preview is not None else step.recommended
        if disposition is None:
            return 0
        return self.service.photo_rule.needed_for(disposition)

    def _camera_for(self, step: Step) -> None:
        """The camera runs while a unit is open, so it is ready for P; an idle bench lets it rest."""
        if step.unit is not None and step.state is not State.DONE:
            self.photos.camera.start()
        else:
            self.photos.camera.stop()

    def _announce(self, step: Step) -> None:
        if step.event is Event.LOOKING_UP:
            self.rma_scanned.emit(step.code)
        if step.refusal is not None:
            self.scan_rejected.emit(step.refusal)
        decided = step.decided
        if decided is not None:
            self.ready_page.add_decided(decided)
        event = step.event
        if event is Event.CARD_SHOWN:
            self.last_timings["scan_to_card_ms"] = (time.perf_counter() - self._scan_started) * 1000
            self.card_shown.emit(step.auth)
        elif event is Event.CANDIDATES_SHOWN:
            self.candidates_shown.emit(len(step.candidates))
        elif event is Event.RECORDED and decided is not None:
            self.last_timings["confirm_to_next_ms"] = (time.perf_counter() - self._write_started) * 1000
            self.decision_recorded.emit(decided.outcome)
            if decided.label is not None:
                self.actions.make_label(decided.label)
        elif event is Event.RECORD_FAILED:
            self.record_failed.emit(step.message)
        elif event is Event.KEPT and decided is not None:
            self.watch.offline(step.went_offline)
            self.decision_kept.emit(decided.outcome.outcome_uid)
        elif event is Event.SIGNED_IN:
            self.actions.apply_permissions()
            self.signed_in.emit(self.session.inspector)
            self.actions.idle.start()
        elif event is Event.SIGNED_OUT:
            self.actions.idle.stop()
            self.signed_out.emit()
        elif event is Event.REVERSED:
            self.outcome_reversed.emit(step.reversed_uid)
        elif event is Event.RESTORED:
            self.connection_restored.emit(step.sent)

    # ----- messages -----------------------------------------------------------------------
    def say(self, text: str, colour: str = INFO) -> None:
        self.banner.say(text, colour)

    def _say_waiting(self) -> None:
        self.say(
            _(
                "Waiting for the database: another program is writing to it (an import?). "
                "Nothing is lost; the bench goes on by itself when it is done."
            ),
            NOTE,
        )

    def reject(self, message: str) -> None:
        self.say(message, ERROR)
        self.sounds.reject()
        self.scan_rejected.emit(message)
        self._refocus()

    def _refocus(self) -> None:
        if self.state == "signed_out" and self.sign_in_page.badge:
            self.sign_in_page.pin.setFocus()
        elif self.session.state is State.OVERRIDING and not self.work_page.preview_panel.reason_text():
            self.work_page.preview_panel.override_reason.setFocus()
        else:
            self.scan_field.setFocus()

    def _unexpected(self, exc: BaseException) -> None:
        """A bug: the box with its details opens once the current key or callback has finished."""
        QTimer.singleShot(0, lambda: failures.report_unexpected(exc, self))

    # ----- scans and keys ---------------------------------------------------------------------
    def _on_scan_field(self) -> None:
        text = self.scan_field.text()
        self.scan_field.clear()
        if text.strip():
            self.submit_scan(text)
        else:
            self.accept_recommendation()

    def submit_scan(self, raw: str) -> None:
        """Take a scan now, or after the database work under way finishes."""
        self._queue.append(raw)
        if not self.runner.busy:
            self._drain_queue()

    def _on_busy(self, busy: bool) -> None:
        # The field turns amber only for work a person could notice: a look-up or a ping of a few
        # milliseconds would restyle and repaint it twice for nothing (every ten seconds, at rest).
        if busy:
            self._busy_look.start()
            self._slow_work.start()
        else:
            self._busy_look.stop()
            self._slow_work.stop()
            if self.scan_field.styleSheet():
                self.scan_field.setStyleSheet("")
            self._drain_queue()

    def _drain_queue(self) -> None:
        while self._queue and not self.runner.busy:
            self._scan_started = time.perf_counter()
            self.show_step(self.session.scan(self._queue.popleft()))

    def answer(self, yes: bool) -> None:
        self.show_step(self.session.answer(yes))

    def accept_recommendation(self) -> None:
        if not self.runner.busy:
            self.show_step(self.session.accept())

    def choose(self, disposition: Disposition, via: str) -> None:
        """Decide the current unit: accept the recommendation, override it, or a scanned command."""
        if self.runner.busy and self.session.unit is not None:
            return  # the keys wait for the database work under way, as scans do
        self.show_step(self.session.choose(disposition, via))

    def confirm(self) -> None:
        """Write the current unit's outcome, its stock movement and its audit entry."""
        if self.photos.capturing:
            self.reject(_("Wait: the camera is taking a photo. Then confirm again."))
            return
        if not self.runner.busy:
            self.show_step(self.session.confirm())

    def cancel(self) -> None:
        """Leave the current unit undecided and write nothing."""
        if not self.runner.busy:
            self.show_step(self.session.cancel())

    def _reason_entered(self) -> None:
        step = self.session.reason_entered()
        if not step.ignored:
            self.scan_field.setFocus()
        self.show_step(step)

    def check_connection(self) -> None:
        """Ping the database off the GUI thread; send kept decisions when it answers again."""
        self.watch.check()

    # ----- people -------------------------------------------------------------------------
    def sign_out(self, message: str) -> None:
        """Back to the sign-in page; an open unit is left undecided and given back, and the windows
        opened for the person signed in are closed."""
        self.actions.close_windows()
        self.show_step(self.session.sign_out(message))

    # ----- the window -----------------------------------------------------------------------
    def _renew_claim(self) -> None:
        if not self.runner.busy:
            self.run_job(self.session.renew())

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt override
        if event.mimeData().hasUrls() and all(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt override
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if paths and all(is_image_path(p) for p in paths):
            event.acceptProposedAction()
            self.photos.dropped(paths)  # photos of the unit on screen
        else:
            self.actions.dropped(event)  # a report to import

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.actions.close_windows()
        self.photos.stop()
        self.run_job(self.session.leave())
        for runner in (self.runner, self.actions.label_runner):
            runner.wait(10000)
            runner.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.catcher)
        super().closeEvent(event)


def app_icon() -> QIcon:
    import importlib.resources

    return QIcon(str(importlib.resources.files("rmadesk.resources") / "icons" / "rmadesk.svg"))
