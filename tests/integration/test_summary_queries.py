"""The summary's faster queries give what the earlier, plainer ones gave, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import and_, func, insert, literal_column, select, union_all, update
from sqlalchemy.orm import Session

from rmadesk.store import auth_status
from rmadesk.store.models import Authorization, Outcome, Unit
from rmadesk.store.uow import Store
from rmadesk.summary import queries, returns, sql
from rmadesk.summary.figures import HourCount, Waiting, WaitingAuthorization
from rmadesk.summary.sql import BUCKET_SECONDS
from tests.perf.bench_summary import FIRST_DAY, TZ, load

DAYS = 7
OUTCOMES = 3000
SHIFT_HOURS = 8


@pytest.fixture
def loaded(store: Store) -> Iterator[Store]:
    """A week of outcomes; some returns with further items; undecided units requested on many days."""
    load(store, OUTCOMES, DAYS)
    with store.unit_of_work() as session:
        auth_ids = session.scalars(select(Authorization.id).order_by(Authorization.id)).all()
        next_id = (session.scalar(select(func.max(Unit.id))) or 0) + 1
        rows = []
        for n, auth_id in enumerate(auth_ids[::7]):
            for item in range(1, 1 + n % 3):
                # A further item, twice for one of them (two units of the same item: one return).
                for copy in range(2 if n % 5 == 0 else 1):
                    rows.append(
                        {
                            "id": next_id,
                            "authorization_id": auth_id,
                            "seq": 100 + item * 10 + copy,
                            "attempt": 0,
                            "item_seq": item,
                            "item_sku": f"ITEM-{n % 13:02d}",
                            "item_reason": None if n % 4 == 0 else f"REASON-{n % 3}",
                        }
                    )
                    next_id += 1
        session.execute(insert(Unit), rows)
        # Each further unit is one more of its return's quantity, undecided, as an import writes it.
        for auth_id, more in Counter(row["authorization_id"] for row in rows).items():
            session.execute(
                update(Authorization)
                .where(Authorization.id == auth_id)
                .values(quantity=Authorization.quantity + more)
            )
        # Spread the undecided returns' request dates (some without one) so that the cutoff and the
        # "within days" bound each leave some out.
        for n, auth_id in enumerate(auth_ids[::11]):
            day = None if n % 17 == 0 else FIRST_DAY + timedelta(days=n % 12 - 3)
            session.execute(update(Authorization).where(Authorization.id == auth_id).values(request_date=day))
        auth_status.refresh_all(session)
    yield store


def _old_waiting(
    session: Session, now: datetime, tz: tzinfo, waiting_hours: int, within_days: int | None
) -> Waiting:
    """The waiting list as it was read before: every authorization row, counted by a window function."""
    cutoff = returns.waiting_cutoff(now, tz, waiting_hours)
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
    stmt = (
        select(
            *(table.c[name] for name in names),
            open_units.c.undecided,
            func.count().over().label("auths"),
            func.sum(open_units.c.undecided).over().label("units"),
        )
        .select_from(open_units.join(table, table.c.id == open_units.c.auth_id))
        .where(*requested)
        .order_by(table.c.request_date, table.c.id)
        .limit(returns.OLDEST_WAITING)
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


def _old_reason_counts(session: Session, window: tuple[datetime, datetime]) -> list[Any]:
    """Returns per (sku, reason) as counted before: every item unit of the database read first."""
    auth, unit = Authorization.__table__, Unit.__table__
    decided_in = and_(auth.c.first_decided_at >= window[0], auth.c.first_decided_at < window[1])
    items = (
        select(unit.c.authorization_id, unit.c.item_seq, unit.c.item_sku, unit.c.item_reason)
        .where(unit.c.item_seq.is_not(None))
        .distinct()
        .subquery("items")
    )
    rows = union_all(
        select(auth.c.sku.label("sku"), auth.c.reason.label("reason")).where(decided_in),
        select(items.c.item_sku, items.c.item_reason)
        .select_from(items.join(auth, auth.c.id == items.c.authorization_id))
        .where(decided_in),
    ).subquery("returned")
    reason = func.coalesce(rows.c.reason, literal_column("''"))
    stmt = select(rows.c.sku, reason, func.count()).group_by(rows.c.sku, reason)
    return sorted(tuple(r) for r in session.execute(stmt))


def _old_by_hour(
    counts: list[tuple[int, int]], start: datetime, end: datetime, tz: tzinfo
) -> tuple[tuple[HourCount, ...], tuple[int, ...]]:
    """Quarter hours added up into local hours as before, one aware datetime at a time."""

    def hour_key(moment: datetime) -> datetime:
        local = moment.astimezone(tz)
        return moment - timedelta(minutes=local.minute, seconds=local.second, microseconds=local.microsecond)

    hours: dict[datetime, int] = {}
    if end - start <= timedelta(hours=queries.MAX_FILLED_HOURS):
        step = timedelta(seconds=BUCKET_SECONDS)
        moment = datetime.fromtimestamp(int(start.timestamp()) // BUCKET_SECONDS * BUCKET_SECONDS, UTC)
        while moment < end:
            hours.setdefault(hour_key(moment), 0)
            moment += step
    for number, count in counts:
        key = hour_key(datetime.fromtimestamp(int(number) * BUCKET_SECONDS, UTC))
        hours[key] = hours.get(key, 0) + int(count)
    listed = tuple(HourCount(k, k.astimezone(tz), hours[k]) for k in sorted(hours))
    of_day = [0] * 24
    for hour in listed:
        of_day[hour.local_start.hour] += hour.units
    return listed, tuple(of_day)


def _old_durations_sqlite(
    session: Session, windows: list[tuple[datetime, datetime]], groups: list[queries.Groups]
) -> tuple[list[Any], dict[str, float]]:
    """SQLite's durations as they were read before: a row per outcome."""
    o, auth = Outcome.__table__, Authorization.__table__
    arrived = func.coalesce(auth.c.arrived_at, o.c.scanned_at)
    scans: list[list[int]] = [[] for _ in windows]
    arrivals: list[list[int]] = [[] for _ in windows]
    by_inspector: dict[str, list[int]] = {}
    # A statement per window, like read_groups: the outcomes' columns come from their covering index.
    for w, (start, end) in enumerate(windows):
        stmt = (
            select(
                o.c.inspector,
                sql.millis_between("sqlite", o.c.decided_at, o.c.scanned_at),
                sql.millis_between("sqlite", o.c.decided_at, arrived),
            )
            .select_from(o.outerjoin(auth, auth.c.id == o.c.authorization_id))
            .where(sql.current_in("sqlite", start, end))
        )
        # Fetched at once and sorted out by comprehensions: a window may hold a million rows.
        rows = session.execute(stmt).all()
        scans[w] = [scan for _inspector, scan, _arrival in rows if scan is not None]
        arrivals[w] = [arrival for _inspector, _scan, arrival in rows if arrival is not None]
        if w == 0:
            for inspector, scan, _arrival in rows:
                if scan is not None:
                    by_inspector.setdefault(inspector, []).append(scan)
    result = []
    for window, scan_ms, arrival_ms in zip(groups, scans, arrivals, strict=True):
        window.seconds = sum(scan_ms) / 1000  # the whole milliseconds the median is taken from
        count = len(arrival_ms)
        result.append(
            (
                queries.DurationStats(
                    window.timed,
                    queries._round(queries._median(scan_ms), 1000),
                    queries._round(window.seconds / window.timed if window.timed else None),
                ),
                queries.DurationStats(
                    count,
                    queries._round(queries._median(arrival_ms), 3600 * 1000),
                    queries._round(sum(arrival_ms) / count if count else None, 3600 * 1000),
                ),
            )
        )
    medians = {
        name: median / 1000
        for name, values in by_inspector.items()
        if (median := queries._median(values)) is not None
    }
    return result, medians


