"""The reimbursement policy: a validated TOML file that says what the seller is owed per disposition."""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from rmadesk.domain.errors import PolicyError
from rmadesk.domain.model import Disposition, Reimbursement, ReimbursementLine
from rmadesk.domain.photos import DEFAULT_PHOTO_RULE, PhotoRule, parse_photo_table
from rmadesk.text.i18n import N_, _

# Component names are part of the API (policy files and stored outcomes use them); labels are for the screen.
COMPONENT_LABELS: Mapping[str, str] = MappingProxyType(
    {
        "sale_price": N_("Sale price"),
        "tax": N_("Tax"),
        "referral_fee": N_("Referral fee"),
        "referral_fee_part": N_("Referral fee less refund administration fee"),
        "variable_closing_fee": N_("Variable closing fee"),
        "variable_closing_fee_part": N_("Part of the variable closing fee"),
    }
)

PACKAGED_DEFAULT = "default"

_TOP_LEVEL_KEYS = ("name", "description", "components", "markets")
# Optional: a policy file written before photos existed keeps its meaning (the default photo rule).
_OPTIONAL_KEYS = ("photos",)
_RATE_KEYS = ("referral_rate", "refund_admin_fee_rate", "sellable_closing_fee_share")
_FEE_KEYS = ("minimum_referral_fee", "refund_admin_fee_cap", "media_closing_fee")
_MARKET_KEYS = (*_RATE_KEYS, *_FEE_KEYS, "minor_unit", "media_categories")
# ISO 4217 minor units run from 0 (JPY) to 4 (CLF); anything else is a typo.
_MAX_MINOR_UNIT = 4
_CURRENCY = re.compile(r"^[A-Z]{3}$")
# Plain decimal notation only: exponents, NaN and Infinity are legal for Decimal but never meant in a policy.
_DECIMAL_TEXT = re.compile(r"^[+-]?\d+(\.\d+)?$")
_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_TOML_AT_END = re.compile(r"\s*\(at end of document\)$")
_CATEGORY_SEPARATORS = re.compile(r"[\s\-]+")


@dataclass(frozen=True)
class MarketTerms:
    """The fee terms of one marketplace and currency, as the policy file states them."""

    currency: str
    referral_rate: Decimal
    minimum_referral_fee: Decimal
    refund_admin_fee_rate: Decimal
    refund_admin_fee_cap: Decimal
    media_closing_fee: Decimal
    sellable_closing_fee_share: Decimal
    minor_unit: int
    media_categories: frozenset[str]


@dataclass(frozen=True)
class Policy:
    """A validated reimbursement policy.

    Attributes:
        components: per disposition, the component names reimbursed, in the order they are shown.
        markets: per currency code, its terms.
        source: where the policy was read from, for messages.
        photos: how many photos each disposition needs before it is confirmed (its [photos] table).
    """

    name: str
    description: str
    components: Mapping[Disposition, tuple[str, ...]]
    markets: Mapping[str, MarketTerms]
    source: str
    photos: PhotoRule = DEFAULT_PHOTO_RULE


def normalize_category(category: str) -> str:
    """Fold a category so that "Video Games", "video-games" and "video_games" compare equal."""
    return _CATEGORY_SEPARATORS.sub("_", category.strip()).lower()


def _policies_dir() -> Any:
    return resources.files("rmadesk.resources") / "policies"


def available_policies() -> list[str]:
    """Names of the policies packaged with RMA Desk, sorted."""
    return sorted(
        entry.name.removesuffix(".toml")
        for entry in _policies_dir().iterdir()
        if entry.is_file() and entry.name.endswith(".toml")
    )


def load_policy(source: str | Path | None = None) -> Policy:
    """Read and validate a policy: a packaged one by name (None means "default"), otherwise a file path."""
    if source is None:
        source = PACKAGED_DEFAULT
    packaged = available_policies()
    if isinstance(source, str) and source in packaged:
        entry = _policies_dir() / f"{source}.toml"
        return parse_policy(entry.read_bytes().decode("utf-8-sig"), source=str(entry))
    path = Path(source)
    try:
        # utf-8-sig: a file saved by Windows Notepad starts with a BOM, which TOML itself does not allow.
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise PolicyError(
            "file",
            _("not found (packaged policies: {names})").format(names=", ".join(packaged)),
            source=str(path),
        ) from None
    except OSError as exc:
        problem = _("cannot be read: {reason}").format(reason=exc.strerror or exc)
        raise PolicyError("file", problem, source=str(path)) from None
    except UnicodeDecodeError:
        raise PolicyError("file", _("is not UTF-8 text; save it as UTF-8"), source=str(path)) from None
    return parse_policy(text, source=str(path))


