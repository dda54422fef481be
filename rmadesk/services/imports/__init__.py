"""Importing the marketplace's reports: valid rows in one transaction, every rejected row explained."""

from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rmadesk.domain.errors import UserError
from rmadesk.domain.people import Actor, Permission, open_actor
from rmadesk.formats.amazon.registry import ParsedReport, ReportKind, read_report
from rmadesk.formats.marketplaces import Marketplace
from rmadesk.formats.marketplaces import marketplace as find_marketplace
from rmadesk.services.access import authorize
from rmadesk.services.imports.base import Progress, ReportImporter
from rmadesk.services.imports.fba_reimbursements import ReimbursementsImporter
from rmadesk.services.imports.fba_returns import FbaReturnsImporter
from rmadesk.services.imports.mfn_returns import MfnImporter
from rmadesk.services.imports.result import ImportResult
from rmadesk.store import auth_status
from rmadesk.store.models import AuditEvent, ImportBatch
from rmadesk.store.uow import Store
from rmadesk.text.i18n import _, ngettext

__all__ = ["IMPORTERS", "ImportResult", "Progress", "import_report", "read_report_file"]

# The importer of each report in the registry (rmadesk.formats.amazon.registry), one module each:
# mfn_returns upserts one authorization per row by its key; fba_returns makes one unit per license
# plate, grouped into one authorization per order and SKU; fba_reimbursements upserts what the
# marketplace paid, for rmadesk.services.reconcile. A new report adds its importer module and a line.
IMPORTERS: dict[ReportKind, type[ReportImporter]] = {
    ReportKind.MFN_RETURNS: MfnImporter,
    ReportKind.FBA_RETURNS: FbaReturnsImporter,
    ReportKind.FBA_REIMBURSEMENTS: ReimbursementsImporter,
}


# No real report comes near this (100,000 seller-fulfilled rows are about 24 MB). A file is read as it
# streams, but its usable rows are held until they are written in one transaction; a larger file is
# refused before it is read.
MAX_FILE_BYTES = 256 * 1024 * 1024


