from __future__ import annotations

from rmadesk.domain.model import Disposition
from rmadesk.ui.common.style import DISPOSITION_COLOURS, OK, ROLE_COLOURS


def test_every_disposition_colour_role_has_a_colour() -> None:
    assert {d.colour_role for d in Disposition} <= set(ROLE_COLOURS)
    assert DISPOSITION_COLOURS == {
        "sellable": OK,
        "carrier_damaged": "#9c4a00",
        "seller_fault": "#7b1fa2",
    }
