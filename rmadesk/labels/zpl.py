"""ZPL II for the unit label, for Zebra-type thermal printers, from the same layout as the PNG and PDF."""

from __future__ import annotations

import re

from rmadesk.labels.unit_label import BarcodeField, BoxField, LabelPlan, TextField, UnitLabel, plan_unit_label

# ^ starts a format command and ~ a control command (~JA cancels every queued label), so text fields carry
# them as ^FH hex escapes (_5E, _7E); the underscore, the escape character itself, becomes _5F.
_HEX_ESCAPES = {"^": "_5E", "~": "_7E", "_": "_5F"}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# In ^BC field data ">" starts a Code 128 invocation code, and ^ and ~ would end or break the format.
_BARCODE_FORBIDDEN = frozenset("^~>")
_ALIGN = {"left": "L", "center": "C", "right": "R"}


def _field_text(text: str, in_block: bool) -> str:
    """Text safe inside ^FH^FD...^FS: no control characters and no raw ^ or ~."""
    text = _CONTROL.sub(" ", text)
    if in_block:
        # Inside ^FB a backslash starts an escape (\& is a line break); \\ prints one backslash.
        text = text.replace("\\", "\\\\")
    return "".join(_HEX_ESCAPES.get(char, char) for char in text)


def _text(field: TextField) -> str:
    font = f"^A0N,{field.size},{field.size}"
    block = f"^FB{field.width},1,0,{_ALIGN[field.align]},0" if field.align != "left" else ""
    reverse = "^FR" if field.inverted else ""
    data = _field_text(field.text, in_block=bool(block))
    return f"^FO{field.x},{field.y}{font}{block}{reverse}^FH^FD{data}^FS"


def _box(field: BoxField) -> str:
    border = min(field.border, field.width, field.height)
    return f"^FO{field.x},{field.y}^GB{field.width},{field.height},{border},B,0^FS"


def _barcode(field: BarcodeField) -> str:
    forbidden = sorted(set(field.code) & _BARCODE_FORBIDDEN)
    if forbidden:
        raise ValueError(
            f"unit code {field.code!r} contains {forbidden[0]!r}, which a ZPL Code 128 field cannot carry"
        )
    return f"^FO{field.x},{field.y}^BY{field.module}^BCN,{field.height},N,N,N^FD{field.code}^FS"


def plan_zpl(plan: LabelPlan) -> str:
    """ZPL II for a laid-out label: one format from ^XA to ^XZ, UTF-8 text (^CI28)."""
    commands = ["^XA", "^CI28", f"^PW{plan.width}", f"^LL{plan.height}", "^LH0,0"]
    # Boxes first: ^FR text reverses whatever is already drawn under it, which must be the filled bar.
    commands += [_box(field) for field in plan.fields if isinstance(field, BoxField)]
    commands += [_barcode(field) for field in plan.fields if isinstance(field, BarcodeField)]
    commands += [_text(field) for field in plan.fields if isinstance(field, TextField)]
    commands.append("^XZ")
    return "\n".join(commands) + "\n"


def unit_label_zpl(label: UnitLabel, size: str = "4x2", dpi: int = 300) -> str:
    """ZPL II for the unit label at the printer's dpi (203, 300 or 600 dots per inch).

    Raises ValueError for what plan_unit_label refuses and for a code containing ^, ~ or >.
    """
    return plan_zpl(plan_unit_label(label, size, dpi))
