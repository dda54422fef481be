"""Shift summaries and return analytics, aggregated in the database, as text, CSV, JSON and PDF."""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TextIO

from sqlalchemy import (
    ColumnElement,
    Select,
    Subquery,
    and_,
    bindparam,
    case,
    cast,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
    text,
    tuple_,
    union_all,
)
from sqlalchemy.orm import Session
from sqlalchemy.types import Float, Integer

from rmadesk.domain.errors import UserError
from rmadesk.domain.model import Disposition
from rmadesk.domain.shifts import zone_name
from rmadesk.store import tally as tallies
from rmadesk.store.models import (
    DISPOSITIONS,
    Authorization,
    Outcome,
    ReimbursementLineRow,
    StockMovement,
    TallyComponent,
    TallyDuration,
    TallyGroup,
    TallyReason,
    TallyRestock,
    Unit,
)
from rmadesk.store.types import Money, UTCDateTime, utcnow
from rmadesk.store.uow import Store

BUCKET_SECONDS = 900  # every time zone's offset is a whole number of quarter hours
MAX_FILLED_HOURS = 31 * 24  # beyond a month, the hours table lists only hours with decisions
OLDEST_WAITING = 10
TOP_SKUS = 20
TOP_REASONS = 5
NO_REASON = "(no reason given)"
FORMATS = ("text", "csv", "json", "pdf")
_SHARE = Decimal("0.0001")
_RATE = Decimal("0.01")


# ----------------------------------------------------------------------------------------------
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
        return _deltas(self.current, self.previous)


# ----------------------------------------------------------------------------------------------
# SQL pieces that differ between SQLite and PostgreSQL

Window = tuple[datetime, datetime]

_MS_PER_DAY = 86_400_000


def _seconds_between(dialect: str, later: Any, earlier: Any) -> ColumnElement[float]:
    """later - earlier in seconds, as a float, on either database."""
    if dialect == "sqlite":
        # Times are stored as UTC text; julianday() parses it with its fraction of a second.
        return (func.julianday(later) - func.julianday(earlier)) * 86400.0
    # date_part() returns a float; EXTRACT returns a numeric, several times slower to add up.
    return func.date_part("epoch", later - earlier, type_=Float)


def _bucket_start(dialect: str, number: Any) -> ColumnElement[Any]:
    """The start of UTC quarter hour ``number``, comparable with decided_at (SQLite: its text, which
    sorts before the stored text of the same instant with its fraction of a second)."""
    if dialect == "sqlite":
        return func.strftime("%Y-%m-%d %H:%M:%S", number * BUCKET_SECONDS, "unixepoch")
    return func.to_timestamp(number * BUCKET_SECONDS)


def _bytewise(dialect: str, column: Any) -> Any:
    # Ties in the Pareto lists are broken by name; PostgreSQL's locale collation would order
    # them differently from SQLite's byte order, so both compare bytes.
    return column.collate("C") if dialect == "postgresql" else column


def _current_in(dialect: str, start: datetime, end: datetime) -> ColumnElement[bool]:
    """Current outcomes (of the unit's attempt; reversed ones are not) decided in [start, end).

    "Current" is written without joining each outcome to its unit: a unit whose attempt is still 0
    (nearly all) has its attempt-0 outcome current, so only the few units that moved on are looked
    at, through the partial index of migration 0004 (its WHERE must read as written here).
    SQLite reads that small set once into a list (IN); PostgreSQL plans NOT EXISTS as an anti-join
    and estimates its rows right, where NOT IN would halve its estimate and mislead its planner.
    """
    o = Outcome.__table__
    zero = literal_column("0")
    moved = Unit.__table__.alias("moved")
    window = and_(o.c.decided_at >= start, o.c.decided_at < end)
    if dialect == "sqlite":
        moved_on = select(moved.c.id).where(moved.c.attempt != zero)
        redone = select(moved.c.id, moved.c.attempt).where(moved.c.attempt != zero)
        # A CASE, not an OR: with an OR SQLite may read each branch through its own index and
        # gather a whole window's row ids in a temporary set first ("MULTI-INDEX OR").
        current = case(
            (o.c.attempt == zero, o.c.unit_id.not_in(moved_on)),
            else_=tuple_(o.c.unit_id, o.c.attempt).in_(redone),
        )
        return and_(window, current)
    same_unit = and_(moved.c.attempt != zero, moved.c.id == o.c.unit_id)
    return and_(
        window,
        ~exists().where(same_unit, moved.c.attempt != o.c.attempt),
        or_(o.c.attempt == zero, exists().where(same_unit, moved.c.attempt == o.c.attempt)),
    )


def _outcomes(*columns: Any) -> Select[Any]:
    return select(*columns).select_from(Outcome)


def _tagged(dialect: str, windows: Sequence[Window], *columns: Any) -> Subquery:
    """The current outcomes of each window, numbered ``w`` (0, 1...), one range of the time index each.

    One statement then reads a shift and the one compared with it (UNION ALL rather than one wider
    range: the windows need not touch, and a row could belong to both)."""
    arms = [
        _outcomes(literal_column(str(number)).label("w"), *columns).where(_current_in(dialect, start, end))
        for number, (start, end) in enumerate(windows)
    ]
    return union_all(*arms).subquery("tagged")


# ----------------------------------------------------------------------------------------------
# Aggregation


def _ratio(numerator: int | Decimal, denominator: int | Decimal, exp: Decimal = _SHARE) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(exp, ROUND_HALF_UP)


def _empty_dispositions() -> dict[str, int]:
    return dict.fromkeys(DISPOSITIONS, 0)


def _hours(start: datetime, end: datetime) -> Decimal:
    return Decimal((end - start).total_seconds()) / 3600


@dataclass
class _Groups:
    """The base GROUP BY of a window, folded per dimension (a few hundred group rows at most)."""

    units: int = 0
    by_disposition: dict[str, int] = field(default_factory=_empty_dispositions)
    by_inspector: dict[str, dict[str, Any]] = field(default_factory=dict)
    by_bench: dict[str, dict[str, int]] = field(default_factory=dict)
    overrides: int = 0
    restocked: int = 0
    timed: int = 0
    seconds: float = 0.0
    money: dict[str, Decimal] = field(default_factory=dict)
    # PostgreSQL: the smallest and largest outcome and authorization ids of the window's outcomes, so
    # that joins read only that range of the other tables (their rows come roughly in time order).
    outcome_ids: tuple[int, int] | None = None
    auth_ids: tuple[int, int] | None = None
    # From the day tallies: units with an arrival time and their arrival-to-decision milliseconds,
    # and the duration bins (kind, inspector) -> [(bin, units)...].
    arrived: int = 0
    arrival_ms: int = 0
    bins: dict[tuple[str, str], list[tuple[int, int]]] = field(default_factory=dict)

    def widen(self, outcome_ids: tuple[Any, Any], auth_ids: tuple[Any, Any]) -> None:
        self.outcome_ids = _widen(self.outcome_ids, *outcome_ids)
        self.auth_ids = _widen(self.auth_ids, *auth_ids)

    def add(
        self,
        inspector: str,
        bench: str,
        disposition: str,
        currency: str,
        n: int,
        overrides: int,
        restocked: int,
        money: Decimal,
        timed: int,
        seconds: float,
        first: datetime | None,
        last: datetime | None,
    ) -> None:
        """One group row: the outcomes of one inspector, bench, disposition and currency."""
        self.units += n
        self.by_disposition[disposition] += n
        self.overrides += overrides
        self.restocked += restocked
        self.timed += timed
        self.seconds += seconds
        self.money[currency] = self.money.get(currency, Decimal("0")) + money
        person = self.by_inspector.setdefault(
            inspector,
            {
                "units": 0,
                "disp": _empty_dispositions(),
                "overrides": 0,
                "timed": 0,
                "first": first,
                "last": last,
                "benches": set(),
                "currencies": set(),
            },
        )
        person["benches"].add(bench)
        person["currencies"].add(currency)
        person["units"] += n
        person["disp"][disposition] += n
        person["overrides"] += overrides
        person["timed"] += timed
        if first is not None:
            person["first"] = min(person["first"] or first, first)
        if last is not None:
            person["last"] = max(person["last"] or last, last)
        self.by_bench.setdefault(bench, _empty_dispositions())[disposition] += n


def _widen(bounds: tuple[int, int] | None, low: int | None, high: int | None) -> tuple[int, int] | None:
    if low is None or high is None:
        return bounds
    return (low, high) if bounds is None else (min(bounds[0], low), max(bounds[1], high))


def _id_range(column: Any, bounds: tuple[int, int] | None) -> ColumnElement[bool]:
    """PostgreSQL: ``column`` within the bounds (none: nothing matches, the window has no outcomes)."""
    if bounds is None:
        return literal_column("false")
    return column.between(*bounds)


def _override(outcome: Any) -> ColumnElement[bool]:
    return and_(outcome.c.recommended.is_not(None), outcome.c.recommended != outcome.c.disposition)


