"""Shift summaries on SQLite and PostgreSQL against figures worked out by hand."""

from __future__ import annotations

import csv
import io
import itertools
import json
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from rmadesk.domain.errors import UserError
from rmadesk.domain.shifts import DEFAULT_SHIFTS, Shift, shift_window
from rmadesk.store import auth_status
from rmadesk.store.models import (
    Authorization,
    Outcome,
    ReimbursementLineRow,
    StockMovement,
    Unit,
)
from rmadesk.store.uow import Store
from rmadesk.summary.cli import run_summary_command
from rmadesk.summary.figures import DurationStats, Summary
from rmadesk.summary.render.csv import write_csv
from rmadesk.summary.render.json import summary_to_json
from rmadesk.summary.render.tables import summary_tables
from rmadesk.summary.render.text import summary_to_text
from rmadesk.summary.returns import NO_REASON, waiting_cutoff
from rmadesk.summary.service import summarize
from rmadesk.summary.windows import resolve_window
from tests.actors import BOSS

BERLIN = ZoneInfo("Europe/Berlin")
D = Decimal
EARLY, LATE, NIGHT = DEFAULT_SHIFTS
# The early shift of Thursday 2026-11-26 in Berlin (UTC+1): 06:00-14:00 local.
START = datetime(2026, 11, 26, 5, 0, tzinfo=UTC)
END = datetime(2026, 11, 26, 13, 0, tzinfo=UTC)
# The night shift before it: 22:00 on the 25th to 06:00 on the 26th, across midnight.
PREV_START = datetime(2026, 11, 25, 21, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)

CARRIER_EUR = [("sale_price", D("20.00")), ("referral_fee_part", D("2.40")), ("tax", D("3.80"))]


def z(text: str) -> datetime:
    """'2026-11-26 05:10:00' as aware UTC."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@dataclass
class Returns:
    """Writes authorizations, units and outcomes with Core inserts, as the bench would have left them."""

    session: Session
    counter: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def auth(
        self,
        sku: str,
        reason: str | None,
        *,
        quantity: int = 1,
        request_date: date | None = date(2026, 11, 20),
        arrived_at: datetime | None = None,
        currency: str = "EUR",
    ) -> list[int]:
        """A new authorization with its units; returns the unit ids in order."""
        n = next(self.counter)
        auth_id = self.session.execute(
            insert(Authorization).returning(Authorization.id),
            {
                "auth_key": f"K{n}",
                "kind": "RMA",
                "source": "mfn_report",
                "rma_id": f"D{n:07d}RRMA",
                "order_id": f"111-{n:07d}",
                "sku": sku,
                "item_name": sku,
                "quantity": quantity,
                "reason": reason,
                "currency": currency,
                "request_date": request_date,
                "arrived_at": arrived_at,
                "imported_at": z("2026-11-01 00:00:00"),
                "updated_at": z("2026-11-01 00:00:00"),
            },
        ).scalar_one()
        return [
            self.session.execute(
                insert(Unit).returning(Unit.id),
                {"authorization_id": auth_id, "seq": seq, "attempt": 0},
            ).scalar_one()
            for seq in range(1, quantity + 1)
        ]

    def decide(
        self,
        unit_id: int,
        decided: str,
        disposition: str,
        inspector: str,
        bench: str,
        *,
        scanned: str | None = None,
        recommended: str | None = None,
        lines: list[tuple[str, Decimal]] | None = None,
        location: str | None = None,
        sku: str = "SKU",
        attempt: int = 0,
        currency: str = "EUR",
    ) -> int:
        lines = lines or []
        restocked = disposition == "sellable"
        auth_id, current_attempt = self.session.execute(
            select(Unit.authorization_id, Unit.attempt).where(Unit.id == unit_id)
        ).one()
        location = (
            location
            or {
                "sellable": "RETURNS-RESTOCK",
                "carrier_damaged": "DAMAGED-CLAIM",
                "seller_fault": "UNSELLABLE",
            }[disposition]
        )
        outcome_id = self.session.execute(
            insert(Outcome).returning(Outcome.id),
            {
                "outcome_uid": f"uid-{next(self.counter)}",
                "unit_id": unit_id,
                "authorization_id": auth_id,
                "attempt": attempt,
                "disposition": disposition,
                "recommended": recommended,
                "restocked": restocked,
                "location": location,
                "currency": currency,
                "reimbursement_total": sum((amount for _, amount in lines), D("0")),
                "policy_name": "default",
                "inspector": inspector,
                "bench": bench,
                "scanned_at": z(scanned) if scanned else None,
                "decided_at": z(decided),
                "recorded_at": z(decided),
            },
        ).scalar_one()
        if lines:
            self.session.execute(
                insert(ReimbursementLineRow),
                [
                    {"outcome_id": outcome_id, "component": c, "amount": a, "currency": currency}
                    for c, a in lines
                ],
            )
        self.session.execute(
            insert(StockMovement),
            {
                "outcome_id": outcome_id,
                "sku": sku,
                "quantity": 1,
                "location": location,
                "sellable": restocked,
                "moved_at": z(decided),
            },
        )
        if attempt == current_attempt:  # the bench dates the unit's current decision
            self.session.execute(update(Unit).where(Unit.id == unit_id).values(decided_at=z(decided)))
            # ... and its return's first decision
            self.session.execute(
                update(Authorization)
                .where(Authorization.id == auth_id, Authorization.first_decided_at.is_(None))
                .values(first_decided_at=z(decided))
            )
        return outcome_id

    def reverse(self, unit_id: int) -> None:
        """The unit's decision was taken back: its attempt moves on, the old outcome stays as history."""
        auth_id = self.session.execute(
            update(Unit)
            .where(Unit.id == unit_id)
            .values(attempt=Unit.attempt + 1, decided_at=None)
            .returning(Unit.authorization_id)
        ).scalar_one()
        decided = select(Unit.id).where(Unit.authorization_id == auth_id, Unit.decided_at.is_not(None))
        self.session.execute(
            update(Authorization)
            .where(Authorization.id == auth_id, ~decided.exists())
            .values(first_decided_at=None)
        )


