from __future__ import annotations

import dataclasses

import pytest

from rmadesk.domain.model import Disposition
from rmadesk.domain.scan import Command, parse_scan
from rmadesk.settings import Settings

SETTINGS_FIELDS = {f.name: f for f in dataclasses.fields(Settings)}


@pytest.mark.parametrize("disposition", list(Disposition))
def test_every_disposition_carries_all_it_is_known_by(disposition: Disposition) -> None:
    assert disposition.label.strip() and disposition.meaning.strip()
    assert disposition.command.startswith("CMD-")
    assert parse_scan(disposition.command.lower()).command.disposition is disposition
    assert disposition.key in {f"F{n}" for n in range(1, 13)}
    assert SETTINGS_FIELDS[disposition.location_setting].type == "str"
    assert Settings().location_for(disposition) == SETTINGS_FIELDS[disposition.location_setting].default
    assert disposition.colour_role.isidentifier()


@pytest.mark.parametrize("attribute", ["value", "label", "command", "key", "location_setting", "colour_role"])
def test_no_two_dispositions_share_a_name_code_key_location_or_colour(attribute: str) -> None:
    values = [getattr(d, attribute) for d in Disposition]
    assert len(set(values)) == len(values)


def test_the_bench_keeps_its_codes_keys_and_locations() -> None:
    assert [(d.value, d.label, d.command, d.key) for d in Disposition] == [
        ("sellable", "Sellable", "CMD-SELLABLE", "F5"),
        ("carrier_damaged", "Carrier-damaged", "CMD-CARRIER-DAMAGED", "F6"),
        ("seller_fault", "Seller-fault", "CMD-SELLER-FAULT", "F7"),
    ]
    settings = Settings(restock_location="A", carrier_damaged_location="B", seller_fault_location="C")
    assert [settings.location_for(d) for d in Disposition] == ["A", "B", "C"]


def test_only_the_disposition_commands_choose_a_disposition() -> None:
    chosen = {c: c.disposition for c in Command if c.disposition is not None}
    assert chosen == {Command(d.command): d for d in Disposition}
    assert Command.CONFIRM.disposition is None and Command.CANCEL.disposition is None
