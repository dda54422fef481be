"""The application in the language in force: its direction (Persian mirrors the whole window) and a
font that shapes Persian on any machine."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase, QGuiApplication

from rmadesk.text.fonts import PERSIAN_FONT_FAMILY, persian_font_path
from rmadesk.text.i18n import right_to_left

PERSIAN_FONT = PERSIAN_FONT_FAMILY
LANGUAGE_KEY = "view/language"  # the language chosen in View → Language, kept per computer user


def language_name(code: str) -> str:
    """A language's name in that language ("English", "فارسی"), as a language menu lists it."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(code).get_display_name(code) or code
    except (ValueError, UnknownLocaleError):
        return code


def remembered_language() -> str:
    """The language chosen in View → Language on this computer, or "" when none was."""
    from PySide6.QtCore import QSettings

    return str(QSettings().value(LANGUAGE_KEY, "") or "")


def restart_application() -> bool:
    """Start RMA Desk again with the same arguments (but --language, so the choice applies)."""
    import sys

    from PySide6.QtCore import QProcess

    args: list[str] = []
    skip = False
    for word in sys.argv[1:]:
        if skip:
            skip = False
            continue
        if word == "--language":
            skip = True
            continue
        if not word.startswith("--language="):
            args.append(word)
    if getattr(sys, "frozen", False):  # the one-folder bundle: its executable is the program
        return bool(QProcess.startDetached(sys.executable, args))
    return bool(QProcess.startDetached(sys.executable, ["-m", "rmadesk", *args]))


def _register_persian_font() -> list[str]:
    """Noto Sans Arabic from its package (OFL), known to Qt from now on; its family names."""
    path = persian_font_path()
    if path is None:
        return []
    font_id = QFontDatabase.addApplicationFont(str(path))
    return QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []


def apply_language(app: QGuiApplication) -> None:
    """Lay the application out in the language's direction, and give its font the Persian font:
    first in a right-to-left language, else after the usual font (a Persian item name still shows
    shaped in an English bench). Codes stay left to right wherever they are shown."""
    rtl = right_to_left()
    app.setLayoutDirection(Qt.LayoutDirection.RightToLeft if rtl else Qt.LayoutDirection.LeftToRight)
    families = _register_persian_font() or (
        [PERSIAN_FONT] if PERSIAN_FONT in QFontDatabase.families() else []
    )
    if not families:
        return
    font = app.font()
    usual = [f for f in font.families() or [font.family()] if f not in families]
    font.setFamilies([*families, *usual] if rtl else [*usual, *families])
    app.setFont(font)