def _groups_postgresql(session: Session, windows: Sequence[Window]) -> list[_Groups]:
    """One GROUP BY window, inspector, bench, disposition, currency over both windows, aggregated in a
    hash table (so the rows are read once, from the covering time index of migration 0007)."""
    o = Outcome.__table__
    rows = _tagged(
        "postgresql",
        windows,
        o.c.inspector,
        o.c.bench,
        o.c.disposition,
        o.c.currency,
        _override(o).label("override"),
        o.c.restocked,
        o.c.reimbursement_total,
        o.c.scanned_at,
        o.c.decided_at,
        o.c.id,
        o.c.authorization_id,
    )
    keys = [rows.c.w, rows.c.inspector, rows.c.bench, rows.c.disposition, rows.c.currency]
    stmt = select(
        *keys,
        func.count(),
        func.count().filter(rows.c.override),
        func.count().filter(rows.c.restocked),
        func.sum(rows.c.reimbursement_total, type_=Money()),
        func.count(rows.c.scanned_at),
        func.sum(_seconds_between("postgresql", rows.c.decided_at, rows.c.scanned_at)),
        func.min(func.coalesce(rows.c.scanned_at, rows.c.decided_at), type_=UTCDateTime()),
        func.max(rows.c.decided_at, type_=UTCDateTime()),
        func.min(rows.c.id),
        func.max(rows.c.id),
        func.min(rows.c.authorization_id),
        func.max(rows.c.authorization_id),
    ).group_by(*keys)
    groups = [_Groups() for _ in windows]
    for (
        w,
        inspector,
        bench,
        disposition,
        currency,
        n,
        ov,
        rs,
        money,
        timed,
        seconds,
        first,
        last,
        *bounds,
    ) in session.execute(stmt):
        groups[int(w)].widen((bounds[0], bounds[1]), (bounds[2], bounds[3]))
        groups[int(w)].add(
            inspector,
            bench,
            disposition,
            currency,
            int(n),
            int(ov),
            int(rs),
            money or Decimal("0"),
            int(timed),
            float(seconds or 0),
            first,
            last,
        )
    return groups


GROUP_KEYS = ("inspector", "bench", "currency", "disposition")  # the order of migration 0007's SQLite index


def _group_keys_sqlite() -> Any:
    """SQLite: every (inspector, bench, currency, disposition) the outcomes hold, listed by walking the
    groups index of migration 0007 with one seek per group (a recursive CTE: SQLite does not skip
    through an index by itself without ANALYZE statistics)."""
    o = Outcome.__table__
    seek = Outcome.__table__.alias("seek")
    found = Outcome.__table__.alias("found")
    keys = [o.c[name] for name in GROUP_KEYS]
    first = select(*keys).order_by(*keys).limit(1).subquery("first_group")
    groups = select(*(first.c[name] for name in GROUP_KEYS)).cte("group_keys", recursive=True)
    # The next group after the current one: the smallest key greater in the last column with the
    # others equal, else in the one before it, and so on; coalesce() stops at the first found.
    candidates = []
    for depth in range(len(GROUP_KEYS) - 1, -1, -1):
        same = [seek.c[name] == groups.c[name] for name in GROUP_KEYS[:depth]]
        after = seek.c[GROUP_KEYS[depth]] > groups.c[GROUP_KEYS[depth]]
        candidates.append(
            select(seek.c.id)
            .where(*same, after)
            .order_by(*(seek.c[name] for name in GROUP_KEYS[depth:]))
            .limit(1)
            .scalar_subquery()
        )
    step = select(*(found.c[name] for name in GROUP_KEYS)).select_from(
        groups.join(found, found.c.id == func.coalesce(*candidates))
    )
    return groups.union_all(step)


def _groups_sqlite(session: Session, windows: Sequence[Window]) -> list[_Groups]:
    """SQLite has no hash aggregation: a GROUP BY over a week sorts a quarter of a million rows.
    Instead every group is found in the groups index (a few hundred seeks) and, per group and window,
    one correlated subquery reads that group's range of the index, in time order, and aggregates it.
    The figures of a group come back as one JSON array (SQLite's subqueries return one value)."""
    keys = _group_keys_sqlite()
    o = Outcome.__table__
    in_group = [o.c[name] == keys.c[name] for name in GROUP_KEYS]
    columns = []
    for number, (start, end) in enumerate(windows):
        figures = [
            func.count(),
            func.sum(cast(_override(o), Integer)),
            func.sum(cast(o.c.restocked, Integer)),
            func.sum(o.c.reimbursement_total),
            func.count(o.c.scanned_at),
        ]
        if number == 0:  # an inspector's active hours: the current window's only
            figures += [func.min(func.coalesce(o.c.scanned_at, o.c.decided_at)), func.max(o.c.decided_at)]
        columns.append(
            select(func.json_array(*figures))
            .select_from(o)
            .where(*in_group, _current_in("sqlite", start, end))
            .scalar_subquery()
        )
    stmt = select(*(keys.c[name] for name in GROUP_KEYS), *columns)
    money = Money()
    groups = [_Groups() for _ in windows]
    for row in session.execute(stmt):
        inspector, bench, currency, disposition = row[:4]
        for number, figures in enumerate(row[4:]):
            n, ov, rs, cents, timed, first, last = [*json.loads(figures), None, None][:7]
            if not n:
                continue
            groups[number].add(
                inspector,
                bench,
                disposition,
                currency,
                n,
                ov or 0,
                rs or 0,
                money.process_result_value(cents or 0, session.get_bind().dialect) or Decimal("0"),
                timed,
                0.0,  # the seconds are added up with the durations (_durations_sqlite)
                _sqlite_time(first),
                _sqlite_time(last),
            )
    return groups


def _sqlite_time(text_value: str | None) -> datetime | None:
    """A time as SQLite stores it (UTC text), read back from JSON."""
    return None if text_value is None else datetime.fromisoformat(text_value).replace(tzinfo=UTC)


def _durations(
    session: Session, dialect: str, windows: Sequence[Window], groups: Sequence[_Groups]
) -> list[tuple[DurationStats, DurationStats]]:
    """Per window: seconds per unit (scan to decision) and hours from arrival to decision.

    Arrival is the authorization's arrived_at (the bench sets it to the scan of its first decision),
    else the scan of the unit itself. The authorization is joined through outcome.authorization_id
    (migration 0006), once per statement, in time order.
    """
    if dialect == "postgresql":
        return _durations_postgresql(session, windows, groups)
    return _durations_sqlite(session, windows, groups)


def _durations_postgresql(
    session: Session, windows: Sequence[Window], groups: Sequence[_Groups]
) -> list[tuple[DurationStats, DurationStats]]:
    o = Outcome.__table__
    rows = _tagged("postgresql", windows, o.c.authorization_id, o.c.scanned_at, o.c.decided_at)
    seconds = _seconds_between("postgresql", rows.c.decided_at, rows.c.scanned_at)
    arrival = _seconds_between(
        "postgresql", rows.c.decided_at, func.coalesce(Authorization.arrived_at, rows.c.scanned_at)
    )
    columns = []
    for number in range(len(windows)):
        mine = rows.c.w == number
        columns += [
            func.percentile_cont(0.5).within_group(seconds).filter(mine),
            func.count(arrival).filter(mine),
            func.sum(arrival).filter(mine),
            func.percentile_cont(0.5).within_group(arrival).filter(mine),
        ]
    auth_ids = None
    for window in groups:
        auth_ids = _widen(auth_ids, *(window.auth_ids or (None, None)))
    joined = rows.outerjoin(
        Authorization,
        and_(Authorization.id == rows.c.authorization_id, _id_range(Authorization.id, auth_ids)),
    )
    stmt = select(*columns).select_from(joined)
    values = session.execute(stmt).one()
    result = []
    for number, window in enumerate(groups):
        median, count, total, arrival_median = values[number * 4 : number * 4 + 4]
        result.append(
            (
                DurationStats(
                    window.timed,
                    _round(median),
                    _round(window.seconds / window.timed if window.timed else None),
                ),
                DurationStats(
                    int(count), _round(arrival_median, 3600), _round(total / count if count else None, 3600)
                ),
            )
        )
    return result


BAND_SAMPLE = 2000  # SQLite medians: about this many sampled values place the band around the median
BAND_ALL = 20_000  # SQLite medians: a window with fewer units puts all its values in the band
_EVERYTHING = (-(2**62), 2**62)


def _durations_sqlite(
    session: Session, windows: Sequence[Window], groups: Sequence[_Groups]
) -> list[tuple[DurationStats, DurationStats]]:
    """SQLite sorts in a slow, general way (a week of values takes longer than everything else), so
    its medians are found without sorting a window's values.

    A sample (every n-th outcome by id) gives a band of values sure to hold the median: ranks
    0.5 +/- 4 standard errors of the sample's median. One pass over the window then counts the values
    below the band and collects those within it (json_group_array), and the median is picked from
    the band's few thousand values, sorted. If the median fell outside the band after all (a chance
    of about 1 in 15,000), the pass is repeated with the band covering every value. A window of
    fewer than BAND_ALL units takes every value in the band at once.
    """
    result = []
    for (start, end), window in zip(windows, groups, strict=True):
        bands = [_EVERYTHING, _EVERYTHING]
        if window.units > BAND_ALL:
            bands = _sample_bands(session, start, end, window.units)
        values = _banded_medians(session, start, end, bands)
        if values[0] is None and window.timed or values[-1] is None and values[2]:
            values = _banded_medians(session, start, end, [_EVERYTHING, _EVERYTHING])
        seconds_median, seconds_total, arrival_count, arrival_total, arrival_median = values
        window.seconds = (seconds_total or 0) / 1000
        result.append(
            (
                DurationStats(
                    window.timed,
                    _round(seconds_median, 1000),
                    _round(window.seconds / window.timed if window.timed else None),
                ),
                DurationStats(
                    int(arrival_count),
                    _round(arrival_median, 3600 * 1000),
                    _round(arrival_total / arrival_count if arrival_count else None, 3600 * 1000),
                ),
            )
        )
    return result


