"""The figures of a window read from its current outcomes: one GROUP BY per figure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, literal, literal_column, select
from sqlalchemy.orm import Session
from sqlalchemy.types import Integer

from rmadesk.store.models import Authorization, Outcome, ReimbursementLineRow, StockMovement, Unit
from rmadesk.store.types import Money, UTCDateTime
from rmadesk.summary.figures import (
    RATE,
    BenchFigures,
    ComponentTotal,
    DurationStats,
    HourCount,
    InspectorFigures,
    RestockCount,
    empty_dispositions,
    hours_between,
    ratio,
)
from rmadesk.summary.sql import (
    BUCKET_SECONDS,
    Window,
    bucket_start,
    bytewise,
    current_in,
    epoch_bucket,
    millis_between,
    outcomes,
    seconds_between,
    tagged,
)

MAX_FILLED_HOURS = 31 * 24  # beyond a month, the hours table lists only hours with decisions


@dataclass
class Person:
    """What one inspector's group rows add up to."""

    units: int = 0
    by_disposition: dict[str, int] = field(default_factory=empty_dispositions)
    overrides: int = 0
    timed: int = 0
    first: datetime | None = None
    last: datetime | None = None


@dataclass
class Groups:
    """The GROUP BY of a window, folded per dimension (a few hundred group rows at most).

    Attributes:
        outcome_ids / auth_ids: PostgreSQL: the smallest and largest outcome and authorization ids
            of the window's outcomes, so that joins read only that range of the other tables (their
            rows come roughly in time order).
    """

    units: int = 0
    by_disposition: dict[str, int] = field(default_factory=empty_dispositions)
    by_inspector: dict[str, Person] = field(default_factory=dict)
    by_bench: dict[str, dict[str, int]] = field(default_factory=dict)
    overrides: int = 0
    restocked: int = 0
    timed: int = 0
    seconds: float = 0.0
    money: dict[str, Decimal] = field(default_factory=dict)
    outcome_ids: tuple[int, int] | None = None
    auth_ids: tuple[int, int] | None = None

    def add(self, row: Any) -> None:
        """One group row: the outcomes of one inspector, bench, disposition and currency."""
        n, overrides, timed = int(row.units), int(row.overrides), int(row.timed)
        self.units += n
        self.by_disposition[row.disposition] += n
        self.overrides += overrides
        self.restocked += int(row.restocked)
        self.timed += timed
        self.seconds += float(row.seconds or 0)
        self.money[row.currency] = self.money.get(row.currency, Decimal("0")) + (row.money or Decimal("0"))
        self.outcome_ids = _widen(self.outcome_ids, row.first_id, row.last_id)
        self.auth_ids = _widen(self.auth_ids, row.first_auth, row.last_auth)
        person = self.by_inspector.setdefault(row.inspector, Person())
        person.units += n
        person.by_disposition[row.disposition] += n
        person.overrides += overrides
        person.timed += timed
        person.first = min(person.first or row.first_at, row.first_at)
        person.last = max(person.last or row.last_at, row.last_at)
        self.by_bench.setdefault(row.bench, empty_dispositions())[row.disposition] += n


def _widen(bounds: tuple[int, int] | None, low: int | None, high: int | None) -> tuple[int, int] | None:
    if low is None or high is None:
        return bounds
    return (low, high) if bounds is None else (min(bounds[0], low), max(bounds[1], high))


def _id_range(column: Any, bounds: tuple[int, int] | None) -> ColumnElement[bool]:
    """PostgreSQL: ``column`` within the bounds (none: nothing matches, the window has no outcomes)."""
    if bounds is None:
        return literal_column("false")
    return column.between(*bounds)


def read_groups(session: Session, dialect: str, windows: Sequence[Window]) -> list[Groups]:
    """One GROUP BY window, inspector, bench, disposition, currency over every window (PostgreSQL
    aggregates it in a hash table, reading the covering time index of migration 0007 once).

    SQLite groups each window in its own statement, straight from the outcomes: in the order of the
    covering index of migration 0015 (inspector, bench, currency, disposition, then the time), a skip
    scan of that index reads each group's range of the window and needs no sort, where a UNION ALL of
    the windows would be read row by row through the time index and sorted."""
    groups = [Groups() for _ in windows]
    if dialect == "sqlite":
        o = Outcome.__table__
        for number, (start, end) in enumerate(windows):
            for row in session.execute(_group_statement(dialect, o, current_in(dialect, start, end))):
                groups[number].add(row)
        return groups
    rows = tagged(dialect, windows, *_GROUPED_COLUMNS)
    for row in session.execute(_group_statement(dialect, rows, None, rows.c.w)):
        groups[int(row.w)].add(row)
    return groups


