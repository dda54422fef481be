"""BenchService on the demo data, on a real SQLite file and on the real PostgreSQL server."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from rmadesk.domain.errors import NothingToDecide, UnknownCode
from rmadesk.domain.model import AuthorizationView, Decision, Disposition
from rmadesk.domain.policy import load_policy
from rmadesk.services.bench import BenchService, Recorded, new_outcome_uid
from rmadesk.services.demo import create_demo_data
from rmadesk.settings import Settings
from rmadesk.store.models import (
    AuditEvent,
    Authorization,
    Outcome,
    ReimbursementLineRow,
    StockMovement,
)
from rmadesk.store.uow import Store
from tests.actors import BOSS

TSHIRT = "DkQxRtLmRRMA"  # 19.99, tax 1.60, 1 unit
KETTLE = "DpHwNcVbRRMA"  # 79.98 for 2 units, tax 6.40
BOOK = "DsGtYuJkRRMA"  # 24.50, books (media), no tax
HEADSET = "DzMbQeWfRRMA"  # 45.00, tax 3.60
MUGS = "DaLpKsOiRRMA"  # 38.97 for 3 units, tax 3.12

D = Decimal


@pytest.fixture
def bench(store: Store) -> BenchService:
    ids, added = create_demo_data(store, BOSS)
    assert added == 5 and len(ids) == 5
    return BenchService(store, load_policy(), Settings(bench="b1"))


def _count(store: Store, model: type) -> int:
    """Rows of the table; of the audit, the events after the demo data was written."""
    stmt = select(func.count()).select_from(model)
    if model is AuditEvent:
        stmt = stmt.where(AuditEvent.action != "demo_data")
    with store.read() as session:
        return session.scalar(stmt)


def _decide(
    bench: BenchService,
    auth: AuthorizationView,
    disposition: Disposition,
    *,
    inspector: str = "Ana",
    uid: str | None = None,
    unit_id: int | None = None,
) -> Recorded:
    unit = auth.next_undecided
    assert unit is not None or unit_id is not None
    return bench.record(
        Decision(
            outcome_uid=uid or new_outcome_uid(),
            unit_id=unit_id if unit_id is not None else unit.unit_id,  # type: ignore[union-attr]
            disposition=disposition,
            inspector=inspector,
            bench=bench.settings.bench,
        )
    )


# --- look-ups ----------------------------------------------------------------------------------------


def test_lookup_exact(bench: BenchService) -> None:
    auth = bench.lookup(TSHIRT)
    assert auth.rma_id == TSHIRT
    assert auth.order_id == "114-3941689-8772232"
    assert auth.sku == "TSHIRT-BLU-L"
    assert auth.quantity == 1 and len(auth.units) == 1
    assert auth.unit_price is not None and auth.unit_price.amount == D("19.99")
    assert auth.unit_price.currency == "USD"
    assert auth.unit_tax is not None and auth.unit_tax.amount == D("1.60")
    assert not auth.all_decided and auth.next_undecided is auth.units[0]


def test_lookup_with_caps_lock_flipped_case(bench: BenchService) -> None:
    flipped = TSHIRT.swapcase()
    assert flipped == "dKqXrTlMrrma"
    auth = bench.lookup(flipped)
    assert auth.rma_id == TSHIRT
    assert bench.lookup(TSHIRT.upper()).rma_id == TSHIRT


def test_lookup_by_order_id(bench: BenchService) -> None:
    auth = bench.lookup("113-2076551-4410617")
    assert auth.rma_id == KETTLE
    assert auth.quantity == 2
    assert [u.seq for u in auth.units] == [1, 2]


def test_lookup_unknown_code(bench: BenchService) -> None:
    with pytest.raises(UnknownCode) as info:
        bench.lookup("DxXxXxXxRRMA")
    assert "DxXxXxXxRRMA" in str(info.value)


# --- previews by the default policy, worked out by hand ---------------------------------------------

# (rma id, disposition) -> (restocked, location, {component: amount}); zero lines are not listed.
EXPECTED_PREVIEWS = {
    # T-shirt 19.99, tax 1.60: referral 2.9985; admin fee 0.5997; part 2.3988 -> 2.40.
    (TSHIRT, Disposition.SELLABLE): (True, "RETURNS-RESTOCK", {}),
    (TSHIRT, Disposition.CARRIER_DAMAGED): (
        False,
        "DAMAGED-CLAIM",
        {"sale_price": D("19.99"), "referral_fee_part": D("2.40"), "tax": D("1.60")},
    ),
    (TSHIRT, Disposition.SELLER_FAULT): (False, "UNSELLABLE", {"referral_fee": D("3.00")}),
    # Kettle 79.98 / 2 = 39.99, tax 3.20: referral 5.9985; admin 1.1997; part 4.7988 -> 4.80.
    (KETTLE, Disposition.SELLABLE): (True, "RETURNS-RESTOCK", {}),
    (KETTLE, Disposition.CARRIER_DAMAGED): (
        False,
        "DAMAGED-CLAIM",
        {"sale_price": D("39.99"), "referral_fee_part": D("4.80"), "tax": D("3.20")},
    ),
    (KETTLE, Disposition.SELLER_FAULT): (False, "UNSELLABLE", {"referral_fee": D("6.00")}),
    # Book 24.50, media, no tax: closing fee 1.80, 80 % of it 1.44; referral 3.675 -> 3.68;
    # admin 0.735; part 2.94.
    (BOOK, Disposition.SELLABLE): (True, "RETURNS-RESTOCK", {"variable_closing_fee_part": D("1.44")}),
    (BOOK, Disposition.CARRIER_DAMAGED): (
        False,
        "DAMAGED-CLAIM",
        {"sale_price": D("24.50"), "referral_fee_part": D("2.94")},
    ),
    (BOOK, Disposition.SELLER_FAULT): (
        False,
        "UNSELLABLE",
        {"referral_fee": D("3.68"), "variable_closing_fee": D("1.80")},
    ),
    # Headset 45.00, tax 3.60: referral 6.75; admin 1.35; part 5.40.
    (HEADSET, Disposition.CARRIER_DAMAGED): (
        False,
        "DAMAGED-CLAIM",
        {"sale_price": D("45.00"), "referral_fee_part": D("5.40"), "tax": D("3.60")},
    ),
    # Mugs 38.97 / 3 = 12.99, tax 1.04: referral 1.9485 -> 1.95; admin 0.3897; part 1.5588 -> 1.56.
    (MUGS, Disposition.CARRIER_DAMAGED): (
        False,
        "DAMAGED-CLAIM",
        {"sale_price": D("12.99"), "referral_fee_part": D("1.56"), "tax": D("1.04")},
    ),
    (MUGS, Disposition.SELLER_FAULT): (False, "UNSELLABLE", {"referral_fee": D("1.95")}),
}

EXPECTED_TOTALS = {
    (TSHIRT, Disposition.SELLABLE): D("0.00"),
    (TSHIRT, Disposition.CARRIER_DAMAGED): D("23.99"),
    (TSHIRT, Disposition.SELLER_FAULT): D("3.00"),
    (KETTLE, Disposition.CARRIER_DAMAGED): D("47.99"),
    (KETTLE, Disposition.SELLER_FAULT): D("6.00"),
    (BOOK, Disposition.SELLABLE): D("1.44"),
    (BOOK, Disposition.CARRIER_DAMAGED): D("27.44"),
    (BOOK, Disposition.SELLER_FAULT): D("5.48"),
    (HEADSET, Disposition.CARRIER_DAMAGED): D("54.00"),
    (MUGS, Disposition.CARRIER_DAMAGED): D("15.59"),
}


def test_preview_matches_the_default_policy(bench: BenchService) -> None:
    kettle = bench.lookup(KETTLE)
    assert kettle.unit_price is not None and kettle.unit_price.amount == D("39.99")
    assert kettle.unit_tax is not None and kettle.unit_tax.amount == D("3.20")
    book = bench.lookup(BOOK)
    assert book.category == "books"

    for (rma_id, disposition), (restocked, location, lines) in EXPECTED_PREVIEWS.items():
        preview = bench.preview(bench.lookup(rma_id), disposition)
        assert preview.disposition is disposition
        assert (preview.restocked, preview.location) == (restocked, location), (rma_id, disposition)
        got = {line.component: line.amount for line in preview.reimbursement.lines}
        assert got == lines, (rma_id, disposition)
        assert preview.reimbursement.total == sum(lines.values(), D("0.00"))
        assert preview.reimbursement.currency == "USD"
        assert preview.reimbursement.policy_name == "default"
    for (rma_id, disposition), total in EXPECTED_TOTALS.items():
        assert bench.preview(bench.lookup(rma_id), disposition).reimbursement.total == total


def test_preview_uses_the_bench_locations(store: Store) -> None:
    create_demo_data(store, BOSS)
    settings = Settings(bench="b2", restock_location="B-GRADE", carrier_damaged_location="CLAIMS-2")
    bench = BenchService(store, load_policy(), settings)
    auth = bench.lookup(TSHIRT)
    assert bench.preview(auth, Disposition.SELLABLE).location == "B-GRADE"
    assert bench.preview(auth, Disposition.CARRIER_DAMAGED).location == "CLAIMS-2"
    assert bench.preview(auth, Disposition.SELLER_FAULT).location == "UNSELLABLE"


# --- recording ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rma_id", "disposition", "location", "sellable"),
    [
        (TSHIRT, Disposition.SELLABLE, "RETURNS-RESTOCK", True),
        (TSHIRT, Disposition.CARRIER_DAMAGED, "DAMAGED-CLAIM", False),
        (BOOK, Disposition.SELLER_FAULT, "UNSELLABLE", False),
        (KETTLE, Disposition.CARRIER_DAMAGED, "DAMAGED-CLAIM", False),
    ],
)
def test_record_writes_outcome_movement_lines_and_audit(
    bench: BenchService, store: Store, rma_id: str, disposition: Disposition, location: str, sellable: bool
) -> None:
    auth = bench.lookup(rma_id)
    unit = auth.units[0]
    uid = new_outcome_uid()
    before = datetime.now(UTC)
    recorded = _decide(bench, auth, disposition, uid=uid, inspector="Ana")
    after = datetime.now(UTC)

    assert recorded.already_written is False
    outcome = recorded.outcome
    assert outcome.outcome_uid == uid
    assert outcome.disposition is disposition
    assert outcome.restocked is sellable
    assert outcome.location == location
    assert outcome.reimbursement_total == EXPECTED_TOTALS.get(
        (rma_id, disposition), outcome.reimbursement_total
    )
    assert outcome.reimbursement_total == bench.preview(auth, disposition).reimbursement.total
    assert (outcome.inspector, outcome.bench, outcome.currency) == ("Ana", "b1", "USD")
    assert outcome.decided_at.tzinfo is not None and outcome.decided_at.utcoffset() == timedelta(0)
    assert before - timedelta(seconds=1) <= outcome.decided_at <= after + timedelta(seconds=1)
    assert recorded.authorization.units[0].outcome == outcome

    with store.read() as session:
        rows = session.scalars(select(Outcome)).all()
        assert len(rows) == 1
        row = rows[0]
        assert (row.outcome_uid, row.unit_id, row.attempt) == (uid, unit.unit_id, 0)
        assert row.disposition == disposition.value
        assert row.policy_name == "default"
        assert row.decided_at.utcoffset() == timedelta(0)
        assert abs(row.decided_at - outcome.decided_at) < timedelta(milliseconds=1)

        moves = session.scalars(select(StockMovement)).all()
        assert len(moves) == 1
        move = moves[0]
        assert (move.outcome_id, move.sku, move.quantity) == (row.id, auth.sku, 1)
        assert (move.location, move.sellable) == (location, sellable)

        lines = session.scalars(select(ReimbursementLineRow).where(ReimbursementLineRow.outcome_id == row.id))
        lines = lines.all()
        expected = {
            line.component: line.amount for line in bench.preview(auth, disposition).reimbursement.lines
        }
        assert {line.component: line.amount for line in lines} == expected
        assert sum((line.amount for line in lines), D("0")) == row.reimbursement_total
        assert all(line.currency == "USD" for line in lines)

        audits = session.scalars(select(AuditEvent).where(AuditEvent.action != "demo_data")).all()
        assert [(a.action, a.entity, a.actor, a.bench) for a in audits] == [("decide", "unit", "Ana", "b1")]
        assert audits[0].entity_key == f"{rma_id}#1"
        assert uid in (audits[0].after or "")

        stored = session.scalars(select(Authorization).where(Authorization.rma_id == rma_id)).one()
        assert stored.arrived_at is not None
        assert stored.arrived_at.utcoffset() == timedelta(0)
        assert before - timedelta(seconds=1) <= stored.arrived_at <= after + timedelta(seconds=1)
        others = session.scalars(select(Authorization).where(Authorization.rma_id != rma_id)).all()
        assert [a.arrived_at for a in others] == [None] * 4


def test_record_keeps_scanned_at_as_arrival(bench: BenchService, store: Store) -> None:
    auth = bench.lookup(HEADSET)
    scanned = datetime(2026, 3, 2, 9, 15, tzinfo=UTC)
    bench.record(
        Decision(
            outcome_uid=new_outcome_uid(),
            unit_id=auth.units[0].unit_id,
            disposition=Disposition.SELLER_FAULT,
            inspector="Ana",
            bench="b1",
            scanned_at=scanned,
        )
    )
    with store.read() as session:
        stored = session.scalars(select(Authorization).where(Authorization.rma_id == HEADSET)).one()
        outcome = session.scalars(select(Outcome)).one()
    assert stored.arrived_at == scanned
    assert outcome.scanned_at == scanned


def test_same_decision_twice_is_written_once(bench: BenchService, store: Store) -> None:
    auth = bench.lookup(TSHIRT)
    decision = Decision(
        outcome_uid=new_outcome_uid(),
        unit_id=auth.units[0].unit_id,
        disposition=Disposition.CARRIER_DAMAGED,
        inspector="Ana",
        bench="b1",
    )
    first = bench.record(decision)
    again = bench.record(decision)
    assert first.already_written is False
    assert again.already_written is True
    assert again.outcome.outcome_uid == decision.outcome_uid
    assert again.outcome.reimbursement_total == D("23.99")
    assert again.authorization.all_decided
    assert _count(store, Outcome) == 1
    assert _count(store, StockMovement) == 1
    assert _count(store, ReimbursementLineRow) == 3
    assert _count(store, AuditEvent) == 1


def test_second_decision_for_a_decided_unit_names_the_first(bench: BenchService, store: Store) -> None:
    auth = bench.lookup(TSHIRT)
    unit_id = auth.units[0].unit_id
    _decide(bench, auth, Disposition.SELLABLE, inspector="Ana")
    other = BenchService(store, load_policy(), Settings(bench="b3"))
    with pytest.raises(NothingToDecide) as info:
        _decide(other, auth, Disposition.SELLER_FAULT, inspector="Ben", unit_id=unit_id)
    message = str(info.value)
    assert "Ana" in message
    assert "b1" in message
    assert "Ben" not in message
    assert "sellable" in message
    assert _count(store, Outcome) == 1
    with store.read() as session:
        assert session.scalars(select(Outcome.inspector)).all() == ["Ana"]
    assert _count(store, StockMovement) == 1
    assert _count(store, AuditEvent) == 1


def test_all_units_decided(bench: BenchService, store: Store) -> None:
    auth = bench.lookup(MUGS)
    assert auth.quantity == 3 and len(auth.units) == 3
    dispositions = [Disposition.SELLABLE, Disposition.CARRIER_DAMAGED, Disposition.SELLER_FAULT]
    for n, disposition in enumerate(dispositions):
        recorded = _decide(bench, auth, disposition)
        auth = recorded.authorization
        assert [u.decided for u in auth.units] == [i <= n for i in range(3)]
    assert auth.all_decided and auth.next_undecided is None

    fresh = bench.lookup(MUGS)
    assert fresh.all_decided
    assert [u.outcome.disposition for u in fresh.units if u.outcome] == dispositions
    assert [u.outcome.location for u in fresh.units if u.outcome] == [
        "RETURNS-RESTOCK",
        "DAMAGED-CLAIM",
        "UNSELLABLE",
    ]
    assert [u.outcome.reimbursement_total for u in fresh.units if u.outcome] == [
        D("0.00"),
        D("15.59"),
        D("1.95"),
    ]
    for unit in fresh.units:
        assert unit.outcome is not None and unit.outcome.decided_at.utcoffset() == timedelta(0)
    # The others are untouched.
    assert not bench.lookup(KETTLE).all_decided
    assert _count(store, Outcome) == 3
    with store.read() as session:
        moves = session.execute(select(StockMovement.location, StockMovement.sellable)).all()
    assert sorted(moves) == [("DAMAGED-CLAIM", False), ("RETURNS-RESTOCK", True), ("UNSELLABLE", False)]


# --- two benches at once (PostgreSQL) --------------------------------------------------------------


def test_two_benches_race_for_one_unit(pg_store: Store) -> None:
    create_demo_data(pg_store, BOSS)
    auth = BenchService(pg_store, load_policy(), Settings(bench="b0")).lookup(TSHIRT)
    unit_id = auth.units[0].unit_id
    barrier = threading.Barrier(2, timeout=10)
    results: dict[str, object] = {}

    def work(bench_name: str, inspector: str) -> None:
        service = BenchService(pg_store, load_policy(), Settings(bench=bench_name))
        decision = Decision(
            outcome_uid=new_outcome_uid(),
            unit_id=unit_id,
            disposition=Disposition.SELLABLE if bench_name == "b1" else Disposition.SELLER_FAULT,
            inspector=inspector,
            bench=bench_name,
        )
        barrier.wait()
        try:
            results[bench_name] = service.record(decision)
        except Exception as exc:  # collected and checked below
            results[bench_name] = exc

    threads = [
        threading.Thread(target=work, args=("b1", "Ana")),
        threading.Thread(target=work, args=("b2", "Ben")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)

    won = {name: r for name, r in results.items() if isinstance(r, Recorded)}
    lost = {name: r for name, r in results.items() if not isinstance(r, Recorded)}
    assert len(won) == 1 and len(lost) == 1, results
    (winner, recorded), (loser, error) = next(iter(won.items())), next(iter(lost.items()))
    assert isinstance(recorded, Recorded) and recorded.already_written is False
    assert isinstance(error, NothingToDecide), error
    assert recorded.outcome.bench == winner
    assert f"bench {winner}" in str(error)
    assert recorded.outcome.inspector in str(error)
    assert _count(pg_store, Outcome) == 1
    assert _count(pg_store, StockMovement) == 1
    assert _count(pg_store, AuditEvent) == 1
    with pg_store.read() as session:
        assert session.scalars(select(Outcome.bench)).all() == [winner]
    assert loser != winner
