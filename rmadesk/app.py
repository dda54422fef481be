"""Wiring of the GUI: settings, database, policy and services, then the bench window."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from rmadesk.domain.errors import SchemaMismatch, UserError
from rmadesk.settings import Settings
from rmadesk.text.i18n import _

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from rmadesk.store.uow import Store
    from rmadesk.ui.bench.window import BenchWindow


def offer_upgrade(settings: Settings, problem: str) -> Store | None:
    """An older schema: an admin (or anyone, on an open bench) may upgrade it now.

    Returns the upgraded store, or None when nobody upgrades (the message was shown).
    """
    from sqlalchemy import inspect

    from rmadesk.domain.people import open_actor
    from rmadesk.services.people import has_users, sign_in
    from rmadesk.services.upgrade import upgrade_schema
    from rmadesk.store.engine import resolve_database_url
    from rmadesk.store.uow import Store
    from rmadesk.ui.common import dialogs

    store = Store(resolve_database_url(settings.database_url or None))
    try:
        users = inspect(store.engine).has_table("app_user") and has_users(store)
        if users:
            credentials = dialogs.ask_admin(
                None, _("{problem} An admin may upgrade it now.").format(problem=problem)
            )
            if credentials is None:
                store.dispose()
                return None
            actor = sign_in(store, badge=credentials[0], pin=credentials[1], bench=settings.bench)
        else:
            if not dialogs.confirm(
                None,
                _("RMA Desk: upgrade the database?"),
                _("{problem} Upgrade it now?").format(problem=problem),
            ):
                store.dispose()
                return None
            actor = open_actor(f"bench {settings.bench}", settings.bench)
        upgrade_schema(store, actor)
    except UserError as exc:
        dialogs.show_error(None, _("RMA Desk cannot start"), exc.message)
        store.dispose()
        return None
    return store


def run_gui(
    settings: Settings,
    inspector: str | None = None,
    *,
    check_start: bool = False,
    language_given: bool = False,
) -> int:
    """Open the bench. Returns the process exit code.

    With check_start, the bench opens, scans the first demo return, says what it showed and
    closes: a check that an install works (exit 0), with no one at the bench.
    """
    from rmadesk.ui.qt_start import check_qt_can_start, install_fatal_handler

    check_qt_can_start()
    install_fatal_handler()
    from PySide6.QtCore import QRect, QSettings
    from PySide6.QtWidgets import QApplication

    from rmadesk.domain.policy import load_policy
    from rmadesk.services.bench import BenchService
    from rmadesk.services.context import open_store
    from rmadesk.services.journal import Journal, journal_path
    from rmadesk.services.people import has_users
    from rmadesk.text.formatting import choose_display
    from rmadesk.text.i18n import choose_language, current_language
    from rmadesk.ui.bench.window import BenchWindow, app_icon, fitted_points
    from rmadesk.ui.common import dialogs
    from rmadesk.ui.common.collector import GarbageCollector
    from rmadesk.ui.common.failures import install_excepthook
    from rmadesk.ui.common.language import apply_language, remembered_language
    from rmadesk.ui.common.style import scale_application_font

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("RMA Desk")
    app.setOrganizationName("rmadesk")
    app.setDesktopFileName("rmadesk")
    app.setWindowIcon(app_icon())
    app.setStyle("Fusion")
    chosen = "" if language_given else remembered_language()
    if chosen:  # View → Language, on this computer, over the language setting
        choose_language(chosen)
        choose_display(current_language(), settings.digits, settings.calendar)
    apply_language(app)
    scale_application_font(app, settings.large_text_pt)
    install_excepthook()
    try:
        policy = load_policy(settings.policy)
        try:
            store = open_store(settings.database_url or None, allow_upgrade=False)
        except SchemaMismatch as exc:
            if not exc.older:
                raise
            upgraded = offer_upgrade(settings, exc.message)
            if upgraded is None:
                return 2
            store = upgraded
    except UserError as exc:
        dialogs.show_error(None, _("RMA Desk cannot start"), exc.message)
        return 2
    remembered = QSettings()  # window state and the last name, kept apart from the bench settings
    try:
        sign_in_required = has_users(store)
    except UserError as exc:
        dialogs.show_error(None, _("RMA Desk cannot start"), exc.message)
        store.dispose()
        return 2
    notes = []
    if sign_in_required:
        inspector = None  # each person signs in with a badge and PIN
    else:
        last = str(remembered.value("bench/lastInspector", "") or "")
        if check_start:
            inspector = (inspector or "").strip() or "start check"
        inspector = (inspector or "").strip() or dialogs.ask_inspector(None, settings.bench, last)
        if not inspector:
            store.dispose()
            return 1
        if not check_start:
            remembered.setValue("bench/lastInspector", inspector)
        notes.append(
            _("Open bench: no users are set up, so anyone may inspect here ('rmadesk user add' adds people).")
        )
    if store.dialect == "sqlite":
        notes.append(
            _("Single bench: the database is the file {path}.").format(path=store.engine.url.database)
        )
    else:
        notes.append(_("Shared database: {name}.").format(name=store.name))
    journal = None
    if store.dialect != "sqlite":  # a shared server can go away: keep decisions on the bench meanwhile
        try:
            journal = Journal(journal_path(settings.bench))
        except UserError as exc:
            dialogs.show_error(None, _("RMA Desk cannot start"), exc.message)
            store.dispose()
            return 2
    from rmadesk.ui.bench.camera import QtCamera

    primary = app.primaryScreen()  # None only on a display without screens: take a common size then
    screen = primary.availableGeometry() if primary is not None else QRect(0, 0, 1280, 800)
    window = BenchWindow(
        BenchService(store, policy, settings),
        inspector,
        sign_in_required=sign_in_required,
        journal=journal,
        points=fitted_points(settings.large_text_pt, screen.width(), screen.height()),
        banner_note=" ".join(notes),
        camera=QtCamera(),  # the default camera; on a bench without one, photos come from files
    )
    geometry = remembered.value("bench/geometry")
    if geometry is not None and window.restoreGeometry(geometry):
        window.show()
    else:
        window.resize(1280, 800)
        window.showMaximized()  # a bench screen is the inspector's whole screen
    collector = GarbageCollector(app)  # while the window and its workers live
    outcome: list[tuple[bool, str]] = []  # (whether the check passed, what to print)
    if check_start:
        _check_start(app, window, sign_in_required, outcome)
    code = app.exec()
    collector.stop()
    if check_start:
        store.dispose()
        print(outcome[0][1] if outcome else _("RMA Desk start check: the bench did not answer."))
        return 0 if outcome and outcome[0][0] else 1
    remembered.setValue("bench/geometry", window.saveGeometry())
    store.dispose()
    return code


def _check_start(
    app: QApplication, window: BenchWindow, sign_in_required: bool, outcome: list[tuple[bool, str]]
) -> None:
    """Scan the first demo return once the window is up; note what the card showed, then quit."""
    from PySide6.QtCore import QTimer

    from rmadesk import __version__
    from rmadesk.services.demo import DEMO_RETURNS

    code = DEMO_RETURNS[0].rma_id

    def finish(text: str, ok: bool = False) -> None:
        if not outcome:
            outcome.append((ok, text))
        app.quit()

    def scan() -> None:
        if not window.isVisible():
            finish(_("RMA Desk start check: the bench window did not appear."))
        elif sign_in_required:
            finish(
                _(
                    "RMA Desk start check: ok, version {version}, window shown "
                    "(sign-in screen: the database has users, no demo scan)."
                ).format(version=__version__),
                ok=True,
            )
        else:
            window.submit_scan(code)

    window.card_shown.connect(
        lambda auth: finish(
            _(
                "RMA Desk start check: ok, version {version}, window shown, demo return {code} opened "
                "on the card."
            ).format(version=__version__, code=code),
            ok=True,
        )
    )
    window.scan_rejected.connect(
        lambda message: finish(
            _(
                "RMA Desk start check: the demo return {code} did not open ({message}); "
                "'rmadesk demo' writes it."
            ).format(code=code, message=message)
        )
    )
    QTimer.singleShot(0, scan)
    QTimer.singleShot(20_000, lambda: finish(_("RMA Desk start check: no card after 20 s.")))
