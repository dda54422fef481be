"""The command ``rmadesk summary``: which window a supervisor means, and the summary in the format asked."""

from __future__ import annotations

import io
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from decimal import Decimal
from pathlib import Path
from typing import TextIO

from rmadesk.domain.errors import UserError
from rmadesk.domain.shifts import (
    Shift,
    current_shift,
    find_shift,
    latest_shift_window,
    parse_moment,
    previous_shift_window,
)
from rmadesk.services.summary import (
    FORMATS,
    range_label,
    summarize,
    summary_json_text,
    summary_to_text,
    write_csv,
)
from rmadesk.store.types import utcnow
from rmadesk.store.uow import Store


@dataclass(frozen=True)
class SummaryWindow:
    """The window a command asked for, the one it is compared with, and their labels."""

    start: datetime
    end: datetime
    label: str
    previous: tuple[datetime, datetime]
    previous_label: str


def resolve_window(
    *,
    shift: str | None,
    start: str | None,
    end: str | None,
    tz: tzinfo,
    shifts: Sequence[Shift],
    now: datetime,
) -> SummaryWindow:
    """``--shift NAME``: that shift's latest started window; ``--from/--to``: that range; neither:
    the running shift (or, between shifts, the one that ended last). A shift is compared with the
    shift before it; a range with the same length right before it."""
    if shift and (start or end):
        raise UserError("Give either --shift or --from/--to, not both.")
    if start or end:
        if not (start and end):
            raise UserError("Give both --from and --to (ISO 8601, e.g. 2026-11-26T06:00:00Z).")
        a, b = parse_moment(start, tz), parse_moment(end, tz)
        if b <= a:
            raise UserError(f"--to ({end}) is not after --from ({start}).")
        return SummaryWindow(a, b, range_label(a, b, tz), (a - (b - a), a), range_label(a - (b - a), a, tz))
    if shift:
        window = latest_shift_window(find_shift(shifts, shift), now, tz)
    else:
        window = current_shift(shifts, now, tz) or previous_shift_window(shifts, now, tz)
        if window is None:
            raise UserError("No shifts are set: name them in the settings (shifts) or give --from/--to.")
    before = previous_shift_window(shifts, window.start, tz)
    if before is None:
        length = window.end - window.start
        return SummaryWindow(
            window.start,
            window.end,
            window.label,
            (window.start - length, window.start),
            range_label(window.start - length, window.start, tz),
        )
    return SummaryWindow(window.start, window.end, window.label, (before.start, before.end), before.label)


def run_summary_command(
    store: Store,
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
    if fmt not in FORMATS:
        raise UserError(f"Unknown format '{fmt}': use one of {', '.join(FORMATS)}.")
    if table is not None and fmt != "csv":
        raise UserError("--table goes with --format csv.")
    out = stdout or sys.stdout
    now = (now or utcnow()).astimezone(UTC)
    window = resolve_window(shift=shift, start=start, end=end, tz=tz, shifts=shifts, now=now)
    summary = summarize(
        store,
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
    if fmt == "pdf":
        from rmadesk.services.summary_report import write_summary_pdf

        local = window.start.astimezone(tz)
        target = out_path or Path.cwd() / f"rmadesk-summary-{local:%Y%m%d-%H%M}.pdf"
        written = write_summary_pdf(summary, target, site=site or store.name)
        print(f"Summary report: {written}", file=sys.stderr)
        return 0
    buffer = io.StringIO()
    if fmt == "json":
        buffer.write(summary_json_text(summary))
    elif fmt == "csv":
        write_csv(summary, buffer, table)
    else:
        buffer.write(summary_to_text(summary))
    if out_path is None:
        out.write(buffer.getvalue())
        return 0
    try:
        out_path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
    except OSError as exc:
        raise UserError(f"The summary cannot be written to {out_path}: {exc.strerror or exc}.") from exc
    print(f"Summary: {out_path}", file=sys.stderr)
    return 0
