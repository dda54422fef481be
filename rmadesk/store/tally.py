"""Day tallies: what the summaries add up, kept per UTC day in the transaction of each decision.

A week of summary figures read from outcomes means reading a quarter of a million rows, twice (the
week compared with). The tables of migration 0008 hold the same sums per UTC day instead: a summary
adds up the days of its window from them, and reads from the outcomes only the part of a day at
either end of the window: added, or subtracted from the day taken whole when that part is shorter
(rmadesk.services.summary).

Each tally row is defined once, by a SELECT over outcomes (``*_rows`` below). The same SELECT fills
the tables from scratch (the migration, ``rebuild``), adds one decision (``count_decision``: the
SELECT for that outcome, added to the rows with an upsert), takes one back (``uncount_decision``:
subtracted), and gives a summary the part-days at the ends of its window. So a figure cannot differ
between what is kept and what is read raw, down to the millisecond rounding of a duration.

Durations are kept as counts per bin (whole seconds per unit, whole minutes from arrival to decision),
from which a summary over whole days takes its medians to the bin; sums are exact.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    case,
    cast,
    delete,
    func,
    literal_column,
    null,
    select,
    true,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.types import BigInteger, DateTime

from rmadesk.store.models import (
    Authorization,
    Outcome,
    ReimbursementLineRow,
    StockMovement,
    TallyComponent,
    TallyDuration,
    TallyDurationWeek,
    TallyGroup,
    TallyReason,
    TallyReasonWeek,
    TallyRestock,
    Unit,
)

DAY_SECONDS = 86_400
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
SCAN = "scan"
ARRIVAL = "arrival"
EVERYONE = ""  # the inspector of the duration bins that count every inspector's units
SCAN_BIN_MS = 1000  # seconds per unit are counted per whole second
ARRIVAL_BIN_MS = 60_000  # arrival to decision per whole minute
_MS_PER_DAY = 86_400_000


def day_number(moment: datetime) -> int:
    """The UTC day a moment falls in, counted from 1970-01-01."""
    return (moment.astimezone(UTC) - EPOCH) // timedelta(days=1)


def day_start(day: int) -> datetime:
    return EPOCH + timedelta(days=day)


# ----------------------------------------------------------------------------------------------
# SQL pieces that differ between SQLite and PostgreSQL


def epoch_bucket(dialect: str, moment: Any, seconds: int) -> ColumnElement[int]:
    """The number of the ``seconds``-long span since 1970 (UTC) a stored time falls in."""
    if dialect == "sqlite":
        return cast(func.strftime("%s", moment), BigInteger) // seconds
    return cast(func.floor(func.extract("epoch", moment) / seconds), BigInteger)


def day_of(dialect: str, moment: Any) -> ColumnElement[int]:
    """The UTC day number of a stored time."""
    return epoch_bucket(dialect, moment, DAY_SECONDS)


def millis_between(dialect: str, later: Any, earlier: Any) -> ColumnElement[int]:
    """later - earlier in whole milliseconds (SQLite: julianday() counts milliseconds exactly enough)."""
    if dialect == "sqlite":
        return cast(func.round((func.julianday(later) - func.julianday(earlier)) * _MS_PER_DAY), BigInteger)
    return cast(func.round(func.extract("epoch", later - earlier) * 1000), BigInteger)


def _at_least_zero(dialect: str, value: Any) -> ColumnElement[int]:
    return func.max(value, 0) if dialect == "sqlite" else func.greatest(value, 0)


def _signed(sign: int, value: Any) -> ColumnElement[Any]:
    return literal_column(str(sign)) * value if sign != 1 else value


def current_outcome() -> ColumnElement[bool]:
    """An outcome of its unit's attempt (a reversed one is not)."""
    o = Outcome.__table__
    unit = Unit.__table__.alias("of_unit")
    return o.c.attempt == select(unit.c.attempt).where(unit.c.id == o.c.unit_id).scalar_subquery()


# ----------------------------------------------------------------------------------------------
# The rows of each table, as SELECTs over outcomes (``where`` picks the outcomes)

GROUP_KEYS = ("day", "inspector", "bench", "currency", "disposition")
GROUP_SUMS = ("units", "overrides", "restocked", "reimbursement", "timed", "scan_ms", "arrived", "arrival_ms")


