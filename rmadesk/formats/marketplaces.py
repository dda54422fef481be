"""The marketplaces whose reports RMA Desk reads: currency, number conventions and file encodings."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from babel import Locale, numbers

from rmadesk.domain.errors import UserError
from rmadesk.text.i18n import _


@dataclass(frozen=True)
class Marketplace:
    """One Amazon marketplace as its reports show it.

    Attributes:
        code: the country code people use for it ("US", "UK", "DE", "JP").
        domain: its web address, as people name it.
        currency: the ISO 4217 code of its amounts (the FBA customer returns report has no currency column).
        locale: the Babel locale of its numbers (decimal and group symbols).
        encodings: the encodings its reports come in besides UTF-8 and UTF-16, most likely first.
    """

    code: str
    domain: str
    currency: str
    locale: str
    encodings: tuple[str, ...]

    @cached_property
    def decimal_comma(self) -> bool:
        """Whether its amounts are written 1.141,18 rather than 1,141.18."""
        return numbers.get_decimal_symbol(Locale.parse(self.locale)) == ","


WESTERN = ("cp1252",)
MARKETPLACES: dict[str, Marketplace] = {
    m.code: m
    for m in (
        Marketplace("US", "amazon.com", "USD", "en_US", WESTERN),
        Marketplace("CA", "amazon.ca", "CAD", "en_CA", WESTERN),
        Marketplace("MX", "amazon.com.mx", "MXN", "es_MX", WESTERN),
        Marketplace("BR", "amazon.com.br", "BRL", "pt_BR", WESTERN),
        Marketplace("UK", "amazon.co.uk", "GBP", "en_GB", WESTERN),
        Marketplace("IE", "amazon.ie", "EUR", "en_IE", WESTERN),
        Marketplace("DE", "amazon.de", "EUR", "de_DE", WESTERN),
        Marketplace("FR", "amazon.fr", "EUR", "fr_FR", WESTERN),
        Marketplace("IT", "amazon.it", "EUR", "it_IT", WESTERN),
        Marketplace("ES", "amazon.es", "EUR", "es_ES", WESTERN),
        Marketplace("NL", "amazon.nl", "EUR", "nl_NL", WESTERN),
        Marketplace("BE", "amazon.com.be", "EUR", "nl_BE", WESTERN),
        Marketplace("SE", "amazon.se", "SEK", "sv_SE", WESTERN),
        Marketplace("PL", "amazon.pl", "PLN", "pl_PL", ("cp1250",)),
        Marketplace("TR", "amazon.com.tr", "TRY", "tr_TR", ("cp1254",)),
        Marketplace("AE", "amazon.ae", "AED", "en_AE", WESTERN),
        Marketplace("SA", "amazon.sa", "SAR", "ar_SA", ("cp1256",)),
        Marketplace("EG", "amazon.eg", "EGP", "ar_EG", ("cp1256",)),
        Marketplace("IN", "amazon.in", "INR", "en_IN", WESTERN),
        Marketplace("JP", "amazon.co.jp", "JPY", "ja_JP", ("cp932",)),
        Marketplace("SG", "amazon.sg", "SGD", "en_SG", WESTERN),
        Marketplace("AU", "amazon.com.au", "AUD", "en_AU", WESTERN),
    )
}
ALIASES = {"GB": "UK"}
DEFAULT = "US"


def marketplace(code: str | None) -> Marketplace:
    """The marketplace of a code ("de", "UK", "GB", "amazon.co.jp"); the default for none."""
    if not code:
        return MARKETPLACES[DEFAULT]
    wanted = code.strip()
    found = MARKETPLACES.get(ALIASES.get(wanted.upper(), wanted.upper()))
    if found is None:
        found = next((m for m in MARKETPLACES.values() if m.domain == wanted.lower()), None)
    if found is None:
        raise UserError(
            _("There is no marketplace “{code}”. Known: {known}.").format(
                code=code, known=", ".join(MARKETPLACES)
            )
        )
    return found