def _checked(path: Path) -> Path:
    """path, once it is known to be a readable report file of a size RMA Desk imports."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES and path.is_file():
            raise UserError(
                _(
                    "{path} is {size} MB; RMA Desk imports report files up to {most} MB. Download the "
                    "report for a shorter period and import each file."
                ).format(path=path, size=size // (1024 * 1024), most=MAX_FILE_BYTES // (1024 * 1024))
            )
        with path.open("rb") as stream:
            stream.read(1)
        return path
    except FileNotFoundError as exc:
        raise UserError(_("There is no file {path}.").format(path=path)) from exc
    except IsADirectoryError as exc:
        raise UserError(_("{path} is a folder, not a report file.").format(path=path)) from exc
    except OSError as exc:
        raise UserError(
            _("The file {path} cannot be read: {reason}.").format(path=path, reason=exc.strerror or exc)
        ) from exc


def read_report_file(path: Path) -> ParsedReport:
    """Read and recognize a report file; a person-readable error if it cannot be read."""
    return _read(_checked(path))


def _read(path: Path, *args: Any, **kwargs: Any) -> ParsedReport:
    """read_report, with trouble reading the file (a disk or a network share failing) told plainly."""
    try:
        return read_report(path, *args, **kwargs)
    except OSError as exc:
        raise UserError(
            _("The file {path} cannot be read: {reason}.").format(path=path, reason=exc.strerror or exc)
        ) from exc


def _digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def import_report(
    store: Store,
    path: Path,
    *,
    actor: Actor | str,
    bench: str = "",
    progress: Progress | None = None,
    marketplace: str | None = None,
) -> ImportResult:
    """Import a report file: seller-fulfilled returns, FBA customer returns or FBA reimbursements.

    All valid rows go in as one transaction; every rejected row is in the result's problems.
    Raises NotAReport (nothing imported) for a file that is none of the three reports.
    progress(done, total) is called with report rows as each chunk is written.
    A signed-in actor must be a supervisor or an admin; a bare name is a bench that runs open.
    marketplace (a code such as "DE", see rmadesk.formats.marketplaces) says how the file's numbers are
    written, which encoding to try first, and the currency of rows without one; without it, the
    currency is US dollars and each amount column's cells tell how its numbers are written.
    """
    market = find_marketplace(marketplace)
    if isinstance(actor, str):
        actor = open_actor(actor, bench)
    authorize(store, actor, Permission.IMPORT)
    actor, bench = actor.name, actor.bench
    with _collection_paused():
        return _import(
            store, path, market, numbers_told=bool(marketplace), actor=actor, bench=bench, progress=progress
        )


@contextmanager
def _collection_paused() -> Iterator[None]:
    """No automatic garbage collection while a report is read and written.

    An import makes hundreds of thousands of objects that live until it ends and hold no cycles;
    the collector would walk them again and again (a quarter of the time of reading a 100,000-row
    report). Where collection is already driven by hand (the desktop app), nothing changes.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _import(
    store: Store,
    path: Path,
    market: Marketplace,
    *,
    numbers_told: bool,
    actor: str,
    bench: str,
    progress: Progress | None,
) -> ImportResult:
    report = _read(_checked(path), market, numbers_told=numbers_told)
    digest = _digest(path)
    with store.unit_of_work() as session:
        importer = IMPORTERS[report.kind](session, progress, market)
        with importer.w.importing(), auth_status.kept_through(session):
            importer.run(report.rows)
        result = ImportResult(
            file_name=path.name,
            report_label=report.label,
            encoding=report.encoding,
            total_lines=report.total_lines,
            added=importer.added,
            updated=importer.updated,
            unchanged=importer.unchanged,
            duplicates=report.duplicates,
            problems=tuple(sorted((*report.problems, *importer.problems), key=lambda problem: problem.line)),
            notes=(*_reading_notes(report), *importer.notes),
            report_kind=report.kind.value,
            authorizations_added=importer.authorizations_added,
            units_added=importer.units_added,
            units_removed=importer.units_removed,
            marketplace=market.code,
            currencies=report.currencies(market.currency),
        )
        session.add(
            ImportBatch(
                file_name=path.name,
                report_kind=report.kind.value,
                sha256=digest,
                actor=actor,
                bench=bench,
                rows_total=report.total_lines,
                rows_added=result.added,
                rows_updated=result.updated,
                rows_unchanged=result.unchanged,
                rows_rejected=result.rejected,
            )
        )
        if result.added or result.updated:
            session.add(
                AuditEvent(
                    actor=actor,
                    bench=bench,
                    action="import",
                    entity="report",
                    entity_key=path.name,
                    after=json.dumps(
                        {
                            "kind": report.kind.value,
                            "added": result.added,
                            "updated": result.updated,
                            "rejected": result.rejected,
                            "authorizations_added": result.authorizations_added,
                            "units_added": result.units_added,
                            "units_removed": result.units_removed,
                            "sha256": digest,
                            "file": path.name,
                        },
                        sort_keys=True,
                    ),
                )
            )
    return result


def _reading_notes(report: ParsedReport) -> list[str]:
    """What a person should know about how the file was read."""
    notes = []
    if report.encoding.startswith("utf-8 + "):
        notes.append(
            _(
                "The file mixes encodings: its lines that are not UTF-8 were read as {encoding}, line by "
                "line. Check their text (the file may have been pasted together from two downloads)."
            ).format(encoding=report.encoding.removeprefix("utf-8 + "))
        )
    if report.short_rows:
        n = report.short_rows
        notes.append(
            ngettext(
                "{count} row ended before the last columns (the marketplace leaves trailing empty cells "
                "out); its missing cells were read as empty.",
                "{count} rows ended before the last columns (the marketplace leaves trailing empty cells "
                "out); their missing cells were read as empty.",
                n,
            ).format(count=n)
        )
    return notes
