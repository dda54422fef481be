"""Seller-issued RMA numbers: shape, uniqueness and a check character that catches every typo it claims to."""

from __future__ import annotations

import random
import re

import pytest

from rmadesk.domain.errors import MalformedCode, UserError
from rmadesk.domain.rma_ids import (
    BODY_ALPHABET,
    FULL_ALPHABET,
    ID_LENGTH,
    BadCheckCharacter,
    check_character,
    is_valid,
    kind_of_seller_id,
    looks_like_seller_id,
    new_rma_id,
    normalize_seller_id,
    validate,
)

KINDS = ("RMA", "RA", "RGA")
PREFIXES = {"RMA": "R", "RA": "A", "RGA": "G"}


def sample_ids(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [new_rma_id(KINDS[index % len(KINDS)], rng) for index in range(count)]


def wrong_check(code: str) -> str:
    """code with its check character replaced by the next character of the alphabet."""
    replacement = FULL_ALPHABET[(FULL_ALPHABET.index(code[-1]) + 1) % len(FULL_ALPHABET)]
    return code[:-1] + replacement


def test_iso_7064_mod_37_2_reference_values() -> None:
    # Published ISO/IEC 7064 MOD 37-2 examples, so the scheme is the standard one and not a look-alike.
    assert check_character("G123489654321") == "Y"
    assert check_character("A999915000001") == "M"


def test_body_whose_check_would_be_an_asterisk_is_refused() -> None:
    with pytest.raises(ValueError, match=r"\*"):
        check_character("LMOSBYFCTRSSJCB3X6U9DUBLKNIH03FO6X963TGXYAHG")


@pytest.mark.parametrize("body", ["", "R12-4", "RÄ1234567"])
def test_check_character_rejects_bodies_outside_the_alphabet(body: str) -> None:
    with pytest.raises(ValueError):
        check_character(body)


@pytest.mark.parametrize("kind", KINDS)
def test_generated_ids_have_the_kind_prefix_length_and_a_matching_check(kind: str) -> None:
    rng = random.Random(7)
    for _ in range(500):
        code = new_rma_id(kind, rng)
        assert re.fullmatch(r"[A-Z0-9]+", code), code
        assert len(code) == ID_LENGTH == 10
        assert code[0] == PREFIXES[kind]
        assert code[-1] == check_character(code[:-1])
        assert is_valid(code)
        assert kind_of_seller_id(code) == kind


def test_generated_ids_avoid_characters_people_misread() -> None:
    for code in sample_ids(2000, seed=3):
        assert set(code[1:]) <= set(BODY_ALPHABET), code
        assert not set(code) & set("0O1I"), code


def test_default_generator_uses_the_system_source_and_gives_valid_ids() -> None:
    codes = [new_rma_id() for _ in range(1000)]
    assert all(is_valid(code) and code.startswith("R") for code in codes)
    assert len(set(codes)) == len(codes)


def test_seeded_generator_is_reproducible() -> None:
    assert sample_ids(20, seed=11) == sample_ids(20, seed=11)
    assert sample_ids(20, seed=11) != sample_ids(20, seed=12)


def test_ids_are_unique_over_100000_draws() -> None:
    codes = sample_ids(100_000, seed=2024)
    assert len(set(codes)) == len(codes)
    assert all(re.fullmatch(r"[A-Z0-9]+", code) for code in codes)


@pytest.mark.parametrize("kind", ["RETURNLESS", "", "X"])
def test_unknown_kind_is_refused(kind: str) -> None:
    with pytest.raises(ValueError):
        new_rma_id(kind)


def test_kind_is_case_insensitive() -> None:
    assert new_rma_id("rga", random.Random(1)).startswith("G")


def test_every_single_substitution_is_rejected() -> None:
    checked = 0
    for code in sample_ids(300, seed=5):
        for position, original in enumerate(code):
            for replacement in FULL_ALPHABET:
                if replacement == original:
                    continue
                typo = code[:position] + replacement + code[position + 1 :]
                assert not is_valid(typo), f"{code} -> {typo}"
                checked += 1
    assert checked == 300 * ID_LENGTH * (len(FULL_ALPHABET) - 1)


def test_every_swap_of_different_neighbours_is_rejected() -> None:
    checked = 0
    for code in sample_ids(300, seed=6):
        for position in range(len(code) - 1):
            left, right = code[position], code[position + 1]
            if left == right:
                continue
            swapped = code[:position] + right + left + code[position + 2 :]
            assert not is_valid(swapped), f"{code} -> {swapped}"
            checked += 1
    assert checked > 300 * (ID_LENGTH - 1) * 0.9


def test_swaps_are_caught_for_every_pair_of_characters_in_every_place() -> None:
    # Not only the sampled IDs: all 36 x 35 ordered pairs in each body place, with random context around.
    rng = random.Random(9)
    for position in range(ID_LENGTH - 3):
        for left in FULL_ALPHABET:
            for right in FULL_ALPHABET:
                if left == right:
                    continue
                body = "R" + "".join(rng.choice(FULL_ALPHABET) for _ in range(ID_LENGTH - 2))
                body = body[: position + 1] + left + right + body[position + 3 :]
                try:
                    code = body + check_character(body)
                except ValueError:
                    continue  # "*" bodies are never issued
                swapped = code[: position + 1] + right + left + code[position + 3 :]
                assert len(swapped) == ID_LENGTH and is_valid(code)
                assert not is_valid(swapped), f"{code} -> {swapped}"


def test_lowercase_and_padding_are_accepted_because_the_alphabet_has_one_case() -> None:
    code = new_rma_id("RA", random.Random(4))
    caps_locked = f"  {code.lower()}\r\n"
    assert is_valid(caps_locked)
    assert looks_like_seller_id(caps_locked)
    validate(caps_locked)
    assert normalize_seller_id(caps_locked) == code
    assert kind_of_seller_id(caps_locked) == "RA"


def test_validate_accepts_a_valid_id() -> None:
    validate(new_rma_id("RGA", random.Random(8)))


def test_validate_explains_a_failed_check() -> None:
    typo = wrong_check(new_rma_id("RMA", random.Random(10)))
    with pytest.raises(BadCheckCharacter) as caught:
        validate(typo)
    assert isinstance(caught.value, MalformedCode)
    assert isinstance(caught.value, UserError)
    assert caught.value.message == (
        f"{typo} is not a valid RMA Desk number: its check character does not match, so one character "
        "was probably misread or mistyped. Scan it again or type it carefully."
    )


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("", "No RMA Desk number was given"),
        ("   ", "No RMA Desk number was given"),
        ("R4K7M-2Q9X", "it contains “-”, but RMA Desk numbers use only the letters A–Z and the digits 0–9"),
        ("X4K7M2Q9XH", "start with R (RMA), A (RA) or G (RGA)"),
        ("R4K7M2Q9", "it has 8 characters, but RMA Desk numbers have 10"),
        ("DkQxRtLmRRMA", "start with R (RMA), A (RA) or G (RGA)"),
    ],
)
def test_validate_explains_malformed_codes(code: str, fragment: str) -> None:
    with pytest.raises(MalformedCode) as caught:
        validate(code)
    assert not isinstance(caught.value, BadCheckCharacter)
    assert fragment in caught.value.message
    if code.strip():
        assert caught.value.message.startswith(f"{code.strip()} is not a valid RMA Desk number:")


def test_looks_like_seller_id_ignores_the_check_but_not_the_shape() -> None:
    code = new_rma_id("RMA", random.Random(12))
    assert looks_like_seller_id(code)
    assert looks_like_seller_id(wrong_check(code))
    assert not is_valid(wrong_check(code))
    for other in (
        "DkQxRtLmRRMA",  # an Amazon RMA ID
        "X" + code[1:],  # unknown prefix
        code[:-1],  # too short
        code + "7",  # too long
        code[:4] + "-" + code[5:],  # punctuation
        "302-4471928-1187513",  # an order ID
        "",
    ):
        assert not looks_like_seller_id(other), other
        assert not is_valid(other), other


def test_kind_of_seller_id_refuses_a_failed_check() -> None:
    with pytest.raises(BadCheckCharacter):
        kind_of_seller_id(wrong_check(new_rma_id("RA", random.Random(13))))
