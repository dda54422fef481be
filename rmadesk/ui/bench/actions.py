"""The bench's keys and menus, and what they do beside inspecting: import, issue, labels, other windows."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QDropEvent, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMenu

from rmadesk.domain.errors import UserError
from rmadesk.domain.model import Disposition
from rmadesk.domain.people import Actor, Permission
from rmadesk.labels.unit_label import UnitLabel
from rmadesk.services import issue as issue_service
from rmadesk.services.unit_labels import LabelDestination, parse_destination, produce_unit_label
from rmadesk.text.i18n import _, available_languages, current_language, ngettext
from rmadesk.ui.common import dialogs, printing
from rmadesk.ui.common.failures import show_failure, user_message
from rmadesk.ui.common.language import LANGUAGE_KEY, language_name, restart_application
from rmadesk.ui.common.runner import Runner
from rmadesk.ui.common.style import NEUTRAL, OK, WARN, text_scale
from rmadesk.ui.office import import_report as import_dialogs
from rmadesk.ui.office import issue_dialog
from rmadesk.ui.office.import_report import ReportImporter

if TYPE_CHECKING:
    from rmadesk.services.imports import ImportResult
    from rmadesk.ui.bench.window import BenchWindow


class BenchActions(QObject):
    """The window's actions (keys and menus) and the office work behind the menus.

    Attributes:
        idle: signs the person out after the idle minutes (when people sign in).
        importer: imports a returns report off the GUI thread.
        label_runner: renders unit labels apart, so the next scan never waits for one.
        last_label: the last unit label made on this bench (Ctrl+L prints it again).
        browser_window: the "Find a return" window, once opened.
    """

    def __init__(self, window: BenchWindow) -> None:
        super().__init__(window)
        self.window = window
        self.label_runner = Runner(self)
        self.last_label: UnitLabel | None = None
        self.browser_window: QMainWindow | None = None
        self._windows: dict[str, QMainWindow] = {}
        self._build()
        self.importer = ReportImporter(
            window,
            window.service.store,
            window.runner,
            actor=lambda: window.session.inspector,
            bench=window.bench,
            on_error=window.reject,
            marketplace=window.service.settings.marketplace,
        )
        self.importer.imported.connect(self._on_imported)
        self.idle = QTimer(self)
        self.idle.setSingleShot(True)
        self.idle.setInterval(max(1, window.service.settings.idle_minutes) * 60_000)
        self.idle.timeout.connect(self.on_idle)

    def _build(self) -> None:
        w = self.window

        def action(text: str, keys: list[str], slot: Callable[[], object]) -> QAction:
            act = QAction(text, w)
            act.setShortcuts([QKeySequence(k) for k in keys])
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.triggered.connect(slot)
            w.addAction(act)
            return act

        def choose(d: Disposition) -> Callable[[], None]:
            return lambda: w.choose(d, via="key")

        self.act_help = action(_("Keys and codes"), ["F1"], lambda: dialogs.show_help(w))
        self.act_yes = action(_("Yes"), ["F2"], lambda: w.answer(True))
        self.act_no = action(_("No"), ["F3"], lambda: w.answer(False))
        self.act_accept = action(_("Accept recommendation"), ["F4"], w.accept_recommendation)
        self.act_sellable = action(_("Sellable"), ["F5"], choose(Disposition.SELLABLE))
        self.act_carrier = action(_("Carrier-damaged"), ["F6"], choose(Disposition.CARRIER_DAMAGED))
        self.act_fault = action(_("Seller-fault"), ["F7"], choose(Disposition.SELLER_FAULT))
        self.act_confirm = action(_("Confirm"), ["F10", "Ctrl+Return", "Ctrl+Enter"], w.confirm)
        self.act_cancel = action(_("Cancel unit"), ["Esc"], w.cancel)
        # P and F (on the empty scan field) and Delete are PhotoKeys'; these work wherever the focus is.
        self.act_photo = action(_("Take photo (P)"), ["F9"], lambda: w.photos.take_photo())
        self.act_photo_files = action(_("Add photo files… (F)"), ["Ctrl+O"], lambda: w.photos.add_files())
        self.act_remove_photo = action(
            _("Remove selected photo (Delete)"), ["Ctrl+Del"], lambda: w.photos.remove()
        )
        self.act_sheet = action(_("Save command sheet…"), ["Ctrl+P"], self.save_command_sheet)
        self.act_import = action(_("Import report…"), ["Ctrl+I"], self.import_report)
        self.act_issue = action(_("Issue seller RMA…"), ["Ctrl+N"], self.issue_rma)
        self.act_reprint = action(_("Print last unit label again"), ["Ctrl+L"], self.reprint_label)
        self.act_quit = action(_("Quit"), ["Ctrl+Q"], w.close)
        self.act_sign_out = action(_("Sign out"), ["Ctrl+Shift+L"], lambda: w.sign_out(_("Signed out.")))
        self.act_reverse = action(_("Reverse an outcome…"), ["F8"], self.reverse_outcome)
        self.act_audit = action(_("Audit trail…"), ["Ctrl+Shift+A"], self.open_audit)
        self.act_reconcile = action(_("Reconcile reimbursements…"), ["Ctrl+Shift+R"], self.open_reconcile)
        self.act_supervisor = action(_("Supervisor view…"), ["Ctrl+Shift+V"], self.open_supervisor)
        self.act_browse = action(_("Find a return…"), ["Ctrl+F"], self.open_browser)
        bar = w.menuBar()
        menus = {
            _("&File"): [self.act_import, self.act_issue, None, self.act_reprint, self.act_sheet, None]
            + [self.act_sign_out, self.act_quit],
            _("&Inspect"): [self.act_yes, self.act_no, self.act_accept, self.act_sellable, self.act_carrier]
            + [self.act_fault, self.act_confirm, self.act_cancel, None, self.act_photo, self.act_photo_files]
            + [self.act_remove_photo, None, self.act_reverse],
            _("&View"): [self.act_browse, self.act_supervisor, self.act_audit, self.act_reconcile],
            _("&Help"): [self.act_help],
        }
        for title, acts in menus.items():
            menu = bar.addMenu(title)
            for act in acts:
                if act is None:
                    menu.addSeparator()
                else:
                    menu.addAction(act)
            if title == _("&View"):
                menu.addSeparator()
                self._language_menu(menu.addMenu(_("Language")))

    def _language_menu(self, menu: QMenu) -> None:
        """One entry per language, each named in its own language; the one in force is ticked."""
        group = QActionGroup(menu)
        for code in available_languages():
            act = QAction(language_name(code), menu)
            act.setCheckable(True)
            act.setChecked(code == current_language())
            act.triggered.connect(lambda _checked=False, code=code: self.switch_language(code))
            group.addAction(act)
            menu.addAction(act)

    def switch_language(self, code: str) -> None:
        """Remember the language for this computer's user and restart the bench in it (when no unit
        is open), or from the next start."""
        w = self.window
        if code == current_language():
            return
        QSettings().setValue(LANGUAGE_KEY, code)
        name = language_name(code)
        if w.session.unit is not None:
            w.say(
                _(
                    "RMA Desk will speak {language} from its next start; finish the unit on screen first."
                ).format(language=name)
            )
            return
        if dialogs.confirm(
            w,
            _("RMA Desk: language"),
            _("Restart RMA Desk in {language} now?").format(language=name),
        ):
            restart_application()
            w.close()

    # ----- people -------------------------------------------------------------------------
    def apply_permissions(self) -> None:
        """Disable what the person may not do (the services refuse it anyway)."""
        w, actor = self.window, self.window.session.actor
        allowed = {
            self.act_import: Permission.IMPORT,
            self.act_issue: Permission.ISSUE,
            self.act_reverse: Permission.REVERSE,
            self.act_audit: Permission.VIEW_AUDIT,
            self.act_reconcile: Permission.VIEW_SUMMARY,
            self.act_supervisor: Permission.VIEW_SUMMARY,
        }
        for act, permission in allowed.items():
            act.setEnabled(actor is not None and actor.may(permission))
        self.act_sign_out.setEnabled(w.session.sign_in_required and actor is not None)
        if actor is None:
            name, who = _("signed out"), ""
        else:
            name = actor.name if actor.open_bench else f"{actor.name} · {actor.role.value}"
            who = f" — {actor.name}" + ("" if actor.open_bench else f" ({actor.role.value})")
        w.who.setText(_("Bench <b>{bench}</b><br>{name}").format(bench=w.bench, name=name))
        w.setWindowTitle(_("RMA Desk — bench {bench}{who}").format(bench=w.bench, who=who))

    def on_activity(self) -> None:
        session = self.window.session
        if session.sign_in_required and session.actor is not None:
            self.idle.start()

    def on_idle(self) -> None:
        minutes = self.window.service.settings.idle_minutes
        self.window.sign_out(
            ngettext(
                "Signed out after {minutes} idle minutes. Scan your badge to sign in again.",
                "Signed out after {minutes} idle minutes. Scan your badge to sign in again.",
                minutes,
            ).format(minutes=minutes)
        )

    def _allowed(self, permission: Permission, doing: str) -> bool:
        """Whether the signed-in person may; if not, say so (the services refuse it anyway)."""
        actor = self.window.session.actor
        if actor is not None and actor.may(permission):
            return True
        self.window.reject(_("Only a supervisor or an admin may {doing}.").format(doing=doing))
        return False

    # ----- other windows ----------------------------------------------------------------------
    def _actor(self) -> Actor:
        actor = self.window.session.actor
        assert actor is not None  # every window below is opened by a signed-in person
        return actor

    def open_audit(self) -> None:
        """The audit trail, in its own window (supervisors and admins)."""
        if not self._allowed(Permission.VIEW_AUDIT, _("see the audit trail")):
            return
        from rmadesk.ui.office.audit_window import AuditWindow

        self._open("audit", AuditWindow(self.window.service.store, self.window.session.actor))

    def open_browser(self) -> None:
        """Every authorization, searchable and sortable, with each unit's outcome and history."""
        from rmadesk.services.browse import BrowseService
        from rmadesk.ui.browser.window import BROWSER_POINTS, BrowserWindow

        if self.browser_window is None:
            points = BROWSER_POINTS * text_scale(self.window.service.settings.large_text_pt)
            self.browser_window = BrowserWindow(
                BrowseService(self.window.service.store, self._actor()), points=points
            )
        self.browser_window.show()
        self.browser_window.raise_()
        self.browser_window.activateWindow()

    def open_supervisor(self) -> None:
        """Shift summaries and return analytics, refreshing on their own worker (supervisors)."""
        if not self._allowed(Permission.VIEW_SUMMARY, _("see the summaries")):
            return
        from rmadesk.ui.supervisor.window import SupervisorWindow

        try:
            window = SupervisorWindow(self.window.service.store, self.window.service.settings, self._actor())
        except UserError as exc:
            dialogs.show_error(self.window, _("RMA Desk"), exc.message)
            return
        self._open("supervisor", window)

    def open_reconcile(self) -> None:
        """Carrier-damage claims against the marketplace's reimbursements (supervisors)."""
        if not self._allowed(Permission.VIEW_SUMMARY, _("reconcile reimbursements")):
            return
        from rmadesk.ui.office.reconcile_window import ReconcileWindow

        self._open("reconcile", ReconcileWindow(self.window.service.store, self._actor()))

    def _open(self, name: str, window: QMainWindow) -> None:
        self._windows[name] = window  # kept, or Python would free the window it shows
        window.show()

    def close_windows(self) -> None:
        """Close every window opened for the person signed in (at sign-out, or when the bench closes):
        the next person opens their own, with their own rights."""
        if self.browser_window is not None:
            self.browser_window.close()
            self.browser_window = None
        for window in self._windows.values():
            window.close()
        self._windows.clear()

    def reverse_outcome(self) -> None:
        """Reverse an outcome of the authorization on screen (supervisors): a compensating record."""
        w = self.window
        if not self._allowed(Permission.REVERSE, _("reverse an outcome")):
            return
        refused = w.session.reversal_refused()
        if refused is not None:
            w.show_step(refused)
            return
        assert w.session.auth is not None
        choice = dialogs.ask_reversal(w, w.session.auth.display_id, w.session.decided_units())
        if choice is not None:
            w.show_step(w.session.reverse(*choice))

    # ----- unit labels ----------------------------------------------------------------------
    def make_label(self, label: UnitLabel) -> None:
        """Write (and print, when a printer is set) the label of the unit just decided."""
        self.last_label = label
        settings = self.window.service.settings
        try:
            destination = parse_destination(settings.label_printer, settings.label_folder)
        except UserError as exc:
            self.window.statusBar().showMessage(exc.message)
            return
        size = settings.label_size
        self.label_runner.run(
            lambda: produce_unit_label(label, destination, size),
            lambda path: self._label_done(destination, path),
            self._label_failed,
        )

    def _label_done(self, destination: LabelDestination, path: Path) -> None:
        status = self.window.statusBar()
        if destination.kind == "printer":
            try:
                printing.print_image(path, destination.target)
            except UserError as exc:
                self._label_failed(exc)
                return
            status.showMessage(_("Unit label sent to {printer}.").format(printer=destination.target))
        elif destination.kind == "zpl":
            status.showMessage(_("Unit label sent as ZPL to {path}.").format(path=path))
        else:
            status.showMessage(_("Unit label saved: {path}  (Ctrl+L prints it again)").format(path=path))
        self.window.label_written.emit(str(path))

    def _label_failed(self, exc: BaseException) -> None:
        show_failure(exc, self._label_problem, unexpected=_("The unit label failed ({error})."))

    def _label_problem(self, message: str) -> None:
        self.window.statusBar().showMessage(message)
        self.window.label_failed.emit(message)

    def reprint_label(self) -> None:
        if self.last_label is None:
            self.window.statusBar().showMessage(_("No unit label yet on this bench."))
            return
        self.make_label(self.last_label)

    # ----- the office -----------------------------------------------------------------------
    def issue_rma(self) -> None:
        """Issue the seller's own RMA for an out-of-policy return (File → Issue seller RMA)."""
        w = self.window
        request = issue_dialog.ask_issue(w)
        if request is None:
            return
        store, actor = w.service.store, w.session.actor
        w.runner.run(
            lambda: issue_service.issue_rma(store, request, actor=actor), self._on_issued, self._failed
        )

    def _failed(self, exc: BaseException) -> None:
        if user_message(exc) is None:
            self.window._unexpected(exc)
        else:
            show_failure(exc, self.window.reject)

    def _on_issued(self, issued: issue_service.Issued) -> None:
        w = self.window
        w.say(
            _("{kind} {rma} issued for order {order}. Print its slip.").format(
                kind=issued.kind, rma=issued.rma_id, order=issued.slip.order_id
            ),
            OK,
        )
        w.rma_issued.emit(issued.rma_id)
        issue_dialog.show_issued(w, issued)
        w._refocus()

    def import_report(self, path: Path | None = None) -> None:
        """Import a returns report (File → Import, or a file dropped on the window)."""
        w = self.window
        if w.session.unit is not None:
            w.reject(_("Finish or cancel the unit on screen before importing a report."))
            return
        path = path or import_dialogs.choose_report_file(w)
        if path is None:
            return
        w.say(_("Importing {name}…").format(name=path.name), NEUTRAL)
        self.importer.start(path)

    def _on_imported(self, result: ImportResult) -> None:
        self.window.say(result.summary(), WARN if result.problems else OK)
        self.window._refocus()
        import_dialogs.show_result(self.window, result)

    def dropped(self, event: QDropEvent) -> None:
        urls = event.mimeData().urls()
        if len(urls) != 1:
            self.window.reject(_("Drop one report file at a time."))
            return
        event.acceptProposedAction()
        self.import_report(Path(urls[0].toLocalFile()))

    def save_command_sheet(self) -> None:
        from rmadesk.labels.sheet import command_entries, write_sheet

        w = self.window
        path, _chosen_filter = QFileDialog.getSaveFileName(
            w,
            _("Save the command-code sheet"),
            str(Path.home() / "rmadesk-commands.pdf"),
            "PDF (*.pdf);;PNG (*.png)",
        )
        if not path:
            return
        try:
            write_sheet(
                Path(path),
                _("RMA Desk: bench {bench} commands").format(bench=w.bench),
                [(_("Bench commands"), list(command_entries()))],
            )
        except (OSError, ValueError) as exc:
            w.reject(_("The sheet cannot be written to {path}: {problem}").format(path=path, problem=exc))
            return
        w.say(_("Command sheet saved to {path}. Print it and keep it at the bench.").format(path=path), OK)
