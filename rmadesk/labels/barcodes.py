"""Code 128 barcodes rendered on a whole-pixel grid with python-barcode's ImageWriter, for bench scanners."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Literal

from barcode import Code128
from barcode.errors import BarcodeError
from barcode.writer import PATH as PYTHON_BARCODE_DIR
from barcode.writer import ImageWriter
from PIL import Image, ImageDraw, ImageFont

from rmadesk.labels.lettering import ShapedFont
from rmadesk.text.fonts import persian_font_path
from rmadesk.text.i18n import right_to_left

PRINT_DPI = 300
MIN_MODULE_PX = 2
# Code 128 asks for a quiet zone of at least ten narrow modules on each side.
QUIET_ZONE_MODULES = 10
INK = 0
PAPER = 255

FontStyle = Literal["regular", "bold", "mono"]
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont

_FONT_FILE_NAMES: dict[str, str] = {
    "regular": "DejaVuSans.ttf",
    "bold": "DejaVuSans-Bold.ttf",
    "mono": "DejaVuSansMono.ttf",
}
# Debian/Ubuntu (fonts-dejavu-core), Fedora, Arch; python-barcode also bundles the mono face.
_FONT_DIRS: tuple[Path, ...] = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu-sans-fonts"),
    Path("/usr/share/fonts/dejavu-sans-mono-fonts"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/TTF"),
    Path(PYTHON_BARCODE_DIR) / "fonts",
)


def _mm_to_px(length_mm: float, dpi: int) -> int:
    return round(length_mm * dpi / 25.4)


def print_mm(length_mm: float) -> int:
    """A length on paper in pixels at PRINT_DPI."""
    return _mm_to_px(length_mm, PRINT_DPI)


def print_pt(size_pt: float) -> int:
    """A type size in points as pixels at PRINT_DPI."""
    return round(size_pt * PRINT_DPI / 72)


def _px_to_mm(length_px: float, dpi: int) -> float:
    return length_px * 25.4 / dpi


_WEIGHTS: dict[str, int] = {"regular": 400, "bold": 700, "mono": 400}


def _noto_sans_arabic(size_px: int, style: FontStyle) -> Font | None:
    path = persian_font_path()
    if path is None:
        return None
    font = ShapedFont(str(path), size_px)
    try:
        font.set_variation_by_axes([_WEIGHTS[style], 100])  # weight, width
    except (OSError, ValueError):  # a static build of the font: its one weight
        pass
    font.trim_top()
    return font


@functools.lru_cache(maxsize=64)
def _cached_font(size_px: int, style: FontStyle, persian_first: bool) -> Font:
    if persian_first and style != "mono":
        noto = _noto_sans_arabic(size_px, style)
        if noto is not None:
            return noto
    file_name = _FONT_FILE_NAMES[style]
    for font_dir in _FONT_DIRS:
        font_path = font_dir / file_name
        if font_path.is_file():
            return ShapedFont(str(font_path), size_px)
    noto = _noto_sans_arabic(size_px, style)
    if noto is not None:  # it has Latin letters too
        return noto
    try:
        return ImageFont.load_default(size=size_px)
    except TypeError:  # Pillow < 10.1 only has the fixed-size bitmap font.
        return ImageFont.load_default()


def load_font(size_px: int, style: FontStyle = "regular") -> Font:
    """A font of the given pixel size that shapes Persian and runs each line in its direction: in a
    right-to-left language Noto Sans Arabic (codes keep DejaVu Sans Mono), else DejaVu; Noto Sans Arabic
    where DejaVu is missing, and Pillow's default font where both are."""
    return _cached_font(size_px, style, right_to_left())


def text_line_height(font: Font) -> int:
    """Height in pixels of one line of text in font, from the top of accents to the bottom of descenders."""
    return int(max(font.getbbox("Hgjpy|")[3], font.getbbox("گیژ")[3]))


