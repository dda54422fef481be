"""Reading a report file's bytes: decoding, then a tab-separated table with its header and rows."""

from __future__ import annotations

import functools
import io
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

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


# A source of a report's bytes that can be read more than once: each call opens it from the start.
Opener = Callable[[], BinaryIO]

# A file up to this size is decoded as a whole when it is in a legacy code page, as decode_report does;
# beyond it, the code page is told from its first lines that are not UTF-8, up to this many bytes of them.
WHOLE_LEGACY_BYTES = 8 * 1024 * 1024
_READ_BYTES = 1024 * 1024


def decode_lines(
    open_bytes: Opener, preferred: tuple[str, ...] = ()
) -> tuple[str, Callable[[], Iterator[str]]]:
    """How a report's bytes are decoded, without holding them whole; returns (encoding, lines).

    lines() reads the source again from the start and yields its text a physical line at a time, line
    ends removed (CRLF, LF and a lone CR each end a line), the same lines as decode_report's text split at
    its line ends. The encoding is told as decode_report tells it: a BOM, the NUL pattern of UTF-16, strict
    UTF-8, a file of UTF-8 lines and lines in a code page, or one code page.
    """
    with open_bytes() as stream:
        start = stream.read(_UTF16_SAMPLE_BYTES)
    for bom, encoding, errors in (
        (_UTF8_BOM, "utf-8-sig", "replace"),
        (_UTF16_LE_BOM, "utf-16", "replace"),
        (_UTF16_BE_BOM, "utf-16", "replace"),
    ):
        if start.startswith(bom):
            name = {"utf-16": "utf-16-le" if bom == _UTF16_LE_BOM else "utf-16-be"}.get(encoding, encoding)
            return name, functools.partial(_text_lines, open_bytes, encoding, errors)
    guessed = _guess_utf16_without_bom(start)
    if guessed is not None:
        return guessed, functools.partial(_text_lines, open_bytes, guessed, "replace")
    utf8_text, sample, size = _survey_bytes(open_bytes)
    if not sample:
        return "utf-8", functools.partial(_text_lines, open_bytes, "utf-8", "strict")
    if utf8_text:
        _text, legacy = _decode_legacy(b"\n".join(sample), preferred)
        return f"utf-8 + {legacy}", functools.partial(_mixed_lines, open_bytes, legacy)
    if size <= WHOLE_LEGACY_BYTES:
        with open_bytes() as stream:
            _text, legacy = _decode_legacy(stream.read(), preferred)
    else:
        _text, legacy = _decode_legacy(b"\n".join(sample), preferred)
    return legacy, functools.partial(_text_lines, open_bytes, legacy, "replace")


def _survey_bytes(open_bytes: Opener) -> tuple[bool, list[bytes], int]:
    """One pass over the bytes: whether a line outside ASCII is UTF-8, the first lines that are not
    (up to WHOLE_LEGACY_BYTES of them), and the size in bytes."""
    utf8_text = False
    sample: list[bytes] = []
    kept = size = 0
    with open_bytes() as stream:
        for line in stream:
            size += len(line)
            if line.isascii():
                continue
            try:
                line.decode("utf-8")
                utf8_text = True
            except UnicodeDecodeError:
                if kept < WHOLE_LEGACY_BYTES or not sample:
                    sample.append(line.rstrip(b"\r\n"))
                    kept += len(line)
    return utf8_text, sample, size


def _text_lines(open_bytes: Opener, encoding: str, errors: str) -> Iterator[str]:
    with open_bytes() as stream:
        # With a BOM, 'utf-16' reads it to tell the byte order and drops it; 'utf-8-sig' drops its own.
        text = io.TextIOWrapper(stream, encoding=encoding, errors=errors, newline=None)
        for line in text:
            yield line.removesuffix("\n")
        text.detach()


def _mixed_lines(open_bytes: Opener, legacy: str) -> Iterator[str]:
    """Each line in UTF-8 when it is, else in the legacy code page (rows pasted from two downloads)."""
    with open_bytes() as stream:
        for raw in stream:
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                line = raw.decode(legacy, errors="replace")
            yield from _split_line_ends(line)


