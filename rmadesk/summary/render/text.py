"""The summary for a terminal: a headline, then every table."""

from __future__ import annotations

from collections.abc import Sequence

from rmadesk.summary.figures import Summary
from rmadesk.summary.render.tables import TABLE_TITLES, money_text, num, summary_tables, waiting_span
from rmadesk.summary.windows import iso_utc, local_iso, range_label


def _text_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    if not rows:
        return ["  (none)"]
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
    money = ", ".join(f"{money_text(a)} {c}" for c, a in current.reimbursement_total.items()) or "none"
    lines = [
        f"RMA Desk summary: {summary.label}",
        f"Window: {range_label(summary.start, summary.end, tz)} {summary.tz_name} "
        f"({iso_utc(summary.start)} to {iso_utc(summary.end)}), "
        f"generated {local_iso(summary.generated_at, tz)}",
        f"Units decided: {current.units} (sellable {disp['sellable']}, carrier-damaged "
        f"{disp['carrier_damaged']}, seller-fault {disp['seller_fault']}); "
        f"{num(current.units_per_hour) or '-'} units/h; "
        f"median {num(current.seconds_per_unit.median) or '-'} s per unit",
        f"Expected reimbursement: {money}. Waiting: {summary.waiting.count} authorizations "
        f"{waiting_span(summary.waiting)}.",
        f"Compared with: {summary.previous_label}",
    ]
    if summary.alerts:
        lines.append(
            "ALERTS: " + "; ".join(f"{a.sku} {a.reason} {a.count}/{a.returns}" for a in summary.alerts)
        )
    for name, (header, rows) in summary_tables(summary).items():
        lines += ["", TABLE_TITLES[name], *_text_table(header, rows)]
    return "\n".join(lines) + "\n"
