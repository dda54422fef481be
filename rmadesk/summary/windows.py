"""Which window of time a summary covers, and the window it is compared with: for the command line and
the supervisor view alike."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from rmadesk.domain.errors import UserError
from rmadesk.domain.shifts import (
    Shift,
    ShiftWindow,
    day_window,
    find_shift,
    last_window_of_any,
    latest_shift_window,
    parse_moment,
    previous_shift_window,
    week_window,
)
from rmadesk.text.i18n import _, ngettext

CURRENT = "current"
PREVIOUS = "previous"
SHIFT = "shift"
TODAY = "today"
WEEK = "week"
CUSTOM = "custom"


@dataclass(frozen=True)
class WindowChoice:
    """What the supervisor picked: a kind, the shift's name for SHIFT, the bounds (aware) for CUSTOM."""

    kind: str = CURRENT
    shift: str = ""
    start: datetime | None = None
    end: datetime | None = None


@dataclass(frozen=True)
class PickedWindow:
    """A window resolved at one moment, with the window it is compared with.

    Attributes:
        start / end: aware UTC, end excluded.
        label: what the summary calls the window ("early shift of 2026-11-26").
        previous / previous_label: the comparison window and its name.
        name: the window in two words for a chart ("This shift").
        versus: the comparison window in a few words ("previous shift", "yesterday").
    """

    start: datetime
    end: datetime
    label: str
    previous: tuple[datetime, datetime]
    previous_label: str
    name: str
    versus: str


def iso_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def local_iso(moment: datetime, tz: tzinfo) -> str:
    return moment.astimezone(tz).isoformat(timespec="seconds")


def range_label(start: datetime, end: datetime, tz: tzinfo) -> str:
    a, b = start.astimezone(tz), end.astimezone(tz)
    return _("{start} to {end}").format(start=f"{a:%Y-%m-%d %H:%M}", end=f"{b:%Y-%m-%d %H:%M}")


def _hours_text(length: timedelta) -> str:
    hours = length.total_seconds() / 3600
    if hours >= 48 and hours % 24 == 0:
        days = int(hours // 24)
        return ngettext("{days} day", "{days} days", days).format(days=days)
    return _("{hours} h").format(hours=f"{hours:g}")


def _same_length_before(start: datetime, end: datetime, tz: tzinfo) -> tuple[tuple[datetime, datetime], str]:
    length = end - start
    return (start - length, start), range_label(start - length, start, tz)


def _shift_pick(window: ShiftWindow, shifts: Sequence[Shift], tz: tzinfo, prefix: str = "") -> PickedWindow:
    before = previous_shift_window(shifts, window.start, tz)
    if before is None:
        previous, previous_label = _same_length_before(window.start, window.end, tz)
    else:
        previous, previous_label = (before.start, before.end), before.label
    return PickedWindow(
        window.start,
        window.end,
        prefix + window.label,
        previous,
        previous_label,
        _("This shift"),
        _("previous shift"),
    )


def _last_shift(
    shifts: Sequence[Shift], now: datetime, tz: tzinfo, from_command_line: bool = False
) -> ShiftWindow:
    window = last_window_of_any(shifts, now, tz)
    if window is None:
        if from_command_line:
            raise UserError(_("No shifts are set: name them in the settings (shifts) or give --from/--to."))
        raise UserError(_("No shifts are set: name them in the settings (shifts), or pick a day or a range."))
    return window


def resolve_choice(choice: WindowChoice, shifts: Sequence[Shift], tz: tzinfo, now: datetime) -> PickedWindow:
    """The window ``choice`` means at ``now``: shifts are compared with the shift before them, today
    with yesterday, this week with last week, a custom range with as long right before it.

    Raises UserError for a custom range that ends before it starts or a shift that is not set.
    """
    now = now.astimezone(UTC)
    if choice.kind == CURRENT:
        return _shift_pick(_last_shift(shifts, now, tz), shifts, tz)
    if choice.kind == PREVIOUS:
        last = _last_shift(shifts, now, tz)
        before = previous_shift_window(shifts, last.start, tz)
        if before is None:
            raise UserError(_("There is no shift before this one: the shifts setting names only one shift."))
        picked = _shift_pick(before, shifts, tz)
        return PickedWindow(
            picked.start,
            picked.end,
            picked.label,
            picked.previous,
            picked.previous_label,
            _("That shift"),
            _("the one before"),
        )
    if choice.kind == SHIFT:
        return _shift_pick(latest_shift_window(find_shift(shifts, choice.shift), now, tz), shifts, tz)
    today = now.astimezone(tz).date()
    if choice.kind == TODAY:
        start, end = day_window(today, tz)
        previous = day_window(today - timedelta(days=1), tz)
        return PickedWindow(
            start,
            end,
            _("today, {date}").format(date=f"{today:%a %d %b %Y}"),
            previous,
            _("yesterday, {date}").format(date=f"{today - timedelta(days=1):%a %d %b %Y}"),
            _("Today"),
            _("yesterday"),
        )
    if choice.kind == WEEK:
        start, end = week_window(today, tz)
        previous = week_window(today - timedelta(days=7), tz)
        week = today.isocalendar()
        last = (today - timedelta(days=7)).isocalendar()
        return PickedWindow(
            start,
            end,
            _("week {week} of {year}").format(week=week.week, year=week.year),
            previous,
            _("week {week} of {year}").format(week=last.week, year=last.year),
            _("This week"),
            _("last week"),
        )
    if choice.kind == CUSTOM:
        if choice.start is None or choice.end is None:
            raise UserError(_("Give the start and the end of the range."))
        start, end = choice.start.astimezone(UTC), choice.end.astimezone(UTC)
        if end <= start:
            raise UserError(_("The range ends before it starts: set the end after the start."))
        previous, previous_label = _same_length_before(start, end, tz)
        return PickedWindow(
            start,
            end,
            range_label(start, end, tz),
            previous,
            previous_label,
            _("This range"),
            _("the {length} before").format(length=_hours_text(end - start)),
        )
    raise ValueError(f"unknown window kind {choice.kind!r}")


def resolve_window(
    *,
    shift: str | None,
    start: str | None,
    end: str | None,
    tz: tzinfo,
    shifts: Sequence[Shift],
    now: datetime,
) -> PickedWindow:
    """The window of the command line's options. ``--shift NAME``: that shift's latest started window;
    ``--from/--to``: that range; neither: the running shift (or, between shifts, the one that ended
    last). A shift is compared with the shift before it; a range with as long right before it."""
    if shift and (start or end):
        raise UserError(_("Give either --shift or --from/--to, not both."))
    if start or end:
        if not (start and end):
            raise UserError(_("Give both --from and --to (ISO 8601, e.g. 2026-11-26T06:00:00Z)."))
        a, b = parse_moment(start, tz), parse_moment(end, tz)
        if b <= a:
            raise UserError(_("--to ({end}) is not after --from ({start}).").format(end=end, start=start))
        return resolve_choice(WindowChoice(CUSTOM, start=a, end=b), shifts, tz, now)
    if shift:
        return resolve_choice(WindowChoice(SHIFT, shift=shift), shifts, tz, now)
    return _shift_pick(_last_shift(shifts, now.astimezone(UTC), tz, from_command_line=True), shifts, tz)
