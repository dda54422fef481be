"""Shift summaries and return analytics, aggregated in the database, as text, CSV, JSON and PDF."""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, TextIO

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
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
from sqlalchemy.types import BigInteger, Float

from rmadesk.domain.errors import UserError
from rmadesk.domain.model import Disposition
from rmadesk.domain.shifts import zone_name
from rmadesk.store.models import (
    DISPOSITIONS,
    Authorization,
    Outcome,
    ReimbursementLineRow,
    StockMovement,
    Unit,
)
from rmadesk.store.types import Money, utcnow
from rmadesk.store.uow import Store

BUCKET_SECONDS = 900  # every time zone's offset is a whole number of quarter hours
MAX_FILLED_HOURS = 31 * 24  # beyond a month, the hours table lists only hours with decisions
OLDEST_WAITING = 10
MAX_UNION_ARMS = 200
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


def _seconds_between(dialect: str, later: Any, earlier: Any) -> ColumnElement[float]:
    """later - earlier in seconds, as a float, on either database."""
    if dialect == "sqlite":
        # Times are stored as UTC text; julianday() parses it with its fraction of a second.
        return (func.julianday(later) - func.julianday(earlier)) * 86400.0
    return cast(func.extract("epoch", later - earlier), Float)


def _bucket(dialect: str, moment: Any) -> ColumnElement[int]:
    """The number of the UTC quarter hour a time falls in (seconds since 1970 // 900)."""
    if dialect == "sqlite":
        return cast(func.strftime("%s", moment), BigInteger) // BUCKET_SECONDS
    return cast(func.floor(func.extract("epoch", moment) / BUCKET_SECONDS), BigInteger)


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
    zero = literal_column("0")
    moved = Unit.__table__.alias("moved")
    window = and_(Outcome.decided_at >= start, Outcome.decided_at < end)
    if dialect == "sqlite":
        moved_on = select(moved.c.id).where(moved.c.attempt != zero)
        redone = select(moved.c.id, moved.c.attempt).where(moved.c.attempt != zero)
        return and_(
            window,
            or_(
                and_(Outcome.attempt == zero, Outcome.unit_id.not_in(moved_on)),
                and_(Outcome.attempt != zero, tuple_(Outcome.unit_id, Outcome.attempt).in_(redone)),
            ),
        )
    same_unit = and_(moved.c.attempt != zero, moved.c.id == Outcome.unit_id)
    return and_(
        window,
        ~exists().where(same_unit, moved.c.attempt != Outcome.attempt),
        or_(Outcome.attempt == zero, exists().where(same_unit, moved.c.attempt == Outcome.attempt)),
    )


def _outcomes(*columns: Any) -> Select[Any]:
    return select(*columns).select_from(Outcome)


