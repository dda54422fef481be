"""The inspection session without a window: every transition and every refusal, on real databases."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select, update

from rmadesk.domain.errors import DatabaseUnavailable
from rmadesk.domain.model import Decision, Disposition
from rmadesk.domain.people import open_actor
from rmadesk.domain.policy import load_policy
from rmadesk.domain.walkthrough import LIKE_NEW, MATCHES
from rmadesk.services.bench import BenchService
from rmadesk.services.demo import create_demo_data
from rmadesk.services.inspection import Event, InspectionSession, Sound, State, Step, Tone
from rmadesk.services.journal import FlushReport, Journal
from rmadesk.services.people import add_user
from rmadesk.settings import Settings
from rmadesk.store.models import Authorization, Outcome, OutcomeReversal, ScanCode, Unit
from rmadesk.store.types import utcnow
from rmadesk.store.uow import Store
from tests.actors import BOSS
from tests.conftest import FullDisk
from tests.photos import small_photo

TSHIRT = "DkQxRtLmRRMA"  # 1 unit, 19.99
KETTLE = "DpHwNcVbRRMA"  # 2 units
KETTLE_ORDER = "113-2076551-4410617"


def settle(step: Step) -> Step:
    """Run the step's database work here and now, as the window's worker would, to the last step."""
    while step.job is not None:
        job = step.job
        try:
            result = job.work()
        except Exception as exc:  # noqa: BLE001 - the session decides what a failure means
            following = job.failed(exc)
        else:
            following = job.done(result)
        if following is None:
            return step
        step = following
    return step


def service_for(store: Store, bench: str = "bench-1") -> BenchService:
    return BenchService(store, load_policy(), Settings(bench=bench, sounds=False))


@pytest.fixture
def session(store: Store) -> InspectionSession:
    create_demo_data(store, BOSS)
    return InspectionSession(service_for(store), "Ana")


def outcomes(store: Store) -> list[Outcome]:
    with store.read() as s:
        return list(s.scalars(select(Outcome).order_by(Outcome.id)))


def claimed(store: Store) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(Unit).where(Unit.claimed_by.is_not(None))) or 0


def open_unit(session: InspectionSession, code: str = TSHIRT) -> Step:
    step = settle(session.scan(code))
    assert step.state is State.ASKING, step.message
    return step


def test_the_first_step_is_ready_or_the_sign_in(session: InspectionSession, store: Store) -> None:
    step = session.opening()
    assert (step.state, step.redraw) == (State.READY, True) and "Scan the RMA barcode" in (step.message or "")
    signed_out = InspectionSession(service_for(store), None, sign_in_required=True)
    assert signed_out.opening().state is State.SIGNED_OUT


def test_a_whole_inspection_with_the_scanner_alone(session: InspectionSession, store: Store) -> None:
    """CMD-YES and CMD-NO answer the questions: the inspector never needs the keyboard."""
    settle(session.scan(TSHIRT))
    assert session.scan("CMD-YES").question == LIKE_NEW
    advice = session.scan("cmd-no")  # Caps Lock or not
    assert session.answers == {"matches": True, "like_new": False}
    for _question in range(5):  # the questions that follow a "no"
        if advice.state is State.RECOMMENDED:
            break
        advice = session.scan("CMD-NO")
    assert advice.state is State.RECOMMENDED and len(session.answers) >= 3
    assert session.scan("CMD-NO").ignored  # no question now: nothing changes
    assert session.state is State.RECOMMENDED
    settle(session.scan(advice.recommended.command if advice.recommended else "CMD-SELLER-FAULT"))
    done = settle(session.scan("CMD-CONFIRM"))
    assert done.event is Event.RECORDED and len(outcomes(store)) == 1


def test_a_whole_inspection_by_answers_and_acceptance(session: InspectionSession, store: Store) -> None:
    looking = session.scan(TSHIRT)
    assert looking.state is State.LOOKING_UP and looking.event is Event.LOOKING_UP and looking.code == TSHIRT
    assert looking.job is not None and looking.tone is Tone.BUSY
    card = settle(looking)
    assert card.state is State.ASKING and card.event is Event.CARD_SHOWN and card.sound is Sound.ACCEPT
    assert card.auth is not None and card.auth.rma_id == TSHIRT
    assert card.unit is not None and card.unit.seq == 1
    assert card.question == MATCHES and card.number == 1
    assert claimed(store) == 1  # the unit is held for this bench while it is inspected

    second = session.answer(True)
    assert second.state is State.ASKING and second.question == LIKE_NEW and second.number == 2
    assert second.message is None and second.redraw
    advice = session.answer(True)
    assert advice.state is State.RECOMMENDED and advice.recommended is Disposition.SELLABLE
    assert advice.question is None and "sold again" in advice.why

    preview = session.accept()
    assert preview.state is State.PREVIEWING and preview.preview is not None
    assert preview.preview.location == "RETURNS-RESTOCK" and "Confirm to write it" in (preview.message or "")
    assert outcomes(store) == []  # nothing is written before confirming

    writing = session.confirm()
    assert writing.state is State.RECORDING and writing.decision is not None and writing.job is not None
    assert writing.decision.answers == {"matches": True, "like_new": True}
    assert writing.decision.recommended is Disposition.SELLABLE and writing.decision.override_reason is None
    done = settle(writing)
    assert done.state is State.READY and done.event is Event.RECORDED and done.tone is Tone.OK
    assert "Recorded" in (done.message or "") and "complete" in (done.message or "")
    assert done.decided is not None and done.decided.seq == 1 and done.decided.label is not None
    assert done.auth is None and session.unit is None
    [outcome] = outcomes(store)
    assert (outcome.disposition, outcome.inspector, outcome.bench) == ("sellable", "Ana", "bench-1")
    assert outcome.outcome_uid == writing.decision.outcome_uid
    assert claimed(store) == 0


def test_command_codes_decide_unit_after_unit(session: InspectionSession, store: Store) -> None:
    first = open_unit(session, KETTLE)
    first_uid = session.outcome_uid
    assert first.unit is not None and first.unit.seq == 1
    chosen = session.scan("CMD-SELLER-FAULT")
    assert chosen.state is State.PREVIEWING and chosen.preview is not None
    assert chosen.preview.location == "UNSELLABLE"
    nxt = settle(session.scan("cmd-confirm"))  # Caps Lock on: still the command
    assert nxt.state is State.ASKING and nxt.unit is not None and nxt.unit.seq == 2
    assert "Next: unit 2 of 2" in (nxt.message or "") and nxt.answers == {}
    assert session.outcome_uid != first_uid  # a new outcome id for the next unit
    session.scan("]C0CMD-CARRIER-DAMAGED")
    for seed in (1, 2):  # the evidence a carrier-damaged unit needs (the default policy: 2 photos)
        session.add_photo(small_photo(seed))
    last = settle(session.scan("CMD-CONFIRM"))
    assert last.state is State.READY
    assert [o.disposition for o in outcomes(store)] == ["seller_fault", "carrier_damaged"]


def test_an_override_by_key_needs_a_reason(session: InspectionSession, store: Store) -> None:
    open_unit(session)
    session.answer(True)
    session.answer(True)
    overriding = session.choose(Disposition.SELLER_FAULT)
    assert overriding.state is State.OVERRIDING and overriding.tone is Tone.WARN
    assert "overrides the recommendation (Sellable)" in (overriding.message or "")
    refused = session.confirm()
    assert refused.refusal is not None and "Say why" in refused.refusal and refused.sound is Sound.REJECT
    assert session.state is State.OVERRIDING and refused.job is None
    session.give_reason("   ")
    assert session.confirm().refusal is not None
    assert session.reason_entered().ignored
    session.give_reason("Scuffed sole ")
    noted = session.reason_entered()
    assert not noted.ignored and "Reason noted" in (noted.message or "")
    settle(session.confirm())
    [outcome] = outcomes(store)
    assert (outcome.disposition, outcome.recommended, outcome.override_reason) == (
        "seller_fault",
        "sellable",
        "Scuffed sole",
    )


def test_a_scanned_override_names_its_code_and_needs_no_reason(
    session: InspectionSession, store: Store
) -> None:
    open_unit(session)
    session.answer(True)
    session.answer(True)
    step = session.scan("CMD-CARRIER-DAMAGED")
    assert step.state is State.PREVIEWING and step.reason == "Decided by scanning CMD-CARRIER-DAMAGED"
    session.give_reason("ignored: not overriding by key")
    session.add_photo(small_photo(1))
    session.add_photo(small_photo(2))
    settle(session.scan("CMD-CONFIRM"))
    [outcome] = outcomes(store)
    assert outcome.override_reason == "Decided by scanning CMD-CARRIER-DAMAGED"


def test_changing_the_decision_before_confirming(session: InspectionSession) -> None:
    open_unit(session)
    assert session.choose(Disposition.SELLABLE).state is State.PREVIEWING  # no recommendation yet: no reason
    session.give_reason("kept")
    step = session.choose(Disposition.CARRIER_DAMAGED)
    assert step.state is State.PREVIEWING and step.preview is not None
    assert step.preview.disposition is Disposition.CARRIER_DAMAGED and step.reason is None


def test_keys_that_mean_nothing_now_are_ignored(session: InspectionSession) -> None:
    assert session.answer(True).ignored  # nothing asked
    assert session.accept().ignored  # nothing recommended
    assert session.pick(1).ignored  # no list
    assert session.reason_entered().ignored
    open_unit(session)
    assert session.accept().ignored  # a question is still open
    session.answer(False)  # not the authorized item: seller-fault at once
    assert session.state is State.RECOMMENDED and session.recommended is Disposition.SELLER_FAULT
    assert session.answer(True).ignored  # no question left
    assert session.state is State.RECOMMENDED


def test_refusals_without_a_unit(session: InspectionSession, store: Store) -> None:
    for step, words in (
        (session.choose(Disposition.SELLABLE), "no unit to decide"),
        (session.scan("CMD-SELLABLE"), "no unit to decide"),
        (session.confirm(), "scan an RMA first"),
        (session.scan("CMD-CONFIRM"), "scan an RMA first"),
    ):
        assert step.refusal is not None and words in step.refusal, step.refusal
        assert step.state is State.READY and step.job is None and step.sound is Sound.REJECT
    nothing = session.cancel()
    assert not nothing.refusal and "Nothing to cancel" in (nothing.message or "") and not nothing.redraw
    assert outcomes(store) == []


def test_malformed_and_unknown_scans_are_refused(session: InspectionSession, store: Store) -> None:
    malformed = session.scan("RMA§§12")
    assert malformed.refusal is not None and "keyboard layout" in malformed.refusal and malformed.job is None
    empty = session.scan("  \x1d ")
    assert empty.refusal is not None and "empty" in empty.refusal
    unknown = settle(session.scan("NOPE12345"))
    assert unknown.refusal is not None and "No return authorization" in unknown.refusal
    assert unknown.state is State.READY and session.auth is None
    assert outcomes(store) == []


def test_confirming_before_deciding_is_refused(session: InspectionSession) -> None:
    open_unit(session)
    step = session.confirm()
    assert step.refusal is not None and "Decide the unit first" in step.refusal
    assert session.state is State.ASKING


def test_another_rma_while_a_unit_is_open_is_refused(session: InspectionSession) -> None:
    open_unit(session, KETTLE)
    again = session.scan(KETTLE)
    assert again.refusal is None and "already open: unit 1 of 2" in (again.message or "")
    other = session.scan(TSHIRT)
    assert other.refusal is not None and "not decided yet" in other.refusal and other.job is None
    assert session.auth is not None and session.auth.rma_id == KETTLE and session.state is State.ASKING


def test_while_writing_every_scan_and_key_waits(session: InspectionSession, store: Store) -> None:
    open_unit(session)
    session.scan("CMD-SELLABLE")
    writing = session.confirm()
    assert session.state is State.RECORDING
    for step in (
        session.scan(KETTLE),
        session.scan("CMD-SELLER-FAULT"),
        session.choose(Disposition.SELLER_FAULT),
        session.confirm(),
    ):
        assert step.refusal is not None and "being written" in step.refusal and step.job is None
        assert step.state is State.RECORDING
    assert session.cancel().ignored and session.answer(True).ignored
    settle(writing)
    assert [o.disposition for o in outcomes(store)] == ["sellable"]


def test_while_looking_up_a_scan_waits(session: InspectionSession) -> None:
    looking = session.scan(TSHIRT)
    step = session.scan(KETTLE)
    assert step.refusal is not None and "still being looked up" in step.refusal
    assert session.cancel().ignored
    assert settle(looking).state is State.ASKING


def test_cancel_gives_the_unit_back_and_writes_nothing(session: InspectionSession, store: Store) -> None:
    open_unit(session, KETTLE)
    session.answer(True)
    step = session.cancel()
    assert step.state is State.READY and step.redraw and step.tone is Tone.WARN
    assert "left undecided" in (step.message or "") and step.job is not None
    assert claimed(store) == 1
    settle(step)
    assert claimed(store) == 0 and outcomes(store) == []
    assert session.auth is None and session.answers == {}
    assert open_unit(session, KETTLE).unit.seq == 1  # type: ignore[union-attr]


def test_a_return_decided_already_shows_its_outcomes(session: InspectionSession, store: Store) -> None:
    open_unit(session)
    session.scan("CMD-SELLABLE")
    settle(session.confirm())
    done = settle(session.scan(TSHIRT))
    assert done.state is State.DONE and done.event is Event.CARD_SHOWN and done.sound is Sound.REJECT
    assert done.refusal == "already decided" and "Nothing was written" in (done.message or "")
    assert done.unit is None and done.auth is not None and done.auth.all_decided
    assert session.choose(Disposition.SELLABLE).refusal is not None
    assert session.cancel().state is State.READY
    assert settle(session.scan(KETTLE)).state is State.ASKING  # the next return opens at once
    assert len(outcomes(store)) == 1


def _second_return_on_the_kettle_order(store: Store) -> None:
    with store.unit_of_work() as s:
        auth_id = s.execute(
            insert(Authorization)
            .values(
                auth_key="DxTwoOrdRRMA",
                kind="RMA",
                source="demo",
                rma_id="DxTwoOrdRRMA",
                order_id=KETTLE_ORDER,
                sku="KETTLE-LID",
                item_name="Spare kettle lid",
                quantity=1,
                currency="USD",
            )
            .returning(Authorization.id)
        ).scalar_one()
        s.execute(insert(Unit).values(authorization_id=auth_id, seq=1, attempt=0))
        s.execute(
            insert(ScanCode),
            [
                {"code": code, "code_folded": code.upper(), "code_kind": kind, "authorization_id": auth_id}
                for code, kind in (("DxTwoOrdRRMA", "rma"), (KETTLE_ORDER, "order"))
            ],
        )


def test_an_order_with_several_returns_is_picked_from(session: InspectionSession, store: Store) -> None:
    _second_return_on_the_kettle_order(store)
    listed = settle(session.scan(KETTLE_ORDER))
    assert (
        listed.state is State.PICKING
        and listed.event is Event.CANDIDATES_SHOWN
        and len(listed.candidates) == 2
    )
    assert listed.code == KETTLE_ORDER and listed.tone is Tone.WARN
    wrong = session.scan("7")
    assert wrong.refusal is not None and "pick 1 to 2" in wrong.refusal and session.state is State.PICKING
    number = next(i for i, c in enumerate(listed.candidates, start=1) if c.display_id == "DxTwoOrdRRMA")
    picked = settle(session.scan(str(number)))
    assert picked.state is State.ASKING and picked.auth is not None and picked.auth.rma_id == "DxTwoOrdRRMA"
    session.cancel()
    settle(session.scan(KETTLE_ORDER))
    assert session.cancel().state is State.READY  # Esc leaves the list
    settle(session.scan(KETTLE_ORDER))
    assert settle(session.scan(KETTLE)).auth.rma_id == KETTLE  # type: ignore[union-attr]


def test_a_unit_decided_elsewhere_meanwhile_is_not_written_twice(
    session: InspectionSession, store: Store
) -> None:
    open_unit(session)
    session.scan("CMD-SELLABLE")
    assert session.unit is not None
    with store.unit_of_work() as s:  # this bench's claim ran out
        s.execute(
            update(Unit)
            .where(Unit.id == session.unit.unit_id)
            .values(claim_expires_at=utcnow() - timedelta(minutes=1))
        )
    service_for(store, "bench-2").record(
        Decision(
            "other-uid", session.unit.unit_id, Disposition.SELLER_FAULT, inspector="Ben", bench="bench-2"
        )
    )
    writing = session.confirm()
    assert writing.job is not None
    refused = writing.job.failed(_error_of(writing))
    assert refused is not None and refused.refusal is not None and "Ben" in refused.refusal
    assert refused.job is not None  # the return is read again
    done = settle(refused)
    assert done.state is State.DONE and done.tone is Tone.ERROR and "bench-2" in (done.message or "")
    assert [(o.disposition, o.bench) for o in outcomes(store)] == [("seller_fault", "bench-2")]


def _error_of(step: Step) -> BaseException:
    assert step.job is not None
    with pytest.raises(Exception) as caught:
        step.job.work()
    return caught.value


def test_a_failed_write_keeps_the_decision_on_screen(session: InspectionSession, store: Store) -> None:
    open_unit(session)
    session.choose(Disposition.SELLABLE)
    session.confirm()
    away = session.record_failed(DatabaseUnavailable("The shared database cannot be reached: gone."))
    assert away.event is Event.RECORD_FAILED and away.refusal is not None and "confirm again" in away.refusal
    assert session.state is State.PREVIEWING and session.disposition is Disposition.SELLABLE
    session.confirm()
    bug = session.record_failed(RuntimeError("boom"))
    assert bug.problem is not None and bug.refusal is not None and "not written" in bug.refusal
    assert session.state is State.PREVIEWING
    settle(session.confirm())
    assert len(outcomes(store)) == 1


def test_an_outage_keeps_decisions_on_the_bench(store: Store, tmp_path: Path) -> None:
    create_demo_data(store, BOSS)
    journal = Journal(tmp_path / "journal.sqlite3")
    session = InspectionSession(service_for(store), "Ana", journal=journal)
    open_unit(session, KETTLE)
    session.scan("CMD-SELLABLE")
    writing = session.confirm()
    assert writing.decision is not None
    kept = session.record_failed(DatabaseUnavailable("The shared database cannot be reached: gone."))
    assert kept.event is Event.KEPT and kept.went_offline is not None and kept.sound is Sound.ACCEPT
    assert kept.decided is not None and kept.decided.kept_on_bench and kept.decided.seq == 1
    assert kept.state is State.ASKING and kept.unit is not None and kept.unit.seq == 2  # the parcel goes on
    assert session.offline_since is not None and journal.count() == 1
    session.scan("CMD-SELLER-FAULT")
    second = session.confirm()
    assert second.decision is not None
    again = session.kept_offline(second.decision, "still gone")
    assert again.went_offline is None and again.state is State.READY  # already known to be away
    assert "sent when the shared database is back" in (again.message or "") and journal.count() == 2
    refused = session.scan(TSHIRT)
    assert refused.refusal is not None and "cannot be opened until it is back" in refused.refusal
    assert "2 decision(s)" in refused.refusal
    assert not session.go_offline()
    assert session.back_online(FlushReport(still_waiting=2)).ignored and session.offline_since is not None
    back = session.back_online(FlushReport(sent=[writing.decision, second.decision]))
    assert back.event is Event.RESTORED and back.sent == 2 and back.tone is Tone.OK
    assert session.offline_since is None and "2 decision(s) kept on this bench were sent" in (
        back.message or ""
    )
    assert session.back_online(None).ignored  # online all along: nothing to say
    elsewhere = FlushReport(decided_elsewhere=[(writing.decision, "decided by Ben")])
    session.go_offline()
    told = session.back_online(elsewhere)
    assert told.tone is Tone.ERROR and told.sound is Sound.REJECT and "decided by Ben" in (told.message or "")


def test_a_decision_that_cannot_be_kept_on_a_full_disk_stays_on_screen(
    store: Store, full_disk: FullDisk
) -> None:
    """The shared database is away and the bench's own disk is full: a clear message, the decision
    on screen, nothing half-written; once there is room, confirming keeps it."""
    create_demo_data(store, BOSS)
    journal = Journal(full_disk.folder / "journal.sqlite3")
    session = InspectionSession(service_for(store), "Ana", journal=journal)
    open_unit(session, KETTLE)
    session.scan("CMD-SELLABLE")
    writing = session.confirm()
    assert writing.decision is not None
    full_disk.fill()
    refused = session.record_failed(DatabaseUnavailable("The shared database cannot be reached: gone."))
    assert refused.refusal is not None and "the disk is full" in refused.refusal, refused.refusal
    assert "could not be kept on this bench" in refused.refusal
    assert session.state is State.PREVIEWING and session.disposition is Disposition.SELLABLE
    assert session.offline_since is None
    full_disk.free()
    assert journal.count() == 0  # nothing half-written
    again = session.confirm()
    assert again.decision is not None
    kept = session.record_failed(DatabaseUnavailable("The shared database cannot be reached: gone."))
    assert kept.event is Event.KEPT and journal.count() == 1


def test_lookups_that_fail_leave_the_state_as_it_was(session: InspectionSession) -> None:
    session.scan(TSHIRT)
    bug = session.lookup_failed(RuntimeError("boom"))
    assert bug.ignored and bug.problem is not None and session.state is State.READY


def test_claims_are_renewed_and_given_back(session: InspectionSession, store: Store) -> None:
    assert session.leave() is None and session.renew() is None
    open_unit(session)
    renew = session.renew()
    assert renew is not None
    renew.work()
    leave = session.leave()
    assert leave is not None
    leave.work()
    assert claimed(store) == 0


def test_sign_in_then_out(store: Store) -> None:
    create_demo_data(store, BOSS)
    boot = open_actor("setup", "office")
    add_user(store, name="Root", role="admin", badge="B-ROOT", pin="9999", actor=boot)
    from rmadesk.services.people import sign_in

    admin = sign_in(store, badge="B-ROOT", pin="9999", bench="office")
    add_user(store, name="Ana", role="inspector", badge="B-ANA", pin="1111", actor=admin)
    session = InspectionSession(service_for(store), None, sign_in_required=True)
    assert session.state is State.SIGNED_OUT
    first = session.scan("CMD-SELLABLE")
    assert first.refusal is not None and "Sign in first" in first.refusal
    badge = session.scan("B-ANA")
    assert badge.state is State.SIGNED_OUT and badge.badge == "B-ANA" and badge.redraw
    wrong = settle(session.sign_in("B-ANA", "0000"))
    assert wrong.refusal is not None and "Wrong PIN" in wrong.refusal and wrong.redraw and not wrong.badge
    assert session.actor is None
    ok = settle(session.sign_in("B-ANA", "1111"))
    assert ok.state is State.READY and ok.event is Event.SIGNED_IN and ok.sound is Sound.ACCEPT
    assert (
        session.actor is not None
        and session.inspector == "Ana"
        and "Signed in: Ana (inspector)" in ok.message
    )
    open_unit(session, KETTLE)
    out = session.sign_out("Signed out.")
    assert out.state is State.SIGNED_OUT and out.event is Event.SIGNED_OUT and "left undecided" in out.message
    assert session.actor is None and session.unit is None and out.job is not None
    settle(out)
    assert claimed(store) == 0
    assert session.sign_out("again").ignored
    assert session.cancel().state is State.SIGNED_OUT
    open_bench = InspectionSession(service_for(store), "Ana")
    assert open_bench.sign_out("Signed out.").ignored  # an open bench has nobody to sign out


def test_a_reversal_opens_the_unit_anew(session: InspectionSession, store: Store) -> None:
    assert session.reversal_refused() is not None  # nothing on screen
    open_unit(session)
    refused = session.reversal_refused()
    assert refused is not None and "Finish or cancel" in (refused.refusal or "")
    session.scan("CMD-SELLABLE")
    settle(session.confirm())
    settle(session.scan(TSHIRT))
    [(seq, outcome)] = session.decided_units()
    assert seq == 1 and session.reversal_refused() is None
    step = session.reverse(outcome.outcome_uid, "Hidden stain found on restock")
    assert step.job is not None and step.state is State.DONE
    reversed_ = step.job.done(step.job.work())
    assert reversed_ is not None and reversed_.event is Event.REVERSED and reversed_.reversed_uid
    assert "undecided again" in (reversed_.message or "") and reversed_.state is State.LOOKING_UP
    anew = settle(reversed_)
    assert anew.state is State.ASKING and anew.unit is not None and anew.unit.seq == 1
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(OutcomeReversal)) == 1
