"""Barcode labels and sheets must decode back to exactly the codes printed on them."""

from __future__ import annotations

import itertools
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from rmadesk.labels.barcodes import QUIET_ZONE_MODULES, code128_image, save_code128_png
from rmadesk.labels.sheet import SheetEntry, command_entries, render_sheet_pages, write_sheet

A4_AT_300_DPI = (2480, 3508)
COMMAND_CODES = [entry.code for entry in command_entries()]
SINGLE_CODES = [
    "DkQxRtLmRRMA",
    "aBcDeFgHiJRRMA",
    "0123456789",
    "7",
    "4006381333931",
    "RMA-2024-000117",
    "302-4471928-1187513",
    *COMMAND_CODES,
]
# Twenty-three RMA-like codes overflow the first page, so the sheet tests always cover pagination.
RMA_CODES = [f"{prefix}RRMA" for prefix in ("DkQxRtLm", "pLIixMEO", "Zz09-aYq", "mTEIJEzO", "a1b2C3d4")] + [
    f"Rx{number:06d}RRMA" for number in range(18)
]


def decoded_code128(images: Iterable[Image.Image]) -> list[str]:
    """Decode every barcode in images, failing on any symbology other than Code 128."""
    texts = []
    for image in images:
        for result in zxingcpp.read_barcodes(image):
            assert result.format == zxingcpp.BarcodeFormat.Code128, result
            texts.append(result.text)
    return sorted(texts)


def rma_entries() -> list[SheetEntry]:
    return [
        SheetEntry(code, f"Order 302-{index:07d}", "Wireless earbuds, left bud silent" if index % 2 else "")
        for index, code in enumerate(RMA_CODES)
    ]


def bench_sections() -> list[tuple[str, list[SheetEntry]]]:
    return [("Return authorizations", rma_entries()), ("Bench commands", list(command_entries()))]


def expected_sheet_codes() -> list[str]:
    return sorted(RMA_CODES + COMMAND_CODES)


@pytest.mark.parametrize("code", SINGLE_CODES)
def test_single_barcode_decodes_to_its_code(code: str) -> None:
    assert decoded_code128([code128_image(code)]) == [code]


@pytest.mark.parametrize("module_px", [2, 4])
def test_barcode_without_caption_decodes_at_other_module_widths(module_px: int) -> None:
    image = code128_image("DkQxRtLmRRMA", module_px=module_px, caption=False)

    assert decoded_code128([image]) == ["DkQxRtLmRRMA"]
    assert image.height == 180


