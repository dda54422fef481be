"""Amazon's reason codes read as phrases, whatever the report's spelling; unknown codes as they are."""

from __future__ import annotations

import pytest

from rmadesk.text.reasons import describe_reason, reason_phrase


@pytest.mark.parametrize(
    ("code", "phrase"),
    [
        ("AMZ-PG-WJ-TOO-SMALL", "Too small"),
        ("APPAREL_TOO_SMALL", "Too small"),
        ("AMZ-PG-DEFECTIVE", "Defective or does not work"),
        ("DEFECTIVE", "Defective or does not work"),
        ("CR-UNWANTED_ITEM", "No longer wanted"),
        ("DAMAGED_BY_CARRIER", "Damaged by the carrier"),
        ("AMZ-PG-DAMAGED-BY-CARRIER", "Damaged by the carrier"),
        ("UNDELIVERABLE_REFUSED", "Could not be delivered"),
        ("switcheroo", "A different item came back"),
    ],
)
def test_each_spelling_of_a_reason_reads_as_one_phrase(code: str, phrase: str) -> None:
    assert reason_phrase(code) == phrase
    assert describe_reason(code) == f"{phrase} (\u2066{code}\u2069)"


def test_an_unknown_code_is_shown_as_it_is() -> None:
    assert reason_phrase("AMZ-PG-SOMETHING-NEW") is None
    assert describe_reason("AMZ-PG-SOMETHING-NEW") == "AMZ-PG-SOMETHING-NEW"
    assert describe_reason(None) == "" and reason_phrase("") is None
