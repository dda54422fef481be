"""SQLAlchemy models of the shared RMA Desk database."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, validates

from rmadesk.domain.model import Disposition
from rmadesk.store.types import Money, UTCDateTime, utcnow

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# The stored spelling of each disposition; migrations keep the values they were written with.
DISPOSITIONS = tuple(d.value for d in Disposition)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Authorization(Base):
    """A return authorization: an RMA, RA, RGA or a returnless refund.

    ``auth_key`` is what makes a re-import harmless: the Amazon RMA ID, else the
    Merchant RMA ID, else order|sku|request date for a returnless refund.
    """

    __tablename__ = "return_authorization"

    id: Mapped[int] = mapped_column(primary_key=True)
    auth_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(12), default="RMA")
    source: Mapped[str] = mapped_column(String(20))
    rma_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    merchant_rma_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    order_id: Mapped[str] = mapped_column(String(64), index=True)
    order_date: Mapped[date | None] = mapped_column(Date)
    request_date: Mapped[date | None] = mapped_column(Date)
    request_status: Mapped[str | None] = mapped_column(String(40))
    tracking_id: Mapped[str | None] = mapped_column(String(64), index=True)
    carrier: Mapped[str | None] = mapped_column(String(40))
    sku: Mapped[str] = mapped_column(String(64), index=True)
    asin: Mapped[str | None] = mapped_column(String(20))
    item_name: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str | None] = mapped_column(String(40))
    quantity: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str | None] = mapped_column(String(80))
    customer_comment: Mapped[str | None] = mapped_column(Text)
    in_policy: Mapped[bool | None] = mapped_column(Boolean)
    return_type: Mapped[str | None] = mapped_column(String(40))
    resolution: Mapped[str | None] = mapped_column(String(40))
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    order_amount: Mapped[Decimal | None] = mapped_column(Money)
    order_quantity: Mapped[int | None] = mapped_column(Integer)
    tax_amount: Mapped[Decimal | None] = mapped_column(Money)
    marketplace: Mapped[str | None] = mapped_column(String(40))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    arrived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the first of its units was decided (cleared when no decision stands any more): the
    # moment the return is counted in the reasons of a summary (rmadesk.store.first_decision).
    first_decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    source_hash: Mapped[str | None] = mapped_column(String(64))
    fnsku: Mapped[str | None] = mapped_column(String(20))
    issued_by: Mapped[str | None] = mapped_column(String(80))
    # What the seller-fulfilled report says of the refund, the label and the claims (migration 0011).
    refunded_amount: Mapped[Decimal | None] = mapped_column(Money)
    return_delivery_date: Mapped[date | None] = mapped_column(Date)
    label_cost: Mapped[Decimal | None] = mapped_column(Money)
    label_paid_by: Mapped[str | None] = mapped_column(String(20))
    a_to_z_claim: Mapped[bool | None] = mapped_column(Boolean)
    safet_claim_id: Mapped[str | None] = mapped_column(String(40))
    safet_claim_state: Mapped[str | None] = mapped_column(String(40))
    safet_amount: Mapped[Decimal | None] = mapped_column(Money)
    # Kept by rmadesk.store.auth_status from the units and their outcomes (migration 0016), so that
    # the browser filters and sorts on them through indexes: the units whose current attempt is
    # decided, and the status as its position in auth_status.STATUSES.
    decided_units: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    status: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")

    units: Mapped[list[Unit]] = relationship(
        back_populates="authorization", order_by="Unit.seq", cascade="all, delete-orphan"
    )

    codes: Mapped[list[ScanCode]] = relationship(cascade="all, delete-orphan")

    @property
    def label(self) -> str:
        """How messages name the authorization: its RMA ID, else the Merchant RMA ID, else the order."""
        return self.rma_id or self.merchant_rma_id or self.order_id

    __table_args__ = (CheckConstraint("quantity >= 1", name="quantity_positive"),)


class ScanCode(Base):
    """Every identifier a scan may carry (RMA IDs, order, tracking, LPN), pointing at its authorization.

    ``code_folded`` is the upper-cased code: the fallback when Caps Lock flipped the case.
    """

    __tablename__ = "scan_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64))
    code_folded: Mapped[str] = mapped_column(String(64), index=True)
    code_kind: Mapped[str] = mapped_column(String(20))
    authorization_id: Mapped[int] = mapped_column(
        ForeignKey("return_authorization.id", ondelete="CASCADE"), index=True
    )
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id", ondelete="CASCADE"), index=True)

    __table_args__ = (UniqueConstraint("code", "code_kind", "authorization_id"),)


class Unit(Base):
    """One physical unit of an authorization.

    ``attempt`` counts reversals: an outcome is unique per (unit, attempt), so two
    benches, or a retried commit, can never record the same unit twice.
    ``claimed_*`` is the lease a bench takes while it inspects the unit.
    """

    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    authorization_id: Mapped[int] = mapped_column(ForeignKey("return_authorization.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    lpn: Mapped[str | None] = mapped_column(String(64), unique=True)
    attempt: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by_bench: Mapped[str | None] = mapped_column(String(64))
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    claim_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    marketplace_disposition: Mapped[str | None] = mapped_column(String(40))
    marketplace_reason: Mapped[str | None] = mapped_column(String(60))
    marketplace_status: Mapped[str | None] = mapped_column(String(40))
    marketplace_comment: Mapped[str | None] = mapped_column(Text)  # the FBA report's, per license plate
    # A unit of a return's second or later item (migration 0012); empty: the authorization's own item.
    item_seq: Mapped[int | None] = mapped_column(Integer)
    item_sku: Mapped[str | None] = mapped_column(String(64))
    item_asin: Mapped[str | None] = mapped_column(String(20))
    item_name: Mapped[str | None] = mapped_column(Text)
    item_reason: Mapped[str | None] = mapped_column(String(80))
    item_price: Mapped[Decimal | None] = mapped_column(Money)
    item_category: Mapped[str | None] = mapped_column(String(40))
    fulfillment_center: Mapped[str | None] = mapped_column(String(12))
    returned_on: Mapped[date | None] = mapped_column(Date)
    source_hash: Mapped[str | None] = mapped_column(String(64))
    # When the current attempt was decided (None: undecided); kept for fast "waiting" figures.
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    authorization: Mapped[Authorization] = relationship(back_populates="units")
    outcomes: Mapped[list[Outcome]] = relationship(back_populates="unit", order_by="Outcome.attempt")

    __table_args__ = (
        UniqueConstraint("authorization_id", "seq"),
        Index(
            "ix_unit_undecided",
            "authorization_id",
            sqlite_where=text("decided_at IS NULL"),
            postgresql_where=text("decided_at IS NULL"),
        ),
        # The few units of a return's further items, for the reasons per SKU (migration 0012).
        Index(
            "ix_unit_items",
            "authorization_id",
            "item_seq",
            sqlite_where=text("item_seq IS NOT NULL"),
            postgresql_where=text("item_seq IS NOT NULL"),
        ),
    )


class Outcome(Base):
    """The decision recorded for one unit, with its inventory movement and reimbursement."""

    __tablename__ = "outcome"

    id: Mapped[int] = mapped_column(primary_key=True)
    outcome_uid: Mapped[str] = mapped_column(String(40), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    # The unit's authorization, written with the outcome so reports need not join through units.
    authorization_id: Mapped[int | None] = mapped_column(ForeignKey("return_authorization.id"), index=True)
    attempt: Mapped[int] = mapped_column(Integer, default=0)
    disposition: Mapped[str] = mapped_column(String(20))
    recommended: Mapped[str | None] = mapped_column(String(20))
    override_reason: Mapped[str | None] = mapped_column(Text)
    answers: Mapped[str | None] = mapped_column(Text)
    restocked: Mapped[bool] = mapped_column(Boolean)
    location: Mapped[str] = mapped_column(String(40))
    currency: Mapped[str] = mapped_column(String(3))
    reimbursement_total: Mapped[Decimal] = mapped_column(Money)
    policy_name: Mapped[str] = mapped_column(String(40))
    inspector: Mapped[str] = mapped_column(String(80))
    user_id: Mapped[int | None] = mapped_column(Integer)
    bench: Mapped[str] = mapped_column(String(64))
    scanned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped[Unit] = relationship(back_populates="outcomes")
    lines: Mapped[list[ReimbursementLineRow]] = relationship(
        back_populates="outcome", cascade="all, delete-orphan"
    )
    movements: Mapped[list[StockMovement]] = relationship(
        back_populates="outcome", cascade="all, delete-orphan"
    )
    # Never loaded with the outcome: a photo's bytes are read only where they are shown or written out.
    photos: Mapped[list[Photo]] = relationship(
        back_populates="outcome", order_by="Photo.position", lazy="raise_on_sql", cascade="all"
    )

    __table_args__ = (
        UniqueConstraint("unit_id", "attempt"),
        CheckConstraint(f"disposition IN {DISPOSITIONS!r}", name="disposition_known"),
    )


class ReimbursementLineRow(Base):
    """One component of the reimbursement an outcome expects (sale price, fee part, tax...)."""

    __tablename__ = "reimbursement_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    outcome_id: Mapped[int] = mapped_column(ForeignKey("outcome.id", ondelete="CASCADE"), index=True)
    component: Mapped[str] = mapped_column(String(40))
    amount: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3))
    reversal_id: Mapped[int | None] = mapped_column(ForeignKey("outcome_reversal.id"))

    outcome: Mapped[Outcome] = relationship(back_populates="lines")


class StockMovement(Base):
    """A unit moved into a location: restock (kept apart from new stock) or a holding area."""

    __tablename__ = "stock_movement"

    id: Mapped[int] = mapped_column(primary_key=True)
    outcome_id: Mapped[int] = mapped_column(ForeignKey("outcome.id", ondelete="CASCADE"), index=True)
    sku: Mapped[str] = mapped_column(String(64), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    location: Mapped[str] = mapped_column(String(40))
    sellable: Mapped[bool] = mapped_column(Boolean)
    moved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reversal_id: Mapped[int | None] = mapped_column(ForeignKey("outcome_reversal.id"))

    outcome: Mapped[Outcome] = relationship(back_populates="movements")


class Photo(Base):
    """A photo of a unit, written with its outcome (the evidence of a claim); a reversal keeps it.

    ``jpeg`` is the stored image (orientation applied, metadata stripped, long side at most 2560 px)
    and ``sha256`` its hash; ``position`` orders the photos of one outcome from 1.
    """

    __tablename__ = "photo"

    id: Mapped[int] = mapped_column(primary_key=True)
    outcome_id: Mapped[int] = mapped_column(ForeignKey("outcome.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    jpeg: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    thumbnail: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    byte_size: Mapped[int] = mapped_column(Integer)
    taken_by: Mapped[str] = mapped_column(String(80))
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    bench: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(12))

    outcome: Mapped[Outcome] = relationship(back_populates="photos")

    __table_args__ = (
        UniqueConstraint("outcome_id", "position"),
        CheckConstraint("position >= 1", name="position_positive"),
        CheckConstraint("source IN ('camera', 'file', 'folder')", name="source_known"),
    )


AUDIT_KEY_LENGTH = 200


class AuditEvent(Base):
    """An append-only record of a change: who, on which bench, when, what, before and after."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(80))
    bench: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(40))
    entity_key: Mapped[str] = mapped_column(String(AUDIT_KEY_LENGTH))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)
    # The chain of the bench the event was written on (rmadesk.store.audit_chain): its place in
    # the chain, the hash of the event before it and its own. Empty on events from before 0013.
    chain: Mapped[str | None] = mapped_column(String(64))
    seq: Mapped[int | None] = mapped_column(Integer)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (Index("ux_audit_event_chain_seq", "chain", "seq", unique=True),)

    @validates("entity_key")
    def _key_fits(self, _key: str, value: str) -> str:
        """A key longer than its column (a file's long name) is shortened, alike on both databases;
        the event's ``after`` holds the whole of it where it matters."""
        most = AUDIT_KEY_LENGTH
        return value if len(value) <= most else value[: most - 1] + "…"


