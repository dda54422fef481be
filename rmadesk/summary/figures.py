"""The figures of a summary: frozen results, built by the queries and read by the renderers and the views."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from decimal import ROUND_HALF_UP, Decimal

from rmadesk.store.models import DISPOSITIONS

# The figures


@dataclass(frozen=True)
class InspectorFigures:
    """What one inspector did in the window.

    Attributes:
        units_per_hour: units over the window's elapsed hours.
        active_hours: first scan (or decision) to last decision of this inspector in the window.
        median_seconds: median of decided_at - scanned_at over the units with a scan time.
        overrides: units decided otherwise than the walk-through recommended.
    """

    inspector: str
    units: int
    by_disposition: Mapping[str, int]
    units_per_hour: Decimal | None
    active_hours: Decimal | None
    units_per_active_hour: Decimal | None
    median_seconds: float | None
    overrides: int
    override_share: Decimal | None


@dataclass(frozen=True)
class BenchFigures:
    """Units decided on one bench."""

    bench: str
    units: int
    by_disposition: Mapping[str, int]


@dataclass(frozen=True)
class HourCount:
    """Units decided in one local clock hour (two hours share a label the night the clocks go back).

    Attributes:
        start: the hour's start, aware UTC.
        local_start: the same instant in the summary's zone.
    """

    start: datetime
    local_start: datetime
    units: int


@dataclass(frozen=True)
class ComponentTotal:
    """Expected reimbursement of one component (sale price, fee part, tax...) in one currency."""

    component: str
    currency: str
    amount: Decimal


@dataclass(frozen=True)
class RestockCount:
    """Units put back into sellable stock, per SKU and location."""

    sku: str
    location: str
    units: int


@dataclass(frozen=True)
class DurationStats:
    """Median and average of a duration over some units, in hours or seconds as named."""

    count: int
    median: float | None
    average: float | None


@dataclass(frozen=True)
class WaitingAuthorization:
    """An authorization requested long ago with units still undecided."""

    auth_id: int
    display_id: str
    sku: str
    request_date: date
    units: int
    undecided: int
    waiting_hours: float


@dataclass(frozen=True)
class Waiting:
    """Authorizations requested on or before ``requested_on_or_before`` (its local midnight plus the
    limit is past) and, unless None, on or after ``requested_since``, with a unit undecided at ``as_of``."""

    count: int
    undecided_units: int
    requested_on_or_before: date
    requested_since: date | None
    as_of: datetime
    oldest: tuple[WaitingAuthorization, ...]


@dataclass(frozen=True)
class ReasonShare:
    """One line of a SKU's Pareto list."""

    reason: str
    count: int
    share: Decimal
    cumulative_share: Decimal


@dataclass(frozen=True)
class SkuReasons:
    """A SKU's return reasons, most frequent first; ``returns`` counts all its authorizations."""

    sku: str
    returns: int
    reasons: tuple[ReasonShare, ...]

    @property
    def other(self) -> int:
        """Returns whose reasons are past the ones listed."""
        return self.returns - sum(r.count for r in self.reasons)


@dataclass(frozen=True)
class ReasonAlert:
    """A SKU whose returns repeat one reason: ``count`` of its ``returns`` give ``reason``."""

    sku: str
    reason: str
    count: int
    returns: int
    share: Decimal


@dataclass(frozen=True)
class WindowFigures:
    """The main figures of one window, computed the same way for this window and the one before."""

    start: datetime
    end: datetime
    hours: Decimal
    units: int
    by_disposition: Mapping[str, int]
    units_per_hour: Decimal | None
    seconds_per_unit: DurationStats
    overrides: int
    override_share: Decimal | None
    restocked_units: int
    reimbursement_total: Mapping[str, Decimal]
    arrival_to_decision_hours: DurationStats


@dataclass(frozen=True)
class Delta:
    """One figure in this window and the previous one; ``change`` is this minus previous."""

    figure: str
    current: Decimal | None
    previous: Decimal | None
    is_money: bool = False

    @property
    def change(self) -> Decimal | None:
        if self.current is None or self.previous is None:
            return None
        return self.current - self.previous

    @property
    def change_percent(self) -> Decimal | None:
        if self.change is None or not self.previous:
            return None
        return (self.change * 100 / self.previous).quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass(frozen=True)