def build_shift(store: Store) -> None:
    """The early shift of 2026-11-26 and the night before it; every figure below is worked out from this.

    Outcomes in the early shift (UTC; local is +1 h), seconds = decided - scanned:
      o1  TEE-L  05:10:00  60 s  sellable         rec sellable          Ana  B1
      o2  TEE-L  05:40:00  90 s  sellable         rec seller_fault (ov) Ana  B1
      o3  TEE-L  06:05:00  60 s  seller_fault     rec seller_fault      Ben  B2  3.00
      o4  TEE-L  06:20:00 120 s  carrier_damaged  -                     Ben  B2  26.20
      o5  TEE-L  07:15:00  30 s  sellable         rec sellable          Ana  B1
      o6  TEE-L  07:30:00        seller_fault (reversed: not counted)   Ben  B2  3.00
      o6b TEE-L  08:00:00 120 s  sellable         rec carrier (ov)      Ben  B2
      o7  TEE-M  08:10:00   -    seller_fault     rec seller_fault      Ana  B2  3.00
      o8  TEE-M  09:00:00 120 s  sellable         -                     Ben  B2  (to RETURNS-B)
      o9  TEE-M  10:30:00 100 s  carrier_damaged  rec carrier_damaged   Ana  B1  26.20
      o10 TEE-M  11:45:00  60 s  sellable         rec sellable          Ana  B1
      o11 KETTLE 12:00:00 600 s  seller_fault     rec sellable (ov)     Cleo B1  4.50
      o12 KETTLE 12:10:00 1200 s seller_fault     rec seller_fault      Cleo B1  4.50
      o13 HEADSET 12:59:59 59 s  carrier_damaged  rec carrier_damaged   Ben  B2  33.60 USD
    and 13:00:00 (the end, excluded). The night shift: 21:00:00 (its start), 23:30:00, 04:59:59.
    """
    with store.unit_of_work() as session:
        r = Returns(session)
        tee_l = [
            r.auth("TEE-L", "APPAREL_TOO_LARGE", arrived_at=z("2026-11-25 10:00:00")),
            r.auth("TEE-L", "APPAREL_TOO_LARGE", arrived_at=z("2026-11-26 05:00:00")),
            r.auth("TEE-L", "APPAREL_TOO_LARGE", arrived_at=z("2026-11-25 17:05:00")),
            r.auth("TEE-L", "APPAREL_TOO_LARGE", arrived_at=z("2026-11-24 06:20:00")),
            r.auth("TEE-L", "APPAREL_TOO_LARGE", arrived_at=z("2026-11-26 07:00:00")),
            r.auth("TEE-L", "APPAREL_STYLE", arrived_at=z("2026-11-26 07:00:00")),
        ]
        tee_m = [
            r.auth("TEE-M", "APPAREL_TOO_LARGE", arrived_at=z("2026-11-26 02:10:00")),
            r.auth("TEE-M", "APPAREL_TOO_LARGE", arrived_at=z("2026-11-25 09:00:00")),
            r.auth("TEE-M", "APPAREL_TOO_LARGE", arrived_at=None),  # arrival = its first scan
            r.auth("TEE-M", "APPAREL_TOO_LARGE", arrived_at=z("2026-11-26 11:45:00")),
        ]
        kettle = r.auth("KETTLE", "DEFECTIVE", quantity=3, request_date=date(2026, 11, 20))
        headset = r.auth("HEADSET", None, currency="USD", arrived_at=z("2026-11-26 00:59:59"))
        later = r.auth("HEADSET", "NOT_COMPATIBLE", arrived_at=z("2026-11-26 00:00:00"))
        night = r.auth("MUG", "DAMAGED_BY_CARRIER", quantity=3, arrived_at=z("2026-11-25 20:00:00"))
        r.auth("MUG", "UNWANTED_ITEM", quantity=2, request_date=date(2026, 11, 25))
        r.auth("MUG", "UNWANTED_ITEM", request_date=date(2026, 11, 26))  # too recent to be waiting
        r.auth("MUG", "UNWANTED_ITEM", request_date=None)  # a returnless refund without a date
        reversed_old = r.auth("LAMP", "DEFECTIVE", request_date=date(2026, 11, 19))

        d = r.decide
        d(tee_l[0][0], "2026-11-26 05:10:00", "sellable", "Ana", "B1", scanned="2026-11-26 05:09:00",
          recommended="sellable", sku="TEE-L")  # fmt: skip
        d(tee_l[1][0], "2026-11-26 05:40:00", "sellable", "Ana", "B1", scanned="2026-11-26 05:38:30",
          recommended="seller_fault", sku="TEE-L")  # fmt: skip
        d(tee_l[2][0], "2026-11-26 06:05:00", "seller_fault", "Ben", "B2", scanned="2026-11-26 06:04:00",
          recommended="seller_fault", lines=[("referral_fee", D("3.00"))], sku="TEE-L")  # fmt: skip
        d(tee_l[3][0], "2026-11-26 06:20:00", "carrier_damaged", "Ben", "B2", scanned="2026-11-26 06:18:00",
          lines=CARRIER_EUR, sku="TEE-L")  # fmt: skip
        d(tee_l[4][0], "2026-11-26 07:15:00", "sellable", "Ana", "B1", scanned="2026-11-26 07:14:30",
          recommended="sellable", sku="TEE-L")  # fmt: skip
        d(tee_l[5][0], "2026-11-26 07:30:00", "seller_fault", "Ben", "B2", scanned="2026-11-26 07:29:00",
          recommended="sellable", lines=[("referral_fee", D("3.00"))], sku="TEE-L")  # fmt: skip
        r.reverse(tee_l[5][0])
        d(tee_l[5][0], "2026-11-26 08:00:00", "sellable", "Ben", "B2", scanned="2026-11-26 07:58:00",
          recommended="carrier_damaged", sku="TEE-L", attempt=1)  # fmt: skip
        d(tee_m[0][0], "2026-11-26 08:10:00", "seller_fault", "Ana", "B2",
          recommended="seller_fault", lines=[("referral_fee", D("3.00"))], sku="TEE-M")  # fmt: skip
        d(tee_m[1][0], "2026-11-26 09:00:00", "sellable", "Ben", "B2", scanned="2026-11-26 08:58:00",
          location="RETURNS-B", sku="TEE-M")  # fmt: skip
        d(tee_m[2][0], "2026-11-26 10:30:00", "carrier_damaged", "Ana", "B1", scanned="2026-11-26 10:28:20",
          recommended="carrier_damaged", lines=CARRIER_EUR, sku="TEE-M")  # fmt: skip
        d(tee_m[3][0], "2026-11-26 11:45:00", "sellable", "Ana", "B1", scanned="2026-11-26 11:44:00",
          recommended="sellable", sku="TEE-M")  # fmt: skip
        d(kettle[0], "2026-11-26 12:00:00", "seller_fault", "Cleo", "B1", scanned="2026-11-26 11:50:00",
          recommended="sellable", lines=[("referral_fee", D("4.50"))], sku="KETTLE")  # fmt: skip
        d(kettle[1], "2026-11-26 12:10:00", "seller_fault", "Cleo", "B1", scanned="2026-11-26 11:50:00",
          recommended="seller_fault", lines=[("referral_fee", D("4.50"))], sku="KETTLE")  # fmt: skip
        d(headset[0], "2026-11-26 12:59:59", "carrier_damaged", "Ben", "B2", scanned="2026-11-26 12:59:00",
          recommended="carrier_damaged", currency="USD", sku="HEADSET",
          lines=[("sale_price", D("30.00")), ("referral_fee_part", D("3.60"))])  # fmt: skip
        d(later[0], "2026-11-26 13:00:00", "carrier_damaged", "Ben", "B2", scanned="2026-11-26 12:59:00",
          lines=CARRIER_EUR, sku="HEADSET")  # fmt: skip
        # The night shift before: 22:00 local on the 25th, 00:30 and 05:59:59 on the 26th.
        d(night[0], "2026-11-25 21:00:00", "sellable", "Dan", "B1", scanned="2026-11-25 20:59:00",
          recommended="seller_fault", sku="MUG")  # fmt: skip
        d(night[1], "2026-11-25 23:30:00", "seller_fault", "Dan", "B1",
          lines=[("referral_fee", D("3.00"))], sku="MUG")  # fmt: skip
        d(night[2], "2026-11-26 04:59:59", "carrier_damaged", "Dan", "B1", scanned="2026-11-26 04:58:59",
          recommended="carrier_damaged", lines=[("sale_price", D("10.00"))], sku="MUG")  # fmt: skip
        # Decided on the 23rd and taken back, not decided again: waiting once more.
        d(reversed_old[0], "2026-11-23 10:00:00", "sellable", "Ana", "B1", sku="LAMP")
        r.reverse(reversed_old[0])
        # These rows were written past the services: each return's status is stored as they store it.
        auth_status.refresh_all(session)


