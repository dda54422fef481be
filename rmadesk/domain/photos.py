"""Photo evidence: what a photo taken at the bench is, and how many each disposition needs."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any

from rmadesk.domain.errors import PolicyError, UserError
from rmadesk.domain.model import Disposition
from rmadesk.text.i18n import _, ngettext

# More photos than this for one unit is a typo in a policy, not a rule anyone can follow at a bench.
MAX_PHOTOS_NEEDED = 20


@dataclass(frozen=True)
class Photo:
    """A photo ready to be stored with a unit's outcome (made by rmadesk.services.photos.prepare_photo).

    Attributes:
        jpeg: the stored image: EXIF orientation applied, every metadata (location included) stripped,
            long side at most 2560 px.
        thumbnail: a JPEG whose long side is 240 px, for the card and the browser.
        sha256: the hex SHA-256 of ``jpeg``, which the claim packet and the audit trail name.
        taken_at: when it was taken (aware UTC).
        source: "camera", "file" or "folder".
    """

    jpeg: bytes = field(repr=False)
    thumbnail: bytes = field(repr=False)
    sha256: str
    width: int
    height: int
    taken_at: datetime
    taken_by: str
    bench: str
    source: str

    @property
    def byte_size(self) -> int:
        return len(self.jpeg)


@dataclass(frozen=True)
class PhotoRule:
    """How many photos each disposition needs before its decision can be confirmed.

    Attributes:
        needed: per disposition, the least number of photos (a disposition not named needs none).
    """

    needed: Mapping[Disposition, int] = field(
        default_factory=lambda: MappingProxyType({Disposition.CARRIER_DAMAGED: 2})
    )

    def needed_for(self, disposition: Disposition) -> int:
        return self.needed.get(disposition, 0)

    def overridden(self, changes: Mapping[Disposition, int]) -> PhotoRule:
        """This rule with some dispositions' numbers replaced (a bench setting over the policy file)."""
        if not changes:
            return self
        return PhotoRule(MappingProxyType({**self.needed, **changes}))


DEFAULT_PHOTO_RULE = PhotoRule()


def _rule_of(policy: Any) -> PhotoRule:
    """The rule itself, or the rule of a Policy (which carries one as ``photos``)."""
    return policy if isinstance(policy, PhotoRule) else policy.photos


def photos_missing(policy: Any, disposition: Disposition, count: int) -> int:
    """How many more photos the disposition needs, given ``count`` taken (0 when enough).

    ``policy`` is a PhotoRule or a Policy (its ``photos``).
    """
    return max(0, _rule_of(policy).needed_for(disposition) - count)


def photos_needed_message(disposition: Disposition, needed: int, taken: int) -> str:
    """Why a decision cannot be confirmed yet: "A carrier-damaged unit needs 2 photos before it is
    confirmed; 1 taken."."""
    return ngettext(
        "A {disposition} unit needs {count} photo before it is confirmed; {taken} taken.",
        "A {disposition} unit needs {count} photos before it is confirmed; {taken} taken.",
        needed,
    ).format(disposition=disposition.label.lower(), count=needed, taken=taken)


def _count(value: Any, field_name: str, source: str) -> int:
    # bool is an int in Python: `carrier_damaged = true` is a mistake, not 1.
    if isinstance(value, bool) or not isinstance(value, int):
        raise PolicyError(field_name, _("must be a whole number of photos, e.g. 2"), source)
    if not 0 <= value <= MAX_PHOTOS_NEEDED:
        raise PolicyError(
            field_name,
            _("must be 0 to {most} photos, not {value}").format(most=MAX_PHOTOS_NEEDED, value=value),
            source,
        )
    return value


def _disposition(key: str, field_name: str, source: str) -> Disposition:
    known = [d.value for d in Disposition]
    if key not in known:
        raise PolicyError(
            field_name,
            _("unknown disposition {key}; known: {names}").format(key=repr(key), names=", ".join(known)),
            source,
        )
    return Disposition(key)


def parse_photo_table(raw: Any, source: str = "policy") -> PhotoRule:
    """The ``[photos]`` table of a policy file: ``carrier_damaged = 2`` and so on.

    A disposition the table leaves out keeps the default (carrier-damaged 2, the others 0).
    """
    if not isinstance(raw, dict):
        raise PolicyError("photos", _("must be a table of photo counts, e.g. carrier_damaged = 2"), source)
    changes = {
        _disposition(key, f"photos.{key}", source): _count(value, f"photos.{key}", source)
        for key, value in raw.items()
    }
    return DEFAULT_PHOTO_RULE.overridden(changes)


def parse_photo_setting(entries: Iterable[str] | str) -> dict[Disposition, int]:
    """The ``photos`` setting of a bench, DISPOSITION=N entries ("carrier_damaged=3"); raises UserError.

    An empty setting changes nothing: the policy's numbers stand.
    """
    if isinstance(entries, str):
        entries = [entries] if entries.strip() else []
    changes: dict[Disposition, int] = {}
    for entry in entries:
        key, equals, number = str(entry).partition("=")
        key, number = key.strip(), number.strip()
        if not equals or not key or not number.isascii() or not number.isdigit():
            raise UserError(
                _(
                    "The photos setting “{entry}” is not DISPOSITION=N, e.g. carrier_damaged=2 "
                    "(dispositions: {names})."
                ).format(entry=entry, names=", ".join(d.value for d in Disposition))
            )
        try:
            disposition = _disposition(key, "photos", "settings")
            changes[disposition] = _count(int(number), "photos", "settings")
        except PolicyError as exc:
            raise UserError(
                _("The photos setting “{entry}”: {problem}.").format(entry=entry, problem=exc.problem)
            ) from None
    return changes
