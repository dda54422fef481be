"""Printable A4 barcode sheets (300 dpi) laid out with Pillow and saved as PDF or PNG pages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

from rmadesk.domain.model import Disposition
from rmadesk.domain.scan import Command
from rmadesk.labels.barcodes import (
    INK,
    MIN_MODULE_PX,
    PAPER,
    PRINT_DPI,
    Font,
    code128_image,
    load_font,
    print_mm,
    print_pt,
    text_line_height,
)
from rmadesk.labels.lettering import box_left, mirrored, put_text
from rmadesk.text.formatting import count
from rmadesk.text.i18n import _


@dataclass(frozen=True)
class SheetEntry:
    """One barcode cell on a sheet: the code to encode, a bold title and an optional smaller subtitle."""

    code: str
    title: str
    subtitle: str = ""


def command_entries() -> tuple[SheetEntry, ...]:
    """The bench's command codes (each disposition's, confirm, cancel, yes, no and photo) in the language
    in force."""
    return (
        *(SheetEntry(d.command, d.label, d.meaning) for d in Disposition),
        SheetEntry(
            Command.CONFIRM.value, _("Confirm / write outcome"), _("Record the decision for this unit")
        ),
        SheetEntry(Command.CANCEL.value, _("Cancel this unit"), _("Discard the pending decision")),
        SheetEntry(Command.YES.value, _("Yes"), _("Answer the question on screen: yes")),
        SheetEntry(Command.NO.value, _("No"), _("Answer the question on screen: no")),
        SheetEntry(Command.PHOTO.value, _("Take a photo"), _("Photograph the open unit for its claim")),
    )


# Built at import, so in the source language: command_entries() follows the language chosen later.
COMMAND_ENTRIES: tuple[SheetEntry, ...] = command_entries()

Section = tuple[str, Sequence[SheetEntry]]

SUPPORTED_SUFFIXES = (".pdf", ".png")


_mm, _pt = print_mm, print_pt


PAGE_SIZE_PX = (_mm(210), _mm(297))
PAGE_MARGIN_PX = _mm(15)
CONTENT_WIDTH_PX = PAGE_SIZE_PX[0] - 2 * PAGE_MARGIN_PX

# Short codes could fit more cards across, but then their titles would no longer have room to breathe.
MAX_COLUMNS = 3
COLUMN_GUTTER_PX = _mm(4)
ROW_GAP_PX = _mm(4)
SECTION_GAP_PX = _mm(3)
CARD_PADDING_PX = _mm(3)
CARD_RADIUS_PX = _mm(2)
CARD_BORDER_PX = 3
TEXT_GAP_PX = _mm(1)
TITLE_RULE_PX = 4
HAIRLINE_PX = 2
SPACE_BELOW_TITLE_PX = _mm(6)
SPACE_BELOW_SECTION_HEADING_PX = _mm(3)
SPACE_ABOVE_FOOTER_PX = _mm(4)
MAX_TITLE_LINES = 2
MAX_SUBTITLE_LINES = 2
# 4 px modules (0.34 mm) still give 2 px per module when the sheet is viewed or re-rasterized at 150 dpi;
# narrower modules are only a fallback for codes too long to fit otherwise.
MODULE_PX_PREFERENCE = (4, 3, MIN_MODULE_PX)
# Bar heights tried in turn to keep a section on one page: 15 mm, then 12.7 and 10 mm (at 300 dpi), all
# far above what a hand scanner needs of Code 128.
BAR_HEIGHTS_PX = (180, 150, 120)
MIN_SIDE_TEXT_WIDTH_PX = _mm(45)

TITLE_FONT_PX = _pt(18)
SECTION_FONT_PX = _pt(12)
ENTRY_TITLE_FONT_PX = _pt(11)
ENTRY_SUBTITLE_FONT_PX = _pt(8.5)
FOOTER_FONT_PX = _pt(8)

MUTED_INK = 85
RULE_INK = 60
CARD_BORDER_INK = 185
ELLIPSIS = "\u2026"


@dataclass(frozen=True)
class _Card:
    barcode: Image.Image
    title_lines: tuple[str, ...]
    subtitle_lines: tuple[str, ...]


@dataclass(frozen=True)
class _SectionGrid:
    """How one section's cards are sized; single-column sections put the text beside the bars."""

    heading: str
    cards: tuple[_Card, ...]
    columns: int
    side_by_side: bool
    card_width: int
    card_height: int
    barcode_area_width: int
    barcode_height: int


