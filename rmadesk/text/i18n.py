"""Translation of every visible string through one gettext catalogue per language, for the core and the UI.

Why gettext ``_()`` everywhere and not Qt's ``tr()``: much of what a person reads is written by the core,
which never imports Qt (error messages, the walk-through's questions, labels, slips and PDF pages), so
``tr()`` could not reach it, and two schemes would mean two catalogues to keep complete. One catalogue
(``locale/<language>.po``, read with Babel) serves the core, the UI and the command line alike; its
``Plural-Forms`` header gives each language its own plural rules through ``ngettext`` (Persian counts
differently from English), and Babel's locale data tells a language's direction (Persian is right to
left) and its digits, to be applied in ``rmadesk.text.formatting``, the one home of how numbers, dates
and times are written. Qt's own stock strings (standard buttons, context menus) are left to Qt's shipped
qtbase catalogues through a QTranslator; no string of RMA Desk's goes through ``tr()``.
Strings are marked where they are written: ``_()`` translates when called, ``N_()`` only marks a string
kept in a module-level table, which is translated with ``_()`` where it is shown, so that a language
chosen after import still applies. Placeholders are named (``_("{count} units").format(count=n)``) so
that a translation may put them in another order.
"""

from __future__ import annotations

import gettext
import io
import re
from importlib import resources

from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

SOURCE_LANGUAGE = "en"
CATALOGUE_DIR = resources.files("rmadesk.text") / "locale"

_translations: gettext.NullTranslations = gettext.NullTranslations()
_language = SOURCE_LANGUAGE


def _(message: str) -> str:
    """The message in the language in force."""
    return _translations.gettext(message)


def N_(message: str) -> str:
    """Mark a message for the catalogue without translating it (translate it with ``_()`` when shown)."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of the message for ``n`` things, by the plural rules of the language in force."""
    return _translations.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """The message as meant in ``context``, for a word that reads differently by its use ("May")."""
    return _translations.pgettext(context, message)


def available_languages() -> tuple[str, ...]:
    """The languages with a catalogue, the source language first."""
    found = sorted(
        entry.name.removesuffix(".po") for entry in CATALOGUE_DIR.iterdir() if entry.name.endswith(".po")
    )
    return (SOURCE_LANGUAGE, *(code for code in found if code != SOURCE_LANGUAGE))


def set_language(code: str) -> str:
    """Translate into ``code`` ("fa", "fa_IR", "fa-IR") from now on; returns the language in force.

    A language without a catalogue falls back to its base language ("fa" for "fa_IR"), then to English.
    """
    global _translations, _language
    for candidate in (code.replace("-", "_"), code.replace("-", "_").split("_")[0]):
        if candidate and (CATALOGUE_DIR / f"{candidate}.po").is_file():
            _translations, _language = _load(candidate), candidate
            return _language
    _translations, _language = gettext.NullTranslations(), SOURCE_LANGUAGE
    return _language


def current_language() -> str:
    return _language


def system_language() -> str:
    """The language of this computer's locale (LC_ALL, LC_MESSAGES, LANG; "en" when none is set)."""
    import os

    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable, "").split(".")[0].split("@")[0]
        if value and value not in ("C", "POSIX"):
            return value
    return SOURCE_LANGUAGE


def choose_language(wanted: str | None) -> str:
    """Translate into ``wanted`` (a code such as "fa"), or the system's language when it is empty;
    returns the language in force (English when neither has a catalogue)."""
    return set_language((wanted or "").strip() or system_language())


def right_to_left(code: str | None = None) -> bool:
    """Whether the language (by default the one in force) is written right to left."""
    try:
        return Locale.parse(code or _language).character_order == "right-to-left"
    except (ValueError, UnknownLocaleError):
        return False


# Unicode's bidirectional isolates: a code keeps its left-to-right order inside a right-to-left line.
LRI, FSI, PDI = "\u2066", "\u2068", "\u2069"
# A markup tag ("<b>", "<br/>") is matched first and left whole: an isolate inside it would break it.
_LATIN_RUN = re.compile(r"<[^<>]*>|\{[^{}]*\}|[A-Za-z0-9][A-Za-z0-9_\-./:+@#%]*")


def isolate_runs(text: str) -> str:
    """A right-to-left translation with each run of Latin letters and digits (an RMA ID, CMD-CONFIRM,
    F2, SKU) isolated left to right, and each placeholder isolated by its own first letter (a code
    reads left to right, a Persian name right to left), so that none is reordered or split."""

    def wrap(found: re.Match[str]) -> str:
        run = found.group(0)
        if run.startswith("<"):
            return run
        return f"{FSI}{run}{PDI}" if run.startswith("{") else f"{LRI}{run}{PDI}"

    return _LATIN_RUN.sub(wrap, text)


def _load(code: str) -> gettext.GNUTranslations:
    with (CATALOGUE_DIR / f"{code}.po").open("rb") as source:
        catalogue = read_po(source, locale=code)
    if right_to_left(code):
        for message in catalogue:
            if isinstance(message.string, tuple | list):
                message.string = tuple(isolate_runs(s) if s else s for s in message.string)
            elif message.string and message.id:
                message.string = isolate_runs(message.string)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)
