"""The command ``rmadesk summary``: the window a supervisor means, and the summary in the format asked."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import UTC, datetime, tzinfo
from decimal import Decimal
from pathlib import Path
from typing import TextIO

from rmadesk.domain.errors import UserError
from rmadesk.domain.people import Actor
from rmadesk.domain.shifts import Shift
from rmadesk.store.types import utcnow
from rmadesk.store.uow import Store
from rmadesk.summary import render
from rmadesk.summary.service import summarize
from rmadesk.summary.windows import resolve_window
from rmadesk.text.i18n import _


def run_summary_command(
    store: Store,
    actor: Actor,
    *,
    shift: str | None,
    start: str | None,
    end: str | None,
    fmt: str,
    out_path: Path | None,
    tz: tzinfo,
    shifts: Sequence[Shift],
    site: str = "",
    table: str | None = None,
    alert_share: Decimal = Decimal("0.5"),
    alert_min_count: int = 5,
    waiting_hours: int = 24,
    waiting_within_days: int | None = None,
    now: datetime | None = None,
    stdout: TextIO | None = None,
) -> int:
    """``rmadesk summary``: write the summary as text, csv, json (to ``out_path`` or stdout) or pdf
    (to ``out_path``, default a file named after the window in the current folder). Returns 0."""
    if fmt not in render.FORMATS:
        raise UserError(
            _("Unknown format '{fmt}': use one of {formats}.").format(
                fmt=fmt, formats=", ".join(render.FORMATS)
            )
        )
    if table is not None and fmt != "csv":
        raise UserError(_("--table goes with --format csv."))
    now = (now or utcnow()).astimezone(UTC)
    window = resolve_window(shift=shift, start=start, end=end, tz=tz, shifts=shifts, now=now)
    summary = summarize(
        store,
        actor,
        window.start,
        window.end,
        tz=tz,
        alert_share=alert_share,
        alert_min_count=alert_min_count,
        waiting_hours=waiting_hours,
        waiting_within_days=waiting_within_days,
        now=now,
        label=window.label,
        previous=window.previous,
        previous_label=window.previous_label,
    )
    options = render.Options(site=site or store.name, table=table)
    if fmt == "pdf":
        local = window.start.astimezone(tz)
        target = out_path or Path.cwd() / f"rmadesk-summary-{local:%Y%m%d-%H%M}.pdf"
        written = render.write(summary, fmt, target, options)
        print(_("Summary report: {path}").format(path=written), file=sys.stderr)
        return 0
    if out_path is None:
        (stdout or sys.stdout).write(render.render(summary, fmt, options).decode("utf-8"))
        return 0
    written = render.write(summary, fmt, out_path, options)
    print(_("Summary: {path}").format(path=written), file=sys.stderr)
    return 0
