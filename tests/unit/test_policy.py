"""Tests of the reimbursement policy: its files, its validation and its arithmetic."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from rmadesk.domain.errors import PolicyError, UserError
from rmadesk.domain.model import Disposition, Reimbursement
from rmadesk.domain.policy import (
    COMPONENT_LABELS,
    MarketTerms,
    Policy,
    available_policies,
    compute_reimbursement,
    load_policy,
    normalize_category,
    parse_policy,
    unit_amount,
)

D = Decimal
SELLABLE = Disposition.SELLABLE
CARRIER = Disposition.CARRIER_DAMAGED
SELLER = Disposition.SELLER_FAULT

VALID = """\
name = "test"
description = "A policy for tests."

[components]
sellable = ["variable_closing_fee_part"]
carrier_damaged = ["sale_price", "referral_fee_part", "tax"]
seller_fault = ["referral_fee", "variable_closing_fee"]

[markets.USD]
referral_rate = "0.15"
minimum_referral_fee = "0.30"
refund_admin_fee_rate = "0.20"
refund_admin_fee_cap = "5.00"
media_closing_fee = "1.80"
sellable_closing_fee_share = "0.80"
minor_unit = 2
media_categories = ["books", "music", "video", "dvd", "software", "video_games"]
"""


def variant(old: str, new: str, text: str = VALID) -> str:
    """VALID with one piece replaced; fails loudly if the piece is absent, so no test passes vacuously."""
    assert old in text, old
    return text.replace(old, new, 1)


def policy_error(text: str) -> PolicyError:
    with pytest.raises(PolicyError) as caught:
        parse_policy(text, source="test.toml")
    return caught.value


def assert_field(text: str, field: str) -> PolicyError:
    error = policy_error(text)
    assert error.field == field
    assert f"test.toml: {field}:" in str(error)
    return error


def amounts(reimbursement: Reimbursement) -> dict[str, Decimal]:
    for line in reimbursement.lines:
        assert type(line.amount) is Decimal
    return {line.component: line.amount for line in reimbursement.lines}


@pytest.fixture(scope="module")
def default() -> Policy:
    return load_policy()


def reimburse(policy: Policy, disposition: Disposition, price: str, **kwargs: object) -> Reimbursement:
    kwargs.setdefault("currency", "USD")
    return compute_reimbursement(policy, disposition, unit_price=D(price), **kwargs)  # type: ignore[arg-type]


# --- the worked example of DOMAIN.md -------------------------------------------------------------


def test_worked_example_sellable_non_media_is_nothing(default: Policy) -> None:
    result = reimburse(default, SELLABLE, "20.00", unit_tax=D("1.60"))
    assert result.lines == ()
    assert result.total == D("0.00")
    assert type(result.total) is Decimal


def test_worked_example_carrier_damaged(default: Policy) -> None:
    result = reimburse(default, CARRIER, "20.00", unit_tax=D("1.60"))
    assert [line.component for line in result.lines] == ["sale_price", "referral_fee_part", "tax"]
    assert amounts(result) == {"sale_price": D("20.00"), "referral_fee_part": D("2.40"), "tax": D("1.60")}
    assert result.total == D("24.00")
    assert type(result.total) is Decimal
    assert result.currency == "USD"
    assert result.policy_name == "default"


def test_worked_example_carrier_damaged_without_tax(default: Policy) -> None:
    result = reimburse(default, CARRIER, "20.00")
    assert amounts(result) == {"sale_price": D("20.00"), "referral_fee_part": D("2.40")}
    assert result.total == D("22.40")


def test_worked_example_seller_fault(default: Policy) -> None:
    result = reimburse(default, SELLER, "20.00", unit_tax=D("1.60"))
    assert amounts(result) == {"referral_fee": D("3.00")}
    assert result.total == D("3.00")


def test_lines_carry_screen_labels(default: Policy) -> None:
    result = reimburse(default, CARRIER, "20.00", unit_tax=D("1.60"))
    assert [line.label for line in result.lines] == [
        "Sale price",
        "Referral fee less refund administration fee",
        "Tax",
    ]


def test_unknown_tax_counts_as_zero(default: Policy) -> None:
    result = reimburse(default, CARRIER, "20.00", unit_tax=None)
    assert "tax" not in amounts(result)
    assert result.total == D("22.40")


# --- fee rules -----------------------------------------------------------------------------------


def test_minimum_referral_fee(default: Policy) -> None:
    # 15 % of 1.00 is 0.15, below the 0.30 minimum.
    assert amounts(reimburse(default, SELLER, "1.00")) == {"referral_fee": D("0.30")}
    # The part is taken from the minimum fee too: 0.30 - 20 % of 0.30 = 0.24.
    assert amounts(reimburse(default, CARRIER, "1.00"))["referral_fee_part"] == D("0.24")


def test_refund_admin_fee_is_capped(default: Policy) -> None:
    # Referral 60.00; 20 % would be 12.00 but the administration fee is capped at 5.00.
    assert amounts(reimburse(default, SELLER, "400.00")) == {"referral_fee": D("60.00")}
    assert amounts(reimburse(default, CARRIER, "400.00")) == {
        "sale_price": D("400.00"),
        "referral_fee_part": D("55.00"),
    }


def test_refund_admin_fee_just_below_the_cap(default: Policy) -> None:
    # Referral 24.00 -> 20 % = 4.80, under the cap, so the part is 19.20.
    assert amounts(reimburse(default, CARRIER, "160.00"))["referral_fee_part"] == D("19.20")


def test_media_unit(default: Policy) -> None:
    assert amounts(reimburse(default, SELLABLE, "20.00", category="books")) == {
        "variable_closing_fee_part": D("1.44")
    }
    seller = reimburse(default, SELLER, "20.00", category="books")
    assert amounts(seller) == {"referral_fee": D("3.00"), "variable_closing_fee": D("1.80")}
    assert seller.total == D("4.80")
    # The closing fee is not part of the carrier-damaged reimbursement.
    assert reimburse(default, CARRIER, "20.00", category="books").total == D("22.40")


@pytest.mark.parametrize("category", ["Video Games", "video-games", "video_games", " VIDEO  GAMES ", "DVD"])
def test_media_category_matching_ignores_case_and_separators(default: Policy, category: str) -> None:
    assert reimburse(default, SELLABLE, "20.00", category=category).total == D("1.44")


@pytest.mark.parametrize("category", [None, "", "Toys", "videogame", "book shelf"])
def test_non_media_category_has_no_closing_fee(default: Policy, category: str | None) -> None:
    assert reimburse(default, SELLABLE, "20.00", category=category).lines == ()
    assert amounts(reimburse(default, SELLER, "20.00", category=category)) == {"referral_fee": D("3.00")}


def test_normalize_category() -> None:
    assert normalize_category("Video Games") == normalize_category("video-games") == "video_games"


def test_currency_is_matched_case_insensitively(default: Policy) -> None:
    assert reimburse(default, SELLER, "20.00", currency=" cad ").currency == "CAD"


# --- rounding ------------------------------------------------------------------------------------


def test_half_up_rounding_of_a_third_decimal_five() -> None:
    # 0.375 / 3 = 0.125 exactly: half-up gives 0.13 (banker's rounding would give 0.12).
    policy = load_policy("marketplace")
    price = unit_amount(D("0.375"), 3)
    assert price == D("0.125")
    assert amounts(compute_reimbursement(policy, CARRIER, currency="USD", unit_price=price)) == {
        "sale_price": D("0.13")
    }


def test_half_up_rounding_of_a_referral_fee(default: Policy) -> None:
    # 30.90 / 3 = 10.30; 15 % = 1.545 -> 1.55 (banker's rounding would give 1.54).
    price = unit_amount(D("30.90"), 3)
    assert price == D("10.30")
    result = compute_reimbursement(default, SELLER, currency="USD", unit_price=price)
    assert amounts(result) == {"referral_fee": D("1.55")}


def test_repeating_division_is_rounded_per_line(default: Policy) -> None:
    # 33.33 / 3 = 11.11; 10.00 / 3 = 3.333...: each line is rounded, never the price first.
    assert unit_amount(D("33.33"), 3) == D("11.11")
    price = unit_amount(D("10.00"), 3)
    assert price is not None and price != D("3.33")
    result = compute_reimbursement(default, CARRIER, currency="USD", unit_price=price)
    # referral 0.5 (exactly 15 % of 3.333...), admin fee 0.10 -> part 0.40.
    assert amounts(result) == {"sale_price": D("3.33"), "referral_fee_part": D("0.40")}
    assert result.total == D("3.73")


def test_total_is_the_sum_of_the_rounded_lines() -> None:
    # 1.005 + 1.005: the lines round to 1.01 each, so the total is 2.02 (rounding the sum would give 2.01).
    policy = load_policy("marketplace")
    result = compute_reimbursement(
        policy, CARRIER, currency="USD", unit_price=D("1.005"), unit_tax=D("1.005")
    )
    assert amounts(result) == {"sale_price": D("1.01"), "tax": D("1.01")}
    assert result.total == D("2.02")


def test_zero_minor_unit_rounds_to_whole_units() -> None:
    text = variant("[markets.USD]", "[markets.JPY]")
    text = variant("minor_unit = 2", "minor_unit = 0", text)
    text = variant('minimum_referral_fee = "0.30"', 'minimum_referral_fee = "30"', text)
    text = variant('refund_admin_fee_cap = "5.00"', 'refund_admin_fee_cap = "500"', text)
    policy = parse_policy(text)
    # 15 % of 1237 = 185.55 -> 186; admin fee 37.11 (under the 500 cap) -> part 148.44 -> 148.
    assert amounts(compute_reimbursement(policy, SELLER, currency="JPY", unit_price=D("1237"))) == {
        "referral_fee": D("186")
    }
    carrier = compute_reimbursement(policy, CARRIER, currency="JPY", unit_price=D("1237"))
    assert amounts(carrier) == {"sale_price": D("1237"), "referral_fee_part": D("148")}
    assert all(line.amount.as_tuple().exponent == 0 for line in carrier.lines)


# --- the marketplace policy ----------------------------------------------------------------------


def test_marketplace_policy_follows_published_practice() -> None:
    policy = load_policy("marketplace")
    assert policy.name == "marketplace"
    assert reimburse(policy, SELLABLE, "20.00", unit_tax=D("1.60"), category="books").lines == ()
    assert reimburse(policy, SELLER, "20.00", unit_tax=D("1.60"), category="books").lines == ()
    carrier = reimburse(policy, CARRIER, "20.00", unit_tax=D("1.60"), category="books")
    assert amounts(carrier) == {"sale_price": D("20.00"), "tax": D("1.60")}
    assert carrier.total == D("21.60")
    assert carrier.policy_name == "marketplace"


# --- packaged policies ---------------------------------------------------------------------------


def test_packaged_policies_are_listed() -> None:
    assert {"default", "marketplace"} <= set(available_policies())


@pytest.mark.parametrize("name", available_policies())
def test_every_packaged_policy_loads(name: str) -> None:
    policy = load_policy(name)
    assert policy.name == name
    assert policy.description
    assert set(policy.components) == set(Disposition)
    assert {"USD", "CAD", "GBP", "EUR"} <= set(policy.markets)
    assert Path(policy.source).name == f"{name}.toml"


def test_none_loads_the_default_policy() -> None:
    assert load_policy(None).name == "default"
    assert load_policy("default").name == "default"


@pytest.mark.parametrize("currency", ["USD", "CAD", "GBP", "EUR"])
def test_default_terms_are_the_documented_numbers(default: Policy, currency: str) -> None:
    assert default.markets[currency] == MarketTerms(
        currency=currency,
        referral_rate=D("0.15"),
        minimum_referral_fee=D("0.30"),
        refund_admin_fee_rate=D("0.20"),
        refund_admin_fee_cap=D("5.00"),
        media_closing_fee=D("1.80"),
        sellable_closing_fee_share=D("0.80"),
        minor_unit=2,
        media_categories=frozenset({"books", "music", "video", "dvd", "software", "video_games"}),
    )
    assert type(default.markets[currency].referral_rate) is Decimal


def test_default_components(default: Policy) -> None:
    assert dict(default.components) == {
        SELLABLE: ("variable_closing_fee_part",),
        CARRIER: ("sale_price", "referral_fee_part", "tax"),
        SELLER: ("referral_fee", "variable_closing_fee"),
    }


def test_policy_mappings_are_read_only(default: Policy) -> None:
    with pytest.raises(TypeError):
        default.markets["XXX"] = default.markets["USD"]  # type: ignore[index]


def test_component_labels_cover_every_component() -> None:
    assert set(COMPONENT_LABELS) == {
        "sale_price",
        "tax",
        "referral_fee",
        "referral_fee_part",
        "variable_closing_fee",
        "variable_closing_fee_part",
    }


# --- loading from a path -------------------------------------------------------------------------


def test_load_from_a_path_with_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_bytes(b"\xef\xbb\xbf" + VALID.encode())
    policy = load_policy(path)
    assert policy.name == "test"
    assert policy.source == str(path)
    assert load_policy(str(path)).name == "test"


def test_missing_file_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(PolicyError) as caught:
        load_policy(tmp_path / "nope.toml")
    assert caught.value.field == "file"
    assert "nope.toml" in str(caught.value)
    assert "default" in str(caught.value)


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(VALID.replace("A policy", "Politique \xe9").encode("latin-1"))
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    assert caught.value.field == "file"


def test_errors_in_a_file_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(variant('referral_rate = "0.15"', 'referral_rate = "1.5"'))
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    assert str(caught.value).startswith(f"{path}: markets.USD.referral_rate:")


# --- validation ----------------------------------------------------------------------------------


def test_valid_text_parses() -> None:
    policy = parse_policy(VALID, source="test.toml")
    assert policy.name == "test"
    assert policy.source == "test.toml"
    assert list(policy.markets) == ["USD"]


def test_policy_error_is_a_user_error() -> None:
    assert isinstance(policy_error(variant('name = "test"\n', "")), UserError)


@pytest.mark.parametrize(
    ("old", "field"),
    [
        ('name = "test"\n', "name"),
        ('description = "A policy for tests."\n', "description"),
    ],
)
def test_missing_top_level_value(old: str, field: str) -> None:
    assert "missing" in str(assert_field(variant(old, ""), field))


def test_missing_components_table() -> None:
    text = variant(
        '[components]\nsellable = ["variable_closing_fee_part"]\n'
        'carrier_damaged = ["sale_price", "referral_fee_part", "tax"]\n'
        'seller_fault = ["referral_fee", "variable_closing_fee"]\n',
        "",
    )
    assert_field(text, "components")


def test_missing_markets() -> None:
    assert_field(VALID[: VALID.index("[markets.USD]")], "markets")


def test_unknown_top_level_key() -> None:
    error = assert_field(variant('name = "test"', 'name = "test"\nnmae = "x"'), "nmae")
    assert "did you mean 'name'" in str(error)


def test_empty_name() -> None:
    assert_field(variant('name = "test"', 'name = "  "'), "name")


def test_description_must_be_text() -> None:
    assert_field(variant('description = "A policy for tests."', "description = 3"), "description")


def test_components_must_be_a_table() -> None:
    text = 'name = "t"\ndescription = ""\ncomponents = []\n' + VALID[VALID.index("[markets.USD]") :]
    assert_field(text, "components")


def test_unknown_disposition() -> None:
    text = variant("seller_fault = [", "seller_fault = []\ncarrier_damage = [")
    error = assert_field(text, "components.carrier_damage")
    assert "did you mean 'carrier_damaged'" in str(error)


def test_missing_disposition() -> None:
    text = variant('seller_fault = ["referral_fee", "variable_closing_fee"]\n', "")
    assert "write []" in str(assert_field(text, "components.seller_fault"))


def test_unknown_component() -> None:
    text = variant('sellable = ["variable_closing_fee_part"]', 'sellable = ["closing_fee_part"]')
    assert "closing_fee_part" in str(assert_field(text, "components.sellable"))


def test_component_named_twice() -> None:
    text = variant('seller_fault = ["referral_fee", ', 'seller_fault = ["referral_fee", "referral_fee", ')
    assert_field(text, "components.seller_fault")


def test_components_must_be_names() -> None:
    assert_field(variant('sellable = ["variable_closing_fee_part"]', "sellable = [1]"), "components.sellable")
    assert_field(
        variant('sellable = ["variable_closing_fee_part"]', 'sellable = "tax"'), "components.sellable"
    )


@pytest.mark.parametrize("key", ["referral_rate", "refund_admin_fee_rate", "sellable_closing_fee_share"])
@pytest.mark.parametrize("value", ["1.01", "-0.01", "15"])
def test_rate_outside_zero_to_one(key: str, value: str) -> None:
    line = next(x for x in VALID.splitlines() if x.startswith(f"{key} ="))
    error = assert_field(variant(line, f'{key} = "{value}"'), f"markets.USD.{key}")
    assert "0..1" in str(error)


@pytest.mark.parametrize("value", ["0", "1", "0.0", "1.00"])
def test_rate_bounds_are_inclusive(value: str) -> None:
    policy = parse_policy(variant('referral_rate = "0.15"', f'referral_rate = "{value}"'))
    assert policy.markets["USD"].referral_rate == D(value)


@pytest.mark.parametrize("key", ["minimum_referral_fee", "refund_admin_fee_cap", "media_closing_fee"])
def test_negative_fee(key: str) -> None:
    line = next(x for x in VALID.splitlines() if x.startswith(f"{key} ="))
    error = assert_field(variant(line, f'{key} = "-0.01"'), f"markets.USD.{key}")
    assert "negative" in str(error)


@pytest.mark.parametrize("value", ["0.15", "1", "1.5e-1"])
def test_unquoted_money_is_refused(value: str) -> None:
    error = assert_field(
        variant('referral_rate = "0.15"', f"referral_rate = {value}"), "markets.USD.referral_rate"
    )
    assert "quoted decimal string" in str(error)


@pytest.mark.parametrize("value", ['"abc"', '"1,80"', '"1.8e0"', '"NaN"', '"Infinity"', '""', '"1."', "true"])
def test_money_that_is_not_a_decimal_string(value: str) -> None:
    assert_field(
        variant('media_closing_fee = "1.80"', f"media_closing_fee = {value}"), "markets.USD.media_closing_fee"
    )


def test_money_is_exact_decimal() -> None:
    policy = parse_policy(variant('media_closing_fee = "1.80"', 'media_closing_fee = " 0.1 "'))
    assert policy.markets["USD"].media_closing_fee == D("0.1")
    assert type(policy.markets["USD"].media_closing_fee) is Decimal


@pytest.mark.parametrize("code", ["usd", "US", "USDX", "U1D", "Usd"])
def test_currency_code_must_be_three_upper_case_letters(code: str) -> None:
    assert "3 upper-case letters" in str(
        assert_field(variant("[markets.USD]", f"[markets.{code}]"), f"markets.{code}")
    )


def test_unknown_key_inside_a_market() -> None:
    error = assert_field(variant("referral_rate =", "referal_rate ="), "markets.USD.referal_rate")
    assert "did you mean 'referral_rate'" in str(error)


def test_missing_key_inside_a_market() -> None:
    assert_field(variant('refund_admin_fee_cap = "5.00"\n', ""), "markets.USD.refund_admin_fee_cap")


def test_no_markets_at_all() -> None:
    text = "markets = {}\n" + VALID[: VALID.index("[markets.USD]")]
    assert "no markets" in str(assert_field(text, "markets"))


def test_markets_must_be_a_table() -> None:
    # Top-level keys must come before the first [table] header in TOML.
    text = 'markets = "USD"\n' + VALID[: VALID.index("[markets.USD]")]
    assert_field(text, "markets")


def test_market_must_be_a_table() -> None:
    text = VALID[: VALID.index("[markets.USD]")] + '[markets]\nUSD = "0.15"\n'
    assert_field(text, "markets.USD")


@pytest.mark.parametrize("value", ['"2"', "-1", "5", "true", "2.0"])
def test_bad_minor_unit(value: str) -> None:
    assert_field(variant("minor_unit = 2", f"minor_unit = {value}"), "markets.USD.minor_unit")


@pytest.mark.parametrize("value", ['"books"', "[1]", '[""]'])
def test_bad_media_categories(value: str) -> None:
    line = next(x for x in VALID.splitlines() if x.startswith("media_categories ="))
    assert_field(variant(line, f"media_categories = {value}"), "markets.USD.media_categories")


def test_media_categories_are_normalized() -> None:
    line = next(x for x in VALID.splitlines() if x.startswith("media_categories ="))
    policy = parse_policy(variant(line, 'media_categories = ["Video Games", "Board-Games"]'))
    assert policy.markets["USD"].media_categories == frozenset({"video_games", "board_games"})


def test_toml_syntax_error_names_the_line() -> None:
    error = assert_field(variant("minor_unit = 2", "minor_unit = "), "line 16")
    assert "column" in str(error)


def test_toml_syntax_error_at_the_end_names_a_line() -> None:
    assert_field('name = "x"\ndescription = ', "line 2")


def test_toml_duplicate_key_names_the_line() -> None:
    assert_field(variant('name = "test"', 'name = "test"\nname = "again"'), "line 2")


# --- compute_reimbursement's own errors ----------------------------------------------------------


def test_currency_without_terms_is_a_user_error(default: Policy) -> None:
    with pytest.raises(PolicyError) as caught:
        reimburse(default, SELLER, "20.00", currency="CHF")
    assert isinstance(caught.value, UserError)
    assert caught.value.field == "markets.CHF"
    assert "USD" in str(caught.value)


def test_negative_price_is_a_value_error(default: Policy) -> None:
    with pytest.raises(ValueError, match="price"):
        reimburse(default, CARRIER, "-0.01")


def test_negative_tax_is_a_value_error(default: Policy) -> None:
    with pytest.raises(ValueError, match="tax"):
        reimburse(default, CARRIER, "20.00", unit_tax=D("-1"))


def test_nan_price_is_a_value_error(default: Policy) -> None:
    with pytest.raises(ValueError):
        reimburse(default, CARRIER, "NaN")


def test_float_price_is_refused(default: Policy) -> None:
    with pytest.raises(TypeError):
        compute_reimbursement(default, CARRIER, currency="USD", unit_price=20.0)  # type: ignore[arg-type]


def test_zero_price_gives_nothing_but_the_minimum_fee(default: Policy) -> None:
    assert reimburse(default, SELLABLE, "0").lines == ()
    assert amounts(reimburse(default, SELLER, "0")) == {"referral_fee": D("0.30")}


# --- unit_amount ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "quantity", "expected"),
    [
        (D("40"), 2, "20.00"),
        (D("33.33"), 3, "11.11"),
        (D("0.375"), 3, "0.125"),
        (D("20.00"), 1, "20.00"),
        (D("1500"), 1, "1500.00"),
    ],
)
def test_unit_amount(amount: Decimal, quantity: int, expected: str) -> None:
    result = unit_amount(amount, quantity)
    assert type(result) is Decimal
    assert str(result) == expected


def test_unit_amount_is_not_rounded() -> None:
    result = unit_amount(D("10.00"), 3)
    assert result is not None
    assert result * 3 != D("10.00") and abs(result * 3 - D("10.00")) < D("1e-20")


def test_unit_amount_respects_minor_unit() -> None:
    assert str(unit_amount(D("1500"), 2, minor_unit=0)) == "750"


@pytest.mark.parametrize(("amount", "quantity"), [(None, 1), (D("10"), None), (D("10"), 0), (D("10"), -2)])
def test_unit_amount_unknown(amount: Decimal | None, quantity: int | None) -> None:
    assert unit_amount(amount, quantity) is None
