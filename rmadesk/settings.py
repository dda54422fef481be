"""Typed settings with defaults, declared once, read from a TOML file (no Qt)."""

from __future__ import annotations

import socket
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import platformdirs

from rmadesk.domain.errors import UserError
from rmadesk.domain.model import Disposition
from rmadesk.domain.photos import parse_photo_setting
from rmadesk.text.i18n import _


def settings_path() -> Path:
    """Where a bench keeps its settings file."""
    return Path(platformdirs.user_config_dir("rmadesk", appauthor=False)) / "settings.toml"


def default_bench_name() -> str:
    return socket.gethostname().split(".")[0] or "bench"


@dataclass(frozen=True)
class Settings:
    """The settings of one bench.

    Attributes:
        database_url: SQLAlchemy URL; empty means RMADESK_DATABASE_URL or the SQLite default.
        language: the display language ("en", "fa"); empty means the system's.
        bench: the name of this bench, written with every decision.
        policy: a packaged policy name ("default", "marketplace") or the path of a policy file.
        photos: DISPOSITION=N entries over the policy's [photos] table (empty: as the policy says).
        restock_location: where sellable returns go, apart from new stock.
        carrier_damaged_location: where units wait for the damage claim.
        seller_fault_location: where units wait for removal, disposal or an RGA.
        sounds: play accept and reject sounds.
        large_text_pt: the point size of the authorization card, at most (a smaller screen gets
            the size that fits it, rmadesk.ui.bench.window.fitted_points).
        label_printer: where unit labels go after each decision.
        label_folder: the folder of unit label files.
        label_size: the unit label's size.
        photo_folder: a folder whose new images are added to the unit open on the bench (a phone's
            uploads, say); empty: none.
        site: the site's name on reports.
        marketplace: the marketplace whose reports are imported (currency, numbers, encoding).
        claim_minutes: how long a bench's claim on an open unit lasts without being renewed.
        timezone, shifts: the site's time zone and shift windows for summaries.
        alert_share, alert_min_count: when one reason repeated on a SKU raises an alert.
        waiting_hours, waiting_days: which undecided returns count as waiting.
    """

    database_url: str = field(default="", metadata={"doc": "Database URL (SQLite file or PostgreSQL)"})
    language: str = field(
        default="", metadata={"doc": "Display language: en or fa (default: this computer's language)"}
    )
    digits: str = field(
        default="", metadata={"doc": "Digits on screen: latin or persian (default: the language's)"}
    )
    calendar: str = field(
        default="gregorian", metadata={"doc": "Dates on screen: gregorian or solar-hijri (files stay ISO)"}
    )
    bench: str = field(default_factory=default_bench_name, metadata={"doc": "Name of this bench"})
    policy: str = field(default="default", metadata={"doc": "Reimbursement policy name or file"})
    photos: tuple[str, ...] = field(
        default=(),
        metadata={
            "doc": "Photos a unit needs before it is confirmed, DISPOSITION=N over the policy's "
            "(e.g. carrier_damaged=3; empty: as the policy says)"
        },
    )
    restock_location: str = field(default="RETURNS-RESTOCK", metadata={"doc": "Sellable returns"})
    carrier_damaged_location: str = field(default="DAMAGED-CLAIM", metadata={"doc": "Carrier claims"})
    seller_fault_location: str = field(default="UNSELLABLE", metadata={"doc": "Seller-fault units"})
    sounds: bool = field(default=True, metadata={"doc": "Accept and reject sounds"})
    large_text_pt: int = field(
        default=20, metadata={"doc": "Card text size (points); smaller on a screen too small for it"}
    )
    label_printer: str = field(
        default="",
        metadata={"doc": "Unit labels: empty = files in label_folder, 'zpl:DEVICE', or a printer name"},
    )
    label_folder: str = field(
        default="", metadata={"doc": "Folder for unit label files (default: data folder)"}
    )
    label_size: str = field(default="4x2", metadata={"doc": "Unit label size: 4x2 or 2.25x1.25 (inches)"})
    photo_folder: str = field(
        default="", metadata={"doc": "Folder whose new images are added to the open unit (empty: none)"}
    )
    site: str = field(default="", metadata={"doc": "Site name on reports"})
    marketplace: str = field(
        default="", metadata={"doc": "Marketplace of imported reports: US, UK, DE, JP, IN, AE... (empty: US)"}
    )
    claim_minutes: int = field(default=15, metadata={"doc": "How long a bench holds a unit it opened"})
    idle_minutes: int = field(default=10, metadata={"doc": "Sign out a bench idle this long (with users)"})
    timezone: str = field(
        default="", metadata={"doc": "IANA time zone of the site (default: this computer's)"}
    )
    shifts: tuple[str, ...] = field(
        default=("early=06:00-14:00", "late=14:00-22:00", "night=22:00-06:00"),
        metadata={"doc": "Shift windows in local time, NAME=HH:MM-HH:MM (a shift may cross midnight)"},
    )
    alert_share: str = field(default="0.5", metadata={"doc": "Share of one reason that raises a SKU alert"})
    alert_min_count: int = field(default=5, metadata={"doc": "Returns of a SKU needed before it can alert"})
    waiting_hours: int = field(
        default=24, metadata={"doc": "Requested longer ago than this and undecided: waiting"}
    )
    waiting_days: int = field(
        default=0, metadata={"doc": "Only count waiting returns requested within N days (0: all)"}
    )

    def photo_changes(self) -> dict[Disposition, int]:
        """The ``photos`` entries, checked (UserError names a bad one)."""
        return parse_photo_setting(self.photos)

    def location_for(self, disposition: Disposition) -> str:
        location: str = getattr(self, disposition.location_setting)
        return location


def load_settings(path: Path | None = None, **overrides: Any) -> Settings:
    """Settings from the file (if any), then the given overrides (None values ignored)."""
    path = path or settings_path()
    values: dict[str, Any] = {}
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            message = _("The settings file {path} cannot be read: {reason}").format(path=path, reason=exc)
            raise UserError(message) from exc
        known = {f.name: f for f in fields(Settings)}
        for key, value in data.items():
            if key not in known:
                message = _("The settings file {path} has an unknown setting '{key}'.")
                raise UserError(message.format(path=path, key=key))
            values[key] = tuple(value) if isinstance(value, list) else value
    settings = Settings(**values)
    clean = {k: v for k, v in overrides.items() if v is not None}
    settings = replace(settings, **clean) if clean else settings
    settings.photo_changes()  # a bad photos entry is told at start, not at the first confirm
    return settings
