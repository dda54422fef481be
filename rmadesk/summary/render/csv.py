"""The summary as CSV: one table, or every table under a ``# name`` line."""

from __future__ import annotations

from typing import TextIO

from rmadesk.domain.errors import UserError
from rmadesk.formats.csv_out import CsvWriter
from rmadesk.summary.figures import Summary
from rmadesk.summary.render.tables import summary_tables
from rmadesk.text.i18n import _


def write_csv(summary: Summary, out: TextIO, table: str | None = None) -> None:
    """One table as CSV, or (table None) every table, each under a ``# name`` line and a blank line apart."""
    tables = summary_tables(summary, translated=False)  # a file for other software: its columns in English
    if table is not None and table not in tables:
        raise UserError(
            _("There is no table '{table}'. Tables: {tables}.").format(table=table, tables=", ".join(tables))
        )
    writer = CsvWriter(out)
    names = [table] if table else list(tables)
    for index, name in enumerate(names):
        header, rows = tables[name]
        if table is None:
            if index:
                out.write("\n")
            out.write(f"# {name}\n")
        writer.writerow(header)
        writer.writerows(rows)
