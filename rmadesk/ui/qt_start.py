"""Checks that Qt can start here, turning a missing library or display into one clear message."""

from __future__ import annotations

import ctypes
import os
import re
import sys

from rmadesk.domain.errors import UserError
from rmadesk.text.i18n import N_, _

# The shared libraries that PySide6's wheels expect from the system, with the Debian/Ubuntu
# package that provides each.
DEBIAN_PACKAGES = {
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libgobject-2.0.so.0": "libglib2.0-0",
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libOpenGL.so.0": "libopengl0",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb.so.1": "libxcb1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libpulse.so.0": "libpulse0",
}

# What each platform plugin loads beyond the libraries every Qt program needs.
PLATFORM_LIBRARIES = {
    "xcb": (
        "libX11-xcb.so.1",
        "libxcb.so.1",
        "libxkbcommon-x11.so.0",
        "libxcb-cursor.so.0",
        "libxcb-icccm.so.4",
        "libxcb-keysyms.so.1",
        "libxcb-image.so.0",
        "libxcb-randr.so.0",
        "libxcb-render-util.so.0",
        "libxcb-shape.so.0",
        "libxcb-xkb.so.1",
    ),
}
CORE_LIBRARIES = (
    "libglib-2.0.so.0",
    "libGL.so.1",
    "libEGL.so.1",
    "libxkbcommon.so.0",
    "libfontconfig.so.1",
    "libdbus-1.so.3",
)

SETUP_HINT = N_("or run packaging/setup.sh, which installs them")


class QtCannotStart(UserError):
    """Qt cannot start on this machine; the message says what to install or set."""


def _install_command(libraries: list[str]) -> str:
    packages = sorted({DEBIAN_PACKAGES.get(lib, lib) for lib in libraries})
    return "sudo apt-get install " + " ".join(packages)


def missing_libraries(names: tuple[str, ...] | list[str]) -> list[str]:
    """The shared libraries among names that this machine cannot load."""
    missing = []
    for name in names:
        try:
            ctypes.CDLL(name)
        except OSError:
            missing.append(name)
    return missing


def _platform() -> str:
    chosen = os.environ.get("QT_QPA_PLATFORM", "").split(":", 1)[0].split(";", 1)[0].strip()
    if chosen:
        return chosen
    if os.environ.get("WAYLAND_DISPLAY"):
        return "wayland"
    return "xcb"


def check_qt_can_start() -> None:
    """Raise QtCannotStart with what to do when Qt would fail to start here (Linux)."""
    if not sys.platform.startswith("linux"):
        return
    platform = _platform()
    if platform == "xcb" and not os.environ.get("DISPLAY"):
        raise QtCannotStart(
            _(
                "There is no display to open the bench window on (DISPLAY is not set). Start RMA Desk "
                "from a desktop session, or set QT_QPA_PLATFORM=offscreen to run it without a screen."
            )
        )
    needed = list(CORE_LIBRARIES)
    if platform not in ("offscreen", "minimal"):
        needed += PLATFORM_LIBRARIES.get(platform, ())
    missing = missing_libraries(needed)
    if missing:
        raise QtCannotStart(
            _(
                "Qt cannot start: this machine lacks {libraries}. Install them with '{command}' ({hint})."
            ).format(libraries=", ".join(missing), command=_install_command(missing), hint=_(SETUP_HINT))
        )
    try:
        import PySide6.QtWidgets  # noqa: F401
    except ImportError as exc:
        found = re.search(r"(lib[\w.+-]+\.so[\w.]*)", str(exc))
        if found:
            raise QtCannotStart(
                _("Qt cannot start: {library} is missing. Install it with '{command}' ({hint}).").format(
                    library=found.group(1), command=_install_command([found.group(1)]), hint=_(SETUP_HINT)
                )
            ) from None
        raise QtCannotStart(
            _(
                "Qt cannot start: {problem}. Reinstall RMA Desk's Python packages (pip install rmadesk)."
            ).format(problem=exc)
        ) from None


def install_fatal_handler() -> None:
    """A fatal Qt message (a platform plugin that cannot load) ends the process with status 2.

    Qt aborts the process after such a message, with no Python exception to catch: the
    handler prints what to do first and exits itself.
    """
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    previous = None

    def handler(kind: QtMsgType, context: object, message: str) -> None:
        if kind == QtMsgType.QtFatalMsg:
            print(
                _(
                    "rmadesk: Qt cannot start: {message}\n"
                    "  Install the Qt system libraries ({hint}: {command}),"
                    "\n  or choose another platform, e.g. QT_QPA_PLATFORM=xcb, wayland or offscreen."
                ).format(
                    message=message.strip().splitlines()[0],
                    hint=_(SETUP_HINT),
                    command=_install_command(_all_libraries()),
                ),
                file=sys.stderr,
                flush=True,
            )
            os._exit(2)
        if previous is not None:
            previous(kind, context, message)
        else:
            print(message, file=sys.stderr)

    previous = qInstallMessageHandler(handler)


def _all_libraries() -> list[str]:
    return list(CORE_LIBRARIES) + list(PLATFORM_LIBRARIES["xcb"])
