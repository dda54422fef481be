"""Day tallies kept by the bench and by reversals, checked against a rebuild from the outcomes,
on a real SQLite file and on the real PostgreSQL server."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from alembic import command
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from rmadesk.domain.model import Decision, Disposition
from rmadesk.domain.people import Actor, Role
from rmadesk.domain.policy import load_policy
from rmadesk.services.bench import BenchService, new_outcome_uid
from rmadesk.services.demo import create_demo_data
from rmadesk.services.reversal import reverse_outcome
from rmadesk.settings import Settings
from rmadesk.store import tally
from rmadesk.store.models import (
    Authorization,
    TallyComponent,
    TallyDuration,
    TallyDurationWeek,
    TallyGroup,
    TallyReason,
    TallyReasonWeek,
    TallyRestock,
)
from rmadesk.store.schema import alembic_config, upgrade
from rmadesk.store.uow import Store

TSHIRT = "DkQxRtLmRRMA"
KETTLE = "DpHwNcVbRRMA"  # 2 units
BOOK = "DsGtYuJkRRMA"
HEADSET = "DzMbQeWfRRMA"
MUGS = "DaLpKsOiRRMA"  # 3 units
TABLES = (
    TallyGroup,
    TallyComponent,
    TallyRestock,
    TallyReason,
    TallyDuration,
    TallyReasonWeek,
    TallyDurationWeek,
)
SUPERVISOR = Actor(name="Sue", role=Role.SUPERVISOR, bench="b9", user_id=None)


def z(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def tally_rows(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    """Every tally row, in a stable order."""
    return {
        model.__tablename__: sorted(
            tuple(row) for row in session.execute(select(*model.__table__.columns)).all()
        )
        for model in TABLES
    }


def snapshot(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every tally row, and each authorization's first decision, in a stable order."""
    with store.read() as session:
        rows = tally_rows(session)
        rows["first_decided"] = sorted(
            (rma, moment)
            for rma, moment in session.execute(select(Authorization.rma_id, Authorization.first_decided_at))
        )
    return rows


def rebuilt(store: Store, *, refill: bool = False) -> dict[str, list[tuple[Any, ...]]]:
    """The tallies computed afresh; with ``refill``, the first decisions dated afresh too (as the
    migration does: the earliest decision standing, which a reversal may have moved on from)."""
    with store.unit_of_work() as session:
        if refill:
            tally.fill_first_decided(session)
        tally.rebuild(session)
    return snapshot(store)


class Bench:
    def __init__(self, store: Store, name: str) -> None:
        self.service = BenchService(store, load_policy(), Settings(bench=name))
        self.name = name

    def decide(
        self,
        rma: str,
        disposition: Disposition,
        inspector: str,
        scanned: str,
        decided: str,
        recommended: Disposition | None = None,
    ) -> str:
        auth = self.service.lookup(rma)
        unit = auth.next_undecided
        assert unit is not None
        uid = new_outcome_uid()
        self.service.record(
            Decision(
                uid,
                unit.unit_id,
                disposition,
                inspector=inspector,
                bench=self.name,
                recommended=recommended,
                override_reason="looked worse" if recommended and recommended != disposition else None,
                scanned_at=z(scanned),
                decided_at=z(decided),
            )
        )
        return uid


