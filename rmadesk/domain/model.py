"""Enums and frozen dataclasses that cross from the services to the user interface."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from rmadesk.text.formatting import money
from rmadesk.text.i18n import N_, _

if TYPE_CHECKING:
    from rmadesk.domain.photos import Photo


@dataclass(frozen=True)
class _DispositionTraits:
    label: str
    meaning: str
    command: str
    key: str
    location_setting: str
    colour_role: str


class Disposition(enum.StrEnum):
    """What the inspector decided for one returned unit, and everything a disposition is known by.

    Attributes:
        label: its name on screen and on paper, in the language in force.
        meaning: one line saying what it means for the unit (the bench sheet's subtitle).
        command: the code on the bench's command sheet that chooses it.
        key: the bench's keyboard shortcut.
        location_setting: the name of the ``Settings`` field that says where such units go.
        colour_role: a name ("ok", "claim", "fault") that the screen and PDF styles map to a colour.
    """

    SELLABLE = (
        "sellable",
        _DispositionTraits(
            label=N_("Sellable"),
            meaning=N_("Unit goes back to stock"),
            command="CMD-SELLABLE",
            key="F5",
            location_setting="restock_location",
            colour_role="ok",
        ),
    )
    CARRIER_DAMAGED = (
        "carrier_damaged",
        _DispositionTraits(
            label=N_("Carrier-damaged"),
            meaning=N_("Damaged in transit: claim from the carrier"),
            command="CMD-CARRIER-DAMAGED",
            key="F6",
            location_setting="carrier_damaged_location",
            colour_role="claim",
        ),
    )
    SELLER_FAULT = (
        "seller_fault",
        _DispositionTraits(
            label=N_("Seller-fault"),
            meaning=N_("Wrong or faulty item sent by us"),
            command="CMD-SELLER-FAULT",
            key="F7",
            location_setting="seller_fault_location",
            colour_role="fault",
        ),
    )

    def __new__(cls, value: str, traits: _DispositionTraits) -> Disposition:
        member = str.__new__(cls, value)
        member._value_ = value
        member._traits = traits
        return member

    _traits: _DispositionTraits

    @property
    def label(self) -> str:
        return _(self._traits.label)

    @property
    def english_label(self) -> str:
        """The label as written in the source, for files other software reads (CSV headers)."""
        return self._traits.label

    @property
    def meaning(self) -> str:
        return _(self._traits.meaning)

    @property
    def command(self) -> str:
        return self._traits.command

    @property
    def key(self) -> str:
        return self._traits.key

    @property
    def location_setting(self) -> str:
        return self._traits.location_setting

    @property
    def colour_role(self) -> str:
        return self._traits.colour_role


class AuthorizationKind(enum.StrEnum):
    """Kinds of authorization that users mix up and the app keeps apart."""

    RMA = "RMA"
    RA = "RA"
    RGA = "RGA"
    RETURNLESS = "RETURNLESS"


class AuthorizationSource(enum.StrEnum):
    """Where an authorization came from."""

    MFN_REPORT = "mfn_report"
    FBA_REPORT = "fba_report"
    SELLER_ISSUED = "seller_issued"
    DEMO = "demo"


@dataclass(frozen=True)
class Money:
    """An amount of money in one currency."""

    amount: Decimal
    currency: str

    def __str__(self) -> str:
        return money(self.amount, self.currency)


@dataclass(frozen=True)
class ItemView:
    """One item of a return: what its units are, as the card shows them and the policy values them.

    Attributes:
        seq: the item's number in its return, 1-based (an RMA may cover several items).
    """

    seq: int
    sku: str
    asin: str | None
    item_name: str
    reason: str | None
    unit_price: Money | None
    category: str | None


@dataclass(frozen=True)
class UnitView:
    """One returned unit of an authorization, and its recorded outcome if any.

    Attributes:
        unit_id: database id of the unit.
        seq: position of the unit in its authorization, 1-based.
        outcome: the recorded outcome, or None while undecided.
        comment: the customer's comment on this unit (the FBA report has one per license plate).
        item: the item this unit is of, when it is not its authorization's first (None: the first).
    """

    unit_id: int
    seq: int
    lpn: str | None = None
    outcome: OutcomeView | None = None
    comment: str | None = None
    item: ItemView | None = None

    @property
    def decided(self) -> bool:
        return self.outcome is not None


@dataclass(frozen=True)
class AuthorizationView:
    """An authorization as the bench shows it."""

    auth_id: int
    kind: AuthorizationKind
    rma_id: str | None
    merchant_rma_id: str | None
    order_id: str
    sku: str
    asin: str | None
    item_name: str
    quantity: int
    reason: str | None
    customer_comment: str | None
    request_date: date | None
    in_policy: bool | None
    unit_price: Money | None
    unit_tax: Money | None
    category: str | None
    status: str | None
    units: tuple[UnitView, ...] = ()
    currency: str = "USD"

    @property
    def display_id(self) -> str:
        return self.rma_id or self.merchant_rma_id or f"{self.order_id} / {self.sku}"

    @property
    def first_item(self) -> ItemView:
        """The item the authorization's own fields describe."""
        return ItemView(1, self.sku, self.asin, self.item_name, self.reason, self.unit_price, self.category)

    @property
    def items(self) -> tuple[ItemView, ...]:
        """Every item of the return, in order: the first, then those its units name."""
        found = {1: self.first_item}
        for unit in self.units:
            if unit.item is not None:
                found.setdefault(unit.item.seq, unit.item)
        return tuple(found[seq] for seq in sorted(found))

    def item_of(self, unit: UnitView | None) -> ItemView:
        """The item a unit is of (the first item for none)."""
        return unit.item if unit is not None and unit.item is not None else self.first_item

    def units_of(self, item: ItemView) -> tuple[UnitView, ...]:
        return tuple(u for u in self.units if self.item_of(u).seq == item.seq)

    @property
    def next_undecided(self) -> UnitView | None:
        return next((u for u in self.units if not u.decided), None)

    @property
    def all_decided(self) -> bool:
        return all(u.decided for u in self.units)


@dataclass(frozen=True)
class ReimbursementLine:
    """One component of a reimbursement, e.g. the sale price or a part of the referral fee."""

    component: str
    label: str
    amount: Decimal


@dataclass(frozen=True)
class Reimbursement:
    """What the policy says the seller is owed for one unit."""

    currency: str
    lines: tuple[ReimbursementLine, ...]
    policy_name: str

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))


