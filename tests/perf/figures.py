"""One measured figure of a benchmark, as the benchmarks return them to be printed in one table."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    """A median of several runs.

    Attributes:
        name: what was measured.
        value: the median.
        unit: "ms", "rows/s", ...
        floor: the raw figure of the same work measured in the same run, when there is one.
        spread: the largest minus the smallest of the runs, in the same unit.
    """

    name: str
    value: float
    unit: str
    floor: float | None = None
    spread: float = 0.0
