"""Seller-issued RMA numbers (Merchant RMA IDs) protected by an ISO/IEC 7064 MOD 37-2 check character."""

from __future__ import annotations

import random
import re
import secrets

from rmadesk.domain.errors import MalformedCode
from rmadesk.text.i18n import _

# Why MOD 37-2 and not the hybrid MOD 37,36: the hybrid system misses one pair of neighbouring characters
# for each of its 36 internal states (from the start state, "IJ" and "JI" give the same check character),
# so it does not catch every swap. The pure system MOD 37-2 weights position i (counted from the right,
# check character = 0) by 2**i mod 37. Its modulus 37 is prime and 2 has order 36 mod 37, so:
#   * a substitution at position i changes the sum by w_i * (new - old), with w_i != 0 and
#     0 < |new - old| < 37, which is never 0 mod 37: every single substitution is caught;
#   * a swap of neighbours at positions i+1, i changes it by (w_{i+1} - w_i) * (a - b) = w_i * (a - b),
#     again never 0 mod 37: every adjacent transposition is caught (and every swap up to 35 apart).
# The catch: 1 body in 37 needs the 37th check value, which ISO writes "*". "*" is not safe on every
# keyboard layout, so such bodies are never issued; new_rma_id simply draws again.
FULL_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_MODULUS = 37
_RADIX = 2

# The random body avoids 0/O and 1/I, which people misread from paper; the check character is still
# computed (and validated) over all 36 characters, and issued IDs avoid them in the check place as well.
BODY_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
BODY_LENGTH = 8
PREFIX_BY_KIND: dict[str, str] = {"RMA": "R", "RA": "A", "RGA": "G"}
KIND_BY_PREFIX: dict[str, str] = {prefix: kind for kind, prefix in PREFIX_BY_KIND.items()}
ID_LENGTH = 1 + BODY_LENGTH + 1

_VALUES = {char: value for value, char in enumerate(FULL_ALPHABET)}
_SHAPE = re.compile(rf"^[{''.join(KIND_BY_PREFIX)}][A-Z0-9]{{{ID_LENGTH - 1}}}$")
_UNSAFE_CHAR = re.compile(r"[^A-Z0-9]")


class BadCheckCharacter(MalformedCode):
    """An RMA Desk number of the right shape whose check character does not match: a misread or typo."""


def normalize_seller_id(code: str) -> str:
    """Trim and upper-case code: our alphabet has a single case, and Caps Lock inverts letter case."""
    return code.strip().upper()


def _check_value(body: str) -> int:
    total = 0
    for char in body:
        total = (total + _VALUES[char]) * _RADIX % _MODULUS
    # ISO/IEC 7064 pure system: the weighted sum including the check value must be 1 mod 37.
    return (1 - total) % _MODULUS


def check_character(body: str) -> str:
    """The MOD 37-2 check character of body (the ID without its check character, prefix included).

    body is upper-cased first. Raises ValueError for an empty body, a character outside A–Z and 0–9, or a
    body whose check value would be ISO's "*" (RMA Desk never issues such a body).
    """
    body = body.upper()
    if not body:
        raise ValueError("cannot compute the check character of an empty body")
    unsafe = _UNSAFE_CHAR.search(body)
    if unsafe:
        raise ValueError(f"{body!r} contains {unsafe.group()!r}; only A-Z and 0-9 are allowed")
    value = _check_value(body)
    if value == len(FULL_ALPHABET):
        raise ValueError(f"{body!r} has no check character in A-Z/0-9 (MOD 37-2 gives '*'); draw another")
    return FULL_ALPHABET[value]


def new_rma_id(kind: str = "RMA", rng: random.Random | None = None) -> str:
    """Draw a new ID: the kind's prefix (R, A or G), 8 random characters and the check character.

    Uses the secrets module unless a seeded rng is given (tests). Uniqueness against issued IDs is the
    caller's job: 32**8 bodies make a clash rare, not impossible, so store IDs under a unique constraint
    and draw again on a clash. Raises ValueError for a kind other than RMA, RA or RGA.
    """
    prefix = PREFIX_BY_KIND.get(str(kind).upper())
    if prefix is None:
        raise ValueError(f"kind must be one of {', '.join(PREFIX_BY_KIND)}, not {kind!r}")
    choose = secrets.choice if rng is None else rng.choice
    while True:
        body = prefix + "".join(choose(BODY_ALPHABET) for _position in range(BODY_LENGTH))
        value = _check_value(body)
        # Redraw rather than print "*" or an easily misread 0/O/1/I in the check place.
        if value < len(FULL_ALPHABET) and FULL_ALPHABET[value] in BODY_ALPHABET:
            return body + FULL_ALPHABET[value]


def looks_like_seller_id(code: str) -> bool:
    """True when code has the shape of an RMA Desk number (prefix R/A/G, 10 characters, A–Z0–9 only).

    The check character is not verified: the bench uses this to say "fails the check" instead of
    "unknown" for a mistyped number. Case-insensitive.
    """
    return bool(_SHAPE.match(normalize_seller_id(code)))


def is_valid(code: str) -> bool:
    """True when code is an RMA Desk number whose check character matches (case-insensitive)."""
    code = normalize_seller_id(code)
    return bool(_SHAPE.match(code)) and _check_value(code[:-1]) == _VALUES[code[-1]]


def kind_of_seller_id(code: str) -> str:
    """The kind ("RMA", "RA" or "RGA") a valid RMA Desk number was issued for; validate()'s errors if not."""
    validate(code)
    return KIND_BY_PREFIX[normalize_seller_id(code)[0]]


def validate(code: str) -> None:
    """Raise MalformedCode (BadCheckCharacter for a failed check) with a message for the inspector."""
    shown = code.strip()
    normal = normalize_seller_id(code)
    if not normal:
        raise MalformedCode(
            _("No RMA Desk number was given. Scan the barcode on the slip or type the number.")
        )
    unsafe = _UNSAFE_CHAR.search(normal)
    if unsafe:
        raise MalformedCode(
            _(
                "{code} is not a valid RMA Desk number: it contains “{character}”, but RMA Desk numbers "
                "use only the letters A–Z and the digits 0–9."
            ).format(code=shown, character=unsafe.group())
        )
    if normal[0] not in KIND_BY_PREFIX:
        raise MalformedCode(
            _(
                "{code} is not a valid RMA Desk number: "
                "RMA Desk numbers start with R (RMA), A (RA) or G (RGA)."
            ).format(code=shown)
        )
    if len(normal) != ID_LENGTH:
        raise MalformedCode(
            _(
                "{code} is not a valid RMA Desk number: it has {length} characters, but RMA Desk numbers "
                "have {expected}. Scan it again or type it carefully."
            ).format(code=shown, length=len(normal), expected=ID_LENGTH)
        )
    if not is_valid(normal):
        raise BadCheckCharacter(
            _(
                "{code} is not a valid RMA Desk number: its check character does not match, so one "
                "character was probably misread or mistyped. Scan it again or type it carefully."
            ).format(code=shown)
        )
