"""Text plumbing for reports: decoding bytes, tab-separated tables, dates, money, counts and flags."""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_LE_BOM = b"\xff\xfe"
_UTF16_BE_BOM = b"\xfe\xff"

# How many leading bytes are enough to tell UTF-16 from a single-byte encoding.
_UTF16_SAMPLE_BYTES = 4096


def decode_report(data: bytes) -> tuple[str, str]:
    """Decode a report file's bytes; returns (text, name of the encoding used)."""
    if data.startswith(_UTF8_BOM):
        # A BOM says UTF-8; a stray bad byte in an item name should not stop an import of ASCII IDs.
        return data[len(_UTF8_BOM) :].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith(_UTF16_LE_BOM):
        return data[2:].decode("utf-16-le", errors="replace"), "utf-16-le"
    if data.startswith(_UTF16_BE_BOM):
        return data[2:].decode("utf-16-be", errors="replace"), "utf-16-be"
    guessed = _guess_utf16_without_bom(data)
    if guessed is not None:
        # The NUL pattern is telling enough; a cut-off last byte of a truncated download is only replaced.
        return data.decode(guessed, errors="replace"), guessed
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined (0x81, 0x8D, 0x8F, 0x90, 0x9D); latin-1 maps every byte.
        return data.decode("latin-1"), "latin-1"


def _guess_utf16_without_bom(data: bytes) -> str | None:
    """Return 'utf-16-le' or 'utf-16-be' if the NUL pattern of mostly-ASCII UTF-16 text shows, else None."""
    sample = data[:_UTF16_SAMPLE_BYTES]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    if odd_nuls > 0.3 * pairs and even_nuls < 0.05 * pairs:
        return "utf-16-le"
    if even_nuls > 0.3 * pairs and odd_nuls < 0.05 * pairs:
        return "utf-16-be"
    return None


def normalize_header(name: str) -> str:
    """Header text as compared: trimmed, case-folded, runs of whitespace collapsed to one space."""
    return " ".join(name.replace("\ufeff", "").split()).casefold()


# One data record: the 1-based physical line it starts on, and its fields. Plain tuples, not lists or
# named tuples, because the garbage collector stops tracking plain tuples of strings, which saves it
# from walking millions of fields over and over in a 100,000-row report.
TableRow = tuple[int, tuple[str, ...]]


@dataclass(frozen=True)
class Table:
    """A tab-separated table: the header as written, its line, and the data rows (blank lines skipped)."""

    header: tuple[str, ...]
    header_text: str
    header_line: int
    rows: list[TableRow]

    @functools.cached_property
    def _positions(self) -> dict[str, int]:
        positions: dict[str, int] = {}
        for position, name in enumerate(self.header):
            # The first of two same-named columns wins, so a later copy cannot shadow the real one.
            positions.setdefault(normalize_header(name), position)
        return positions

    def column(self, *names: str) -> int | None:
        """Position of the first column whose normalized header is one of names, or None."""
        for name in names:
            position = self._positions.get(normalize_header(name))
            if position is not None:
                return position
        return None

    def has_column(self, name: str) -> bool:
        return normalize_header(name) in self._positions


# A quoted field that never closes would otherwise swallow the rest of the file; beyond this many
# physical lines the quote is taken as a literal character instead.
_MAX_LINES_PER_RECORD = 20


