"""A summary of a window of time: every figure read from the outcomes in one transaction."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import text
from sqlalchemy.orm import Session

from rmadesk.domain.errors import UserError
from rmadesk.domain.people import Actor, Permission
from rmadesk.domain.shifts import zone_name
from rmadesk.services.access import authorize
from rmadesk.store.types import utcnow
from rmadesk.store.uow import Store
from rmadesk.summary import queries, returns
from rmadesk.summary.figures import RATE, Summary, WindowFigures, hours_between, ratio
from rmadesk.summary.queries import Durations, Groups
from rmadesk.summary.sql import Window
from rmadesk.summary.windows import iso_utc, range_label
from rmadesk.text.i18n import _


def summarize(
    store: Store,
    actor: Actor,
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
    previous: Window | None = None,
    previous_label: str = "",
    top_skus: int = returns.TOP_SKUS,
    top_reasons: int = returns.TOP_REASONS,
) -> Summary:
    """Every figure of [start, end), each aggregated in the database, read in one transaction.

    ``previous`` is the window compared against (default: the same length right before ``start``;
    a caller passes the previous shift or last week, whose lengths differ when the clocks change).
    ``now`` (default: the present) bounds the elapsed hours of a running window and dates the
    waiting list; ``waiting_within_days`` leaves out authorizations requested longer ago than that
    (returns that never came).
    """
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("start and end must be timezone-aware")
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if end <= start:
        raise UserError(
            _("The window ends ({end}) before it starts ({start}).").format(
                end=iso_utc(end), start=iso_utc(start)
            )
        )
    if not Decimal(0) < alert_share <= Decimal(1):
        raise UserError(
            _("The alert share must be over 0 and at most 1, not {share}.").format(share=alert_share)
        )
    now = (now or utcnow()).astimezone(UTC)
    prev_start, prev_end = previous or (start - (end - start), start)
    windows = [(start, end), (prev_start.astimezone(UTC), prev_end.astimezone(UTC))]
    dialect = store.dialect
    with store.read() as session:
        authorize(session, actor, Permission.VIEW_SUMMARY)
        if dialect == "postgresql":
            _tune_postgresql(session)
        groups = queries.read_groups(session, dialect, windows)
        durations, medians = queries.read_durations(session, dialect, windows, groups)
        current, before = (
            _window_figures(window, window_groups, timed, now)
            for window, window_groups, timed in zip(windows, groups, durations, strict=True)
        )
        by_hour, of_day = queries.by_hour(session, dialect, start, end, tz)
        components = queries.components(session, dialect, windows[0], groups[0])
        restocked = queries.restocked(session, dialect, windows[0], groups[0])
        waiting = returns.waiting(session, now, tz, waiting_hours, waiting_within_days)
        skus_returned, returned, reasons, alerts = returns.reasons(
            session, dialect, windows[0], alert_share, alert_min_count, top_skus, top_reasons
        )
    return Summary(
        label=label or range_label(start, end, tz),
        start=start,
        end=end,
        tz_name=zone_name(tz),
        generated_at=now,
        elapsed_hours=current.hours,
        current=current,
        inspectors=queries.inspectors(groups[0], medians, current.hours),
        benches=queries.benches(groups[0]),
        units_by_hour=by_hour,
        units_by_hour_of_day=of_day,
        reimbursement_by_component=components,
        restocked=restocked,
        waiting=waiting,
        skus_returned=skus_returned,
        returns=returned,
        top_reasons_by_sku=reasons,
        alerts=alerts,
        alert_share=alert_share,
        alert_min_count=alert_min_count,
        previous_label=previous_label or range_label(prev_start, prev_end, tz),
        previous=before,
        tz=tz,
    )


def _tune_postgresql(session: Session) -> None:
    # For this transaction only: compiling these one-off statements to machine code (JIT) costs
    # more than it saves, and the default page costs are those of spinning disks, which steer the
    # planner to full scans where an index finds a shift's rows at once.
    session.execute(text("SET LOCAL jit = off"))
    session.execute(text("SET LOCAL random_page_cost = 1.1"))
    # The percentiles sort a window's values in memory; the default 4 MB would spill a week's.
    session.execute(text("SET LOCAL work_mem = '64MB'"))


def _window_figures(window: Window, groups: Groups, durations: Durations, now: datetime) -> WindowFigures:
    """The main figures of one window (the current one, or the one compared with it)."""
    start, end = window
    hours = hours_between(start, min(max(now, start), end))
    seconds, arrival = durations
    return WindowFigures(
        start=start,
        end=end,
        hours=hours.quantize(Decimal("0.001"), ROUND_HALF_UP),
        units=groups.units,
        by_disposition=dict(groups.by_disposition),
        units_per_hour=ratio(groups.units, hours, RATE),
        seconds_per_unit=seconds,
        overrides=groups.overrides,
        override_share=ratio(groups.overrides, groups.units),
        restocked_units=groups.restocked,
        reimbursement_total=dict(sorted(groups.money.items())),
        arrival_to_decision_hours=arrival,
    )
