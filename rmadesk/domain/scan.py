"""Turning raw scanner text into a command or an identifier."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from rmadesk.domain.errors import MalformedCode
from rmadesk.domain.model import Disposition
from rmadesk.text.i18n import _

# AIM symbology identifier: "]" then a letter then a digit, e.g. "]C0" for Code 128.
_AIM_PREFIX = re.compile(r"^\][A-Za-z][0-9A-Za-z]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_ALLOWED = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-./ ]*$")
MAX_CODE_LENGTH = 64
_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def fold_code(text: str) -> str:
    """A code in upper case, ASCII letters only: codes are ASCII, and Unicode's folding would make
    "ß" match "SS" or "ı" match "I"."""
    return text.translate(_ASCII_UPPER)


def refuse_unreadable(text: str) -> None:
    """Refuse a code with a character no ID holds (not ASCII, or a control character such as NUL),
    as a scanner typing in the wrong keyboard layout produces."""
    if not text.isascii() or _CONTROL.search(text):
        raise _unreadable(text)


def _unreadable(text: str) -> MalformedCode:
    shown = text if len(text) <= 30 else text[:27] + "..."
    shown = shown.encode("utf-8", "backslashreplace").decode("utf-8")  # a lone surrogate shows as \udxxx
    return MalformedCode(
        _(
            "“{code}” is not a code RMA Desk can read: it holds characters no ID contains. "
            "Check the scanner's keyboard layout and scan again."
        ).format(code=_CONTROL.sub("?", shown))
    )


class Command(enum.StrEnum):
    """Command codes printed on the bench sheet: each disposition's own code, confirm and cancel,
    yes and no for the questions, and a photo of the unit (so an inspection needs only the scanner)."""

    SELLABLE = Disposition.SELLABLE.command
    CARRIER_DAMAGED = Disposition.CARRIER_DAMAGED.command
    SELLER_FAULT = Disposition.SELLER_FAULT.command
    CONFIRM = "CMD-CONFIRM"
    CANCEL = "CMD-CANCEL"
    YES = "CMD-YES"
    NO = "CMD-NO"
    PHOTO = "CMD-PHOTO"

    @property
    def disposition(self) -> Disposition | None:
        """The disposition this command chooses, if it chooses one."""
        return _CHOSEN.get(self)


_COMMANDS = {c.value: c for c in Command}
_CHOSEN = {Command(d.command): d for d in Disposition}


@dataclass(frozen=True)
class Scan:
    """A normalized scan: either a command or an identifier to look up."""

    raw: str
    text: str
    command: Command | None = None


def normalize(raw: str) -> str:
    """Strip an AIM prefix, control characters (GS included) and surrounding whitespace."""
    text = raw.strip()
    text = _AIM_PREFIX.sub("", text)
    text = _CONTROL.sub("", text)
    return text.strip()


def parse_scan(raw: str) -> Scan:
    """Parse what the scanner (or a person) typed.

    Commands match whatever the letter case, since Caps Lock inverts it.
    Raises MalformedCode for text that cannot be any identifier.
    """
    text = normalize(raw)
    if not text:
        raise MalformedCode(_("The scan was empty. Scan the RMA barcode again."))
    command = _COMMANDS.get(fold_code(text))
    if command is not None:
        return Scan(raw=raw, text=command.value, command=command)
    if len(text) > MAX_CODE_LENGTH:
        raise MalformedCode(
            _("The scan is {length} characters long; no RMA, order or tracking ID is that long.").format(
                length=len(text)
            )
        )
    if not _ALLOWED.match(text):  # ASCII letters, digits and a little punctuation only
        raise _unreadable(text)
    return Scan(raw=raw, text=text)
