"""The first decision of each return, kept by the bench and reversals; and migration 0010, which drops
the day tallies (its downgrade fills them again from what is recorded), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import inspect, select, text

from rmadesk.domain.model import Decision, Disposition
from rmadesk.domain.people import open_actor
from rmadesk.domain.policy import load_policy
from rmadesk.services.bench import BenchService, new_outcome_uid
from rmadesk.services.demo import create_demo_data
from rmadesk.services.reversal import reverse_outcome
from rmadesk.settings import Settings
from rmadesk.store.migrations import tallies
from rmadesk.store.models import Authorization
from rmadesk.store.schema import alembic_config, upgrade
from rmadesk.store.uow import Store
from tests.actors import BOSS

TSHIRT = "DkQxRtLmRRMA"
KETTLE = "DpHwNcVbRRMA"  # 2 units
BOOK = "DsGtYuJkRRMA"
SUPERVISOR = open_actor("Sue", "b9")


def z(moment: str) -> datetime:
    return datetime.fromisoformat(moment).replace(tzinfo=UTC)


def decide(store: Store, rma: str, disposition: Disposition, inspector: str, decided: str) -> str:
    service = BenchService(store, load_policy(), Settings(bench="b1"))
    unit = service.lookup(rma).next_undecided
    assert unit is not None
    uid = new_outcome_uid()
    at = z(decided)
    service.record(Decision(uid, unit.unit_id, disposition, inspector, "b1", scanned_at=at, decided_at=at))
    return uid


def first_decided(store: Store) -> dict[str, datetime | None]:
    with store.read() as session:
        rows = session.execute(select(Authorization.rma_id, Authorization.first_decided_at)).all()
    return {rma: moment for rma, moment in rows if rma in (TSHIRT, KETTLE, BOOK)}


def test_a_return_is_dated_by_its_first_decision_still_standing(store: Store) -> None:
    create_demo_data(store, BOSS)
    decide(store, TSHIRT, Disposition.SELLABLE, "Ana", "2026-11-24 08:01:10")
    k1 = decide(store, KETTLE, Disposition.SELLER_FAULT, "Ana", "2026-11-25 23:59:30")
    decide(store, KETTLE, Disposition.CARRIER_DAMAGED, "Ben", "2026-11-26 00:02:00")
    book = decide(store, BOOK, Disposition.CARRIER_DAMAGED, "Ben", "2026-11-26 09:00:00")
    assert first_decided(store) == {
        TSHIRT: z("2026-11-24 08:01:10"),
        KETTLE: z("2026-11-25 23:59:30"),
        BOOK: z("2026-11-26 09:00:00"),
    }
    reverse_outcome(store, book, reason="wrong box", actor=SUPERVISOR)  # its only decision
    reverse_outcome(store, k1, reason="misread", actor=SUPERVISOR)  # the other unit still stands
    dated = first_decided(store)
    assert dated[BOOK] is None and dated[KETTLE] == z("2026-11-25 23:59:30")
    decide(store, BOOK, Disposition.SELLER_FAULT, "Ben", "2026-11-27 07:31:00")
    assert first_decided(store)[BOOK] == z("2026-11-27 07:31:00")


def test_migration_0010_drops_the_tallies_and_its_downgrade_fills_them(store: Store) -> None:
    create_demo_data(store, BOSS)
    decide(store, TSHIRT, Disposition.SELLABLE, "Ana", "2026-11-24 08:01:10")
    decide(store, KETTLE, Disposition.SELLER_FAULT, "Ana", "2026-11-25 23:59:30")
    decide(store, KETTLE, Disposition.CARRIER_DAMAGED, "Ben", "2026-11-26 00:02:00")
    with store.engine.connect() as conn:
        assert not any(inspect(conn).has_table(table.name) for table in tallies.metadata.sorted_tables)
    config = alembic_config(store.engine)
    with store.engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0009")
    with store.engine.connect() as conn:
        units = conn.execute(text("SELECT sum(units) FROM tally_group")).scalar()
        returns = conn.execute(text("SELECT sum(returns) FROM tally_reason")).scalar()
        weekly = conn.execute(text("SELECT sum(returns) FROM tally_reason_week")).scalar()
        scans = conn.execute(text("SELECT sum(units) FROM tally_duration WHERE kind = 'scan'")).scalar()
    assert (units, returns, weekly, scans) == (3, 2, 2, 6)  # scans: per inspector and for everyone
    upgrade(store.engine)
    with store.engine.connect() as conn:
        assert not inspect(conn).has_table("tally_group")
