"""The label stuck on each decided unit (4 x 2 or 2.25 x 1.25 inch), laid out once for Pillow and for ZPL."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Literal

from PIL import Image, ImageDraw

from rmadesk.domain.model import Disposition
from rmadesk.labels.barcodes import (
    INK,
    MIN_MODULE_PX,
    PAPER,
    PRINT_DPI,
    QUIET_ZONE_MODULES,
    FontStyle,
    code128_image,
    load_font,
    text_line_height,
)
from rmadesk.labels.lettering import mirrored
from rmadesk.labels.sheet import SUPPORTED_SUFFIXES, _fit_with_ellipsis
from rmadesk.text.i18n import N_, _

LABEL_SIZES: dict[str, tuple[int, int]] = {"4x2": (1200, 600), "2.25x1.25": (675, 375)}
LABEL_SIZES_INCHES: dict[str, tuple[float, float]] = {"4x2": (4.0, 2.0), "2.25x1.25": (2.25, 1.25)}

NOT_SELLABLE_BANNER = N_("DO NOT SELL")
# Sellable returns are still kept apart from new stock, so their label says so too, in an outlined bar.
SELLABLE_BANNER = N_("RETURNED UNIT · NOT NEW STOCK")

Align = Literal["left", "center", "right"]


@dataclass(frozen=True)
class UnitLabel:
    """What is printed on one unit's label; code is encoded as Code 128 (e.g. "{rma_id}-{seq}" or the LPN)."""

    code: str
    sku: str
    disposition: str  # a Disposition's value
    location: str
    decided_on: date
    rma_text: str
    item_name: str = ""


@dataclass(frozen=True)
class TextField:
    """One line of text; x and width bound the box it is aligned in, y is the top of the line."""

    x: int
    y: int
    width: int
    size: int
    style: FontStyle
    text: str
    align: Align = "left"
    inverted: bool = False


@dataclass(frozen=True)
class BoxField:
    """A rectangle; a border as thick as the box's shorter side fills it."""

    x: int
    y: int
    width: int
    height: int
    border: int

    @property
    def filled(self) -> bool:
        return self.border >= min(self.width, self.height)


@dataclass(frozen=True)
class BarcodeField:
    """A Code 128 symbol whose first bar is at x; a quiet zone of ten modules is kept free on both sides."""

    x: int
    y: int
    module: int
    height: int
    code: str
    reserved_width: int


LabelField = TextField | BoxField | BarcodeField


@dataclass(frozen=True)
class LabelPlan:
    """Where everything goes on a label, in printer dots; painted by render_unit_label and unit_label_zpl."""

    width: int
    height: int
    dpi: int
    fields: tuple[LabelField, ...]


@dataclass(frozen=True)
class _Spec:
    """Type sizes and spacing of one label size, in dots at 300 dpi."""

    margin: int
    disposition: int
    disposition_min: int
    banner_height: int
    banner_text: int
    banner_border: int
    caption: int
    value: int
    value_min: int
    item: int
    module: int
    bar_height: int
    code_text: int
    side_text: int
    side_text_min: int
    gap: int


_SPECS: dict[str, _Spec] = {
    "4x2": _Spec(
        margin=36,
        disposition=88,
        disposition_min=56,
        banner_height=78,
        banner_text=54,
        banner_border=5,
        caption=22,
        value=44,
        value_min=22,
        item=30,
        module=3,
        bar_height=118,
        code_text=28,
        side_text=28,
        side_text_min=22,
        gap=14,
    ),
    "2.25x1.25": _Spec(
        margin=20,
        disposition=50,
        disposition_min=34,
        banner_height=46,
        banner_text=30,
        banner_border=3,
        caption=15,
        value=27,
        value_min=14,
        item=20,
        module=2,
        bar_height=80,
        code_text=19,
        side_text=19,
        side_text_min=15,
        gap=8,
    ),
}


def code128_width_modules(code: str) -> int:
    """Width of code in Code 128 subset B (start, data, check, stop), the widest encoding any printer uses."""
    return (len(code) + 3) * 11 + 2


def _fit(text: str, style: FontStyle, size: int, min_size: int, width: int) -> tuple[str, int]:
    """Shrink text from size down to min_size until it fits width; ellipsize only at the smallest size."""
    candidate = size
    while candidate > min_size and load_font(candidate, style).getlength(text) > width:
        candidate -= 1
    return _fit_with_ellipsis(text, load_font(candidate, style), width), candidate


def _line(size: int, style: FontStyle) -> int:
    return text_line_height(load_font(size, style))


def _check(label: UnitLabel, size: str) -> None:
    if size not in LABEL_SIZES:
        raise ValueError(f"label size must be one of {', '.join(LABEL_SIZES)}, not {size!r}")
    if label.disposition not in set(Disposition):
        raise ValueError(f"disposition must be one of {', '.join(Disposition)}, not {label.disposition!r}")
    if not label.code:
        raise ValueError("a unit label needs a code for its barcode")
    bad = [char for char in label.code if not " " <= char <= "~"]
    if bad:
        raise ValueError(
            f"unit code {label.code!r} contains {bad[0]!r}; Code 128 labels take printable ASCII only"
        )


