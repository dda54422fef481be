"""The one failure path: a user error becomes a message, anything else reaches the excepthook."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6.QtWidgets import QWidget

from rmadesk.domain.errors import UserError
from rmadesk.text.i18n import N_, _
from rmadesk.ui.common import dialogs

log = logging.getLogger(__name__)

MESSAGE_TITLE = N_("RMA Desk")
UNEXPECTED_TITLE = N_("RMA Desk: something went wrong")
UNEXPECTED_TEXT = N_(
    "RMA Desk hit an unexpected problem. Your work on screen was kept. "
    "Copy the details below for your supervisor."
)


def user_message(exc: BaseException) -> str | None:
    """The message of an error meant for the person (database trouble among them); None for a bug."""
    return exc.message if isinstance(exc, UserError) else None


def show_failure(
    exc: BaseException,
    show: Callable[[str], None] | None = None,
    *,
    parent: QWidget | None = None,
    unexpected: str | None = None,
) -> None:
    """Where failed work ends: a user error's message goes to ``show`` (a message box over ``parent``
    when there is none); anything else goes to the excepthook and, when ``unexpected`` is given (a
    sentence with ``{error}`` where the error's type and text go), to ``show`` as that sentence too,
    so the screen does not wait for a result that never comes."""
    message = user_message(exc)
    if message is None:
        sys.excepthook(type(exc), exc, exc.__traceback__)
        if show is not None and unexpected is not None:
            show(unexpected.format(error=f"{type(exc).__name__}: {exc}"))
    elif show is None:
        dialogs.show_error(parent, _(MESSAGE_TITLE), message)
    else:
        show(message)


def excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """Log the traceback and show it to copy; a user error that got this far shows only its message."""
    message = user_message(exc)
    if message is not None:
        log.error("unhandled error: %s", message)
        dialogs.show_error(None, _(MESSAGE_TITLE), message)
    else:
        report_unexpected(exc, tb=tb)


def report_unexpected(
    exc: BaseException, parent: QWidget | None = None, *, tb: TracebackType | None = None
) -> None:
    """A bug: log its traceback and show it in a box the person can copy it from."""
    details = "".join(traceback.format_exception(type(exc), exc, tb or exc.__traceback__))
    log.error("unhandled error\n%s", details)
    dialogs.show_error(parent, _(UNEXPECTED_TITLE), _(UNEXPECTED_TEXT), details)


def install_excepthook() -> None:
    sys.excepthook = excepthook
