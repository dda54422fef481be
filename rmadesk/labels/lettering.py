"""Type for printed matter that shapes Persian and runs each line in its own direction, and text placed
from the start edge of a right-to-left page."""

from __future__ import annotations

from typing import Any, Literal

from PIL import ImageDraw, ImageFont, features

from rmadesk.text.bidi import text_direction, visual_order
from rmadesk.text.i18n import current_language, right_to_left

Align = Literal["start", "end", "center"]


def raqm_available() -> bool:
    """Whether Pillow lays text out with raqm (HarfBuzz and FriBiDi): shaping and bidi done by Pillow."""
    return bool(features.check("raqm"))


class ShapedFont(ImageFont.FreeTypeFont):
    """A TrueType font that measures and draws every line shaped and in its direction.

    With raqm each line gets its direction (a translation that starts with an isolated code still runs
    right to left) and the language for Persian letter forms; without raqm the line is given in joined
    forms and display order (arabic-reshaper, python-bidi), which the basic layout draws one glyph after
    the other.

    Attributes:
        top_trim: pixels of empty ascent taken off the top of every line (Noto Sans Arabic reserves room
            for stacked marks far above any Persian letter), so that its lines are as tight as DejaVu's.
    """

    top_trim = 0

    def trim_top(self) -> None:
        """Take the room above the highest Latin or Persian letter off the top of every line."""
        self.top_trim = 0
        self.top_trim = max(0, int(self.getbbox("Hbdl|آگ", direction="rtl")[1]) - 1)

    def _prepared(
        self, text: Any, direction: str | None, language: str | None
    ) -> tuple[Any, str | None, str | None]:
        if not isinstance(text, str) or direction == "ttb":
            return text, direction, language
        direction = direction or text_direction(text)
        if self.layout_engine == ImageFont.Layout.RAQM:
            if language is None and direction == "rtl" and right_to_left():
                language = current_language()
            return text, direction, language
        return visual_order(text, direction), None, None  # type: ignore[arg-type]

    def getlength(
        self,
        text: Any,
        mode: str = "",
        direction: str | None = None,
        features: list[str] | None = None,
        language: str | None = None,
    ) -> float:
        text, direction, language = self._prepared(text, direction, language)
        return super().getlength(text, mode, direction, features, language)

    def getbbox(
        self,
        text: Any,
        mode: str = "",
        direction: str | None = None,
        features: list[str] | None = None,
        language: str | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> tuple[float, float, float, float]:
        text, direction, language = self._prepared(text, direction, language)
        left, top, right, bottom = super().getbbox(text, mode, direction, features, language, *args, **kwargs)
        return left, top - self.top_trim, right, bottom - self.top_trim

    def getmask2(
        self,
        text: Any,
        mode: str = "",
        direction: str | None = None,
        features: list[str] | None = None,
        language: str | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        text, direction, language = self._prepared(text, direction, language)
        mask, (x, y) = super().getmask2(text, mode, direction, features, language, *args, **kwargs)
        return mask, (x, y - self.top_trim)


def mirrored() -> bool:
    """Whether printed pages are laid out from the right, as in the language in force."""
    return right_to_left()


def box_left(left: float, width: float, page_width: int) -> float:
    """The left edge of a box laid out from the start edge: itself on a left-to-right page, its mirror
    image on a right-to-left one."""
    return page_width - left - width if mirrored() else left


def put_text(
    draw: ImageDraw.ImageDraw,
    left: float,
    top: float,
    width: float,
    text: str,
    font: Any,
    fill: int,
    *,
    page_width: int,
    align: Align = "start",
    **options: Any,
) -> None:
    """Draw one line in the box (left, width) of a left-to-right layout, aligned to the box's start edge
    (its end edge, or its centre): on a right-to-left page the box is mirrored and the start is its
    right edge."""
    text_width = font.getlength(text)
    x = box_left(left, width, page_width)
    at_right = (align == "start") == mirrored()
    if align == "center":
        x += (width - text_width) / 2
    elif at_right:
        x += width - text_width
    draw.text((x, top), text, font=font, fill=fill, **options)
