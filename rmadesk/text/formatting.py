"""How counts, money, shares, durations, days and times read on screen and on paper, written once."""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal

from rmadesk.text.i18n import N_, _, pgettext

NO_FIGURE = "—"

# Month names come from the catalogue, not strftime("%B"), which follows the process locale (Qt changes it).
_MONTHS = (
    N_("January"),
    N_("February"),
    N_("March"),
    N_("April"),
    N_("May"),
    N_("June"),
    N_("July"),
    N_("August"),
    N_("September"),
    N_("October"),
    N_("November"),
    N_("December"),
)


def _month_abbreviation(month: int) -> str:
    # A context of their own: "May" abbreviated need not be "May" in full in every language.
    return (
        pgettext("month abbreviation", "Jan"),
        pgettext("month abbreviation", "Feb"),
        pgettext("month abbreviation", "Mar"),
        pgettext("month abbreviation", "Apr"),
        pgettext("month abbreviation", "May"),
        pgettext("month abbreviation", "Jun"),
        pgettext("month abbreviation", "Jul"),
        pgettext("month abbreviation", "Aug"),
        pgettext("month abbreviation", "Sep"),
        pgettext("month abbreviation", "Oct"),
        pgettext("month abbreviation", "Nov"),
        pgettext("month abbreviation", "Dec"),
    )[month - 1]


def count(value: Decimal | float | int | None) -> str:
    """A whole number with thousands separators: "1,234"."""
    return NO_FIGURE if value is None else f"{int(value):,}"


def money(amount: Decimal, currency: str = "") -> str:
    """An amount to the cent with thousands separators, then its currency: "1,234.50 EUR"."""
    return f"{amount:,.2f} {currency}".rstrip()


def share(fraction: Decimal | float | None, places: int = 1) -> str:
    """A fraction as a percentage: 0.3333 -> "33.3%" (places=0: "33%")."""
    return NO_FIGURE if fraction is None else f"{fraction * 100:.{places}f}%"


def duration(seconds: Decimal | float | None) -> str:
    """A time per unit: "95 s" (or "127.5 s") below ten minutes, else minutes to the tenth: "15.0 min"."""
    if seconds is None:
        return NO_FIGURE
    value = float(seconds)
    if value >= 600:
        return _("{minutes} min").format(minutes=f"{value / 60:.1f}")
    shown = f"{value:.0f}" if round(value, 1) == round(value) else f"{value:.1f}"
    return _("{seconds} s").format(seconds=shown)


def local(moment: datetime, zone: tzinfo | None = None) -> datetime:
    """A stored moment (UTC; a naive one is taken as UTC) in the given zone, by default this computer's."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone)


def clock(moment: datetime, zone: tzinfo | None = None, *, seconds: bool = False) -> str:
    """The local time of day: "14:05" (or "14:05:09")."""
    return f"{local(moment, zone):%H:%M:%S}" if seconds else f"{local(moment, zone):%H:%M}"


def date_time(moment: datetime, zone: tzinfo | None = None, *, seconds: bool = False) -> str:
    """The local date and time, sorting as text does: "2026-11-26 14:05" (or "2026-11-26 14:05:09")."""
    shown = local(moment, zone)
    return f"{shown:%Y-%m-%d} {clock(shown, shown.tzinfo, seconds=seconds)}"


def day(value: date | None) -> str:
    """A date with the month abbreviated: "04 Mar 2025"."""
    if value is None:
        return NO_FIGURE
    return f"{value.day:02d} {_month_abbreviation(value.month)} {value.year}"


def long_day(value: date) -> str:
    """A date no reader can take the wrong way round: "4 March 2025"."""
    return f"{value.day} {_(_MONTHS[value.month - 1])} {value.year}"


def iso_utc(moment: datetime) -> str:
    """A moment for files and exports, never translated: "2026-11-26T13:05:09Z"."""
    return f"{local(moment, UTC):%Y-%m-%dT%H:%M:%SZ}"
