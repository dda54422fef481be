"""People, roles and reversals, enforced in the services, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from rmadesk.domain.errors import UserError
from rmadesk.domain.model import Decision, Disposition
from rmadesk.domain.people import Actor, PermissionDenied, Role, open_actor
from rmadesk.domain.policy import load_policy
from rmadesk.services.bench import BenchService, new_outcome_uid
from rmadesk.services.demo import create_demo_data
from rmadesk.services.export import write_outcomes_csv
from rmadesk.services.issue import IssueRequest, issue_rma
from rmadesk.services.people import SignInFailed, add_user, has_users, pin_matches, sign_in
from rmadesk.services.reversal import reverse_outcome
from rmadesk.settings import Settings
from rmadesk.store.models import (
    AuditEvent,
    Outcome,
    OutcomeReversal,
    ReimbursementLineRow,
    StockMovement,
    Unit,
    User,
)
from rmadesk.store.types import utcnow
from rmadesk.store.uow import Store
from tests.actors import BOSS, people

BOOT = open_actor("setup", "office")


def test_the_first_user_must_be_an_admin_and_only_admins_add_people(store: Store) -> None:
    assert not has_users(store)
    with pytest.raises(UserError, match="first user"):
        add_user(store, name="Ana", role="inspector", badge="B-ANA", pin="1111", actor=BOOT)
    actors = people(store)
    assert has_users(store)
    with pytest.raises(PermissionDenied, match="only an admin"):
        add_user(store, name="Eve", role="inspector", badge="B-EVE", pin="3333", actor=actors["supervisor"])
    with pytest.raises(UserError, match="exists already"):
        add_user(store, name="Ana", role="inspector", badge="B-ANA2", pin="1111", actor=actors["admin"])
    with pytest.raises(UserError, match="4 to 8 digits"):
        add_user(store, name="Bo", role="inspector", badge="B-BO", pin="12a4", actor=actors["admin"])
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(User)) == 3


def test_pins_are_stored_as_slow_salted_hashes(store: Store) -> None:
    people(store)
    with store.read() as s:
        hashes = list(s.scalars(select(User.pin_hash)))
    assert all(h.startswith("scrypt$16384$") for h in hashes)
    assert not any("1111" in h or "9999" in h for h in hashes)
    assert len(set(hashes)) == 3
    assert pin_matches("1111", hashes[0]) or pin_matches("1111", hashes[1]) or pin_matches("1111", hashes[2])
    assert not any(pin_matches("0000", h) for h in hashes)


def test_sign_in_gives_the_role_and_repeated_wrong_pins_lock_the_badge(store: Store) -> None:
    people(store)
    ana = sign_in(store, badge="B-ANA", pin="1111", bench="bench-1")
    assert (ana.name, ana.role, ana.bench, ana.open_bench) == ("Ana", Role.INSPECTOR, "bench-1", False)
    with pytest.raises(SignInFailed, match="not known"):
        sign_in(store, badge="B-NOBODY", pin="1111", bench="bench-1")
    for left in (4, 3, 2, 1):
        with pytest.raises(SignInFailed, match=f"{left} tries left"):
            sign_in(store, badge="B-ANA", pin="0000", bench="bench-1")
    with pytest.raises(SignInFailed, match="locked for 5 minutes"):
        sign_in(store, badge="B-ANA", pin="0000", bench="bench-1")
    with pytest.raises(SignInFailed, match="locked"):  # even the right PIN, while locked
        sign_in(store, badge="B-ANA", pin="1111", bench="bench-1")
    later = utcnow() + timedelta(minutes=6)
    assert sign_in(store, badge="B-ANA", pin="1111", bench="bench-1", now=later).name == "Ana"
    with store.read() as s:
        actions = list(s.scalars(select(AuditEvent.action).where(AuditEvent.entity_key == "Ana")))
    assert "badge_locked" in actions and actions.count("sign_in") == 3  # in people(), then twice here


def test_only_supervisors_and_admins_issue_rmas(store: Store) -> None:
    actors = people(store)
    request = IssueRequest(order_id="O-1", sku="S-1", quantity=1, reason="goodwill")
    with pytest.raises(PermissionDenied, match="issue seller RMAs"):
        issue_rma(store, request, actor=actors["inspector"])
    assert issue_rma(store, request, actor=actors["supervisor"]).rma_id.startswith("R")


def _decide(store: Store, rma: str, disposition: Disposition, actor: Actor) -> str:
    service = BenchService(store, load_policy(), Settings(bench=actor.bench))
    unit = service.lookup(rma).units[0]
    uid = new_outcome_uid()
    service.record(Decision(uid, unit.unit_id, disposition, inspector=actor.name, bench=actor.bench))
    return uid


def test_a_supervisor_reverses_an_outcome_with_compensating_records(store: Store) -> None:
    create_demo_data(store, BOSS)
    actors = people(store)
    uid = _decide(store, "DsGtYuJkRRMA", Disposition.CARRIER_DAMAGED, actors["inspector"])
    with pytest.raises(PermissionDenied, match="reverse an outcome"):
        reverse_outcome(store, uid, reason="wrong box", actor=actors["inspector"])
    with pytest.raises(UserError, match="Say why"):
        reverse_outcome(store, uid, reason="  ", actor=actors["supervisor"])
    done = reverse_outcome(store, uid, reason="It was the customer's damage", actor=actors["supervisor"])
    assert (done.display_id, done.unit_seq) == ("DsGtYuJkRRMA", 1)
    with store.read() as s:
        outcome = s.scalar(select(Outcome).where(Outcome.outcome_uid == uid))
        assert outcome is not None and outcome.disposition == "carrier_damaged"  # never edited
        reversal = s.scalar(select(OutcomeReversal))
        assert reversal is not None and reversal.reversed_by == "Sue" and reversal.outcome_id == outcome.id
        stock = s.execute(
            select(StockMovement.location, func.sum(StockMovement.quantity)).group_by(StockMovement.location)
        ).all()
        assert stock == [("DAMAGED-CLAIM", 0)]
        lines = list(s.scalars(select(ReimbursementLineRow.amount)))
        assert sum(lines, Decimal(0)) == Decimal(0) and len(lines) == 4
        assert s.scalar(select(Unit.attempt).where(Unit.id == outcome.unit_id)) == 1
        audit = s.scalar(select(AuditEvent).where(AuditEvent.action == "reverse"))
        assert (
            audit is not None and '"attempt": 0' in (audit.before or "") and "customer" in (audit.after or "")
        )
    out = StringIO()
    assert (
        write_outcomes_csv(store, out, actors["supervisor"]) == 0
    )  # the reversed outcome is no longer current
    with pytest.raises(UserError, match="reversed already"):
        reverse_outcome(store, uid, reason="again", actor=actors["admin"])
    again = _decide(store, "DsGtYuJkRRMA", Disposition.SELLER_FAULT, actors["inspector"])
    out = StringIO()
    assert write_outcomes_csv(store, out, actors["supervisor"]) == 1 and "seller_fault" in out.getvalue()
    with store.read() as s:
        assert s.scalar(select(Outcome.attempt).where(Outcome.outcome_uid == again)) == 1


def test_the_audit_trail_cannot_be_changed_or_deleted(store: Store) -> None:
    people(store)
    with pytest.raises(Exception, match="append-only"):
        with store.unit_of_work() as s:
            s.execute(text("UPDATE audit_event SET actor = 'someone else'"))
    with pytest.raises(Exception, match="append-only"):
        with store.unit_of_work() as s:
            s.execute(text("DELETE FROM audit_event"))
    with store.read() as s:
        assert (
            s.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.actor == "someone else"))
            == 0
        )
        assert s.scalar(select(func.count()).select_from(AuditEvent)) >= 3


def test_only_supervisors_and_admins_import_reports(store: Store, tmp_path: Path) -> None:
    from rmadesk.services.imports import import_report
    from tests.perf.mfn_generator import write_mfn_report

    actors = people(store)
    report = tmp_path / "returns.txt"
    write_mfn_report(report, 5)
    with pytest.raises(PermissionDenied, match="import reports"):
        import_report(store, report, actor=actors["inspector"])
    assert import_report(store, report, actor=actors["supervisor"]).added == 5
