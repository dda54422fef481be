from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from rmadesk.domain.model import Disposition
from rmadesk.text import catalogue, i18n

SOURCES = sorted(catalogue.PACKAGE_DIR.rglob("*.py"))
MARKERS = {"_": 1, "N_": 1, "ngettext": 2, "pgettext": 2}
POSITIONAL = re.compile(r"\{\d*(?:[:!][^}]*)?\}")


def _trees() -> list[tuple[Path, ast.Module]]:
    return [(path, ast.parse(path.read_text(encoding="utf-8"), str(path))) for path in SOURCES]


def _marked_calls(tree: ast.Module) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in MARKERS
    ]


def test_the_english_catalogue_holds_every_marked_string_and_nothing_else() -> None:
    in_source = catalogue.keys(catalogue.extract())
    in_catalogue = catalogue.keys(catalogue.read("en"))
    missing, stale = in_source - in_catalogue, in_catalogue - in_source
    advice = "run: python -m rmadesk.text.catalogue"
    assert not missing, (
        f"marked in the source, not in the English catalogue ({advice}): {sorted(map(str, missing))}"
    )
    assert not stale, (
        f"in the English catalogue, no longer in the source ({advice}): {sorted(map(str, stale))}"
    )
    assert len(in_source) > 200


def test_the_catalogue_command_reports_it_current(capsys: pytest.CaptureFixture[str]) -> None:
    assert catalogue.main(["--check"]) == 0
    assert "current" in capsys.readouterr().out


def test_english_messages_are_used_as_written() -> None:
    english = catalogue.read("en")
    assert all(not message.string or message.string == ("", "") for message in english if message.id)


def test_every_marked_text_is_a_literal_the_extractor_can_read() -> None:
    """``_(name)`` translates a string marked with N_() elsewhere; text built in the call never is."""
    problems = []
    for path, tree in _trees():
        for call in _marked_calls(tree):
            name = call.func.id  # type: ignore[attr-defined]
            texts = call.args[: MARKERS[name]]
            if name == "_":
                readable = len(texts) == 1 and not isinstance(texts[0], ast.JoinedStr | ast.BinOp | ast.Call)
            else:
                readable = len(texts) == MARKERS[name] and all(
                    isinstance(t, ast.Constant) and isinstance(t.value, str) for t in texts
                )
            if not readable:
                problems.append(f"{path}:{call.lineno}")
    assert not problems, f"marked text must be written out in the call: {problems}"


def test_placeholders_are_named_so_a_translation_may_reorder_them() -> None:
    positional = [
        str(key)
        for key in catalogue.keys(catalogue.extract())
        for text in _texts(key[0])
        if POSITIONAL.search(text)
    ]
    assert not positional, positional


def test_no_module_that_translates_uses_underscore_as_a_throwaway_name() -> None:
    shadowing = []
    for path, tree in _trees():
        if not _marked_calls(tree):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id == "_" and isinstance(node.ctx, ast.Store):
                shadowing.append(f"{path}:{node.lineno}")
            elif isinstance(node, ast.arg) and node.arg == "_":
                shadowing.append(f"{path}:{node.lineno}")
    assert not shadowing, f"'_' is the translation function here: {shadowing}"


def test_a_new_language_starts_from_the_english_catalogue_and_keeps_its_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "en.po").write_bytes(catalogue.catalogue_path("en").read_bytes())
    monkeypatch.setattr(i18n, "CATALOGUE_DIR", tmp_path)
    persian = catalogue.read_po_file(catalogue.update_language("fa"))
    assert catalogue.keys(persian) == catalogue.keys(catalogue.read("en"))
    assert persian.plural_forms == "nplurals=2; plural=(n > 1);"
    persian["Sellable"].string = "قابل فروش"
    (tmp_path / "fa.po").write_bytes(catalogue.render(persian))
    catalogue.update_language("fa")
    assert catalogue.read("fa")["Sellable"].string == "قابل فروش"
    try:
        assert i18n.set_language("fa") == "fa"
        assert Disposition.SELLABLE.label == "قابل فروش" and i18n.right_to_left()
    finally:
        i18n.set_language("en")


def _texts(msgid: str | tuple[str, ...]) -> tuple[str, ...]:
    return msgid if isinstance(msgid, tuple) else (msgid,)


def test_the_persian_catalogue_is_complete_and_keeps_every_placeholder() -> None:
    english, persian = catalogue.read("en"), catalogue.read("fa")
    assert catalogue.keys(persian) == catalogue.keys(english)
    placeholder = re.compile(r"\{[^{}]*\}")
    untranslated, changed = [], []
    for message in persian:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        if not all(strings) or message.fuzzy:
            untranslated.append(ids[0])
            continue
        wanted = set(placeholder.findall(ids[-1])) | set(placeholder.findall(ids[0]))
        # A singular form may leave out the count ("Alert" for one), but no form adds or loses a name.
        found = [set(placeholder.findall(s)) for s in strings]
        if any(not names <= wanted for names in found) or set().union(*found) != wanted:
            changed.append(ids[0])
    assert untranslated == [], f"{len(untranslated)} messages without a Persian translation"
    assert changed == [], "translations whose placeholders differ from the English"