def read_table(text: str) -> Table | None:
    """Read tab-separated text; None if it holds no non-blank line at all."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    index = 0
    while index < len(lines) and not lines[index].strip():
        index += 1
    if index == len(lines):
        return None
    header_line = index + 1
    header_fields, index = _read_record(lines, index, None)
    header_fields = [field.replace("\ufeff", "").strip() for field in header_fields]
    # Trailing tabs on the header line make nameless columns; they carry nothing.
    while header_fields and not header_fields[-1]:
        header_fields.pop()
    width = len(header_fields)
    header_text = lines[header_line - 1].lstrip("\ufeff")
    rows: list[TableRow] = []
    total = len(lines)
    while index < total:
        line = lines[index]
        if '"' not in line:
            # The fast path: almost every line of a real report has no quotes at all.
            index += 1
            # The header again further down means two downloads were pasted together; it is not data.
            if line.strip() and line.lstrip("\ufeff") != header_text:
                rows.append((index, tuple(line.split("\t"))))
            continue
        start = index
        fields, index = _read_record(lines, index, width)
        if any(field.strip() for field in fields):
            rows.append((start + 1, tuple(fields)))
    return Table(tuple(header_fields), header_text, header_line, rows)


def _read_record(lines: list[str], index: int, width: int | None) -> tuple[list[str], int]:
    """Read one record starting at lines[index]; returns its fields and the index of the next line."""
    line = lines[index]
    if '"' not in line:
        return line.split("\t"), index + 1
    record = line
    end = index
    while _ends_inside_quotes(record) and end + 1 < len(lines) and end - index < _MAX_LINES_PER_RECORD:
        end += 1
        record += "\n" + lines[end]
    if _ends_inside_quotes(record):
        return line.split("\t"), index + 1
    try:
        fields = next(csv.reader([record], delimiter="\t", quotechar='"'))
    except csv.Error:
        return line.split("\t"), index + 1
    if end > index and width is not None and not fits_width(fields, width):
        # Joining lines only made sense if it produced a whole row; take the quote literally instead.
        return line.split("\t"), index + 1
    return fields, end + 1


def _ends_inside_quotes(record: str) -> bool:
    """True if a quoted field (one that starts with a quote, as the csv module reads it) is still open."""
    inside = False
    at_field_start = True
    position = 0
    length = len(record)
    while position < length:
        char = record[position]
        if inside:
            if char == '"':
                if position + 1 < length and record[position + 1] == '"':
                    position += 2
                    continue
                inside = False
        elif char == "\t":
            at_field_start = True
            position += 1
            continue
        elif char == '"' and at_field_start:
            inside = True
        at_field_start = False
        position += 1
    return inside


def fits_width(fields: tuple[str, ...] | list[str], width: int) -> bool:
    """True if a row has the header's number of fields, ignoring empty fields after the last column."""
    if len(fields) == width:
        return True
    return len(fields) > width and not any(field.strip() for field in fields[width:])


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
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{4})")
_DAY_MONTHNAME_YEAR = re.compile(r"(\d{1,2})[- ]([A-Za-z]{3})[- ](\d{4})")
DATE_FORMATS_HINT = "expected a date like 2026-11-05, 05-11-2026 or 05-Nov-2026"


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
    raise ValueError(f"'{stripped}' is not a date ({DATE_FORMATS_HINT})")


_MONEY = re.compile(
    r"(?:(?P<code_before>[A-Za-z]{3})\s*)?"
    r"(?P<sign_before>[-+])?\s*"
    r"[$€£]?\s*"
    r"(?P<sign_after>[-+])?"
    # A lone comma like 12,50 is refused rather than guessed: it could mean 12.50 or 1,250.
    r"(?P<number>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
    r"(?:\s*(?P<code_after>[A-Za-z]{3}))?"
)


def parse_money(text: str) -> Decimal | None:
    """Parse an amount like 12.50, 1,234.50, $12.50, -5.00 or 12.50 USD into a Decimal; empty gives None."""
    stripped = text.strip()
    if not stripped:
        return None
    match = _MONEY.fullmatch(stripped)
    if (
        match is None
        or (match["code_before"] and match["code_after"])
        or (match["sign_before"] and match["sign_after"])
    ):
        raise ValueError(f"'{stripped}' is not an amount of money")
    value = Decimal(match["number"].replace(",", ""))
    return -value if "-" in (match["sign_before"], match["sign_after"]) else value


_WHOLE_NUMBER = re.compile(r"[-+]?\d+")


def parse_whole_number(text: str) -> int | None:
    """Parse a whole number like 2 or -1; empty gives None."""
    stripped = text.strip()
    if not stripped:
        return None
    if not _WHOLE_NUMBER.fullmatch(stripped):
        raise ValueError(f"'{stripped}' is not a whole number")
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
    raise ValueError(f"'{text.strip()}' is not Y or N")