def caption_font_px(module_px: int) -> int:
    """Caption size that grows with the bars: about 8.6 pt at 300 dpi for the default 3 px modules."""
    return 8 + 10 * module_px


class _WholePixelImageWriter(ImageWriter):
    """ImageWriter that snaps every bar edge to whole pixels, so all narrow modules print equally wide.

    The stock writer truncates fractional millimetre-to-pixel positions, which makes some 3 px modules
    2 or 4 px wide; that skew is what makes small Code 128 symbols unreadable.
    """

    def _init(self, code: list[str]) -> None:
        width_mm, height_mm = self.calculate_size(len(code[0]), 1)
        size = (_mm_to_px(width_mm, self.dpi), _mm_to_px(height_mm, self.dpi))
        self._image = Image.new(self.mode, size, self.background)
        self._draw = ImageDraw.Draw(self._image)

    def _paint_module(self, xpos: float, ypos: float, width: float, color: str | int) -> None:
        left = _mm_to_px(xpos, self.dpi)
        right = _mm_to_px(xpos + width, self.dpi)
        top = _mm_to_px(ypos, self.dpi)
        bottom = _mm_to_px(ypos + self.module_height, self.dpi)
        if right > left and bottom > top:
            self._draw.rectangle([(left, top), (right - 1, bottom - 1)], fill=color)


def _render_bars(code: str, module_px: int, height_px: int) -> Image.Image:
    module_mm = _px_to_mm(module_px, PRINT_DPI)
    writer = _WholePixelImageWriter(mode="L")
    options = {
        "dpi": PRINT_DPI,
        "module_width": module_mm,
        "module_height": _px_to_mm(height_px, PRINT_DPI),
        "quiet_zone": QUIET_ZONE_MODULES * module_mm,
        "margin_top": 0,
        "margin_bottom": 0,
        "background": PAPER,
        "foreground": INK,
        "write_text": False,
    }
    return Code128(code, writer=writer).render(options)


def code128_image(
    code: str, *, module_px: int = 3, height_px: int = 180, caption: bool = True
) -> Image.Image:
    """Render code as a Code 128 symbol (grayscale, 300 dpi) with quiet zones and, optionally, its text.

    Raises ValueError for an empty code, a character Code 128 cannot encode, a module narrower than
    2 px (it would not scan once printed) or a non-positive bar height.
    """
    if not code:
        raise ValueError("cannot render an empty barcode")
    if module_px < MIN_MODULE_PX:
        raise ValueError(f"module_px must be at least {MIN_MODULE_PX} so the printed bars can be scanned")
    if height_px <= 0:
        raise ValueError("height_px must be positive")
    try:
        bars = _render_bars(code, module_px, height_px)
    except BarcodeError as error:
        raise ValueError(f"cannot encode {code!r} as Code 128: {error.msg}") from error
    if not caption:
        bars.info["dpi"] = (PRINT_DPI, PRINT_DPI)
        return bars

    font = load_font(caption_font_px(module_px), "mono")
    caption_width = round(font.getlength(code))
    caption_gap = 2 * module_px + 4
    side_margin = QUIET_ZONE_MODULES * module_px
    width = max(bars.width, caption_width + 2 * side_margin)
    height = bars.height + caption_gap + text_line_height(font) + caption_gap
    labelled = Image.new("L", (width, height), PAPER)
    labelled.paste(bars, ((width - bars.width) // 2, 0))
    draw = ImageDraw.Draw(labelled)
    draw.text(((width - caption_width) // 2, bars.height + caption_gap), code, font=font, fill=INK)
    labelled.info["dpi"] = (PRINT_DPI, PRINT_DPI)
    return labelled


def save_code128_png(code: str, path: Path) -> Path:
    """Write code as a captioned Code 128 PNG tagged 300 dpi, and return the path written."""
    path = Path(path)
    code128_image(code).save(path, format="PNG", dpi=(PRINT_DPI, PRINT_DPI), optimize=True)
    return path