def _median(
    session: Session, value: ColumnElement[Any], where: ColumnElement[bool], count: int, *, joins: Any = ()
) -> float | None:
    """The median of ``value`` over the ``count`` rows where it is not null.

    The middle row, or the mean of the two middle rows, read with ORDER BY ... OFFSET: the same
    arithmetic on SQLite (which has no percentile function) and PostgreSQL, and one sort.
    """
    if count <= 0:
        return None
    stmt = _outcomes(value)
    for target, on in joins:
        stmt = stmt.join(target, on)
    stmt = stmt.where(where, value.is_not(None)).order_by(value).offset((count - 1) // 2).limit(2 - count % 2)
    middle = [float(v) for v in session.scalars(stmt)]
    return sum(middle) / len(middle) if middle else None


def _inspector_medians(
    session: Session, value: ColumnElement[Any], where: ColumnElement[bool], counts: Mapping[str, int]
) -> dict[str, float]:
    """The median of ``value`` per inspector, given each one's count of non-null values.

    One arm per inspector, each ORDER BY ... OFFSET over that inspector's decisions only, read from
    the covering (inspector, decided_at, ...) index of migration 0004, all joined with UNION ALL:
    many small sorts instead of one big one, and only the middle rows leave the database.
    """
    arms = []
    for name, count in sorted(counts.items()):
        if count <= 0:
            continue
        middle = (
            _outcomes(value.label("v"))
            .where(Outcome.inspector == name, where, value.is_not(None))
            .order_by(value)
            .offset((count - 1) // 2)
            .limit(2 - count % 2)
            .subquery()
        )
        arms.append(select(literal(name).label("g"), func.avg(middle.c.v).label("m")))
    medians: dict[str, float] = {}
    # SQLite joins at most 500 SELECTs in one compound statement.
    for first in range(0, len(arms), MAX_UNION_ARMS):
        for name, median in session.execute(union_all(*arms[first : first + MAX_UNION_ARMS])):
            if median is not None:
                medians[name] = float(median)
    return medians


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


def _seconds_per_unit(dialect: str) -> ColumnElement[float]:
    return _seconds_between(dialect, Outcome.decided_at, Outcome.scanned_at)


def _base_groups(session: Session, dialect: str, start: datetime, end: datetime) -> _Groups:
    """One GROUP BY inspector, bench, disposition, currency with every count and sum the figures need."""
    override = case(
        (and_(Outcome.recommended.is_not(None), Outcome.recommended != Outcome.disposition), 1), else_=0
    )
    stmt = _outcomes(
        Outcome.inspector,
        Outcome.bench,
        Outcome.disposition,
        Outcome.currency,
        func.count(),
        func.sum(override),
        func.sum(case((Outcome.restocked.is_(True), 1), else_=0)),
        func.sum(Outcome.reimbursement_total, type_=Money()),
        func.count(Outcome.scanned_at),
        func.sum(_seconds_per_unit(dialect)),
        func.min(func.coalesce(Outcome.scanned_at, Outcome.decided_at), type_=Outcome.decided_at.type),
        func.max(Outcome.decided_at, type_=Outcome.decided_at.type),
    ).where(_current_in(dialect, start, end))
    stmt = stmt.group_by(Outcome.inspector, Outcome.bench, Outcome.disposition, Outcome.currency)
    groups = _Groups()
    for row in session.execute(stmt):
        (
            inspector,
            bench,
            disposition,
            currency,
            n,
            overrides,
            restocked,
            money,
            timed,
            seconds,
            first,
            last,
        ) = row
        groups.units += n
        groups.by_disposition[disposition] += n
        groups.overrides += int(overrides or 0)
        groups.restocked += int(restocked or 0)
        groups.timed += int(timed)
        groups.seconds += float(seconds or 0)
        groups.money[currency] = groups.money.get(currency, Decimal("0")) + (money or Decimal("0"))
        person = groups.by_inspector.setdefault(
            inspector,
            {
                "units": 0,
                "disp": _empty_dispositions(),
                "overrides": 0,
                "timed": 0,
                "first": first,
                "last": last,
            },
        )
        person["units"] += n
        person["disp"][disposition] += n
        person["overrides"] += int(overrides or 0)
        person["timed"] += int(timed)
        person["first"] = min(person["first"], first)
        person["last"] = max(person["last"], last)
        bench_row = groups.by_bench.setdefault(bench, _empty_dispositions())
        bench_row[disposition] += n
    return groups


def _arrival_hours(session: Session, dialect: str, start: datetime, end: datetime) -> DurationStats:
    """Arrival to decision, in hours, per unit decided in the window.

    Arrival is the authorization's arrived_at (the bench sets it to the scan of its first decision),
    else the scan of the unit itself: the same instant wherever the bench wrote it, and a fallback
    that keeps the statement a plain join (a correlated look-up for the authorization's first scan
    made PostgreSQL's planner hash the whole authorization table for a single shift).
    """
    seconds = _seconds_between(
        dialect, Outcome.decided_at, func.coalesce(Authorization.arrived_at, Outcome.scanned_at)
    )
    joins = [(Unit, Unit.id == Outcome.unit_id), (Authorization, Authorization.id == Unit.authorization_id)]
    where = _current_in(dialect, start, end)
    stmt = _outcomes(func.count(seconds), func.avg(seconds))
    for target, on in joins:
        stmt = stmt.join(target, on)
    count, average = session.execute(stmt.where(where)).one()
    median = _median(session, seconds, where, int(count), joins=joins)
    return DurationStats(int(count), _round(median, 3600), _round(average, 3600))


def _round(seconds: float | Decimal | None, per: int = 1, places: int = 3) -> float | None:
    return None if seconds is None else round(float(seconds) / per, places)


def _window_figures(
    session: Session, dialect: str, start: datetime, end: datetime, now: datetime
) -> tuple[WindowFigures, _Groups]:
    groups = _base_groups(session, dialect, start, end)
    hours = _hours(start, min(max(now, start), end))
    median = _median(session, _seconds_per_unit(dialect), _current_in(dialect, start, end), groups.timed)
    average = groups.seconds / groups.timed if groups.timed else None
    figures = WindowFigures(
        start=start,
        end=end,
        hours=hours.quantize(Decimal("0.001"), ROUND_HALF_UP),
        units=groups.units,
        by_disposition=dict(groups.by_disposition),
        units_per_hour=_ratio(groups.units, hours, _RATE),
        seconds_per_unit=DurationStats(groups.timed, _round(median), _round(average)),
        overrides=groups.overrides,
        override_share=_ratio(groups.overrides, groups.units),
        restocked_units=groups.restocked,
        reimbursement_total=dict(sorted(groups.money.items())),
        arrival_to_decision_hours=_arrival_hours(session, dialect, start, end),
    )
    return figures, groups


def _hour_key(bucket_start: datetime, tz: tzinfo) -> datetime:
    local = bucket_start.astimezone(tz)
    return bucket_start - timedelta(
        minutes=local.minute, seconds=local.second, microseconds=local.microsecond
    )


def _by_hour(
    session: Session, dialect: str, start: datetime, end: datetime, tz: tzinfo
) -> tuple[tuple[HourCount, ...], tuple[int, ...]]:
    """Units per local hour: SQL counts per UTC quarter hour, and the (at most 96 a day) quarter hours
    are added up into the local hour they belong to, so no zone arithmetic runs in SQL."""
    bucket = _bucket(dialect, Outcome.decided_at)
    rows = session.execute(
        _outcomes(bucket, func.count()).where(_current_in(dialect, start, end)).group_by(bucket)
    ).all()
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


def _inspectors(
    session: Session, dialect: str, start: datetime, end: datetime, groups: _Groups, hours: Decimal
) -> tuple[InspectorFigures, ...]:
    medians = _inspector_medians(
        session,
        _seconds_per_unit(dialect),
        _current_in(dialect, start, end),
        {name: person["timed"] for name, person in groups.by_inspector.items()},
    )
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


def _components(session: Session, dialect: str, start: datetime, end: datetime) -> tuple[ComponentTotal, ...]:
    line = ReimbursementLineRow
    stmt = (
        _outcomes(line.component, line.currency, func.sum(line.amount, type_=Money()))
        .join(line, line.outcome_id == Outcome.id)
        .where(_current_in(dialect, start, end))
        .group_by(line.component, line.currency)
        .order_by(line.currency, line.component)
    )
    return tuple(ComponentTotal(c, cur, amount) for c, cur, amount in session.execute(stmt))


def _restocked(session: Session, dialect: str, start: datetime, end: datetime) -> tuple[RestockCount, ...]:
    move = StockMovement
    stmt = (
        _outcomes(move.sku, move.location, func.sum(move.quantity))
        .join(move, move.outcome_id == Outcome.id)
        .where(_current_in(dialect, start, end), Outcome.restocked.is_(True), move.sellable.is_(True))
        .group_by(move.sku, move.location)
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

    Without a horizon the undecided units are found first, in one pass over all units (an anti-join
    on the outcome's unique (unit_id, attempt) index), and only their authorizations are read: the
    cost grows with the database. With one, the authorizations of those days are read through the
    request_date index of migration 0003 and only their units are checked.
    """
    cutoff = waiting_cutoff(now, tz, waiting_hours)
    since = (now.astimezone(tz) - timedelta(days=within_days)).date() if within_days is not None else None
    decided = exists().where(Outcome.unit_id == Unit.id, Outcome.attempt == Unit.attempt)
    undecided: Any = select(Unit.authorization_id.label("auth_id")).where(~decided)
    if since is not None:
        undecided = undecided.join(Authorization, Authorization.id == Unit.authorization_id).where(
            Authorization.request_date >= since, Authorization.request_date <= cutoff
        )
    if dialect == "sqlite" and since is None:
        # Materialized, so that SQLite reads the units in table order (one sequential pass probing
        # the outcome index) instead of through the (authorization_id, seq) index to spare a sort.
        undecided = undecided.cte("undecided").prefix_with("MATERIALIZED")
    else:
        undecided = undecided.subquery("undecided")
    open_units = (
        select(undecided.c.auth_id, func.count().label("undecided")).group_by(undecided.c.auth_id).subquery()
    )
    stmt = (
        select(
            Authorization.id,
            Authorization.rma_id,
            Authorization.merchant_rma_id,
            Authorization.order_id,
            Authorization.sku,
            Authorization.request_date,
            Authorization.quantity,
            open_units.c.undecided,
            func.count().over().label("auths"),
            func.sum(open_units.c.undecided).over().label("units"),
        )
        .join(open_units, open_units.c.auth_id == Authorization.id)
        .where(Authorization.request_date <= cutoff)
        .order_by(Authorization.request_date, Authorization.id)
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


def _reasons(
    session: Session,
    dialect: str,
    start: datetime,
    end: datetime,
    alert_share: Decimal,
    alert_min_count: int,
    top_skus: int,
    top_reasons: int,
) -> tuple[int, int, tuple[SkuReasons, ...], tuple[ReasonAlert, ...]]:
    """Pareto lists and alerts from one statement: (sku, reason) counts of distinct authorizations,
    window sums for the SKU total and running total, then a rank of the SKUs by returns."""
    sku = _bytewise(dialect, Authorization.sku)
    # A literal, not a bound parameter: PostgreSQL must see the GROUP BY expression in the SELECT.
    reason_or_blank = func.coalesce(Authorization.reason, literal_column("''"))
    reason = _bytewise(dialect, reason_or_blank)
    n = func.count(func.distinct(Authorization.id))
    ordered = [n.desc(), reason]
    grouped = (
        _outcomes(
            Authorization.sku.label("sku"),
            reason_or_blank.label("reason"),
            n.label("n"),
            func.sum(n).over(partition_by=sku).label("total"),
            func.sum(n).over(partition_by=sku, order_by=ordered, rows=(None, 0)).label("cum"),
            func.row_number().over(partition_by=sku, order_by=ordered).label("rn"),
        )
        .join(Unit, Unit.id == Outcome.unit_id)
        .join(Authorization, Authorization.id == Unit.authorization_id)
        .where(_current_in(dialect, start, end))
        .group_by(Authorization.sku, reason_or_blank)
        .subquery()
    )
    ranked = select(
        grouped,
        func.dense_rank()
        .over(order_by=[grouped.c.total.desc(), _bytewise(dialect, grouped.c.sku)])
        .label("sku_rank"),
    ).subquery()
    counted = select(
        ranked,
        func.max(ranked.c.sku_rank).over().label("skus"),
        func.sum(ranked.c.n).over().label("returns"),
    ).subquery()
    numerator, denominator = _share_fraction(alert_share)
    is_alert = and_(counted.c.n >= alert_min_count, counted.c.n * denominator >= counted.c.total * numerator)
    listed = and_(counted.c.sku_rank <= top_skus, counted.c.rn <= top_reasons)
    rows = session.execute(
        select(counted).where(or_(listed, is_alert)).order_by(counted.c.sku_rank, counted.c.rn)
    ).all()
    skus: dict[str, SkuReasons] = {}
    alerts: list[ReasonAlert] = []
    skus_returned = returns = 0
    for row in rows:
        skus_returned, returns = int(row.skus), int(row.returns)
        count, total = int(row.n), int(row.total)
        label = row.reason or NO_REASON
        if row.sku_rank <= top_skus and row.rn <= top_reasons:
            entry = skus.setdefault(row.sku, SkuReasons(row.sku, total, ()))
            line = ReasonShare(
                label, count, _ratio(count, total) or Decimal(0), _ratio(int(row.cum), total) or Decimal(0)
            )
            skus[row.sku] = SkuReasons(entry.sku, entry.returns, (*entry.reasons, line))
        if count >= alert_min_count and count * denominator >= total * numerator:
            alerts.append(ReasonAlert(row.sku, label, count, total, _ratio(count, total) or Decimal(0)))
    alerts.sort(key=lambda a: (-a.share, -a.count, a.sku))
    return skus_returned, returns, tuple(skus.values()), tuple(alerts)


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
) -> Summary:
    """Every figure of [start, end), each aggregated in the database, read in one transaction.

    ``previous`` is the window compared against (default: the same length right before ``start``;
    a caller passes the previous shift or last week, whose lengths differ when the clocks change).
    ``now`` (default: the present) bounds the elapsed hours of a running window and dates the
    waiting list; ``waiting_within_days`` leaves out authorizations requested longer ago than that
    (returns that never came), and keeps that figure's cost from growing with the database.
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
        current, groups = _window_figures(session, dialect, start, end, now)
        before, _ = _window_figures(
            session, dialect, prev_start.astimezone(UTC), prev_end.astimezone(UTC), now
        )
        by_hour, of_day = _by_hour(session, dialect, start, end, tz)
        inspectors = _inspectors(session, dialect, start, end, groups, current.hours)
        components = _components(session, dialect, start, end)
        restocked = _restocked(session, dialect, start, end)
        waiting = _waiting(session, dialect, now, tz, waiting_hours, waiting_within_days)
        skus_returned, returns, reasons, alerts = _reasons(
            session, dialect, start, end, alert_share, alert_min_count, top_skus, top_reasons
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