def group_rows(dialect: str, where: Sequence[Any], sign: int = 1, spans: bool = True) -> Select[Any]:
    """Without ``spans``, first_at and last_at are NULL (a range subtracted from a day's tallies)."""
    o, auth = Outcome.__table__, Authorization.__table__
    no_time = cast(null(), DateTime(timezone=True))
    arrival_from = func.coalesce(auth.c.arrived_at, o.c.scanned_at)
    scan = millis_between(dialect, o.c.decided_at, o.c.scanned_at)
    arrival = millis_between(dialect, o.c.decided_at, arrival_from)
    override = and_(o.c.recommended.is_not(None), o.c.recommended != o.c.disposition)
    day = day_of(dialect, o.c.decided_at)
    return (
        select(
            day.label("day"),
            o.c.inspector,
            o.c.bench,
            o.c.currency,
            o.c.disposition,
            _signed(sign, func.count()).label("units"),
            _signed(sign, func.sum(case((override, 1), else_=0))).label("overrides"),
            _signed(sign, func.sum(case((o.c.restocked, 1), else_=0))).label("restocked"),
            _signed(sign, func.sum(o.c.reimbursement_total)).label("reimbursement"),
            _signed(sign, func.count(o.c.scanned_at)).label("timed"),
            _signed(sign, func.coalesce(func.sum(scan), 0)).label("scan_ms"),
            _signed(sign, func.count(arrival_from)).label("arrived"),
            _signed(sign, func.coalesce(func.sum(arrival), 0)).label("arrival_ms"),
            (func.min(func.coalesce(o.c.scanned_at, o.c.decided_at)) if spans else no_time).label("first_at"),
            (func.max(o.c.decided_at) if spans else no_time).label("last_at"),
        )
        .select_from(o.outerjoin(auth, auth.c.id == o.c.authorization_id))
        .where(*where)
        .group_by(day, o.c.inspector, o.c.bench, o.c.currency, o.c.disposition)
    )


COMPONENT_KEYS = ("day", "component", "currency")


def component_rows(dialect: str, where: Sequence[Any], sign: int = 1) -> Select[Any]:
    o, line = Outcome.__table__, ReimbursementLineRow.__table__
    day = day_of(dialect, o.c.decided_at)
    return (
        select(
            day.label("day"),
            line.c.component,
            line.c.currency,
            _signed(sign, func.sum(line.c.amount)).label("amount"),
            _signed(sign, func.count()).label("lines"),
        )
        .select_from(o.join(line, line.c.outcome_id == o.c.id))
        .where(*where, line.c.reversal_id.is_(None))
        .group_by(day, line.c.component, line.c.currency)
    )


RESTOCK_KEYS = ("day", "sku", "location")


def restock_rows(dialect: str, where: Sequence[Any], sign: int = 1) -> Select[Any]:
    o, move = Outcome.__table__, StockMovement.__table__
    day = day_of(dialect, o.c.decided_at)
    return (
        select(
            day.label("day"),
            move.c.sku,
            move.c.location,
            _signed(sign, func.sum(move.c.quantity)).label("units"),
        )
        .select_from(o.join(move, move.c.outcome_id == o.c.id))
        .where(*where, o.c.restocked.is_(True), move.c.sellable.is_(True), move.c.reversal_id.is_(None))
        .group_by(day, move.c.sku, move.c.location)
    )


DURATION_KEYS = ("day", "kind", "inspector", "bin")


