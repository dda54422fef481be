"""Writing CSV that a spreadsheet opens as data: the one writer of every CSV file RMA Desk produces.

Text from a marketplace report (an item name, a comment, a SKU) may start with ``=``, ``+``, ``-`` or
``@``, which a spreadsheet takes as a formula ("CSV injection"). Following OWASP's rule, such a cell,
and one starting with a tab or a carriage return, is written with a leading apostrophe, which the
spreadsheet shows as text. A cell that is a number ("-5.00", "+3") is written as it is.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any, TextIO

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[-+]?(?:\d+(?:[.,]\d+)*|\.\d+)(?:[eE][-+]?\d+)?")


def safe_cell(value: Any) -> Any:
    """The value as a spreadsheet should read it: text that would run as a formula is prefixed with '."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


class CsvWriter:
    """csv.writer with every cell passed through safe_cell."""

    def __init__(self, out: TextIO) -> None:
        self._writer = csv.writer(out, lineterminator="\n")

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)