@pytest.fixture
def shift_store(store: Store) -> Store:
    build_shift(store)
    return store


@pytest.fixture
def summary(shift_store: Store) -> Summary:
    return summarize(shift_store, BOSS, START, END, tz=BERLIN, now=NOW, label="early shift of 2026-11-26")


def test_the_windows_are_the_shifts() -> None:
    early = shift_window(EARLY, date(2026, 11, 26), BERLIN)
    night = shift_window(NIGHT, date(2026, 11, 25), BERLIN)
    assert (early.start, early.end) == (START, END)
    assert (night.start, night.end) == (PREV_START, START)


def test_units_by_disposition_inspector_bench(summary: Summary) -> None:
    assert summary.units == 13
    assert dict(summary.units_by_disposition) == {"sellable": 6, "carrier_damaged": 3, "seller_fault": 4}
    assert summary.units_by_inspector == {"Ana": 6, "Ben": 5, "Cleo": 2}
    assert [i.inspector for i in summary.inspectors] == ["Ana", "Ben", "Cleo"]
    ana = summary.inspectors[0]
    assert dict(ana.by_disposition) == {"sellable": 4, "carrier_damaged": 1, "seller_fault": 1}
    assert summary.units_by_bench == {"B1": 7, "B2": 6}
    b2 = summary.benches[1]
    assert (b2.bench, dict(b2.by_disposition)) == (
        "B2",
        {"sellable": 2, "carrier_damaged": 2, "seller_fault": 2},
    )


def test_units_by_local_hour(summary: Summary) -> None:
    by_hour = [(h.local_start.strftime("%H:%M%z"), h.units) for h in summary.units_by_hour]
    assert by_hour == [
        ("06:00+0100", 2),
        ("07:00+0100", 2),
        ("08:00+0100", 1),
        ("09:00+0100", 2),  # o6b at 08:00Z; o7 at 08:10Z
        ("10:00+0100", 1),
        ("11:00+0100", 1),
        ("12:00+0100", 1),
        ("13:00+0100", 3),  # 12:59:59Z is in; 13:00:00Z is the next shift's
    ]
    assert summary.units_by_hour[0].start == START
    expected_of_day = [0] * 24
    for hour, units in [(6, 2), (7, 2), (8, 1), (9, 2), (10, 1), (11, 1), (12, 1), (13, 3)]:
        expected_of_day[hour] = units
    assert list(summary.units_by_hour_of_day) == expected_of_day


