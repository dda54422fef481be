"""The charts of the PDF report (bars, Pareto lists, hours), drawn as ReportLab drawings."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from reportlab.graphics.shapes import Drawing, Line, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase import pdfmetrics

from rmadesk.summary.figures import Summary
from rmadesk.text.bidi import visual_order
from rmadesk.text.i18n import _

INK = colors.HexColor("#1d2430")
MUTED = colors.HexColor("#5b6575")
RULE = colors.HexColor("#c9ced6")
ACCENT = colors.HexColor("#1f5fa8")
ALERT = colors.HexColor("#b3261e")
MAX_HOUR_BARS = 48  # past two days, the hourly chart shows the hours of the day instead


def _nice_step(peak: float, ticks: int = 4) -> float:
    """A round gridline step (1, 2, 5 x 10^n) so that ``ticks`` steps cover ``peak``."""
    raw = max(peak, 1) / ticks
    magnitude = 10 ** len(str(int(raw))) / 10 if raw >= 1 else 1
    for factor in (1, 2, 5, 10):
        if factor * magnitude >= raw:
            return max(1.0, factor * magnitude)
    return raw


def _text(
    d: Drawing, x: float, y: float, text: str, font: str, size: float, colour: Any, anchor: str = "start"
) -> None:
    shown = visual_order(text)
    d.add(String(x, y, shown, fontName=font, fontSize=size, fillColor=colour, textAnchor=anchor))


def _fit(text: str, width: float, font: str, size: float) -> str:
    """The text, cut with an ellipsis where it would be wider than ``width``."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while len(text) > 1 and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def _label(d: Drawing, x: float, y: float, label: str, width: float, font: str, size: float = 6.5) -> None:
    """A label centred under a bar, on two lines (broken between words) when one is too wide."""
    if pdfmetrics.stringWidth(label, font, size) <= width:
        _text(d, x, y, label, font, size, MUTED, "middle")
        return
    # Reason codes are words joined by underscores: a line may break after one.
    parts = breakable(label.replace("_", "_ "))
    first = ""
    while parts and pdfmetrics.stringWidth((first + parts[0]).replace("_ ", "_"), font, size) <= width:
        first += parts.pop(0)
    if not first:
        first = parts.pop(0)
    lines = [first, "".join(parts)]
    for n, line in enumerate(lines):
        text = _fit(line.replace("_ ", "_").strip(), width, font, size)
        if text:
            _text(d, x, y - n * (size + 1.5), text, font, size, MUTED, "middle")


