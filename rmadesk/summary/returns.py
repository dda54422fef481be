"""What a summary says about returns: the authorizations waiting, and the reasons given per SKU."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal

from sqlalchemy import CompoundSelect, Subquery, and_, func, literal_column, select, union_all
from sqlalchemy.orm import Session

from rmadesk.store.auth_status import OPEN
from rmadesk.store.models import Authorization, Unit
from rmadesk.summary.figures import ReasonAlert, ReasonShare, SkuReasons, Waiting, WaitingAuthorization, ratio
from rmadesk.summary.sql import Window, bytewise
from rmadesk.text.i18n import N_, _

OLDEST_WAITING = 10
TOP_SKUS = 20
TOP_REASONS = 5
NO_REASON = N_("(no reason given)")


def waiting_cutoff(now: datetime, tz: tzinfo, waiting_hours: int) -> date:
    """The last request date whose local midnight lies more than ``waiting_hours`` before ``now``."""
    threshold = now - timedelta(hours=waiting_hours)
    day = threshold.astimezone(tz).date()
    if datetime.combine(day, time(0), tzinfo=tz) >= threshold:
        day -= timedelta(days=1)
    return day


def waiting(
    session: Session, now: datetime, tz: tzinfo, waiting_hours: int, within_days: int | None
) -> Waiting:
    """Authorizations requested on or before the cutoff (and, given ``within_days``, not before that
    many days ago) with units undecided.

    An authorization with a unit undecided is one whose stored status (rmadesk.store.auth_status) is
    not done, and quantity - decided_units of its units wait. Migration 0017 keeps both columns in the
    index of (status, request_date, id): each open status is one range of it in request-date order,
    so the count, the units and the oldest few are read from the index alone, whatever the backlog.
    """
    cutoff = waiting_cutoff(now, tz, waiting_hours)
    since = (now.astimezone(tz) - timedelta(days=within_days)).date() if within_days is not None else None
    rows = session.execute(waiting_statement(cutoff, since)).all()
    count = units = 0
    listed_rows = []
    for r in rows:
        if r[0] is None:
            count, units = int(r[6] or 0), int(r[7] or 0)
        else:
            listed_rows.append(r)
    listed_rows.sort(key=lambda r: (r[5], r[0]))
    oldest_waiting = tuple(
        WaitingAuthorization(
            auth_id=r[0],
            display_id=r[1] or r[2] or f"{r[3]} / {r[4]}",
            sku=r[4],
            request_date=r[5],
            units=r[6],
            undecided=int(r[7]),
            waiting_hours=round((now - datetime.combine(r[5], time(0), tzinfo=tz)).total_seconds() / 3600, 1),
        )
        for r in listed_rows[:OLDEST_WAITING]
    )
    return Waiting(count, units, cutoff, since, now, oldest_waiting)


_WAITING_NAMES = ("id", "rma_id", "merchant_rma_id", "order_id", "sku", "request_date", "quantity")


def waiting_statement(cutoff: date, since: date | None) -> CompoundSelect:
    """The oldest few open authorizations of each open status (in the index's order, merged by the
    caller) and a last row of NULLs with the count and the undecided units of all of them."""
    table = Authorization.__table__
    requested = [table.c.request_date <= cutoff]
    if since is not None:
        requested.append(table.c.request_date >= since)
    undecided = table.c.quantity - table.c.decided_units
    arms = []
    for rank in OPEN:
        oldest = (
            select(*(table.c[name] for name in _WAITING_NAMES), undecided.label("undecided"))
            .where(table.c.status == rank, *requested)
            .order_by(table.c.request_date, table.c.id)
            .limit(OLDEST_WAITING)
            .subquery(f"oldest_{rank}")
        )
        arms.append(select(*oldest.c))
    nothing = literal_column("NULL")
    overall = select(*([nothing] * (len(_WAITING_NAMES) - 1)), func.count(), func.sum(undecided)).where(
        table.c.status.in_(OPEN), *requested
    )
    return union_all(*arms, overall)


def _reason_counts(window: Window) -> Subquery:
    """Returns per (sku, reason) over the authorizations first decided in the window (their
    first-decision index of migration 0008); '' stands for no reason."""
    auth, unit = Authorization.__table__, Unit.__table__
    decided_in = and_(auth.c.first_decided_at >= window[0], auth.c.first_decided_at < window[1])
    # Each further item of a return counts as a return of its own SKU, for its own reason: the items
    # of the window's returns only, each looked up by its return in the items index of migration 0012
    # (its WHERE must read as written here), not every item in the database.
    items = (
        select(auth.c.id, unit.c.item_seq, unit.c.item_sku, unit.c.item_reason)
        .select_from(
            auth.join(unit, and_(unit.c.authorization_id == auth.c.id, unit.c.item_seq.is_not(None)))
        )
        .where(decided_in)
        .distinct()
        .subquery("items")
    )
    rows = union_all(
        select(auth.c.sku.label("sku"), auth.c.reason.label("reason")).where(decided_in),
        select(items.c.item_sku, items.c.item_reason),
    ).subquery("returned")
    reason = func.coalesce(rows.c.reason, literal_column("''"))
    return (
        select(rows.c.sku, reason.label("reason"), func.count().label("n"))
        .group_by(rows.c.sku, reason)
        .subquery("reason_counts")
    )


def reasons(
    session: Session,
    dialect: str,
    window: Window,
    alert_share: Decimal,
    alert_min_count: int,
    top_skus: int,
    top_reasons: int,
) -> tuple[int, int, tuple[SkuReasons, ...], tuple[ReasonAlert, ...]]:
    """Pareto lists and alerts from one statement over the (sku, reason) counts of the returns first
    decided in the window, counted once (a materialized CTE): the SKU totals, the top SKUs with the
    running total of their top reasons, every (sku, reason) at or over the alert thresholds, and the
    number of SKUs and returns.

    A return is counted once, in the window of its first decision still standing
    (return_authorization.first_decided_at)."""
    counts = select(_reason_counts(window)).cte("counts").prefix_with("MATERIALIZED")
    totals = (
        select(counts.c.sku, func.sum(counts.c.n).label("total"))
        .group_by(counts.c.sku)
        .cte("sku_totals")
        .prefix_with("MATERIALIZED")
    )
    by_total = [totals.c.total.desc(), bytewise(dialect, totals.c.sku)]
    top = (
        select(totals.c.sku, totals.c.total, func.row_number().over(order_by=by_total).label("sku_rank"))
        .order_by(*by_total)
        .limit(top_skus)
        .subquery("top_skus")
    )
    ordered = [counts.c.n.desc(), bytewise(dialect, counts.c.reason)]
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
    numerator, denominator = alert_share.as_integer_ratio()
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
    no_reason = _(NO_REASON)
    for part, sku, reason, n, total, cum, rn, sku_rank in session.execute(
        union_all(listed, alerting, overall)
    ):
        if part == "overall":
            skus_returned, returns = int(n), int(total or 0)
            continue
        count, total = int(n), int(total)
        label = reason or no_reason
        if part == "listed":
            share = ReasonShare(
                label, count, ratio(count, total) or Decimal(0), ratio(int(cum), total) or Decimal(0)
            )
            skus.setdefault(sku, []).append((int(rn), count, share))
            totals_of[sku], ranks[sku] = total, int(sku_rank)
        else:
            alerts.append(ReasonAlert(sku, label, count, total, ratio(count, total) or Decimal(0)))
    alerts.sort(key=lambda a: (-a.share, -a.count, a.sku))
    pareto = tuple(
        SkuReasons(
            sku, totals_of[sku], tuple(line for _rank, _count, line in sorted(skus[sku], key=lambda r: r[0]))
        )
        for sku in sorted(skus, key=ranks.__getitem__)
    )
    return skus_returned, returns, pareto, tuple(alerts)
