"""Benchmark figures (the project's time, the raw floor it is compared with) and their markdown tables."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    """One measured figure.

    Attributes:
        name: what was measured, e.g. "scan lookup".
        value: the median of the runs (or the percentile the name says), in ``unit``.
        unit: "ms", "rows/s", "MB", "% of a core", ...; a unit ending in "/s" is a rate (more is better).
        floor: the raw floor measured in the same run, in the same unit, when there is one.
        spread: half the range of the runs, in ``unit`` (0 for a single run).
    """

    name: str
    value: float
    unit: str
    floor: float | None = None
    spread: float = 0.0


@dataclass(frozen=True)
class Target:
    """A figure's target: at most ``limit`` times its floor (ratio) or at most ``limit`` in its unit."""

    limit: float
    ratio: bool = False
    at_least: bool = False

    def describe(self, unit: str) -> str:
        if self.ratio:
            return f"≤ {self.limit:g}× floor"
        return f"{'≥' if self.at_least else '≤'} {self.limit:g} {unit}"


def from_samples(name: str, samples: Sequence[float], unit: str, floor: float | None = None) -> Figure:
    """The median of the samples, with half their range as the spread."""
    return Figure(name, statistics.median(samples), unit, floor, (max(samples) - min(samples)) / 2)


def percentile(samples: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (share 0.99 for p99) of the samples."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def is_rate(unit: str) -> bool:
    return unit.endswith("/s")


def ratio(figure: Figure) -> float | None:
    """How many times the floor's cost the project's costs (a rate compares the other way round)."""
    if figure.floor is None or figure.floor <= 0 or figure.value <= 0:
        return None
    return figure.floor / figure.value if is_rate(figure.unit) else figure.value / figure.floor


# Targets from issue 13, matched by the start of a figure's name (the first match wins).
TARGETS: tuple[tuple[str, dict[str, Target]], ...] = (
    ("scan lookup", {"": Target(3, ratio=True)}),
    ("scan open", {"sqlite": Target(1.0)}),
    ("scan to card p99", {"": Target(50)}),
    ("decision commit p50", {"": Target(3, ratio=True)}),
    ("decision commit p99", {"sqlite": Target(20), "postgresql": Target(30)}),
    ("import", {"": Target(3, ratio=True)}),
    ("fresh import", {"": Target(3, ratio=True)}),
    ("shift summary", {"": Target(3, ratio=True)}),
    ("30-day summary", {"": Target(3, ratio=True)}),
    ("browser first page", {"": Target(50)}),
    ("browser", {"": Target(100)}),
    ("cold start", {"": Target(1.0)}),
    ("peak RSS", {"": Target(300)}),
    ("idle CPU", {"": Target(0.5)}),
)


def target_of(name: str, dialect: str) -> Target | None:
    for prefix, by_dialect in TARGETS:
        if name.startswith(prefix):
            return by_dialect.get(dialect, by_dialect.get(""))
    return None


def met(figure: Figure, target: Target | None) -> bool | None:
    if target is None:
        return None
    if target.ratio:
        r = ratio(figure)
        return None if r is None else r <= target.limit
    return figure.value >= target.limit if target.at_least else figure.value <= target.limit


def number(value: float) -> str:
    """A figure's value with a sensible number of digits: 0.123, 12.3, 1,234."""
    if value == 0:
        return "0"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    if abs(value) >= 100:
        return f"{value:.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    if abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def _with_spread(figure: Figure) -> str:
    text = f"{number(figure.value)} {figure.unit}"
    return text + (f" ± {number(figure.spread)}" if figure.spread else "")


def table(measured: Iterable[tuple[str, Figure]]) -> str:
    """The markdown table of (database, figure) pairs: time, floor, ratio, target and whether it is met."""
    lines = [
        "| database | figure | project (median ± spread) | raw floor | ratio | target | met |",
        "|---|---|---|---|---|---|---|",
    ]
    for dialect, figure in measured:
        target = target_of(figure.name, dialect)
        r = ratio(figure)
        ok = met(figure, target)
        lines.append(
            "| "
            + " | ".join(
                (
                    dialect,
                    figure.name,
                    _with_spread(figure),
                    "—" if figure.floor is None else f"{number(figure.floor)} {figure.unit}",
                    "—" if r is None else f"{r:.1f}×",
                    "—" if target is None else target.describe(figure.unit),
                    "—" if ok is None else ("yes" if ok else "**no**"),
                )
            )
            + " |"
        )
    return "\n".join(lines)


def growth_table(rows: Iterable[tuple[str, int, Sequence[Figure]]]) -> str:
    """The markdown table of how figures grow with the database: (database, size, figures) per row."""
    rows = list(rows)
    names: list[str] = []
    for _dialect, _size, figures in rows:
        names.extend(f.name for f in figures if f.name not in names)
    lines = [
        "| database | authorizations | " + " | ".join(names) + " |",
        "|---|---:|" + "---:|" * len(names),
    ]
    for dialect, size, figures in rows:
        by_name = {f.name: f for f in figures}
        cells = []
        for name in names:
            f = by_name.get(name)
            if f is None:
                cells.append("—")
            else:
                r = ratio(f)
                cells.append(_with_spread(f) + (f" ({r:.1f}×)" if r is not None else ""))
        lines.append(f"| {dialect} | {size:,} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
