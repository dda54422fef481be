"""How counts, money, shares, durations, days and times read on screen and on paper, written once.

Two display settings apply to everything written here except ``iso_utc`` (files and exports keep
ISO dates and Western digits whatever the screen shows): Persian digits (۱۲۳٬۴۵۶٫۷۸) and the Solar
Hijri calendar. Stored values never change: times stay UTC, money Decimal.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal

from rmadesk.text.i18n import N_, _, pgettext

NO_FIGURE = "—"

LATIN, PERSIAN = "latin", "persian"
GREGORIAN, SOLAR_HIJRI = "gregorian", "solar-hijri"
_PERSIAN_DIGITS = str.maketrans("0123456789,.", "۰۱۲۳۴۵۶۷۸۹٬٫")
_display = {"digits": LATIN, "calendar": GREGORIAN}

# The months of the Solar Hijri calendar (Farvardin is the first, from the March equinox).
_HIJRI_MONTHS = (
    N_("Farvardin"),
    N_("Ordibehesht"),
    N_("Khordad"),
    N_("Tir"),
    N_("Mordad"),
    N_("Shahrivar"),
    N_("Mehr"),
    N_("Aban"),
    N_("Azar"),
    N_("Dey"),
    N_("Bahman"),
    N_("Esfand"),
)


def set_display(*, digits: str = LATIN, calendar: str = GREGORIAN) -> None:
    """Write numbers with ``digits`` ("latin" or "persian") and dates in ``calendar`` ("gregorian"
    or "solar-hijri") from now on; anything else is refused with a message."""
    from rmadesk.domain.errors import UserError

    if digits not in (LATIN, PERSIAN):
        raise UserError(_("The digits setting must be latin or persian, not “{value}”.").format(value=digits))
    if calendar not in (GREGORIAN, SOLAR_HIJRI):
        raise UserError(
            _("The calendar setting must be gregorian or solar-hijri, not “{value}”.").format(value=calendar)
        )
    _display.update(digits=digits, calendar=calendar)


def choose_display(language: str, digits: str = "", calendar: str = "") -> None:
    """The display settings, the language's own where a setting is empty: Persian digits for
    Persian; the Gregorian calendar unless solar-hijri is asked for (the reports' dates are Gregorian)."""
    set_display(digits=digits or (PERSIAN if language == "fa" else LATIN), calendar=calendar or GREGORIAN)


def _shown(text: str) -> str:
    return text.translate(_PERSIAN_DIGITS) if _display["digits"] == PERSIAN else text


def _calendar_day(value: date) -> tuple[int, int, str, str]:
    """(year, day, month's name, month's abbreviation) of a date in the calendar in force."""
    if _display["calendar"] == SOLAR_HIJRI:
        import jdatetime

        solar = jdatetime.date.fromgregorian(date=value)
        name = _(_HIJRI_MONTHS[solar.month - 1])
        return solar.year, solar.day, name, name
    return value.year, value.day, _(_MONTHS[value.month - 1]), _month_abbreviation(value.month)


def _iso_day(value: date) -> str:
    if _display["calendar"] == SOLAR_HIJRI:
        import jdatetime

        solar = jdatetime.date.fromgregorian(date=value)
        return f"{solar.year:04d}-{solar.month:02d}-{solar.day:02d}"
    return f"{value:%Y-%m-%d}"


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
    return NO_FIGURE if value is None else _shown(f"{int(value):,}")


def money(amount: Decimal, currency: str = "") -> str:
    """An amount to the cent with thousands separators, then its currency: "1,234.50 EUR"."""
    return _shown(f"{amount:,.2f} {currency}".rstrip())


def share(fraction: Decimal | float | None, places: int = 1) -> str:
    """A fraction as a percentage: 0.3333 -> "33.3%" (places=0: "33%")."""
    return NO_FIGURE if fraction is None else _shown(f"{fraction * 100:.{places}f}%")


def duration(seconds: Decimal | float | None) -> str:
    """A time per unit: "95 s" (or "127.5 s") below ten minutes, else minutes to the tenth: "15.0 min"."""
    if seconds is None:
        return NO_FIGURE
    value = float(seconds)
    if value >= 600:
        return _("{minutes} min").format(minutes=_shown(f"{value / 60:.1f}"))
    shown = f"{value:.0f}" if round(value, 1) == round(value) else f"{value:.1f}"
    return _("{seconds} s").format(seconds=_shown(shown))


def local(moment: datetime, zone: tzinfo | None = None) -> datetime:
    """A stored moment (UTC; a naive one is taken as UTC) in the given zone, by default this computer's."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone)


def clock(moment: datetime, zone: tzinfo | None = None, *, seconds: bool = False) -> str:
    """The local time of day: "14:05" (or "14:05:09")."""
    return _shown(f"{local(moment, zone):%H:%M:%S}" if seconds else f"{local(moment, zone):%H:%M}")


def date_time(moment: datetime, zone: tzinfo | None = None, *, seconds: bool = False) -> str:
    """The local date and time, sorting as text does: "2026-11-26 14:05" (or "2026-11-26 14:05:09")."""
    shown = local(moment, zone)
    return f"{_shown(_iso_day(shown.date()))} {clock(shown, shown.tzinfo, seconds=seconds)}"


def day(value: date | None) -> str:
    """A date with the month abbreviated: "04 Mar 2025"."""
    if value is None:
        return NO_FIGURE
    year, number, _name, abbreviation = _calendar_day(value)
    return _shown(f"{number:02d} {abbreviation} {year}")


def long_day(value: date) -> str:
    """A date no reader can take the wrong way round: "4 March 2025"."""
    year, number, name, _abbreviation = _calendar_day(value)
    return _shown(f"{number} {name} {year}")


def iso_utc(moment: datetime) -> str:
    """A moment for files and exports, never translated: "2026-11-26T13:05:09Z"."""
    return f"{local(moment, UTC):%Y-%m-%dT%H:%M:%SZ}"
