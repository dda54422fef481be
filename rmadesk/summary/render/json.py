"""The summary as JSON: money as decimal strings, times as ISO 8601 (UTC with Z, and local)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from rmadesk.summary.figures import Delta, DurationStats, Summary, WindowFigures, hours_between
from rmadesk.summary.render.tables import money_text
from rmadesk.summary.windows import iso_utc, local_iso


def _json_num(value: Decimal | float | int | None) -> float | int | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return (
            int(value)
            if value == value.to_integral_value() and value.as_tuple().exponent >= 0
            else float(value)
        )
    return value


def _delta_json(delta: Delta, value: Decimal | None) -> str | float | int | None:
    if value is None:
        return None
    return money_text(value) if delta.is_money else _json_num(value)


def _duration_json(stats: DurationStats) -> dict[str, Any]:
    return {"count": stats.count, "median": stats.median, "average": stats.average}


def _figures_json(figures: WindowFigures) -> dict[str, Any]:
    return {
        "start": iso_utc(figures.start),
        "end": iso_utc(figures.end),
        "hours": _json_num(figures.hours),
        "units": figures.units,
        "units_by_disposition": dict(figures.by_disposition),
        "units_per_hour": _json_num(figures.units_per_hour),
        "seconds_per_unit": _duration_json(figures.seconds_per_unit),
        "overrides": figures.overrides,
        "override_share": _json_num(figures.override_share),
        "restocked_units": figures.restocked_units,
        "reimbursement_total": {c: money_text(a) for c, a in figures.reimbursement_total.items()},
        "arrival_to_decision_hours": _duration_json(figures.arrival_to_decision_hours),
    }


def summary_to_json(summary: Summary) -> dict[str, Any]:
    """The summary as JSON-ready data: money as decimal strings, times as ISO 8601 (UTC with Z, and local)."""
    tz = summary.tz
    current = summary.current
    return {
        "label": summary.label,
        "window": {
            "start": iso_utc(summary.start),
            "end": iso_utc(summary.end),
            "start_local": local_iso(summary.start, tz),
            "end_local": local_iso(summary.end, tz),
            "timezone": summary.tz_name,
            "hours": _json_num(hours_between(summary.start, summary.end).quantize(Decimal("0.001"))),
            "elapsed_hours": _json_num(summary.elapsed_hours),
        },
        "generated_at": iso_utc(summary.generated_at),
        "units": current.units,
        "units_by_disposition": dict(current.by_disposition),
        "units_by_inspector": summary.units_by_inspector,
        "units_by_bench": summary.units_by_bench,
        "units_by_hour": [
            {"start": iso_utc(h.start), "local": local_iso(h.local_start, tz), "units": h.units}
            for h in summary.units_by_hour
        ],
        "units_by_hour_of_day": list(summary.units_by_hour_of_day),
        "units_per_hour": _json_num(current.units_per_hour),
        "seconds_per_unit": _duration_json(current.seconds_per_unit),
        "inspectors": [
            {
                "inspector": i.inspector,
                "units": i.units,
                "units_by_disposition": dict(i.by_disposition),
                "units_per_hour": _json_num(i.units_per_hour),
                "active_hours": _json_num(i.active_hours),
                "units_per_active_hour": _json_num(i.units_per_active_hour),
                "median_seconds": i.median_seconds,
                "overrides": i.overrides,
                "override_share": _json_num(i.override_share),
            }
            for i in summary.inspectors
        ],
        "benches": [
            {"bench": b.bench, "units": b.units, "units_by_disposition": dict(b.by_disposition)}
            for b in summary.benches
        ],
        "overrides": {
            "total": current.overrides,
            "share": _json_num(current.override_share),
            "by_inspector": {
                i.inspector: {
                    "units": i.units,
                    "overrides": i.overrides,
                    "share": _json_num(i.override_share),
                }
                for i in summary.inspectors
            },
        },
        "reimbursement_total": {c: money_text(a) for c, a in current.reimbursement_total.items()},
        "reimbursement_by_component": [
            {"component": c.component, "currency": c.currency, "amount": money_text(c.amount)}
            for c in summary.reimbursement_by_component
        ],
        "restocked_units": current.restocked_units,
        "restocked": [{"sku": r.sku, "location": r.location, "units": r.units} for r in summary.restocked],
        "arrival_to_decision_hours": _duration_json(current.arrival_to_decision_hours),
        "waiting": {
            "count": summary.waiting.count,
            "undecided_units": summary.waiting.undecided_units,
            "requested_on_or_before": summary.waiting.requested_on_or_before.isoformat(),
            "requested_since": (
                summary.waiting.requested_since.isoformat() if summary.waiting.requested_since else None
            ),
            "as_of": iso_utc(summary.waiting.as_of),
            "oldest": [
                {
                    "auth_id": w.auth_id,
                    "id": w.display_id,
                    "sku": w.sku,
                    "request_date": w.request_date.isoformat(),
                    "units": w.units,
                    "undecided": w.undecided,
                    "waiting_hours": w.waiting_hours,
                }
                for w in summary.waiting.oldest
            ],
        },
        "skus_returned": summary.skus_returned,
        "returns": summary.returns,
        "top_reasons_by_sku": {
            s.sku: {
                "returns": s.returns,
                "other": s.other,
                "reasons": [
                    {
                        "reason": r.reason,
                        "count": r.count,
                        "share": _json_num(r.share),
                        "cumulative_share": _json_num(r.cumulative_share),
                    }
                    for r in s.reasons
                ],
            }
            for s in summary.top_reasons_by_sku
        },
        "alerts": {
            "share_at_least": _json_num(summary.alert_share),
            "count_at_least": summary.alert_min_count,
            "skus": [
                {
                    "sku": a.sku,
                    "reason": a.reason,
                    "count": a.count,
                    "returns": a.returns,
                    "share": _json_num(a.share),
                }
                for a in summary.alerts
            ],
        },
        "comparison": {
            "label": summary.previous_label,
            "previous": _figures_json(summary.previous),
            "deltas": {
                d.figure: {
                    "current": _delta_json(d, d.current),
                    "previous": _delta_json(d, d.previous),
                    "change": _delta_json(d, d.change),
                    "change_percent": _json_num(d.change_percent),
                }
                for d in summary.deltas
            },
        },
    }


def summary_json_text(summary: Summary) -> str:
    return json.dumps(summary_to_json(summary), indent=2, ensure_ascii=False) + "\n"