def test_throughput_and_time_per_unit(summary: Summary) -> None:
    current = summary.current
    assert summary.elapsed_hours == D("8.000")
    assert current.units_per_hour == D("1.63")  # 13 / 8 = 1.625
    # 12 units have a scan time: 30 59 60 60 60 90 | 100 120 120 120 600 1200
    assert current.seconds_per_unit.count == 12
    assert current.seconds_per_unit.median == 95.0
    assert current.seconds_per_unit.average == 218.25  # 2619 / 12
    ana, ben, cleo = summary.inspectors
    assert (ana.units_per_hour, ben.units_per_hour, cleo.units_per_hour) == (D("0.75"), D("0.63"), D("0.25"))
    assert (ana.median_seconds, ben.median_seconds, cleo.median_seconds) == (60.0, 120.0, 900.0)
    # Ana: 05:09:00 (first scan) to 11:45:00 = 6.6 h; Ben: 06:04:00 to 12:59:59; Cleo: 11:50 to 12:10.
    assert (ana.active_hours, ana.units_per_active_hour) == (D("6.60"), D("0.91"))
    assert (ben.active_hours, ben.units_per_active_hour) == (D("6.93"), D("0.72"))
    assert (cleo.active_hours, cleo.units_per_active_hour) == (D("0.33"), D("6.00"))


def test_sqlite_medians_are_taken_over_the_window_rows(sqlite_store: Store) -> None:
    """SQLite has no percentile: the window's durations come back in whole milliseconds and their
    medians are taken in Python, exactly. (PostgreSQL sorts with percentile_cont.)"""
    build_shift(sqlite_store)
    big = summarize(sqlite_store, BOSS, START, END, tz=BERLIN, now=NOW)
    assert big.current.seconds_per_unit == DurationStats(12, 95.0, 218.25)  # as worked out below
    assert big.current.arrival_to_decision_hours == DurationStats(13, 1.0, 9.585)


def test_a_running_shift_divides_by_the_hours_so_far(shift_store: Store) -> None:
    running = summarize(shift_store, BOSS, START, END, tz=BERLIN, now=z("2026-11-26 09:00:00"))
    assert running.elapsed_hours == D("4.000")
    # Decisions after "now" cannot exist on a live database; all 13 are here, so 13 / 4.
    assert running.current.units_per_hour == D("3.25")


def test_overrides_by_inspector(summary: Summary) -> None:
    assert summary.current.overrides == 3  # o2, o6b, o11; the reversed o6 does not count
    assert summary.current.override_share == D("0.2308")
    rows = {i.inspector: (i.units, i.overrides, i.override_share) for i in summary.inspectors}
    assert rows == {"Ana": (6, 1, D("0.1667")), "Ben": (5, 1, D("0.2000")), "Cleo": (2, 1, D("0.5000"))}


def test_reimbursement_by_component_and_currency(summary: Summary) -> None:
    assert dict(summary.reimbursement_total) == {"EUR": D("67.40"), "USD": D("33.60")}
    assert all(isinstance(v, Decimal) for v in summary.reimbursement_total.values())
    components = {(c.component, c.currency): c.amount for c in summary.reimbursement_by_component}
    assert components == {
        ("referral_fee", "EUR"): D("15.00"),  # 3.00 + 3.00 + 4.50 + 4.50 (not the reversed 3.00)
        ("sale_price", "EUR"): D("40.00"),
        ("referral_fee_part", "EUR"): D("4.80"),
        ("tax", "EUR"): D("7.60"),
        ("sale_price", "USD"): D("30.00"),
        ("referral_fee_part", "USD"): D("3.60"),
    }


def test_restocked_by_sku_and_location(summary: Summary) -> None:
    assert summary.current.restocked_units == 6
    assert [(r.sku, r.location, r.units) for r in summary.restocked] == [
        ("TEE-L", "RETURNS-RESTOCK", 4),
        ("TEE-M", "RETURNS-B", 1),
        ("TEE-M", "RETURNS-RESTOCK", 1),
    ]


def test_arrival_to_decision(summary: Summary) -> None:
    stats = summary.current.arrival_to_decision_hours
    # In seconds: 69000 2400 46800 172800 900 3600 21600 86400 100 0 600 1200 43200;
    # TEE-M #3 and the kettle have no arrived_at: the unit's own scan (10:28:20, 11:50:00) stands in.
    assert stats.count == 13
    assert stats.median == 1.0  # the 7th of 13 sorted: 3600 s
    assert stats.average == round(448600 / 13 / 3600, 3)
    assert stats.average == 9.585


def test_authorizations_waiting(summary: Summary) -> None:
    waiting = summary.waiting
    # Requested on or before the 25th: the kettle (1 unit left), the MUG of the 25th (2 units)
    # and the lamp whose decision was taken back.
    assert waiting.requested_on_or_before == date(2026, 11, 25)
    assert (waiting.count, waiting.undecided_units) == (3, 4)
    assert [(w.sku, w.request_date, w.undecided, w.units) for w in waiting.oldest] == [
        ("LAMP", date(2026, 11, 19), 1, 1),
        ("KETTLE", date(2026, 11, 20), 1, 3),
        ("MUG", date(2026, 11, 25), 2, 2),
    ]
    # Local midnight of the 20th is 19th 23:00Z; to the 26th 14:00Z is 6 days 15 hours.
    assert waiting.oldest[1].waiting_hours == 159.0


def test_authorizations_waiting_within_a_horizon(shift_store: Store) -> None:
    # Six days before 15:00 local on the 26th is the 20th: the lamp of the 19th is left out.
    recent = summarize(shift_store, BOSS, START, END, tz=BERLIN, now=NOW, waiting_within_days=6).waiting
    assert (recent.requested_since, recent.requested_on_or_before) == (date(2026, 11, 20), date(2026, 11, 25))
    assert (recent.count, recent.undecided_units) == (2, 3)
    assert [w.sku for w in recent.oldest] == ["KETTLE", "MUG"]