def _grid(
    d: Drawing, left: float, bottom: float, plot_w: float, plot_h: float, peak: int, font: str
) -> float:
    """Horizontal gridlines at round steps with their values; returns the value at the top of the plot."""
    step = _nice_step(peak)
    scale_top = step * max(1, -(-peak // step)) if peak else step * 4
    tick = 0.0
    while tick <= scale_top + 1e-9:
        y = bottom + plot_h * tick / scale_top
        d.add(Line(left, y, left + plot_w, y, strokeColor=RULE, strokeWidth=0.4))
        _text(d, left - 3, y - 2.5, f"{tick:g}", font, 6.5, MUTED, "end")
        tick += step
    return scale_top


def _bars(
    d: Drawing,
    left: float,
    bottom: float,
    plot_w: float,
    plot_h: float,
    scale_top: float,
    labels: Sequence[str],
    values: Sequence[int],
    bar_colours: Sequence[Any],
    font: str,
) -> list[float]:
    """Bars with their value (inside the top of a tall bar, above a short one) and thinned labels;
    returns the x of each bar's centre."""
    slot = plot_w / max(len(values), 1)
    every = max(1, -(-len(values) // 16))  # at most 16 labels fit under the bars
    centres = []
    for i, value in enumerate(values):
        bar_h = plot_h * value / scale_top
        x = left + i * slot + slot * 0.15
        centre = x + slot * 0.35
        centres.append(centre)
        d.add(Rect(x, bottom, slot * 0.7, bar_h, fillColor=bar_colours[i], strokeColor=None))
        if value and pdfmetrics.stringWidth(str(value), font, 6.5) <= slot * 0.7:
            inside = bar_h >= 14
            y = bottom + bar_h - 9 if inside else bottom + bar_h + 2
            _text(d, centre, y, str(value), font, 6.5, colors.white if inside else INK, "middle")
        if i % every == 0:
            _label(d, centre, bottom - 9, labels[i], slot * every * 0.88, font)
    d.add(Line(left, bottom, left + plot_w, bottom, strokeColor=MUTED, strokeWidth=0.6))
    return centres


def bar_chart(
    title: str,
    labels: Sequence[str],
    values: Sequence[int],
    width: float,
    height: float,
    font: str,
    bold: str,
    *,
    bar_colours: Sequence[Any] | None = None,
) -> Drawing:
    """Vertical bars on a light grid, with a title."""
    d = Drawing(width, height)
    _text(d, 0, height - 10, title, bold, 9, INK)
    left, bottom, top = 26.0, 28.0, height - 20
    plot_w, plot_h = width - left - 4, top - bottom
    scale_top = _grid(d, left, bottom, plot_w, plot_h, max(values, default=0), font)
    _bars(
        d,
        left,
        bottom,
        plot_w,
        plot_h,
        scale_top,
        labels,
        values,
        bar_colours or [ACCENT] * len(values),
        font,
    )
    return d


def pareto_chart(summary: Summary, index: int, width: float, height: float, font: str, bold: str) -> Drawing:
    """One SKU's reasons as bars, most frequent first, with the cumulative share as a line (right axis);
    a reason over the alert thresholds is drawn in red."""
    sku = summary.top_reasons_by_sku[index]
    d = Drawing(width, height)
    title = _("Return reasons: {sku} ({returns} returns)").format(sku=sku.sku, returns=sku.returns)
    _text(d, 0, height - 10, title, bold, 9, INK)
    left, right, bottom, top = 24.0, 26.0, 30.0, height - 20
    plot_w, plot_h = width - left - right, top - bottom
    labels = [r.reason for r in sku.reasons] + ([_("other")] if sku.other else [])
    counts = [r.count for r in sku.reasons] + ([sku.other] if sku.other else [])
    scale_top = _grid(d, left, bottom, plot_w, plot_h, max(counts, default=1), font)
    for pct in (0, 50, 100):
        _text(d, left + plot_w + 3, bottom + plot_h * pct / 100 - 2.5, f"{pct}%", font, 6.5, MUTED)
    alerting = {a.reason for a in summary.alerts if a.sku == sku.sku}
    palette = [ALERT if label in alerting else ACCENT for label in labels]
    centres = _bars(d, left, bottom, plot_w, plot_h, scale_top, labels, counts, palette, font)
    points: list[float] = []
    running = 0
    for centre, count in zip(centres, counts, strict=True):
        running += count
        points += [centre, bottom + plot_h * running / max(sku.returns, 1)]
    if len(points) >= 4:
        d.add(PolyLine(points, strokeColor=INK, strokeWidth=1.2))
    for i in range(0, len(points), 2):
        d.add(Rect(points[i] - 1.8, points[i + 1] - 1.8, 3.6, 3.6, fillColor=INK, strokeColor=colors.white))
    return d


def hour_chart(summary: Summary, width: float, height: float, font: str, bold: str) -> Drawing:
    if 0 < len(summary.units_by_hour) <= MAX_HOUR_BARS:
        hours = summary.units_by_hour
        days = {h.local_start.date() for h in hours}
        labels = [f"{h.local_start:%H}" if len(days) == 1 else f"{h.local_start:%d %H}h" for h in hours]
        return bar_chart(
            _("Units by hour (local time)"), labels, [h.units for h in hours], width, height, font, bold
        )
    labels = [f"{h:02d}" for h in range(24)]
    return bar_chart(
        _("Units by hour of the day (local time, all days)"),
        labels,
        list(summary.units_by_hour_of_day),
        width,
        height,
        font,
        bold,
    )


def breakable(text: str) -> list[str]:
    """A header cut where a line may break: after spaces, hyphens and slashes."""
    return [part for part in re.split(r"(?<=[ \-/])", text) if part]