def _moments() -> list[datetime]:
    first = datetime.combine(FIRST_DAY, time(0), tzinfo=TZ)
    return [first + timedelta(days=days, hours=hours) for days in (1, 4, 8, 15) for hours in (3, 17)]


def test_waiting_list_is_what_the_window_count_gave(loaded: Store) -> None:
    compared = 0
    with loaded.read() as session:
        for now in _moments():
            for hours in (0, 24, 72):
                for within in (None, 2, 5):
                    args = (session, now.astimezone(UTC), TZ, hours, within)
                    new, old = returns.waiting(*args), _old_waiting(*args)
                    assert new == old, (now, hours, within)
                    compared += new.count > 0
    assert compared > 20  # most of them have a waiting list to compare


def test_reasons_count_the_items_of_the_window_returns_as_before(loaded: Store) -> None:
    first = datetime.combine(FIRST_DAY, time(0), tzinfo=TZ).astimezone(UTC)
    windows = [(first + timedelta(hours=h), first + timedelta(hours=h + SHIFT_HOURS)) for h in (0, 30, 100)]
    windows += [(first + timedelta(days=d), first + timedelta(days=d + 1)) for d in range(DAYS)]
    with loaded.read() as session:
        found_items = 0
        for window in windows:
            new = sorted(tuple(r) for r in session.execute(select(returns._reason_counts(window))))
            assert new == _old_reason_counts(session, window), window
            found_items += sum(n for sku, _reason, n in new if sku.startswith("ITEM-"))
    assert found_items > 0


