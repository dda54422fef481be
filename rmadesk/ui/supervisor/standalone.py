"""The supervisor view on its own, without a bench (e.g. on the wall screen's computer)."""

from __future__ import annotations

from rmadesk.domain.errors import UserError
from rmadesk.domain.people import Actor
from rmadesk.settings import Settings
from rmadesk.text.i18n import _
from rmadesk.ui.supervisor.window import SupervisorWindow


def run_supervisor(settings: Settings, actor: Actor) -> int:
    """Open the supervisor view on its own, without a bench (e.g. on the wall screen's computer).

    Returns the process exit code: 2 when the database or the settings cannot be used (said in a
    dialog first).
    """
    import gc
    import sys

    from PySide6.QtWidgets import QApplication

    from rmadesk.services.context import open_store
    from rmadesk.ui.common import dialogs
    from rmadesk.ui.common.collector import GarbageCollector
    from rmadesk.ui.common.failures import install_excepthook
    from rmadesk.ui.common.language import apply_language

    app = QApplication.instance() or QApplication(sys.argv[:1])
    apply_language(app)
    collecting = gc.isenabled()
    gc.disable()  # before the worker thread starts: Qt objects must be freed on the GUI thread only
    try:
        store = open_store(settings.database_url or None)
        try:
            window = SupervisorWindow(store, settings, actor)
        except UserError:
            store.dispose()
            raise
    except UserError as exc:
        if collecting:
            gc.enable()
        dialogs.show_error(None, _("RMA Desk: supervisor view"), exc.message)
        return 2
    install_excepthook()  # as on the bench: a bug is logged and shown with details to copy
    collector = GarbageCollector(window)  # collects on the GUI thread while the window lives
    window.resize(1600, 1000)
    window.show()
    code = app.exec()
    collector.stop()
    store.dispose()
    return int(code)
