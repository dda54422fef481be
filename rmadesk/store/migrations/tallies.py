"""The day and week tally tables of migrations 0008 and 0009 (dropped by 0010): their shape, and
their rows computed from what is recorded, for the migrations that create and fill them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import ColumnElement, Select, and_, case, cast, func, literal_column, select, union_all
from sqlalchemy.orm import Session

from rmadesk.store.models import Authorization, Outcome, ReimbursementLineRow, StockMovement, Unit

DAY_SECONDS = 86_400
SCAN_BIN_MS = 1000  # seconds per unit were counted per whole second
ARRIVAL_BIN_MS = 60_000  # arrival to decision per whole minute
_MS_PER_DAY = 86_400_000

metadata = sa.MetaData()


def _table(name: str, keys: Sequence[tuple[str, Any]], sums: Sequence[tuple[str, Any]]) -> sa.Table:
    columns = [sa.Column(key, kind, nullable=False) for key, kind in (*keys, *sums)]
    primary = sa.PrimaryKeyConstraint(*(key for key, _ in keys), name=f"pk_{name}")
    return sa.Table(name, metadata, *columns, primary)


_TEXT = {"inspector": 80, "bench": 64, "currency": 3, "disposition": 20, "component": 40, "sku": 64}
_TEXT |= {"location": 40, "reason": 80, "kind": 8}


def _keys(*names: str) -> list[tuple[str, Any]]:
    return [(name, sa.String(_TEXT[name]) if name in _TEXT else sa.Integer()) for name in names]


GROUP = _table(
    "tally_group",
    _keys("day", "inspector", "bench", "currency", "disposition"),
    [
        ("units", sa.Integer()),
        ("overrides", sa.Integer()),
        ("restocked", sa.Integer()),
        ("reimbursement", sa.BigInteger()),
        ("timed", sa.Integer()),
        ("scan_ms", sa.BigInteger()),
        ("arrived", sa.Integer()),
        ("arrival_ms", sa.BigInteger()),
        ("first_at", sa.DateTime(timezone=True)),
        ("last_at", sa.DateTime(timezone=True)),
    ],
)
COMPONENT = _table(
    "tally_component",
    _keys("day", "component", "currency"),
    [("amount", sa.BigInteger()), ("lines", sa.Integer())],
)
RESTOCK = _table("tally_restock", _keys("day", "sku", "location"), [("units", sa.Integer())])
REASON = _table("tally_reason", _keys("day", "sku", "reason"), [("returns", sa.Integer())])
DURATION = _table("tally_duration", _keys("day", "kind", "inspector", "bin"), [("units", sa.Integer())])
REASON_WEEK = _table("tally_reason_week", _keys("week", "sku", "reason"), [("returns", sa.Integer())])
DURATION_WEEK = _table(
    "tally_duration_week", _keys("week", "kind", "inspector", "bin"), [("units", sa.Integer())]
)
DAILY = (GROUP, COMPONENT, RESTOCK, REASON, DURATION)
WEEKLY = ((REASON, REASON_WEEK, "returns"), (DURATION, DURATION_WEEK, "units"))


def _day_of(dialect: str, moment: Any) -> ColumnElement[int]:
    if dialect == "sqlite":
        return cast(func.strftime("%s", moment), sa.BigInteger) // DAY_SECONDS
    return cast(func.floor(func.extract("epoch", moment) / DAY_SECONDS), sa.BigInteger)


def _millis(dialect: str, later: Any, earlier: Any) -> ColumnElement[int]:
    if dialect == "sqlite":
        return cast(
            func.round((func.julianday(later) - func.julianday(earlier)) * _MS_PER_DAY), sa.BigInteger
        )
    return cast(func.round(func.extract("epoch", later - earlier) * 1000), sa.BigInteger)


def _not_below_zero(dialect: str, value: Any) -> ColumnElement[int]:
    return func.max(value, 0) if dialect == "sqlite" else func.greatest(value, 0)


def _current() -> ColumnElement[bool]:
    o = Outcome.__table__
    unit = Unit.__table__.alias("of_unit")
    return o.c.attempt == select(unit.c.attempt).where(unit.c.id == o.c.unit_id).scalar_subquery()


def _group_rows(dialect: str) -> Select[Any]:
    o, auth = Outcome.__table__, Authorization.__table__
    arrival_from = func.coalesce(auth.c.arrived_at, o.c.scanned_at)
    override = and_(o.c.recommended.is_not(None), o.c.recommended != o.c.disposition)
    day = _day_of(dialect, o.c.decided_at)
    return (
        select(
            day,
            o.c.inspector,
            o.c.bench,
            o.c.currency,
            o.c.disposition,
            func.count(),
            func.sum(case((override, 1), else_=0)),
            func.sum(case((o.c.restocked, 1), else_=0)),
            func.sum(o.c.reimbursement_total),
            func.count(o.c.scanned_at),
            func.coalesce(func.sum(_millis(dialect, o.c.decided_at, o.c.scanned_at)), 0),
            func.count(arrival_from),
            func.coalesce(func.sum(_millis(dialect, o.c.decided_at, arrival_from)), 0),
            func.min(func.coalesce(o.c.scanned_at, o.c.decided_at)),
            func.max(o.c.decided_at),
        )
        .select_from(o.outerjoin(auth, auth.c.id == o.c.authorization_id))
        .where(_current())
        .group_by(day, o.c.inspector, o.c.bench, o.c.currency, o.c.disposition)
    )


def _component_rows(dialect: str) -> Select[Any]:
    o, line = Outcome.__table__, ReimbursementLineRow.__table__
    day = _day_of(dialect, o.c.decided_at)
    return (
        select(day, line.c.component, line.c.currency, func.sum(line.c.amount), func.count())
        .select_from(o.join(line, line.c.outcome_id == o.c.id))
        .where(_current(), line.c.reversal_id.is_(None))
        .group_by(day, line.c.component, line.c.currency)
    )


def _restock_rows(dialect: str) -> Select[Any]:
    o, move = Outcome.__table__, StockMovement.__table__
    day = _day_of(dialect, o.c.decided_at)
    return (
        select(day, move.c.sku, move.c.location, func.sum(move.c.quantity))
        .select_from(o.join(move, move.c.outcome_id == o.c.id))
        .where(_current(), o.c.restocked.is_(True), move.c.sellable.is_(True), move.c.reversal_id.is_(None))
        .group_by(day, move.c.sku, move.c.location)
    )


def _reason_rows(dialect: str) -> Select[Any]:
    auth = Authorization.__table__
    day = _day_of(dialect, auth.c.first_decided_at)
    reason = func.coalesce(auth.c.reason, literal_column("''"))
    return (
        select(day, auth.c.sku, reason, func.count())
        .where(auth.c.first_decided_at.is_not(None))
        .group_by(day, auth.c.sku, reason)
    )


def _duration_rows(dialect: str) -> Any:
    """Scan bins per inspector and for everyone (inspector ''), arrival bins for everyone."""
    o, auth = Outcome.__table__, Authorization.__table__
    source = o.outerjoin(auth, auth.c.id == o.c.authorization_id)
    day = _day_of(dialect, o.c.decided_at)
    scan_bin = _not_below_zero(dialect, _millis(dialect, o.c.decided_at, o.c.scanned_at)) // SCAN_BIN_MS
    arrival_from = func.coalesce(auth.c.arrived_at, o.c.scanned_at)
    arrival_bin = _not_below_zero(dialect, _millis(dialect, o.c.decided_at, arrival_from)) // ARRIVAL_BIN_MS

    def arm(kind: str, inspector: Any, value: Any, known: Any) -> Select[Any]:
        grouped = [inspector] if inspector is o.c.inspector else []
        return (
            select(day, literal_column(f"'{kind}'"), inspector, value, func.count())
            .select_from(source)
            .where(_current(), known.is_not(None))
            .group_by(*grouped, day, value)
        )

    everyone = literal_column("''")
    return union_all(
        arm("scan", o.c.inspector, scan_bin, o.c.scanned_at),
        arm("scan", everyone, scan_bin, o.c.scanned_at),
        arm("arrival", everyone, arrival_bin, arrival_from),
    )


_ROWS = {
    "tally_group": _group_rows,
    "tally_component": _component_rows,
    "tally_restock": _restock_rows,
    "tally_reason": _reason_rows,
    "tally_duration": _duration_rows,
}


def fill_daily(session: Session) -> None:
    """Fill the day tallies from the current outcomes and the returns' first decisions."""
    dialect = session.get_bind().dialect.name
    for table in DAILY:
        session.execute(sa.delete(table))
        session.execute(
            table.insert().from_select([c.key for c in table.columns], _ROWS[table.name](dialect))
        )


def fill_weekly(session: Session) -> None:
    """Fill the week tallies from the daily ones (a week is Monday to Sunday, UTC, named by its Monday)."""
    for daily, weekly, count in WEEKLY:
        others = [c for c in daily.columns if c.key not in ("day", count)]
        week = daily.c.day - (daily.c.day + 3) % 7  # day 0, 1970-01-01, was a Thursday
        summed = select(week, *others, func.sum(daily.c[count])).group_by(week, *others)
        session.execute(sa.delete(weekly))
        session.execute(weekly.insert().from_select([c.key for c in weekly.columns], summed))
