"""What an import did: counts, rejected rows with their reasons, and notes, with a one-line summary."""

from __future__ import annotations

from dataclasses import dataclass, field

from rmadesk.formats.amazon.registry import ReportKind
from rmadesk.formats.spec import RowProblem


@dataclass(frozen=True)
class ImportResult:
    """What an import did.

    Attributes:
        added / updated / unchanged: report rows by what happened to them. A row of the seller-fulfilled
            report is one authorization; a row of the FBA customer returns report is one returned unit
            (one license plate); a row of the reimbursements report is one payment line.
        duplicates: rows that repeated an earlier row's key; the last copy was imported.
        problems: rows not imported, with line number and reason, in line order.
        notes: things a person should know that are not errors (a status changed, a quantity kept).
        report_kind: the ReportKind value of the report.
        authorizations_added: authorizations created (FBA units are grouped per order and SKU).
        units_added / units_removed: units created, and undecided units dropped by a lowered quantity.
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
    report_kind: str = ""
    authorizations_added: int = 0
    units_added: int = 0
    units_removed: int = 0

    @property
    def rejected(self) -> int:
        return len(self.problems)

    def summary(self) -> str:
        """One line, e.g. 'r.txt: FBA customer returns report, 8 rows; 5 added, ... (2 authorizations,
        5 units added); 3 rejected; 1 duplicate row collapsed.'"""
        counts = f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged"
        made = []
        if self.authorizations_added and self.report_kind == ReportKind.FBA_RETURNS:
            made.append(plural(self.authorizations_added, "authorization"))
        if self.units_added:
            made.append(plural(self.units_added, "unit"))
        details = f"{', '.join(made)} added" if made else ""
        if self.units_removed:
            removed = f"{plural(self.units_removed, 'undecided unit')} removed"
            details = f"{details}, {removed}" if details else removed
        parts = [
            f"{self.file_name}: {self.report_label}, {plural(self.total_lines, 'row')}",
            f"{counts} ({details})" if details else counts,
            f"{self.rejected} rejected",
        ]
        if self.duplicates:
            parts.append(f"{plural(self.duplicates, 'duplicate row')} collapsed")
        return "; ".join(parts) + "."


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