def test_the_bench_and_reversals_keep_the_tallies_a_rebuild_computes(store: Store) -> None:
    create_demo_data(store)
    b1, b2 = Bench(store, "b1"), Bench(store, "b2")
    sellable, carrier, fault = Disposition.SELLABLE, Disposition.CARRIER_DAMAGED, Disposition.SELLER_FAULT
    # Two weeks, three days, two benches, two inspectors; a kettle across midnight; an override.
    b1.decide(TSHIRT, sellable, "Ana", "2026-11-22 23:58:00.250", "2026-11-22 23:59:10.750")  # a Sunday
    k1 = b1.decide(KETTLE, carrier, "Ana", "2026-11-24 23:58:00", "2026-11-24 23:59:30.5")
    b2.decide(KETTLE, fault, "Ben", "2026-11-25 00:01:00", "2026-11-25 00:03:00", recommended=sellable)
    book = b2.decide(BOOK, carrier, "Ben", "2026-11-25 09:00:00", "2026-11-25 09:00:59.999")
    m1 = b1.decide(MUGS, sellable, "Ana", "2026-11-25 10:00:00", "2026-11-25 10:02:00", recommended=sellable)
    b1.decide(MUGS, sellable, "Ana", "2026-11-25 10:02:05", "2026-11-25 10:03:00")
    b2.decide(HEADSET, carrier, "Ben", "2026-11-25 11:00:00", "2026-11-25 11:20:00")
    kept = snapshot(store)
    assert sum(row[5] for row in kept["tally_group"]) == 7  # units
    assert sum(row[3] for row in kept["tally_reason"]) == 5  # returns
    assert kept == rebuilt(store, refill=True)

    # The book's only decision taken back: the return is no longer counted, its rows go.
    reverse_outcome(store, book, reason="wrong box", actor=SUPERVISOR)
    # The kettle's first decision taken back: still counted on the day of its first decision.
    reverse_outcome(store, k1, reason="misread", actor=SUPERVISOR)
    # A mug's decision taken back and made again, the next day.
    reverse_outcome(store, m1, reason="scratched", actor=SUPERVISOR)
    b2.decide(MUGS, fault, "Ben", "2026-11-26 07:00:00", "2026-11-26 07:01:00")
    b2.decide(BOOK, fault, "Ben", "2026-11-26 07:30:00", "2026-11-26 07:31:00")
    kept = snapshot(store)
    assert sum(row[5] for row in kept["tally_group"]) == 6  # 7, less 3 taken back, 2 decided again
    counts = {
        "tally_group": 5,
        "tally_component": 4,
        "tally_restock": 3,
        "tally_reason": 3,
        "tally_duration": 4,
        "tally_reason_week": 3,
        "tally_duration_week": 4,
    }
    assert all(row[column] != 0 for name, column in counts.items() for row in kept[name])  # none emptied
    first = dict(kept["first_decided"])
    assert first[BOOK] == z("2026-11-26 07:31:00")  # counted again when decided again
    assert first[KETTLE] == z("2026-11-24 23:59:30.5")
    assert kept == rebuilt(store)


def test_the_tallies_of_a_reversed_day_keep_the_span_of_what_stands(store: Store) -> None:
    create_demo_data(store)
    b1 = Bench(store, "b1")
    sellable = Disposition.SELLABLE
    early = b1.decide(TSHIRT, sellable, "Ana", "2026-11-24 06:00:00", "2026-11-24 06:01:00")
    b1.decide(HEADSET, sellable, "Ana", "2026-11-24 09:00:00", "2026-11-24 09:02:00")
    reverse_outcome(store, early, reason="wrong unit", actor=SUPERVISOR)
    with store.read() as session:
        row = session.scalars(select(TallyGroup)).one()
        assert (row.units, row.first_at, row.last_at) == (
            1,
            z("2026-11-24 09:00:00"),
            z("2026-11-24 09:02:00"),
        )
        assert row.scan_ms == 120_000 and row.timed == 1
        bins = session.execute(
            select(TallyDuration.kind, TallyDuration.inspector, TallyDuration.bin, TallyDuration.units)
        ).all()
        assert sorted(bins) == [("arrival", "", 2, 1), ("scan", "", 120, 1), ("scan", "Ana", 120, 1)]
        money = session.scalar(select(func.count()).select_from(TallyComponent))
        assert money == 0  # sellable units expect no reimbursement
        assert session.execute(select(TallyRestock.sku, TallyRestock.units)).all() == [("HEADSET-BT-BLK", 1)]
    assert snapshot(store) == rebuilt(store)


def test_day_numbers_are_utc_days() -> None:
    assert tally.day_number(z("1970-01-01 23:59:59")) == 0
    assert tally.day_number(z("2026-11-26 00:00:00")) == 20783
    assert tally.day_start(20783) == z("2026-11-26 00:00:00")
    berlin_midnight = datetime(2026, 11, 26, 0, 0, tzinfo=UTC) - timedelta(hours=1)
    assert tally.day_number(berlin_midnight) == 20782


def test_the_migration_fills_the_tallies_from_what_is_recorded(store: Store) -> None:
    create_demo_data(store)
    b1 = Bench(store, "b1")
    b1.decide(TSHIRT, Disposition.SELLABLE, "Ana", "2026-11-24 08:00:00", "2026-11-24 08:01:10")
    b1.decide(KETTLE, Disposition.SELLER_FAULT, "Ana", "2026-11-25 23:58:00", "2026-11-25 23:59:30")
    b1.decide(KETTLE, Disposition.CARRIER_DAMAGED, "Ben", "2026-11-26 00:01:00", "2026-11-26 00:02:00")
    kept = snapshot(store)
    config = alembic_config(store.engine)
    with store.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0007")  # a database from before the tallies
    with store.engine.connect() as conn:
        assert not inspect(conn).has_table("tally_group")
    upgrade(store.engine)
    assert snapshot(store) == kept
    assert sum(row[5] for row in kept["tally_group"]) == 3
