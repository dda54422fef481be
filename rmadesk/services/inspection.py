"""The inspection flow of a bench: each scan, key and database answer turns into a step to show."""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from rmadesk.domain.errors import DatabaseUnavailable, MalformedCode, NothingToDecide, UserError
from rmadesk.domain.model import (
    AuthorizationView,
    Decision,
    Disposition,
    Money,
    OutcomePreview,
    OutcomeView,
    UnitView,
)
from rmadesk.domain.people import Actor, open_actor
from rmadesk.domain.photos import MAX_PHOTOS_NEEDED, Photo, photos_missing, photos_needed_message
from rmadesk.domain.scan import Command, parse_scan
from rmadesk.domain.walkthrough import Question, explain, next_question, recommend
from rmadesk.labels.unit_label import UnitLabel
from rmadesk.services import people as people_service
from rmadesk.services import reversal as reversal_service
from rmadesk.services.bench import BenchService, Candidate, Found, Recorded, new_outcome_uid
from rmadesk.services.journal import FlushReport, Journal
from rmadesk.services.unit_labels import unit_label_for
from rmadesk.store.types import utcnow
from rmadesk.text.i18n import N_, _, ngettext

log = logging.getLogger(__name__)

READY_TEXT = N_("Ready. Scan the RMA barcode on the return label.")
BADGE_TEXT = N_("Scan your badge to sign in.")

COMMAND_DISPOSITIONS = {
    Command.SELLABLE: Disposition.SELLABLE,
    Command.CARRIER_DAMAGED: Disposition.CARRIER_DAMAGED,
    Command.SELLER_FAULT: Disposition.SELLER_FAULT,
}


class State(enum.StrEnum):
    """Where the inspection stands. Being offline is apart from these (``offline_since``)."""

    SIGNED_OUT = "signed_out"  # a badge and PIN first
    READY = "ready"  # waiting for an RMA scan
    LOOKING_UP = "looking_up"  # a scan (or a pick) is being looked up and its unit claimed
    PICKING = "picking"  # the scan matched several returns: pick one
    ASKING = "asking"  # a walk-through question is on screen
    RECOMMENDED = "recommended"  # every question answered: a disposition is recommended
    PREVIEWING = "previewing"  # a disposition chosen: its outcome shown, to confirm
    OVERRIDING = "overriding"  # as previewing, against the recommendation: a reason is needed
    RECORDING = "recording"  # the confirmed decision is being written
    DONE = "done"  # the return on screen has every unit decided already


BUSY_STATES = (State.LOOKING_UP, State.RECORDING)
PREVIEW_STATES = (State.PREVIEWING, State.OVERRIDING)


class Tone(enum.Enum):
    """How a message reads: the window gives each its colour."""

    INFO = "info"
    OK = "ok"
    WARN = "warn"
    ERROR = "error"
    BUSY = "busy"


class Sound(enum.Enum):
    ACCEPT = "accept"
    REJECT = "reject"


class Event(enum.Enum):
    """What a step tells the world, beyond its screen (the window's signals)."""

    LOOKING_UP = "looking_up"
    CARD_SHOWN = "card_shown"
    CANDIDATES_SHOWN = "candidates_shown"
    RECORDED = "recorded"
    RECORD_FAILED = "record_failed"
    KEPT = "kept"
    SIGNED_IN = "signed_in"
    SIGNED_OUT = "signed_out"
    REVERSED = "reversed"
    RESTORED = "restored"
    PHOTOS_CHANGED = "photos_changed"


@dataclass(frozen=True)
class Job:
    """Database work for the caller to run off its GUI thread, then hand the result back.

    ``work`` holds no reference to the session; ``done`` and ``failed`` are the session's own
    continuations and return the next step (None: nothing to show).
    """

    work: Callable[[], Any]
    done: Callable[[Any], Step | None]
    failed: Callable[[BaseException], Step | None]


@dataclass(frozen=True)
class Decided:
    """A unit just decided, for the bench's list of recent decisions and its label."""

    outcome: OutcomeView
    display_id: str
    seq: int
    kept_on_bench: bool = False
    label: UnitLabel | None = None