def test_waiting_cutoff_is_local_midnight_plus_the_limit() -> None:
    # 24 h before 2026-11-27 00:00 local is exactly midnight of the 26th: not "more than", so the 25th.
    assert waiting_cutoff(z("2026-11-26 23:00:00"), BERLIN, 24) == date(2026, 11, 25)
    assert waiting_cutoff(z("2026-11-26 23:00:01"), BERLIN, 24) == date(2026, 11, 26)
    assert waiting_cutoff(z("2026-11-26 14:00:00"), BERLIN, 48) == date(2026, 11, 24)


def test_top_reasons_per_sku_pareto(summary: Summary) -> None:
    assert (summary.skus_returned, summary.returns) == (4, 12)
    pareto = {
        s.sku: (s.returns, [(r.reason, r.count, r.share, r.cumulative_share) for r in s.reasons])
        for s in summary.top_reasons_by_sku
    }
    assert list(pareto) == ["TEE-L", "TEE-M", "HEADSET", "KETTLE"]  # by returns, then by name
    assert pareto["TEE-L"] == (
        6,
        [("APPAREL_TOO_LARGE", 5, D("0.8333"), D("0.8333")), ("APPAREL_STYLE", 1, D("0.1667"), D("1.0000"))],
    )
    assert pareto["TEE-M"] == (4, [("APPAREL_TOO_LARGE", 4, D("1.0000"), D("1.0000"))])
    # The kettle's two units decided are one return.
    assert pareto["KETTLE"] == (1, [("DEFECTIVE", 1, D("1.0000"), D("1.0000"))])
    assert pareto["HEADSET"] == (1, [(NO_REASON, 1, D("1.0000"), D("1.0000"))])


def test_pareto_keeps_the_top_reasons_and_counts_the_rest(shift_store: Store) -> None:
    short = summarize(shift_store, BOSS, START, END, tz=BERLIN, now=NOW, top_skus=1, top_reasons=1)
    assert [(s.sku, s.returns, s.other, [r.reason for r in s.reasons]) for s in short.top_reasons_by_sku] == [
        ("TEE-L", 6, 1, ["APPAREL_TOO_LARGE"])
    ]


def test_alerts_one_over_and_one_just_under(shift_store: Store, summary: Summary) -> None:
    # TEE-L: 5 of 6 too large (over both); TEE-M: 4 of 4 too large, one return short of 5.
    assert [(a.sku, a.reason, a.count, a.returns, a.share) for a in summary.alerts] == [
        ("TEE-L", "APPAREL_TOO_LARGE", 5, 6, D("0.8333"))
    ]
    stricter = summarize(shift_store, BOSS, START, END, tz=BERLIN, now=NOW, alert_share=D("0.84"))
    assert stricter.alerts == ()  # 5/6 = 0.8333 is just under 0.84
    at_share = summarize(
        shift_store, BOSS, START, END, tz=BERLIN, now=NOW, alert_share=D("1"), alert_min_count=4
    )
    assert [(a.sku, a.count, a.share) for a in at_share.alerts] == [("TEE-M", 4, D("1.0000"))]  # 4/4 >= 1
    looser = summarize(shift_store, BOSS, START, END, tz=BERLIN, now=NOW, alert_min_count=4, top_skus=1)
    # TEE-M is not in the top list any more, yet its alert still shows.
    assert [(a.sku, a.count, a.share) for a in looser.alerts] == [
        ("TEE-M", 4, D("1.0000")),
        ("TEE-L", 5, D("0.8333")),
    ]


def test_comparison_with_the_night_before(summary: Summary) -> None:
    prev = summary.previous
    assert (prev.start, prev.end) == (START - timedelta(hours=8), START)
    assert prev.units == 3
    assert dict(prev.by_disposition) == {"sellable": 1, "carrier_damaged": 1, "seller_fault": 1}
    assert prev.units_per_hour == D("0.38")  # 3 / 8 = 0.375
    assert prev.seconds_per_unit.median == 60.0
    assert (prev.overrides, prev.override_share) == (1, D("0.3333"))
    assert dict(prev.reimbursement_total) == {"EUR": D("13.00")}
    assert prev.arrival_to_decision_hours.median == 3.5  # 3600, 12600, 32399 s
    deltas = {d.figure: (d.current, d.previous, d.change) for d in summary.deltas}
    assert deltas["units"] == (D(13), D(3), D(10))
    assert deltas["units sellable"] == (D(6), D(1), D(5))
    assert deltas["units seller-fault"] == (D(4), D(1), D(3))
    assert deltas["units per hour"] == (D("1.63"), D("0.38"), D("1.25"))
    assert deltas["median seconds per unit"] == (D("95.0"), D("60.0"), D("35.0"))
    assert deltas["override share"] == (D("0.2308"), D("0.3333"), D("-0.1025"))
    assert deltas["reimbursement EUR"] == (D("67.40"), D("13.00"), D("54.40"))
    assert deltas["reimbursement USD"] == (D("33.60"), D("0"), D("33.60"))
    assert deltas["median hours arrival to decision"] == (D("1.0"), D("3.5"), D("-2.5"))
    units = next(d for d in summary.deltas if d.figure == "units")
    assert units.change_percent == D("333.3")


