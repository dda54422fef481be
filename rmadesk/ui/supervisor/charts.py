"""The supervisor view's charts (QtCharts): units by disposition, units by hour, a SKU's Pareto of reasons."""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCharts import (
    QAbstractBarSeries,
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, QPointF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPainter, QPen
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from rmadesk.domain.model import Disposition
from rmadesk.summary.figures import HourCount, SkuReasons, Summary
from rmadesk.text.i18n import N_, _
from rmadesk.ui.common.style import ERROR, INFO, scaled_font

INK = "#1c2430"
MUTED = "#546e7a"
GRID = "#e3e8ec"
PREVIOUS = "#a7b6c2"  # the comparison window: a quiet grey beside this window's blue
MAX_HOUR_BARS = 48  # past two days, the hours of the day are shown instead (as in the PDF report)
OTHER_REASONS = N_("other reasons")


LABEL_DIGITS = 72  # bars times digits of the largest value: up to 24 bars of 3 digits get labels
PARETO_LABEL_DIGITS = 4


def nice_top(peak: float, ticks: int = 4) -> tuple[float, float]:
    """A round axis top and step (1, 2, 5 x 10^n, whole numbers) so that ``ticks`` steps cover ``peak``."""
    if peak <= 0:
        return float(ticks), 1.0
    raw = peak / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    step = max(1.0, step)
    return step * math.ceil(peak / step), step


def hour_labels(hours: Sequence[HourCount]) -> list[str]:
    """One distinct label a bar: the hour, with the day past one day, with the zone when clocks go back."""
    days = {h.local_start.date() for h in hours}
    labels = [f"{h.local_start:%H}" if len(days) <= 1 else f"{h.local_start:%a %H}" for h in hours]
    if len(set(labels)) < len(labels):  # the night the clocks go back: 02 CEST, 02 CET
        labels = [
            f"{label} {h.local_start.tzname() or ''}".strip() for label, h in zip(labels, hours, strict=True)
        ]
    return labels


def sparse_labels(labels: list[str]) -> list[str]:
    """Every label when few; else every 3rd or 8th, the others blank (each a different run of spaces,
    as a category axis needs distinct names), so that the shown ones are not cut to "..."."""
    every = 1 if len(labels) <= 12 else 3 if len(labels) <= 26 else 8
    return [label if n % every == 0 else " " * (n + 1) for n, label in enumerate(labels)]


def short_reason(reason: str) -> str:
    """A reason code without the marketplace's common prefix, for a chart's axis."""
    for prefix in ("AMZ-PG-", "AMZ-"):
        if reason.startswith(prefix) and len(reason) > len(prefix):
            return reason[len(prefix) :]
    return reason


def scale_value_axis(axis: QValueAxis, peak: float) -> None:
    """Whole-number ticks from 0 to a round top over ``peak``."""
    top, step = nice_top(peak)
    # Fixed ticks while range and step change: with dynamic ticks, a range of 200,000 set before the
    # old step of 1 is replaced would lay out 200,000 ticks (the window froze, from a shift to a week).
    axis.setTickType(QValueAxis.TickType.TicksFixed)
    axis.setRange(0, top)
    axis.setTickAnchor(0)
    axis.setTickInterval(step)
    axis.setTickType(QValueAxis.TickType.TicksDynamic)
    axis.setLabelFormat("%d")


def _colour_bars(bar_set: QBarSet, colour: str, label: str = INK) -> None:
    bar_set.setColor(QColor(colour))
    bar_set.setBorderColor(QColor(colour))
    bar_set.setLabelColor(QColor(label))


class SummaryChart(QChartView):
    """A light chart with large, dark type; ``set_points`` scales every font of it."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        self.chart_ = QChart()
        super().__init__(self.chart_, parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_.setTheme(QChart.ChartTheme.ChartThemeLight)
        self.chart_.setBackgroundRoundness(8)
        self.chart_.setMargins(QMargins(6, 6, 6, 6))
        self.chart_.setTitle(title)
        self.chart_.setTitleBrush(QBrush(QColor(INK)))
        self.chart_.legend().setLabelColor(QColor(INK))
        self.points = 11.0
        self.setMinimumHeight(220)

    def _style_axis(self, axis: QValueAxis | QBarCategoryAxis) -> None:
        axis.setLabelsColor(QColor(INK))
        axis.setGridLineColor(QColor(GRID))
        axis.setLinePenColor(QColor(MUTED))
        axis.setLabelsFont(scaled_font(self.font(), self.points * 0.9))
        axis.setTitleBrush(QBrush(QColor(MUTED)))
        axis.setTitleFont(scaled_font(self.font(), self.points * 0.85))

    def set_points(self, points: float) -> None:
        self.points = points
        self.chart_.setTitleFont(scaled_font(self.font(), points * 1.1, bold=True))
        self.chart_.legend().setFont(scaled_font(self.font(), points * 0.9))
        for axis in self.chart_.axes():
            if isinstance(axis, QValueAxis | QBarCategoryAxis):
                self._style_axis(axis)
        for series in self.chart_.series():
            if isinstance(series, QAbstractBarSeries):
                for bar_set in series.barSets():
                    bar_set.setLabelFont(scaled_font(self.font(), points * 0.95, bold=True))


class DispositionChart(SummaryChart):
    """Units by disposition as horizontal bars (names read in full on the left), this window over the
    one it is compared with.

    Attributes:
        current / previous: the bar sets; one value per disposition, in the order of Disposition.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_("Units by disposition"), parent)
        self.series = QHorizontalBarSeries()
        # Horizontal bars are drawn from the bottom up: the sets and categories go in reverse.
        self.previous = QBarSet(_("Before"))
        self.current = QBarSet(_("This window"))
        for bar_set in (self.previous, self.current):
            bar_set.append([0.0] * len(Disposition))
            self.series.append(bar_set)
        self.series.setLabelsVisible(True)
        self.series.setLabelsPosition(QAbstractBarSeries.LabelsPosition.LabelsOutsideEnd)
        self.series.setLabelsFormat("@value")
        self.series.setBarWidth(0.8)
        self.chart_.addSeries(self.series)  # the theme colours series as they are added: colour after
        _colour_bars(self.current, INFO)
        _colour_bars(self.previous, PREVIOUS)
        self.axis_y = QBarCategoryAxis()
        self.axis_y.append([d.label for d in reversed(Disposition)])
        self.axis_x = QValueAxis()
        self.chart_.addAxis(self.axis_y, Qt.AlignmentFlag.AlignLeft)
        self.chart_.addAxis(self.axis_x, Qt.AlignmentFlag.AlignBottom)
        self.series.attachAxis(self.axis_y)
        self.series.attachAxis(self.axis_x)
        self.chart_.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.chart_.legend().setReverseMarkers(True)
        scale_value_axis(self.axis_x, 0)
        self.set_points(self.points)

    def values(self) -> dict[str, tuple[float, float]]:
        """Disposition -> (this window, the window before)."""
        count = len(Disposition)
        return {
            d.value: (self.current.at(count - 1 - n), self.previous.at(count - 1 - n))
            for n, d in enumerate(Disposition)
        }

    def show_summary(self, summary: Summary, name: str, versus: str) -> None:
        peak = 0
        for n, disposition in enumerate(reversed(Disposition)):
            now, before = (
                summary.current.by_disposition[disposition],
                summary.previous.by_disposition[disposition],
            )
            self.current.replace(n, now)
            self.previous.replace(n, before)
            peak = max(peak, now, before)
        self.current.setLabel(name)
        self.previous.setLabel(versus[:1].upper() + versus[1:])
        scale_value_axis(self.axis_x, peak * 1.15)


