"""The A4 return authorization slip (300 dpi) that goes in the parcel, saved as PDF or PNG."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from PIL import Image, ImageDraw

from rmadesk.labels.barcodes import (
    INK,
    PAPER,
    PRINT_DPI,
    Font,
    code128_image,
    load_font,
    print_mm,
    print_pt,
    text_line_height,
)
from rmadesk.labels.lettering import Align, box_left, put_text
from rmadesk.labels.sheet import (
    CARD_BORDER_INK,
    CARD_BORDER_PX,
    CARD_RADIUS_PX,
    CONTENT_WIDTH_PX,
    FOOTER_FONT_PX,
    HAIRLINE_PX,
    MUTED_INK,
    PAGE_MARGIN_PX,
    PAGE_SIZE_PX,
    RULE_INK,
    SECTION_FONT_PX,
    SUPPORTED_SUFFIXES,
    TEXT_GAP_PX,
    TITLE_FONT_PX,
    TITLE_RULE_PX,
    _fit_with_ellipsis,
    _wrap,
)
from rmadesk.text.formatting import count, long_day
from rmadesk.text.i18n import N_, _

KIND_NAMES: dict[str, str] = {
    "RMA": N_("Return merchandise authorization"),
    "RA": N_("Return authorization"),
    "RGA": N_("Returned goods authorization"),
}
RETURN_WINDOW_DAYS = 30


@dataclass(frozen=True)
class SlipItem:
    """One authorized line of the return."""

    sku: str
    item_name: str
    quantity: int


@dataclass(frozen=True)
class SlipData:
    """Everything printed on a slip; empty return_address and instructions mean the defaults."""

    rma_id: str
    kind: str
    order_id: str
    items: tuple[SlipItem, ...]
    reason: str
    issued_on: date
    seller_name: str = ""
    return_address: str = ""
    instructions: str = ""


_mm, _pt = print_mm, print_pt


PAGE_BOTTOM_PX = PAGE_SIZE_PX[1] - PAGE_MARGIN_PX
RIGHT_EDGE_PX = PAGE_SIZE_PX[0] - PAGE_MARGIN_PX

BADGE_FONT_PX = _pt(20)
SUBTITLE_FONT_PX = _pt(10.5)
CAPTION_FONT_PX = _pt(8)
VALUE_FONT_PX = _pt(12)
BODY_FONT_PX = _pt(10.5)
ID_FONT_PX = _pt(30)
ID_STROKE_PX = 2

# 6 px modules print 0.5 mm wide and still give 3 px per module when the PDF is viewed at 150 dpi.
SLIP_MODULE_PX_PREFERENCE = (6, 5, 4, 3)
SLIP_BAR_HEIGHT_PX = _mm(20)
PANEL_PADDING_PX = _mm(6)
SECTION_SPACE_PX = _mm(8)
LABEL_GAP_PX = _mm(1.5)
CELL_PADDING_PX = _mm(2.5)
COLUMN_GAP_PX = _mm(5)
SKU_COLUMN_PX = _mm(48)
QTY_COLUMN_PX = _mm(18)
STEP_INDENT_PX = _mm(9)
STEP_GAP_PX = _mm(2.5)
ADDRESS_WIDTH_PX = _mm(72)

# Caps on wrapped lines keep every block shorter than a page; text past them is ellipsized, never cut.
MAX_REASON_LINES = 8
MAX_ITEM_LINES = 6
MAX_SKU_LINES = 3
MAX_ADDRESS_LINES = 10
MAX_INSTRUCTION_LINES = 30


@dataclass(frozen=True)
class _Block:
    """A vertical slice of the slip; keep_with_next stops a heading from ending a page on its own."""

    height: int
    paint: Callable[[Image.Image, ImageDraw.ImageDraw, int], None]
    space_after: int = 0
    keep_with_next: bool = False
    table_row: bool = False


def _checked(data: SlipData) -> str:
    kind = data.kind.strip().upper()
    if kind not in KIND_NAMES:
        raise ValueError(f"kind must be one of {', '.join(KIND_NAMES)}, not {data.kind!r}")
    if not data.rma_id.strip():
        raise ValueError("a slip needs its RMA number")
    if not data.items:
        raise ValueError("a slip needs at least one item")
    for item in data.items:
        if item.quantity < 1:
            raise ValueError(f"quantity of {item.sku!r} must be at least 1, not {item.quantity}")
    return kind


def _lines_height(lines: Sequence[str], font: Font) -> int:
    return len(lines) * text_line_height(font)


def _put(
    draw: ImageDraw.ImageDraw,
    left: float,
    top: float,
    width: float,
    text: str,
    font: Font,
    fill: int,
    align: Align = "start",
    **options: object,
) -> None:
    """One line in the box (left, width) of the left-to-right layout, mirrored on a right-to-left slip."""
    put_text(draw, left, top, width, text, font, fill, page_width=PAGE_SIZE_PX[0], align=align, **options)


def _draw_lines(
    draw: ImageDraw.ImageDraw, lines: Sequence[str], font: Font, left: int, width: int, top: int, fill: int
) -> None:
    for index, line in enumerate(lines):
        _put(draw, left, top + index * text_line_height(font), width, line, font, fill)


def _wrap_paragraphs(text: str, font: Font, width: int, max_lines: int) -> tuple[str, ...]:
    """Wrap each line of text on its own, so the line breaks a person typed (an address) survive."""
    lines: list[str] = []
    for paragraph in text.splitlines():
        if paragraph.strip():
            lines.extend(_wrap(paragraph, font, width, max_lines))
    if len(lines) > max_lines:
        lines = [*lines[: max_lines - 1], _fit_with_ellipsis(" ".join(lines[max_lines - 1 :]), font, width)]
    return tuple(lines)


def _barcode_for(code: str) -> Image.Image:
    widest = CONTENT_WIDTH_PX - 2 * PANEL_PADDING_PX
    for module_px in SLIP_MODULE_PX_PREFERENCE:
        barcode = code128_image(code, module_px=module_px, height_px=SLIP_BAR_HEIGHT_PX, caption=False)
        if barcode.width <= widest:
            return barcode
    raise ValueError(f"RMA number {code!r} is too long to print scannably on the slip")


def _caption(draw: ImageDraw.ImageDraw, text: str, left: int, width: int, top: int) -> int:
    """Draw a small upper-case field caption and return where the value below it starts."""
    font = load_font(CAPTION_FONT_PX, "bold")
    _put(draw, left, top, width, text.upper(), font, MUTED_INK)
    return top + text_line_height(font) + LABEL_GAP_PX


def _caption_height() -> int:
    return text_line_height(load_font(CAPTION_FONT_PX, "bold")) + LABEL_GAP_PX


def _section_heading_block(text: str) -> _Block:
    font = load_font(SECTION_FONT_PX, "bold")
    height = text_line_height(font) + TEXT_GAP_PX + HAIRLINE_PX

    def paint(page: Image.Image, draw: ImageDraw.ImageDraw, top: int) -> None:
        _put(draw, PAGE_MARGIN_PX, top, CONTENT_WIDTH_PX, text, font, RULE_INK)
        rule_top = top + text_line_height(font) + TEXT_GAP_PX
        _hairline(draw, rule_top)

    return _Block(height, paint, space_after=_mm(3), keep_with_next=True)


def _header_height() -> int:
    title_font = load_font(TITLE_FONT_PX, "bold")
    subtitle_font = load_font(SUBTITLE_FONT_PX, "regular")
    return (
        text_line_height(title_font)
        + TEXT_GAP_PX
        + text_line_height(subtitle_font)
        + 2 * TEXT_GAP_PX
        + TITLE_RULE_PX
    )


def _paint_header(draw: ImageDraw.ImageDraw, data: SlipData, kind: str, continued: bool) -> None:
    title_font = load_font(TITLE_FONT_PX, "bold")
    subtitle_font = load_font(SUBTITLE_FONT_PX, "regular")
    badge_font = load_font(BADGE_FONT_PX, "bold")
    top = PAGE_MARGIN_PX

    # The kind sits in a solid badge at the top right, so RMA, RA and RGA slips never pass for each other.
    badge_pad_x, badge_pad_y = _mm(4), _mm(1.8)
    badge_text_width = round(badge_font.getlength(kind))
    badge_height = _header_height() - TITLE_RULE_PX - 2 * TEXT_GAP_PX
    badge_width = badge_text_width + 2 * badge_pad_x
    badge_left = RIGHT_EDGE_PX - badge_width
    # At the top left of a right-to-left slip, the end of its first line.
    badge_x = round(box_left(badge_left, badge_width, PAGE_SIZE_PX[0]))
    draw.rounded_rectangle(
        [(badge_x, top), (badge_x + badge_width - 1, top + badge_height - 1)], radius=_mm(2), fill=INK
    )
    text_box = badge_font.getbbox(kind)
    text_top = top + (badge_height - (text_box[3] + text_box[1])) // 2
    draw.text((badge_x + badge_pad_x, max(text_top, top + badge_pad_y)), kind, font=badge_font, fill=PAPER)

    room = badge_left - PAGE_MARGIN_PX - _mm(6)
    title = _("Return authorization, continued") if continued else _("Return authorization")
    _put(draw, PAGE_MARGIN_PX, top, room, _fit_with_ellipsis(title, title_font, room), title_font, INK)
    subtitle_parts = [part for part in (data.seller_name.strip(), f"{_(KIND_NAMES[kind])} ({kind})") if part]
    subtitle_top = top + text_line_height(title_font) + TEXT_GAP_PX
    subtitle = _fit_with_ellipsis(" · ".join(subtitle_parts), subtitle_font, room)
    _put(draw, PAGE_MARGIN_PX, subtitle_top, room, subtitle, subtitle_font, MUTED_INK)
    rule_top = top + _header_height() - TITLE_RULE_PX
    draw.rectangle([(PAGE_MARGIN_PX, rule_top), (RIGHT_EDGE_PX - 1, rule_top + TITLE_RULE_PX - 1)], fill=INK)


def _footer_height() -> int:
    return _mm(4) + HAIRLINE_PX + TEXT_GAP_PX + text_line_height(load_font(FOOTER_FONT_PX, "regular"))


def _paint_footer(
    draw: ImageDraw.ImageDraw, data: SlipData, kind: str, page_number: int, page_count: int
) -> None:
    font = load_font(FOOTER_FONT_PX, "regular")
    text_top = PAGE_BOTTOM_PX - text_line_height(font)
    rule_top = text_top - TEXT_GAP_PX - HAIRLINE_PX
    draw.rectangle(
        [(PAGE_MARGIN_PX, rule_top), (RIGHT_EDGE_PX - 1, rule_top + HAIRLINE_PX - 1)], fill=CARD_BORDER_INK
    )
    page_label = _("{kind} {rma_id} · Page {number} of {count}").format(
        kind=kind, rma_id=data.rma_id, number=count(page_number), count=count(page_count)
    )
    page_label_width = font.getlength(page_label)
    _put(draw, PAGE_MARGIN_PX, text_top, CONTENT_WIDTH_PX, page_label, font, MUTED_INK, "end")
    left_text = " · ".join(part for part in (data.seller_name.strip(), _("Keep a copy of this slip")) if part)
    room = int(CONTENT_WIDTH_PX - page_label_width - _mm(6))
    _put(draw, PAGE_MARGIN_PX, text_top, room, _fit_with_ellipsis(left_text, font, room), font, MUTED_INK)


def _barcode_panel(data: SlipData) -> _Block:
    barcode = _barcode_for(data.rma_id)
    id_font = load_font(ID_FONT_PX, "mono")
    note_font = load_font(BODY_FONT_PX, "regular")
    note = _("Write this number on the outside of the box.")
    rma_id = _fit_with_ellipsis(data.rma_id, id_font, CONTENT_WIDTH_PX - 2 * PANEL_PADDING_PX)
    height = (
        PANEL_PADDING_PX
        + _caption_height()
        + barcode.height
        + _mm(2)
        + text_line_height(id_font)
        + 2 * ID_STROKE_PX
        + _mm(1)
        + text_line_height(note_font)
        + PANEL_PADDING_PX
    )

    def paint(page: Image.Image, draw: ImageDraw.ImageDraw, top: int) -> None:
        draw.rounded_rectangle(
            [(PAGE_MARGIN_PX, top), (RIGHT_EDGE_PX - 1, top + height - 1)],
            radius=CARD_RADIUS_PX,
            outline=CARD_BORDER_INK,
            width=CARD_BORDER_PX,
        )
        center_x = PAGE_MARGIN_PX + CONTENT_WIDTH_PX // 2
        caption_font = load_font(CAPTION_FONT_PX, "bold")
        caption = _("YOUR RETURN NUMBER")
        draw.text(
            (center_x - caption_font.getlength(caption) / 2, top + PANEL_PADDING_PX),
            caption,
            font=caption_font,
            fill=MUTED_INK,
        )
        cursor = top + PANEL_PADDING_PX + _caption_height()
        page.paste(barcode, (center_x - barcode.width // 2, cursor))
        cursor += barcode.height + _mm(2)
        # A light stroke gives the monospaced number the weight of a heading without a bold mono face.
        draw.text(
            (center_x - id_font.getlength(rma_id) / 2, cursor + ID_STROKE_PX),
            rma_id,
            font=id_font,
            fill=INK,
            stroke_width=ID_STROKE_PX,
            stroke_fill=INK,
        )
        cursor += text_line_height(id_font) + 2 * ID_STROKE_PX + _mm(1)
        draw.text((center_x - note_font.getlength(note) / 2, cursor), note, font=note_font, fill=MUTED_INK)

    return _Block(height, paint, space_after=SECTION_SPACE_PX)


def _facts_block(data: SlipData) -> _Block:
    value_font = load_font(VALUE_FONT_PX, "bold")
    units = sum(item.quantity for item in data.items)
    facts = (
        (_("Order ID"), data.order_id),
        (_("Date issued"), long_day(data.issued_on)),
        (_("Units to return"), count(units)),
    )
    column_width = (CONTENT_WIDTH_PX - 2 * COLUMN_GAP_PX) // 3
    height = _caption_height() + text_line_height(value_font)

    def paint(page: Image.Image, draw: ImageDraw.ImageDraw, top: int) -> None:
        for index, (caption, value) in enumerate(facts):
            left = PAGE_MARGIN_PX + index * (column_width + COLUMN_GAP_PX)
            value_top = _caption(draw, caption, left, column_width, top)
            value_text = _fit_with_ellipsis(value, value_font, column_width)
            _put(draw, left, value_top, column_width, value_text, value_font, INK)

    return _Block(height, paint, space_after=_mm(6))


def _reason_block(data: SlipData) -> _Block:
    font = load_font(BODY_FONT_PX, "regular")
    lines = _wrap_paragraphs(data.reason, font, CONTENT_WIDTH_PX, MAX_REASON_LINES) or ("—",)
    height = _caption_height() + _lines_height(lines, font)

    def paint(page: Image.Image, draw: ImageDraw.ImageDraw, top: int) -> None:
        value_top = _caption(draw, _("Reason for the return"), PAGE_MARGIN_PX, CONTENT_WIDTH_PX, top)
        _draw_lines(draw, lines, font, PAGE_MARGIN_PX, CONTENT_WIDTH_PX, value_top, INK)

    return _Block(height, paint, space_after=SECTION_SPACE_PX)


def _item_columns() -> tuple[int, int, int, int]:
    """Left edges of SKU and item, the item width, and the right edge of the right-aligned quantity."""
    sku_left = PAGE_MARGIN_PX
    item_left = sku_left + SKU_COLUMN_PX + COLUMN_GAP_PX
    item_width = RIGHT_EDGE_PX - QTY_COLUMN_PX - COLUMN_GAP_PX - item_left
    return sku_left, item_left, item_width, RIGHT_EDGE_PX


def _hairline(draw: ImageDraw.ImageDraw, top: int) -> None:
    draw.rectangle([(PAGE_MARGIN_PX, top), (RIGHT_EDGE_PX - 1, top + HAIRLINE_PX - 1)], fill=CARD_BORDER_INK)


def _table_header_block() -> _Block:
    font = load_font(CAPTION_FONT_PX, "bold")
    height = text_line_height(font) + CELL_PADDING_PX + HAIRLINE_PX

    def paint(page: Image.Image, draw: ImageDraw.ImageDraw, top: int) -> None:
        sku_left, item_left, item_width, qty_right = _item_columns()
        _put(draw, sku_left, top, SKU_COLUMN_PX, _("SKU"), font, MUTED_INK)
        _put(draw, item_left, top, item_width, _("ITEM"), font, MUTED_INK)
        _put(draw, qty_right - QTY_COLUMN_PX, top, QTY_COLUMN_PX, _("QTY"), font, MUTED_INK, "end")
        _hairline(draw, top + height - HAIRLINE_PX)

    return _Block(height, paint, keep_with_next=True)


def _item_row_block(item: SlipItem, last: bool) -> _Block:
    sku_font = load_font(BODY_FONT_PX, "mono")
    name_font = load_font(BODY_FONT_PX, "regular")
    qty_font = load_font(VALUE_FONT_PX, "bold")
    item_width = _item_columns()[2]
    sku_lines = _wrap(item.sku, sku_font, SKU_COLUMN_PX, MAX_SKU_LINES) or ("—",)
    name_lines = _wrap(item.item_name, name_font, item_width, MAX_ITEM_LINES) or ("—",)
    quantity = count(item.quantity)
    content_height = max(
        _lines_height(sku_lines, sku_font), _lines_height(name_lines, name_font), text_line_height(qty_font)
    )
    height = 2 * CELL_PADDING_PX + content_height + HAIRLINE_PX

    def paint(page: Image.Image, draw: ImageDraw.ImageDraw, top: int) -> None:
        sku_left, item_left, item_width, qty_right = _item_columns()
        text_top = top + CELL_PADDING_PX
        _draw_lines(draw, sku_lines, sku_font, sku_left, SKU_COLUMN_PX, text_top, INK)
        _draw_lines(draw, name_lines, name_font, item_left, item_width, text_top, INK)
        _put(draw, qty_right - QTY_COLUMN_PX, text_top, QTY_COLUMN_PX, quantity, qty_font, INK, "end")
        # Each row closes itself, so a table cut by a page break still ends on a rule.
        _hairline(draw, top + height - HAIRLINE_PX)

    return _Block(height, paint, space_after=SECTION_SPACE_PX if last else 0, table_row=True)


def _default_steps(data: SlipData) -> list[str]:
    deadline = long_day(data.issued_on + timedelta(days=RETURN_WINDOW_DAYS))
    send = (
        _("Send the parcel within {days} days, by {deadline}, to the return address on this slip.")
        if data.return_address.strip()
        else _("Send the parcel within {days} days, by {deadline}, to the return address you were given.")
    )
    return [
        _(
            "Pack the item with all its parts, accessories and manuals, in its original packaging if you "
            "still have it."
        ),
        _("Put this slip in the parcel."),
        _("Write {rma_id} clearly on the outside of the box.").format(rma_id=data.rma_id),
        send.format(days=count(RETURN_WINDOW_DAYS), deadline=deadline),
    ]


def _instructions_block(data: SlipData) -> _Block:
    """The customer's steps, with the return address boxed beside them when there is one."""
    font = load_font(BODY_FONT_PX, "regular")
    number_font = load_font(BODY_FONT_PX, "bold")
    address_text = data.return_address.strip()
    steps_width = CONTENT_WIDTH_PX - (ADDRESS_WIDTH_PX + COLUMN_GAP_PX if address_text else 0)
    line_height = text_line_height(font)

    custom = data.instructions.strip()
    if custom:
        # The seller's own wording is printed as written: one paragraph per line, no numbers added.
        paragraphs = [
            (None, _wrap(line, font, steps_width, MAX_INSTRUCTION_LINES))
            for line in custom.splitlines()
            if line.strip()
        ]
    else:
        paragraphs = [
            (f"{count(number)}.", _wrap(step, font, steps_width - STEP_INDENT_PX, MAX_INSTRUCTION_LINES))
            for number, step in enumerate(_default_steps(data), start=1)
        ]
    steps_height = sum(len(lines) * line_height for _step, lines in paragraphs) + STEP_GAP_PX * (
        len(paragraphs) - 1
    )

    address_inner = ADDRESS_WIDTH_PX - 2 * PANEL_PADDING_PX
    address_font = load_font(BODY_FONT_PX, "regular")
    address_lines = _wrap_paragraphs(address_text, address_font, address_inner, MAX_ADDRESS_LINES)
    address_height = (
        2 * PANEL_PADDING_PX + _caption_height() + _lines_height(address_lines, address_font)
        if address_text
        else 0
    )
    height = max(steps_height, address_height)

    def paint(page: Image.Image, draw: ImageDraw.ImageDraw, top: int) -> None:
        cursor = top
        for number, lines in paragraphs:
            left, width = PAGE_MARGIN_PX, steps_width
            if number is not None:
                _put(draw, left, cursor, STEP_INDENT_PX, number, number_font, INK)
                left, width = left + STEP_INDENT_PX, width - STEP_INDENT_PX
            _draw_lines(draw, lines, font, left, width, cursor, INK)
            cursor += len(lines) * line_height + STEP_GAP_PX
        if address_text:
            address_left = RIGHT_EDGE_PX - ADDRESS_WIDTH_PX
            box_x = round(box_left(address_left, ADDRESS_WIDTH_PX, PAGE_SIZE_PX[0]))
            draw.rounded_rectangle(
                [(box_x, top), (box_x + ADDRESS_WIDTH_PX - 1, top + address_height - 1)],
                radius=CARD_RADIUS_PX,
                outline=INK,
                width=CARD_BORDER_PX,
            )
            inner_left = address_left + PANEL_PADDING_PX
            value_top = _caption(draw, _("Return address"), inner_left, address_inner, top + PANEL_PADDING_PX)
            _draw_lines(draw, address_lines, address_font, inner_left, address_inner, value_top, INK)

    return _Block(height, paint)