def plan_unit_label(label: UnitLabel, size: str = "4x2", dpi: int = PRINT_DPI) -> LabelPlan:
    """Lay the label out in printer dots at dpi (300 for the PNG and PDF; 203 or 600 for other printers).

    Raises ValueError for an unknown size or disposition, an empty code or one outside printable ASCII,
    or a code too long to scan at this size.
    """
    _check(label, size)
    if dpi < 150:
        raise ValueError(f"dpi must be at least 150 to print a scannable label, not {dpi}")
    scale = dpi / PRINT_DPI
    inches = LABEL_SIZES_INCHES[size]
    width, height = round(inches[0] * dpi), round(inches[1] * dpi)
    base = _SPECS[size]

    def px(value: int) -> int:
        return max(1, round(value * scale))

    margin = px(base.margin)
    gap = px(base.gap)
    content_width = width - 2 * margin
    fields: list[LabelField] = []
    not_sellable = label.disposition != Disposition.SELLABLE

    # Disposition first and biggest: it is what a person reads from across the bench.
    title, title_size = _fit(
        Disposition(label.disposition).label,
        "bold",
        px(base.disposition),
        px(base.disposition_min),
        content_width,
    )
    top = margin
    fields.append(TextField(margin, top, content_width, title_size, "bold", title))
    top += _line(px(base.disposition), "bold") + gap // 2

    banner_height = px(base.banner_height)
    border = banner_height if not_sellable else px(base.banner_border)
    fields.append(BoxField(margin, top, content_width, banner_height, border))
    banner_text = _(NOT_SELLABLE_BANNER if not_sellable else SELLABLE_BANNER)
    inner_width = content_width - 2 * (px(base.banner_border) + gap)
    # "DO NOT SELL" fills its bar; the sellable note stays smaller so that "Sellable" still leads.
    banner_max = px(base.banner_text) if not_sellable else px(base.banner_text) * 3 // 4
    banner_text, banner_size = _fit(banner_text, "bold", banner_max, banner_max // 2, inner_width)
    font_box = load_font(banner_size, "bold").getbbox("DO NOT SELL")
    banner_text_top = top + (banner_height - font_box[1] - font_box[3]) // 2
    fields.append(
        TextField(
            margin, banner_text_top, content_width, banner_size, "bold", banner_text, "center", not_sellable
        )
    )
    top += banner_height + gap

    # SKU and location side by side: the SKU says what it is, the location where it goes.
    # The location column starts at 3/5 of the width unless a long SKU needs the room; when both are too
    # long they share the row in proportion, so both shrink alike before either is ever ellipsized.
    shared = content_width - 2 * gap
    value_font = load_font(px(base.value), "bold")
    sku_need = value_font.getlength(label.sku or "—")
    location_need = value_font.getlength(label.location or "—")
    if sku_need + location_need > shared:
        left_width = round(shared * sku_need / (sku_need + location_need))
    else:
        left_width = round(max(shared * 3 / 5, sku_need))
    right_x = margin + left_width + 2 * gap
    right_width = width - margin - right_x
    caption_size = px(base.caption)
    for x, column_width, caption, value in (
        (margin, left_width, _("SKU"), label.sku),
        (right_x, right_width, _("PUT AWAY AT"), label.location),
    ):
        fields.append(TextField(x, top, column_width, caption_size, "regular", caption))
        text, value_size = _fit(value or "—", "bold", px(base.value), px(base.value_min), column_width)
        fields.append(
            TextField(x, top + _line(caption_size, "regular"), column_width, value_size, "bold", text)
        )
    top += _line(caption_size, "regular") + _line(px(base.value), "bold")

    code_size = px(base.code_text)
    module = max(MIN_MODULE_PX, round(base.module * scale))
    modules = code128_width_modules(label.code)
    while module > MIN_MODULE_PX and modules * module > content_width * 3 // 5:
        module -= 1
    bars_width = modules * module
    quiet = QUIET_ZONE_MODULES * module
    bars_x = max(margin, quiet)
    if bars_x + bars_width + quiet > width:
        raise ValueError(f"unit code {label.code!r} is too long to print scannably on a {size} label")

    # The RMA line and the date normally stack beside the barcode; where the bars leave no room for them
    # (long codes, 203 dpi) they take the item name's row instead, since the SKU already names the item.
    side_x = bars_x + bars_width + max(quiet, gap)
    side_width = width - margin - side_x
    side_size = px(base.side_text)
    date_text = label.decided_on.isoformat()
    date_width = load_font(side_size, "bold").getlength(date_text)
    side_by_side = side_width >= date_width + 2 * gap
    row_top = top + gap // 4
    if side_by_side and label.item_name.strip():
        item_size = px(base.item)
        item = _fit_with_ellipsis(
            " ".join(label.item_name.split()), load_font(item_size, "regular"), content_width
        )
        fields.append(TextField(margin, row_top, content_width, item_size, "regular", item))
    elif not side_by_side:
        fields.append(TextField(margin, row_top, content_width, side_size, "bold", date_text, "right"))
        rma_width = round(content_width - date_width - 2 * gap)
        rma_text, rma_size = _fit(
            " ".join(label.rma_text.split()), "regular", side_size, px(base.side_text_min), rma_width
        )
        if rma_text:
            fields.append(TextField(margin, row_top, rma_width, rma_size, "regular", rma_text))
    top = row_top + max(_line(px(base.item), "regular"), _line(side_size, "bold")) + gap

    bar_height = height - margin - top - _line(code_size, "mono") - gap // 3
    fields.append(BarcodeField(bars_x, top, module, bar_height, label.code, bars_width))
    code_text = _fit_with_ellipsis(label.code, load_font(code_size, "mono"), bars_width)
    fields.append(TextField(bars_x, top + bar_height + gap // 3, bars_width, code_size, "mono", code_text))
    if side_by_side:
        bottom = height - margin
        line_height = max(_line(side_size, "bold"), _line(side_size, "regular"))
        max_lines = (bottom - top) // line_height - 1
        side_lines = _side_lines(label.rma_text, side_size, px(base.side_text_min), side_width, max_lines)
        fields.append(
            TextField(side_x, bottom - line_height, side_width, side_size, "bold", date_text, "right")
        )
        for index, (text, text_size) in enumerate(reversed(side_lines), start=2):
            fields.append(
                TextField(
                    side_x, bottom - index * line_height, side_width, text_size, "regular", text, "right"
                )
            )
    if mirrored():
        fields = [_mirror(field, width) for field in fields]
    return LabelPlan(width, height, dpi, tuple(fields))


_MIRRORED_ALIGN: dict[Align, Align] = {"left": "right", "right": "left", "center": "center"}


def _mirror(field: LabelField, width: int) -> LabelField:
    """The field where a right-to-left label puts it: the disposition and SKU start at the right edge,
    the barcode moves to the right with its quiet zones."""
    if isinstance(field, TextField):
        return replace(field, x=width - field.x - field.width, align=_MIRRORED_ALIGN[field.align])
    if isinstance(field, BoxField):
        return replace(field, x=width - field.x - field.width)
    return replace(field, x=width - field.x - field.reserved_width)


def _side_lines(rma_text: str, size: int, min_size: int, width: int, max_lines: int) -> list[tuple[str, int]]:
    """The RMA line on one line if it fits, else split at its " · " separators, each part fitted."""
    text = " ".join(rma_text.split())
    if not text or max_lines < 1:
        return []
    parts = [part.strip() for part in text.split("·") if part.strip()]
    if load_font(size, "regular").getlength(text) <= width or not 1 < len(parts) <= max_lines:
        return [_fit(text, "regular", size, min_size, width)]
    return [_fit(part, "regular", size, min_size, width) for part in parts]


def _paint(plan: LabelPlan) -> Image.Image:
    image = Image.new("L", (plan.width, plan.height), PAPER)
    draw = ImageDraw.Draw(image)
    # Bars first: their white quiet zones must never paint over text laid out beside them.
    for field in plan.fields:
        if isinstance(field, BarcodeField):
            barcode = code128_image(field.code, module_px=field.module, height_px=field.height, caption=False)
            image.paste(barcode, (field.x - QUIET_ZONE_MODULES * field.module, field.y))
    for field in plan.fields:
        if isinstance(field, BoxField):
            corners = [(field.x, field.y), (field.x + field.width - 1, field.y + field.height - 1)]
            if field.filled:
                draw.rectangle(corners, fill=INK)
            else:
                draw.rectangle(corners, outline=INK, width=field.border)
    for field in plan.fields:
        if isinstance(field, TextField):
            font = load_font(field.size, field.style)
            text_width = font.getlength(field.text)
            if field.align == "right":
                left = field.x + field.width - text_width
            elif field.align == "center":
                left = field.x + (field.width - text_width) / 2
            else:
                left = field.x
            draw.text((left, field.y), field.text, font=font, fill=PAPER if field.inverted else INK)
    image.info["dpi"] = (plan.dpi, plan.dpi)
    return image


def render_unit_label(label: UnitLabel, size: str = "4x2") -> Image.Image:
    """Render the label at 300 dpi in black and white (grayscale image), 1200 x 600 or 675 x 375 pixels."""
    return _paint(plan_unit_label(label, size))


def write_unit_label(path: Path, label: UnitLabel, size: str = "4x2") -> Path:
    """Write the label to path as a one-page PDF (page = label size) or a PNG, and return path."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise ValueError(
            f"cannot write a label as {path.suffix or 'a file without suffix'!r}; use .pdf or .png"
        )
    image = render_unit_label(label, size)
    if suffix == ".pdf":
        image.save(
            path,
            format="PDF",
            resolution=PRINT_DPI,
            quality=90,
            title=f"{label.code} {Disposition(label.disposition).label}",
            creator="RMA Desk",
        )
    else:
        image.save(path, format="PNG", dpi=(PRINT_DPI, PRINT_DPI))
    return path