_GROUPED_COLUMNS = tuple(
    Outcome.__table__.c[name]
    for name in (
        "inspector",
        "bench",
        "disposition",
        "currency",
        "restocked",
        "reimbursement_total",
        "scanned_at",
        "decided_at",
        "id",
        "authorization_id",
    )
) + (
    and_(
        Outcome.__table__.c.recommended.is_not(None),
        Outcome.__table__.c.recommended != Outcome.__table__.c.disposition,
    ).label("override"),
)


def _group_statement(dialect: str, rows: Any, where: ColumnElement[bool] | None, *tags: Any) -> Select[Any]:
    """The group rows of Groups.add over rows (the outcomes themselves, or the tagged windows)."""
    c = rows.c
    if where is not None:  # the outcome table: its override is an expression, not a column
        override = and_(c.recommended.is_not(None), c.recommended != c.disposition)
    else:
        override = c.override
    keys = [*tags, c.inspector, c.bench, c.disposition, c.currency]
    stmt = select(
        *keys,
        func.count().label("units"),
        func.count().filter(override).label("overrides"),
        func.count().filter(c.restocked).label("restocked"),
        func.sum(c.reimbursement_total, type_=Money()).label("money"),
        func.count(c.scanned_at).label("timed"),
        _seconds_sum(dialect, rows).label("seconds"),
        func.min(func.coalesce(c.scanned_at, c.decided_at), type_=UTCDateTime()).label("first_at"),
        func.max(c.decided_at, type_=UTCDateTime()).label("last_at"),
        func.min(c.id).label("first_id"),
        func.max(c.id).label("last_id"),
        func.min(c.authorization_id).label("first_auth"),
        func.max(c.authorization_id).label("last_auth"),
    ).select_from(rows)
    if where is not None:
        stmt = stmt.where(where)
    # SQLite: grouped in the covering index's own column order, so its rows come already grouped.
    order = [*tags, c.inspector, c.bench, c.currency, c.disposition] if dialect == "sqlite" else keys
    return stmt.group_by(*order)


def _seconds_sum(dialect: str, rows: Any) -> ColumnElement[Any]:
    # SQLite adds up the whole milliseconds it reads for the medians anyway (read_durations); parsing
    # every time twice more here would cost as much again.
    if dialect == "sqlite":
        return literal_column("0")
    return func.sum(seconds_between(dialect, rows.c.decided_at, rows.c.scanned_at))


Durations = tuple[DurationStats, DurationStats]  # seconds per unit, hours from arrival to decision


def read_durations(
    session: Session, dialect: str, windows: Sequence[Window], groups: Sequence[Groups]
) -> tuple[list[Durations], dict[str, float]]:
    """Per window: seconds per unit (scan to decision) and hours from arrival to decision; and each
    inspector's median seconds per unit in the first window.

    Arrival is the authorization's arrived_at (the bench sets it to the scan of its first decision),
    else the scan of the unit itself. PostgreSQL takes its medians with percentile_cont; SQLite, which
    has no percentile, hands over the window's durations in whole milliseconds and they are taken here.
    """
    if dialect == "postgresql":
        return _durations_postgresql(session, windows, groups), _inspector_medians(session, windows[0])
    return _durations_sqlite(session, windows, groups)


