"""Importing return reports: every valid row in one transaction, every rejected row explained."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from rmadesk.domain.errors import NotAReport, UserError
from rmadesk.domain.model import AuthorizationKind, AuthorizationSource
from rmadesk.formats.reports import MfnReturn, ParsedReport, ReportKind, RowProblem, read_report
from rmadesk.store.models import AuditEvent, Authorization, ImportBatch, Outcome, ScanCode, Unit
from rmadesk.store.types import utcnow
from rmadesk.store.uow import Store

CHUNK = 500
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ImportResult:
    """What an import did.

    Attributes:
        added / updated / unchanged: authorizations by what happened to them.
        problems: rows not imported, with line number and reason.
        notes: things a person should know that are not errors (a status changed, a quantity kept).
    """

    file_name: str
    report_label: str
    encoding: str
    total_lines: int
    added: int
    updated: int
    unchanged: int
    duplicates: int
    problems: tuple[RowProblem, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def rejected(self) -> int:
        return len(self.problems)

    def summary(self) -> str:
        parts = [
            f"{self.file_name}: {self.report_label}, {self.total_lines} rows",
            f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged",
            f"{self.rejected} rejected",
        ]
        if self.duplicates:
            parts.append(f"{self.duplicates} duplicate rows collapsed")
        return "; ".join(parts) + "."


def _fields_of(row: MfnReturn) -> dict[str, Any]:
    if row.amazon_rma_id or row.merchant_rma_id:
        kind = AuthorizationKind.RMA
    else:
        kind = AuthorizationKind.RETURNLESS
    return {
        "auth_key": row.key,
        "kind": kind.value,
        "source": AuthorizationSource.MFN_REPORT.value,
        "rma_id": row.amazon_rma_id,
        "merchant_rma_id": row.merchant_rma_id,
        "order_id": row.order_id,
        "order_date": row.order_date,
        "request_date": row.return_request_date,
        "request_status": row.return_request_status,
        "tracking_id": row.tracking_id,
        "carrier": row.return_carrier,
        "sku": row.sku,
        "asin": row.asin,
        "item_name": row.item_name or "",
        "quantity": row.quantity,
        "reason": row.reason,
        "customer_comment": row.customer_comment,
        "in_policy": row.in_policy,
        "return_type": row.return_type,
        "resolution": row.resolution,
        "currency": row.currency or "USD",
        "order_amount": row.order_amount,
        "order_quantity": row.order_quantity,
    }


def _hash(values: dict[str, Any]) -> str:
    text = json.dumps(values, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _codes_for(values: dict[str, Any]) -> Iterable[tuple[str, str]]:
    for kind, key in (
        ("rma", "rma_id"),
        ("merchant_rma", "merchant_rma_id"),
        ("order", "order_id"),
        ("tracking", "tracking_id"),
    ):
        code = values.get(key)
        if code:
            yield kind, code


def _chunks(items: list[Any], size: int = CHUNK) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _MfnImporter:
    """Upserts seller-fulfilled return rows by their key, in one session."""

    def __init__(self, session: Session, progress: Progress | None) -> None:
        self.session = session
        self.progress = progress
        self.added = self.updated = self.unchanged = 0
        self.notes: list[str] = []
        self.problems: list[RowProblem] = []

    def run(self, rows: list[MfnReturn]) -> None:
        done = 0
        for chunk in _chunks(rows):
            self._chunk(chunk)
            done += len(chunk)
            if self.progress:
                self.progress(done, len(rows))

    def _chunk(self, rows: list[MfnReturn]) -> None:
        prepared = [(row, _fields_of(row)) for row in rows]
        keys = [values["auth_key"] for _, values in prepared]
        existing = {
            r.auth_key: r
            for r in self.session.execute(
                select(
                    Authorization.id,
                    Authorization.auth_key,
                    Authorization.source_hash,
                    Authorization.quantity,
                    Authorization.request_status,
                ).where(Authorization.auth_key.in_(keys))
            )
        }
        now = utcnow()
        new_rows: list[dict[str, Any]] = []
        for row, values in prepared:
            values["source_hash"] = _hash(values)
            old = existing.get(values["auth_key"])
            if old is None:
                new_rows.append({**values, "imported_at": now, "updated_at": now})
            elif old.source_hash == values["source_hash"]:
                self.unchanged += 1
            else:
                self._update(row, values, old, now)
        if new_rows:
            self._insert(new_rows)

    def _insert(self, new_rows: list[dict[str, Any]]) -> None:
        ids = self.session.execute(
            insert(Authorization).returning(
                Authorization.id, Authorization.auth_key, sort_by_parameter_order=True
            ),
            new_rows,
        ).all()
        units: list[dict[str, Any]] = []
        codes: list[dict[str, Any]] = []
        for (auth_id, _key), values in zip(ids, new_rows, strict=True):
            units.extend(
                {"authorization_id": auth_id, "seq": n, "attempt": 0}
                for n in range(1, values["quantity"] + 1)
            )
            codes.extend(
                {"code": code, "code_folded": code.upper(), "code_kind": kind, "authorization_id": auth_id}
                for kind, code in _codes_for(values)
            )
        self.session.execute(insert(Unit), units)
        if codes:
            self.session.execute(insert(ScanCode), codes)
        self.added += len(new_rows)

    def _update(self, row: MfnReturn, values: dict[str, Any], old: Any, now: Any) -> None:
        wanted = values["quantity"]
        decided_max = self.session.scalar(
            select(Unit.seq)
            .join(Outcome, (Outcome.unit_id == Unit.id) & (Outcome.attempt == Unit.attempt))
            .where(Unit.authorization_id == old.id)
            .order_by(Unit.seq.desc())
            .limit(1)
        )
        if decided_max and wanted < decided_max:
            self.notes.append(
                f"line {row.line}: {values['auth_key']} return quantity lowered to {wanted}, but "
                f"{decided_max} units were already decided; the quantity stays {decided_max}."
            )
            values["quantity"] = wanted = decided_max
        if wanted > old.quantity:
            self.session.execute(
                insert(Unit),
                [
                    {"authorization_id": old.id, "seq": n, "attempt": 0}
                    for n in range(old.quantity + 1, wanted + 1)
                ],
            )
        elif wanted < old.quantity:
            self.session.execute(delete(Unit).where(Unit.authorization_id == old.id, Unit.seq > wanted))
        self.session.execute(
            update(Authorization).where(Authorization.id == old.id).values(**values, updated_at=now)
        )
        self.session.execute(delete(ScanCode).where(ScanCode.authorization_id == old.id))
        self.session.execute(
            insert(ScanCode),
            [
                {"code": code, "code_folded": code.upper(), "code_kind": kind, "authorization_id": old.id}
                for kind, code in _codes_for(values)
            ],
        )
        if old.request_status != values["request_status"]:
            self.notes.append(
                f"line {row.line}: {values['auth_key']} status changed from "
                f"{old.request_status or '(none)'} to {values['request_status'] or '(none)'}."
            )
        self.updated += 1


def read_report_file(path: Path) -> ParsedReport:
    """Read and recognize a report file; a person-readable error if it cannot be read."""
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise UserError(f"There is no file {path}.") from exc
    except IsADirectoryError as exc:
        raise UserError(f"{path} is a folder, not a report file.") from exc
    except OSError as exc:
        raise UserError(f"The file {path} cannot be read: {exc.strerror or exc}.") from exc
    return read_report(data)


def import_report(
    store: Store,
    path: Path,
    *,
    actor: str,
    bench: str,
    progress: Progress | None = None,
) -> ImportResult:
    """Import a returns report file. Raises NotAReport (nothing imported) for an unknown file."""
    report = read_report_file(path)
    if report.kind is not ReportKind.MFN_RETURNS:
        raise NotAReport(
            f"{path.name} is an {report.label}. RMA Desk imports return authorizations from the "
            "seller-fulfilled returns report; this kind of report cannot be imported yet."
        )
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with store.unit_of_work() as session:
        importer = _MfnImporter(session, progress)
        importer.run(list(report.rows))
        result = ImportResult(
            file_name=path.name,
            report_label=report.label,
            encoding=report.encoding,
            total_lines=report.total_lines,
            added=importer.added,
            updated=importer.updated,
            unchanged=importer.unchanged,
            duplicates=report.duplicates,
            problems=tuple(report.problems),
            notes=tuple(importer.notes),
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
                            "sha256": digest,
                        },
                        sort_keys=True,
                    ),
                )
            )
    return result