def duration_rows(dialect: str, where: Sequence[Any], sign: int = 1) -> Select[Any]:
    """Scan bins per inspector and for everyone, arrival bins for everyone, in one UNION ALL."""
    o, auth = Outcome.__table__, Authorization.__table__
    source = o.outerjoin(auth, auth.c.id == o.c.authorization_id)
    day = day_of(dialect, o.c.decided_at)
    scan_bin = _at_least_zero(dialect, millis_between(dialect, o.c.decided_at, o.c.scanned_at)) // SCAN_BIN_MS
    arrival_from = func.coalesce(auth.c.arrived_at, o.c.scanned_at)
    arrival_bin = (
        _at_least_zero(dialect, millis_between(dialect, o.c.decided_at, arrival_from)) // ARRIVAL_BIN_MS
    )
    units = _signed(sign, func.count()).label("units")

    def arm(kind: str, inspector: Any, value: Any, known: Any) -> Select[Any]:
        return (
            select(
                day.label("day"),
                literal_column(f"'{kind}'").label("kind"),
                inspector.label("inspector"),
                value.label("bin"),
                units,
            )
            .select_from(source)
            .where(*where, known.is_not(None))
            .group_by(*([inspector] if inspector is o.c.inspector else []), day, value)
        )

    everyone = literal_column(f"'{EVERYONE}'")
    return (
        union_all(
            arm(SCAN, o.c.inspector, scan_bin, o.c.scanned_at),
            arm(SCAN, everyone, scan_bin, o.c.scanned_at),
            arm(ARRIVAL, everyone, arrival_bin, arrival_from),
        )
        .subquery("duration_rows")
        .select()
        .where(true())  # SQLite: a SELECT from a subquery needs a WHERE before ON CONFLICT
    )


REASON_KEYS = ("day", "sku", "reason")


def reason_rows(dialect: str, where: Sequence[Any], sign: int = 1) -> Select[Any]:
    """Authorizations per day of their first decision, SKU and reason ('' when none)."""
    auth = Authorization.__table__
    day = day_of(dialect, auth.c.first_decided_at)
    reason = func.coalesce(auth.c.reason, literal_column("''"))
    return (
        select(
            day.label("day"), auth.c.sku, reason.label("reason"), _signed(sign, func.count()).label("returns")
        )
        .where(*where, auth.c.first_decided_at.is_not(None))
        .group_by(day, auth.c.sku, reason)
    )


# The tables, their keys, what is added up, and their rows.
TALLIES: tuple[tuple[Any, tuple[str, ...], Any], ...] = (
    (TallyGroup.__table__, GROUP_KEYS, group_rows),
    (TallyComponent.__table__, COMPONENT_KEYS, component_rows),
    (TallyRestock.__table__, RESTOCK_KEYS, restock_rows),
    (TallyDuration.__table__, DURATION_KEYS, duration_rows),
)


def _count_column(table: Any) -> str:
    return {"tally_component": "lines", "tally_reason": "returns", "tally_reason_week": "returns"}.get(
        table.name, "units"
    )


# The tallies with most rows a day are summed per week as well, so that a long window reads a row a
# week where it can: daily table name -> weekly table.
WEEKLY: dict[str, Any] = {
    TallyReason.__tablename__: TallyReasonWeek.__table__,
    TallyDuration.__tablename__: TallyDurationWeek.__table__,
}


def week_of(day: Any) -> Any:
    """The day number of the Monday of a day's week (day 0, 1970-01-01, was a Thursday); for day
    numbers as integers or SQL expressions."""
    return day - (day + 3) % 7


def _weekly(table: Any, keys: Sequence[str], rows: Select[Any]) -> tuple[Any, tuple[str, ...], Select[Any]]:
    """The weekly table of a daily one, its keys, and ``rows`` (daily rows) summed per week."""
    daily = rows.subquery("daily_rows")
    others = [daily.c[k] for k in keys if k != "day"]
    count = _count_column(table)
    week = week_of(daily.c.day)
    summed = select(week.label("week"), *others, func.sum(daily.c[count]).label(count)).group_by(
        week, *others
    )
    return WEEKLY[table.name], ("week", *(k for k in keys if k != "day")), summed


def _targets(
    table: Any, keys: Sequence[str], rows: Select[Any]
) -> list[tuple[Any, Sequence[str], Select[Any]]]:
    """Where ``rows`` of a tally go: the daily table, and its weekly one if it has one."""
    found: list[tuple[Any, Sequence[str], Select[Any]]] = [(table, keys, rows)]
    if table.name in WEEKLY:
        found.append(_weekly(table, keys, rows))
    return found


# ----------------------------------------------------------------------------------------------
# Writing


