"""What a failed write to a file or an SQLite database means for a person: the disk is full, the
file is read-only, or the system's own words."""

from __future__ import annotations

import errno
import shutil
import sqlite3
from pathlib import Path

from rmadesk.text.i18n import _

# SQLite's primary result codes (sqlite3.h)
_SQLITE_READONLY = 8
_SQLITE_IOERR = 10
_SQLITE_FULL = 13
_NEARLY_FULL = 1 << 20  # under 1 MiB free, an I/O error is the disk running full


def storage_problem(exc: BaseException, where: Path | None = None) -> str:
    """The cause of ``exc`` in words: "the disk is full" when it is (SQLite says "disk I/O error"
    for a full disk when its shared-memory file cannot grow), else what the system said."""
    cause = getattr(exc, "orig", None) or exc
    if isinstance(cause, OSError):
        if cause.errno in (errno.ENOSPC, errno.EDQUOT):
            return _("the disk is full")
        if cause.errno == errno.EROFS:
            return _("the disk is read-only")
        return cause.strerror or str(cause)
    if isinstance(cause, sqlite3.Error):
        code = (getattr(cause, "sqlite_errorcode", 0) or 0) & 0xFF
        if code == _SQLITE_FULL or (code == _SQLITE_IOERR and _nearly_full(where)):
            return _("the disk is full")
        if code == _SQLITE_READONLY:
            return _("the file is read-only")
    text = str(cause).strip().splitlines()
    return text[0] if text else type(cause).__name__


def _nearly_full(where: Path | None) -> bool:
    if where is None:
        return False
    folder = where if where.is_dir() else where.parent
    try:
        return shutil.disk_usage(folder).free < _NEARLY_FULL
    except OSError:
        return False
