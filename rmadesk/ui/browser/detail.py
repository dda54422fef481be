"""The detail pane's text: one authorization's units, outcomes and history."""

from __future__ import annotations

import html
from datetime import datetime

from rmadesk.services.browse import HistoryEntry, UnitDetail
from rmadesk.text.i18n import _
from rmadesk.ui.bench.panels import money_text
from rmadesk.ui.common.style import DISPOSITION_COLOURS, NEUTRAL

HISTORY_TIME_STYLE = "color:#546e7a; padding-right:10px; white-space:nowrap"


def local_time(moment: datetime | None) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else "—"


def bench_text(bench: str) -> str:
    """ "bench 3" for a bench named 3, but "bench-1" as it is."""
    return bench if bench.lower().startswith("bench") else _("bench {bench}").format(bench=bench)


def unit_html(unit: UnitDetail) -> str:
    e = html.escape
    unit_title = _("Unit {number}").format(number=unit.seq)
    lpn = _("LPN {lpn}").format(lpn=e(unit.lpn)) if unit.lpn else ""
    head = f"<b>{unit_title}</b>" + (f" &nbsp;<span style='color:#546e7a'>{lpn}</span>" if lpn else "")
    if unit.item is not None:
        item = _("item {number}: {sku} · {name}").format(
            number=unit.item.seq, sku=e(unit.item.sku), name=e(unit.item.item_name)
        )
        head += f" &nbsp;<span style='color:#546e7a'>{item}</span>"
    o = unit.outcome
    if o is None:
        body = f"<span style='color:{NEUTRAL}'>" + _("Not decided yet.") + "</span>"
    else:
        colour = DISPOSITION_COLOURS.get(o.disposition.value, NEUTRAL)
        stock = _("restocked") if o.restocked else _("held")
        where = _("→ {location} ({stock}) · reimbursement {amount}").format(
            location=e(o.location),
            stock=stock,
            amount=e(money_text(o.reimbursement_total, o.currency)).replace(" ", "&nbsp;"),
        )
        body = (
            f"<span style='color:{colour}; font-weight:700'>{e(o.disposition.label)}</span>"
            f" {where}"
            f"<br><span style='color:#546e7a'>{e(o.inspector)} · {e(bench_text(o.bench))} · "
            f"{local_time(o.decided_at)}</span>"
        )
        if o.override_reason:
            recommended = o.recommended.label if o.recommended else _("another disposition")
            overrode = _("Overrode {recommended}: {reason}").format(
                recommended=e(recommended), reason=e(o.override_reason)
            )
            body += f"<br><i>{overrode}</i>"
    extra = []
    if unit.reversed_outcomes:
        extra.append(_("{count} earlier outcome(s) reversed").format(count=unit.reversed_outcomes))
    if unit.marketplace_disposition:
        said = unit.marketplace_disposition + (
            f" ({unit.marketplace_reason})" if unit.marketplace_reason else ""
        )
        extra.append(_("marketplace said {said}").format(said=said))
    if extra:
        body += f"<br><span style='color:#546e7a'>{e('; '.join(extra))}</span>"
    return f"{head}<br>{body}"


def history_html(history: tuple[HistoryEntry, ...]) -> str:
    if not history:
        return "<span style='color:#546e7a'>" + _("Nothing recorded yet.") + "</span>"
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