def _duration_rows(start: datetime, end: datetime, *where: Any) -> Subquery:
    """SQLite: per current outcome of the window, seconds per unit (s) and arrival to decision (a) in
    milliseconds. SQLite computes an expression again for every mention, and parsing a time is most of
    the cost: each time is parsed once per row, in subqueries that LIMIT -1 keeps from being merged into
    the query around them (co-routines, not tables)."""
    o, auth = Outcome.__table__, Authorization.__table__
    times = (
        select(
            func.julianday(o.c.decided_at).label("decided"),
            func.julianday(o.c.scanned_at).label("scanned"),
            func.julianday(func.coalesce(auth.c.arrived_at, o.c.scanned_at)).label("arrived"),
        )
        .select_from(o.outerjoin(auth, auth.c.id == o.c.authorization_id))
        .where(*where, _current_in("sqlite", start, end))
        .limit(-1)
        .subquery("outcome_times")
    )

    def millis(later: Any, earlier: Any) -> ColumnElement[int]:
        return cast(func.round((later - earlier) * _MS_PER_DAY), Integer)

    return (
        select(
            millis(times.c.decided, times.c.scanned).label("s"),
            millis(times.c.decided, times.c.arrived).label("a"),
        )
        .limit(-1)
        .subquery("outcome_values")
    )


