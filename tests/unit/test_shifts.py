"""Shift windows in local time: across midnight, across the clock changes, and typed-in times."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from rmadesk.domain.errors import UserError
from rmadesk.domain.shifts import (
    DEFAULT_SHIFTS,
    MomentError,
    Shift,
    ShiftSpecError,
    current_shift,
    day_window,
    find_shift,
    latest_shift_window,
    local_zone,
    parse_moment,
    parse_shift,
    parse_shifts,
    previous_shift_window,
    shift_window,
    week_window,
    zone_name,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
EARLY, LATE, NIGHT = DEFAULT_SHIFTS


def z(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_default_shifts_cover_the_day() -> None:
    assert [str(s) for s in DEFAULT_SHIFTS] == ["early=06:00-14:00", "late=14:00-22:00", "night=22:00-06:00"]
    assert [s.crosses_midnight for s in DEFAULT_SHIFTS] == [False, False, True]


def test_a_day_shift_in_winter_and_summer() -> None:
    winter = shift_window(EARLY, date(2026, 11, 26), BERLIN)
    assert (winter.start, winter.end) == (z("2026-11-26 05:00"), z("2026-11-26 13:00"))
    summer = shift_window(EARLY, date(2026, 7, 1), BERLIN)
    assert (summer.start, summer.end) == (z("2026-07-01 04:00"), z("2026-07-01 12:00"))
    assert winter.label == "early shift of 2026-11-26"


def test_a_night_shift_ends_the_next_morning() -> None:
    night = shift_window(NIGHT, date(2026, 11, 25), BERLIN)
    assert (night.start, night.end) == (z("2026-11-25 21:00"), z("2026-11-26 05:00"))
    assert night.day == date(2026, 11, 25)


@pytest.mark.parametrize(
    ("tz", "day", "start", "end", "hours"),
    [
        # Berlin: clocks forward at 02:00 on Sunday 2026-03-29, back at 03:00 on 2026-10-25.
        (BERLIN, date(2026, 3, 28), "2026-03-28 21:00", "2026-03-29 04:00", 7),
        (BERLIN, date(2026, 10, 24), "2026-10-24 20:00", "2026-10-25 05:00", 9),
        # New York: forward at 02:00 on 2026-03-08, back at 02:00 on 2026-11-01.
        (NEW_YORK, date(2026, 3, 7), "2026-03-08 03:00", "2026-03-08 10:00", 7),
        (NEW_YORK, date(2026, 10, 31), "2026-11-01 02:00", "2026-11-01 11:00", 9),
        # The nights either side keep their 8 hours.
        (BERLIN, date(2026, 3, 29), "2026-03-29 20:00", "2026-03-30 04:00", 8),
        (NEW_YORK, date(2026, 11, 1), "2026-11-02 03:00", "2026-11-02 11:00", 8),
    ],
)
def test_night_shifts_when_the_clocks_change(
    tz: ZoneInfo, day: date, start: str, end: str, hours: int
) -> None:
    window = shift_window(NIGHT, day, tz)
    assert (window.start, window.end) == (z(start), z(end))
    assert window.end - window.start == timedelta(hours=hours)


def test_a_wall_time_the_clocks_skip_is_read_with_the_offset_before_the_change() -> None:
    # 02:30 does not happen in Berlin on 2026-03-29: read as 02:30 CET, which is 03:30 CEST.
    odd = Shift("odd", time(2, 30), time(6, 0))
    window = shift_window(odd, date(2026, 3, 29), BERLIN)
    assert (window.start, window.end) == (z("2026-03-29 01:30"), z("2026-03-29 04:00"))
    assert window.start.astimezone(BERLIN).strftime("%H:%M%z") == "03:30+0200"


def test_shifts_that_meet_leave_no_gap_and_no_overlap() -> None:
    day = date(2026, 10, 24)
    windows = [shift_window(s, day, BERLIN) for s in DEFAULT_SHIFTS]
    windows.append(shift_window(EARLY, day + timedelta(days=1), BERLIN))
    for before, after in zip(windows, windows[1:], strict=False):
        assert before.end == after.start
    assert windows[-1].start - windows[0].start == timedelta(hours=25)  # the day the clocks go back


@pytest.mark.parametrize(
    ("now", "name", "day"),
    [
        ("2026-11-26 05:00", "early", date(2026, 11, 26)),  # 06:00 local: the early shift has begun
        ("2026-11-26 04:59", "night", date(2026, 11, 25)),  # 05:59 local: still last night's
        ("2026-11-26 22:30", "night", date(2026, 11, 26)),  # 23:30 local
        ("2026-11-26 23:30", "night", date(2026, 11, 26)),  # 00:30 local on the 27th
        ("2026-11-26 13:00", "late", date(2026, 11, 26)),
    ],
)
def test_the_current_shift(now: str, name: str, day: date) -> None:
    window = current_shift(DEFAULT_SHIFTS, z(now), BERLIN)
    assert window is not None
    assert (window.shift.name, window.day) == (name, day)


def test_between_shifts_there_is_no_current_one_but_a_previous_one() -> None:
    office = (Shift("day", time(8), time(16)),)
    assert current_shift(office, z("2026-11-26 18:00"), BERLIN) is None
    before = previous_shift_window(office, z("2026-11-26 18:00"), BERLIN)
    assert before is not None and before.day == date(2026, 11, 26)


def test_the_previous_shift_and_the_latest_of_a_name() -> None:
    early = shift_window(EARLY, date(2026, 11, 26), BERLIN)
    before = previous_shift_window(DEFAULT_SHIFTS, early.start, BERLIN)
    assert before is not None and (before.shift.name, before.day) == ("night", date(2026, 11, 25))
    # At 11:00 local the late shift of the 26th has not begun: the latest late shift is the 25th's.
    late = latest_shift_window(LATE, z("2026-11-26 10:00"), BERLIN)
    assert late.day == date(2026, 11, 25)
    running = latest_shift_window(EARLY, z("2026-11-26 10:00"), BERLIN)
    assert running.day == date(2026, 11, 26)
    with pytest.raises(ValueError, match="aware"):
        current_shift(DEFAULT_SHIFTS, datetime(2026, 11, 26, 10), BERLIN)


def test_days_and_weeks_in_local_time() -> None:
    assert day_window(date(2026, 11, 26), BERLIN) == (z("2026-11-25 23:00"), z("2026-11-26 23:00"))
    start, end = day_window(date(2026, 10, 25), BERLIN)
    assert end - start == timedelta(hours=25)
    start, end = day_window(date(2026, 3, 8), NEW_YORK)
    assert end - start == timedelta(hours=23)
    # Thursday 2026-11-26 is in the ISO week from Monday the 23rd.
    assert week_window(date(2026, 11, 26), BERLIN) == (z("2026-11-22 23:00"), z("2026-11-29 23:00"))
    start, end = week_window(date(2026, 10, 25), BERLIN)  # a Sunday: the week of Monday the 19th
    assert start == z("2026-10-18 22:00") and end - start == timedelta(hours=7 * 24 + 1)


def test_parse_shifts_from_lines_lists_and_tables() -> None:
    text = """
    [shifts]
    # two shifts only on Saturdays
    early = "06:00-14:00"
    late=14:00 - 22:30   # trailing comments are fine
    """
    assert parse_shifts(text) == (
        Shift("early", time(6), time(14)),
        Shift("late", time(14), time(22, 30)),
    )
    assert parse_shifts(["a=22:00-06:00", "b=06:00-24:00"]) == (
        Shift("a", time(22), time(6)),
        Shift("b", time(6), time(0)),
    )
    assert parse_shifts({"day": "08:00-16:00"}) == (Shift("day", time(8), time(16)),)
    assert parse_shifts("early=06:00-14:00, late=14:00-22:00")[1].name == "late"
    assert parse_shift("whole=07:00-07:00").crosses_midnight  # 24 hours


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("early 06:00-14:00", "'early 06:00-14:00' is not of the form name=HH:MM-HH:MM"),
        ("early=6-14", "'6' is not a time of day"),
        ("early=25:00-14:00", "'25:00' is not a time of day"),
        ("early=06:60-14:00", "'06:60' is not a time of day"),
        ("early=06:00-24:30", "'24:30' is past midnight"),
        ("ear ly=06:00-14:00", "is not of the form"),
        ("é=06:00-14:00", "the name 'é' may hold only"),
        ("early=06:00-14:00\nEARLY=14:00-22:00", "Shift 'EARLY' is named twice"),
        ("# nothing\n", "No shifts given"),
    ],
)
def test_parse_shifts_names_the_bad_entry(spec: str, message: str) -> None:
    with pytest.raises(ShiftSpecError, match=message):
        parse_shifts(spec)


def test_find_shift_ignores_case_and_lists_the_names() -> None:
    assert find_shift(DEFAULT_SHIFTS, " Night ") is NIGHT
    with pytest.raises(ShiftSpecError, match="no shift named 'lunch'. Shifts: early, late, night"):
        find_shift(DEFAULT_SHIFTS, "lunch")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-26T06:00:00Z", "2026-11-26 06:00"),
        ("2026-11-26T07:00:00+01:00", "2026-11-26 06:00"),
        ("2026-11-26T01:00-05:00", "2026-11-26 06:00"),
        ("2026-11-26T07:00", "2026-11-26 06:00"),  # local, Berlin in winter
        ("2026-11-26 07:00:30.5", "2026-11-26 06:00:30.5"),
        ("2026-07-01 07:00", "2026-07-01 05:00"),  # local, Berlin in summer
        ("2026-11-26", "2026-11-25 23:00"),  # a date alone: local midnight
        ("  2026-10-25T02:30  ", "2026-10-25 00:30"),  # happens twice: the first one
    ],
)
def test_parse_moment_forms(text: str, expected: str) -> None:
    assert parse_moment(text, BERLIN) == z(expected)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("yesterday", "'yesterday' is not a time: use ISO 8601"),
        ("26.11.2026 06:00", "'26.11.2026 06:00' is not a time"),
        ("2026-13-01T00:00Z", "'2026-13-01T00:00Z' is not a time"),
        ("", "An empty time was given"),
        ("2026-03-29T02:30", "'2026-03-29T02:30' does not exist in Europe/Berlin"),
    ],
)
def test_parse_moment_errors_name_the_value(text: str, message: str) -> None:
    with pytest.raises(MomentError, match=message):
        parse_moment(text, BERLIN)


def test_local_zone_by_name_or_from_the_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    assert zone_name(local_zone("America/New_York")) == "America/New_York"
    with pytest.raises(UserError, match="'Mars/Olympus' is not a time zone name"):
        local_zone("Mars/Olympus")
    monkeypatch.setenv("TZ", "Asia/Kolkata")
    assert zone_name(local_zone()) == "Asia/Kolkata"
    assert zone_name(UTC) == "UTC"