def _split_line_ends(line: str) -> Iterator[str]:
    line = line.removesuffix("\n").removesuffix("\r")
    if "\r" in line:
        yield from line.split("\r")
    else:
        yield line


def bytes_opener(data: bytes) -> Opener:
    """An Opener over bytes in memory."""
    return functools.partial(io.BytesIO, data)


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
    """A tab-separated table: the header as written, its line, and the data rows (blank lines skipped).

    rows is a list when the table was read from text in memory (read_table), and an iterator read once
    when it streams from a file (stream_table).
    """

    header: tuple[str, ...]
    header_text: str
    header_line: int
    rows: Iterable[TableRow]

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
    table = stream_table(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    if table is None:
        return None
    return Table(table.header, table.header_text, table.header_line, list(table.rows))


def stream_table(lines: Iterable[str]) -> Table | None:
    """A table over physical lines (line ends removed) whose rows are read as they are iterated, a
    record at a time; None if the lines hold no non-blank line at all."""
    ahead = _Lookahead(iter(lines))
    while ahead.has(0) and not ahead.peek(0).strip():
        ahead.advance(1)
    if not ahead.has(0):
        return None
    header_line = ahead.number + 1
    header_text = ahead.peek(0).lstrip("\ufeff")
    header_fields = [field.replace("\ufeff", "").strip() for field in _read_record(ahead, None)[1]]
    # Trailing tabs on the header line make nameless columns; they carry nothing.
    while header_fields and not header_fields[-1]:
        header_fields.pop()
    return Table(
        tuple(header_fields), header_text, header_line, _data_rows(ahead, len(header_fields), header_text)
    )


def _data_rows(ahead: _Lookahead, width: int, header_text: str) -> Iterator[TableRow]:
    pending = ahead.pending
    lines = ahead.lines
    while True:
        if pending:
            line = pending.popleft()
        else:
            line = next(lines, None)
            if line is None:
                return
        ahead.number += 1
        if '"' not in line:
            # The fast path: almost every line of a real report has no quotes at all.
            # The header again further down means two downloads were pasted together; it is not data.
            if line.strip() and line.lstrip("\ufeff") != header_text:
                yield ahead.number, tuple(line.split("\t"))
            continue
        pending.appendleft(line)
        ahead.number -= 1
        start = ahead.number + 1
        fields = _read_record(ahead, width)[1]
        if any(field.strip() for field in fields):
            yield start, tuple(fields)


class _Lookahead:
    """Physical lines read ahead as far as a record needs; number is how many have been consumed."""

    def __init__(self, lines: Iterator[str]) -> None:
        self.lines = lines
        self.pending: deque[str] = deque()
        self.number = 0

    def has(self, offset: int) -> bool:
        while len(self.pending) <= offset:
            line = next(self.lines, None)
            if line is None:
                return False
            self.pending.append(line)
        return True

    def peek(self, offset: int) -> str:
        self.has(offset)
        return self.pending[offset]

    def advance(self, count: int) -> None:
        for _step in range(count):
            self.pending.popleft()
        self.number += count


def _read_record(ahead: _Lookahead, width: int | None) -> tuple[int, list[str]]:
    """Read the record starting at the next line; returns how many lines it took, and its fields."""
    line = ahead.peek(0)
    if '"' not in line:
        ahead.advance(1)
        return 1, line.split("\t")
    record = line
    end = 0
    fields = split_fields(record)
    while fields is None and end < _MAX_LINES_PER_RECORD and ahead.has(end + 1):
        end += 1
        record += "\n" + ahead.peek(end)
        fields = split_fields(record)
    if fields is None or (end > 0 and width is not None and not fits_width(fields, width)):
        # Joining lines only made sense if it produced a whole row; take the quote literally instead.
        ahead.advance(1)
        return 1, line.split("\t")
    ahead.advance(end + 1)
    return end + 1, fields


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
