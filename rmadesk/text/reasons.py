"""Return reasons as people read them: Amazon's reason codes as a phrase in the language in force.

The seller-fulfilled report writes ``AMZ-PG-WJ-TOO-SMALL``, the FBA customer returns report
``APPAREL_TOO_SMALL``, a customer-return record ``CR-UNWANTED_ITEM``: one phrase each, whatever the
prefix or separator. A code not known here is shown as it is.
"""

from __future__ import annotations

from rmadesk.text.i18n import N_, _

_PREFIXES = ("AMZ-PG-", "AMZ-", "CR-")

_PHRASES = {
    "TOO-LARGE": N_("Too large"),
    "TOO-SMALL": N_("Too small"),
    "STYLE": N_("Style not as expected"),
    "DAMAGED-BY-CARRIER": N_("Damaged by the carrier"),
    "DAMAGED-BY-FC": N_("Damaged at the fulfilment centre"),
    "DEFECTIVE": N_("Defective or does not work"),
    "MISSING-PARTS": N_("Parts or accessories missing"),
    "NOT-AS-DESCRIBED": N_("Not as described"),
    "NOT-COMPATIBLE": N_("Not compatible"),
    "ORDERED-WRONG-ITEM": N_("Ordered the wrong item"),
    "WRONG-ITEM": N_("Wrong item sent"),
    "QUALITY-UNACCEPTABLE": N_("Quality not acceptable"),
    "SWITCHEROO": N_("A different item came back"),
    "UNWANTED-ITEM": N_("No longer wanted"),
    "NO-REASON-GIVEN": N_("No reason given"),
    "BETTER-PRICE": N_("Better price elsewhere"),
    "ARRIVED-LATE": N_("Arrived too late"),
    "UNDELIVERABLE": N_("Could not be delivered"),
}
# The report's own spellings of the same reasons.
_SAME = {
    "WJ-TOO-LARGE": "TOO-LARGE",
    "WJ-TOO-SMALL": "TOO-SMALL",
    "APPAREL-TOO-LARGE": "TOO-LARGE",
    "APPAREL-TOO-SMALL": "TOO-SMALL",
    "APPAREL-STYLE": "STYLE",
}


def _key(code: str) -> str:
    key = code.strip().upper().replace("_", "-")
    for prefix in _PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix):
            key = key[len(prefix) :]
            break
    if key.startswith("UNDELIVERABLE"):
        return "UNDELIVERABLE"
    return _SAME.get(key, key)


def reason_phrase(code: str | None) -> str | None:
    """The phrase of a reason code in the language in force, or None for a code not known here."""
    if not code:
        return None
    phrase = _PHRASES.get(_key(code))
    return _(phrase) if phrase else None


def describe_reason(code: str | None) -> str:
    """A reason as a person reads it: "Too small (AMZ-PG-WJ-TOO-SMALL)", or the code as it is."""
    if not code:
        return ""
    phrase = reason_phrase(code)
    # The code is isolated (U+2066…U+2069) so that it stays whole and left to right in a Persian line.
    return _("{phrase} ({code})").format(phrase=phrase, code=f"\u2066{code}\u2069") if phrase else code
