"""Scan normalization: AIM prefixes, whitespace, control characters, commands in any case."""

from __future__ import annotations

import pytest

from rmadesk.domain.errors import MalformedCode
from rmadesk.domain.scan import Command, fold_code, normalize, parse_scan, refuse_unreadable


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("DkQxRtLmRRMA", "DkQxRtLmRRMA"),
        ("  DkQxRtLmRRMA \r\n", "DkQxRtLmRRMA"),
        ("]C0DkQxRtLmRRMA", "DkQxRtLmRRMA"),
        ("]C1114-3941689-8772232", "114-3941689-8772232"),
        ("]E04006381333931", "4006381333931"),
        ("ABC\x1d123", "ABC123"),
        ("\tRMA123\t", "RMA123"),
    ],
)
def test_normalize_strips_prefixes_and_noise(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize("raw", ["CMD-CONFIRM", "cmd-confirm", "]C0CMD-CONFIRM", " Cmd-Confirm \n"])
def test_commands_match_in_any_case(raw: str) -> None:
    scan = parse_scan(raw)
    assert scan.command is Command.CONFIRM
    assert scan.text == "CMD-CONFIRM"


def test_every_command_code_is_recognized() -> None:
    codes = {c.value for c in Command}
    assert codes == {
        "CMD-SELLABLE",
        "CMD-CARRIER-DAMAGED",
        "CMD-SELLER-FAULT",
        "CMD-CONFIRM",
        "CMD-CANCEL",
        "CMD-YES",
        "CMD-NO",
        "CMD-PHOTO",
    }
    for code in codes:
        assert parse_scan(code).command is Command(code)


def test_identifier_keeps_its_case() -> None:
    scan = parse_scan("dKqXrTlMrrma")
    assert scan.command is None
    assert scan.text == "dKqXrTlMrrma"


@pytest.mark.parametrize("raw", ["", "   ", "\r\n", "]C0"])
def test_empty_scan_is_malformed(raw: str) -> None:
    with pytest.raises(MalformedCode, match="empty"):
        parse_scan(raw)


@pytest.mark.parametrize("raw", ["RMA§123", "<script>", "ÄÖÜ-12", "!!!"])
def test_garbled_scan_is_malformed_with_a_hint(raw: str) -> None:
    with pytest.raises(MalformedCode, match="keyboard layout"):
        parse_scan(raw)


def test_overlong_scan_is_malformed() -> None:
    with pytest.raises(MalformedCode, match="characters long"):
        parse_scan("A" * 65)


@pytest.mark.parametrize(
    "text", ["CMD-CONFıRM", "CMD-ſELLABLE", "ßTRASSE1", "CAſERMA01", "DkQxRtLmRRMA\u200b"]
)
def test_a_code_with_a_letter_outside_ascii_is_refused_never_folded_into_another(text: str) -> None:
    with pytest.raises(MalformedCode, match="keyboard layout"):
        parse_scan(text)


def test_codes_fold_ascii_letters_only() -> None:
    assert fold_code("dkqxRtLmrrma-1") == "DKQXRTLMRRMA-1"
    assert fold_code("ß") == "ß" and fold_code("ı") == "ı"  # Unicode would make these SS and I


@pytest.mark.parametrize("text", ["AB\x00CD", "\ud800X", "ÄBC"])
def test_the_service_check_refuses_nul_surrogates_and_non_ascii(text: str) -> None:
    with pytest.raises(MalformedCode, match="keyboard layout"):
        refuse_unreadable(text)