def _blocks(data: SlipData) -> list[_Block]:
    items = [
        _item_row_block(item, last=index == len(data.items) - 1) for index, item in enumerate(data.items)
    ]
    return [
        _barcode_panel(data),
        _facts_block(data),
        _reason_block(data),
        _section_heading_block(_("Items to return")),
        _table_header_block(),
        *items,
        _section_heading_block(_("What to do")),
        _instructions_block(data),
    ]


def _needed_height(blocks: Sequence[_Block], start: int) -> int:
    """Height of blocks[start] plus every block it must be kept with."""
    needed = 0
    index = start
    while True:
        needed += blocks[index].height
        if not blocks[index].keep_with_next or index + 1 == len(blocks):
            return needed
        needed += blocks[index].space_after
        index += 1


def _paginate(blocks: Sequence[_Block]) -> list[list[tuple[_Block, int]]]:
    """Flow the blocks down the pages; a table cut by a page break repeats its heading and column titles."""
    content_top = PAGE_MARGIN_PX + _header_height() + SECTION_SPACE_PX
    content_bottom = PAGE_BOTTOM_PX - _footer_height() - _mm(2)
    continued_heading = _section_heading_block(_("Items to return (continued)"))
    table_header = _table_header_block()
    pages: list[list[tuple[_Block, int]]] = [[]]
    cursor = content_top
    for index, block in enumerate(blocks):
        needed = _needed_height(blocks, index)
        if cursor + needed > content_bottom and cursor != content_top:
            pages.append([])
            cursor = content_top
            if block.table_row:
                for repeated in (continued_heading, table_header):
                    pages[-1].append((repeated, cursor))
                    cursor += repeated.height + repeated.space_after
        pages[-1].append((block, cursor))
        cursor += block.height + block.space_after
    return pages


