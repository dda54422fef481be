"""The application in the language in force: its direction (Persian mirrors the whole window) and a
font that shapes Persian on any machine."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, Qt, QTranslator
from PySide6.QtGui import QFontDatabase, QGuiApplication

from rmadesk.text.fonts import PERSIAN_FONT_FAMILY, persian_font_path
from rmadesk.text.i18n import SOURCE_LANGUAGE, current_language, right_to_left

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


# Noto Sans Arabic reserves 2.1 em of line height (1.374 above the baseline, 0.738 below) for the
# tallest stacks of marks, where DejaVu Sans takes 1.16 em: every Persian line of the bench would be
# nearly twice as tall as an English one, and the card would not fit the screen. The screen copy of the
# font keeps its glyphs and says lines are 1.6 em (1.1 + 0.5), which ordinary Persian text fits in, as
# the "UI" cuts of Noto's fonts do. Printed matter keeps the original (rmadesk.labels.lettering).
SCREEN_ASCENT, SCREEN_DESCENT = 1100, 500  # per 1,000 units of the em
SCREEN_FAMILY = "RMA Desk Noto Sans Arabic"
_SCREEN_VERSION = 1


def screen_font_data(source: Path) -> bytes:
    """The font file with the screen's line metrics and its own family name (so that a Noto Sans
    Arabic installed on the computer cannot stand in for it)."""
    import io

    from fontTools.ttLib import TTFont

    font = TTFont(str(source))
    scale = font["head"].unitsPerEm / 1000
    ascent, descent = round(SCREEN_ASCENT * scale), round(SCREEN_DESCENT * scale)
    hhea, os2 = font["hhea"], font["OS/2"]
    hhea.ascent, hhea.descent, hhea.lineGap = ascent, -descent, 0
    os2.sTypoAscender, os2.sTypoDescender, os2.sTypoLineGap = ascent, -descent, 0
    os2.usWinAscent, os2.usWinDescent = ascent, descent
    names = font["name"]
    for name_id in (1, 16):
        if names.getName(name_id, 3, 1, 0x409) is not None:
            names.setName(SCREEN_FAMILY, name_id, 3, 1, 0x409)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _screen_font(source: Path) -> bytes | Path:
    """The screen font, made once and kept in the cache folder (made anew when that cannot be written)."""
    from platformdirs import user_cache_path

    stat = source.stat()
    cached = (
        user_cache_path("rmadesk")
        / "fonts"
        / f"screen-{_SCREEN_VERSION}-{stat.st_size}-{int(stat.st_mtime)}.ttf"
    )
    if cached.is_file():
        return cached
    data = screen_font_data(source)
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(".part")
        partial.write_bytes(data)
        partial.replace(cached)
    except OSError:
        return data
    return cached


def _register_persian_font() -> list[str]:
    """Noto Sans Arabic from its package (OFL) with the screen's line metrics, known to Qt from now
    on; its family names."""
    path = persian_font_path()
    if path is None:
        return []
    try:
        font = _screen_font(path)
    except Exception:  # noqa: BLE001 - a font tool failing must not stop the bench: the original then
        font = path
    if isinstance(font, bytes):
        font_id = QFontDatabase.addApplicationFontFromData(font)
    else:
        font_id = QFontDatabase.addApplicationFont(str(font))
    return QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []


_qt_translators: list[QTranslator] = []  # Qt's own catalogue in force, kept alive while installed


def install_qt_translations(app: QCoreApplication, language: str) -> bool:
    """Qt's own texts (the standard buttons OK, Cancel, Yes, Close of message boxes and dialogs, the
    file dialog, context menus) from Qt's shipped qtbase catalogue of the language; whether one was
    found (none is needed in English)."""
    for translator in _qt_translators:
        app.removeTranslator(translator)
    _qt_translators.clear()
    if language == SOURCE_LANGUAGE:
        return True
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    translator = QTranslator(app)
    if not translator.load(f"qtbase_{language}", folder):
        return False
    app.installTranslator(translator)
    _qt_translators.append(translator)
    return True


def apply_language(app: QGuiApplication) -> None:
    """Lay the application out in the language's direction, let Qt speak it on its standard buttons,
    and give its font the Persian font: first in a right-to-left language, else after the usual font
    (a Persian item name still shows shaped in an English bench). Codes stay left to right wherever
    they are shown."""
    install_qt_translations(app, current_language())
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
