"""What an import did: counts, rejected rows with their reasons, and notes, with a one-line summary."""

from __future__ import annotations

from dataclasses import dataclass, field

from rmadesk.formats.amazon.registry import ReportKind
from rmadesk.formats.spec import RowProblem
from rmadesk.text.i18n import _, ngettext


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
        marketplace / currencies: the marketplace the file was read for, and the currencies of its rows.
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
    marketplace: str = ""
    currencies: tuple[str, ...] = ()

    @property
    def rejected(self) -> int:
        return len(self.problems)

    @property
    def imported(self) -> int:
        """Rows that are now in the database as the file says (added, updated or already so)."""
        return self.added + self.updated + self.unchanged

    @property
    def exit_status(self) -> int:
        """The command line's status: 0 every row imported, 1 some rows rejected, 2 nothing imported."""
        if not self.imported:
            return 2
        return 1 if self.problems else 0

    def summary(self) -> str:
        """One line, e.g. 'r.txt: FBA customer returns report, 8 rows; 5 added, ... (2 authorizations,
        5 units added); 3 rejected; 1 duplicate row collapsed.'"""
        counts = _("{added} added, {updated} updated, {unchanged} unchanged").format(
            added=self.added, updated=self.updated, unchanged=self.unchanged
        )
        made = []
        if self.authorizations_added and self.report_kind == ReportKind.FBA_RETURNS:
            n = self.authorizations_added
            made.append(ngettext("{count} authorization", "{count} authorizations", n).format(count=n))
        if self.units_added:
            n = self.units_added
            made.append(ngettext("{count} unit", "{count} units", n).format(count=n))
        details = _("{things} added").format(things=", ".join(made)) if made else ""
        if self.units_removed:
            n = self.units_removed
            units = ngettext("{count} undecided unit", "{count} undecided units", n).format(count=n)
            removed = _("{units} removed").format(units=units)
            details = f"{details}, {removed}" if details else removed
        n = self.total_lines
        parts = [
            _("{file}: {report}, {rows}").format(
                file=self.file_name,
                report=self.report_label,
                rows=ngettext("{count} row", "{count} rows", n).format(count=n),
            ),
            f"{counts} ({details})" if details else counts,
            _("{count} rejected").format(count=self.rejected),
        ]
        if self.duplicates:
            n = self.duplicates
            rows = ngettext("{count} duplicate row", "{count} duplicate rows", n).format(count=n)
            parts.append(_("{rows} collapsed").format(rows=rows))
        if not self.imported:
            parts.append(_("nothing imported"))
        if self.marketplace:
            parts.append(
                _("marketplace {marketplace}, {currencies}; read as {encoding}").format(
                    marketplace=self.marketplace,
                    currencies=", ".join(self.currencies),
                    encoding=self.encoding,
                )
            )
        return "; ".join(parts) + "."
