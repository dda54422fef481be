"""Noto Sans Arabic (OFL), the font that shapes Persian, found in its package without Qt."""

from __future__ import annotations

import contextlib
import functools
from importlib import resources
from pathlib import Path

PERSIAN_FONT_FAMILY = "Noto Sans Arabic"
_FONT_PACKAGE = "fontpkg_noto_sans_arabic"
# A package installed as a zip gives its font as a temporary file: kept until the program ends.
_extracted = contextlib.ExitStack()


@functools.cache
def persian_font_path() -> Path | None:
    """The Noto Sans Arabic font file (a variable font: weights from Thin to Black; Latin letters too),
    or None when its package is missing."""
    try:
        files = resources.files(_FONT_PACKAGE) / "files"
        found = sorted(p for p in files.iterdir() if p.name.lower().endswith((".ttf", ".otf")))
    except (ModuleNotFoundError, OSError):
        return None
    if not found:
        return None
    return Path(_extracted.enter_context(resources.as_file(found[0])))
