"""The walk-through: which question comes next and what the answers recommend."""

from __future__ import annotations

from rmadesk.domain.model import Disposition
from rmadesk.domain.walkthrough import LIKE_NEW, MATCHES, TRANSIT_DAMAGE, explain, next_question, recommend


def test_questions_come_in_order_and_stop_when_decided() -> None:
    assert next_question({}) is MATCHES
    assert next_question({"matches": True}) is LIKE_NEW
    assert next_question({"matches": True, "like_new": False}) is TRANSIT_DAMAGE
    assert next_question({"matches": True, "like_new": True}) is None
    assert next_question({"matches": False}) is None


def test_no_recommendation_while_questions_remain() -> None:
    assert recommend({}) is None
    assert recommend({"matches": True}) is None
    assert explain({"matches": True}) == ""


def test_complete_unused_unit_is_sellable() -> None:
    assert recommend({"matches": True, "like_new": True}) is Disposition.SELLABLE


def test_damage_with_a_damaged_box_is_the_carriers() -> None:
    answers = {"matches": True, "like_new": False, "transit_damage": True}
    assert recommend(answers) is Disposition.CARRIER_DAMAGED
    assert "carrier" in explain(answers)


def test_damage_without_transit_damage_is_the_sellers() -> None:
    answers = {"matches": True, "like_new": False, "transit_damage": False}
    assert recommend(answers) is Disposition.SELLER_FAULT


def test_mismatched_item_is_held_as_seller_fault_for_review() -> None:
    assert recommend({"matches": False}) is Disposition.SELLER_FAULT
    assert "does not match" in explain({"matches": False})
