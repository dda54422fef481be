"""The inspection walk-through: short yes/no questions that recommend a disposition."""

from __future__ import annotations

from dataclasses import dataclass

from rmadesk.domain.model import Disposition
from rmadesk.text.i18n import N_, _


@dataclass(frozen=True)
class Question:
    """One yes/no question of the walk-through; its wording is read in the language in force."""

    key: str
    text_message: str
    hint_message: str
    short_message: str

    @property
    def text(self) -> str:
        return _(self.text_message)

    @property
    def hint(self) -> str:
        return _(self.hint_message)

    @property
    def short(self) -> str:
        return _(self.short_message)


MATCHES = Question(
    "matches",
    N_("Does the item match the authorization?"),
    N_("Same product, SKU/ASIN and quantity as on the card."),
    N_("Item matches"),
)
LIKE_NEW = Question(
    "like_new",
    N_("Is it new and unused, with all parts and packaging?"),
    N_("Seals intact, no wear, accessories and manuals present."),
    N_("New and complete"),
)
TRANSIT_DAMAGE = Question(
    "transit_damage",
    N_("Does the outer box show signs of transit damage?"),
    N_("Crushed, torn, punctured or wet shipping box."),
    N_("Transit damage"),
)

QUESTIONS = (MATCHES, LIKE_NEW, TRANSIT_DAMAGE)


def next_question(answers: dict[str, bool]) -> Question | None:
    """The next question to ask, or None once a recommendation can be made."""
    if MATCHES.key not in answers:
        return MATCHES
    if not answers[MATCHES.key]:
        return None
    if LIKE_NEW.key not in answers:
        return LIKE_NEW
    if answers[LIKE_NEW.key]:
        return None
    if TRANSIT_DAMAGE.key not in answers:
        return TRANSIT_DAMAGE
    return None


def recommend(answers: dict[str, bool]) -> Disposition | None:
    """The disposition the answers point to, or None while questions remain.

    A unit that does not match its authorization is held as seller-fault for review;
    a complete, unused unit is sellable; a damaged unit is the carrier's fault only
    when the outer box shows transit damage.
    """
    if next_question(answers) is not None:
        return None
    if not answers[MATCHES.key]:
        return Disposition.SELLER_FAULT
    if answers[LIKE_NEW.key]:
        return Disposition.SELLABLE
    if answers[TRANSIT_DAMAGE.key]:
        return Disposition.CARRIER_DAMAGED
    return Disposition.SELLER_FAULT


def explain(answers: dict[str, bool]) -> str:
    """One sentence saying why the recommendation is what it is."""
    rec = recommend(answers)
    if rec is None:
        return ""
    if not answers[MATCHES.key]:
        return _("The item does not match the authorization: hold it for review.")
    if rec is Disposition.SELLABLE:
        return _("New, unused and complete: it can be sold again.")
    if rec is Disposition.CARRIER_DAMAGED:
        return _("Damaged, and the outer box shows transit damage: claim it from the carrier.")
    return _("Used, damaged or incomplete without transit damage: the seller bears it.")