def _merge_statement(dialect: str, table: Any, keys: Sequence[str], rows: Select[Any]) -> Any:
    """INSERT ``rows`` (a SELECT with the table's columns) into the table: new keys inserted, the sums
    of existing ones added to; the earliest first_at and latest last_at kept."""
    columns = [c.key for c in table.columns]
    insert = (sqlite.insert if dialect == "sqlite" else postgresql.insert)(table)
    stmt = insert.from_select(columns, rows)
    changes: dict[str, Any] = {}
    for name in columns:
        if name in keys:
            continue
        if name == "first_at":
            least = func.min if dialect == "sqlite" else func.least
            changes[name] = least(table.c[name], stmt.excluded[name])
        elif name == "last_at":
            greatest = func.max if dialect == "sqlite" else func.greatest
            changes[name] = greatest(table.c[name], stmt.excluded[name])
        else:
            changes[name] = table.c[name] + stmt.excluded[name]
    return stmt.on_conflict_do_update(index_elements=list(keys), set_=changes)


def _merge(session: Session, table: Any, keys: Sequence[str], rows: Select[Any]) -> None:
    session.execute(_merge_statement(session.get_bind().dialect.name, table, keys, rows))


@functools.cache
def _counting(dialect: str) -> tuple[tuple[Any, ...], Any, tuple[Any, ...]]:
    """The statements that count one decision (parameters outcome_id, authorization_id), built once
    per database kind: the merges into each tally, the first decision's date, the return's merge."""
    one = [Outcome.__table__.c.id == bindparam("outcome_id")]
    merges = tuple(
        _merge_statement(dialect, *target)
        for table, keys, rows in TALLIES
        for target in _targets(table, keys, rows(dialect, one))
    )
    auth = Authorization.__table__
    mine = auth.c.id == bindparam("authorization_id")
    first = (
        update(auth)
        .where(mine, auth.c.first_decided_at.is_(None))
        .values(
            first_decided_at=select(Outcome.decided_at)
            .where(Outcome.id == bindparam("outcome_id"))
            .scalar_subquery(),
            updated_at=auth.c.updated_at,  # the authorization itself is unchanged
        )
        .execution_options(synchronize_session=False)
    )
    returned = tuple(
        _merge_statement(dialect, *target)
        for target in _targets(TallyReason.__table__, REASON_KEYS, reason_rows(dialect, [mine]))
    )
    return merges, first, returned


def _drop_emptied(session: Session, table: Any, keys: Sequence[str], rows: Select[Any]) -> None:
    """Delete the rows a reversal brought to zero (only those of the keys ``rows`` names)."""
    named = rows.subquery("named")
    column = table.c[_count_column(table)]
    session.execute(
        delete(table)
        .where(column == 0)
        .where(
            select(literal_column("1"))
            .select_from(named)
            .where(*(named.c[k] == table.c[k] for k in keys))
            .exists()
        )
    )


def count_decision(session: Session, outcome_id: int, authorization_id: int) -> None:
    """Add a decision just written (flushed) to the tallies; the return, too, if it is its first."""
    merges, first, returned = _counting(session.get_bind().dialect.name)
    ids = {"outcome_id": outcome_id, "authorization_id": authorization_id}
    for merge in merges:
        session.execute(merge, {"outcome_id": outcome_id})
    if session.execute(first, ids).rowcount:
        for merge in returned:
            session.execute(merge, {"authorization_id": authorization_id})


def uncount_decision(session: Session, outcome_id: int, authorization_id: int) -> None:
    """Take a reversed decision out of the tallies (call it once the unit's attempt has moved on and
    its decided_at is cleared, flushed); the return, too, if none of its units stays decided."""
    dialect = session.get_bind().dialect.name
    where = [Outcome.__table__.c.id == outcome_id]
    for table, keys, rows in TALLIES:
        _take_back(session, table, keys, rows(dialect, where, sign=-1), rows(dialect, where))
    _refresh_span(session, dialect, outcome_id)
    auth = Authorization.__table__
    unit = Unit.__table__
    still_decided = (
        select(unit.c.id)
        .where(unit.c.authorization_id == authorization_id, unit.c.decided_at.is_not(None))
        .exists()
    )
    if session.execute(select(still_decided)).scalar():
        return
    by_auth = [auth.c.id == authorization_id]
    _take_back(
        session,
        TallyReason.__table__,
        REASON_KEYS,
        reason_rows(dialect, by_auth, sign=-1),
        reason_rows(dialect, by_auth),
    )
    session.execute(
        update(auth)
        .where(auth.c.id == authorization_id)
        .values(first_decided_at=None, updated_at=auth.c.updated_at)
        .execution_options(synchronize_session=False)
    )


