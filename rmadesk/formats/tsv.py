"""Reading a report file's bytes: decoding, then a tab-separated table with its header and rows."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from rmadesk.domain.errors import NotAReport
from rmadesk.text.i18n import _

_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_LE_BOM = b"\xff\xfe"
_UTF16_BE_BOM = b"\xfe\xff"

# How many leading bytes are enough to tell UTF-16 from a single-byte encoding.
_UTF16_SAMPLE_BYTES = 4096


# The single- and double-byte encodings the marketplaces' reports come in, in the order a tie goes:
# Windows-1252 (North America, western Europe), Shift_JIS as Windows writes it (Japan), then central
# European, Turkish and Arabic Windows code pages.
LEGACY_ENCODINGS = ("cp1252", "cp932", "cp1250", "cp1254", "cp1256")
# charset-normalizer's "chaos" of a decoding: 0 reads as text, 1 is noise. Above this, no guess is trusted.
_MOST_CHAOS = 0.2
# Decodings this close to the least chaotic one count as ties, which the order of preference settles.
_TIE = 0.02


def decode_report(data: bytes, preferred: tuple[str, ...] = ()) -> tuple[str, str]:
    """Decode a report file's bytes; returns (text, name of the encoding used).

    A BOM or the NUL pattern of UTF-16 decides; then strict UTF-8. Other bytes are in a legacy code
    page: ``preferred`` (the marketplace's) is tried first, and when it does not decode cleanly the
    code page is told by charset-normalizer among LEGACY_ENCODINGS. A guess too weak to trust raises
    NotAReport rather than store mojibake.
    """
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
    return _decode_mixed(data, preferred) or _decode_legacy(data, preferred)


def _decode_mixed(data: bytes, preferred: tuple[str, ...]) -> tuple[str, str] | None:
    """A file of UTF-8 lines and lines in a legacy code page (rows pasted together from two files),
    read line by line; None when no line outside ASCII is UTF-8 (the whole file is one code page).

    The encoding returned names both: "utf-8 + cp1252".
    """
    lines = data.split(b"\n")
    texts: list[str | None] = []
    utf8 = 0
    other: list[int] = []
    for number, line in enumerate(lines):
        try:
            texts.append(line.decode("utf-8"))
            utf8 += not line.isascii()
        except UnicodeDecodeError:
            texts.append(None)
            other.append(number)
    if not utf8:
        return None
    legacy_text, legacy = _decode_legacy(b"\n".join(lines[n] for n in other), preferred)
    for number, text in zip(other, legacy_text.split("\n"), strict=True):
        texts[number] = text
    return "\n".join(t or "" for t in texts), f"utf-8 + {legacy}"


def _decode_legacy(data: bytes, preferred: tuple[str, ...]) -> tuple[str, str]:
    order = list(dict.fromkeys((*preferred, *LEGACY_ENCODINGS)))
    # Code pages that read these bytes as the same text are one candidate, the first in order.
    by_text: dict[str, str] = {}
    for encoding in order:
        try:
            by_text.setdefault(data.decode(encoding), encoding)
        except UnicodeDecodeError:
            continue
    texts = {encoding: text for text, encoding in by_text.items()}
    decodable = list(texts)
    if decodable:
        from charset_normalizer import from_bytes  # only for files that are neither UTF-8 nor UTF-16

        chaos = {m.encoding: m.chaos for m in from_bytes(data, cp_isolation=decodable)}
        least = min((chaos[e] for e in decodable if e in chaos), default=1.0)
        decodable = [e for e in decodable if e in chaos and chaos[e] <= least + _TIE and least <= _MOST_CHAOS]
    if decodable:
        encoding = decodable[0]  # the marketplace's first, then the order of LEGACY_ENCODINGS
        return texts[encoding], encoding
    if looks_binary(data[:_BINARY_SAMPLE_CHARS].decode("latin-1")):  # Latin-1: one character a byte
        return data.decode("latin-1"), "latin-1"  # every byte maps; refused as binary data afterwards
    raise NotAReport(
        _(
            "the text of this file is in no encoding RMA Desk can tell for sure (tried UTF-8, UTF-16 and "
            "{tried}). Download the report again, or say which marketplace it is from (--marketplace JP "
            "on the command line, or the marketplace setting) so that its encoding is tried first."
        ).format(tried=", ".join(order))
    )


# Text reports have almost no control characters; more than this share of them means binary data.
_MAX_CONTROL_SHARE = 0.01
_BINARY_SAMPLE_CHARS = 65536
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v")


def looks_binary(text: str) -> bool:
    """Whether text (or bytes read as Latin-1) is binary data rather than a report: too many controls."""
    sample = text[:_BINARY_SAMPLE_CHARS]
    controls = sum(1 for char in sample if char < " " and char not in _ALLOWED_CONTROLS)
    return controls > _MAX_CONTROL_SHARE * len(sample)


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
    fields = split_fields(record)
    while fields is None and end + 1 < len(lines) and end - index < _MAX_LINES_PER_RECORD:
        end += 1
        record += "\n" + lines[end]
        fields = split_fields(record)
    if fields is None or (end > index and width is not None and not fits_width(fields, width)):
        # Joining lines only made sense if it produced a whole row; take the quote literally instead.
        return line.split("\t"), index + 1
    return fields, end + 1


# Why a spreadsheet saving tab-separated text quotes a field; a field quoted for none of them is text.
_QUOTING_REASONS = ("\t", "\n", '"', ",")


def split_fields(record: str) -> list[str] | None:
    """The tab-separated fields of record; None while a quoted field is still open at its end.

    Amazon's reports are not quoted: a quote is part of the text (``"Ortho" Knee Brace``). A file saved
    by a spreadsheet as tab-separated text quotes a field that holds a tab, a line break, a quote or a
    comma, the whole field, with its own quotes doubled. Only such a field is unquoted; any other keeps
    its quotes as written.
    """
    fields: list[str] = []
    position, length = 0, len(record)
    while True:
        if position < length and record[position] == '"':
            value, after = _quoted(record, position)
            if after is None:
                return None
            if (after == length or record[after] == "\t") and any(c in value for c in _QUOTING_REASONS):
                fields.append(value)
                if after == length:
                    return fields
                position = after + 1
                continue
        tab = record.find("\t", position)
        if tab < 0:
            fields.append(record[position:])
            return fields
        fields.append(record[position:tab])
        position = tab + 1


def _quoted(record: str, start: int) -> tuple[str, int | None]:
    """The text of the quoted field opening at start, doubled quotes made single, and the position
    after its closing quote; None for the position when the field does not close in record."""
    parts: list[str] = []
    position, length = start + 1, len(record)
    while position < length:
        close = record.find('"', position)
        if close < 0:
            break
        parts.append(record[position:close])
        if close + 1 < length and record[close + 1] == '"':
            parts.append('"')
            position = close + 2
            continue
        return "".join(parts), close + 1
    return "", None


def fits_width(fields: tuple[str, ...] | list[str], width: int) -> bool:
    """True if a row has the header's number of fields, ignoring empty fields after the last column."""
    if len(fields) == width:
        return True
    return len(fields) > width and not any(field.strip() for field in fields[width:])