def test_the_night_shift_across_midnight(shift_store: Store) -> None:
    night = shift_window(NIGHT, date(2026, 11, 25), BERLIN)
    result = summarize(shift_store, BOSS, night.start, night.end, tz=BERLIN, now=NOW)
    assert result.units == 3
    assert [(h.local_start.strftime("%d %H:%M"), h.units) for h in result.units_by_hour] == [
        ("25 22:00", 1),
        ("25 23:00", 0),
        ("26 00:00", 1),
        ("26 01:00", 0),
        ("26 02:00", 0),
        ("26 03:00", 0),
        ("26 04:00", 0),
        ("26 05:00", 1),
    ]
    assert result.units_by_inspector == {"Dan": 3}
    # Compared by default with the 8 hours before: nothing then.
    assert result.previous.units == 0
    assert result.previous.seconds_per_unit.median is None


def test_a_night_shift_when_the_clocks_go_back(store: Store) -> None:
    # Berlin, Sunday 2026-10-25: 03:00 CEST becomes 02:00 CET at 01:00Z; the night shift lasts 9 hours.
    window = shift_window(NIGHT, date(2026, 10, 24), BERLIN)
    assert (window.start, window.end) == (z("2026-10-24 20:00:00"), z("2026-10-25 05:00:00"))
    with store.unit_of_work() as session:
        r = Returns(session)
        times = ["2026-10-24 20:00:00", "2026-10-25 00:10:00", "2026-10-25 00:30:00", "2026-10-25 01:30:00",
                 "2026-10-25 04:59:00", "2026-10-25 05:00:00"]  # fmt: skip
        for moment in times:
            (unit,) = r.auth("TEE-L", "APPAREL_TOO_LARGE")
            r.decide(unit, moment, "sellable", "Ana", "B1", scanned=moment)
    result = summarize(store, BOSS, window.start, window.end, tz=BERLIN, now=NOW)
    assert result.units == 5
    assert result.elapsed_hours == D("9.000")
    assert result.current.units_per_hour == D("0.56")  # 5 / 9
    hours = [(h.local_start.strftime("%H:%M%z"), h.units) for h in result.units_by_hour]
    assert hours == [
        ("22:00+0200", 1),
        ("23:00+0200", 0),
        ("00:00+0200", 0),
        ("01:00+0200", 0),
        ("02:00+0200", 2),  # 00:10Z and 00:30Z
        ("02:00+0100", 1),  # 01:30Z: the same wall-clock hour, once more
        ("03:00+0100", 0),
        ("04:00+0100", 0),
        ("05:00+0100", 1),
    ]
    assert result.units_by_hour_of_day[2] == 3


def test_a_night_shift_when_the_clocks_go_forward(store: Store) -> None:
    # Berlin, Sunday 2026-03-29: 02:00 CET becomes 03:00 CEST at 01:00Z; the night shift lasts 7 hours.
    window = shift_window(NIGHT, date(2026, 3, 28), BERLIN)
    assert window.end - window.start == timedelta(hours=7)
    with store.unit_of_work() as session:
        r = Returns(session)
        for moment in ["2026-03-29 00:59:00", "2026-03-29 01:00:00", "2026-03-29 03:59:59"]:
            (unit,) = r.auth("TEE-L", "APPAREL_TOO_LARGE")
            r.decide(unit, moment, "seller_fault", "Ana", "B1")
    result = summarize(store, BOSS, window.start, window.end, tz=BERLIN, now=NOW)
    hours = [(h.local_start.strftime("%H:%M"), h.units) for h in result.units_by_hour]
    assert hours == [
        ("22:00", 0),
        ("23:00", 0),
        ("00:00", 0),
        ("01:00", 1),
        ("03:00", 1),
        ("04:00", 0),
        ("05:00", 1),
    ]
    assert result.current.units_per_hour == D("0.43")  # 3 / 7


def test_hours_in_a_zone_half_an_hour_off(store: Store) -> None:
    kolkata = ZoneInfo("Asia/Kolkata")  # UTC+05:30: local hours start at UTC half hours
    with store.unit_of_work() as session:
        r = Returns(session)
        for moment in ["2026-11-26 04:29:59", "2026-11-26 04:30:00", "2026-11-26 05:00:00"]:
            (unit,) = r.auth("TEE-L", "APPAREL_TOO_LARGE")
            r.decide(unit, moment, "sellable", "Ana", "B1")
    result = summarize(store, BOSS, z("2026-11-26 03:30:00"), z("2026-11-26 05:30:00"), tz=kolkata, now=NOW)
    assert [(h.local_start.strftime("%H:%M"), h.units) for h in result.units_by_hour] == [
        ("09:00", 1),
        ("10:00", 2),
    ]


def test_an_empty_window(store: Store) -> None:
    result = summarize(store, BOSS, START, END, tz=BERLIN, now=NOW)
    assert result.units == 0
    assert dict(result.units_by_disposition) == {"sellable": 0, "carrier_damaged": 0, "seller_fault": 0}
    assert result.current.units_per_hour == D("0.00")
    assert result.current.seconds_per_unit.median is None
    assert result.current.override_share is None
    assert result.top_reasons_by_sku == () and result.alerts == ()
    assert len(result.units_by_hour) == 8
    data = summary_to_json(result)
    assert data["reimbursement_total"] == {} and data["units_by_inspector"] == {}
    assert "Units decided: 0" in summary_to_text(result)


def test_bad_windows_and_thresholds(store: Store) -> None:
    with pytest.raises(UserError, match="before it starts"):
        summarize(store, BOSS, END, START, tz=BERLIN)
    with pytest.raises(UserError, match="alert share"):
        summarize(store, BOSS, START, END, tz=BERLIN, alert_share=D("1.5"))
    with pytest.raises(ValueError, match="aware"):
        summarize(store, BOSS, START.replace(tzinfo=None), END, tz=BERLIN)