def parse_policy(text: str, source: str = "policy") -> Policy:
    """Validate policy TOML text; every problem raises PolicyError naming the offending field."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _syntax_error(exc, text, source) from None

    known = (*_TOP_LEVEL_KEYS, *_OPTIONAL_KEYS)
    for key in data:
        if key not in known:
            raise PolicyError(key, _unknown(_("unknown setting {key}"), key, known), source)
    for key in _TOP_LEVEL_KEYS:
        if key not in data:
            raise PolicyError(key, _("missing"), source)

    name = data["name"]
    if not isinstance(name, str) or not name.strip():
        raise PolicyError("name", _("must be a non-empty quoted text"), source)
    description = data["description"]
    if not isinstance(description, str):
        raise PolicyError("description", _("must be a quoted text"), source)

    return Policy(
        name=name.strip(),
        description=description.strip(),
        components=_parse_components(data["components"], source),
        markets=_parse_markets(data["markets"], source),
        source=source,
        photos=parse_photo_table(data["photos"], source) if "photos" in data else DEFAULT_PHOTO_RULE,
    )


def _syntax_error(exc: tomllib.TOMLDecodeError, text: str, source: str) -> PolicyError:
    message = str(exc)
    position = _TOML_POSITION.search(message)
    if position:
        line, column = position.groups()
        return PolicyError(
            _("line {number}").format(number=line),
            _("{problem} (column {number})").format(problem=message[: position.start()], number=column),
            source,
        )
    at_end = _TOML_AT_END.search(message)
    if at_end:
        # tomllib reports some errors only once it reaches the end; the last line is the best pointer.
        last_line = _("line {number}").format(number=max(1, len(text.splitlines())))
        return PolicyError(last_line, message[: at_end.start()], source)
    return PolicyError("syntax", message, source)


def _unknown(problem: str, key: str, known: tuple[str, ...] | list[str]) -> str:
    """``problem`` names the unknown key as {key}; a close match or the known keys follow."""
    close = difflib.get_close_matches(key, known, n=1)
    if close:
        hint = _("; did you mean {name}?").format(name=repr(close[0]))
    else:
        hint = _("; known: {names}").format(names=", ".join(known))
    return problem.format(key=repr(key)) + hint


def _parse_components(raw: Any, source: str) -> Mapping[Disposition, tuple[str, ...]]:
    if not isinstance(raw, dict):
        raise PolicyError("components", _("must be a table, one list of components per disposition"), source)
    dispositions = [d.value for d in Disposition]
    components = list(COMPONENT_LABELS)
    for key in raw:
        if key not in dispositions:
            raise PolicyError(
                f"components.{key}", _unknown(_("unknown disposition {key}"), key, dispositions), source
            )
    result: dict[Disposition, tuple[str, ...]] = {}
    for disposition in Disposition:
        field = f"components.{disposition.value}"
        if disposition.value not in raw:
            # Silence would be ambiguous, so "nothing reimbursed" must be written out as [].
            raise PolicyError(field, _("missing; write [] if nothing is reimbursed"), source)
        names = raw[disposition.value]
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            raise PolicyError(field, _("must be a list of quoted component names"), source)
        for component in names:
            if component not in COMPONENT_LABELS:
                raise PolicyError(
                    field, _unknown(_("unknown component {key}"), component, components), source
                )
        if len(set(names)) != len(names):
            raise PolicyError(field, _("names a component twice; it would be paid twice"), source)
        result[disposition] = tuple(names)
    return MappingProxyType(result)


def _parse_markets(raw: Any, source: str) -> Mapping[str, MarketTerms]:
    if not isinstance(raw, dict):
        problem = _("must be a table of [markets.XXX] sections, one per currency")
        raise PolicyError("markets", problem, source)
    if not raw:
        problem = _("no markets; add a [markets.USD] section (or one per currency)")
        raise PolicyError("markets", problem, source)
    result: dict[str, MarketTerms] = {}
    for currency, terms in raw.items():
        field = f"markets.{currency}"
        if not _CURRENCY.match(currency):
            raise PolicyError(field, _("the currency code must be 3 upper-case letters, e.g. USD"), source)
        if not isinstance(terms, dict):
            raise PolicyError(field, _("must be a table of terms"), source)
        result[currency] = _parse_terms(currency, terms, source)
    return MappingProxyType(result)


def _parse_terms(currency: str, terms: dict[str, Any], source: str) -> MarketTerms:
    prefix = f"markets.{currency}"
    for key in terms:
        if key not in _MARKET_KEYS:
            raise PolicyError(f"{prefix}.{key}", _unknown(_("unknown term {key}"), key, _MARKET_KEYS), source)
    for key in _MARKET_KEYS:
        # Every term is required: a silent default is a number the supervisor never saw in the file.
        if key not in terms:
            raise PolicyError(f"{prefix}.{key}", _("missing"), source)

    values: dict[str, Decimal] = {}
    for key in _RATE_KEYS:
        value = _decimal(terms[key], f"{prefix}.{key}", source)
        if not Decimal(0) <= value <= Decimal(1):
            problem = _('rate {value} is outside 0..1 (write 15 % as "0.15")').format(value=value)
            raise PolicyError(f"{prefix}.{key}", problem, source)
        values[key] = value
    for key in _FEE_KEYS:
        value = _decimal(terms[key], f"{prefix}.{key}", source)
        if value < 0:
            raise PolicyError(f"{prefix}.{key}", _("fee {value} is negative").format(value=value), source)
        values[key] = value

    minor_unit = terms["minor_unit"]
    # bool is an int in Python; `minor_unit = true` is a mistake, not 1.
    if isinstance(minor_unit, bool) or not isinstance(minor_unit, int):
        problem = _("must be a whole number of decimal places, e.g. 2")
        raise PolicyError(f"{prefix}.minor_unit", problem, source)
    if not 0 <= minor_unit <= _MAX_MINOR_UNIT:
        problem = _("must be 0 to {most} decimal places").format(most=_MAX_MINOR_UNIT)
        raise PolicyError(f"{prefix}.minor_unit", problem, source)

    categories = terms["media_categories"]
    if not isinstance(categories, list) or not all(isinstance(c, str) and c.strip() for c in categories):
        problem = _("must be a list of quoted category names")
        raise PolicyError(f"{prefix}.media_categories", problem, source)

    return MarketTerms(
        currency=currency,
        minor_unit=minor_unit,
        media_categories=frozenset(normalize_category(c) for c in categories),
        **values,
    )


def _decimal(raw: Any, field: str, source: str) -> Decimal:
    # TOML numbers are binary floats (0.15 is not 0.15); money must be exact, so only quoted text is accepted.
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        raise PolicyError(
            field, _('write it as a quoted decimal string: "{value}", not {value}').format(value=raw), source
        )
    if not isinstance(raw, str):
        raise PolicyError(field, _('must be a quoted decimal string, e.g. "0.15"'), source)
    text = raw.strip()
    if not _DECIMAL_TEXT.match(text):
        problem = _('{value} is not a decimal number (use a point: "0.15")').format(value=repr(raw))
        raise PolicyError(field, problem, source)
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern above admits only valid decimals
        problem = _("{value} is not a decimal number").format(value=repr(raw))
        raise PolicyError(field, problem, source) from None


def unit_amount(
    order_amount: Decimal | None, order_quantity: int | None, minor_unit: int = 2
) -> Decimal | None:
    """Order Amount ÷ Order quantity, or None when either is unknown or the quantity is not positive.

    The quotient is never rounded (the policy rounds once, at the end); it only gains trailing zeros
    up to minor_unit places, so 40 ÷ 2 reads 20.00 rather than 20.
    """
    if order_amount is None or order_quantity is None or order_quantity <= 0:
        return None
    quotient = Decimal(order_amount) / Decimal(order_quantity)
    exponent = quotient.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -minor_unit:
        quotient = quotient.quantize(Decimal(1).scaleb(-minor_unit))  # exact: only adds zeros
    return quotient


def compute_reimbursement(
    policy: Policy,
    disposition: Disposition,
    *,
    currency: str,
    unit_price: Decimal,
    unit_tax: Decimal | None = Decimal(0),
    category: str | None = None,
) -> Reimbursement:
    """What the policy says the seller is owed for one unit, each line rounded half-up to the minor unit.

    Raises PolicyError (a UserError) when the policy has no terms for the currency, and ValueError
    for a negative or non-finite price or tax.
    """
    code = currency.strip().upper()
    terms = policy.markets.get(code)
    if terms is None:
        raise PolicyError(
            f"markets.{code}",
            _("this policy has no terms for {currency} (it has {known})").format(
                currency=code, known=", ".join(sorted(policy.markets))
            ),
            policy.source,
        )
    if isinstance(unit_price, float) or isinstance(unit_tax, float):
        # Decimal(0.1) is 0.1000000000000000055...: a float here is a bug upstream, not a price.
        raise TypeError("unit price and tax must be Decimal, not float")
    price = Decimal(unit_price)
    tax = Decimal(0) if unit_tax is None else Decimal(unit_tax)
    if not price.is_finite() or price < 0:
        raise ValueError(f"unit price must be a non-negative amount, got {unit_price!r}")
    if not tax.is_finite() or tax < 0:
        raise ValueError(f"unit tax must be a non-negative amount, got {unit_tax!r}")

    def referral_fee() -> Decimal:
        return max(terms.referral_rate * price, terms.minimum_referral_fee)

    def referral_fee_part() -> Decimal:
        fee = referral_fee()
        return fee - min(terms.refund_admin_fee_cap, terms.refund_admin_fee_rate * fee)

    def variable_closing_fee() -> Decimal:
        is_media = category is not None and normalize_category(category) in terms.media_categories
        return terms.media_closing_fee if is_media else Decimal(0)

    formulas: dict[str, Callable[[], Decimal]] = {
        "sale_price": lambda: price,
        "tax": lambda: tax,
        "referral_fee": referral_fee,
        "referral_fee_part": referral_fee_part,
        "variable_closing_fee": variable_closing_fee,
        "variable_closing_fee_part": lambda: terms.sellable_closing_fee_share * variable_closing_fee(),
    }
    step = Decimal(1).scaleb(-terms.minor_unit)
    lines = []
    for component in policy.components[disposition]:
        # Round each line, not the total, so the lines on screen add up to the total shown.
        amount = formulas[component]().quantize(step, rounding=ROUND_HALF_UP)
        if amount:
            lines.append(ReimbursementLine(component, _(COMPONENT_LABELS[component]), amount))
    return Reimbursement(currency=code, lines=tuple(lines), policy_name=policy.name)