def _sample_bands(session: Session, start: datetime, end: datetime, units: int) -> list[tuple[int, int]]:
    """SQLite: for seconds and arrival, the band of values around the median of a sample of about
    BAND_SAMPLE outcomes of the window: every n-th by id, so the window's range of the time index is
    read and a row only for the sampled entries. The band spans 4 standard errors of the sample's
    median each way (its rank's standard error is sqrt(sample) / 2)."""
    step = max(units // BAND_SAMPLE, 1)
    spread = 2 / math.sqrt(units / step)  # 4 standard errors, as a share of the sample
    rows = _duration_rows(start, end, Outcome.id % step == 0)  # the id is in the time index
    sample = select(rows.c.s.label("v0"), rows.c.a.label("v1")).cte("sample").prefix_with("MATERIALIZED")
    bounds = []
    for n in range(2):
        value = sample.c[f"v{n}"]
        count = select(func.count(value)).scalar_subquery()
        for share in (0.5 - spread, 0.5 + spread):
            bounds.append(
                select(value)
                .where(value.is_not(None))
                .order_by(value)
                .limit(1)
                .offset(func.max(cast(count * share, Integer), 0))
                .scalar_subquery()
            )
    row = session.execute(select(*bounds)).one()
    bands = []
    for n in range(2):
        low, high = row[2 * n], row[2 * n + 1]
        bands.append(_EVERYTHING if low is None or high is None else (low, high))
    return bands


def _banded_medians(
    session: Session, start: datetime, end: datetime, bands: Sequence[tuple[int, int]]
) -> tuple[float | None, int | None, int, int | None, float | None]:
    """SQLite, one pass over the window: the median and sum of the seconds per unit, and the count,
    sum and median of the arrival times (milliseconds), each median taken from the values within its
    band (None when it is not within: the band missed it, or there are no values)."""
    values = _duration_rows(start, end)
    columns = []
    for name, (low, high) in zip("sa", bands, strict=True):
        value = values.c[name]
        columns += [
            func.count(value).label(f"{name}_count"),
            func.sum(value).label(f"{name}_sum"),
            func.count().filter(value < low).label(f"{name}_below"),
            func.json_group_array(value).filter(value.between(low, high)).label(f"{name}_band"),
        ]
    window = select(*columns).select_from(values).cte("window_values").prefix_with("MATERIALIZED")

    def median(name: str) -> ColumnElement[float]:
        # SQLite's OFFSET takes no correlated value: the band is sorted in a CTE of its own and the
        # ranks are scalar subqueries over the one-row window_values.
        count, below, band = window.c[f"{name}_count"], window.c[f"{name}_below"], window.c[f"{name}_band"]
        banded = func.json_each(band).table_valued("value")
        ordered = (
            select(banded.c.value)
            .select_from(window.join(banded, literal_column("1") == 1))
            .order_by(banded.c.value)
            .cte(f"{name}_ordered")
            .prefix_with("MATERIALIZED")
        )
        first = select((count - 1) // 2 - below).scalar_subquery()  # the middle ranks within the band
        last = select(count // 2 - below).scalar_subquery()

        def nth(rank: Any) -> Any:
            return select(ordered.c.value).limit(1).offset(rank).scalar_subquery()

        inside = select(
            and_(count > 0, (count - 1) // 2 >= below, count // 2 - below < func.json_array_length(band))
        ).scalar_subquery()
        return case((inside, (nth(first) + nth(last)) / 2.0), else_=None)

    stmt = select(
        median("s"),
        select(window.c.s_sum).scalar_subquery(),
        select(window.c.a_count).scalar_subquery(),
        select(window.c.a_sum).scalar_subquery(),
        median("a"),
    )
    seconds_median, seconds_total, count, total, arrival_median = session.execute(stmt).one()
    return seconds_median, seconds_total, int(count or 0), total, arrival_median


def _round(seconds: float | Decimal | None, per: int = 1, places: int = 3) -> float | None:
    return None if seconds is None else round(float(seconds) / per, places)


# ----------------------------------------------------------------------------------------------
# Whole days from the day tallies (migration 0008)


@dataclass(frozen=True)
class _Plan:
    """How a window is read from the day tallies: the UTC days [first, last) from the tallies, then
    for a day the window covers in part, whichever is shorter: the part inside read from outcomes and
    added (``added``), or the whole day taken and the part outside read from outcomes and subtracted
    (``subtracted``; ``inside`` is then the part within, read for the spans of inspectors' work,
    which cannot be subtracted)."""

    days: tuple[int, int]
    added: tuple[Window, ...] = ()
    subtracted: tuple[Window, ...] = ()
    inside: tuple[Window, ...] = ()

    @property
    def partial_days(self) -> tuple[int, ...]:
        return tuple(tallies.day_number(low) for low, _ in self.subtracted)

    def ranges(self) -> tuple[tuple[Window, int], ...]:
        """The ranges read from outcomes, each with its sign."""
        return (*((w, 1) for w in self.added), *((w, -1) for w in self.subtracted))


def _plan(start: datetime, end: datetime) -> _Plan | None:
    """How to read [start, end): None (from outcomes alone) when it holds no whole UTC day."""
    day = timedelta(days=1)
    first_whole = -(-(start - tallies.EPOCH) // day)
    last_whole = (end - tallies.EPOCH) // day
    if last_whole <= first_whole:
        return None
    first, last = first_whole, last_whole
    added: list[Window] = []
    subtracted: list[Window] = []
    inside: list[Window] = []
    day_begins, next_day = tallies.day_start(first_whole - 1), tallies.day_start(first_whole)
    if start < next_day:  # the window starts within a day
        if start - day_begins < next_day - start:
            first -= 1
            subtracted.append((day_begins, start))
            inside.append((start, next_day))
        else:
            added.append((start, next_day))
    day_begins, next_day = tallies.day_start(last_whole), tallies.day_start(last_whole + 1)
    if day_begins < end:  # the window ends within a day
        if next_day - end < end - day_begins:
            last += 1
            subtracted.append((end, next_day))
            inside.append((day_begins, end))
        else:
            added.append((day_begins, end))
    return _Plan((first, last), tuple(added), tuple(subtracted), tuple(inside))


def _tally_rows(model: Any, ranges: Sequence[Select[Any]], plan: _Plan, *columns: Any) -> Subquery:
    """The tally's rows of the plan's days, and the same rows computed from outcomes for its ranges
    (``columns``: the tally's columns, by default as they are)."""
    table = model.__table__
    first, last = plan.days
    weekly = tallies.WEEKLY.get(table.name)
    # The whole weeks (Monday to Sunday) of a tally summed per week, read a row a week.
    first_monday, last_monday = tallies.week_of(first + 6), tallies.week_of(last)
    arms: list[Select[Any]] = []
    if weekly is not None and first_monday < last_monday:
        sums = [weekly.c.week.label("day"), *(weekly.c[c.key] for c in table.columns if c.key != "day")]
        arms.append(select(*sums).where(weekly.c.week >= first_monday, weekly.c.week < last_monday))
        spans = [(first, first_monday), (last_monday, last)]
    else:
        spans = [(first, last)]
    selected = columns or table.columns
    arms += [
        select(*selected).where(table.c.day >= low, table.c.day < high) for low, high in spans if low < high
    ]
    return union_all(*arms, *ranges).subquery(f"{table.name}_rows")


def _kept(dialect: str, model: Any, rows: Any, plan: _Plan, *columns: Any) -> Subquery:
    """``_tally_rows`` of a tally whose rows ``rows`` computes from the current outcomes of a range."""
    ranges = [rows(dialect, [_current_in(dialect, low, high)], sign) for (low, high), sign in plan.ranges()]
    return _tally_rows(model, ranges, plan, *columns)


def _span_rows(dialect: str, start: datetime, end: datetime) -> Select[Any]:
    """Rows shaped as the group tally's with only the first scan and last decision of each group of
    [start, end) (the other columns 0): no authorization joined, no duration computed."""
    o = Outcome.__table__
    zero = literal_column("0")
    keys = [o.c.inspector, o.c.bench, o.c.currency, o.c.disposition]
    sums = [zero.label(name) for name in tallies.GROUP_SUMS]
    return (
        select(
            zero.label("day"),
            *keys,
            *sums,
            func.min(func.coalesce(o.c.scanned_at, o.c.decided_at)).label("first_at"),
            func.max(o.c.decided_at).label("last_at"),
        )
        .where(_current_in(dialect, start, end))
        .group_by(*keys)
    )


def _groups_tallied(session: Session, dialect: str, plan: _Plan, spans: bool) -> _Groups:
    """The group figures of a planned window; with ``spans``, each inspector's first scan and last
    decision too: from the days wholly inside the window and the ranges added, and for a day taken
    whole, from its part inside the window (read from outcomes)."""
    table = TallyGroup.__table__
    partial = list(plan.partial_days)
    columns = [c for c in table.columns if c.key not in ("first_at", "last_at")]
    if spans and partial:
        columns += [
            case((table.c.day.in_(partial), None), else_=table.c.first_at).label("first_at"),
            case((table.c.day.in_(partial), None), else_=table.c.last_at).label("last_at"),
        ]
    else:
        columns += [table.c.first_at, table.c.last_at]
    ranges = [
        tallies.group_rows(dialect, [_current_in(dialect, low, high)], sign, spans=sign > 0)
        for (low, high), sign in plan.ranges()
    ]
    if spans:
        # The part of a day taken whole that lies inside the window: only its spans (sums of 0).
        ranges += [_span_rows(dialect, low, high) for low, high in plan.inside]
    rows = _tally_rows(TallyGroup, ranges, plan, *columns)
    keys = [rows.c.inspector, rows.c.bench, rows.c.disposition, rows.c.currency]
    stmt = select(
        *keys,
        func.sum(rows.c.units),
        func.sum(rows.c.overrides),
        func.sum(rows.c.restocked),
        func.sum(rows.c.reimbursement, type_=Money()),
        func.sum(rows.c.timed),
        func.sum(rows.c.scan_ms),
        func.sum(rows.c.arrived),
        func.sum(rows.c.arrival_ms),
        func.min(rows.c.first_at, type_=UTCDateTime()),
        func.max(rows.c.last_at, type_=UTCDateTime()),
    ).group_by(*keys)
    groups = _Groups()
    for row in session.execute(stmt):
        inspector, bench, disposition, currency, n, ov, rs, money, timed, scan, arrived, arrival = row[:12]
        if not n:
            continue
        groups.add(
            inspector,
            bench,
            disposition,
            currency,
            int(n),
            int(ov),
            int(rs),
            money or Decimal("0"),
            int(timed),
            int(scan) / 1000,
            row[12] if spans else None,
            row[13] if spans else None,
        )
        groups.arrived += int(arrived)
        groups.arrival_ms += int(arrival)
    return groups


def _bins_tallied(
    session: Session, dialect: str, plan: _Plan, per_inspector: bool
) -> dict[tuple[str, str], list]:
    """Duration bins (kind, inspector) -> [(bin, units)...] in bin order: everyone's, and each
    inspector's too if asked."""
    rows = _kept(dialect, TallyDuration, tallies.duration_rows, plan)
    who = [] if per_inspector else [rows.c.inspector == tallies.EVERYONE]
    keys = [rows.c.kind, rows.c.inspector, rows.c.bin]
    stmt = select(*keys, func.sum(rows.c.units)).where(*who).group_by(*keys).order_by(*keys)
    bins: dict[tuple[str, str], list] = {}
    for kind, inspector, number, units in session.execute(stmt):
        if units:
            bins.setdefault((kind, inspector), []).append((int(number), int(units)))
    return bins


def _binned_median(bins: Sequence[tuple[int, int]], width_ms: int) -> float | None:
    """The median of values counted per bin, each taken at the middle of its bin, in milliseconds."""
    count = sum(units for _, units in bins)
    if not count:
        return None
    wanted = [(count - 1) // 2, count // 2]
    found: list[float] = []
    seen = 0
    for number, units in bins:
        while wanted and wanted[0] < seen + units:
            wanted.pop(0)
            found.append((number + 0.5) * width_ms)
        seen += units
    return sum(found) / 2


def _durations_tallied(
    groups: _Groups, bins: dict[tuple[str, str], list]
) -> tuple[DurationStats, DurationStats]:
    scan = _binned_median(bins.get((tallies.SCAN, tallies.EVERYONE), []), tallies.SCAN_BIN_MS)
    arrival = _binned_median(bins.get((tallies.ARRIVAL, tallies.EVERYONE), []), tallies.ARRIVAL_BIN_MS)
    return (
        DurationStats(
            groups.timed,
            _round(scan, 1000),
            _round(groups.seconds / groups.timed if groups.timed else None),
        ),
        DurationStats(
            groups.arrived,
            _round(arrival, 3600 * 1000),
            _round(groups.arrival_ms / groups.arrived if groups.arrived else None, 3600 * 1000),
        ),
    )


def _components_tallied(session: Session, dialect: str, plan: _Plan) -> tuple[ComponentTotal, ...]:
    rows = _kept(dialect, TallyComponent, tallies.component_rows, plan)
    stmt = (
        select(rows.c.component, rows.c.currency, func.sum(rows.c.amount, type_=Money()))
        .group_by(rows.c.component, rows.c.currency)
        .having(func.sum(rows.c.lines) > 0)
        .order_by(rows.c.currency, rows.c.component)
    )
    return tuple(ComponentTotal(c, cur, amount) for c, cur, amount in session.execute(stmt))


def _restocked_tallied(session: Session, dialect: str, plan: _Plan) -> tuple[RestockCount, ...]:
    rows = _kept(dialect, TallyRestock, tallies.restock_rows, plan)
    stmt = (
        select(rows.c.sku, rows.c.location, func.sum(rows.c.units))
        .group_by(rows.c.sku, rows.c.location)
        .having(func.sum(rows.c.units) != 0)
    )
    found = [RestockCount(sku, location, int(n)) for sku, location, n in session.execute(stmt)]
    return tuple(sorted(found, key=lambda r: (-r.units, r.sku, r.location)))


def _window_figures(
    session: Session,
    dialect: str,
    windows: Sequence[Window],
    plans: Sequence[_Plan | None],
    now: datetime,
) -> tuple[list[WindowFigures], list[_Groups]]:
    """The main figures of each window (the current one, then the one compared with it).

    Windows with whole UTC days are read from the day tallies (and outcomes for their part-days);
    the others from outcomes, all together: one statement for the groups, one for the durations."""
    groups: list[_Groups] = [_Groups() for _ in windows]
    durations: list[tuple[DurationStats, DurationStats]] = [(DurationStats(0, None, None),) * 2] * len(
        windows
    )
    raw = [number for number, plan in enumerate(plans) if plan is None]
    if raw:
        from_outcomes = [windows[number] for number in raw]
        read = (_groups_postgresql if dialect == "postgresql" else _groups_sqlite)(session, from_outcomes)
        timed = _durations(session, dialect, from_outcomes, read)
        for number, window, duration in zip(raw, read, timed, strict=True):
            groups[number], durations[number] = window, duration
    for number, plan in enumerate(plans):
        if plan is not None:
            groups[number] = _groups_tallied(session, dialect, plan, spans=number == 0)
            groups[number].bins = _bins_tallied(session, dialect, plan, per_inspector=number == 0)
            durations[number] = _durations_tallied(groups[number], groups[number].bins)
    figures = []
    for (start, end), window, (seconds, arrival) in zip(windows, groups, durations, strict=True):
        hours = _hours(start, min(max(now, start), end))
        figures.append(
            WindowFigures(
                start=start,
                end=end,
                hours=hours.quantize(Decimal("0.001"), ROUND_HALF_UP),
                units=window.units,
                by_disposition=dict(window.by_disposition),
                units_per_hour=_ratio(window.units, hours, _RATE),
                seconds_per_unit=seconds,
                overrides=window.overrides,
                override_share=_ratio(window.overrides, window.units),
                restocked_units=window.restocked,
                reimbursement_total=dict(sorted(window.money.items())),
                arrival_to_decision_hours=arrival,
            )
        )
    return figures, groups


def _hour_key(bucket_start: datetime, tz: tzinfo) -> datetime:
    local = bucket_start.astimezone(tz)
    return bucket_start - timedelta(
        minutes=local.minute, seconds=local.second, microseconds=local.microsecond
    )


def _bucket_counts(session: Session, dialect: str, start: datetime, end: datetime) -> list[tuple[int, int]]:
    """Current outcomes per UTC quarter hour of [start, end): (bucket number, count).

    Counting needs no row: each quarter hour is one range of the time index, counted from the index
    alone; the outcomes in it that are not current (taken back) are few, found through the partial
    index of migration 0004, and subtracted. A window longer than a month groups instead.
    """
    if end - start > timedelta(hours=MAX_FILLED_HOURS):
        bucket = tallies.epoch_bucket(dialect, Outcome.decided_at, BUCKET_SECONDS)
        stmt = _outcomes(bucket, func.count()).where(_current_in(dialect, start, end)).group_by(bucket)
        return [(int(n), int(count)) for n, count in session.execute(stmt)]
    first = int(start.timestamp()) // BUCKET_SECONDS
    last = -(-int(end.timestamp()) // BUCKET_SECONDS)
    numbers = select(literal(first, Integer).label("n")).cte("buckets", recursive=True)
    numbers = numbers.union_all(select(numbers.c.n + 1).where(numbers.c.n + 1 < last))
    # One range per quarter hour (the window's ends clip the first and last), so that the planner
    # seeks each range in the time index rather than scanning the window's for each.
    greatest, least = (func.max, func.min) if dialect == "sqlite" else (func.greatest, func.least)
    low = greatest(_bucket_start(dialect, numbers.c.n), literal(start, UTCDateTime()))
    high = least(_bucket_start(dialect, numbers.c.n + 1), literal(end, UTCDateTime()))
    o = Outcome.__table__
    counted = (
        select(func.count())
        .select_from(o)
        .where(o.c.decided_at >= low, o.c.decided_at < high)
        .scalar_subquery()
    )
    moved = Unit.__table__.alias("moved")
    moved_on = select(moved.c.id).where(moved.c.attempt != literal_column("0"))
    unit_attempt = select(moved.c.attempt).where(moved.c.id == o.c.unit_id).scalar_subquery()
    not_current = (
        select(
            tallies.epoch_bucket(dialect, o.c.decided_at, BUCKET_SECONDS).label("n"),
            func.count().label("taken_back"),
        )
        .where(
            o.c.unit_id.in_(moved_on),
            o.c.attempt != unit_attempt,
            o.c.decided_at >= start,
            o.c.decided_at < end,
        )
        .group_by(literal_column("n"))
        .subquery("not_current")
    )
    stmt = select(numbers.c.n, counted - func.coalesce(not_current.c.taken_back, 0)).select_from(
        numbers.outerjoin(not_current, not_current.c.n == numbers.c.n)
    )
    return [(int(n), int(count)) for n, count in session.execute(stmt) if count]


def _by_hour(
    session: Session, dialect: str, start: datetime, end: datetime, tz: tzinfo
) -> tuple[tuple[HourCount, ...], tuple[int, ...]]:
    """Units per local hour: SQL counts per UTC quarter hour, and the (at most 96 a day) quarter hours
    are added up into the local hour they belong to, so no zone arithmetic runs in SQL."""
    rows = _bucket_counts(session, dialect, start, end)
    hours: dict[datetime, int] = {}
    if end - start <= timedelta(hours=MAX_FILLED_HOURS):
        step = timedelta(seconds=BUCKET_SECONDS)
        moment = datetime.fromtimestamp(int(start.timestamp()) // BUCKET_SECONDS * BUCKET_SECONDS, UTC)
        while moment < end:
            hours.setdefault(_hour_key(moment, tz), 0)
            moment += step
    for number, count in rows:
        key = _hour_key(datetime.fromtimestamp(int(number) * BUCKET_SECONDS, UTC), tz)
        hours[key] = hours.get(key, 0) + int(count)
    listed = tuple(HourCount(k, k.astimezone(tz), hours[k]) for k in sorted(hours))
    of_day = [0] * 24
    for hour in listed:
        of_day[hour.local_start.hour] += hour.units
    return listed, tuple(of_day)


def _inspector_medians(
    session: Session, dialect: str, start: datetime, end: datetime, groups: _Groups
) -> dict[str, float]:
    """The median seconds per unit of each inspector in the window.

    PostgreSQL: percentile_cont per inspector, one GROUP BY (on the bytes of the name: sorting by the
    locale's collation costs several times more, and only equality matters here).

    SQLite: one small statement per inspector (compiled once, run with each one's values): that
    inspector's groups are ranges of the groups index (migration 0007), read from the index alone;
    their durations, in whole milliseconds (SQLite sorts integers fastest), are sorted into a CTE
    and the middle one or two read by OFFSET. Many small sorts instead of one big one.
    """
    o = Outcome.__table__
    if dialect == "postgresql":
        seconds = _seconds_between(dialect, o.c.decided_at, o.c.scanned_at)
        name = _bytewise(dialect, o.c.inspector)
        stmt = (
            select(name, func.percentile_cont(0.5).within_group(seconds))
            .where(_current_in(dialect, start, end), o.c.scanned_at.is_not(None))
            .group_by(name)
        )
        return {name: float(median) for name, median in session.execute(stmt) if median is not None}
    # whole milliseconds: integers sort several times faster than floats in SQLite's sorter
    millis = tallies.millis_between(dialect, o.c.decided_at, o.c.scanned_at)
    durations = (
        select(millis.label("v"))
        .where(
            o.c.inspector == bindparam("inspector"),
            o.c.bench.in_(bindparam("benches", expanding=True)),
            o.c.currency.in_(bindparam("currencies", expanding=True)),
            o.c.disposition.in_(DISPOSITIONS),
            _current_in(dialect, start, end),
            o.c.scanned_at.is_not(None),
        )
        .order_by(literal_column("v"))
        .cte("durations")
        .prefix_with("MATERIALIZED")
    )

    def nth(name: str) -> Any:
        return select(durations.c.v).limit(1).offset(bindparam(name)).scalar_subquery()

    stmt = select(nth("lower"), nth("upper"))
    medians = {}
    for name, person in groups.by_inspector.items():
        count = person["timed"]
        if count <= 0:
            continue
        lower, upper = session.execute(
            stmt,
            {
                "inspector": name,
                "benches": sorted(person["benches"]),
                "currencies": sorted(person["currencies"]),
                "lower": (count - 1) // 2,
                "upper": count // 2,
            },
        ).one()
        if lower is not None and upper is not None:
            medians[name] = (lower + upper) / 2 / 1000
    return medians


def _inspectors(
    session: Session, dialect: str, start: datetime, end: datetime, groups: _Groups, hours: Decimal
) -> tuple[InspectorFigures, ...]:
    if groups.bins:  # read from the day tallies
        medians = {
            inspector: median / 1000
            for (kind, inspector), bins in groups.bins.items()
            if kind == tallies.SCAN
            and inspector != tallies.EVERYONE
            and (median := _binned_median(bins, tallies.SCAN_BIN_MS)) is not None
        }
    else:
        medians = _inspector_medians(session, dialect, start, end, groups)
    result = []
    for name, person in groups.by_inspector.items():
        active = _hours(person["first"], person["last"])
        median = medians.get(name)
        result.append(
            InspectorFigures(
                inspector=name,
                units=person["units"],
                by_disposition=person["disp"],
                units_per_hour=_ratio(person["units"], hours, _RATE),
                active_hours=active.quantize(Decimal("0.01"), ROUND_HALF_UP) if active > 0 else None,
                units_per_active_hour=_ratio(person["units"], active, _RATE) if active > 0 else None,
                median_seconds=_round(median),
                overrides=person["overrides"],
                override_share=_ratio(person["overrides"], person["units"]),
            )
        )
    return tuple(sorted(result, key=lambda i: (-i.units, i.inspector)))


def _of_window_outcomes(
    dialect: str, outcome_id: Any, start: datetime, end: datetime, groups: _Groups, *where: Any
) -> tuple[Any, list[ColumnElement[bool]]]:
    """How rows of another table (lines, movements) are tied to the window's current outcomes: the
    FROM (a join on outcome_id) and the WHERE. On PostgreSQL the other table is read only within the
    window's range of outcome ids (its rows come roughly in the order of their outcomes), so that it
    is not scanned whole to be hashed; SQLite looks each outcome's rows up in its index anyway."""
    joined = Outcome.__table__.join(outcome_id.table, outcome_id == Outcome.id)
    in_range = [_id_range(outcome_id, groups.outcome_ids)] if dialect == "postgresql" else []
    return joined, [_current_in(dialect, start, end), *where, *in_range]


def _components(
    session: Session, dialect: str, start: datetime, end: datetime, groups: _Groups
) -> tuple[ComponentTotal, ...]:
    line = ReimbursementLineRow.__table__
    source, where = _of_window_outcomes(dialect, line.c.outcome_id, start, end, groups)
    stmt = (
        select(line.c.component, line.c.currency, func.sum(line.c.amount, type_=Money()))
        .select_from(source)
        .where(*where)
        .group_by(line.c.component, line.c.currency)
        .order_by(line.c.currency, line.c.component)
    )
    return tuple(ComponentTotal(c, cur, amount) for c, cur, amount in session.execute(stmt))


def _restocked(
    session: Session, dialect: str, start: datetime, end: datetime, groups: _Groups
) -> tuple[RestockCount, ...]:
    move = StockMovement.__table__
    source, where = _of_window_outcomes(
        dialect, move.c.outcome_id, start, end, groups, Outcome.restocked.is_(True)
    )
    stmt = (
        select(move.c.sku, move.c.location, func.sum(move.c.quantity))
        .select_from(source)
        .where(*where, move.c.sellable.is_(True))
        .group_by(move.c.sku, move.c.location)
    )
    rows = [RestockCount(sku, location, int(n)) for sku, location, n in session.execute(stmt)]
    return tuple(sorted(rows, key=lambda r: (-r.units, r.sku, r.location)))


def waiting_cutoff(now: datetime, tz: tzinfo, waiting_hours: int) -> date:
    """The last request date whose local midnight lies more than ``waiting_hours`` before ``now``."""
    threshold = now - timedelta(hours=waiting_hours)
    day = threshold.astimezone(tz).date()
    if datetime.combine(day, time(0), tzinfo=tz) >= threshold:
        day -= timedelta(days=1)
    return day


def _waiting(
    session: Session, dialect: str, now: datetime, tz: tzinfo, waiting_hours: int, within_days: int | None
) -> Waiting:
    """Authorizations requested on or before the cutoff (and, given ``within_days``, not before that
    many days ago) with units undecided.

    A unit is undecided while unit.decided_at is NULL (migration 0006: the bench dates a unit's
    decision and a reversal clears it). The partial index ix_unit_undecided holds just those units,
    by authorization: they are counted from it without reading any other unit, grouped in its order,
    and only their authorizations are read. Its WHERE must read as written here.
    """
    cutoff = waiting_cutoff(now, tz, waiting_hours)
    since = (now.astimezone(tz) - timedelta(days=within_days)).date() if within_days is not None else None
    open_units = (
        select(Unit.authorization_id.label("auth_id"), func.count().label("undecided"))
        .where(Unit.decided_at.is_(None))
        .group_by(Unit.authorization_id)
        .subquery("undecided")
    )
    table = Authorization.__table__
    requested = [table.c.request_date <= cutoff]
    if since is not None:
        requested.append(table.c.request_date >= since)
    names = ("id", "rma_id", "merchant_rma_id", "order_id", "sku", "request_date", "quantity")
    auth: Any = table
    source = open_units.join(table, table.c.id == open_units.c.auth_id)
    if dialect == "postgresql":
        # Each authorization read by its key (LATERAL ... LIMIT 1 keeps it so): PostgreSQL would
        # rather scan and hash the whole table, at many times the cost of a few thousand look-ups.
        auth = (
            select(*(table.c[name] for name in names))
            .where(table.c.id == open_units.c.auth_id, *requested)
            .limit(1)
            .lateral("waiting_auth")
        )
        source, requested = open_units.join(auth, literal_column("true")), []
    stmt = (
        select(
            *(auth.c[name] for name in names),
            open_units.c.undecided,
            func.count().over().label("auths"),
            func.sum(open_units.c.undecided).over().label("units"),
        )
        .select_from(source)
        .where(*requested)
        .order_by(auth.c.request_date, auth.c.id)
        .limit(OLDEST_WAITING)
    )
    rows = session.execute(stmt).all()
    oldest = tuple(
        WaitingAuthorization(
            auth_id=r[0],
            display_id=r[1] or r[2] or f"{r[3]} / {r[4]}",
            sku=r[4],
            request_date=r[5],
            units=r[6],
            undecided=int(r[7]),
            waiting_hours=round((now - datetime.combine(r[5], time(0), tzinfo=tz)).total_seconds() / 3600, 1),
        )
        for r in rows
    )
    count = int(rows[0].auths) if rows else 0
    units = int(rows[0].units) if rows else 0
    return Waiting(count, units, cutoff, since, now, oldest)


def _share_fraction(share: Decimal) -> tuple[int, int]:
    numerator, denominator = share.as_integer_ratio()
    return numerator, denominator


def _reason_counts(dialect: str, start: datetime, end: datetime, plan: _Plan | None) -> Subquery:
    """Returns per (sku, reason) over the authorizations first decided in [start, end): from the tally
    for the plan's days, from the authorizations (their first-decision index) for the rest."""
    auth = Authorization.__table__

    def first_decided(low: datetime, high: datetime, sign: int = 1) -> Select[Any]:
        when = auth.c.first_decided_at
        return tallies.reason_rows(dialect, [when >= low, when < high], sign)

    if plan is None:
        source = first_decided(start, end).subquery("reason_rows")
    else:
        source = _tally_rows(TallyReason, [first_decided(*w, sign) for w, sign in plan.ranges()], plan)
    return (
        select(source.c.sku, source.c.reason, func.sum(source.c.returns).label("n"))
        .group_by(source.c.sku, source.c.reason)
        .having(func.sum(source.c.returns) > 0)
        .subquery("reason_counts")
    )


def _reasons(
    session: Session,
    dialect: str,
    start: datetime,
    end: datetime,
    alert_share: Decimal,
    alert_min_count: int,
    top_skus: int,
    top_reasons: int,
    plan: _Plan | None,
) -> tuple[int, int, tuple[SkuReasons, ...], tuple[ReasonAlert, ...]]:
    """Pareto lists and alerts from one statement over the (sku, reason) counts of the returns first
    decided in the window, counted once (a materialized CTE): the SKU totals, the top SKUs with the
    running total of their top reasons, every (sku, reason) at or over the alert thresholds, and the
    number of SKUs and returns.

    A return is counted once, in the window of its first decision still standing
    (return_authorization.first_decided_at)."""
    counts = select(_reason_counts(dialect, start, end, plan)).cte("counts").prefix_with("MATERIALIZED")
    totals = (
        select(counts.c.sku, func.sum(counts.c.n).label("total"))
        .group_by(counts.c.sku)
        .cte("sku_totals")
        .prefix_with("MATERIALIZED")
    )
    by_total = [totals.c.total.desc(), _bytewise(dialect, totals.c.sku)]
    top = (
        select(totals.c.sku, totals.c.total, func.row_number().over(order_by=by_total).label("sku_rank"))
        .order_by(*by_total)
        .limit(top_skus)
        .subquery("top_skus")
    )
    ordered = [counts.c.n.desc(), _bytewise(dialect, counts.c.reason)]
    ranked = (
        select(
            counts.c.sku,
            counts.c.reason,
            counts.c.n,
            top.c.total,
            func.sum(counts.c.n)
            .over(partition_by=counts.c.sku, order_by=ordered, rows=(None, 0))
            .label("cum"),
            func.row_number().over(partition_by=counts.c.sku, order_by=ordered).label("rn"),
            top.c.sku_rank,
        )
        .select_from(counts.join(top, top.c.sku == counts.c.sku))
        .subquery("ranked")
    )
    numerator, denominator = _share_fraction(alert_share)
    nothing = literal_column("NULL")
    listed = select(
        literal_column("'listed'").label("part"),
        ranked.c.sku,
        ranked.c.reason,
        ranked.c.n,
        ranked.c.total,
        ranked.c.cum,
        ranked.c.rn,
        ranked.c.sku_rank,
    ).where(ranked.c.rn <= top_reasons)
    alerting = (
        select(
            literal_column("'alert'"),
            counts.c.sku,
            counts.c.reason,
            counts.c.n,
            totals.c.total,
            nothing,
            nothing,
            nothing,
        )
        .select_from(counts.join(totals, totals.c.sku == counts.c.sku))
        .where(counts.c.n >= alert_min_count, counts.c.n * denominator >= totals.c.total * numerator)
    )
    overall = select(
        literal_column("'overall'"),
        nothing,
        nothing,
        func.count(),
        func.sum(totals.c.total),
        nothing,
        nothing,
        nothing,
    ).select_from(totals)
    skus: dict[str, list[tuple[int, int, ReasonShare]]] = {}
    totals_of: dict[str, int] = {}
    ranks: dict[str, int] = {}
    alerts: list[ReasonAlert] = []
    skus_returned = returns = 0
    for part, sku, reason, n, total, cum, rn, sku_rank in session.execute(
        union_all(listed, alerting, overall)
    ):
        if part == "overall":
            skus_returned, returns = int(n), int(total or 0)
            continue
        count, total = int(n), int(total)
        label = reason or NO_REASON
        if part == "listed":
            share = ReasonShare(
                label, count, _ratio(count, total) or Decimal(0), _ratio(int(cum), total) or Decimal(0)
            )
            skus.setdefault(sku, []).append((int(rn), count, share))
            totals_of[sku], ranks[sku] = total, int(sku_rank)
        else:
            alerts.append(ReasonAlert(sku, label, count, total, _ratio(count, total) or Decimal(0)))
    alerts.sort(key=lambda a: (-a.share, -a.count, a.sku))
    pareto = tuple(
        SkuReasons(sku, totals_of[sku], tuple(line for _, _, line in sorted(skus[sku], key=lambda r: r[0])))
        for sku in sorted(skus, key=ranks.__getitem__)
    )
    return skus_returned, returns, pareto, tuple(alerts)


def _deltas(current: WindowFigures, previous: WindowFigures) -> tuple[Delta, ...]:
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


def summarize(
    store: Store,
    start: datetime,
    end: datetime,
    *,
    tz: tzinfo,
    alert_share: Decimal = Decimal("0.5"),
    alert_min_count: int = 5,
    waiting_hours: int = 24,
    waiting_within_days: int | None = None,
    now: datetime | None = None,
    label: str = "",
    previous: tuple[datetime, datetime] | None = None,
    previous_label: str = "",
    top_skus: int = TOP_SKUS,
    top_reasons: int = TOP_REASONS,
    use_tallies: bool = True,
) -> Summary:
    """Every figure of [start, end), each aggregated in the database, read in one transaction.

    ``previous`` is the window compared against (default: the same length right before ``start``;
    a caller passes the previous shift or last week, whose lengths differ when the clocks change).
    ``now`` (default: the present) bounds the elapsed hours of a running window and dates the
    waiting list; ``waiting_within_days`` leaves out authorizations requested longer ago than that
    (returns that never came).

    The whole UTC days of a window are read from the day tallies (``use_tallies``, the default): its
    sums and counts are the same as from the outcomes, its medians are taken to the second (seconds
    per unit) or the minute (arrival to decision). A window without a whole UTC day (a shift) is read
    from the outcomes, medians to the millisecond.
    """
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("start and end must be timezone-aware")
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if end <= start:
        raise UserError(f"The window ends ({_iso(end)}) before it starts ({_iso(start)}).")
    if not Decimal(0) < alert_share <= Decimal(1):
        raise UserError(f"The alert share must be over 0 and at most 1, not {alert_share}.")
    now = (now or utcnow()).astimezone(UTC)
    prev_start, prev_end = previous or (start - (end - start), start)
    dialect = store.dialect
    with store.read() as session:
        if dialect == "postgresql":
            # For this transaction only: compiling these one-off statements to machine code (JIT)
            # costs more than it saves, and the default page costs are those of spinning disks,
            # which steer the planner to full scans where an index finds a shift's rows at once.
            session.execute(text("SET LOCAL jit = off"))
            session.execute(text("SET LOCAL random_page_cost = 1.1"))
            # The percentiles sort a window's values in memory; the default 4 MB would spill a week's.
            session.execute(text("SET LOCAL work_mem = '64MB'"))
        windows = [(start, end), (prev_start.astimezone(UTC), prev_end.astimezone(UTC))]
        plans = [_plan(*window) if use_tallies else None for window in windows]
        (current, before), (groups, _) = _window_figures(session, dialect, windows, plans, now)
        by_hour, of_day = _by_hour(session, dialect, start, end, tz)
        inspectors = _inspectors(session, dialect, start, end, groups, current.hours)
        plan = plans[0]
        if plan is None:
            components = _components(session, dialect, start, end, groups)
            restocked = _restocked(session, dialect, start, end, groups)
        else:
            components = _components_tallied(session, dialect, plan)
            restocked = _restocked_tallied(session, dialect, plan)
        waiting = _waiting(session, dialect, now, tz, waiting_hours, waiting_within_days)
        skus_returned, returns, reasons, alerts = _reasons(
            session, dialect, start, end, alert_share, alert_min_count, top_skus, top_reasons, plan
        )
    benches = tuple(
        sorted(
            (BenchFigures(name, sum(disp.values()), disp) for name, disp in groups.by_bench.items()),
            key=lambda b: (-b.units, b.bench),
        )
    )
    return Summary(
        label=label or range_label(start, end, tz),
        start=start,
        end=end,
        tz_name=zone_name(tz),
        generated_at=now,
        elapsed_hours=current.hours,
        current=current,
        inspectors=inspectors,
        benches=benches,
        units_by_hour=by_hour,
        units_by_hour_of_day=of_day,
        reimbursement_by_component=components,
        restocked=restocked,
        waiting=waiting,
        skus_returned=skus_returned,
        returns=returns,
        top_reasons_by_sku=reasons,
        alerts=alerts,
        alert_share=alert_share,
        alert_min_count=alert_min_count,
        previous_label=previous_label or range_label(prev_start, prev_end, tz),
        previous=before,
        tz=tz,
    )


# ----------------------------------------------------------------------------------------------
# Output: JSON, tables, CSV, text


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _local(moment: datetime, tz: tzinfo) -> str:
    return moment.astimezone(tz).isoformat(timespec="seconds")


def range_label(start: datetime, end: datetime, tz: tzinfo) -> str:
    a, b = start.astimezone(tz), end.astimezone(tz)
    return f"{a:%Y-%m-%d %H:%M} to {b:%Y-%m-%d %H:%M}"


def money_text(amount: Decimal) -> str:
    """A sum of money as a plain decimal string: at least two places, more only when they are not 0."""
    two = amount.quantize(Decimal("0.01"))
    return str(two) if two == amount else str(amount.normalize())


def _num(value: Decimal | float | int | None) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return str(value)
    return f"{value:g}" if isinstance(value, float) else str(value)


def _json_num(value: Decimal | float | int | None) -> float | int | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return (
            int(value)
            if value == value.to_integral_value() and value.as_tuple().exponent >= 0
            else float(value)
        )
    return value


def _delta_json(delta: Delta, value: Decimal | None) -> str | float | int | None:
    if value is None:
        return None
    return money_text(value) if delta.is_money else _json_num(value)


def _duration_json(stats: DurationStats) -> dict[str, Any]:
    return {"count": stats.count, "median": stats.median, "average": stats.average}


def _figures_json(figures: WindowFigures) -> dict[str, Any]:
    return {
        "start": _iso(figures.start),
        "end": _iso(figures.end),
        "hours": _json_num(figures.hours),
        "units": figures.units,
        "units_by_disposition": dict(figures.by_disposition),
        "units_per_hour": _json_num(figures.units_per_hour),
        "seconds_per_unit": _duration_json(figures.seconds_per_unit),
        "overrides": figures.overrides,
        "override_share": _json_num(figures.override_share),
        "restocked_units": figures.restocked_units,
        "reimbursement_total": {c: money_text(a) for c, a in figures.reimbursement_total.items()},
        "arrival_to_decision_hours": _duration_json(figures.arrival_to_decision_hours),
    }


def summary_to_json(summary: Summary) -> dict[str, Any]:
    """The summary as JSON-ready data: money as decimal strings, times as ISO 8601 (UTC with Z, and local)."""
    tz = summary.tz
    current = summary.current
    return {
        "label": summary.label,
        "window": {
            "start": _iso(summary.start),
            "end": _iso(summary.end),
            "start_local": _local(summary.start, tz),
            "end_local": _local(summary.end, tz),
            "timezone": summary.tz_name,
            "hours": _json_num(_hours(summary.start, summary.end).quantize(Decimal("0.001"))),
            "elapsed_hours": _json_num(summary.elapsed_hours),
        },
        "generated_at": _iso(summary.generated_at),
        "units": current.units,
        "units_by_disposition": dict(current.by_disposition),
        "units_by_inspector": summary.units_by_inspector,
        "units_by_bench": summary.units_by_bench,
        "units_by_hour": [
            {"start": _iso(h.start), "local": _local(h.local_start, tz), "units": h.units}
            for h in summary.units_by_hour
        ],
        "units_by_hour_of_day": list(summary.units_by_hour_of_day),
        "units_per_hour": _json_num(current.units_per_hour),
        "seconds_per_unit": _duration_json(current.seconds_per_unit),
        "inspectors": [
            {
                "inspector": i.inspector,
                "units": i.units,
                "units_by_disposition": dict(i.by_disposition),
                "units_per_hour": _json_num(i.units_per_hour),
                "active_hours": _json_num(i.active_hours),
                "units_per_active_hour": _json_num(i.units_per_active_hour),
                "median_seconds": i.median_seconds,
                "overrides": i.overrides,
                "override_share": _json_num(i.override_share),
            }
            for i in summary.inspectors
        ],
        "benches": [
            {"bench": b.bench, "units": b.units, "units_by_disposition": dict(b.by_disposition)}
            for b in summary.benches
        ],
        "overrides": {
            "total": current.overrides,
            "share": _json_num(current.override_share),
            "by_inspector": {
                i.inspector: {
                    "units": i.units,
                    "overrides": i.overrides,
                    "share": _json_num(i.override_share),
                }
                for i in summary.inspectors
            },
        },
        "reimbursement_total": {c: money_text(a) for c, a in current.reimbursement_total.items()},
        "reimbursement_by_component": [
            {"component": c.component, "currency": c.currency, "amount": money_text(c.amount)}
            for c in summary.reimbursement_by_component
        ],
        "restocked_units": current.restocked_units,
        "restocked": [{"sku": r.sku, "location": r.location, "units": r.units} for r in summary.restocked],
        "arrival_to_decision_hours": _duration_json(current.arrival_to_decision_hours),
        "waiting": {
            "count": summary.waiting.count,
            "undecided_units": summary.waiting.undecided_units,
            "requested_on_or_before": summary.waiting.requested_on_or_before.isoformat(),
            "requested_since": (
                summary.waiting.requested_since.isoformat() if summary.waiting.requested_since else None
            ),
            "as_of": _iso(summary.waiting.as_of),
            "oldest": [
                {
                    "auth_id": w.auth_id,
                    "id": w.display_id,
                    "sku": w.sku,
                    "request_date": w.request_date.isoformat(),
                    "units": w.units,
                    "undecided": w.undecided,
                    "waiting_hours": w.waiting_hours,
                }
                for w in summary.waiting.oldest
            ],
        },
        "skus_returned": summary.skus_returned,
        "returns": summary.returns,
        "top_reasons_by_sku": {
            s.sku: {
                "returns": s.returns,
                "other": s.other,
                "reasons": [
                    {
                        "reason": r.reason,
                        "count": r.count,
                        "share": _json_num(r.share),
                        "cumulative_share": _json_num(r.cumulative_share),
                    }
                    for r in s.reasons
                ],
            }
            for s in summary.top_reasons_by_sku
        },
        "alerts": {
            "share_at_least": _json_num(summary.alert_share),
            "count_at_least": summary.alert_min_count,
            "skus": [
                {
                    "sku": a.sku,
                    "reason": a.reason,
                    "count": a.count,
                    "returns": a.returns,
                    "share": _json_num(a.share),
                }
                for a in summary.alerts
            ],
        },
        "comparison": {
            "label": summary.previous_label,
            "previous": _figures_json(summary.previous),
            "deltas": {
                d.figure: {
                    "current": _delta_json(d, d.current),
                    "previous": _delta_json(d, d.previous),
                    "change": _delta_json(d, d.change),
                    "change_percent": _json_num(d.change_percent),
                }
                for d in summary.deltas
            },
        },
    }


Table = tuple[list[str], list[list[str]]]

TABLE_TITLES: dict[str, str] = {
    "figures": "Key figures",
    "dispositions": "Units by disposition",
    "inspectors": "Inspectors",
    "benches": "Benches",
    "hours": "Units by hour",
    "overrides": "Overrides of the recommended disposition",
    "reimbursement": "Expected reimbursement",
    "restocked": "Restocked units",
    "waiting": "Authorizations waiting",
    "reasons": "Top return reasons per SKU",
    "alerts": "Alerts: one reason again and again",
    "comparison": "Against the previous window",
}


def _share_text(share: Decimal | None) -> str:
    return "" if share is None else f"{share * 100:.1f}%"


def _delta_text(delta: Delta, value: Decimal | None) -> str:
    if value is None:
        return ""
    return money_text(value) if delta.is_money else _num(value)


def summary_tables(summary: Summary) -> dict[str, Table]:
    """Each table of the summary (name -> header, rows), as plain strings ready for CSV or a screen."""
    current = summary.current
    labels = {d.value: d.label for d in Disposition}
    disp_header = [labels[d] for d in DISPOSITIONS]
    seconds, arrival = current.seconds_per_unit, current.arrival_to_decision_hours
    figures = [
        ["Units decided", str(current.units)],
        ["Units per hour", _num(current.units_per_hour)],
        ["Median seconds per unit", _num(seconds.median)],
        ["Average seconds per unit", _num(seconds.average)],
        ["Units with a scan time", str(seconds.count)],
        ["Overrides", str(current.overrides)],
        ["Override share", _share_text(current.override_share)],
        ["Restocked units", str(current.restocked_units)],
        *([f"Reimbursement {c}", money_text(a)] for c, a in current.reimbursement_total.items()),
        ["Median hours arrival to decision", _num(arrival.median)],
        ["Average hours arrival to decision", _num(arrival.average)],
        ["Authorizations waiting", str(summary.waiting.count)],
        ["Units waiting", str(summary.waiting.undecided_units)],
        ["SKUs returned", str(summary.skus_returned)],
        ["Returns (authorizations)", str(summary.returns)],
        ["Alerts", str(len(summary.alerts))],
    ]
    tables: dict[str, Table] = {
        "figures": (["Figure", "Value"], figures),
        "dispositions": (
            ["Disposition", "Units", "Share"],
            [
                [
                    labels[d],
                    str(current.by_disposition[d]),
                    _share_text(_ratio(current.by_disposition[d], current.units)),
                ]
                for d in DISPOSITIONS
            ],
        ),
        "inspectors": (
            [
                "Inspector",
                "Units",
                *disp_header,
                "Units/h",
                "Active h",
                "Units/active h",
                "Median s/unit",
                "Overrides",
                "Override share",
            ],
            [
                [
                    i.inspector,
                    str(i.units),
                    *(str(i.by_disposition[d]) for d in DISPOSITIONS),
                    _num(i.units_per_hour),
                    _num(i.active_hours),
                    _num(i.units_per_active_hour),
                    _num(i.median_seconds),
                    str(i.overrides),
                    _share_text(i.override_share),
                ]
                for i in summary.inspectors
            ],
        ),
        "benches": (
            ["Bench", "Units", *disp_header],
            [
                [b.bench, str(b.units), *(str(b.by_disposition[d]) for d in DISPOSITIONS)]
                for b in summary.benches
            ],
        ),
        "hours": (
            ["Hour (local)", "Start (UTC)", "Units"],
            [
                [f"{h.local_start:%Y-%m-%d %H:%M %z}", _iso(h.start), str(h.units)]
                for h in summary.units_by_hour
            ],
        ),
        "overrides": (
            ["Inspector", "Units", "Overrides", "Share"],
            [
                [i.inspector, str(i.units), str(i.overrides), _share_text(i.override_share)]
                for i in summary.inspectors
                if i.overrides
            ],
        ),
        "reimbursement": (
            ["Component", "Currency", "Amount"],
            [
                *(
                    [c.component, c.currency, money_text(c.amount)]
                    for c in summary.reimbursement_by_component
                ),
                *(["total", cur, money_text(a)] for cur, a in current.reimbursement_total.items()),
            ],
        ),
        "restocked": (
            ["SKU", "Location", "Units"],
            [[r.sku, r.location, str(r.units)] for r in summary.restocked],
        ),
        "waiting": (
            ["Authorization", "SKU", "Requested", "Undecided", "Units", "Waiting h"],
            [
                [
                    w.display_id,
                    w.sku,
                    w.request_date.isoformat(),
                    str(w.undecided),
                    str(w.units),
                    _num(w.waiting_hours),
                ]
                for w in summary.waiting.oldest
            ],
        ),
        "reasons": (
            ["SKU", "Returns", "Reason", "Count", "Share", "Cumulative"],
            [
                [
                    s.sku,
                    str(s.returns),
                    r.reason,
                    str(r.count),
                    _share_text(r.share),
                    _share_text(r.cumulative_share),
                ]
                for s in summary.top_reasons_by_sku
                for r in s.reasons
            ],
        ),
        "alerts": (
            ["SKU", "Reason", "Count", "Returns", "Share"],
            [[a.sku, a.reason, str(a.count), str(a.returns), _share_text(a.share)] for a in summary.alerts],
        ),
        "comparison": (
            ["Figure", "This window", "Previous", "Change", "Change %"],
            [
                [
                    d.figure,
                    _delta_text(d, d.current),
                    _delta_text(d, d.previous),
                    _delta_text(d, d.change),
                    _num(d.change_percent),
                ]
                for d in summary.deltas
            ],  # fmt: skip
        ),
    }
    return tables


def write_csv(summary: Summary, out: TextIO, table: str | None = None) -> None:
    """One table as CSV, or (table None) every table, each under a ``# name`` line and a blank line apart."""
    tables = summary_tables(summary)
    if table is not None and table not in tables:
        raise UserError(f"There is no table '{table}'. Tables: {', '.join(tables)}.")
    writer = csv.writer(out, lineterminator="\n")
    names = [table] if table else list(tables)
    for index, name in enumerate(names):
        header, rows = tables[name]
        if table is None:
            if index:
                out.write("\n")
            out.write(f"# {name}\n")
        writer.writerow(header)
        writer.writerows(rows)


def _text_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    if not rows:
        return ["  (none)"]
    widths = [max(len(header[c]), *(len(r[c]) for r in rows)) for c in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        # Names read left-aligned, numbers right-aligned, as on paper.
        parts = [
            cell.ljust(w) if c == 0 or not _looks_numeric(cell) else cell.rjust(w)
            for c, (cell, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  " + "  ".join(parts).rstrip()

    return [line(header), "  " + "  ".join("-" * w for w in widths), *(line(r) for r in rows)]


def _looks_numeric(cell: str) -> bool:
    return bool(cell) and cell.replace(".", "").replace("-", "").replace("%", "").replace("+", "").isdigit()


def waiting_span(waiting: Waiting) -> str:
    """Which request dates the waiting figure covers, in words."""
    if waiting.requested_since is None:
        return f"requested on or before {waiting.requested_on_or_before}"
    return f"requested from {waiting.requested_since} to {waiting.requested_on_or_before}"


def summary_to_text(summary: Summary) -> str:
    """The summary for a terminal: a headline, then every table."""
    tz = summary.tz
    current = summary.current
    disp = current.by_disposition
    money = ", ".join(f"{money_text(a)} {c}" for c, a in current.reimbursement_total.items()) or "none"
    lines = [
        f"RMA Desk summary: {summary.label}",
        f"Window: {range_label(summary.start, summary.end, tz)} {summary.tz_name} "
        f"({_iso(summary.start)} to {_iso(summary.end)}), generated {_local(summary.generated_at, tz)}",
        f"Units decided: {current.units} (sellable {disp['sellable']}, carrier-damaged "
        f"{disp['carrier_damaged']}, seller-fault {disp['seller_fault']}); "
        f"{_num(current.units_per_hour) or '-'} units/h; "
        f"median {_num(current.seconds_per_unit.median) or '-'} s per unit",
        f"Expected reimbursement: {money}. Waiting: {summary.waiting.count} authorizations "
        f"{waiting_span(summary.waiting)}.",
        f"Compared with: {summary.previous_label}",
    ]
    if summary.alerts:
        lines.append(
            "ALERTS: " + "; ".join(f"{a.sku} {a.reason} {a.count}/{a.returns}" for a in summary.alerts)
        )
    for name, (header, rows) in summary_tables(summary).items():
        lines += ["", TABLE_TITLES[name], *_text_table(header, rows)]
    return "\n".join(lines) + "\n"


def summary_json_text(summary: Summary) -> str:
    return json.dumps(summary_to_json(summary), indent=2, ensure_ascii=False) + "\n"