class HourChart(SummaryChart):
    """Units decided per local hour of the window (hours of the day past two days).

    Attributes:
        bars: the bar set; one value per category of ``axis_x``.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(_("Units by hour"), parent)
        self.series = QBarSeries()
        self.bars = QBarSet(_("Units"))
        self.series.append(self.bars)
        self.series.setBarWidth(0.75)
        self.series.setLabelsVisible(True)
        self.series.setLabelsPosition(QAbstractBarSeries.LabelsPosition.LabelsOutsideEnd)
        self.series.setLabelsFormat("@value")
        self.chart_.addSeries(self.series)
        _colour_bars(self.bars, INFO)
        self.axis_x = QBarCategoryAxis()
        self.axis_y = QValueAxis()
        self.chart_.addAxis(self.axis_x, Qt.AlignmentFlag.AlignBottom)
        self.chart_.addAxis(self.axis_y, Qt.AlignmentFlag.AlignLeft)
        self.series.attachAxis(self.axis_x)
        self.series.attachAxis(self.axis_y)
        self.chart_.legend().hide()
        scale_value_axis(self.axis_y, 0)
        self.set_points(self.points)

    def values(self) -> list[float]:
        return [self.bars.at(i) for i in range(self.bars.count())]

    def show_summary(self, summary: Summary) -> None:
        if 0 < len(summary.units_by_hour) <= MAX_HOUR_BARS:
            labels = hour_labels(summary.units_by_hour)
            values = [h.units for h in summary.units_by_hour]
            self.chart_.setTitle(_("Units by hour (local time)"))
        else:
            labels = [f"{h:02d}" for h in range(24)]
            values = list(summary.units_by_hour_of_day)
            self.chart_.setTitle(_("Units by hour of the day (local time, all days)"))
        # Labels on many thin bars, or long numbers on two dozen, would overlap; the table has them.
        self.series.setLabelsVisible(len(values) * len(str(max(values, default=0))) <= LABEL_DIGITS)
        if self.bars.count():
            self.bars.remove(0, self.bars.count())
        self.axis_x.setCategories(sparse_labels(labels))
        self.bars.append([float(v) for v in values])
        scale_value_axis(self.axis_y, max(values, default=0) * 1.15)


class ParetoChart(QWidget):
    """One SKU's return reasons, most frequent first, with the cumulative share on a second axis.

    Reasons that raise an alert are drawn in red.

    Attributes:
        sku_combo: the SKUs of the window's Pareto list; the chosen one is kept across refreshes.
        bars: the reasons' counts; ``line``: the cumulative share in percent, one point per bar.

    Signals:
        sku_changed(str): another SKU is shown.
    """

    sku_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = SummaryChart(_("Return reasons"), self)
        chart = self.view.chart_
        self.series = QBarSeries()
        self.bars = QBarSet(_("Returns"))
        self.series.append(self.bars)
        self.series.setLabelsVisible(True)
        # At the foot of the bar: the cumulative line runs through the top of the first bars.
        self.series.setLabelsPosition(QAbstractBarSeries.LabelsPosition.LabelsInsideBase)
        self.series.setLabelsFormat("@value")
        self.line = QLineSeries()
        self.line.setName(_("Cumulative share"))
        chart.addSeries(self.series)
        chart.addSeries(self.line)
        _colour_bars(self.bars, INFO, label="white")
        self.bars.setSelectedColor(QColor(ERROR))
        self.line.setPen(QPen(QColor(INK), 2.5))
        self.line.setPointsVisible(True)
        self.line.setMarkerSize(9)
        self.axis_x = QBarCategoryAxis()
        self.axis_y = QValueAxis()
        self.axis_share = QValueAxis()
        self.axis_share.setRange(0, 108)  # room above 100% for the last point
        self.axis_share.setTickType(QValueAxis.TickType.TicksDynamic)
        self.axis_share.setTickAnchor(0)
        self.axis_share.setTickInterval(25)
        self.axis_share.setLabelFormat("%d%%")
        self.axis_share.setGridLineVisible(False)
        chart.addAxis(self.axis_x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(self.axis_y, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(self.axis_share, Qt.AlignmentFlag.AlignRight)
        self.series.attachAxis(self.axis_x)
        self.series.attachAxis(self.axis_y)
        self.line.attachAxis(self.axis_x)
        self.line.attachAxis(self.axis_share)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        scale_value_axis(self.axis_y, 0)

        self.sku_label = QLabel(_("SKU"))
        self.sku_combo = QComboBox()
        self.sku_combo.setMinimumContentsLength(18)
        self.sku_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.sku_combo.currentIndexChanged.connect(self._sku_picked)
        self.threshold = QLabel()
        self.threshold.setStyleSheet(f"color: {MUTED};")
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.sku_label)
        row.addWidget(self.sku_combo)
        row.addStretch(1)
        row.addWidget(self.threshold)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.view, 1)  # the chart's top level with the other charts'
        layout.addLayout(row)
        self._summary: Summary | None = None
        self.set_points(11.0)

    @property
    def sku(self) -> str | None:
        data = self.sku_combo.currentData()
        return data if isinstance(data, str) else None

    def values(self) -> list[float]:
        return [self.bars.at(i) for i in range(self.bars.count())]

    def cumulative(self) -> list[float]:
        return [round(p.y(), 2) for p in self.line.points()]

    def categories(self) -> list[str]:
        return list(self.axis_x.categories())

    def set_points(self, points: float) -> None:
        self.view.set_points(points)
        for widget in (self.sku_label, self.sku_combo, self.threshold):
            widget.setFont(scaled_font(self.font(), points * 0.95, bold=widget is self.sku_label))

    def show_summary(self, summary: Summary) -> None:
        """Fill the SKU list from the summary and draw the SKU shown before (else the first alerting one)."""
        self._summary = summary
        keep = self.sku
        alerting = {a.sku for a in summary.alerts}
        skus = [s.sku for s in summary.top_reasons_by_sku]
        self.sku_combo.blockSignals(True)
        self.sku_combo.clear()
        for s in summary.top_reasons_by_sku:
            mark = "  ⚠" if s.sku in alerting else ""
            self.sku_combo.addItem(f"{s.sku} ({s.returns}){mark}", s.sku)
        if keep in skus:
            chosen = skus.index(keep)
        else:
            chosen = next((n for n, sku in enumerate(skus) if sku in alerting), 0)
        self.sku_combo.setCurrentIndex(chosen if skus else -1)
        self.sku_combo.blockSignals(False)
        self.threshold.setText(
            _("Alert: one reason ≥ {percent}% of ≥ {count} returns").format(
                percent=f"{float(summary.alert_share) * 100:g}", count=summary.alert_min_count
            )
        )
        self._draw()

    def show_sku(self, sku: str) -> None:
        index = self.sku_combo.findData(sku)
        if index >= 0:
            self.sku_combo.setCurrentIndex(index)

    def _sku_picked(self, _index: int) -> None:
        self._draw()
        if self.sku is not None:
            self.sku_changed.emit(self.sku)

    def _draw(self) -> None:
        summary = self._summary
        found: SkuReasons | None = None
        if summary is not None and self.sku is not None:
            found = next((s for s in summary.top_reasons_by_sku if s.sku == self.sku), None)
        if self.bars.count():
            self.bars.remove(0, self.bars.count())
        if found is None:
            self.view.chart_.setTitle(_("Return reasons: no returns decided in this window"))
            self.axis_x.setCategories([])
            self.line.clear()
            scale_value_axis(self.axis_y, 0)
            return
        labels = [short_reason(r.reason) for r in found.reasons]
        counts = [r.count for r in found.reasons]
        shares = [float(r.cumulative_share) * 100 for r in found.reasons]
        if found.other:
            labels.append(_(OTHER_REASONS))
            counts.append(found.other)
            shares.append(100.0)
        self.view.chart_.setTitle(
            _("Return reasons: {sku} ({count} returns)").format(sku=found.sku, count=found.returns)
        )
        # A count inside its bar's base: past four digits it no longer fits (the table has it).
        self.series.setLabelsVisible(len(str(max(counts, default=0))) <= PARETO_LABEL_DIGITS)
        self.axis_x.setCategories(labels)
        self.bars.append([float(c) for c in counts])
        assert summary is not None
        alerting = {a.reason for a in summary.alerts if a.sku == found.sku}
        self.bars.deselectAllBars()
        self.bars.selectBars([n for n, r in enumerate(found.reasons) if r.reason in alerting])
        self.line.replace([QPointF(n, share) for n, share in enumerate(shares)])
        scale_value_axis(self.axis_y, max(counts, default=0) * 1.1)