def _take_back(
    session: Session, table: Any, keys: Sequence[str], negative: Select[Any], rows: Select[Any]
) -> None:
    """Add the ``negative`` rows to a tally (and its weekly one), then drop the rows brought to 0."""
    for target, target_keys, summed in _targets(table, keys, negative):
        _merge(session, target, target_keys, summed)
    for target, target_keys, named in _targets(table, keys, rows):
        _drop_emptied(session, target, target_keys, named)


def _refresh_span(session: Session, dialect: str, outcome_id: int) -> None:
    """After a reversal: the first scan and last decision of the group row the outcome was in, read
    again from the group's current outcomes of that day (a minimum cannot be subtracted)."""
    group = TallyGroup.__table__
    o = Outcome.__table__
    key = select(
        day_of(dialect, o.c.decided_at), o.c.inspector, o.c.bench, o.c.currency, o.c.disposition
    ).where(o.c.id == outcome_id)
    day, inspector, bench, currency, disposition = session.execute(key).one()
    same = Outcome.__table__.alias("same")
    start, end = day_start(day), day_start(day + 1)
    in_group = [
        same.c.inspector == inspector,
        same.c.bench == bench,
        same.c.currency == currency,
        same.c.disposition == disposition,
        same.c.decided_at >= start,
        same.c.decided_at < end,
        same.c.attempt == select(Unit.attempt).where(Unit.id == same.c.unit_id).scalar_subquery(),
    ]
    first = select(func.min(func.coalesce(same.c.scanned_at, same.c.decided_at))).where(*in_group)
    last = select(func.max(same.c.decided_at)).where(*in_group)
    session.execute(
        update(group)
        .where(
            group.c.day == day,
            group.c.inspector == inspector,
            group.c.bench == bench,
            group.c.currency == currency,
            group.c.disposition == disposition,
        )
        .values(first_at=first.scalar_subquery(), last_at=last.scalar_subquery())
        .execution_options(synchronize_session=False)
    )


def rebuild(session: Session) -> None:
    """Fill every tally afresh from the current outcomes and the authorizations' first decisions."""
    rebuild_days(session)
    fill_weeks(session)


def rebuild_days(session: Session) -> None:
    """Fill the daily tallies afresh (migration 0008: the weekly ones come with 0009)."""
    dialect = session.get_bind().dialect.name
    current = [current_outcome()]
    for table, _keys, rows in TALLIES:
        session.execute(delete(table))
        session.execute(table.insert().from_select([c.key for c in table.columns], rows(dialect, current)))
    reasons = TallyReason.__table__
    session.execute(delete(reasons))
    session.execute(reasons.insert().from_select([c.key for c in reasons.columns], reason_rows(dialect, [])))


def fill_weeks(session: Session) -> None:
    """Fill the weekly tallies afresh from the daily ones."""
    for table, keys in ((TallyReason.__table__, REASON_KEYS), (TallyDuration.__table__, DURATION_KEYS)):
        weekly, _keys, summed = _weekly(table, keys, select(*table.columns))
        session.execute(delete(weekly))
        session.execute(weekly.insert().from_select([c.key for c in weekly.columns], summed))


def fill_first_decided(session: Session) -> None:
    """Date each authorization's first decision still standing (for databases from before 0008)."""
    auth, unit = Authorization.__table__, Unit.__table__
    first = (
        select(unit.c.authorization_id, func.min(unit.c.decided_at).label("first"))
        .where(unit.c.decided_at.is_not(None))
        .group_by(unit.c.authorization_id)
        .subquery("first_decisions")
    )
    session.execute(
        update(auth)
        .where(auth.c.id == first.c.authorization_id)
        .values(first_decided_at=first.c.first, updated_at=auth.c.updated_at)
        .execution_options(synchronize_session=False)
    )
