"""The summary in each output format: one renderer per format name, for the command line and the views."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rmadesk.domain.errors import UserError
from rmadesk.store.disk import storage_problem
from rmadesk.summary.figures import Summary
from rmadesk.text.i18n import _

# Each renderer imports its module when it runs: a command writes one format, and the start-up of
# ``rmadesk summary`` should not pay for the others.


@dataclass(frozen=True)
class Options:
    """What a renderer may be told: the site named on a report, the one table a CSV holds."""

    site: str = ""
    table: str | None = None


def _text(summary: Summary, options: Options) -> bytes:
    from rmadesk.summary.render import text

    return text.summary_to_text(summary).encode("utf-8")


def _csv(summary: Summary, options: Options) -> bytes:
    from rmadesk.summary.render import csv

    out = io.StringIO()
    csv.write_csv(summary, out, options.table)
    return out.getvalue().encode("utf-8")


def _json(summary: Summary, options: Options) -> bytes:
    from rmadesk.summary.render import json

    return json.summary_json_text(summary).encode("utf-8")


def _pdf(summary: Summary, options: Options) -> bytes:
    from rmadesk.summary.render import pdf  # ReportLab: only when a report is asked for

    return pdf.pdf_bytes(summary, site=options.site)


Renderer = Callable[[Summary, Options], bytes]

RENDERERS: dict[str, Renderer] = {"text": _text, "csv": _csv, "json": _json, "pdf": _pdf}
FORMATS = tuple(RENDERERS)
SUFFIXES = {"text": ".txt", "csv": ".csv", "json": ".json", "pdf": ".pdf"}


def render(summary: Summary, fmt: str, options: Options = Options()) -> bytes:
    """The summary in format ``fmt``, as the bytes of a file."""
    renderer = RENDERERS.get(fmt)
    if renderer is None:
        raise UserError(
            _("Unknown format '{fmt}': use one of {formats}.").format(fmt=fmt, formats=", ".join(FORMATS))
        )
    return renderer(summary, options)


def write(summary: Summary, fmt: str, path: Path, options: Options = Options()) -> Path:
    """Write the summary in format ``fmt`` to ``path``; returns the path. A file that cannot be
    written is a UserError."""
    data = render(summary, fmt, options)
    try:
        Path(path).write_bytes(data)
    except OSError as exc:
        if fmt == "pdf":
            message = _("The report cannot be written to {path}: {reason}.")
        else:
            message = _("The summary cannot be written to {path}: {reason}.")
        raise UserError(message.format(path=path, reason=storage_problem(exc))) from exc
    return Path(path)
