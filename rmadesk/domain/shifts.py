"""Shifts in local wall-clock time, and the UTC windows of shifts, days, weeks and typed-in moments."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rmadesk.domain.errors import UserError
from rmadesk.text.i18n import N_, _


class ShiftSpecError(UserError):
    """A shift specification that cannot be read; the message names the bad entry."""


class MomentError(UserError):
    """A typed-in time that cannot be read, or names a local time that does not exist."""


@dataclass(frozen=True)
class Shift:
    """A named shift in local wall-clock time; one whose end is not after its start crosses midnight.

    Attributes:
        name: what supervisors call it ("early", "night").
        start: local start time.
        end: local end time; ``end <= start`` means it ends on the next day (equal: 24 hours).
    """

    name: str
    start: time
    end: time

    @property
    def crosses_midnight(self) -> bool:
        return self.end <= self.start

    def __str__(self) -> str:
        return f"{self.name}={self.start:%H:%M}-{self.end:%H:%M}"


@dataclass(frozen=True)
class ShiftWindow:
    """One occurrence of a shift: the local day it starts on and its UTC bounds (end excluded)."""

    shift: Shift
    day: date
    start: datetime
    end: datetime

    @property
    def label(self) -> str:
        return _("{shift} shift of {day}").format(shift=self.shift.name, day=self.day.isoformat())


DEFAULT_SHIFTS: tuple[Shift, ...] = (
    Shift("early", time(6, 0), time(14, 0)),
    Shift("late", time(14, 0), time(22, 0)),
    Shift("night", time(22, 0), time(6, 0)),
)

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}")
_ENTRY = re.compile(r"^\s*([^=\s]+)\s*=\s*[\"']?\s*([0-9:]+)\s*-\s*([0-9:]+)\s*[\"']?\s*,?\s*$")
_CLOCK = re.compile(r"^([01]?[0-9]|2[0-4]):([0-5][0-9])$")


def _parse_clock(text: str, entry: str) -> time:
    match = _CLOCK.match(text)
    if not match:
        raise ShiftSpecError(
            _("Shift '{entry}': '{text}' is not a time of day (HH:MM, 00:00 to 24:00).").format(
                entry=entry, text=text
            )
        )
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour == 24:
        if minute:
            raise ShiftSpecError(
                _("Shift '{entry}': '{text}' is past midnight; use 00:00 to 24:00.").format(
                    entry=entry, text=text
                )
            )
        return time(0, 0)
    return time(hour, minute)


def parse_shift(entry: str) -> Shift:
    """One shift from ``name=HH:MM-HH:MM`` (quotes and spaces allowed, as in a TOML line)."""
    match = _ENTRY.match(entry)
    if not match:
        raise ShiftSpecError(
            _("Shift '{entry}' is not of the form name=HH:MM-HH:MM (e.g. early=06:00-14:00).").format(
                entry=entry.strip()
            )
        )
    name, start, end = match.groups()
    name = name.strip("\"'")
    if not _NAME.fullmatch(name):
        raise ShiftSpecError(
            _("Shift '{entry}': the name '{name}' may hold only letters, digits, '-' and '_'.").format(
                entry=entry.strip(), name=name
            )
        )
    return Shift(name, _parse_clock(start, entry.strip()), _parse_clock(end, entry.strip()))


def parse_shifts(spec: str | Iterable[str] | Mapping[str, str]) -> tuple[Shift, ...]:
    """Shifts from text (one ``name=HH:MM-HH:MM`` a line or comma-separated; ``#`` comments and a
    ``[shifts]`` header are skipped), a list of such strings, or a mapping name -> "HH:MM-HH:MM".

    Raises ShiftSpecError naming the entry for a bad line, a repeated name or an empty spec.
    """
    entries: list[str]
    if isinstance(spec, str):
        entries = []
        for line in spec.splitlines():
            line = line.split("#", 1)[0].strip()
            if not line or (line.startswith("[") and line.endswith("]")):
                continue
            entries.extend(part for part in (p.strip() for p in line.split(",")) if part)
    elif isinstance(spec, Mapping):
        entries = [f"{name}={value}" for name, value in spec.items()]
    else:
        entries = [str(item) for item in spec]
    shifts = tuple(parse_shift(entry) for entry in entries)
    if not shifts:
        raise ShiftSpecError(_("No shifts given: name at least one, e.g. early=06:00-14:00."))
    seen: set[str] = set()
    for shift in shifts:
        if shift.name.lower() in seen:
            raise ShiftSpecError(_("Shift '{name}' is named twice.").format(name=shift.name))
        seen.add(shift.name.lower())
    return shifts


def find_shift(shifts: Sequence[Shift], name: str) -> Shift:
    """The shift of that name (case ignored); the error lists the names known."""
    for shift in shifts:
        if shift.name.lower() == name.strip().lower():
            return shift
    known = ", ".join(s.name for s in shifts) or _("none")
    raise ShiftSpecError(
        _("There is no shift named '{name}'. Shifts: {known}.").format(name=name, known=known)
    )


def _local_instant(day: date, clock: time, tz: tzinfo) -> datetime:
    # fold=0: a wall time that happens twice (clocks going back) means its first occurrence, and
    # one the clocks skip is read with the offset before the change (02:30 CET is 03:30 CEST).
    # Either way a shift that ends at a wall time and the next one that starts there still meet.
    return datetime.combine(day, clock, tzinfo=tz).astimezone(UTC)


def shift_window(shift: Shift, day: date, tz: tzinfo) -> ShiftWindow:
    """The UTC bounds of ``shift`` starting on local ``day``; a night shift across a change of the
    clocks is one hour shorter or longer, as worked."""
    end_day = day + timedelta(days=1) if shift.crosses_midnight else day
    return ShiftWindow(
        shift, day, _local_instant(day, shift.start, tz), _local_instant(end_day, shift.end, tz)
    )


def _windows_near(shifts: Sequence[Shift], moment: datetime, tz: tzinfo) -> list[ShiftWindow]:
    today = moment.astimezone(tz).date()
    return [shift_window(s, today + timedelta(days=d), tz) for d in (-2, -1, 0, 1) for s in shifts]


def _aware(moment: datetime, what: str) -> datetime:
    if moment.tzinfo is None:
        raise ValueError(f"{what} must be timezone-aware")
    return moment.astimezone(UTC)


def current_shift(shifts: Sequence[Shift], now: datetime, tz: tzinfo) -> ShiftWindow | None:
    """The window running at ``now``, or None between shifts; of overlapping ones, the latest started."""
    now = _aware(now, "now")
    running = [w for w in _windows_near(shifts, now, tz) if w.start <= now < w.end]
    return max(running, key=lambda w: w.start, default=None)


def latest_shift_window(shift: Shift, now: datetime, tz: tzinfo) -> ShiftWindow:
    """The latest window of ``shift`` that has started by ``now`` (running, or else the last one done)."""
    now = _aware(now, "now")
    started = [w for w in _windows_near([shift], now, tz) if w.start <= now]
    return max(started, key=lambda w: w.start)


def previous_shift_window(shifts: Sequence[Shift], before: datetime, tz: tzinfo) -> ShiftWindow | None:
    """The window of any shift that ended last at or before ``before`` (the shift before this one)."""
    before = _aware(before, "before")
    done = [w for w in _windows_near(shifts, before, tz) if w.end <= before]
    return max(done, key=lambda w: (w.end, w.start), default=None)


def last_window_of_any(shifts: Sequence[Shift], now: datetime, tz: tzinfo) -> ShiftWindow | None:
    """The running shift, or, between shifts, the one that ended last."""
    return current_shift(shifts, now, tz) or previous_shift_window(shifts, now, tz)


def day_window(day: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """Local midnight to the next local midnight, in UTC (23 or 25 hours when the clocks change)."""
    return _local_instant(day, time(0), tz), _local_instant(day + timedelta(days=1), time(0), tz)


def week_window(day: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """The ISO week holding ``day``: local Monday midnight to the next Monday midnight, in UTC."""
    monday = day - timedelta(days=day.weekday())
    return _local_instant(monday, time(0), tz), _local_instant(monday + timedelta(days=7), time(0), tz)


_MOMENT_HINT = N_(
    "use ISO 8601, e.g. 2026-11-26T06:00:00Z, 2026-11-26T07:00+01:00 or 2026-11-26 07:00 (local time)"
)


def parse_moment(text: str, tz: tzinfo) -> datetime:
    """A typed-in time as aware UTC: ISO 8601 with ``Z`` or an offset, or local wall time in ``tz``
    (a date alone is local midnight). A local time the clocks skip is refused; one they repeat
    means its first occurrence.
    """
    raw = text.strip()
    if not raw:
        raise MomentError(_("An empty time was given: {hint}.").format(hint=_(_MOMENT_HINT)))
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            parsed = datetime.combine(date.fromisoformat(raw), time(0))
        else:
            # Python 3.11 reads 'Z', offsets, 'T' or a space, and fractions of a second.
            parsed = datetime.fromisoformat(raw)
    except ValueError:
        raise MomentError(
            _("'{text}' is not a time: {hint}.").format(text=raw, hint=_(_MOMENT_HINT))
        ) from None
    if parsed.tzinfo is not None:
        return parsed.astimezone(UTC)
    local = parsed.replace(tzinfo=tz)
    back = local.astimezone(UTC).astimezone(tz).replace(tzinfo=None)
    if back != parsed:
        raise MomentError(
            _(
                "'{text}' does not exist in {zone}: the clocks skip that hour. "
                "Give the time with its UTC offset instead."
            ).format(text=raw, zone=zone_name(tz))
        )
    return local.astimezone(UTC)


def zone_name(tz: tzinfo) -> str:
    """The IANA name of a zone when it has one, else what it calls itself now."""
    key = getattr(tz, "key", None)
    return key if isinstance(key, str) else (datetime.now(tz).tzname() or _("local time"))


def local_zone(name: str = "") -> tzinfo:
    """The zone named (IANA, e.g. Europe/Berlin), else this machine's zone with its daylight-saving rules.

    Raises UserError for an unknown name. The machine's zone comes from TZ, /etc/localtime or
    /etc/timezone; without any of these, the current fixed offset (no daylight-saving changes).
    """
    if name.strip():
        try:
            return ZoneInfo(name.strip())
        except (ZoneInfoNotFoundError, ValueError):
            raise UserError(
                _("'{name}' is not a time zone name known here (e.g. Europe/Berlin).").format(name=name)
            ) from None
    env = os.environ.get("TZ", "").strip().lstrip(":")
    candidates = [env] if env else []
    localtime = Path("/etc/localtime")
    if localtime.is_symlink():
        target = str(localtime.resolve())
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])
    try:
        candidates.append(Path("/etc/timezone").read_text(encoding="utf-8").strip())
    except OSError:
        pass
    for candidate in candidates:
        try:
            return ZoneInfo(candidate)
        except (ZoneInfoNotFoundError, ValueError):
            continue
    fallback = datetime.now().astimezone().tzinfo
    return fallback if fallback is not None else UTC