def test_json_holds_the_figures_with_decimal_strings(summary: Summary) -> None:
    data = json.loads(json.dumps(summary_to_json(summary)))
    assert data["units_by_disposition"] == {"sellable": 6, "carrier_damaged": 3, "seller_fault": 4}
    assert data["units_by_inspector"] == {"Ana": 6, "Ben": 5, "Cleo": 2}
    assert data["reimbursement_total"] == {"EUR": "67.40", "USD": "33.60"}
    assert data["top_reasons_by_sku"]["TEE-L"]["reasons"][0] == {
        "reason": "APPAREL_TOO_LARGE",
        "count": 5,
        "share": 0.8333,
        "cumulative_share": 0.8333,
    }
    assert data["window"] == {
        "start": "2026-11-26T05:00:00Z",
        "end": "2026-11-26T13:00:00Z",
        "start_local": "2026-11-26T06:00:00+01:00",
        "end_local": "2026-11-26T14:00:00+01:00",
        "timezone": "Europe/Berlin",
        "hours": 8,
        "elapsed_hours": 8,
    }
    assert data["generated_at"] == "2026-11-26T14:00:00Z"
    assert data["units_per_hour"] == 1.63
    assert data["seconds_per_unit"] == {"count": 12, "median": 95.0, "average": 218.25}
    assert data["overrides"]["by_inspector"]["Cleo"] == {"units": 2, "overrides": 1, "share": 0.5}
    assert {"component": "tax", "currency": "EUR", "amount": "7.60"} in data["reimbursement_by_component"]
    assert data["restocked"][0] == {"sku": "TEE-L", "location": "RETURNS-RESTOCK", "units": 4}
    assert (data["waiting"]["count"], data["waiting"]["requested_since"]) == (3, None)
    assert data["alerts"]["skus"] == [
        {"sku": "TEE-L", "reason": "APPAREL_TOO_LARGE", "count": 5, "returns": 6, "share": 0.8333}
    ]
    assert data["comparison"]["previous"]["reimbursement_total"] == {"EUR": "13.00"}
    assert data["comparison"]["deltas"]["reimbursement EUR"] == {
        "current": "67.40",
        "previous": "13.00",
        "change": "54.40",
        "change_percent": 418.5,
    }
    assert data["comparison"]["deltas"]["units"] == {
        "current": 13,
        "previous": 3,
        "change": 10,
        "change_percent": 333.3,
    }
    assert data["units_by_hour"][0] == {
        "start": "2026-11-26T05:00:00Z",
        "local": "2026-11-26T06:00:00+01:00",
        "units": 2,
    }


def _csv(summary: Summary, table: str) -> list[list[str]]:
    out = io.StringIO()
    write_csv(summary, out, table)
    return list(csv.reader(io.StringIO(out.getvalue())))


def test_csv_of_each_table(summary: Summary) -> None:
    tables = summary_tables(summary)
    assert set(tables) == {
        "figures", "dispositions", "inspectors", "benches", "hours", "overrides", "reimbursement",
        "restocked", "waiting", "reasons", "alerts", "comparison",
    }  # fmt: skip
    for name, (header, rows) in tables.items():
        assert _csv(summary, name) == [header, *rows], name
    assert _csv(summary, "dispositions")[1:] == [
        ["Sellable", "6", "46.2%"],
        ["Carrier-damaged", "3", "23.1%"],
        ["Seller-fault", "4", "30.8%"],
    ]
    assert _csv(summary, "inspectors")[1] == [
        "Ana", "6", "4", "1", "1", "0.75", "6.60", "0.91", "60", "1", "16.7%"
    ]  # fmt: skip
    assert _csv(summary, "benches")[1:] == [["B1", "7", "4", "1", "2"], ["B2", "6", "2", "2", "2"]]
    assert _csv(summary, "hours")[1] == ["2026-11-26 06:00 +0100", "2026-11-26T05:00:00Z", "2"]
    assert _csv(summary, "overrides")[1:] == [
        ["Ana", "6", "1", "16.7%"],
        ["Ben", "5", "1", "20.0%"],
        ["Cleo", "2", "1", "50.0%"],
    ]
    reimbursement = _csv(summary, "reimbursement")[1:]
    assert ["referral_fee", "EUR", "15.00"] in reimbursement
    assert reimbursement[-2:] == [["total", "EUR", "67.40"], ["total", "USD", "33.60"]]
    assert _csv(summary, "restocked")[1] == ["TEE-L", "RETURNS-RESTOCK", "4"]
    assert [row[:5] for row in _csv(summary, "waiting")[1:]] == [
        ["D0000018RRMA", "LAMP", "2026-11-19", "1", "1"],
        ["D0000011RRMA", "KETTLE", "2026-11-20", "1", "3"],
        ["D0000015RRMA", "MUG", "2026-11-25", "2", "2"],
    ]
    assert _csv(summary, "reasons")[1:3] == [
        ["TEE-L", "6", "APPAREL_TOO_LARGE", "5", "83.3%", "83.3%"],
        ["TEE-L", "6", "APPAREL_STYLE", "1", "16.7%", "100.0%"],
    ]
    assert _csv(summary, "alerts")[1:] == [["TEE-L", "APPAREL_TOO_LARGE", "5", "6", "83.3%"]]
    comparison = _csv(summary, "comparison")
    assert comparison[1] == ["units", "13", "3", "10", "333.3"]
    assert ["reimbursement USD", "33.60", "0.00", "33.60", ""] in comparison


def test_csv_of_every_table_at_once(summary: Summary) -> None:
    out = io.StringIO()
    write_csv(summary, out)
    text = out.getvalue()
    assert text.startswith("# figures\nFigure,Value\n")
    assert "\n\n# alerts\nSKU,Reason,Count,Returns,Share\nTEE-L,APPAREL_TOO_LARGE,5,6,83.3%\n" in text
    with pytest.raises(UserError, match="no table 'nope'"):
        write_csv(summary, io.StringIO(), "nope")


