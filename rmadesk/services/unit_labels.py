"""The label of each decided unit: PNG/PDF files, ZPL for a thermal printer, or a system printer."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from rmadesk.domain.errors import UserError
from rmadesk.domain.model import AuthorizationView, OutcomeView
from rmadesk.labels.unit_label import LABEL_SIZES, UnitLabel, write_unit_label
from rmadesk.labels.zpl import unit_label_zpl
from rmadesk.store.disk import storage_problem
from rmadesk.text.i18n import _

_SAFE = re.compile(r"[^A-Za-z0-9_.-]+")


@dataclass(frozen=True)
class LabelDestination:
    """Where unit labels go.

    Attributes:
        kind: "folder" (PNG or PDF files to print by hand), "zpl" (ZPL II written to a device
            or file, e.g. /dev/usb/lp0 for a Zebra printer) or "printer" (a system printer by name).
        target: the folder, the device or file, or the printer's name.
    """

    kind: str
    target: str


def default_label_folder() -> Path:
    return Path(platformdirs.user_data_dir("rmadesk", appauthor=False)) / "labels"


def parse_destination(setting: str, folder: str = "") -> LabelDestination:
    """The label_printer setting: empty (files in the label folder), "zpl:DEVICE" or a printer name."""
    setting = setting.strip()
    if not setting:
        return LabelDestination("folder", folder or str(default_label_folder()))
    if setting.lower().startswith("zpl:"):
        target = setting[4:].strip()
        if not target:
            raise UserError(
                _("The label printer setting 'zpl:' needs a device or file, e.g. zpl:/dev/usb/lp0.")
            )
        return LabelDestination("zpl", target)
    return LabelDestination("printer", setting)


def unit_label_for(auth: AuthorizationView, outcome: OutcomeView, seq: int) -> UnitLabel:
    """The label of one decided unit: its LPN if it has one, else RMA-unit, as the barcode."""
    unit = next((u for u in auth.units if u.seq == seq), None)
    code = unit.lpn if unit is not None and unit.lpn else f"{auth.display_id}-{seq}"
    item = auth.item_of(unit)
    return UnitLabel(
        code=code,
        sku=item.sku,
        disposition=outcome.disposition.value,
        location=outcome.location,
        decided_on=outcome.decided_at.astimezone().date(),
        rma_text=_("{kind} {authorization} · unit {seq} of {count}").format(
            kind=auth.kind.value, authorization=auth.display_id, seq=seq, count=auth.quantity
        ),
        item_name=item.item_name,
    )


def label_file_name(label: UnitLabel, suffix: str = ".png") -> str:
    return f"{label.decided_on.isoformat()}_{_SAFE.sub('_', label.code)}{suffix}"


def produce_unit_label(label: UnitLabel, destination: LabelDestination, size: str = "4x2") -> Path:
    """Write the label for its destination; returns the file written (for a printer: the image to print).

    Raises UserError with a plain message when the folder or device cannot be written.
    """
    if size not in LABEL_SIZES:
        raise UserError(
            _("Unknown label size '{size}': use one of {sizes}.").format(
                size=size, sizes=", ".join(LABEL_SIZES)
            )
        )
    try:
        if destination.kind == "zpl":
            device = Path(destination.target)
            with device.open("a" if device.is_char_device() else "w", encoding="utf-8") as out:
                out.write(unit_label_zpl(label, size))
            return device
        folder = (
            Path(destination.target) if destination.kind == "folder" else default_label_folder() / "to-print"
        )
        folder.mkdir(parents=True, exist_ok=True)
        return write_unit_label(folder / label_file_name(label), label, size)
    except OSError as exc:
        raise UserError(
            _(
                "The unit label cannot be written to {target}: {reason}. "
                "The outcome is recorded; print the label later."
            ).format(target=destination.target, reason=storage_problem(exc))
        ) from exc