def _durations_postgresql(
    session: Session, windows: Sequence[Window], groups: Sequence[Groups]
) -> list[Durations]:
    o = Outcome.__table__
    rows = tagged("postgresql", windows, o.c.authorization_id, o.c.scanned_at, o.c.decided_at)
    seconds = seconds_between("postgresql", rows.c.decided_at, rows.c.scanned_at)
    arrival = seconds_between(
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
    values = session.execute(select(*columns).select_from(joined)).one()
    result = []
    for number, window in enumerate(groups):
        median, count, total, arrival_median = values[number * 4 : number * 4 + 4]
        average = window.seconds / window.timed if window.timed else None
        result.append(
            (
                DurationStats(window.timed, _round(median), _round(average)),
                DurationStats(
                    int(count), _round(arrival_median, 3600), _round(total / count if count else None, 3600)
                ),
            )
        )
    return result


def _inspector_medians(session: Session, window: Window) -> dict[str, float]:
    """PostgreSQL: percentile_cont per inspector, grouped on the bytes of the name (sorting by the
    locale's collation costs several times more, and only equality matters here)."""
    o = Outcome.__table__
    seconds = seconds_between("postgresql", o.c.decided_at, o.c.scanned_at)
    name = bytewise("postgresql", o.c.inspector)
    stmt = (
        select(name, func.percentile_cont(0.5).within_group(seconds))
        .where(current_in("postgresql", *window), o.c.scanned_at.is_not(None))
        .group_by(name)
    )
    return {name: float(median) for name, median in session.execute(stmt) if median is not None}


def _durations_sqlite(
    session: Session, windows: Sequence[Window], groups: Sequence[Groups]
) -> tuple[list[Durations], dict[str, float]]:
    o, auth = Outcome.__table__, Authorization.__table__
    arrived = func.coalesce(auth.c.arrived_at, o.c.scanned_at)
    scans: list[list[int]] = [[] for _ in windows]
    arrivals: list[list[int]] = [[] for _ in windows]
    by_inspector: dict[str, list[int]] = {}
    # A statement per window, like read_groups. SQLite has no percentile, so the durations themselves
    # come over, each inspector's as one comma-separated text (group_concat leaves out NULLs): a
    # handful of rows to parse instead of a row per outcome, which costs several times as much.
    for w, (start, end) in enumerate(windows):
        durations = (
            select(
                o.c.inspector.label("inspector"),
                millis_between("sqlite", o.c.decided_at, o.c.scanned_at).label("scan"),
                millis_between("sqlite", o.c.decided_at, arrived).label("arrival"),
            )
            .select_from(o.outerjoin(auth, auth.c.id == o.c.authorization_id))
            .where(current_in("sqlite", start, end))
            .subquery("durations")
        )
        stmt = select(
            durations.c.inspector if w == 0 else literal_column("NULL"),
            func.group_concat(durations.c.scan),
            func.group_concat(durations.c.arrival),
        )
        if w == 0:  # each inspector's median is of this window only
            stmt = stmt.group_by(durations.c.inspector)
        for inspector, scan_text, arrival_text in session.execute(stmt):
            scan = _integers(scan_text)
            scans[w] += scan
            arrivals[w] += _integers(arrival_text)
            if w == 0 and scan:
                by_inspector[inspector] = scan
    result = []
    for window, scan_ms, arrival_ms in zip(groups, scans, arrivals, strict=True):
        window.seconds = sum(scan_ms) / 1000  # the whole milliseconds the median is taken from
        count = len(arrival_ms)
        result.append(
            (
                DurationStats(
                    window.timed,
                    _round(_median(scan_ms), 1000),
                    _round(window.seconds / window.timed if window.timed else None),
                ),
                DurationStats(
                    count,
                    _round(_median(arrival_ms), 3600 * 1000),
                    _round(sum(arrival_ms) / count if count else None, 3600 * 1000),
                ),
            )
        )
    medians = {
        name: median / 1000
        for name, values in by_inspector.items()
        if (median := _median(values)) is not None
    }
    return result, medians


def _integers(text: str | None) -> list[int]:
    return [int(value) for value in text.split(",")] if text else []


def _median(values: list[int]) -> float | None:
    if not values:
        return None
    values.sort()
    middle = len(values) // 2
    return (values[(len(values) - 1) // 2] + values[middle]) / 2


def _round(seconds: float | Decimal | None, per: int = 1, places: int = 3) -> float | None:
    return None if seconds is None else round(float(seconds) / per, places)


def inspectors(groups: Groups, medians: dict[str, float], hours: Decimal) -> tuple[InspectorFigures, ...]:
    result = []
    for name, person in groups.by_inspector.items():
        active = hours_between(person.first, person.last) if person.first and person.last else Decimal(0)
        result.append(
            InspectorFigures(
                inspector=name,
                units=person.units,
                by_disposition=person.by_disposition,
                units_per_hour=ratio(person.units, hours, RATE),
                active_hours=active.quantize(RATE, ROUND_HALF_UP) if active > 0 else None,
                units_per_active_hour=ratio(person.units, active, RATE) if active > 0 else None,
                median_seconds=_round(medians.get(name)),
                overrides=person.overrides,
                override_share=ratio(person.overrides, person.units),
            )
        )
    return tuple(sorted(result, key=lambda i: (-i.units, i.inspector)))


def benches(groups: Groups) -> tuple[BenchFigures, ...]:
    found = (BenchFigures(name, sum(disp.values()), disp) for name, disp in groups.by_bench.items())
    return tuple(sorted(found, key=lambda b: (-b.units, b.bench)))


def _bucket_counts(session: Session, dialect: str, start: datetime, end: datetime) -> list[tuple[int, int]]:
    """Current outcomes per UTC quarter hour of [start, end): (bucket number, count).

    Counting needs no row: each quarter hour is one range of the time index, counted from the index
    alone; the outcomes in it that are not current (taken back) are few, found through the partial
    index of migration 0004, and subtracted. A window longer than a month groups instead.
    """
    if end - start > timedelta(hours=MAX_FILLED_HOURS):
        bucket = epoch_bucket(dialect, Outcome.decided_at, BUCKET_SECONDS)
        stmt = outcomes(bucket, func.count()).where(current_in(dialect, start, end)).group_by(bucket)
        return [(int(n), int(count)) for n, count in session.execute(stmt)]
    first = int(start.timestamp()) // BUCKET_SECONDS
    last = -(-int(end.timestamp()) // BUCKET_SECONDS)
    numbers = select(literal(first, Integer).label("n")).cte("buckets", recursive=True)
    numbers = numbers.union_all(select(numbers.c.n + 1).where(numbers.c.n + 1 < last))
    # One range per quarter hour (the window's ends clip the first and last), so that the planner
    # seeks each range in the time index rather than scanning the window's for each.
    greatest, least = (func.max, func.min) if dialect == "sqlite" else (func.greatest, func.least)
    low = greatest(bucket_start(dialect, numbers.c.n), literal(start, UTCDateTime()))
    high = least(bucket_start(dialect, numbers.c.n + 1), literal(end, UTCDateTime()))
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
            epoch_bucket(dialect, o.c.decided_at, BUCKET_SECONDS).label("n"), func.count().label("taken_back")
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


def by_hour(
    session: Session, dialect: str, start: datetime, end: datetime, tz: tzinfo
) -> tuple[tuple[HourCount, ...], tuple[int, ...]]:
    """Units per local hour: SQL counts per UTC quarter hour, and the (at most 96 a day) quarter hours
    are added up into the local hour they belong to, so no zone arithmetic runs in SQL."""
    rows = _bucket_counts(session, dialect, start, end)
    offsets: dict[int, int] = {}

    def hour_of(moment: int) -> int:
        """The UTC second the local hour holding UTC second ``moment`` (a quarter hour's start) starts."""
        offset = offsets.get(moment)
        if offset is None:
            delta = datetime.fromtimestamp(moment, tz).utcoffset()
            offset = offsets[moment] = int(delta.total_seconds()) if delta else 0
        return moment - (moment + offset) % 3600

    hours: dict[int, int] = {}
    if end - start <= timedelta(hours=MAX_FILLED_HOURS):
        moment = int(start.timestamp()) // BUCKET_SECONDS * BUCKET_SECONDS
        last = end.timestamp()
        while moment < last:
            hours.setdefault(hour_of(moment), 0)
            moment += BUCKET_SECONDS
    for number, count in rows:
        key = hour_of(int(number) * BUCKET_SECONDS)
        hours[key] = hours.get(key, 0) + int(count)
    listed = tuple(
        HourCount(datetime.fromtimestamp(k, UTC), datetime.fromtimestamp(k, tz), hours[k])
        for k in sorted(hours)
    )
    of_day = [0] * 24
    for hour in listed:
        of_day[hour.local_start.hour] += hour.units
    return listed, tuple(of_day)


def _of_window_outcomes(
    dialect: str, outcome_id: Any, window: Window, groups: Groups, *where: Any
) -> tuple[Any, list[ColumnElement[bool]]]:
    """How rows of another table (lines, movements) are tied to the window's current outcomes: the
    FROM (a join on outcome_id) and the WHERE. On PostgreSQL the other table is read only within the
    window's range of outcome ids (its rows come roughly in the order of their outcomes), so that it
    is not scanned whole to be hashed; SQLite looks each outcome's rows up in its index anyway."""
    joined = Outcome.__table__.join(outcome_id.table, outcome_id == Outcome.id)
    in_range = [_id_range(outcome_id, groups.outcome_ids)] if dialect == "postgresql" else []
    return joined, [current_in(dialect, *window), *where, *in_range]


def components(session: Session, dialect: str, window: Window, groups: Groups) -> tuple[ComponentTotal, ...]:
    line = ReimbursementLineRow.__table__
    source, where = _of_window_outcomes(dialect, line.c.outcome_id, window, groups)
    stmt = (
        select(line.c.component, line.c.currency, func.sum(line.c.amount, type_=Money()))
        .select_from(source)
        .where(*where)
        .group_by(line.c.component, line.c.currency)
        .order_by(line.c.currency, line.c.component)
    )
    return tuple(ComponentTotal(c, cur, amount) for c, cur, amount in session.execute(stmt))


def restocked(session: Session, dialect: str, window: Window, groups: Groups) -> tuple[RestockCount, ...]:
    move = StockMovement.__table__
    source, where = _of_window_outcomes(
        dialect, move.c.outcome_id, window, groups, Outcome.restocked.is_(True)
    )
    stmt = (
        select(move.c.sku, move.c.location, func.sum(move.c.quantity))
        .select_from(source)
        .where(*where, move.c.sellable.is_(True))
        .group_by(move.c.sku, move.c.location)
    )
    rows = [RestockCount(sku, location, int(n)) for sku, location, n in session.execute(stmt)]
    return tuple(sorted(rows, key=lambda r: (-r.units, r.sku, r.location)))
