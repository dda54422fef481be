"""Reading the values in a report's cells: dates, money, whole numbers and Y/N flags."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from rmadesk.text.i18n import N_, _

_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1
    )
}
_ISO_DATE = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2}|[A-Za-z]{2,5})?)?"
)
_DAY_MONTH_YEAR = re.compile(
    r"(\d{1,2})([-/.])(\d{1,2})\2(\d{4})"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2})?\s*(?:[A-Za-z]{2,5}|[+-]\d{2}:?\d{2})?)?"  # 14.03.2023 07:49:55 UTC
)
_DAY_MONTHNAME_YEAR = re.compile(r"(\d{1,2})[- ]([A-Za-z]{3})[- ](\d{4})")
DATE_FORMATS_HINT = N_("expected a date like 2026-11-05, 05-11-2026 or 05-Nov-2026")  # shown with _()


def parse_date(text: str) -> date | None:
    """Parse a report date (ISO with optional time, DD-MM-YYYY, DD-MON-YYYY); empty gives None."""
    stripped = text.strip()
    if not stripped:
        return None
    try:
        if match := _ISO_DATE.fullmatch(stripped):
            # The time and zone are dropped: the report's own calendar day is the one people see.
            return date(int(match[1]), int(match[2]), int(match[3]))
        if match := _DAY_MONTH_YEAR.fullmatch(stripped):
            return date(int(match[4]), int(match[3]), int(match[1]))
        if (match := _DAY_MONTHNAME_YEAR.fullmatch(stripped)) and match[2].lower() in _MONTHS:
            return date(int(match[3]), _MONTHS[match[2].lower()], int(match[1]))
    except ValueError:
        pass  # day or month out of range: reported below like any other unreadable date
    raise ValueError(_("'{text}' is not a date ({hint})").format(text=stripped, hint=_(DATE_FORMATS_HINT)))


def _money_pattern(group: str, decimal: str) -> re.Pattern[str]:
    g, d = re.escape(group), re.escape(decimal)
    return re.compile(
        r"(?:(?P<code_before>[A-Za-z]{3})\s*)?"
        r"(?P<sign_before>[-+])?\s*"
        r"[$€£¥₹]?\s*"
        r"(?P<sign_after>[-+])?"
        rf"(?P<number>\d{{1,3}}(?:{g}\d{{3}})+(?:{d}\d+)?|\d+(?:{d}\d+)?|{d}\d+)"
        r"(?:\s*(?:(?P<code_after>[A-Za-z]{3})|[€£¥₹]))?"
    )


# A lone comma like 12,50 is refused under the point convention rather than guessed: it could mean
# 12.50 or 1,250; under the comma convention (Germany: 1.141,18) the roles of the two swap.
_MONEY = {False: _money_pattern(",", "."), True: _money_pattern(".", ",")}
# Cells that tell a column's convention: a decimal part of one or two digits after the one separator.
POINT_DECIMALS = re.compile(r"[^,]*\d\.\d{1,2}\D*")
COMMA_DECIMALS = re.compile(r"[^.]*\d,\d{1,2}\D*")


def parse_money(text: str, decimal_comma: bool = False) -> Decimal | None:
    """Parse an amount like 12.50, 1,234.50, $12.50, -5.00 or 12.50 USD into a Decimal; empty gives None.

    With decimal_comma, as the marketplace writes it: 1.234,50 or 12,50 €.
    """
    stripped = text.strip()
    if not stripped:
        return None
    match = _MONEY[decimal_comma].fullmatch(stripped)
    if (
        match is None
        or (match["code_before"] and match["code_after"])
        or (match["sign_before"] and match["sign_after"])
    ):
        raise ValueError(_("'{text}' is not an amount of money").format(text=stripped))
    group, decimal = (".", ",") if decimal_comma else (",", ".")
    value = Decimal(match["number"].replace(group, "").replace(decimal, "."))
    return -value if "-" in (match["sign_before"], match["sign_after"]) else value


def decimal_comma_in(values: list[str]) -> bool:
    """Whether a column's amounts are written with a decimal comma: some cell shows a comma before
    one or two last digits, and none shows a point so."""
    comma = point = False
    for value in values:
        comma = comma or bool(COMMA_DECIMALS.fullmatch(value))
        point = point or bool(POINT_DECIMALS.fullmatch(value))
    return comma and not point


_WHOLE_NUMBER = re.compile(r"[-+]?\d+")


def parse_whole_number(text: str) -> int | None:
    """Parse a whole number like 2 or -1; empty gives None."""
    stripped = text.strip()
    if not stripped:
        return None
    if not _WHOLE_NUMBER.fullmatch(stripped):
        raise ValueError(_("'{text}' is not a whole number").format(text=stripped))
    return int(stripped)


_YES = frozenset({"y", "yes", "true"})
_NO = frozenset({"n", "no", "false"})


def parse_yes_no(text: str) -> bool | None:
    """Parse Y/N, Yes/No or true/false in any case; empty gives None."""
    folded = text.strip().casefold()
    if not folded:
        return None
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    raise ValueError(_("'{text}' is not Y or N").format(text=text.strip()))
