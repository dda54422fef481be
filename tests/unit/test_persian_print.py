"""Persian printed matter: shaped, right to left, codes whole and every barcode still decoding."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from rmadesk.domain.model import Disposition
from rmadesk.labels import sheet
from rmadesk.labels.barcodes import load_font
from rmadesk.labels.lettering import ShapedFont, raqm_available
from rmadesk.labels.slip import render_slip_pages, write_slip
from rmadesk.labels.unit_label import (
    LABEL_SIZES,
    TextField,
    plan_unit_label,
    render_unit_label,
    write_unit_label,
)
from rmadesk.text import formatting, i18n
from rmadesk.text.bidi import text_direction, visual_order
from rmadesk.text.fonts import persian_font_path
from tests.unit.test_slip_and_labels import decoded_code128, pdf_pages, slip_data, unit_label

PERSIAN_ITEM = "هدفون بی‌سیم مشکی"
PERSIAN_REASON = "کالا پس از دو هفته خراب شد؛ کد R4K7M2Q9XH را ببینید."


@pytest.fixture
def persian() -> Iterator[None]:
    i18n.set_language("fa")
    formatting.choose_display("fa")
    try:
        yield
    finally:
        i18n.set_language("en")
        formatting.choose_display("en")


def ink_columns(image: Image.Image, box: tuple[int, int, int, int]) -> tuple[int, int] | None:
    """The leftmost and rightmost column with ink inside box, or None when it is blank."""
    inverted = Image.eval(image.crop(box).convert("L"), lambda v: 255 - v)
    bbox = inverted.point(lambda v: 255 if v > 96 else 0).getbbox()
    return None if bbox is None else (box[0] + bbox[0], box[0] + bbox[2])


def isolated_letters_width(text: str, size: int) -> float:
    """The width of text drawn letter by letter, unjoined, as a renderer that cannot shape draws it."""
    path = persian_font_path()
    assert path is not None
    basic = ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.BASIC)
    basic.set_variation_by_axes([700, 100])
    return basic.getlength(text)


# --- the fonts and the lines ------------------------------------------------------------------------------


def test_the_persian_font_comes_from_its_package() -> None:
    path = persian_font_path()
    assert path is not None and path.is_file() and "NotoSansArabic" in path.name


def test_a_persian_line_is_drawn_joined_narrower_than_its_isolated_letters(persian: None) -> None:
    font = load_font(80, "bold")
    assert isinstance(font, ShapedFont)
    word = "بنویسید"
    image = Image.new("L", (1200, 200), 255)
    ImageDraw.Draw(image).text((10, 10), word, font=font, fill=0)
    left, right = ink_columns(image, (0, 0, 1200, 200)) or (0, 0)
    drawn = right - left
    assert abs(drawn - font.getlength(word)) < 12  # measured as drawn
    assert drawn < 0.85 * isolated_letters_width(word, 80)  # joined forms are narrower


def test_without_raqm_the_line_is_given_joined_and_in_display_order(persian: None) -> None:
    path = persian_font_path()
    assert path is not None
    shaping_font = ShapedFont(str(path), 60)
    basic = ShapedFont(str(path), 60, layout_engine=ImageFont.Layout.BASIC)
    word = "سلام دنیا"
    if raqm_available():
        assert abs(basic.getlength(word) - shaping_font.getlength(word)) < 6
    raw = ImageFont.truetype(str(path), 60, layout_engine=ImageFont.Layout.BASIC)
    assert basic.getlength(word) < 0.9 * raw.getlength(word)


def test_display_order_keeps_codes_left_to_right_and_mirrors_brackets(persian: None) -> None:
    line = i18n._("Write {rma_id} clearly on the outside of the box.").format(rma_id="R4K7-9XH")
    assert text_direction(line) == "rtl"
    shown = visual_order(line)
    assert "R4K7-9XH" in shown  # the code whole and in its order
    assert shown.rstrip().endswith("R4K7-9XH")  # at the start of the line: its right end
    assert all("\ufb50" <= c <= "\ufeff" or not unicodedata.bidirectional(c) == "AL" for c in shown)
    assert visual_order("(کالا)", "rtl") == "(ﻻﺎﮐ)"
    assert text_direction("R4K7M2Q9XH") == "ltr"


# --- the unit label ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", list(LABEL_SIZES))
@pytest.mark.parametrize("disposition", [d.value for d in Disposition])
def test_a_persian_unit_label_decodes_and_reads_from_the_right(
    persian: None, size: str, disposition: str
) -> None:
    label = unit_label(disposition, item_name=PERSIAN_ITEM, rma_text="مرجوعی R4K7M2Q9XH · واحد ۱ از ۲")
    plan = plan_unit_label(label, size)
    image = render_unit_label(label, size)
    assert decoded_code128([image]) == ["R4K7M2Q9XH-1"]
    title = next(
        f for f in plan.fields if isinstance(f, TextField) and f.text == Disposition(disposition).label
    )
    assert title.align == "right"
    ink = ink_columns(image, (title.x, title.y, title.x + title.width, title.y + title.size))
    assert ink is not None
    left, right = ink
    assert right >= title.x + title.width - 12  # set from the right margin
    font = load_font(title.size, "bold")
    assert abs((right - left) - font.getlength(title.text)) < 0.06 * font.getlength(title.text) + 8
    assert (right - left) < 0.9 * isolated_letters_width(title.text, title.size)


def test_a_persian_unit_label_pdf_decodes(persian: None, tmp_path: Path) -> None:
    path = write_unit_label(tmp_path / "label.pdf", unit_label("seller_fault", item_name=PERSIAN_ITEM))
    assert decoded_code128(pdf_pages(path, tmp_path, 300)) == ["R4K7M2Q9XH-1"]


# --- the slip and the command sheet -----------------------------------------------------------------------


def test_a_persian_slip_decodes_in_png_and_pdf_and_starts_at_the_right(persian: None, tmp_path: Path) -> None:
    data = slip_data(reason=PERSIAN_REASON, seller_name="فروشگاه آکمه")
    pages = render_slip_pages(data)
    assert decoded_code128(pages[:1]) == ["R4K7M2Q9XH"]
    margin = sheet.PAGE_MARGIN_PX
    page = pages[0]
    # The title block: ink up to the right margin, the RMA badge at the left.
    header = ink_columns(page, (margin, margin, page.width - margin, margin + 120))
    assert header is not None and header[1] >= page.width - margin - 6 and header[0] <= margin + 6
    pdf = write_slip(tmp_path / "slip.pdf", data)
    assert decoded_code128(pdf_pages(pdf, tmp_path, 150)[:1]) == ["R4K7M2Q9XH"]


def test_the_persian_slip_differs_from_the_english_one_only_in_words(persian: None) -> None:
    persian_page = render_slip_pages(slip_data())[0]
    i18n.set_language("en")
    english_page = render_slip_pages(slip_data())[0]
    assert persian_page.tobytes() != english_page.tobytes()
    assert decoded_code128([persian_page]) == decoded_code128([english_page]) == ["R4K7M2Q9XH"]


def test_the_persian_command_sheet_decodes_every_code(persian: None, tmp_path: Path) -> None:
    entries = sheet.command_entries()
    assert any(text_direction(e.title) == "rtl" for e in entries)
    written = sheet.write_sheet(tmp_path / "sheet.png", "برگه فرمان‌ها", [("فرمان‌ها", entries)])
    images = [Image.open(p) for p in written]
    assert decoded_code128(images) == sorted(e.code for e in entries)
    pdf = sheet.write_sheet(tmp_path / "sheet.pdf", "برگه فرمان‌ها", [("فرمان‌ها", entries)])[0]
    assert decoded_code128(pdf_pages(pdf, tmp_path, 150)) == sorted(e.code for e in entries)


# --- the summary PDF (ReportLab) --------------------------------------------------------------------------


def _pdftotext(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return out


def test_reportlab_draws_persian_joined_and_in_display_order(persian: None, tmp_path: Path) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate

    from rmadesk.summary.render import pdf as summary_pdf

    styles = summary_pdf._Styles()
    assert styles.regular == "RmaPersian"
    target = tmp_path / "persian.pdf"
    doc = SimpleDocTemplate(str(target), pagesize=A4)
    text = "انبار مرجوعی تهران برای سفارش 302-4471928 " * 6
    doc.build([summary_pdf._p(text, styles.body), summary_pdf._p("کالاها", styles.title)])
    raw = _pdftotext(target)
    assert any("\ufb50" <= c <= "\ufeff" for c in raw)  # the joined letter forms, not the isolated ones
    logical = unicodedata.normalize("NFKC", raw)
    logical = "".join(c for c in logical if c not in "\u200e\u200f\u202a\u202b\u202c\u202d\u202e")
    # pdftotext reads the page back right to left: the words come out in their order, not reversed.
    assert "انبار مرجوعی تهران برای سفارش" in " ".join(logical.split())
    assert "302-4471928" in logical
    pages = pdf_pages(target, tmp_path, 100)
    assert pages and pages[0].convert("L").getextrema()[0] < 100  # ink on the page


def test_the_persian_summary_title_reads_right_to_left(persian: None) -> None:
    from rmadesk.summary.render import pdf as summary_pdf

    styles = summary_pdf._Styles()
    flowable = summary_pdf._p(i18n._("Returns summary: {label}").format(label="early shift"), styles.title)
    flowable.wrap(400, 100)
    shown = flowable._paragraph.text
    assert shown.startswith("early shift")  # the label, at the end of the sentence, is at its left
    assert dataclasses.is_dataclass(slip_data())
