"""The summary's tables as plain strings (name -> header, rows), shared by the CSV, text and PDF renderers."""

from __future__ import annotations

from decimal import Decimal

from rmadesk.domain.model import Disposition
from rmadesk.store.models import DISPOSITIONS
from rmadesk.summary.figures import Delta, Summary, Waiting, ratio
from rmadesk.summary.windows import iso_utc


def money_text(amount: Decimal) -> str:
    """A sum of money as a plain decimal string: at least two places, more only when they are not 0."""
    two = amount.quantize(Decimal("0.01"))
    return str(two) if two == amount else str(amount.normalize())


def num(value: Decimal | float | int | None) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return str(value)
    return f"{value:g}" if isinstance(value, float) else str(value)


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


def share_text(share: Decimal | None) -> str:
    return "" if share is None else f"{share * 100:.1f}%"


def _delta_text(delta: Delta, value: Decimal | None) -> str:
    if value is None:
        return ""
    return money_text(value) if delta.is_money else num(value)


def summary_tables(summary: Summary) -> dict[str, Table]:
    """Each table of the summary (name -> header, rows), as plain strings ready for CSV or a screen."""
    return {name: table(summary) for name, table in _TABLES.items()}


_LABELS = {d.value: d.label for d in Disposition}
_DISPOSITION_HEADER = [_LABELS[d] for d in DISPOSITIONS]


def _figures(summary: Summary) -> Table:
    current = summary.current
    seconds, arrival = current.seconds_per_unit, current.arrival_to_decision_hours
    figures = [
        ["Units decided", str(current.units)],
        ["Units per hour", num(current.units_per_hour)],
        ["Median seconds per unit", num(seconds.median)],
        ["Average seconds per unit", num(seconds.average)],
        ["Units with a scan time", str(seconds.count)],
        ["Overrides", str(current.overrides)],
        ["Override share", share_text(current.override_share)],
        ["Restocked units", str(current.restocked_units)],
        *([f"Reimbursement {c}", money_text(a)] for c, a in current.reimbursement_total.items()),
        ["Median hours arrival to decision", num(arrival.median)],
        ["Average hours arrival to decision", num(arrival.average)],
        ["Authorizations waiting", str(summary.waiting.count)],
        ["Units waiting", str(summary.waiting.undecided_units)],
        ["SKUs returned", str(summary.skus_returned)],
        ["Returns (authorizations)", str(summary.returns)],
        ["Alerts", str(len(summary.alerts))],
    ]
    return (["Figure", "Value"], figures)


def _dispositions(summary: Summary) -> Table:
    current = summary.current
    return (
        ["Disposition", "Units", "Share"],
        [
            [
                _LABELS[d],
                str(current.by_disposition[d]),
                share_text(ratio(current.by_disposition[d], current.units)),
            ]
            for d in DISPOSITIONS
        ],
    )


def _inspectors(summary: Summary) -> Table:
    return (
        [
            "Inspector",
            "Units",
            *_DISPOSITION_HEADER,
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
                num(i.units_per_hour),
                num(i.active_hours),
                num(i.units_per_active_hour),
                num(i.median_seconds),
                str(i.overrides),
                share_text(i.override_share),
            ]
            for i in summary.inspectors
        ],
    )


def _benches(summary: Summary) -> Table:
    return (
        ["Bench", "Units", *_DISPOSITION_HEADER],
        [[b.bench, str(b.units), *(str(b.by_disposition[d]) for d in DISPOSITIONS)] for b in summary.benches],
    )


def _hours(summary: Summary) -> Table:
    return (
        ["Hour (local)", "Start (UTC)", "Units"],
        [
            [f"{h.local_start:%Y-%m-%d %H:%M %z}", iso_utc(h.start), str(h.units)]
            for h in summary.units_by_hour
        ],
    )


def _overrides(summary: Summary) -> Table:
    return (
        ["Inspector", "Units", "Overrides", "Share"],
        [
            [i.inspector, str(i.units), str(i.overrides), share_text(i.override_share)]
            for i in summary.inspectors
            if i.overrides
        ],
    )


def _reimbursement(summary: Summary) -> Table:
    current = summary.current
    return (
        ["Component", "Currency", "Amount"],
        [
            *([c.component, c.currency, money_text(c.amount)] for c in summary.reimbursement_by_component),
            *(["total", cur, money_text(a)] for cur, a in current.reimbursement_total.items()),
        ],
    )


def _restocked(summary: Summary) -> Table:
    return (
        ["SKU", "Location", "Units"],
        [[r.sku, r.location, str(r.units)] for r in summary.restocked],
    )


def _waiting(summary: Summary) -> Table:
    return (
        ["Authorization", "SKU", "Requested", "Undecided", "Units", "Waiting h"],
        [
            [
                w.display_id,
                w.sku,
                w.request_date.isoformat(),
                str(w.undecided),
                str(w.units),
                num(w.waiting_hours),
            ]
            for w in summary.waiting.oldest
        ],
    )


def _reasons(summary: Summary) -> Table:
    return (
        ["SKU", "Returns", "Reason", "Count", "Share", "Cumulative"],
        [
            [
                s.sku,
                str(s.returns),
                r.reason,
                str(r.count),
                share_text(r.share),
                share_text(r.cumulative_share),
            ]
            for s in summary.top_reasons_by_sku
            for r in s.reasons
        ],
    )


def _alerts(summary: Summary) -> Table:
    return (
        ["SKU", "Reason", "Count", "Returns", "Share"],
        [[a.sku, a.reason, str(a.count), str(a.returns), share_text(a.share)] for a in summary.alerts],
    )


def _comparison(summary: Summary) -> Table:
    return (
        ["Figure", "This window", "Previous", "Change", "Change %"],
        [
            [
                d.figure,
                _delta_text(d, d.current),
                _delta_text(d, d.previous),
                _delta_text(d, d.change),
                num(d.change_percent),
            ]
            for d in summary.deltas
        ],  # fmt: skip
    )


_TABLES = {
    "figures": _figures,
    "dispositions": _dispositions,
    "inspectors": _inspectors,
    "benches": _benches,
    "hours": _hours,
    "overrides": _overrides,
    "reimbursement": _reimbursement,
    "restocked": _restocked,
    "waiting": _waiting,
    "reasons": _reasons,
    "alerts": _alerts,
    "comparison": _comparison,
}


def waiting_span(waiting: Waiting) -> str:
    """Which request dates the waiting figure covers, in words."""
    if waiting.requested_since is None:
        return f"requested on or before {waiting.requested_on_or_before}"
    return f"requested from {waiting.requested_since} to {waiting.requested_on_or_before}"
