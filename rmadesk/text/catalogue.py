"""The English catalogue drawn from the marked strings of the source, and each language's kept in step."""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Iterable
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

import rmadesk
from rmadesk.text import i18n
from rmadesk.text.i18n import SOURCE_LANGUAGE

# The names under which rmadesk.text.i18n's functions are called, and which of their arguments are text.
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
COMMENT_TAGS = ("Translators:",)
PACKAGE_DIR = Path(rmadesk.__file__).parent
ENGLISH_HEADER = (
    "# The English catalogue of RMA Desk: every marked string of the source, as written.\n"
    "# Made by python -m rmadesk.text.catalogue; a translation begins with --language CODE."
)
# Message key: (msgid, context); a plural message's msgid is the pair (singular, plural).
MessageKey = tuple[str | tuple[str, ...], str | None]


def catalogue_path(language: str) -> Path:
    return Path(str(i18n.CATALOGUE_DIR / f"{language}.po"))


def extract(package_dir: Path = PACKAGE_DIR) -> Catalog:
    """Every marked string of the package's source, as an English catalogue (msgstr empty: as written)."""
    catalogue = Catalog(
        locale=SOURCE_LANGUAGE, project="RMA Desk", header_comment=ENGLISH_HEADER, fuzzy=False
    )
    found = extract_from_dir(
        package_dir,
        keywords=KEYWORDS,
        comment_tags=COMMENT_TAGS,
        strip_comment_tags=True,
        directory_filter=lambda path: Path(path).name != "__pycache__",
    )
    for filename, lineno, message, comments, context in found:
        location = (f"{package_dir.name}/{Path(filename).as_posix()}", lineno)
        catalogue.add(message, None, [location], auto_comments=comments, context=context)
    return catalogue


def keys(messages: Iterable[object]) -> set[MessageKey]:
    result: set[MessageKey] = set()
    for message in messages:
        msgid, context = message.id, message.context  # type: ignore[attr-defined]
        if msgid:
            result.add((tuple(msgid) if isinstance(msgid, list | tuple) else msgid, context))
    return result


def read(language: str) -> Catalog:
    return read_po_file(catalogue_path(language))


def read_po_file(path: Path) -> Catalog:
    with path.open("rb") as source:
        return read_po(source, locale=path.stem)


def render(catalogue: Catalog) -> bytes:
    out = io.BytesIO()
    # Files without line numbers, so that moving code does not change the catalogues.
    write_po(out, catalogue, width=100, sort_output=True, include_lineno=False)
    return out.getvalue()


def update_english() -> bool:
    """Rewrite the English catalogue if its messages differ from the source's; True if it changed."""
    fresh = extract()
    path = catalogue_path(SOURCE_LANGUAGE)
    if path.exists() and keys(read(SOURCE_LANGUAGE)) == keys(fresh):
        return False
    path.write_bytes(render(fresh))
    return True


def update_language(language: str) -> Path:
    """Create or bring ``language``'s catalogue in step with the English one, keeping its translations."""
    template = read(SOURCE_LANGUAGE)
    path = catalogue_path(language)
    catalogue = read(language) if path.exists() else Catalog(locale=language, project="RMA Desk")
    catalogue.update(template, update_creation_date=False)
    path.write_bytes(render(catalogue))
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m rmadesk.text.catalogue",
        description="Update the English catalogue from the source, or another language's from the English.",
    )
    parser.add_argument(
        "--check", action="store_true", help="only say whether the English catalogue is current"
    )
    parser.add_argument("--language", help="create or update this language's catalogue, e.g. fa")
    args = parser.parse_args(argv)
    if args.check:
        current = keys(read(SOURCE_LANGUAGE)) == keys(extract())
        print("The English catalogue is current." if current else "The English catalogue is out of date.")
        return 0 if current else 1
    changed = update_english()
    print(f"{catalogue_path(SOURCE_LANGUAGE)}: {'updated' if changed else 'current'}")
    if args.language:
        print(f"{update_language(args.language)}: in step with the English catalogue")
    return 0


if __name__ == "__main__":
    sys.exit(main())