def test_text_for_a_terminal(summary: Summary) -> None:
    text = summary_to_text(summary)
    assert text.startswith("RMA Desk summary: early shift of 2026-11-26\n")
    assert "Units decided: 13 (sellable 6, carrier-damaged 3, seller-fault 4); 1.63 units/h" in text
    assert "Expected reimbursement: 67.40 EUR, 33.60 USD." in text
    assert "ALERTS: TEE-L APPAREL_TOO_LARGE 5/6" in text
    assert "Top return reasons per SKU" in text


def test_the_command_picks_the_running_shift_and_the_one_before() -> None:
    shifts = DEFAULT_SHIFTS
    running = resolve_window(
        shift=None, start=None, end=None, tz=BERLIN, shifts=shifts, now=z("2026-11-26 10:00:00")
    )
    assert (running.start, running.end, running.label) == (START, END, "early shift of 2026-11-26")
    assert running.previous == (PREV_START, START)
    assert running.previous_label == "night shift of 2026-11-25"
    night = resolve_window(
        shift="NIGHT", start=None, end=None, tz=BERLIN, shifts=shifts, now=z("2026-11-26 10:00:00")
    )
    assert (night.start, night.end) == (PREV_START, START)
    # The late shift has not started on the 26th yet: the one of the 25th.
    late = resolve_window(
        shift="late", start=None, end=None, tz=BERLIN, shifts=shifts, now=z("2026-11-26 10:00:00")
    )
    assert (late.start, late.end) == (z("2026-11-25 13:00:00"), z("2026-11-25 21:00:00"))
    ranged = resolve_window(
        shift=None, start="2026-11-26 06:00", end="2026-11-26T13:00:00Z", tz=BERLIN, shifts=shifts, now=NOW
    )
    assert (ranged.start, ranged.end, ranged.previous) == (START, END, (PREV_START, START))
    between = (Shift("day", time(8), time(16)),)
    gap = resolve_window(
        shift=None, start=None, end=None, tz=BERLIN, shifts=between, now=z("2026-11-26 20:00:00")
    )
    assert gap.label == "day shift of 2026-11-26"  # between shifts: the one that ended last


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"shift": "early", "start": "2026-11-26", "end": None}, "either --shift or --from/--to"),
        ({"shift": None, "start": "2026-11-26", "end": None}, "both --from and --to"),
        ({"shift": None, "start": "2026-11-26T10:00Z", "end": "2026-11-26T09:00Z"}, "not after --from"),
        ({"shift": None, "start": "yesterday", "end": "2026-11-26"}, "'yesterday' is not a time"),
        ({"shift": "lunch", "start": None, "end": None}, "no shift named 'lunch'"),
    ],
)
def test_the_command_refuses_unclear_windows(kwargs: dict[str, str | None], message: str) -> None:
    with pytest.raises(UserError, match=message):
        resolve_window(tz=BERLIN, shifts=DEFAULT_SHIFTS, now=NOW, **kwargs)  # type: ignore[arg-type]


def _command(store: Store, fmt: str, out_path: Path | None = None, **extra: object) -> str:
    out = io.StringIO()
    code = run_summary_command(
        store,
        BOSS,
        shift="early",
        start=None,
        end=None,
        fmt=fmt,
        out_path=out_path,
        tz=BERLIN,
        shifts=DEFAULT_SHIFTS,
        now=NOW,
        stdout=out,
        **extra,  # type: ignore[arg-type]
    )
    assert code == 0
    return out.getvalue()


def test_the_command_writes_json_csv_and_text(shift_store: Store, tmp_path: Path) -> None:
    data = json.loads(_command(shift_store, "json"))
    assert data["label"] == "early shift of 2026-11-26"
    assert data["reimbursement_total"] == {"EUR": "67.40", "USD": "33.60"}
    assert data["comparison"]["label"] == "night shift of 2026-11-25"
    assert data["comparison"]["previous"]["units"] == 3
    assert (
        _command(shift_store, "csv", table="benches")
        == "Bench,Units,Sellable,Carrier-damaged,Seller-fault\nB1,7,4,1,2\nB2,6,2,2,2\n"
    )
    assert "Units decided: 13" in _command(shift_store, "text")
    target = tmp_path / "summary.json"
    assert _command(shift_store, "json", target) == ""
    assert json.loads(target.read_text(encoding="utf-8"))["units"] == 13
    with pytest.raises(UserError, match="Unknown format"):
        _command(shift_store, "xml")


def test_the_command_writes_a_pdf_report(shift_store: Store, tmp_path: Path) -> None:
    target = tmp_path / "early.pdf"
    _command(shift_store, "pdf", target, site="Leipzig returns hall")
    assert target.read_bytes().startswith(b"%PDF-")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    text = subprocess.run(
        ["pdftotext", "-layout", str(target), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Leipzig returns hall" in text
    assert "2026-11-26 06:00 to 14:00 (Europe/Berlin)" in text
    assert "2026-11-26 05:00Z to 2026-11-26 13:00Z" in text
    assert "early shift of 2026-11-26" in text
    assert "Generated 2026-11-26 15:00" in text
    assert "67.40 EUR" in text
    assert "APPAREL_TOO_LARGE" in text


def test_the_report_sizes_big_headline_numbers_to_fit_their_tiles(summary: Summary) -> None:
    from reportlab.pdfbase import pdfmetrics

    from rmadesk.summary.render import pdf as summary_report

    month = replace(summary.current, units=1_234_567, restocked_units=987_654, units_per_hour=D("1484.30"))
    styles = summary_report._Styles()
    for figures, smaller in ((summary.current, False), (month, True)):
        table = summary_report._tiles(replace(summary, current=figures), styles)
        numbers = table._cellvalues[0]  # the first row: the numbers
        size = numbers[0].style.fontSize
        assert (size < summary_report.TILE_POINTS) is smaller
        room = table._colWidths[0] - 2 * summary_report.TILE_PADDING
        assert all(pdfmetrics.stringWidth(p.text, styles.bold, size) <= room for p in numbers)
