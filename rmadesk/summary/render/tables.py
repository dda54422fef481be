"""The summary's tables as plain strings (name -> header, rows), shared by the CSV, text and PDF renderers."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from rmadesk.domain.model import Disposition
from rmadesk.store.models import DISPOSITIONS
from rmadesk.summary.figures import Delta, Summary, Waiting, ratio
from rmadesk.summary.windows import iso_utc
from rmadesk.text.i18n import N_, _


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
Translate = Callable[[str], str]  # _ for people, _as_written for the CSV file's English

# Translated with _() where shown.
TABLE_TITLES: dict[str, str] = {
    "figures": N_("Key figures"),
    "dispositions": N_("Units by disposition"),
    "inspectors": N_("Inspectors"),
    "benches": N_("Benches"),
    "hours": N_("Units by hour"),
    "overrides": N_("Overrides of the recommended disposition"),
    "reimbursement": N_("Expected reimbursement"),
    "restocked": N_("Restocked units"),
    "waiting": N_("Authorizations waiting"),
    "reasons": N_("Top return reasons per SKU"),
    "alerts": N_("Alerts: one reason again and again"),
    "comparison": N_("Against the previous window"),
}
# The figures compared (Delta.figure, also the keys of the JSON), as a person reads them.
_FIGURE_NAMES: dict[str, str] = {
    "units": N_("units"),
    "units sellable": N_("units sellable"),
    "units carrier-damaged": N_("units carrier-damaged"),
    "units seller-fault": N_("units seller-fault"),
    "units per hour": N_("units per hour"),
    "median seconds per unit": N_("median seconds per unit"),
    "overrides": N_("overrides"),
    "override share": N_("override share"),
    "restocked units": N_("restocked units"),
    "median hours arrival to decision": N_("median hours arrival to decision"),
}


def _as_written(text: str) -> str:
    return text


def share_text(share: Decimal | None) -> str:
    return "" if share is None else f"{share * 100:.1f}%"


def _delta_text(delta: Delta, value: Decimal | None) -> str:
    if value is None:
        return ""
    return money_text(value) if delta.is_money else num(value)


def summary_tables(summary: Summary, *, translated: bool = True) -> dict[str, Table]:
    """Each table of the summary (name -> header, rows), as plain strings ready for CSV or a screen.

    ``translated``: headers and the names of rows in the language in force, for people (the screen, the
    text and the PDF); False keeps them as written, in English, for a CSV file that other software reads.
    """
    t: Translate = _ if translated else _as_written
    tables = {}
    for name, table in _TABLES.items():
        header, rows = table(summary, t)
        tables[name] = ([t(text) for text in header], rows)  # each marked with N_() (here or in Disposition)
    return tables


# As written in Disposition (marked there with N_()), translated with t() where shown.
_LABELS = {d.value: d.english_label for d in Disposition}
_DISPOSITION_HEADER = [_LABELS[d] for d in DISPOSITIONS]


def _figures(summary: Summary, t: Translate) -> Table:
    current = summary.current
    seconds, arrival = current.seconds_per_unit, current.arrival_to_decision_hours
    figures = [
        [t(N_("Units decided")), str(current.units)],
        [t(N_("Units per hour")), num(current.units_per_hour)],
        [t(N_("Median seconds per unit")), num(seconds.median)],
        [t(N_("Average seconds per unit")), num(seconds.average)],
        [t(N_("Units with a scan time")), str(seconds.count)],
        [t(N_("Overrides")), str(current.overrides)],
        [t(N_("Override share")), share_text(current.override_share)],
        [t(N_("Restocked units")), str(current.restocked_units)],
        *(
            [t(N_("Reimbursement {currency}")).format(currency=c), money_text(a)]
            for c, a in current.reimbursement_total.items()
        ),
        [t(N_("Median hours arrival to decision")), num(arrival.median)],
        [t(N_("Average hours arrival to decision")), num(arrival.average)],
        [t(N_("Authorizations waiting")), str(summary.waiting.count)],
        [t(N_("Units waiting")), str(summary.waiting.undecided_units)],
        [t(N_("SKUs returned")), str(summary.skus_returned)],
        [t(N_("Returns (authorizations)")), str(summary.returns)],
        [t(N_("Alerts")), str(len(summary.alerts))],
    ]
    return ([N_("Figure"), N_("Value")], figures)


def _dispositions(summary: Summary, t: Translate) -> Table:
    current = summary.current
    return (
        [N_("Disposition"), N_("Units"), N_("Share")],
        [
            [
                t(_LABELS[d]),
                str(current.by_disposition[d]),
                share_text(ratio(current.by_disposition[d], current.units)),
            ]
            for d in DISPOSITIONS
        ],
    )


def _inspectors(summary: Summary, t: Translate) -> Table:
    return (
        [
            N_("Inspector"),
            N_("Units"),
            *_DISPOSITION_HEADER,
            N_("Units/h"),
            N_("Active h"),
            N_("Units/active h"),
            N_("Median s/unit"),
            N_("Overrides"),
            N_("Override share"),
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


def _benches(summary: Summary, t: Translate) -> Table:
    return (
        [N_("Bench"), N_("Units"), *_DISPOSITION_HEADER],
        [[b.bench, str(b.units), *(str(b.by_disposition[d]) for d in DISPOSITIONS)] for b in summary.benches],
    )


def _hours(summary: Summary, t: Translate) -> Table:
    return (
        [N_("Hour (local)"), N_("Start (UTC)"), N_("Units")],
        [
            [f"{h.local_start:%Y-%m-%d %H:%M %z}", iso_utc(h.start), str(h.units)]
            for h in summary.units_by_hour
        ],
    )


def _overrides(summary: Summary, t: Translate) -> Table:
    return (
        [N_("Inspector"), N_("Units"), N_("Overrides"), N_("Share")],
        [
            [i.inspector, str(i.units), str(i.overrides), share_text(i.override_share)]
            for i in summary.inspectors
            if i.overrides
        ],
    )


def _reimbursement(summary: Summary, t: Translate) -> Table:
    current = summary.current
    total = t(N_("total"))
    return (
        [N_("Component"), N_("Currency"), N_("Amount")],
        [
            *([c.component, c.currency, money_text(c.amount)] for c in summary.reimbursement_by_component),
            *([total, cur, money_text(a)] for cur, a in current.reimbursement_total.items()),
        ],
    )


def _restocked(summary: Summary, t: Translate) -> Table:
    return (
        [N_("SKU"), N_("Location"), N_("Units")],
        [[r.sku, r.location, str(r.units)] for r in summary.restocked],
    )


def _waiting(summary: Summary, t: Translate) -> Table:
    return (
        [N_("Authorization"), N_("SKU"), N_("Requested"), N_("Undecided"), N_("Units"), N_("Waiting h")],
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


def _reasons(summary: Summary, t: Translate) -> Table:
    return (
        [N_("SKU"), N_("Returns"), N_("Reason"), N_("Count"), N_("Share"), N_("Cumulative")],
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


def _alerts(summary: Summary, t: Translate) -> Table:
    return (
        [N_("SKU"), N_("Reason"), N_("Count"), N_("Returns"), N_("Share")],
        [[a.sku, a.reason, str(a.count), str(a.returns), share_text(a.share)] for a in summary.alerts],
    )


def _figure_name(figure: str, t: Translate) -> str:
    """A compared figure's name (Delta.figure) for the table."""
    if figure in _FIGURE_NAMES:
        return t(_FIGURE_NAMES[figure])
    currency = figure.removeprefix("reimbursement ")
    if currency != figure:
        return t(N_("reimbursement {currency}")).format(currency=currency)
    return figure


def _comparison(summary: Summary, t: Translate) -> Table:
    return (
        [N_("Figure"), N_("This window"), N_("Previous"), N_("Change"), N_("Change %")],
        [
            [
                _figure_name(d.figure, t),
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
        return _("requested on or before {date}").format(date=waiting.requested_on_or_before)
    return _("requested from {start} to {end}").format(
        start=waiting.requested_since, end=waiting.requested_on_or_before
    )