@dataclass(frozen=True)
class OutcomePreview:
    """Where a unit would go and what it would earn, before it is written."""

    disposition: Disposition
    restocked: bool
    location: str
    reimbursement: Reimbursement


@dataclass(frozen=True)
class OutcomeView:
    """A recorded outcome of one unit."""

    outcome_uid: str
    disposition: Disposition
    restocked: bool
    location: str
    reimbursement_total: Decimal
    currency: str
    inspector: str
    bench: str
    decided_at: datetime
    recommended: Disposition | None = None
    override_reason: str | None = None


@dataclass(frozen=True)
class Decision:
    """The inspector's decision for one unit, minted on the bench before it is written.

    Attributes:
        outcome_uid: id minted on the bench; writing the same decision twice is harmless.
        answers: the walk-through answers, question key to yes/no.
        scanned_at: when the unit's inspection began (for time per unit).
        decided_at: when the inspector confirmed, if earlier than the write (kept on the bench
            during an outage); None means now.
        photos: the photos of the unit, in the order taken, written with the outcome.
    """

    outcome_uid: str
    unit_id: int
    disposition: Disposition
    inspector: str
    bench: str
    recommended: Disposition | None = None
    override_reason: str | None = None
    answers: dict[str, bool] = field(default_factory=dict)
    scanned_at: datetime | None = None
    decided_at: datetime | None = None
    photos: tuple[Photo, ...] = ()