class Summary:
    """Everything a supervisor reads about a window of time.

    Attributes:
        start / end: the window, aware UTC, end excluded.
        tz_name: the zone the local figures (hours, labels) are in.
        elapsed_hours: the part of the window already past at ``generated_at`` (throughput's divisor).
        units_by_hour: every local hour of the window (zeros included for windows up to a month).
        units_by_hour_of_day: units per local clock hour 0-23, summed over the days of the window.
        top_reasons_by_sku: the SKUs with most returns, over the authorizations with at least one
            current outcome decided in the window (each authorization counted once).
        alerts: every SKU of that set (listed or not) with one reason at or over the thresholds.
        previous: the same figures for the window compared against.
    """

    label: str
    start: datetime
    end: datetime
    tz_name: str
    generated_at: datetime
    elapsed_hours: Decimal
    current: WindowFigures
    inspectors: tuple[InspectorFigures, ...]
    benches: tuple[BenchFigures, ...]
    units_by_hour: tuple[HourCount, ...]
    units_by_hour_of_day: tuple[int, ...]
    reimbursement_by_component: tuple[ComponentTotal, ...]
    restocked: tuple[RestockCount, ...]
    waiting: Waiting
    skus_returned: int
    returns: int
    top_reasons_by_sku: tuple[SkuReasons, ...]
    alerts: tuple[ReasonAlert, ...]
    alert_share: Decimal
    alert_min_count: int
    previous_label: str
    previous: WindowFigures
    tz: tzinfo = field(repr=False, compare=False, default=UTC)

    @property
    def units(self) -> int:
        return self.current.units

    @property
    def units_by_disposition(self) -> Mapping[str, int]:
        return self.current.by_disposition

    @property
    def units_by_inspector(self) -> dict[str, int]:
        return {i.inspector: i.units for i in self.inspectors}

    @property
    def units_by_bench(self) -> dict[str, int]:
        return {b.bench: b.units for b in self.benches}

    @property
    def reimbursement_total(self) -> Mapping[str, Decimal]:
        return self.current.reimbursement_total

    @property
    def deltas(self) -> tuple[Delta, ...]:
        return compare(self.current, self.previous)


def compare(current: WindowFigures, previous: WindowFigures) -> tuple[Delta, ...]:
    """Each figure of a window beside the same figure of the window it is compared with."""

    def dec(value: float | int | Decimal | None) -> Decimal | None:
        return None if value is None else Decimal(str(value))

    rows = [
        Delta("units", dec(current.units), dec(previous.units)),
        *(
            Delta(
                f"units {d.replace('_', '-')}",
                dec(current.by_disposition[d]),
                dec(previous.by_disposition[d]),
            )
            for d in DISPOSITIONS
        ),
        Delta("units per hour", current.units_per_hour, previous.units_per_hour),
        Delta(
            "median seconds per unit",
            dec(current.seconds_per_unit.median),
            dec(previous.seconds_per_unit.median),
        ),
        Delta("overrides", dec(current.overrides), dec(previous.overrides)),
        Delta("override share", current.override_share, previous.override_share),
        Delta("restocked units", dec(current.restocked_units), dec(previous.restocked_units)),
        Delta(
            "median hours arrival to decision",
            dec(current.arrival_to_decision_hours.median),
            dec(previous.arrival_to_decision_hours.median),
        ),
    ]
    for currency in sorted(set(current.reimbursement_total) | set(previous.reimbursement_total)):
        rows.append(
            Delta(
                f"reimbursement {currency}",
                current.reimbursement_total.get(currency, Decimal("0")),
                previous.reimbursement_total.get(currency, Decimal("0")),
                is_money=True,
            )
        )
    return tuple(rows)


SHARE = Decimal("0.0001")
RATE = Decimal("0.01")


def ratio(numerator: int | Decimal, denominator: int | Decimal, exp: Decimal = SHARE) -> Decimal | None:
    """numerator / denominator to ``exp`` (a share to four places by default); None over zero."""
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(exp, ROUND_HALF_UP)


def empty_dispositions() -> dict[str, int]:
    return dict.fromkeys(DISPOSITIONS, 0)


def hours_between(start: datetime, end: datetime) -> Decimal:
    return Decimal((end - start).total_seconds()) / 3600
