"""The detail pane's text: one authorization's units, outcomes and history."""

from __future__ import annotations

import html
from datetime import datetime

from rmadesk.services.browse import HistoryEntry, UnitDetail
from rmadesk.ui.bench.panels import money_text
from rmadesk.ui.common.style import DISPOSITION_COLOURS, NEUTRAL

HISTORY_TIME_STYLE = "color:#546e7a; padding-right:10px; white-space:nowrap"


def local_time(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else "—"


def bench_text(bench: str) -> str:
    """ "bench 3" for a bench named 3, but "bench-1" as it is."""
    return bench if bench.lower().startswith("bench") else f"bench {bench}"


def unit_html(unit: UnitDetail) -> str:
    e = html.escape
    head = f"<b>Unit {unit.seq}</b>" + (
        f" &nbsp;<span style='color:#546e7a'>LPN {e(unit.lpn)}</span>" if unit.lpn else ""
    )
    o = unit.outcome
    if o is None:
        body = f"<span style='color:{NEUTRAL}'>Not decided yet.</span>"
    else:
        colour = DISPOSITION_COLOURS.get(o.disposition.value, NEUTRAL)
        stock = "restocked" if o.restocked else "held"
        body = (
            f"<span style='color:{colour}; font-weight:700'>{e(o.disposition.label)}</span>"
            f" → {e(o.location)} ({stock}) · reimbursement "
            f"{e(money_text(o.reimbursement_total, o.currency)).replace(' ', '&nbsp;')}"
            f"<br><span style='color:#546e7a'>{e(o.inspector)} · {e(bench_text(o.bench))} · "
            f"{local_time(o.decided_at)}</span>"
        )
        if o.override_reason:
            recommended = o.recommended.label if o.recommended else "another disposition"
            body += f"<br><i>Overrode {e(recommended)}: {e(o.override_reason)}</i>"
    extra = []
    if unit.reversed_outcomes:
        extra.append(f"{unit.reversed_outcomes} earlier outcome(s) reversed")
    if unit.marketplace_disposition:
        said = unit.marketplace_disposition + (
            f" ({unit.marketplace_reason})" if unit.marketplace_reason else ""
        )
        extra.append(f"marketplace said {said}")
    if extra:
        body += f"<br><span style='color:#546e7a'>{e('; '.join(extra))}</span>"
    return f"{head}<br>{body}"


def history_html(history: tuple[HistoryEntry, ...]) -> str:
    if not history:
        return "<span style='color:#546e7a'>Nothing recorded yet.</span>"
    lines = []
    for entry in history:
        who = ", ".join(x for x in (entry.actor, bench_text(entry.bench) if entry.bench else None) if x)
        lines.append(
            f"<tr><td style='{HISTORY_TIME_STYLE}'>{local_time(entry.at)}</td>"
            f"<td>{html.escape(entry.summary)}"
            + (f" <span style='color:#546e7a'>— {html.escape(who)}</span>" if who else "")
            + "</td></tr>"
        )
    return "<table cellspacing='0' cellpadding='2'>" + "".join(lines) + "</table>"
