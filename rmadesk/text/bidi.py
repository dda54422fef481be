"""Which way a line of text runs, and its letters in the order of the page for a renderer that cannot
shape Arabic script itself (ReportLab; Pillow without raqm)."""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

from rmadesk.text.i18n import right_to_left

Direction = Literal["ltr", "rtl"]

LRI, RLI, FSI, PDI = "\u2066", "\u2067", "\u2068", "\u2069"
LRE, RLE, PDF = "\u202a", "\u202b", "\u202c"
ISOLATES = LRI + RLI + FSI + PDI
_RIGHT_TO_LEFT = ("R", "AL")
_STRONG = ("L", "R", "AL")
# Zero-width joiners and bidi marks have no glyph in most fonts; after shaping nothing needs them.
_INVISIBLE = dict.fromkeys(map(ord, "\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e" + ISOLATES))


def strip_isolates(text: str) -> str:
    """The text without the bidi isolates (U+2066 to U+2069) that right-to-left translations carry."""
    return text.translate(dict.fromkeys(map(ord, ISOLATES)))


def has_right_to_left(text: str) -> bool:
    """Whether text has a right-to-left letter (Persian, Arabic, Hebrew)."""
    return any(unicodedata.bidirectional(char) in _RIGHT_TO_LEFT for char in text)


def _first_strong(text: str, outside_isolates: bool) -> str | None:
    depth = 0
    for char in text:
        if char in (LRI, RLI, FSI):
            depth += 1
        elif char == PDI:
            depth = max(0, depth - 1)
        elif not (outside_isolates and depth):
            kind = unicodedata.bidirectional(char)
            if kind in _STRONG:
                return kind
    return None


def text_direction(text: str) -> Direction:
    """The direction of a line: by its first strong letter outside isolates (Unicode's rule P2), so that a
    translation starting with an isolated code still runs right to left; in a right-to-left language any
    Persian word in it makes it right to left, and a line of only codes and numbers runs left to right."""
    if right_to_left() and has_right_to_left(text):
        return "rtl"
    first = _first_strong(text, outside_isolates=True) or _first_strong(text, outside_isolates=False)
    return "rtl" if first in _RIGHT_TO_LEFT else "ltr"


# A number with separators inside ("302-4471928", "06:00", "1,234.50") is one left-to-right run; the
# reordering below would otherwise turn its parts around in a right-to-left line.
_NUMBER = re.compile(
    r"[0-9\u06f0-\u06f9\u0660-\u0669]+(?:[-/.,:\u066b\u066c][0-9\u06f0-\u06f9\u0660-\u0669]+)+"
)


def _as_embeddings(text: str) -> str:
    """Isolates as the older embeddings, which the reordering below knows; an FSI takes the direction of
    its own first strong letter; numbers with separators embedded left to right."""
    text = _NUMBER.sub(lambda found: f"{LRE}{found.group(0)}{PDF}", text)
    out = []
    for index, char in enumerate(text):
        if char == LRI:
            out.append(LRE)
        elif char == RLI:
            out.append(RLE)
        elif char == FSI:
            inner = text[index + 1 :].split(PDI, 1)[0]
            out.append(RLE if _first_strong(inner, outside_isolates=False) in _RIGHT_TO_LEFT else LRE)
        elif char == PDI:
            out.append(PDF)
        else:
            out.append(char)
    return "".join(out)


def visual_order(text: str, direction: Direction | None = None) -> str:
    """The line with Arabic letters in their joined forms (Unicode presentation forms) and every
    character in display order, left to right, brackets mirrored: what a renderer that draws glyphs one
    after the other must be given. Text without right-to-left letters comes back as it is (less isolates)."""
    if not has_right_to_left(text):
        return strip_isolates(text)
    import arabic_reshaper
    from bidi.algorithm import get_display

    direction = direction or text_direction(text)
    shaped = arabic_reshaper.reshape(_as_embeddings(text))
    ordered = get_display(shaped, base_dir="R" if direction == "rtl" else "L")
    return str(ordered).translate(_INVISIBLE)
