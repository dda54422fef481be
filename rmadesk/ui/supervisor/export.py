"""Saving what the supervisor window shows: a table or all of them as CSV, the PDF report."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from rmadesk.domain.errors import UserError
from rmadesk.summary import render
from rmadesk.text.i18n import _
from rmadesk.ui.common.failures import show_failure
from rmadesk.ui.common.style import ERROR, INFO
from rmadesk.ui.supervisor.widgets import write_table_csv


# ----- dialogs that tests replace ----------------------------------------------------------------------
def ask_save_path(parent: QWidget | None, title: str, default: Path, file_filter: str) -> Path | None:
    """Where to save a file; None when the person cancels."""
    chosen, _chosen_filter = QFileDialog.getSaveFileName(parent, title, str(default), file_filter)
    return Path(chosen) if chosen else None


def ask_folder(parent: QWidget | None, title: str, default: Path) -> Path | None:
    """A folder to save files in; None when the person cancels."""
    chosen = QFileDialog.getExistingDirectory(parent, title, str(default))
    return Path(chosen) if chosen else None


class SupervisorExports:
    """The save actions of SupervisorWindow, which holds the figures, the tables and the worker."""

    def _stem(self) -> str:
        assert self.picked is not None
        return f"{self._local(self.picked.start):%Y%m%d-%H%M}"

    def _ready_to_save(self) -> bool:
        if self.summary is None:
            self._export_failed(_("Nothing to save yet: the figures are still being read."))
            return False
        return True

    def _export_failed(self, message: str) -> None:
        self._note(message, ERROR)
        self.export_failed.emit(message)

    def _exported(self, path: Path, text: str) -> None:
        self._note(text)
        self.exported.emit(str(path))

    def save_table_csv(self, name: str | None = None) -> Path | None:
        """Save the table of the current tab (or ``name``), rows in the order on screen (Ctrl+S)."""
        if not self._ready_to_save():
            return None
        name = name or self.current_table()
        table = self.tables[name]
        default = self.export_folder / f"rmadesk-{name}-{self._stem()}.csv"
        path = ask_save_path(
            self, _("Save “{table}” as CSV").format(table=table.title), default, _("CSV files") + " (*.csv)"
        )
        if path is None:
            return None
        path = path if path.suffix else path.with_suffix(".csv")
        self.export_folder = path.parent
        try:
            write_table_csv(
                table.header, self.pages[name].shown_rows() if name in self.pages else table.rows, path
            )
        except UserError as exc:
            self._export_failed(exc.message)
            return None
        self._exported(path, _("Saved {table} to {path}.").format(table=table.title, path=path))
        return path

    def save_all_csv(self) -> list[Path]:
        """Save every table of the summary in a folder, one CSV file each (Ctrl+Shift+S)."""
        if not self._ready_to_save():
            return []
        folder = ask_folder(self, _("Save all tables as CSV in…"), self.export_folder)
        if folder is None:
            return []
        self.export_folder = folder
        written = []
        try:
            for name, table in self.tables.items():
                written.append(
                    write_table_csv(table.header, table.rows, folder / f"rmadesk-{name}-{self._stem()}.csv")
                )
        except UserError as exc:
            self._export_failed(exc.message)
            return written
        self._exported(
            folder,
            _("Saved {count} tables as CSV files in {folder}.").format(count=len(written), folder=folder),
        )
        return written

    def save_pdf(self) -> None:
        """Write the PDF report of the figures on screen, on the worker (Ctrl+P); ``exported`` says when."""
        if not self._ready_to_save():
            return
        assert self.summary is not None
        default = self.export_folder / f"rmadesk-summary-{self._stem()}.pdf"
        path = ask_save_path(self, _("Save the PDF report"), default, _("PDF files") + " (*.pdf)")
        if path is None:
            return
        path = path if path.suffix else path.with_suffix(".pdf")
        self.export_folder = path.parent
        summary, options = self.summary, render.Options(site=self.site)
        self._note(_("Writing the PDF report to {path}…").format(path=path), INFO)
        self.runner.run(
            lambda: render.write(summary, "pdf", path, options),
            lambda written: (
                None
                if self._closed
                else self._exported(written, _("Saved the PDF report to {path}.").format(path=written))
            ),
            lambda exc: (
                None
                if self._closed
                else show_failure(
                    exc, self._export_failed, unexpected=_("The PDF report could not be written ({error}).")
                )
            ),
        )