@pytest.mark.parametrize("module_px", [2, 3, 4])
def test_bars_are_whole_pixel_modules_inside_quiet_zones(module_px: int) -> None:
    image = code128_image("CMD-CARRIER-DAMAGED", module_px=module_px, caption=False)
    middle_row = [image.getpixel((x, image.height // 2)) for x in range(image.width)]
    runs = [(value, len(list(group))) for value, group in itertools.groupby(middle_row)]

    leading_quiet, *bar_runs, trailing_quiet = runs
    assert leading_quiet[0] == trailing_quiet[0] == 255
    assert leading_quiet[1] >= QUIET_ZONE_MODULES * module_px
    assert trailing_quiet[1] >= QUIET_ZONE_MODULES * module_px
    assert {value for value, _ in bar_runs} == {0, 255}
    assert [length % module_px for _, length in bar_runs] == [0] * len(bar_runs)
    assert min(length for _, length in bar_runs) == module_px


def test_caption_adds_text_below_the_bars() -> None:
    with_caption = code128_image("DkQxRtLmRRMA")
    bars_only = code128_image("DkQxRtLmRRMA", caption=False)
    caption_band = with_caption.crop((0, bars_only.height, with_caption.width, with_caption.height))

    assert with_caption.height > bars_only.height
    assert caption_band.getextrema()[0] < 128, "expected dark caption text under the bars"


@pytest.mark.parametrize(
    ("code", "options"),
    [
        ("DkQxRtLmRRMA", {"module_px": 1}),
        ("", {}),
        ("DkQx\u00e9RRMA", {}),
        ("DkQxRtLmRRMA", {"height_px": 0}),
    ],
)
def test_unprintable_barcodes_are_rejected(code: str, options: dict[str, int]) -> None:
    with pytest.raises(ValueError):
        code128_image(code, **options)


def test_save_code128_png_writes_a_300_dpi_png_that_decodes(tmp_path: Path) -> None:
    written = save_code128_png("RMA-2024-000117", tmp_path / "label.png")

    assert written == tmp_path / "label.png"
    with Image.open(written) as image:
        assert image.format == "PNG"
        assert image.info["dpi"] == pytest.approx((300, 300), abs=0.5)
        assert decoded_code128([image]) == ["RMA-2024-000117"]


def test_command_entries_cover_exactly_the_bench_commands() -> None:
    titles = {entry.code: entry.title for entry in command_entries()}

    assert titles == {
        "CMD-SELLABLE": "Sellable",
        "CMD-CARRIER-DAMAGED": "Carrier-damaged",
        "CMD-SELLER-FAULT": "Seller-fault",
        "CMD-CONFIRM": "Confirm / write outcome",
        "CMD-CANCEL": "Cancel this unit",
        "CMD-YES": "Yes",
        "CMD-NO": "No",
        "CMD-PHOTO": "Take a photo",
    }
    assert len(command_entries()) == len(titles)


def test_rendered_pages_are_a4_and_hold_every_code_once() -> None:
    pages = render_sheet_pages("Bench sheet", bench_sections(), footer="Station 3")

    assert len(pages) > 1
    assert {page.size for page in pages} == {A4_AT_300_DPI}
    assert decoded_code128(pages) == expected_sheet_codes()


def test_a_section_that_fits_one_page_is_not_split() -> None:
    pages = render_sheet_pages("Bench sheet", bench_sections())

    pages_with_commands = [page for page in pages if set(decoded_code128([page])) & set(COMMAND_CODES)]
    assert len(pages_with_commands) == 1
    assert set(COMMAND_CODES) <= set(decoded_code128(pages_with_commands))


def test_command_sheet_fits_on_one_page() -> None:
    pages = render_sheet_pages("Bench commands", [("Bench commands", command_entries())])

    assert len(pages) == 1
    assert decoded_code128(pages) == sorted(COMMAND_CODES)


def test_png_sheet_pages_are_numbered_and_decode(tmp_path: Path) -> None:
    written = write_sheet(tmp_path / "bench.png", "Bench sheet", bench_sections(), footer="Station 3")

    assert written == [tmp_path / f"bench-{number}.png" for number in range(1, len(written) + 1)]
    assert len(written) > 1
    assert not (tmp_path / "bench.png").exists()
    pages = [Image.open(path) for path in written]
    assert all(page.info["dpi"] == pytest.approx((300, 300), abs=0.5) for page in pages)
    assert decoded_code128(pages) == expected_sheet_codes()


def test_single_page_png_keeps_the_given_name(tmp_path: Path) -> None:
    written = write_sheet(
        tmp_path / "commands.png", "Bench commands", [("Bench commands", command_entries())]
    )

    assert written == [tmp_path / "commands.png"]
    assert decoded_code128([Image.open(written[0])]) == sorted(COMMAND_CODES)


def test_pdf_sheet_rasterized_at_150_dpi_decodes_every_code(tmp_path: Path) -> None:
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm is not None, "pdftoppm (poppler-utils) is required to check the printed PDF"
    pdf_path = tmp_path / "bench.pdf"

    written = write_sheet(pdf_path, "Bench sheet", bench_sections(), footer="Station 3")
    subprocess.run([pdftoppm, "-r", "150", "-png", str(pdf_path), str(tmp_path / "page")], check=True)

    assert written == [pdf_path]
    assert pdf_path.read_bytes().startswith(b"%PDF")
    page_paths = sorted(tmp_path.glob("page*.png"))
    assert len(page_paths) == len(render_sheet_pages("Bench sheet", bench_sections(), footer="Station 3"))
    assert decoded_code128(Image.open(path) for path in page_paths) == expected_sheet_codes()


@pytest.mark.parametrize("name", ["bench.jpg", "bench.svg", "bench"])
def test_unsupported_sheet_suffix_raises_and_writes_nothing(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError):
        write_sheet(tmp_path / name, "Bench sheet", [("Bench commands", command_entries())])

    assert list(tmp_path.iterdir()) == []


def test_code_too_long_for_the_page_is_rejected() -> None:
    with pytest.raises(ValueError):
        render_sheet_pages("Bench sheet", [("Too long", [SheetEntry("X" * 120, "Far too long")])])
