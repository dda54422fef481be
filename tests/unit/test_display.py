"""Persian digits and the Solar Hijri calendar on screen; files keep ISO dates and Western digits."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from rmadesk.domain.errors import UserError
from rmadesk.text import formatting as f


@pytest.fixture(autouse=True)
def usual_display() -> Iterator[None]:
    yield
    f.set_display()


def test_persian_digits_on_screen_and_western_digits_in_files() -> None:
    moment = datetime(2026, 11, 26, 13, 5, 9, tzinfo=UTC)
    f.set_display(digits=f.PERSIAN)
    assert f.count(1234567) == "۱٬۲۳۴٬۵۶۷"
    assert f.money(Decimal("1234.5"), "EUR") == "۱٬۲۳۴٫۵۰ EUR"  # the currency code stays as it is
    assert f.share(Decimal("0.125")) == "۱۲٫۵%"
    assert f.clock(moment, UTC) == "۱۳:۰۵"
    assert f.iso_utc(moment) == "2026-11-26T13:05:09Z"
    f.set_display()
    assert f.count(1234567) == "1,234,567"


def test_dates_in_the_solar_hijri_calendar() -> None:
    f.set_display(calendar=f.SOLAR_HIJRI)
    assert f.day(date(2026, 3, 21)) == "01 Farvardin 1405"  # Nowruz
    assert f.long_day(date(2025, 12, 22)) == "1 Dey 1404"
    assert f.date_time(datetime(2026, 3, 21, 9, 30, tzinfo=UTC), UTC) == "1405-01-01 09:30"
    f.set_display(digits=f.PERSIAN, calendar=f.SOLAR_HIJRI)
    assert f.day(date(2026, 3, 21)) == "۰۱ Farvardin ۱۴۰۵"


def test_the_language_chooses_the_digits_unless_a_setting_says_otherwise() -> None:
    f.choose_display("fa")
    assert f.count(12) == "۱۲"
    f.choose_display("fa", digits="latin")
    assert f.count(12) == "12"
    f.choose_display("en")
    assert f.count(12) == "12"
    with pytest.raises(UserError, match="digits setting"):
        f.set_display(digits="roman")
    with pytest.raises(UserError, match="calendar setting"):
        f.set_display(calendar="julian")
