from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from rmadesk.domain.model import Disposition
from rmadesk.domain.walkthrough import MATCHES
from rmadesk.labels.sheet import command_entries
from rmadesk.text import i18n
from rmadesk.text.formatting import day, long_day

# A made-up language with three plural forms, as Persian's neighbours (and Russian) have.
TEST_CATALOGUE = r"""
msgid ""
msgstr ""
"Language: xx\n"
"Plural-Forms: nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 ? 1 : 2);\n"
"Content-Type: text/plain; charset=utf-8\n"

msgid "Sellable"
msgstr "Sellable-xx"

msgid "Unit goes back to stock"
msgstr "Back-xx"

msgid "Does the item match the authorization?"
msgstr "Match-xx?"

msgid "{count} unit(s) · {sku} · order {order}"
msgid_plural "{count} unit(s) · {sku} · order {order}"
msgstr[0] "{count} one-xx {sku} {order}"
msgstr[1] "{order} {sku} few-xx {count}"
msgstr[2] "{count} many-xx"

msgctxt "month abbreviation"
msgid "May"
msgstr "Ma-xx"

msgid "May"
msgstr "Mayo-xx"

msgid "Confirm / write outcome"
msgstr ""
"""


@pytest.fixture
def test_language(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    (tmp_path / "en.po").write_text('msgid ""\nmsgstr ""\n"Language: en\\n"\n', encoding="utf-8")
    (tmp_path / "xx.po").write_text(TEST_CATALOGUE, encoding="utf-8")
    monkeypatch.setattr(i18n, "CATALOGUE_DIR", tmp_path)
    yield tmp_path
    i18n.set_language("en")


def test_english_is_the_default_and_reads_as_written() -> None:
    assert i18n.current_language() == "en"
    assert i18n._("Sellable") == "Sellable" and i18n.N_("Sellable") == "Sellable"
    assert i18n.ngettext("{n} unit", "{n} units", 1) == "{n} unit"
    assert i18n.ngettext("{n} unit", "{n} units", 2) == "{n} units"
    assert i18n.available_languages()[0] == "en"


def test_a_language_translates_what_is_read_after_it_is_chosen(test_language: Path) -> None:
    assert i18n.set_language("xx-YY") == "xx"  # the region falls back to the language
    assert Disposition.SELLABLE.label == "Sellable-xx"  # marked at import, translated when read
    assert MATCHES.text == "Match-xx?"
    assert command_entries()[0].title == "Sellable-xx" and command_entries()[0].subtitle == "Back-xx"
    assert command_entries()[3].title == "Confirm / write outcome"  # untranslated: as written
    assert Disposition.CARRIER_DAMAGED.label == "Carrier-damaged"
    i18n.set_language("en")
    assert Disposition.SELLABLE.label == "Sellable"


def test_plural_forms_follow_the_language(test_language: Path) -> None:
    i18n.set_language("xx")
    text = "{count} unit(s) · {sku} · order {order}"
    forms = [i18n.ngettext(text, text, n).format(count=n, sku="S", order="O") for n in (1, 3, 5, 22)]
    assert forms == ["1 one-xx S O", "O S few-xx 3", "5 many-xx", "O S few-xx 22"]


def test_a_context_keeps_apart_words_spelled_alike(test_language: Path) -> None:
    from datetime import date

    i18n.set_language("xx")
    assert day(date(2026, 5, 1)) == "01 Ma-xx 2026"
    assert long_day(date(2026, 5, 1)) == "1 Mayo-xx 2026"


def test_a_language_without_a_catalogue_falls_back_to_english(test_language: Path) -> None:
    i18n.set_language("xx")
    assert i18n.set_language("de_AT") == "en"
    assert Disposition.SELLABLE.label == "Sellable"
    assert i18n.available_languages() == ("en", "xx")


def test_direction_comes_from_the_language() -> None:
    assert i18n.right_to_left("fa") and i18n.right_to_left("fa_IR") and i18n.right_to_left("ar")
    assert not i18n.right_to_left("en") and not i18n.right_to_left("de")
    assert not i18n.right_to_left("not-a-language")
    assert not i18n.right_to_left()  # English is in force


def test_isolates_leave_markup_tags_whole() -> None:
    assert i18n.isolate_runs("میز <b>{bench}</b><br>F2") == "میز <b>\u2068{bench}\u2069</b><br>\u2066F2\u2069"