@dataclass(frozen=True)
class Step:
    """What to show after a scan, a key or a database answer, and the work to run next.

    Attributes:
        state: the session's state after the step.
        redraw: the page for ``state`` is drawn anew; otherwise only the message changes.
        message: the banner text (None leaves the banner as it is).
        refusal: the step refused what was asked; this is said on ``scan_rejected``.
        ignored: nothing to show (a key that means nothing now); ``message`` says why.
        problem: an unexpected error to report with its details.
        job: database work to run next; its result comes back to the session.
        decision: the decision being written (while recording).
        went_offline: the shared database was just found away (the problem).
        photos: the open unit's photos so far, in the order taken (each with its ``thumbnail``).
        photos_needed: how many more photos the chosen (else the recommended) disposition needs
            before it can be confirmed.
        take_photo: take a photo now (CMD-PHOTO was scanned): the window captures a frame from
            its camera and hands it to ``add_photo``.
    """

    state: State
    redraw: bool = False
    message: str | None = None
    tone: Tone = Tone.INFO
    sound: Sound | None = None
    event: Event | None = None
    refusal: str | None = None
    ignored: bool = False
    problem: BaseException | None = None
    job: Job | None = None
    auth: AuthorizationView | None = None
    unit: UnitView | None = None
    answers: dict[str, bool] = field(default_factory=dict)
    question: Question | None = None
    recommended: Disposition | None = None
    why: str = ""
    preview: OutcomePreview | None = None
    reason: str | None = None
    code: str = ""
    candidates: tuple[Candidate, ...] = ()
    badge: str = ""
    decision: Decision | None = None
    decided: Decided | None = None
    went_offline: str | None = None
    reversed_uid: str = ""
    sent: int = 0
    photos: tuple[Photo, ...] = ()
    photos_needed: int = 0
    take_photo: bool = False

    @property
    def number(self) -> int:
        """The number of the question asked (1-based)."""
        return len(self.answers) + 1


