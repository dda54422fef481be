"""The summary as a PDF report: headline figures, charts and the summary's tables, drawn with ReportLab."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from rmadesk import __version__
from rmadesk.domain.model import Disposition
from rmadesk.store.models import DISPOSITIONS
from rmadesk.summary.figures import Summary
from rmadesk.summary.render.pdf_charts import (
    ALERT,
    INK,
    MUTED,
    RULE,
    bar_chart,
    breakable,
    hour_chart,
    pareto_chart,
)
from rmadesk.summary.render.tables import TABLE_TITLES, money_text, summary_tables, waiting_span
from rmadesk.text.bidi import has_right_to_left, visual_order
from rmadesk.text.fonts import persian_font_path
from rmadesk.text.i18n import _, right_to_left

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 15 * mm
FRAME_PADDING = 6  # the platypus frame's own padding on each side
BODY_WIDTH = PAGE_WIDTH - 2 * MARGIN - 2 * FRAME_PADDING
TILE_POINTS = 15  # the headline numbers, at most
TILE_PADDING = 4
CELL_PADDING = 5
STRIPE = colors.HexColor("#f2f4f7")
ALERT_BG = colors.HexColor("#fdecea")
DISPOSITION_COLOURS = {
    "sellable": colors.HexColor("#2e7d32"),
    "carrier_damaged": colors.HexColor("#e08600"),
    "seller_fault": colors.HexColor("#c62828"),
}
MAX_PDF_ROWS = 40  # a longer table is cut; its CSV has every row
# Tables of the report after page 1, in reading order; the rest is on page 1 already.
LATER_TABLES = ("inspectors", "benches", "reimbursement", "restocked", "reasons", "waiting")
_FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu-sans-fonts"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/TTF"),
    Path("/Library/Fonts"),
    Path("C:/Windows/Fonts"),
)


def _fonts() -> tuple[str, str]:
    """Noto Sans Arabic in a right-to-left language (ReportLab draws its joined letter forms, which the
    text is given in); else DejaVu Sans when the system has it (names in any script), else the PDF's
    built-in Helvetica."""
    registered = pdfmetrics.getRegisteredFontNames()
    if right_to_left():
        persian = persian_font_path()
        if persian is not None:
            if "RmaPersian" not in registered:
                # A variable font: ReportLab draws its default instance, so bold text is not bolder.
                pdfmetrics.registerFont(TTFont("RmaPersian", str(persian)))
            return "RmaPersian", "RmaPersian"
    if "RmaSans" in registered and "RmaSans-Bold" in registered:
        return "RmaSans", "RmaSans-Bold"
    for folder in _FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            pdfmetrics.registerFont(TTFont("RmaSans", str(regular)))
            pdfmetrics.registerFont(TTFont("RmaSans-Bold", str(bold)))
            return "RmaSans", "RmaSans-Bold"
    return "Helvetica", "Helvetica-Bold"


class _Styles:
    def __init__(self) -> None:
        self.regular, self.bold = _fonts()
        base = ParagraphStyle("base", fontName=self.regular, fontSize=9, leading=12, textColor=INK)
        self.body = base
        self.small = ParagraphStyle("small", parent=base, fontSize=8, leading=10, textColor=MUTED)
        self.site = ParagraphStyle("site", parent=base, fontName=self.bold, fontSize=18, leading=22)
        self.title = ParagraphStyle("title", parent=base, fontName=self.bold, fontSize=13, leading=17)
        self.heading = ParagraphStyle(
            "heading", parent=base, fontName=self.bold, fontSize=11, leading=14, spaceBefore=8, spaceAfter=4
        )
        self.alert = ParagraphStyle("alert", parent=base, textColor=ALERT, fontName=self.bold)
        self.cell = ParagraphStyle("cell", parent=base, fontSize=8, leading=10)


class _RightToLeft(Flowable):
    """A paragraph with right-to-left text, broken into lines in reading order before each line is put
    in display order: ReportLab would break the reordered text from its end."""

    def __init__(self, text: str, style: ParagraphStyle) -> None:
        super().__init__()
        self.text = text
        self.style = style
        self._paragraph: Paragraph | None = None

    def _lines(self, width: float) -> list[str]:
        lines: list[str] = []
        line = ""
        for word in self.text.split():
            candidate = f"{line} {word}" if line else word
            shown = visual_order(candidate)
            if line and pdfmetrics.stringWidth(shown, self.style.fontName, self.style.fontSize) > width:
                lines.append(line)
                line = word
            else:
                line = candidate
        return [*lines, line] if line else lines

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        alignment = self.style.alignment if self.style.alignment == TA_CENTER else TA_RIGHT
        style = ParagraphStyle(f"{self.style.name}-rtl", parent=self.style, alignment=alignment)
        shown = "<br/>".join(escape(visual_order(line, "rtl")) for line in self._lines(availWidth))
        self._paragraph = Paragraph(shown, style)
        width, height = self._paragraph.wrap(availWidth, availHeight)
        self.width, self.height = availWidth, height
        return width, height

    def draw(self) -> None:
        assert self._paragraph is not None
        self._paragraph.drawOn(self.canv, 0, 0)


def _p(text: str, style: ParagraphStyle) -> Flowable:
    if right_to_left() and has_right_to_left(text):
        return _RightToLeft(text, style)
    return Paragraph(escape(visual_order(text)), style)


def _local_range(summary: Summary) -> str:
    a, b = summary.start.astimezone(summary.tz), summary.end.astimezone(summary.tz)
    same_day = a.date() == b.date()
    end = f"{b:%H:%M}" if same_day else f"{b:%Y-%m-%d %H:%M}"
    return _("{start} to {end} ({zone})").format(start=f"{a:%Y-%m-%d %H:%M}", end=end, zone=summary.tz_name)


def _utc_range(summary: Summary) -> str:
    a, b = summary.start.astimezone(UTC), summary.end.astimezone(UTC)
    return _("{start} to {end}").format(start=f"{a:%Y-%m-%d %H:%M}Z", end=f"{b:%Y-%m-%d %H:%M}Z")


def _number(value: Decimal | float | int | None, unit: str = "") -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        text = f"{value:,.1f}".rstrip("0").rstrip(".")
    elif isinstance(value, Decimal):
        text = f"{value:,}"
    else:
        text = f"{value:,}"
    return f"{text}{unit}"


def _tiles(summary: Summary, st: _Styles) -> Table:
    """The headline figures as a row of tiles: big number, small caption."""
    current = summary.current
    overrides = (
        _("overrides")
        if current.override_share is None
        else _("overrides ({share})").format(share=f"{current.override_share * 100:.1f}%")
    )
    arrival = current.arrival_to_decision_hours.median
    if arrival is None:
        arrival_text = "-"
    elif arrival >= 1:
        arrival_text = _("{hours} h").format(hours=_number(arrival))
    else:
        arrival_text = _("{minutes} min").format(minutes=f"{arrival * 60:.0f}")
    median = current.seconds_per_unit.median
    median_text = "-" if median is None else _("{seconds} s").format(seconds=_number(median))
    tiles = [
        (_number(current.units), _("units decided")),
        (_number(current.units_per_hour), _("units per hour")),
        (median_text, _("median per unit")),
        (_number(current.overrides), overrides),
        (_number(current.restocked_units), _("restocked")),
        (arrival_text, _("median arrival to decision")),
        (_number(summary.waiting.count), _("waiting > limit")),
    ]
    width = BODY_WIDTH / len(tiles)
    # One size for every number, the largest at which the widest fits its tile on one line.
    widest = max(pdfmetrics.stringWidth(value, st.bold, 1) for value, _caption in tiles)
    size = min(TILE_POINTS, (width - 2 * TILE_PADDING - 2) / widest)
    big = ParagraphStyle(
        "big", parent=st.body, fontName=st.bold, fontSize=size, leading=TILE_POINTS * 1.2, alignment=1
    )
    caption = ParagraphStyle("caption", parent=st.small, alignment=1)
    cells = [[_p(value, big) for value, _text in tiles], [_p(text, caption) for _value, text in tiles]]
    table = Table(cells, colWidths=[width] * len(tiles))
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), STRIPE),
                ("LINEAFTER", (0, 0), (-2, -1), 2, colors.white),
                ("TOPPADDING", (0, 0), (-1, 0), 6),
                ("BOTTOMPADDING", (0, -1), (-1, -1), 6),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), TILE_PADDING),
                ("RIGHTPADDING", (0, 0), (-1, -1), TILE_PADDING),
            ]
        )
    )
    return table


def _header_lines(text: str, width: float, font: str, size: float) -> str:
    """The header with line breaks so that it fits ``width``, breaking only between words."""
    lines, line = [], ""
    for part in breakable(text):
        if line and pdfmetrics.stringWidth(line + part, font, size) > width:
            lines.append(line.rstrip())
            line = part
        else:
            line += part
    lines.append(line.rstrip())
    return "<br/>".join(escape(visual_order(x)) for x in lines)


def _column_widths(header: Sequence[str], rows: Sequence[Sequence[str]], st: _Styles) -> list[float]:
    """Widths from the text itself: each column as wide as its widest cell or header, headers wrapping
    between words when the table would not fit, and any room left shared out."""
    size = 8

    def width(text: str, font: str) -> float:
        return pdfmetrics.stringWidth(text, font, size) + 2 * CELL_PADDING + 1

    cells = [max((width(r[c], st.regular) for r in rows), default=0) for c in range(len(header))]
    full = [max(cells[c], width(h, st.bold)) for c, h in enumerate(header)]
    least = [max(cells[c], *(width(w, st.bold) for w in breakable(h))) for c, h in enumerate(header)]
    widths = list(full)
    excess = sum(widths) - BODY_WIDTH
    if excess > 0:
        slack = [f - m for f, m in zip(full, least, strict=True)]
        total_slack = sum(slack) or 1
        widths = [f - min(excess, total_slack) * s / total_slack for f, s in zip(full, slack, strict=True)]
    # Shared out when there is room, squeezed (cells wrap) when even the narrowest does not fit.
    return [w * BODY_WIDTH / sum(widths) for w in widths]


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], st: _Styles) -> Table:
    """A table with a repeated header row, zebra rows and numbers (and their headers) right-aligned."""
    widths = _column_widths(header, rows, st)
    numeric = [c > 0 and any(_numeric(r[c]) for r in rows) for c in range(len(header))]
    head_left = ParagraphStyle("head", parent=st.cell, fontName=st.bold, textColor=colors.white)
    head_right = ParagraphStyle("head_right", parent=head_left, alignment=2)
    right = ParagraphStyle("right", parent=st.cell, alignment=2)
    data: list[list[Any]] = [
        [
            Paragraph(
                _header_lines(h, widths[c] - 2 * CELL_PADDING, st.bold, 8),
                head_right if numeric[c] else head_left,
            )
            for c, h in enumerate(header)
        ]
    ]
    for row in rows:
        data.append([_p(cell, right if numeric[c] else st.cell) for c, cell in enumerate(row)])
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    style: list[tuple[Any, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), INK),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LINEBELOW", (0, -1), (-1, -1), 0.6, RULE),
    ]
    for r in range(2, len(data), 2):
        style.append(("BACKGROUND", (0, r), (-1, r), STRIPE))
    table.setStyle(TableStyle(style))
    return table


def _numeric(cell: str) -> bool:
    return bool(cell) and cell.replace(".", "").replace("-", "").replace("%", "").replace(",", "").isdigit()


def _section(
    name: str, title: str, header: Sequence[str], rows: Sequence[Sequence[str]], st: _Styles, empty: str
) -> list[Any]:
    parts: list[Any] = [CondPageBreak(40 * mm), _p(title, st.heading)]
    if not rows:
        return [*parts, _p(empty, st.small)]
    parts.append(_table(header, rows[:MAX_PDF_ROWS], st))
    if len(rows) > MAX_PDF_ROWS:
        more = len(rows) - MAX_PDF_ROWS
        parts.append(
            _p(
                _("and {more} more rows: rmadesk summary --format csv --table {name}").format(
                    more=f"{more:,}", name=name
                ),
                st.small,
            )
        )
    return parts


def _story(summary: Summary, site: str, st: _Styles) -> list[Any]:
    tables = summary_tables(summary)
    current = summary.current
    generated = summary.generated_at.astimezone(summary.tz)
    story: list[Any] = [
        _p(site, st.site),
        _p(_("Returns summary: {label}").format(label=summary.label), st.title),
        _p(
            _("{range}, {elapsed} h so far of {hours} h").format(
                range=_local_range(summary),
                elapsed=_number(float(summary.elapsed_hours)),
                hours=_number((summary.end - summary.start).total_seconds() / 3600),
            ),
            st.body,
        ),
        _p(
            _("{range}. Generated {generated} ({zone}) by RMA Desk {version}.").format(
                range=_utc_range(summary),
                generated=f"{generated:%Y-%m-%d %H:%M}",
                zone=summary.tz_name,
                version=__version__,
            ),
            st.small,
        ),
        Spacer(1, 5 * mm),
        _tiles(summary, st),
        Spacer(1, 3 * mm),
    ]
    money = ", ".join(f"{money_text(a)} {c}" for c, a in current.reimbursement_total.items()) or _("none")
    story.append(_p(_("Expected reimbursement: {money}.").format(money=money), st.body))
    story.append(
        _p(
            _("Waiting: {count} authorizations ({units} units) {span} are not fully decided.").format(
                count=summary.waiting.count,
                units=summary.waiting.undecided_units,
                span=waiting_span(summary.waiting),
            ),
            st.body,
        )
    )
    if summary.alerts:
        lines = [
            _("{sku}: {reason} in {count} of {returns} returns ({share})").format(
                sku=a.sku, reason=a.reason, count=a.count, returns=a.returns, share=f"{a.share * 100:.0f}%"
            )
            for a in summary.alerts
        ]
        box = Table(
            [
                [_p(_("Alerts: one reason again and again"), st.alert)],
                *[[_p(line, st.body)] for line in lines[:8]],
            ],
            colWidths=[BODY_WIDTH],
        )
        box.setStyle(
            TableStyle(
                [("BACKGROUND", (0, 0), (-1, -1), ALERT_BG), ("LINEBEFORE", (0, 0), (0, -1), 3, ALERT)]
            )
        )
        story += [Spacer(1, 3 * mm), box]
        if len(lines) > 8:
            story.append(
                _p(_("and {more} more: see the table of alerts.").format(more=len(lines) - 8), st.small)
            )
    disposition_labels = [Disposition(d).label for d in DISPOSITIONS]
    disposition_chart = bar_chart(
        _("Units by disposition"),
        disposition_labels,
        [current.by_disposition[d] for d in DISPOSITIONS],
        BODY_WIDTH * 0.32,
        62 * mm,
        st.regular,
        st.bold,
        bar_colours=[DISPOSITION_COLOURS[d] for d in DISPOSITIONS],
    )
    hours = hour_chart(summary, BODY_WIDTH * 0.66, 62 * mm, st.regular, st.bold)
    charts = Table([[disposition_chart, hours]], colWidths=[BODY_WIDTH * 0.34, BODY_WIDTH * 0.66])
    charts.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [Spacer(1, 5 * mm), charts]
    paretos = [
        pareto_chart(summary, i, BODY_WIDTH * 0.49, 62 * mm, st.regular, st.bold)
        for i in range(min(2, len(summary.top_reasons_by_sku)))
    ]
    if paretos:
        row = Table([paretos + [""] * (2 - len(paretos))], colWidths=[BODY_WIDTH * 0.5] * 2)
        row.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0)]))
        story += [Spacer(1, 4 * mm), KeepTogether(row)]
    header, rows = tables["comparison"]
    story += _section(
        "comparison",
        _("{title}: {label}").format(title=_(TABLE_TITLES["comparison"]), label=summary.previous_label),
        header,
        rows,
        st,
        _("Nothing to compare."),
    )
    empty = {
        "inspectors": _("No decisions in this window."),
        "benches": _("No decisions in this window."),
        "reimbursement": _("No reimbursement expected."),
        "restocked": _("Nothing restocked."),
        "reasons": _("No returns decided in this window."),
        "waiting": _("Nothing is waiting."),
    }
    for name in LATER_TABLES:
        header, rows = tables[name]
        story += _section(name, _(TABLE_TITLES[name]), header, rows, st, empty[name])
    if summary.alerts:
        header, rows = tables["alerts"]
        story += _section("alerts", _(TABLE_TITLES["alerts"]), header, rows, st, "")
    return story


def pdf_bytes(summary: Summary, *, site: str) -> bytes:
    """The report (A4) as the bytes of a PDF file."""
    st = _Styles()
    site = site.strip() or "RMA Desk"
    out = io.BytesIO()
    footer = f"{site} · {summary.label} · {_local_range(summary)}"

    def on_page(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(st.regular, 7)
        canvas.setFillColor(MUTED)
        page = visual_order(_("page {number}").format(number=doc.page))
        shown_footer = visual_order(footer)
        if right_to_left():  # the footer starts at the right edge, the page number ends at the left
            shown_footer, page = page, shown_footer
        canvas.drawString(MARGIN, 9 * mm, shown_footer)
        canvas.drawRightString(PAGE_WIDTH - MARGIN, 9 * mm, page)
        canvas.setStrokeColor(RULE)
        canvas.line(MARGIN, 12 * mm, PAGE_WIDTH - MARGIN, 12 * mm)
        canvas.restoreState()

    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=18 * mm,
        title=_("Returns summary: {label}").format(label=summary.label),
        author=site,
        subject=_local_range(summary),
        creator=f"RMA Desk {__version__}",
    )
    doc.build(_story(summary, site, st), onFirstPage=on_page, onLaterPages=on_page)
    return out.getvalue()
