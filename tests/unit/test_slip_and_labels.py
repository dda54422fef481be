"""The RMA slip and the unit labels: every barcode decodes back, sizes are right, nothing overlaps."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from rmadesk.labels import slip as slip_module
from rmadesk.labels.barcodes import QUIET_ZONE_MODULES, load_font, text_line_height
from rmadesk.labels.slip import SlipData, SlipItem, render_slip, render_slip_pages, write_slip
from rmadesk.labels.unit_label import (
    LABEL_SIZES,
    BarcodeField,
    BoxField,
    LabelPlan,
    TextField,
    UnitLabel,
    plan_unit_label,
    render_unit_label,
    write_unit_label,
)
from rmadesk.labels.zpl import unit_label_zpl

A4_AT_300_DPI = (2480, 3508)
A4_AT_150_DPI = (1240, 1754)
DISPOSITIONS = ("sellable", "carrier_damaged", "seller_fault")
LOCATIONS = {"sellable": "RETURNS-RESTOCK", "carrier_damaged": "DAMAGED-CLAIM", "seller_fault": "UNSELLABLE"}
LONG_NAME = (
    "Wireless noise-cancelling earbuds with wireless charging case, black, Bluetooth 5.3, 30 hours of "
    "battery, USB-C fast charging, three sizes of silicone ear tips and a travel pouch"
)


def decoded_code128(images: Iterable[Image.Image]) -> list[str]:
    """Decode every barcode in images, failing on any symbology other than Code 128."""
    texts = []
    for image in images:
        for result in zxingcpp.read_barcodes(image):
            assert result.format == zxingcpp.BarcodeFormat.Code128, result
            texts.append(result.text)
    return sorted(texts)


def pdf_pages(pdf_path: Path, out_dir: Path, dpi: int) -> list[Image.Image]:
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm is not None, "pdftoppm (poppler-utils) is required to check the printed PDF"
    subprocess.run([pdftoppm, "-r", str(dpi), "-png", str(pdf_path), str(out_dir / "page")], check=True)
    return [Image.open(path) for path in sorted(out_dir.glob("page*.png"))]


def slip_data(**changes: object) -> SlipData:
    data = SlipData(
        rma_id="R4K7M2Q9XH",
        kind="RMA",
        order_id="302-4471928-1187513",
        items=(
            SlipItem("EB-200-BLK", LONG_NAME, 1),
            SlipItem("CASE-SILICONE-XL-0042-REPLACEMENT-PART", "Silicone case", 2),
        ),
        reason="Left earbud stopped working after two weeks; approved outside the return window.",
        issued_on=date(2025, 3, 4),
        seller_name="Acme Gadgets Ltd",
        return_address="Acme Gadgets Returns\nUnit 4, Riverside Trading Estate\nLeeds LS11 5AB\nUK",
    )
    return dataclasses.replace(data, **changes)


def unit_label(disposition: str = "carrier_damaged", **changes: object) -> UnitLabel:
    label = UnitLabel(
        code="R4K7M2Q9XH-1",
        sku="EB-200-BLK",
        disposition=disposition,
        location=LOCATIONS[disposition],
        decided_on=date(2025, 3, 4),
        rma_text="RMA R4K7M2Q9XH · unit 1 of 2",
        item_name="Wireless earbuds, black",
    )
    return dataclasses.replace(label, **changes)


def ink_outside(image: Image.Image, box: tuple[int, int, int, int]) -> bool:
    """True when any pixel outside box (left, top, right, bottom) is darker than paper."""
    masked = image.copy()
    masked.paste(255, box)
    return masked.getextrema()[0] < 200


# --- the slip ---------------------------------------------------------------------------------------------


def test_slip_png_is_a4_at_300_dpi_and_its_barcode_decodes_to_the_id(tmp_path: Path) -> None:
    path = write_slip(tmp_path / "slip.png", slip_data())

    image = Image.open(path)
    assert path == tmp_path / "slip.png"
    assert image.size == A4_AT_300_DPI
    assert decoded_code128([image]) == ["R4K7M2Q9XH"]


def test_slip_pdf_prints_a4_and_its_barcode_decodes_at_150_dpi(tmp_path: Path) -> None:
    path = write_slip(tmp_path / "slip.pdf", slip_data())

    pages = pdf_pages(path, tmp_path, 150)
    assert path.read_bytes().startswith(b"%PDF")
    assert [page.size for page in pages] == [A4_AT_150_DPI]
    assert decoded_code128(pages) == ["R4K7M2Q9XH"]


@pytest.mark.parametrize(
    ("kind", "rma_id"), [("RMA", "R4K7M2Q9XH"), ("RA", "A8WZ3KDP5C"), ("RGA", "G7M2PX9QTE")]
)
def test_every_kind_of_slip_decodes(kind: str, rma_id: str) -> None:
    image = render_slip(slip_data(kind=kind, rma_id=rma_id, return_address="", seller_name=""))
    assert image.size == A4_AT_300_DPI
    assert decoded_code128([image]) == [rma_id]


def test_an_imported_long_rma_id_still_fits_and_decodes() -> None:
    image = render_slip(slip_data(rma_id="DkQxRtLmRRMA-2024-000117-EXTRA"))
    assert decoded_code128([image]) == ["DkQxRtLmRRMA-2024-000117-EXTRA"]


def test_slip_ink_stays_inside_the_page_margins() -> None:
    margin = slip_module.PAGE_MARGIN_PX
    for page in render_slip_pages(slip_data(items=slip_data().items * 15, instructions="")):
        assert not ink_outside(page, (margin, margin, page.width - margin, page.height - margin))


def test_slip_blocks_never_overlap_and_stay_between_header_and_footer() -> None:
    data = slip_data(items=(SlipItem("SKU-1", LONG_NAME * 3, 3),) + slip_data().items * 10)
    pages = slip_module._paginate(slip_module._blocks(data))
    content_top = slip_module.PAGE_MARGIN_PX + slip_module._header_height()
    content_bottom = slip_module.PAGE_BOTTOM_PX - slip_module._footer_height()
    assert len(pages) > 1
    for placements in pages:
        previous_bottom = content_top
        for block, top in placements:
            assert top >= previous_bottom
            previous_bottom = top + block.height
        assert previous_bottom <= content_bottom


def test_long_item_names_wrap_within_their_column() -> None:
    font = load_font(slip_module.BODY_FONT_PX, "regular")
    _, _, item_width, _ = slip_module._item_columns()
    short_row = slip_module._item_row_block(SlipItem("EB-200-BLK", "Silicone case", 1), last=False)
    long_row = slip_module._item_row_block(SlipItem("EB-200-BLK", LONG_NAME, 1), last=False)
    lines = slip_module._wrap(LONG_NAME, font, item_width, slip_module.MAX_ITEM_LINES)

    assert len(lines) >= 2
    assert " ".join(lines) == LONG_NAME
    assert all(font.getlength(line) <= item_width for line in lines)
    # The row grows by whole lines, so no wrapped line is drawn over the next row.
    assert long_row.height == (
        2 * slip_module.CELL_PADDING_PX + len(lines) * text_line_height(font) + slip_module.HAIRLINE_PX
    )
    assert long_row.height > short_row.height


def test_a_slip_with_many_items_continues_on_more_pages(tmp_path: Path) -> None:
    data = slip_data(items=slip_data().items * 15)
    pdf = write_slip(tmp_path / "many.pdf", data)
    png = write_slip(tmp_path / "many.png", data)
    page_count = len(render_slip_pages(data))

    assert page_count > 1
    assert len(pdf_pages(pdf, tmp_path, 50)) == page_count
    assert png == tmp_path / "many.png"
    extra = [tmp_path / f"many-{number}.png" for number in range(2, page_count + 1)]
    assert all(path.is_file() for path in extra)
    assert decoded_code128([Image.open(png)]) == ["R4K7M2Q9XH"]


def test_default_instructions_name_the_deadline_and_custom_ones_replace_them() -> None:
    steps = slip_module._default_steps(slip_data())
    assert any("3 April 2025" in step and "30 days" in step for step in steps)
    assert any("R4K7M2Q9XH" in step and "outside of the box" in step for step in steps)
    assert any("address on this slip" in step for step in steps)
    assert any(
        "address you were given" in step for step in slip_module._default_steps(slip_data(return_address=""))
    )
    default = slip_module._instructions_block(slip_data()).height
    custom = slip_module._instructions_block(
        slip_data(instructions="Call us first.", return_address="")
    ).height
    assert custom < default


@pytest.mark.parametrize(
    "changes",
    [{"kind": "RETURNLESS"}, {"items": ()}, {"items": (SlipItem("A", "B", 0),)}, {"rma_id": " "}],
)
def test_slip_refuses_incomplete_data(changes: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        render_slip(slip_data(**changes))


@pytest.mark.parametrize("name", ["slip.jpg", "slip"])
def test_slip_refuses_other_file_types_and_writes_nothing(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError):
        write_slip(tmp_path / name, slip_data())
    assert list(tmp_path.iterdir()) == []


# --- unit labels --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", list(LABEL_SIZES))
@pytest.mark.parametrize("disposition", DISPOSITIONS)
def test_unit_label_png_has_the_label_size_and_decodes(tmp_path: Path, size: str, disposition: str) -> None:
    path = write_unit_label(tmp_path / "label.png", unit_label(disposition), size)

    image = Image.open(path)
    assert image.size == LABEL_SIZES[size]
    assert decoded_code128([image]) == ["R4K7M2Q9XH-1"]


def test_unit_label_pdf_is_four_by_two_inches_and_decodes(tmp_path: Path) -> None:
    path = write_unit_label(tmp_path / "label.pdf", unit_label("seller_fault"), "4x2")

    pages = pdf_pages(path, tmp_path, 300)
    assert [page.size for page in pages] == [(1200, 600)]
    assert decoded_code128(pages) == ["R4K7M2Q9XH-1"]


def test_label_sizes_are_at_300_dpi() -> None:
    assert LABEL_SIZES == {"4x2": (1200, 600), "2.25x1.25": (675, 375)}


@pytest.mark.parametrize("size", list(LABEL_SIZES))
def test_long_codes_and_skus_still_decode(size: str) -> None:
    label = unit_label(
        "sellable", code="LPNRR1234567890XYZ12", sku="VERY-LONG-SKU-NAME-FOR-A-KITCHEN-MIXER-XL"
    )
    assert decoded_code128([render_unit_label(label, size)]) == ["LPNRR1234567890XYZ12"]


def _text_box(field: TextField) -> tuple[float, float, float, float]:
    font = load_font(field.size, field.style)
    text_width = font.getlength(field.text)
    left = {
        "left": field.x,
        "center": field.x + (field.width - text_width) / 2,
        "right": field.x + field.width - text_width,
    }[field.align]
    return left, field.y, left + text_width, field.y + text_line_height(font)


def _overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _assert_tidy(plan: LabelPlan) -> None:
    texts = [field for field in plan.fields if isinstance(field, TextField)]
    barcodes = [field for field in plan.fields if isinstance(field, BarcodeField)]
    boxes = [_text_box(field) for field in texts]
    for field, box in zip(texts, boxes, strict=True):
        assert 0 <= box[0] and box[2] <= plan.width and 0 <= box[1] and box[3] <= plan.height, field
        assert field.x + field.width <= plan.width, field
    for index, box in enumerate(boxes):
        for other in boxes[index + 1 :]:
            assert not _overlaps(box, other), (box, other)
    for barcode in barcodes:
        quiet = QUIET_ZONE_MODULES * barcode.module
        area = (
            barcode.x - quiet,
            barcode.y,
            barcode.x + barcode.reserved_width + quiet,
            barcode.y + barcode.height,
        )
        assert area[0] >= 0 and area[2] <= plan.width and area[3] <= plan.height
        for box in boxes:
            assert not _overlaps(area, box), (area, box)


@pytest.mark.parametrize("dpi", [203, 300, 600])
@pytest.mark.parametrize("size", list(LABEL_SIZES))
@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"code": "LPNRR123456789", "sku": "VERY-LONG-SKU-NAME-FOR-A-KITCHEN-MIXER-XL"},
        {"item_name": "", "rma_text": ""},
        {"item_name": LONG_NAME, "rma_text": "RGA G7M2PX9QTE · supplier return · unit 12 of 140"},
    ],
)
def test_label_layout_keeps_text_and_bars_apart(dpi: int, size: str, changes: dict[str, object]) -> None:
    plan = plan_unit_label(unit_label("carrier_damaged", **changes), size, dpi)
    assert (plan.width, plan.height) == (
        round(LABEL_SIZES[size][0] * dpi / 300),
        round(LABEL_SIZES[size][1] * dpi / 300),
    )
    _assert_tidy(plan)


def test_a_code_too_long_for_a_small_203_dpi_label_is_refused_not_squeezed() -> None:
    label = unit_label("sellable", code="LPNRR1234567890XYZ12")
    _assert_tidy(plan_unit_label(label, "2.25x1.25", 300))
    with pytest.raises(ValueError, match="too long"):
        plan_unit_label(label, "2.25x1.25", 203)


@pytest.mark.parametrize("disposition", DISPOSITIONS)
def test_non_sellable_units_carry_a_black_do_not_sell_bar(disposition: str) -> None:
    plan = plan_unit_label(unit_label(disposition))
    image = render_unit_label(unit_label(disposition))
    bars = [field for field in plan.fields if isinstance(field, BoxField)]
    inverted = [field.text for field in plan.fields if isinstance(field, TextField) and field.inverted]
    assert len(bars) == 1
    bar = bars[0]
    # A row just inside the bar, above its text: black across for a filled bar, white inside an outline.
    probe_y = bar.y + 9
    row = [image.getpixel((x, probe_y)) for x in range(bar.x, bar.x + bar.width)]
    black_share = sum(1 for value in row if value < 128) / len(row)

    if disposition == "sellable":
        assert not bar.filled and inverted == []
        assert black_share < 0.05
    else:
        assert bar.filled and inverted == ["DO NOT SELL"]
        assert black_share > 0.95


@pytest.mark.parametrize("disposition", DISPOSITIONS)
def test_label_shows_the_disposition_sku_location_date_and_rma_line(disposition: str) -> None:
    texts = [
        field.text
        for field in plan_unit_label(unit_label(disposition)).fields
        if isinstance(field, TextField)
    ]
    title = {"sellable": "Sellable", "carrier_damaged": "Carrier-damaged", "seller_fault": "Seller-fault"}
    assert texts[0] == title[disposition]
    for expected in ("EB-200-BLK", LOCATIONS[disposition], "2025-03-04", "RMA R4K7M2Q9XH · unit 1 of 2"):
        assert expected in texts


@pytest.mark.parametrize(
    ("changes", "size"),
    [
        ({"disposition": "lost"}, "4x2"),
        ({"code": ""}, "4x2"),
        ({"code": "ÄBC"}, "4x2"),
        ({}, "4x6"),
        ({"code": "X" * 80}, "2.25x1.25"),
    ],
)
def test_unit_label_refuses_what_it_cannot_print(changes: dict[str, object], size: str) -> None:
    with pytest.raises(ValueError):
        render_unit_label(dataclasses.replace(unit_label("sellable"), **changes), size)


# --- ZPL ----------------------------------------------------------------------------------------------------

ALLOWED_ZPL_COMMANDS = {
    "XA",
    "CI",
    "PW",
    "LL",
    "LH",
    "FO",
    "A0",
    "FB",
    "FR",
    "FH",
    "FD",
    "FS",
    "GB",
    "BY",
    "BC",
    "XZ",
}


def zpl_commands(zpl: str) -> list[str]:
    return re.findall(r"\^(..)", zpl)


def field_data(zpl: str) -> list[str]:
    """The text of every ^FD field with its ^FH hex escapes decoded, as the printer would print it."""
    raw_fields = re.findall(r"\^FD(.*?)\^FS", zpl)
    return [
        re.sub(r"_([0-9A-Fa-f]{2})", lambda match: chr(int(match.group(1), 16)), field)
        for field in raw_fields
    ]


@pytest.mark.parametrize("disposition", DISPOSITIONS)
def test_zpl_is_one_format_with_a_code_128_field(disposition: str) -> None:
    zpl = unit_label_zpl(unit_label(disposition))

    assert zpl.startswith("^XA")
    assert zpl.rstrip().endswith("^XZ")
    assert zpl.count("^XA") == 1 and zpl.count("^XZ") == 1
    assert "^CI28" in zpl
    assert re.search(r"\^BY\d+\^BCN,\d+,N,N,N\^FDR4K7M2Q9XH-1\^FS", zpl)
    assert set(zpl_commands(zpl)) <= ALLOWED_ZPL_COMMANDS
    assert all(line.startswith("^") for line in zpl.splitlines())


@pytest.mark.parametrize(
    ("size", "dpi", "width", "length"),
    [
        ("4x2", 300, 1200, 600),
        ("2.25x1.25", 300, 675, 375),
        ("4x2", 203, 812, 406),
        ("2.25x1.25", 203, 457, 254),
        ("4x2", 600, 2400, 1200),
    ],
)
def test_zpl_page_size_follows_the_label_size(size: str, dpi: int, width: int, length: int) -> None:
    zpl = unit_label_zpl(unit_label("sellable"), size, dpi)

    assert f"^PW{width}\n" in zpl and f"^LL{length}\n" in zpl
    for x, y in re.findall(r"\^FO(\d+),(\d+)", zpl):
        assert 0 <= int(x) < width and 0 <= int(y) < length


def test_zpl_marks_non_sellable_units_with_a_reversed_bar() -> None:
    damaged = unit_label_zpl(unit_label("carrier_damaged"))
    sellable = unit_label_zpl(unit_label("sellable"))

    filled = re.search(r"\^GB(\d+),(\d+),(\d+),B,0\^FS", damaged)
    assert filled and int(filled.group(3)) == int(filled.group(2))
    assert damaged.index("^GB") < damaged.index("^FR")
    assert re.search(r"\^FR\^FH\^FDDO NOT SELL\^FS", damaged)
    outline = re.search(r"\^GB(\d+),(\d+),(\d+),B,0\^FS", sellable)
    assert outline and int(outline.group(3)) < int(outline.group(2))
    assert "^FR" not in sellable and "DO NOT SELL" not in sellable


def test_control_characters_in_text_cannot_inject_zpl_commands() -> None:
    label = unit_label(
        "carrier_damaged",
        sku="EB^XZ^XA^FO0,0^GB1200,600,600^FS",
        item_name="Mug ~JA cancel ~JR\nwith_underscore",
        location="BIN_5E^PQ99",
        rma_text="RMA x^FS^XZ \\& · unit 1 of 2",
    )
    for size in LABEL_SIZES:
        zpl = unit_label_zpl(label, size)

        assert "~" not in zpl
        assert zpl.count("^XA") == 1 and zpl.count("^XZ") == 1
        assert set(zpl_commands(zpl)) <= ALLOWED_ZPL_COMMANDS
        assert zpl.count("^GB") == 1 and "^PQ" not in zpl
        printed = field_data(zpl)
        assert "EB^XZ^XA^FO0,0^GB1200,600,600^FS" in printed
        assert "BIN_5E^PQ99" in printed
        assert any(text.startswith("Mug ~JA cancel ~JR with_underscore") for text in printed)
    # Inside a ^FB block a backslash is doubled, so "\&" cannot become a line break.
    assert "\\\\&" in unit_label_zpl(label, "4x2")


@pytest.mark.parametrize("code", ["R4K7^XZ", "R4K7~JA", "R4K7>:1"])
def test_zpl_refuses_codes_it_cannot_carry_in_a_barcode(code: str) -> None:
    with pytest.raises(ValueError):
        unit_label_zpl(unit_label("sellable", code=code))
