"""How many photos a disposition needs: the default, the policy file's [photos] table, the setting."""

from __future__ import annotations

from pathlib import Path

import pytest

from rmadesk.domain.errors import PolicyError, UserError
from rmadesk.domain.model import Disposition
from rmadesk.domain.photos import (
    DEFAULT_PHOTO_RULE,
    parse_photo_setting,
    photos_missing,
    photos_needed_message,
)
from rmadesk.domain.policy import load_policy, parse_policy
from rmadesk.settings import Settings, load_settings

DEFAULT_TEXT = (Path(__file__).parents[2] / "resources" / "policies" / "default.toml").read_text("utf-8")
WITHOUT_PHOTOS = (
    DEFAULT_TEXT[: DEFAULT_TEXT.index("[photos]")] + DEFAULT_TEXT[DEFAULT_TEXT.index("# Terms per") :]
)


def with_photos(table: str) -> str:
    return WITHOUT_PHOTOS.replace("[components]", f"[photos]\n{table}\n\n[components]", 1)


def test_the_default_asks_two_photos_of_a_carrier_damaged_unit_only() -> None:
    assert photos_missing(DEFAULT_PHOTO_RULE, Disposition.CARRIER_DAMAGED, 0) == 2
    assert photos_missing(DEFAULT_PHOTO_RULE, Disposition.CARRIER_DAMAGED, 1) == 1
    assert photos_missing(DEFAULT_PHOTO_RULE, Disposition.CARRIER_DAMAGED, 5) == 0
    assert photos_missing(DEFAULT_PHOTO_RULE, Disposition.SELLER_FAULT, 0) == 0
    assert photos_missing(DEFAULT_PHOTO_RULE, Disposition.SELLABLE, 0) == 0


@pytest.mark.parametrize("name", ["default", "marketplace"])
def test_the_packaged_policies_write_the_rule_out(name: str) -> None:
    policy = load_policy(name)
    assert "[photos]" in Path(policy.source).read_text("utf-8")
    assert photos_missing(policy, Disposition.CARRIER_DAMAGED, 0) == 2  # a Policy is taken as its rule
    assert policy.photos.needed_for(Disposition.SELLER_FAULT) == 0


def test_a_policy_file_without_photos_keeps_the_default() -> None:
    policy = parse_policy(WITHOUT_PHOTOS)
    assert policy.photos == DEFAULT_PHOTO_RULE


def test_a_policy_file_sets_each_disposition() -> None:
    policy = parse_policy(with_photos("seller_fault = 1\ncarrier_damaged = 3"))
    assert policy.photos.needed_for(Disposition.SELLER_FAULT) == 1
    assert policy.photos.needed_for(Disposition.CARRIER_DAMAGED) == 3
    assert policy.photos.needed_for(Disposition.SELLABLE) == 0
    left_out = parse_policy(with_photos("seller_fault = 1"))
    assert left_out.photos.needed_for(Disposition.CARRIER_DAMAGED) == 2  # not named: the default


@pytest.mark.parametrize(
    ("table", "field", "words"),
    [
        ('carrier_damaged = "2"', "photos.carrier_damaged", "whole number"),
        ("carrier_damaged = 2.0", "photos.carrier_damaged", "whole number"),
        ("carrier_damaged = true", "photos.carrier_damaged", "whole number"),
        ("carrier_damaged = -1", "photos.carrier_damaged", "0 to 20"),
        ("carrier_damaged = 21", "photos.carrier_damaged", "not 21"),
        ("carrier_damage = 2", "photos.carrier_damage", "unknown disposition"),
    ],
)
def test_a_bad_photo_count_names_its_field(table: str, field: str, words: str) -> None:
    with pytest.raises(PolicyError) as caught:
        parse_policy(with_photos(table), source="mine.toml")
    assert caught.value.field == field and words in caught.value.problem
    assert str(caught.value).startswith(f"mine.toml: {field}: ")


def test_photos_must_be_a_table() -> None:
    text = WITHOUT_PHOTOS.replace("[components]", "photos = 2\n\n[components]", 1)
    with pytest.raises(PolicyError) as caught:
        parse_policy(text)
    assert caught.value.field == "photos"


def test_the_message_says_how_many_and_how_many_taken() -> None:
    assert (
        photos_needed_message(Disposition.CARRIER_DAMAGED, 2, 1)
        == "A carrier-damaged unit needs 2 photos before it is confirmed; 1 taken."
    )
    assert photos_needed_message(Disposition.SELLER_FAULT, 1, 0) == (
        "A seller-fault unit needs 1 photo before it is confirmed; 0 taken."
    )


def test_the_setting_overrides_the_policy_per_disposition() -> None:
    assert parse_photo_setting(()) == {}
    assert parse_photo_setting(("carrier_damaged=3", " seller_fault = 1 ")) == {
        Disposition.CARRIER_DAMAGED: 3,
        Disposition.SELLER_FAULT: 1,
    }
    rule = DEFAULT_PHOTO_RULE.overridden(parse_photo_setting(("carrier_damaged=0",)))
    assert rule.needed_for(Disposition.CARRIER_DAMAGED) == 0


@pytest.mark.parametrize(
    ("entry", "words"),
    [
        ("carrier_damaged", "not DISPOSITION=N"),
        ("carrier_damaged=two", "not DISPOSITION=N"),
        ("carrier_damaged=-1", "not DISPOSITION=N"),
        ("damaged=2", "unknown disposition 'damaged'"),
        ("carrier_damaged=99", "0 to 20 photos"),
    ],
)
def test_a_bad_setting_is_refused_with_its_entry(entry: str, words: str) -> None:
    with pytest.raises(UserError) as caught:
        parse_photo_setting((entry,))
    assert entry in caught.value.message and words in caught.value.message


def test_a_settings_file_with_a_bad_photos_entry_is_refused_at_start(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text('photos = ["carrier_damaged=lots"]\n', encoding="utf-8")
    with pytest.raises(UserError) as caught:
        load_settings(path)
    assert "carrier_damaged=lots" in caught.value.message
    path.write_text('photos = ["carrier_damaged=4"]\n', encoding="utf-8")
    assert load_settings(path).photo_changes() == {Disposition.CARRIER_DAMAGED: 4}
    assert Settings().photos == ()  # the application's default: as the policy says