@pytest.mark.parametrize(
    "zone", ["Europe/Berlin", "America/New_York", "Asia/Kathmandu", "Australia/Lord_Howe", "UTC"]
)
def test_local_hours_are_added_up_as_before(loaded: Store, zone: str) -> None:
    tz = ZoneInfo(zone)
    first = datetime.combine(FIRST_DAY, time(0), tzinfo=TZ).astimezone(UTC)
    windows = [
        (first - timedelta(days=2), first + timedelta(days=DAYS)),  # over the clocks going back
        (first + timedelta(hours=5, minutes=7), first + timedelta(hours=13, seconds=1)),
        (first - timedelta(days=40), first + timedelta(days=DAYS)),  # longer than a month: grouped
    ]
    with loaded.read() as session:
        for start, end in windows:
            counts = queries._bucket_counts(session, loaded.dialect, start, end)
            new = queries.by_hour(session, loaded.dialect, start, end, tz)
            old = _old_by_hour(counts, start, end, tz)
            assert new == old, (zone, start, end)
            # Equal aware times of one zone compare without their fold: compare each hour's text too.
            assert [_spelled(h) for h in new[0]] == [_spelled(h) for h in old[0]]
            assert sum(new[1]) > 0


def _spelled(hour: HourCount) -> tuple[str, str, int, int]:
    return hour.start.isoformat(), hour.local_start.isoformat(), hour.local_start.fold, hour.units


def test_sqlite_durations_are_what_a_row_per_outcome_gave(sqlite_store: Store) -> None:
    load(sqlite_store, OUTCOMES, DAYS)
    with sqlite_store.unit_of_work() as session:  # some outcomes without a scan time, some returns
        # without an arrival: each list leaves out its own
        session.execute(update(Outcome).where(Outcome.id % 7 == 0).values(scanned_at=None))
        session.execute(update(Authorization).where(Authorization.id % 5 == 0).values(arrived_at=None))
    first = datetime.combine(FIRST_DAY, time(0), tzinfo=TZ).astimezone(UTC)
    cases = [
        [(first + timedelta(hours=h), first + timedelta(hours=h + SHIFT_HOURS)), (first, first)]
        for h in (0, 30, 100)
    ]
    cases.append([(first, first + timedelta(days=DAYS)), (first - timedelta(days=DAYS), first)])
    with sqlite_store.read() as session:
        for windows in cases:
            groups = queries.read_groups(session, "sqlite", windows)
            new = queries.read_durations(session, "sqlite", windows, groups)
            old = _old_durations_sqlite(session, windows, queries.read_groups(session, "sqlite", windows))
            assert new == old, windows
            assert new[1], "each inspector's median"