def render_slip_pages(data: SlipData) -> list[Image.Image]:
    """Lay out the slip on as many A4 pages (300 dpi, grayscale) as its items need; usually one.

    Raises ValueError for an unknown kind, no items, a quantity below 1 or an RMA number that Code 128
    cannot encode or that is too long to print scannably.
    """
    kind = _checked(data)
    placements_by_page = _paginate(_blocks(data))
    pages = []
    for page_number, placements in enumerate(placements_by_page, start=1):
        page = Image.new("L", PAGE_SIZE_PX, PAPER)
        draw = ImageDraw.Draw(page)
        _paint_header(draw, data, kind, continued=page_number > 1)
        for block, top in placements:
            block.paint(page, draw, top)
        _paint_footer(draw, data, kind, page_number, len(placements_by_page))
        page.info["dpi"] = (PRINT_DPI, PRINT_DPI)
        pages.append(page)
    return pages


def render_slip(data: SlipData) -> Image.Image:
    """The slip's first page: the whole slip unless it lists more items than one page holds.

    Such a slip says so ("Page 1 of 2"); render_slip_pages or write_slip give every page.
    """
    return render_slip_pages(data)[0]


def write_slip(path: Path, data: SlipData) -> Path:
    """Write the slip to path as PDF (all pages in one file) or PNG, and return path.

    A PNG slip of several pages writes its further pages next to it as stem-2.png, stem-3.png, ...
    Raises ValueError when the suffix is neither .pdf nor .png, and the errors of render_slip_pages.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise ValueError(
            f"cannot write a slip as {path.suffix or 'a file without suffix'!r}; use .pdf or .png"
        )
    pages = render_slip_pages(data)
    if suffix == ".pdf":
        # Same encoding as the barcode sheet: high JPEG quality keeps bar edges and small text crisp.
        pages[0].save(
            path,
            format="PDF",
            resolution=PRINT_DPI,
            save_all=True,
            append_images=pages[1:],
            quality=90,
            title=f"{data.kind.upper()} {data.rma_id}",
            creator="RMA Desk",
        )
        return path
    pages[0].save(path, format="PNG", dpi=(PRINT_DPI, PRINT_DPI))
    for number, page in enumerate(pages[1:], start=2):
        page.save(
            path.with_name(f"{path.stem}-{number}{path.suffix}"), format="PNG", dpi=(PRINT_DPI, PRINT_DPI)
        )
    return path
