"""The summary for a terminal: a headline, then every table."""

from __future__ import annotations

from collections.abc import Sequence

from rmadesk.summary.figures import Summary
from rmadesk.summary.render.tables import TABLE_TITLES, money_text, num, summary_tables, waiting_span
from rmadesk.summary.windows import iso_utc, local_iso, range_label
from rmadesk.text.i18n import _


def _text_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    if not rows:
        return ["  " + _("(none)")]
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


def summary_to_text(summary: Summary) -> str:
    """The summary for a terminal: a headline, then every table."""
    tz = summary.tz
    current = summary.current
    disp = current.by_disposition
    money = ", ".join(f"{money_text(a)} {c}" for c, a in current.reimbursement_total.items()) or _("none")
    lines = [
        _("RMA Desk summary: {label}").format(label=summary.label),
        _("Window: {range} {zone} ({start} to {end}), generated {generated}").format(
            range=range_label(summary.start, summary.end, tz),
            zone=summary.tz_name,
            start=iso_utc(summary.start),
            end=iso_utc(summary.end),
            generated=local_iso(summary.generated_at, tz),
        ),
        _(
            "Units decided: {units} (sellable {sellable}, carrier-damaged {carrier_damaged}, "
            "seller-fault {seller_fault}); {per_hour} units/h; median {median} s per unit"
        ).format(
            units=current.units,
            sellable=disp["sellable"],
            carrier_damaged=disp["carrier_damaged"],
            seller_fault=disp["seller_fault"],
            per_hour=num(current.units_per_hour) or "-",
            median=num(current.seconds_per_unit.median) or "-",
        ),
        _("Expected reimbursement: {money}. Waiting: {count} authorizations {span}.").format(
            money=money, count=summary.waiting.count, span=waiting_span(summary.waiting)
        ),
        _("Compared with: {label}").format(label=summary.previous_label),
    ]
    if summary.alerts:
        lines.append(
            _("ALERTS: {alerts}").format(
                alerts="; ".join(f"{a.sku} {a.reason} {a.count}/{a.returns}" for a in summary.alerts)
            )
        )
    for name, (header, rows) in summary_tables(summary).items():
        lines += ["", _(TABLE_TITLES[name]), *_text_table(header, rows)]
    return "\n".join(lines) + "\n"
