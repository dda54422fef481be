from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from rmadesk.domain.model import Money
from rmadesk.text import formatting as fmt

BERLIN = ZoneInfo("Europe/Berlin")
TEHRAN = ZoneInfo("Asia/Tehran")


def test_money_reads_to_the_cent_with_thousands_and_its_currency() -> None:
    assert fmt.money(Decimal("1234.5"), "EUR") == "1,234.50 EUR"
    assert fmt.money(Decimal("0.5"), "USD") == "0.50 USD"
    assert fmt.money(Decimal("-12"), "GBP") == "-12.00 GBP"
    assert fmt.money(Decimal("26.2")) == "26.20"
    assert str(Money(Decimal("1234567.891"), "EUR")) == "1,234,567.89 EUR"


def test_counts_and_shares() -> None:
    assert (fmt.count(1234567), fmt.count(Decimal("12")), fmt.count(None)) == ("1,234,567", "12", "—")
    assert fmt.share(Decimal(1) / Decimal(3)) == "33.3%"
    assert fmt.share(0.5, places=0) == "50%"
    assert fmt.share(Decimal("0.0625")) == "6.2%"  # a Decimal rounds half to even, as the reports always did
    assert fmt.share(None) == "—"


def test_durations_read_in_seconds_then_minutes() -> None:
    assert [fmt.duration(s) for s in (95.0, 127.5, 59.96, 599, 600, 900, Decimal("61"), None)] == [
        "95 s",
        "127.5 s",
        "60 s",
        "599 s",
        "10.0 min",
        "15.0 min",
        "61 s",
        "—",
    ]


def test_a_utc_moment_is_shown_in_the_given_zone() -> None:
    stored = datetime(2026, 11, 26, 13, 5, 9, tzinfo=UTC)
    assert fmt.clock(stored, BERLIN) == "14:05"
    assert fmt.clock(stored, BERLIN, seconds=True) == "14:05:09"
    assert fmt.clock(stored, TEHRAN) == "16:35"
    assert fmt.date_time(stored, ZoneInfo("America/Los_Angeles")) == "2026-11-26 05:05"
    assert fmt.date_time(stored, ZoneInfo("Pacific/Auckland"), seconds=True) == "2026-11-27 02:05:09"
    assert fmt.local(stored, BERLIN).utcoffset() == timedelta(hours=1)


def test_summer_time_and_naive_moments() -> None:
    summer = datetime(2026, 7, 1, 22, 30, tzinfo=UTC)
    assert fmt.date_time(summer, BERLIN) == "2026-07-02 00:30"  # CEST, +2
    naive = datetime(2026, 7, 1, 22, 30)  # stored values are UTC, so a naive one is too
    assert fmt.date_time(naive, BERLIN) == "2026-07-02 00:30"
    assert fmt.clock(summer, timezone(timedelta(hours=-3))) == "19:30"


def test_the_default_zone_is_this_computers() -> None:
    stored = datetime(2026, 11, 26, 13, 5, tzinfo=UTC)
    assert fmt.clock(stored) == stored.astimezone().strftime("%H:%M")


def test_days_spell_their_month() -> None:
    assert fmt.day(date(2025, 3, 4)) == "04 Mar 2025"
    assert fmt.day(date(2026, 5, 31)) == "31 May 2026"
    assert fmt.day(None) == "—"
    assert fmt.long_day(date(2025, 3, 4)) == "4 March 2025"
    assert [fmt.long_day(date(2026, m, 1)).split()[1] for m in (1, 5, 12)] == ["January", "May", "December"]


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2026, 11, 26, 14, 5, 9, tzinfo=BERLIN), "2026-11-26T13:05:09Z"),
        (datetime(2026, 11, 26, 13, 5, 9, 999999, tzinfo=UTC), "2026-11-26T13:05:09Z"),
        (datetime(2026, 11, 26, 13, 5, 9), "2026-11-26T13:05:09Z"),
    ],
)
def test_files_get_utc_iso_stamps(moment: datetime, expected: str) -> None:
    assert fmt.iso_utc(moment) == expected