class InspectionSession:
    """One bench's inspection, unit after unit, without a window.

    Every method returns the Step to show; database work comes back as the step's Job, whose
    result the caller hands to the job's continuation, wherever it ran the work.

    Attributes:
        state: where the inspection stands (State).
        actor: the person signed in, or None.
        auth: the return on screen; unit: the unit being decided.
        answers: walk-through answers so far; recommended: the disposition they point to.
        disposition, preview: the disposition chosen and its outcome before it is written.
        override_reason: why the choice differs from the recommendation.
        outcome_uid: the id minted for the unit's outcome (a retried write is not doubled).
        photos: the open unit's photos, written with its decision (cleared with the unit).
        offline_since: when the shared database was found away, or None.
    """

    def __init__(
        self,
        service: BenchService,
        inspector: str | Actor | None,
        *,
        journal: Journal | None = None,
        sign_in_required: bool = False,
    ) -> None:
        self.service = service
        self.bench = service.settings.bench
        self.journal = journal
        self.sign_in_required = sign_in_required
        if inspector is None or isinstance(inspector, Actor):
            self.actor: Actor | None = inspector
        else:
            self.actor = open_actor(inspector, self.bench)
        self.state = State.SIGNED_OUT if self.actor is None else State.READY
        self.offline_since: datetime | None = None
        self.candidates: tuple[Candidate, ...] = ()
        self._resume = self.state
        self._writing: Decision | None = None
        self._clear()

    @property
    def inspector(self) -> str:
        return self.actor.name if self.actor else ""

    def _clear(self) -> None:
        self.auth: AuthorizationView | None = None
        self.unit: UnitView | None = None
        self.answers: dict[str, bool] = {}
        self.recommended: Disposition | None = None
        self.disposition: Disposition | None = None
        self.preview: OutcomePreview | None = None
        self.override_reason: str | None = None
        self.outcome_uid = ""
        self.scanned_at: datetime | None = None
        self._photos: list[Photo] = []

    @property
    def photos(self) -> tuple[Photo, ...]:
        """The open unit's photos, in the order taken."""
        return tuple(self._photos)

    def photos_needed(self) -> int:
        """How many more photos the chosen (else the recommended) disposition needs."""
        disposition = self.disposition or self.recommended
        if self.unit is None or disposition is None:
            return 0
        return photos_missing(self.service.photo_rule, disposition, len(self._photos))

    # ----- steps ----------------------------------------------------------------------------
    def _step(self, message: str | None = None, tone: Tone = Tone.INFO, **kwargs: Any) -> Step:
        asking = self.state is State.ASKING
        return Step(
            state=self.state,
            message=message,
            tone=tone,
            auth=self.auth,
            unit=self.unit,
            answers=dict(self.answers),
            question=next_question(self.answers) if asking else None,
            recommended=self.recommended,
            why=explain(self.answers) if self.state is State.RECOMMENDED else "",
            preview=self.preview,
            reason=self.override_reason,
            candidates=self.candidates,
            photos=self.photos,
            photos_needed=self.photos_needed(),
            **kwargs,
        )

    def _show(self, message: str | None = None, tone: Tone = Tone.INFO, **kwargs: Any) -> Step:
        return self._step(message, tone, redraw=True, **kwargs)

    def _refuse(self, message: str, **kwargs: Any) -> Step:
        return self._step(message, Tone.ERROR, sound=Sound.REJECT, refusal=message, **kwargs)

    def _ignore(self, why: str) -> Step:
        return Step(state=self.state, message=why, ignored=True)

    def opening(self) -> Step:
        """The first screen: sign-in, or ready to scan."""
        if self.state is State.SIGNED_OUT:
            return self._show(_(BADGE_TEXT))
        return self._show(_(READY_TEXT))

    def _ready(self) -> None:
        self._clear()
        self.candidates = ()
        self.state = State.READY

    # ----- scans ----------------------------------------------------------------------------
    def scan(self, raw: str) -> Step:
        """What the scanner (or a person) typed: a badge, a command code, or an identifier."""
        try:
            scan = parse_scan(raw)
        except MalformedCode as exc:
            return self._refuse(exc.message)
        if self.state is State.SIGNED_OUT:
            if scan.command is not None:
                return self._refuse(_("Sign in first: scan your badge."))
            return self._show(_("Type your PIN, then Enter."), badge=scan.text)
        if self.state in BUSY_STATES:
            return self._refuse(_("Wait: {busy} Then scan again.").format(busy=self._busy_text()))
        if scan.command is not None:
            return self._command(scan.command)
        if self.unit is not None and self.auth is not None:
            if scan.text in (self.auth.rma_id, self.auth.merchant_rma_id):
                return self._step(
                    _("{display_id} is already open: unit {seq} of {quantity}.").format(
                        display_id=self.auth.display_id, seq=self.unit.seq, quantity=self.auth.quantity
                    )
                )
            return self._refuse(
                _(
                    "Unit {seq} of {quantity} of {display_id} is not decided yet. "
                    "Finish it (confirm), or scan CMD-CANCEL / press Esc, before scanning another RMA."
                ).format(seq=self.unit.seq, quantity=self.auth.quantity, display_id=self.auth.display_id)
            )
        if self.offline_since is not None and self.journal is not None:
            kept = self.journal.count()
            return self._refuse(
                ngettext(
                    "The shared database cannot be reached, so a new return cannot be opened until it is "
                    "back. {count} decision(s) are kept on this bench and will be sent then.",
                    "The shared database cannot be reached, so a new return cannot be opened until it is "
                    "back. {count} decision(s) are kept on this bench and will be sent then.",
                    kept,
                ).format(count=kept)
            )
        if self.state is State.PICKING and scan.text.isdigit():
            return self.pick(int(scan.text))
        service, code, who, bench = self.service, scan.text, self.inspector, self.bench
        return self._look_up(
            lambda: service.open(code, who=who, bench=bench),
            _("Looking up {code}…").format(code=code),
            event=Event.LOOKING_UP,
            code=code,
        )

    def _busy_text(self) -> str:
        if self.state is State.RECORDING and self.unit is not None and self.auth is not None:
            return _("unit {seq} of {display_id} is being written.").format(
                seq=self.unit.seq, display_id=self.auth.display_id
            )
        return _("the last scan is still being looked up.")

    def _command(self, command: Command) -> Step:
        if command in COMMAND_DISPOSITIONS:
            return self.choose(COMMAND_DISPOSITIONS[command], via=command.value)
        if command is Command.CONFIRM:
            return self.confirm()
        if command in (Command.YES, Command.NO):
            return self.answer(command is Command.YES)
        if command is Command.PHOTO:
            return self.take_photo()
        return self.cancel()

    def _look_up(self, work: Callable[[], Found], message: str | None = None, **kwargs: Any) -> Step:
        scanned_at = utcnow()
        self._resume, self.state = self.state, State.LOOKING_UP
        job = Job(work, lambda found: self.found(found, scanned_at), self.lookup_failed)
        return self._step(message, Tone.BUSY, job=job, **kwargs)

    def pick(self, number: int) -> Step:
        """One of the returns a scan matched, by its number in the list."""
        if self.state is not State.PICKING:
            return self._ignore(_("There is no list of returns to pick from."))
        if not 1 <= number <= len(self.candidates):
            return self._refuse(
                _("There is no return number {number} in the list: pick 1 to {last}.").format(
                    number=number, last=len(self.candidates)
                )
            )
        auth_id = self.candidates[number - 1].auth_id
        service, who, bench = self.service, self.inspector, self.bench
        return self._look_up(lambda: service.open_authorization(auth_id, who=who, bench=bench))

    def found(self, found: Found, scanned_at: datetime | None = None) -> Step:
        """What a scan names, looked up (and its unit claimed): its card, or the returns to pick from."""
        if found.authorization is not None:
            return self._opened(found.authorization, scanned_at or utcnow(), found.unit_id)
        self.candidates = found.candidates
        self.state = State.PICKING
        return self._show(
            _(
                "“{code}” matches {count} returns. Scan the RMA barcode, or type the "
                "number of the return and press Enter."
            ).format(code=found.code, count=len(found.candidates)),
            Tone.WARN,
            sound=Sound.ACCEPT,
            event=Event.CANDIDATES_SHOWN,
            code=found.code,
        )

    def lookup_failed(self, exc: BaseException) -> Step:
        self.state = self._resume
        return self._failed(exc)

    def _failed(self, exc: BaseException) -> Step:
        if isinstance(exc, UserError):
            return self._refuse(exc.message)
        return Step(state=self.state, ignored=True, problem=exc)

    def _opened(self, auth: AuthorizationView, scanned_at: datetime, unit_id: int | None) -> Step:
        self._clear()
        self.auth, self.scanned_at, self.candidates = auth, scanned_at, ()
        unit = auth.next_undecided
        already = _("{display_id}: every unit is already decided.").format(display_id=auth.display_id)
        if unit_id is not None:  # a license plate number names one unit
            named = next((u for u in auth.units if u.unit_id == unit_id), None)
            if named is not None and named.decided:
                unit, already = (
                    None,
                    _("Unit {seq} of {display_id} is already decided.").format(
                        seq=named.seq, display_id=auth.display_id
                    ),
                )
            elif named is not None:
                unit = named
        cannot_value = self.service.cannot_value(auth) if unit is not None else None
        if cannot_value is not None and unit is not None:
            self.state = State.DONE  # the unit's claim is let go, for a bench whose policy can value it
            return self._show(
                cannot_value,
                Tone.ERROR,
                sound=Sound.REJECT,
                refusal=_("no policy terms"),
                event=Event.CARD_SHOWN,
                job=self._release(unit.unit_id),
            )
        if unit is None:
            self.state = State.DONE
            return self._show(
                _("{already} Nothing was written.").format(already=already),
                Tone.WARN,
                sound=Sound.REJECT,
                refusal=_("already decided"),
                event=Event.CARD_SHOWN,
            )
        self._start(unit)
        return self._show(
            _("{display_id}: unit {seq} of {quantity}. Answer the questions, or scan a decision.").format(
                display_id=auth.display_id, seq=unit.seq, quantity=auth.quantity
            ),
            sound=Sound.ACCEPT,
            event=Event.CARD_SHOWN,
        )

    # ----- one unit -------------------------------------------------------------------------
    def _start(self, unit: UnitView) -> None:
        self.unit = unit
        self.answers = {}
        self.recommended = None
        self.disposition = None
        self.preview = None
        self.override_reason = None
        self.outcome_uid = new_outcome_uid()
        self._photos = []
        self._walk()

    def _walk(self) -> None:
        if next_question(self.answers) is None:
            self.recommended = recommend(self.answers)
            self.state = State.RECOMMENDED
        else:
            self.state = State.ASKING

    def answer(self, yes: bool) -> Step:
        """Answer the question on screen."""
        question = next_question(self.answers)
        if self.state is not State.ASKING or question is None:
            return self._ignore(_("No question is asked now."))
        self.answers[question.key] = yes
        self._walk()
        return self._show()

    def accept(self) -> Step:
        """Take the recommended disposition."""
        if self.state is not State.RECOMMENDED or self.recommended is None:
            return self._ignore(_("There is no recommendation to accept."))
        return self.choose(self.recommended, via="accept")

    def choose(self, disposition: Disposition, via: str = "key") -> Step:
        """Decide the unit: accept the recommendation, override it (a reason is asked), or a command code."""
        if self.unit is None or self.auth is None:
            return self._refuse(_("Scan an RMA first: there is no unit to decide."))
        if self.state in BUSY_STATES:
            return self._refuse(_("Wait: {busy}").format(busy=self._busy_text()))
        try:
            preview = self.service.preview(self.auth, disposition, self.unit)
        except UserError as exc:
            return self._refuse(exc.message)
        override = self.recommended is not None and disposition is not self.recommended
        self.disposition, self.preview, self.override_reason = disposition, preview, None
        self.state = State.PREVIEWING
        if override and via.startswith("CMD-"):
            self.override_reason = _("Decided by scanning {code}").format(code=via)
        elif override:
            self.state = State.OVERRIDING
            recommended = self.recommended.label if self.recommended else ""
            return self._show(
                _(
                    "{disposition} overrides the recommendation ({recommended}). "
                    "Pick or type a reason, then confirm."
                ).format(disposition=disposition.label, recommended=recommended),
                Tone.WARN,
            )
        total = Money(preview.reimbursement.total, preview.reimbursement.currency)
        return self._show(
            _("{disposition} → {location}, reimbursement {total}. Confirm to write it.").format(
                disposition=disposition.label, location=preview.location, total=total
            )
        )

    def give_reason(self, text: str) -> None:
        """The reason typed or picked for overriding the recommendation, as it stands."""
        if self.state is State.OVERRIDING:
            self.override_reason = text.strip() or None

    def reason_entered(self) -> Step:
        """Enter in the reason field."""
        if self.state is not State.OVERRIDING or not self.override_reason:
            return self._ignore(_("No reason is given yet."))
        return self._step(_("Reason noted. Confirm (F10 or scan CMD-CONFIRM) to write the outcome."))

    def confirm(self) -> Step:
        """Write the unit's outcome, its stock movement and its audit entry (the step's job)."""
        if self.unit is None or self.auth is None:
            return self._refuse(_("Nothing to confirm: scan an RMA first."))
        if self.state in BUSY_STATES:
            return self._refuse(_("Wait: {busy}").format(busy=self._busy_text()))
        if self.state not in PREVIEW_STATES or self.disposition is None:
            return self._refuse(
                _("Decide the unit first (F5–F7, Enter to accept, or scan a disposition code).")
            )
        if self.state is State.OVERRIDING and not self.override_reason:
            return self._refuse(
                _("Say why you override the recommendation: pick or type a reason, then confirm.")
            )
        needed = self.service.photo_rule.needed_for(self.disposition)
        if len(self._photos) < needed:
            return self._refuse(photos_needed_message(self.disposition, needed, len(self._photos)))
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
            photos=tuple(self._photos),
        )
        self._writing = decision
        self._resume, self.state = self.state, State.RECORDING
        service = self.service
        job = Job(lambda: service.record(decision, claim_next=True), self.recorded, self.record_failed)
        return self._step(
            _("Writing unit {seq} of {quantity}…").format(seq=self.unit.seq, quantity=self.auth.quantity),
            Tone.BUSY,
            job=job,
            decision=decision,
        )

    def recorded(self, recorded: Recorded) -> Step:
        """The decision is written: the next unit of the return, or ready for the next one."""
        outcome, auth = recorded.outcome, recorded.authorization
        seq = next(
            (u.seq for u in auth.units if u.outcome and u.outcome.outcome_uid == outcome.outcome_uid), 0
        )
        label = None if recorded.already_written else unit_label_for(auth, outcome, seq)
        decided = Decided(outcome, auth.display_id, seq, label=label)
        decided_as = outcome.disposition.label.lower()
        done = _("Recorded: {display_id} unit {seq} {disposition} → {location}.").format(
            display_id=auth.display_id, seq=seq, disposition=decided_as, location=outcome.location
        )
        self._writing = None
        nxt = next((u for u in auth.units if u.unit_id == recorded.next_unit_id), None)
        if nxt is not None:
            self._clear()
            self.auth, self.scanned_at = auth, utcnow()  # the next unit's time starts now
            self._start(nxt)
            message = _("{done} Next: unit {seq} of {quantity}.").format(
                done=done, seq=nxt.seq, quantity=auth.quantity
            )
            tone = Tone.OK
        elif recorded.next_unit_message:
            self._ready()
            message, tone = f"{done} {recorded.next_unit_message}", Tone.WARN
        else:
            self._ready()
            message = _("{done} {display_id} is complete. Scan the next RMA.").format(
                done=done, display_id=auth.display_id
            )
            tone = Tone.OK
        return self._show(message, tone, sound=Sound.ACCEPT, event=Event.RECORDED, decided=decided)

    def record_failed(self, exc: BaseException) -> Step:
        """The write failed: the decision stays on screen to retry, or is kept on the bench."""
        self.state = self._resume
        decision, self._writing = self._writing, None
        if isinstance(exc, NothingToDecide) and self.auth is not None:
            auth_id, service, message = self.auth.auth_id, self.service, exc.message
            self._resume, self.state = self.state, State.LOOKING_UP
            job = Job(
                lambda: service.refresh(auth_id), lambda a: self._refreshed(a, message), self.lookup_failed
            )
            return self._refuse(message, job=job)
        if isinstance(exc, DatabaseUnavailable) and self.journal is not None and decision is not None:
            return self.kept_offline(decision, exc.message)
        problem = None
        if isinstance(exc, DatabaseUnavailable):
            message = _("{problem} The decision is still on screen: confirm again to retry.").format(
                problem=exc.message
            )
        elif isinstance(exc, UserError):
            message = exc.message
        else:
            problem, message = exc, _("The outcome was not written. Confirm again to retry.")
        return self._refuse(message, event=Event.RECORD_FAILED, problem=problem)

    def _refreshed(self, auth: AuthorizationView, message: str) -> Step:
        step = self._opened(auth, self.scanned_at or utcnow(), None)
        return replace(step, message=message, tone=Tone.ERROR)

    def kept_offline(self, decision: Decision, problem: str) -> Step:
        """The shared database is away: keep the confirmed decision in the bench's journal and go on."""
        if self.journal is None or self.auth is None or self.unit is None:
            return self._refuse(
                _("{problem} The decision is still on screen: confirm again to retry.").format(
                    problem=problem
                )
            )
        now = utcnow()
        kept = replace(decision, decided_at=decision.decided_at or now)
        try:
            self.journal.add(kept, now)
        except UserError as exc:
            if self.state is State.RECORDING:
                self.state = self._resume
            return self._refuse(
                _(
                    "{problem} The decision could not be kept on this bench either: {reason} "
                    "It is still on screen: make room on this computer's disk, or wait for the "
                    "shared database, and confirm again."
                ).format(problem=problem, reason=exc.message),
                event=Event.RECORD_FAILED,
            )
        newly = self.go_offline(now)
        preview = self.preview or self.service.preview(self.auth, kept.disposition, self.unit)
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
        auth = replace(self.auth, units=units)
        decided = Decided(outcome, auth.display_id, seq, kept_on_bench=True)
        done = _("Kept on this bench: {display_id} unit {seq} {disposition}.").format(
            display_id=auth.display_id, seq=seq, disposition=kept.disposition.label.lower()
        )
        nxt = auth.next_undecided
        if nxt is not None:
            self._clear()
            self.auth, self.scanned_at = auth, now
            self._start(nxt)
            message = _("{done} Next: unit {seq} of {quantity}.").format(
                done=done, seq=nxt.seq, quantity=auth.quantity
            )
        else:
            self._ready()
            message = _("{done} It is sent when the shared database is back.").format(done=done)
        return self._show(
            message,
            Tone.WARN,
            sound=Sound.ACCEPT,
            event=Event.KEPT,
            decided=decided,
            went_offline=problem if newly else None,
        )

    # ----- photos ---------------------------------------------------------------------------
    def _photo_refused(self) -> Step | None:
        if self.unit is None or self.auth is None:
            return self._refuse(_("Scan an RMA first: a photo belongs to the unit being inspected."))
        if self.state in BUSY_STATES:
            return self._refuse(_("Wait: {busy}").format(busy=self._busy_text()))
        return None

    def take_photo(self) -> Step:
        """CMD-PHOTO (or the photo key): the window takes a frame and hands it to ``add_photo``."""
        refused = self._photo_refused()
        if refused is not None:
            return refused
        if len(self._photos) >= MAX_PHOTOS_NEEDED:
            return self._refuse(self._too_many())
        return self._step(_("Taking a photo…"), Tone.BUSY, take_photo=True)

    def _too_many(self) -> str:
        return _("Unit {seq} has {count} photos, as many as a unit takes. Remove one to add another.").format(
            seq=self.unit.seq if self.unit else 0, count=len(self._photos)
        )

    def add_photo(self, photo: Photo) -> Step:
        """A photo of the open unit (prepared by rmadesk.services.photos), kept until the unit is
        recorded or cancelled."""
        refused = self._photo_refused()
        if refused is not None:
            return refused
        if len(self._photos) >= MAX_PHOTOS_NEEDED:
            return self._refuse(self._too_many())
        same = next((i for i, p in enumerate(self._photos, start=1) if p.sha256 == photo.sha256), None)
        if same is not None:
            return self._refuse(_("This photo is already added (photo {number}).").format(number=same))
        self._photos.append(photo)
        return self._step(
            self._photos_text(_("Photo {number} added.").format(number=len(self._photos))),
            Tone.OK,
            sound=Sound.ACCEPT,
            event=Event.PHOTOS_CHANGED,
        )

    def remove_photo(self, index: int) -> Step:
        """Remove the open unit's photo at ``index`` (0 for the first) before the decision is confirmed."""
        refused = self._photo_refused()
        if refused is not None:
            return refused
        if not 0 <= index < len(self._photos):
            return self._refuse(
                _("There is no photo {number} to remove; the unit has {count}.").format(
                    number=index + 1, count=len(self._photos)
                )
            )
        del self._photos[index]
        return self._step(
            self._photos_text(_("Photo {number} removed.").format(number=index + 1)),
            Tone.WARN,
            event=Event.PHOTOS_CHANGED,
        )

    def add_photo_failed(self, exc: BaseException) -> Step:
        """A frame or file that could not become a photo (PhotoRefused, a camera gone): said, nothing kept."""
        return self._failed(exc)

    def _photos_text(self, done: str) -> str:
        missing = self.photos_needed()
        if missing:
            return ngettext(
                "{done} {count} more photo is needed before confirming.",
                "{done} {count} more photos are needed before confirming.",
                missing,
            ).format(done=done, count=missing)
        return done

    def cancel(self) -> Step:
        """Leave the unit undecided (and give it back), or leave the list or the decided return."""
        if self.state is State.SIGNED_OUT:
            return self._show(_(BADGE_TEXT))
        if self.state in BUSY_STATES:
            return self._ignore(_("Database work is under way."))
        if self.unit is not None and self.auth is not None:
            text = _("Unit {seq} of {quantity} of {display_id} left undecided. Nothing was written.").format(
                seq=self.unit.seq, quantity=self.auth.quantity, display_id=self.auth.display_id
            )
            job = self._release(self.unit.unit_id)
            self._ready()
            return self._show(text, Tone.WARN, job=job)
        if self.state in (State.DONE, State.PICKING):
            self._ready()
            return self._show(_(READY_TEXT))
        return self._step(_("Nothing to cancel. Scan the RMA barcode on the return label."))

    # ----- claims ---------------------------------------------------------------------------
    def _release(self, unit_id: int) -> Job:
        """Give the unit back so another bench may open it; a failure only lets the claim run out."""
        service, who, bench = self.service, self.inspector, self.bench
        return Job(lambda: service.release(unit_id, who=who, bench=bench), _nothing, _claim_failed)

    def leave(self) -> Job | None:
        """The bench closes: give back the unit on screen."""
        return self._release(self.unit.unit_id) if self.unit is not None else None

    def renew(self) -> Job | None:
        """Keep the claim on the unit on screen alive while the inspector works on it."""
        if self.unit is None or self.auth is None:
            return None
        service, who, bench = self.service, self.inspector, self.bench
        auth_id, unit_id = self.auth.auth_id, self.unit.unit_id
        return Job(
            lambda: service.claim(auth_id, who=who, bench=bench, prefer_unit=unit_id), _nothing, _claim_failed
        )

    # ----- people ---------------------------------------------------------------------------
    def sign_in(self, badge: str, pin: str) -> Step:
        store, bench = self.service.store, self.bench
        job = Job(
            lambda: people_service.sign_in(store, badge=badge, pin=pin, bench=bench),
            self.signed_in,
            self.sign_in_failed,
        )
        return self._step(_("Checking…"), Tone.BUSY, job=job)

    def signed_in(self, actor: Actor) -> Step:
        self.actor = actor
        self._ready()
        return self._show(
            _("Signed in: {name} ({role}). Scan the RMA barcode on the return label.").format(
                name=actor.name, role=actor.role.value
            ),
            Tone.OK,
            sound=Sound.ACCEPT,
            event=Event.SIGNED_IN,
        )

    def sign_in_failed(self, exc: BaseException) -> Step:
        if not isinstance(exc, UserError):
            return Step(state=self.state, ignored=True, problem=exc)
        return self._refuse(exc.message, redraw=True)

    def sign_out(self, message: str) -> Step:
        """Back to the sign-in page; an open unit is left undecided and given back."""
        if not self.sign_in_required or self.actor is None:
            return self._ignore(_("Nobody is signed in here."))
        job = None
        if self.unit is not None and self.auth is not None:
            job = self._release(self.unit.unit_id)
            message += " " + _("Unit {seq} of {display_id} was left undecided.").format(
                seq=self.unit.seq, display_id=self.auth.display_id
            )
        self._ready()
        self.actor, self.state = None, State.SIGNED_OUT
        return self._show(message, Tone.WARN, event=Event.SIGNED_OUT, job=job)

    # ----- reversals ------------------------------------------------------------------------
    def decided_units(self) -> list[tuple[int, OutcomeView]]:
        """The decided units of the return on screen, with their outcomes, to pick one to reverse."""
        if self.auth is None:
            return []
        return [(u.seq, u.outcome) for u in self.auth.units if u.outcome is not None]

    def reversal_refused(self) -> Step | None:
        """Why no outcome can be reversed now, or None."""
        if self.unit is not None:
            return self._refuse(_("Finish or cancel the unit on screen before reversing an outcome."))
        if not self.decided_units():
            return self._refuse(_("Open a return with a recorded outcome first (scan it), then F8."))
        return None

    def reverse(self, outcome_uid: str, reason: str) -> Step:
        """Reverse an outcome of the return on screen (a compensating record), then open it anew."""
        refused = self.reversal_refused()
        if refused is not None:
            return refused
        store, actor = self.service.store, self.actor
        job = Job(
            lambda: reversal_service.reverse_outcome(store, outcome_uid, reason=reason, actor=actor),
            self.reversed,
            self._failed,
        )
        return self._step(job=job)

    def reversed(self, done: reversal_service.Reversed) -> Step:
        assert self.auth is not None
        auth_id, service, who, bench = self.auth.auth_id, self.service, self.inspector, self.bench
        step = self._look_up(lambda: service.open_authorization(auth_id, who=who, bench=bench))
        return replace(
            step,
            message=_("Reversed: {display_id} unit {seq} is undecided again. Inspect it anew.").format(
                display_id=done.display_id, seq=done.unit_seq
            ),
            tone=Tone.OK,
            event=Event.REVERSED,
            reversed_uid=done.outcome_uid,
        )

    # ----- outages --------------------------------------------------------------------------
    def go_offline(self, now: datetime | None = None) -> bool:
        """The shared database is away; True when it was not known so before."""
        if self.offline_since is not None:
            return False
        self.offline_since = now or utcnow()
        return True

    def back_online(self, report: FlushReport | None) -> Step:
        """The shared database answered; ``report`` says what the journal sent."""
        if report is not None and report.still_waiting:
            return self._ignore(
                ngettext(
                    "{count} decision(s) still wait: the database went away again.",
                    "{count} decision(s) still wait: the database went away again.",
                    report.still_waiting,
                ).format(count=report.still_waiting)
            )
        was_offline, self.offline_since = self.offline_since is not None, None
        if report is None and not was_offline:
            return self._ignore(_("The shared database answers."))
        parts = [_("The shared database is back.")]
        if report is not None and report.sent:
            sent = len(report.sent)
            parts.append(
                ngettext(
                    "{count} decision(s) kept on this bench were sent.",
                    "{count} decision(s) kept on this bench were sent.",
                    sent,
                ).format(count=sent)
            )
        tone, sound = Tone.OK, None
        if report is not None and report.decided_elsewhere:
            tone, sound = Tone.ERROR, Sound.REJECT
            elsewhere = len(report.decided_elsewhere)
            parts.append(
                ngettext(
                    "{count} unit(s) were decided elsewhere meanwhile:",
                    "{count} unit(s) were decided elsewhere meanwhile:",
                    elsewhere,
                ).format(count=elsewhere)
            )
            parts.extend(message for _uid, message in report.decided_elsewhere[:3])
        return self._step(
            " ".join(parts), tone, sound=sound, event=Event.RESTORED, sent=len(report.sent) if report else 0
        )


def _nothing(_result: object) -> None:
    return None


def _claim_failed(exc: BaseException) -> None:
    log.warning("could not release or renew a claim: %s", exc)