class AuditChain(Base):
    """The last link of each bench's audit chain, so that even a removed last event shows."""

    __tablename__ = "audit_chain"

    chain: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


class ImportBatch(Base):
    """One import of a report file, with what it did."""

    __tablename__ = "import_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(Text)
    report_kind: Mapped[str] = mapped_column(String(30))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(80))
    bench: Mapped[str] = mapped_column(String(64))
    rows_total: Mapped[int] = mapped_column(Integer)
    rows_added: Mapped[int] = mapped_column(Integer)
    rows_updated: Mapped[int] = mapped_column(Integer)
    rows_unchanged: Mapped[int] = mapped_column(Integer)
    rows_rejected: Mapped[int] = mapped_column(Integer)


class MarketplaceReimbursement(Base):
    """What the marketplace actually paid (FBA reimbursements report), to reconcile against claims."""

    __tablename__ = "marketplace_reimbursement"

    id: Mapped[int] = mapped_column(primary_key=True)
    row_key: Mapped[str] = mapped_column(String(200), unique=True)
    reimbursement_id: Mapped[str] = mapped_column(String(40), index=True)
    approval_date: Mapped[date | None] = mapped_column(Date)
    case_id: Mapped[str | None] = mapped_column(String(40))
    order_id: Mapped[str | None] = mapped_column(String(64), index=True)
    reason: Mapped[str | None] = mapped_column(String(60))
    sku: Mapped[str | None] = mapped_column(String(64), index=True)
    fnsku: Mapped[str | None] = mapped_column(String(20))
    asin: Mapped[str | None] = mapped_column(String(20))
    product_name: Mapped[str | None] = mapped_column(Text)
    condition: Mapped[str | None] = mapped_column(String(40))
    currency: Mapped[str | None] = mapped_column(String(3))
    amount_per_unit: Mapped[Decimal | None] = mapped_column(Money)
    quantity_cash: Mapped[int] = mapped_column(Integer, default=0)
    amount_total: Mapped[Decimal] = mapped_column(Money)
    quantity_inventory: Mapped[int] = mapped_column(Integer, default=0)
    quantity_total: Mapped[int] = mapped_column(Integer, default=0)
    original_reimbursement_id: Mapped[str | None] = mapped_column(String(40))
    original_reimbursement_type: Mapped[str | None] = mapped_column(String(40))
    source_hash: Mapped[str | None] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class User(Base):
    """A person who signs in with a badge and a PIN (stored as a slow salted hash)."""

    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    badge: Mapped[str] = mapped_column(String(64), unique=True)
    pin_hash: Mapped[str] = mapped_column(String(200))
    failed_pins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (CheckConstraint("role IN ('inspector', 'supervisor', 'admin')", name="role_known"),)


class OutcomeReversal(Base):
    """A supervisor's reversal of an outcome: a new compensating record, never an edit."""

    __tablename__ = "outcome_reversal"

    id: Mapped[int] = mapped_column(primary_key=True)
    reversal_uid: Mapped[str] = mapped_column(String(40), unique=True)
    outcome_id: Mapped[int] = mapped_column(ForeignKey("outcome.id"), unique=True)
    reason: Mapped[str] = mapped_column(Text)
    reversed_by: Mapped[str] = mapped_column(String(80))
    user_id: Mapped[int | None] = mapped_column(Integer)
    bench: Mapped[str] = mapped_column(String(64))
    reversed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
