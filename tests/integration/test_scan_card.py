"""The scan's card query: the view of the whole authorization loaded through the ORM, in few statements."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import event, select, update
from sqlalchemy.orm import selectinload

from rmadesk.domain.errors import DatabaseUnavailable
from rmadesk.domain.model import Decision, Disposition
from rmadesk.domain.policy import load_policy
from rmadesk.services.bench import BenchService, UnitClaimed, new_outcome_uid
from rmadesk.services.demo import create_demo_data
from rmadesk.services.reversal import reverse_outcome
from rmadesk.services.views import CARD_BY_CODE, authorization_view, card_view, read_card
from rmadesk.settings import Settings
from rmadesk.store.models import Authorization, ScanCode, Unit
from rmadesk.store.uow import Store
from tests.actors import BOSS

KETTLE = "DpHwNcVbRRMA"  # 2 units
MUGS = "DaLpKsOiRRMA"  # 3 units


@pytest.fixture
def bench(store: Store) -> BenchService:
    create_demo_data(store, BOSS)
    return BenchService(store, load_policy(), Settings(bench="b1"))


def _decide(bench: BenchService, unit_id: int, disposition: Disposition, who: str = "Ana") -> str:
    uid = new_outcome_uid()
    bench.record(
        Decision(outcome_uid=uid, unit_id=unit_id, disposition=disposition, inspector=who, bench="b1")
    )
    return uid


def _orm_views(store: Store) -> dict[int, object]:
    with store.read() as session:
        auths = session.scalars(
            select(Authorization).options(selectinload(Authorization.units).selectinload(Unit.outcomes))
        ).all()
        return {auth.id: authorization_view(auth) for auth in auths}


@contextmanager
def _statements(store: Store) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        seen.append(statement)

    event.listen(store.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(store.engine, "before_cursor_execute", count)


def test_the_card_is_the_view_of_the_whole_authorization(bench: BenchService, store: Store) -> None:
    mugs = bench.lookup(MUGS)
    kettle = bench.lookup(KETTLE)
    # The second mug is of a further item of the return; the third is decided, reversed and decided again.
    with store.unit_of_work() as session:
        session.execute(
            update(Unit)
            .where(Unit.id == mugs.units[1].unit_id)
            .values(
                item_seq=2,
                item_sku="MUG-RED",
                item_asin="B0MUGRED01",
                item_name="Red mug",
                item_reason="DEFECTIVE",
                item_price=Decimal("11.50"),
                item_category="Kitchen",
                marketplace_comment="chipped",
            )
        )
    first = _decide(bench, mugs.units[2].unit_id, Disposition.SELLABLE)
    reverse_outcome(store, first, reason="wrong bin", actor=BOSS)
    _decide(bench, mugs.units[2].unit_id, Disposition.SELLER_FAULT, who="Ben")
    _decide(bench, kettle.units[0].unit_id, Disposition.CARRIER_DAMAGED)

    expected = _orm_views(store)
    with store.read() as session:
        cards = {auth_id: card_view(read_card(session.connection(), auth_id)) for auth_id in expected}
    assert cards == expected
    shown = cards[mugs.auth_id]
    assert shown.units[1].item is not None and shown.units[1].item.sku == "MUG-RED"
    assert shown.units[1].item.unit_price is not None and shown.units[1].item.unit_price.amount == Decimal(
        "11.50"
    )
    assert shown.units[2].outcome is not None and shown.units[2].outcome.inspector == "Ben"
    assert [u.seq for u in shown.units] == [1, 2, 3]
    assert bench.lookup(MUGS) == shown == bench.refresh(mugs.auth_id)


def test_a_scan_reads_its_card_in_one_statement_without_a_transaction(
    bench: BenchService, store: Store
) -> None:
    bench.lookup(MUGS)  # statements compiled and connection opened before counting
    with _statements(store) as seen:
        found = bench.find(MUGS)
    assert found.authorization is not None and len(found.authorization.units) == 3
    # the scan code and the card together; no BEGIN (nor, on PostgreSQL, a transaction of the driver)
    assert len(seen) == 1 and seen[0].lstrip().upper().startswith("SELECT"), seen
    with store.engine.connect() as connection:
        assert connection.execute(CARD_BY_CODE, {"code": MUGS}).all()  # the statement itself
    # a code typed with Caps Lock on is found by its folded form, in a second statement
    with _statements(store) as seen:
        assert bench.find(MUGS.swapcase()).authorization == found.authorization
    assert len(seen) == 2, seen


def test_a_code_twice_on_one_authorization_shows_its_units_once(bench: BenchService, store: Store) -> None:
    mugs = bench.lookup(MUGS)
    with store.unit_of_work() as session:  # its Merchant RMA ID happens to be its tracking ID too
        session.add(
            ScanCode(code=MUGS, code_folded=MUGS.upper(), code_kind="tracking", authorization_id=mugs.auth_id)
        )
    assert bench.lookup(MUGS) == mugs
    assert [u.seq for u in mugs.units] == [1, 2, 3]


def test_an_lpn_scan_names_its_unit_in_the_same_statement(bench: BenchService, store: Store) -> None:
    mugs = bench.lookup(MUGS)
    second = mugs.units[1].unit_id
    with store.unit_of_work() as session:
        session.add(
            ScanCode(
                code="LPNMUG0002",
                code_folded="LPNMUG0002",
                code_kind="lpn",
                authorization_id=mugs.auth_id,
                unit_id=second,
            )
        )
    with _statements(store) as seen:
        found = bench.find("lpnmug0002")  # folded: two statements
    assert found.unit_id == second and found.authorization == mugs
    assert len(seen) == 2, seen


def test_opening_a_unit_reads_the_card_once(bench: BenchService, store: Store) -> None:
    with _statements(store) as seen:
        found = bench.open(MUGS, who="Ana", bench="b1")
    assert found.unit_id == found.authorization.units[0].unit_id  # type: ignore[union-attr]
    reads = [s for s in seen if s.lstrip().upper().startswith("SELECT")]
    updates = [s for s in seen if s.lstrip().upper().startswith("UPDATE")]
    # the scan code with the card (outside the write transaction: an unknown code never waits for the
    # write lock), the card as it stands in the claim's transaction, and on PostgreSQL the check that
    # nobody decided the unit meanwhile
    assert len(reads) == (2 if store.dialect == "sqlite" else 3), seen
    assert len(updates) == 1, seen


def test_a_unit_held_on_another_bench_is_passed_over_then_named(bench: BenchService) -> None:
    first = bench.open(KETTLE, who="Ana", bench="b1")
    assert first.authorization is not None
    one, two = (u.unit_id for u in first.authorization.units)
    assert first.unit_id == one
    # Another bench gets the second unit, and is told of the first when it asks for it by name.
    other = bench.open(KETTLE, who="Ben", bench="b2")
    assert other.unit_id == two
    assert bench.open_authorization(first.authorization.auth_id, who="Ana", bench="b1").unit_id == one
    with pytest.raises(UnitClaimed) as info:
        bench.open(KETTLE, who="Cy", bench="b3")
    assert "open on bench b1 (Ana)" in info.value.message
    assert "unit 1 of 2" in info.value.message
    # Once decided, the unit is not claimed again: opening names no unit (and raises nothing).
    _decide(bench, one, Disposition.SELLABLE)
    assert bench.claim(first.authorization.auth_id, who="Ana", bench="b1", prefer_unit=one) is None


def test_a_scan_with_the_database_away_says_so(tmp_path: Path) -> None:
    away = Store(f"postgresql+psycopg:///rmadesk?host={tmp_path}/no-server-here")
    try:
        service = BenchService(away, load_policy(), Settings(bench="b1"))
        for call in (lambda: service.find(KETTLE), lambda: service.refresh(1)):
            with pytest.raises(DatabaseUnavailable) as info:
                call()
            assert "cannot be reached" in info.value.message
    finally:
        away.dispose()