@dataclass(frozen=True)
class _PlacedHeading:
    text: str
    top: int


@dataclass(frozen=True)
class _PlacedRow:
    grid: _SectionGrid
    cards: tuple[_Card, ...]
    top: int


_Placement = _PlacedHeading | _PlacedRow


def _fit_with_ellipsis(text: str, font: Font, max_width: int) -> str:
    if font.getlength(text) <= max_width:
        return text
    while text and font.getlength(text + ELLIPSIS) > max_width:
        text = text[:-1]
    return text.rstrip() + ELLIPSIS


def _split_overlong_word(word: str, font: Font, max_width: int) -> list[str]:
    pieces: list[str] = []
    piece = ""
    for char in word:
        if piece and font.getlength(piece + char) > max_width:
            pieces.append(piece)
            piece = ""
        piece += char
    pieces.append(piece)
    return pieces


def _wrap(text: str, font: Font, max_width: int, max_lines: int) -> tuple[str, ...]:
    """Greedy word wrap; the last allowed line is ellipsized so long titles never spill out of a card."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if font.getlength(candidate) <= max_width:
            current = candidate
            continue
        if current:
            lines.append(current)
        *full_pieces, current = _split_overlong_word(word, font, max_width)
        lines.extend(full_pieces)
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        kept = lines[: max_lines - 1]
        overflow = " ".join(lines[max_lines - 1 :])
        lines = [*kept, _fit_with_ellipsis(overflow, font, max_width)]
    return tuple(lines)


def _text_block_height(card: _Card) -> int:
    height = len(card.title_lines) * text_line_height(load_font(ENTRY_TITLE_FONT_PX, "bold"))
    if card.subtitle_lines:
        if card.title_lines:
            height += TEXT_GAP_PX
        height += len(card.subtitle_lines) * text_line_height(load_font(ENTRY_SUBTITLE_FONT_PX, "regular"))
    return height


def _card_width_for(columns: int) -> int:
    return (CONTENT_WIDTH_PX - (columns - 1) * COLUMN_GUTTER_PX) // columns


def _render_section_barcodes(
    entries: Sequence[SheetEntry], columns: int = 1, bar_height: int = BAR_HEIGHTS_PX[0]
) -> list[Image.Image]:
    """Each entry's bars at the widest module that fits a card of a sheet of so many columns."""
    widest_inner_width = _card_width_for(columns) - 2 * CARD_PADDING_PX
    barcodes = []
    for entry in entries:
        for module_px in MODULE_PX_PREFERENCE:
            barcode = code128_image(entry.code, module_px=module_px, height_px=bar_height)
            if barcode.width <= widest_inner_width:
                barcodes.append(barcode)
                break
        else:
            raise ValueError(f"code {entry.code!r} is too long to print scannably on an A4 sheet")
    return barcodes


def _build_grid(heading: str, entries: Sequence[SheetEntry]) -> _SectionGrid:
    """The section's cards with the widest bars; when that would split a section that could stay on one
    page (the bench's commands stay on one sheet), shorter bars first, then narrower ones in more columns
    (narrow bars need a sharper printer, so they come last)."""
    widest = _grid_of(heading, entries, _render_section_barcodes(entries))
    if _fits_one_page(widest) or not _fits_one_page(widest, room_to_spare=1.5):
        return widest  # fits as it is, or could not fit one page however its bars were drawn
    shorter = [
        _grid_of(heading, entries, _render_section_barcodes(entries, bar_height=height))
        for height in BAR_HEIGHTS_PX[1:]
    ]
    narrower = []
    for columns in range(widest.columns + 1, MAX_COLUMNS + 1):
        try:
            narrower.append(_grid_of(heading, entries, _render_section_barcodes(entries, columns)))
        except ValueError:  # a code too long for cards this narrow
            break
    return next((grid for grid in (*shorter, *narrower) if _fits_one_page(grid)), widest)


