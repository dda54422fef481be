"""SQL pieces of the summary queries that differ between SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Subquery,
    and_,
    case,
    cast,
    exists,
    func,
    literal_column,
    or_,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.types import BigInteger, Float

from rmadesk.store.models import Outcome, Unit

Window = tuple[datetime, datetime]

MS_PER_DAY = 86_400_000
BUCKET_SECONDS = 900  # every time zone's offset is a whole number of quarter hours


def epoch_bucket(dialect: str, moment: Any, seconds: int) -> ColumnElement[int]:
    """The number of the ``seconds``-long span since 1970 (UTC) a stored time falls in."""
    if dialect == "sqlite":
        return cast(func.strftime("%s", moment), BigInteger) // seconds
    return cast(func.floor(func.extract("epoch", moment) / seconds), BigInteger)


def millis_between(dialect: str, later: Any, earlier: Any) -> ColumnElement[int]:
    """later - earlier in whole milliseconds (SQLite: julianday() counts milliseconds exactly enough)."""
    if dialect == "sqlite":
        return cast(func.round((func.julianday(later) - func.julianday(earlier)) * MS_PER_DAY), BigInteger)
    return cast(func.round(func.extract("epoch", later - earlier) * 1000), BigInteger)


def seconds_between(dialect: str, later: Any, earlier: Any) -> ColumnElement[float]:
    """later - earlier in seconds, as a float, on either database."""
    if dialect == "sqlite":
        # Times are stored as UTC text; julianday() parses it with its fraction of a second.
        return (func.julianday(later) - func.julianday(earlier)) * 86400.0
    # date_part() returns a float; EXTRACT returns a numeric, several times slower to add up.
    return func.date_part("epoch", later - earlier, type_=Float)


def bucket_start(dialect: str, number: Any) -> ColumnElement[Any]:
    """The start of UTC quarter hour ``number``, comparable with decided_at (SQLite: its text, which
    sorts before the stored text of the same instant with its fraction of a second)."""
    if dialect == "sqlite":
        return func.strftime("%Y-%m-%d %H:%M:%S", number * BUCKET_SECONDS, "unixepoch")
    return func.to_timestamp(number * BUCKET_SECONDS)


def bytewise(dialect: str, column: Any) -> Any:
    # Ties in the Pareto lists are broken by name; PostgreSQL's locale collation would order
    # them differently from SQLite's byte order, so both compare bytes.
    return column.collate("C") if dialect == "postgresql" else column


def current_in(dialect: str, start: datetime, end: datetime) -> ColumnElement[bool]:
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


def outcomes(*columns: Any) -> Select[Any]:
    return select(*columns).select_from(Outcome)


def tagged(dialect: str, windows: Sequence[Window], *columns: Any) -> Subquery:
    """The current outcomes of each window, numbered ``w`` (0, 1...), one range of the time index each.

    One statement then reads a shift and the one compared with it (UNION ALL rather than one wider
    range: the windows need not touch, and a row could belong to both)."""
    arms = [
        outcomes(literal_column(str(number)).label("w"), *columns).where(current_in(dialect, start, end))
        for number, (start, end) in enumerate(windows)
    ]
    return union_all(*arms).subquery("tagged")