def _fits_one_page(grid: _SectionGrid, room_to_spare: float = 1.0) -> bool:
    """Whether the section fits one page (or a page room_to_spare times as tall)."""
    rows = -(-len(grid.cards) // grid.columns)
    height = _section_heading_height() + rows * grid.card_height + (rows - 1) * ROW_GAP_PX
    room = PAGE_SIZE_PX[1] - 2 * PAGE_MARGIN_PX - _page_header_height() - _footer_height()
    return height <= room * room_to_spare


def _grid_of(heading: str, entries: Sequence[SheetEntry], barcodes: list[Image.Image]) -> _SectionGrid:
    widest_barcode = max(barcode.width for barcode in barcodes)
    columns = MAX_COLUMNS
    while columns > 1 and _card_width_for(columns) - 2 * CARD_PADDING_PX < widest_barcode:
        columns -= 1
    card_width = _card_width_for(columns)
    inner_width = card_width - 2 * CARD_PADDING_PX
    beside_bars_width = inner_width - widest_barcode - COLUMN_GUTTER_PX
    # A lone full-width column would waste most of each card, so the text moves beside the bars if it fits.
    side_by_side = columns == 1 and beside_bars_width >= MIN_SIDE_TEXT_WIDTH_PX
    text_width = beside_bars_width if side_by_side else inner_width
    title_font = load_font(ENTRY_TITLE_FONT_PX, "bold")
    subtitle_font = load_font(ENTRY_SUBTITLE_FONT_PX, "regular")
    cards = tuple(
        _Card(
            barcode=barcode,
            title_lines=_wrap(entry.title, title_font, text_width, MAX_TITLE_LINES),
            subtitle_lines=_wrap(entry.subtitle, subtitle_font, text_width, MAX_SUBTITLE_LINES),
        )
        for entry, barcode in zip(entries, barcodes, strict=True)
    )
    barcode_height = max(barcode.height for barcode in barcodes)
    text_height = max(_text_block_height(card) for card in cards)
    if side_by_side:
        card_height = 2 * CARD_PADDING_PX + max(text_height, barcode_height)
    else:
        card_height = 2 * CARD_PADDING_PX + text_height + 2 * TEXT_GAP_PX + barcode_height
    return _SectionGrid(
        heading=heading,
        cards=cards,
        columns=columns,
        side_by_side=side_by_side,
        card_width=card_width,
        card_height=card_height,
        barcode_area_width=widest_barcode,
        barcode_height=barcode_height,
    )


def _page_header_height() -> int:
    return (
        text_line_height(load_font(TITLE_FONT_PX, "bold"))
        + TEXT_GAP_PX
        + TITLE_RULE_PX
        + SPACE_BELOW_TITLE_PX
    )


def _section_heading_height() -> int:
    section_font = load_font(SECTION_FONT_PX, "bold")
    return text_line_height(section_font) + TEXT_GAP_PX + HAIRLINE_PX + SPACE_BELOW_SECTION_HEADING_PX


def _footer_height() -> int:
    footer_font = load_font(FOOTER_FONT_PX, "regular")
    return SPACE_ABOVE_FOOTER_PX + HAIRLINE_PX + TEXT_GAP_PX + text_line_height(footer_font)


def _paginate(grids: Sequence[_SectionGrid]) -> list[list[_Placement]]:
    """Flow section headings and card rows down the pages.

    A section that fits on one page is never split, so the command cards stay together on one sheet; a
    longer section repeats its heading as "(continued)" so no page starts with unlabelled cards.
    """
    content_top = PAGE_MARGIN_PX + _page_header_height()
    content_bottom = PAGE_SIZE_PX[1] - PAGE_MARGIN_PX - _footer_height()
    heading_height = _section_heading_height()
    pages: list[list[_Placement]] = [[]]
    cursor = content_top
    for grid in grids:
        rows = [grid.cards[start : start + grid.columns] for start in range(0, len(grid.cards), grid.columns)]
        whole_section_height = heading_height + len(rows) * grid.card_height + (len(rows) - 1) * ROW_GAP_PX
        section_fits_one_page = content_top + whole_section_height <= content_bottom
        for row_number, row in enumerate(rows):
            if row_number > 0:
                needed = grid.card_height
            elif section_fits_one_page:
                needed = whole_section_height
            else:
                needed = heading_height + grid.card_height
            if cursor + needed > content_bottom and cursor != content_top:
                pages.append([])
                cursor = content_top
            if row_number == 0 or cursor == content_top:
                text = (
                    grid.heading
                    if row_number == 0
                    else _("{heading} (continued)").format(heading=grid.heading)
                )
                pages[-1].append(_PlacedHeading(text, cursor))
                cursor += heading_height
            pages[-1].append(_PlacedRow(grid, tuple(row), cursor))
            cursor += grid.card_height + ROW_GAP_PX
        cursor += SECTION_GAP_PX
    return pages


PAGE_WIDTH_PX = PAGE_SIZE_PX[0]


def _draw_lines(
    draw: ImageDraw.ImageDraw,
    lines: Sequence[str],
    font: Font,
    left: int,
    width: int,
    top: int,
    fill: int,
    *,
    centered: bool,
) -> None:
    line_height = text_line_height(font)
    for index, line in enumerate(lines):
        put_text(
            draw,
            left,
            top + index * line_height,
            width,
            line,
            font,
            fill,
            page_width=PAGE_WIDTH_PX,
            align="center" if centered else "start",
        )


def _draw_card_text(
    draw: ImageDraw.ImageDraw, grid: _SectionGrid, card: _Card, left: int, width: int, top: int
) -> None:
    title_font = load_font(ENTRY_TITLE_FONT_PX, "bold")
    subtitle_font = load_font(ENTRY_SUBTITLE_FONT_PX, "regular")
    centered = not grid.side_by_side
    _draw_lines(draw, card.title_lines, title_font, left, width, top, INK, centered=centered)
    if card.subtitle_lines:
        subtitle_top = top + len(card.title_lines) * text_line_height(title_font)
        if card.title_lines:
            subtitle_top += TEXT_GAP_PX
        _draw_lines(
            draw, card.subtitle_lines, subtitle_font, left, width, subtitle_top, MUTED_INK, centered=centered
        )


def _draw_row(page: Image.Image, draw: ImageDraw.ImageDraw, placed: _PlacedRow) -> None:
    grid = placed.grid
    inner_width = grid.card_width - 2 * CARD_PADDING_PX
    for column, card in enumerate(placed.cards):
        left = PAGE_MARGIN_PX + column * (grid.card_width + COLUMN_GUTTER_PX)
        mirrored_left = round(box_left(left, grid.card_width, PAGE_WIDTH_PX))
        draw.rounded_rectangle(
            [
                (mirrored_left, placed.top),
                (mirrored_left + grid.card_width - 1, placed.top + grid.card_height - 1),
            ],
            radius=CARD_RADIUS_PX,
            outline=CARD_BORDER_INK,
            width=CARD_BORDER_PX,
        )
        if grid.side_by_side:
            inner_height = grid.card_height - 2 * CARD_PADDING_PX
            text_top = placed.top + CARD_PADDING_PX + (inner_height - _text_block_height(card)) // 2
            text_width = inner_width - grid.barcode_area_width - COLUMN_GUTTER_PX
            _draw_card_text(draw, grid, card, left + CARD_PADDING_PX, text_width, text_top)
            area_right = left + grid.card_width - CARD_PADDING_PX
            barcode_center_x = area_right - grid.barcode_area_width // 2
            if mirrored():
                barcode_center_x = PAGE_WIDTH_PX - barcode_center_x
            barcode_top = placed.top + CARD_PADDING_PX + (inner_height - card.barcode.height) // 2
        else:
            barcode_center_x = mirrored_left + grid.card_width // 2
            _draw_card_text(
                draw, grid, card, left + CARD_PADDING_PX, inner_width, placed.top + CARD_PADDING_PX
            )
            # Bars sit at the same height in every card of a row so the grid reads as one tidy band.
            barcode_top = placed.top + grid.card_height - CARD_PADDING_PX - grid.barcode_height
        page.paste(card.barcode, (barcode_center_x - card.barcode.width // 2, barcode_top))


def _draw_page_frame(
    draw: ImageDraw.ImageDraw, title: str, footer: str, page_number: int, page_count: int
) -> None:
    title_font = load_font(TITLE_FONT_PX, "bold")
    right_edge = PAGE_SIZE_PX[0] - PAGE_MARGIN_PX
    put_text(
        draw,
        PAGE_MARGIN_PX,
        PAGE_MARGIN_PX,
        CONTENT_WIDTH_PX,
        _fit_with_ellipsis(title, title_font, CONTENT_WIDTH_PX),
        title_font,
        INK,
        page_width=PAGE_WIDTH_PX,
    )
    rule_top = PAGE_MARGIN_PX + text_line_height(title_font) + TEXT_GAP_PX
    draw.rectangle([(PAGE_MARGIN_PX, rule_top), (right_edge - 1, rule_top + TITLE_RULE_PX - 1)], fill=INK)

    footer_font = load_font(FOOTER_FONT_PX, "regular")
    footer_text_top = PAGE_SIZE_PX[1] - PAGE_MARGIN_PX - text_line_height(footer_font)
    footer_rule_top = footer_text_top - TEXT_GAP_PX - HAIRLINE_PX
    draw.rectangle(
        [(PAGE_MARGIN_PX, footer_rule_top), (right_edge - 1, footer_rule_top + HAIRLINE_PX - 1)],
        fill=CARD_BORDER_INK,
    )
    page_label = _("Page {number} of {count}").format(number=count(page_number), count=count(page_count))
    page_label_width = footer_font.getlength(page_label)
    put_text(
        draw,
        PAGE_MARGIN_PX,
        footer_text_top,
        CONTENT_WIDTH_PX,
        page_label,
        footer_font,
        MUTED_INK,
        page_width=PAGE_WIDTH_PX,
        align="end",
    )
    if footer:
        room = int(CONTENT_WIDTH_PX - page_label_width - _mm(6))
        put_text(
            draw,
            PAGE_MARGIN_PX,
            footer_text_top,
            room,
            _fit_with_ellipsis(footer, footer_font, room),
            footer_font,
            MUTED_INK,
            page_width=PAGE_WIDTH_PX,
        )


def _draw_section_heading(draw: ImageDraw.ImageDraw, placed: _PlacedHeading) -> None:
    section_font = load_font(SECTION_FONT_PX, "bold")
    put_text(
        draw,
        PAGE_MARGIN_PX,
        placed.top,
        CONTENT_WIDTH_PX,
        _fit_with_ellipsis(placed.text, section_font, CONTENT_WIDTH_PX),
        section_font,
        RULE_INK,
        page_width=PAGE_WIDTH_PX,
    )
    rule_top = placed.top + text_line_height(section_font) + TEXT_GAP_PX
    right_edge = PAGE_SIZE_PX[0] - PAGE_MARGIN_PX
    draw.rectangle(
        [(PAGE_MARGIN_PX, rule_top), (right_edge - 1, rule_top + HAIRLINE_PX - 1)], fill=CARD_BORDER_INK
    )


def render_sheet_pages(title: str, sections: Sequence[Section], footer: str = "") -> list[Image.Image]:
    """Lay out titled sections of barcode cards on as many A4 pages (300 dpi, grayscale) as they need.

    Sections without entries are left out; there is always at least one page. Raises ValueError for a
    code that Code 128 cannot encode or that is too long to fit the page width.
    """
    grids = [_build_grid(heading, entries) for heading, entries in sections if entries]
    placements_by_page = _paginate(grids)
    pages = []
    for page_number, placements in enumerate(placements_by_page, start=1):
        page = Image.new("L", PAGE_SIZE_PX, PAPER)
        draw = ImageDraw.Draw(page)
        _draw_page_frame(draw, title, footer, page_number, len(placements_by_page))
        for placed in placements:
            if isinstance(placed, _PlacedHeading):
                _draw_section_heading(draw, placed)
            else:
                _draw_row(page, draw, placed)
        page.info["dpi"] = (PRINT_DPI, PRINT_DPI)
        pages.append(page)
    return pages


def _png_page_paths(path: Path, page_count: int) -> list[Path]:
    if page_count == 1:
        return [path]
    return [path.with_name(f"{path.stem}-{number}{path.suffix}") for number in range(1, page_count + 1)]


def write_sheet(path: Path, title: str, sections: Sequence[Section], footer: str = "") -> list[Path]:
    """Render the sheet and write it to path: one multi-page PDF, or PNG pages (stem-1.png, ... if several).

    Returns the paths written. Raises ValueError when the suffix is neither .pdf nor .png.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise ValueError(
            f"cannot write a sheet as {path.suffix or 'a file without suffix'!r}; use .pdf or .png"
        )
    pages = render_sheet_pages(title, sections, footer)
    if suffix == ".pdf":
        # High JPEG quality keeps bar edges and small text crisp in Pillow's DCT-encoded PDF pages.
        pages[0].save(
            path,
            format="PDF",
            resolution=PRINT_DPI,
            save_all=True,
            append_images=pages[1:],
            quality=90,
            title=title,
            creator="RMA Desk",
        )
        return [path]
    written = _png_page_paths(path, len(pages))
    for page, page_path in zip(pages, written, strict=True):
        page.save(page_path, format="PNG", dpi=(PRINT_DPI, PRINT_DPI))
    return written
