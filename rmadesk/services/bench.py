"""The inspection use cases: look up a scan, preview an outcome, record a decision."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Row, and_, bindparam, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from rmadesk.domain.errors import AmbiguousCode, NothingToDecide, UnknownCode, UserError
from rmadesk.domain.model import (
    AuthorizationView,
    Decision,
    Disposition,
    OutcomePreview,
    OutcomeView,
    UnitView,
)
from rmadesk.domain.photos import PhotoRule
from rmadesk.domain.policy import Policy, compute_reimbursement
from rmadesk.domain.rma_ids import looks_like_seller_id
from rmadesk.domain.rma_ids import validate as validate_seller_id
from rmadesk.domain.scan import fold_code, refuse_unreadable
from rmadesk.services.views import (
    CARD_BY_CODE,
    CARD_BY_FOLDED,
    card_view,
    outcome_view,
    read_card,
)
from rmadesk.settings import Settings
from rmadesk.store import auth_status, first_decision
from rmadesk.store.models import (
    AuditEvent,
    Authorization,
    Outcome,
    Photo,
    ReimbursementLineRow,
    StockMovement,
    Unit,
)
from rmadesk.store.types import utcnow
from rmadesk.store.uow import Store
from rmadesk.text.i18n import _


def new_outcome_uid() -> str:
    """An outcome id minted on the bench, so a retried commit is recognized, not doubled."""
    return uuid.uuid4().hex


@dataclass(frozen=True)
class Recorded:
    """A decision written to the database, and the authorization as it now stands.

    Attributes:
        outcome: the outcome written (or found, when the same decision was already written).
        authorization: the authorization after the write; its next undecided unit comes next.
        already_written: the same outcome id was written before (a retry); nothing was doubled.
        next_unit_id: the next unit, claimed for this bench when asked (claim_next).
        next_unit_message: why no next unit could be claimed (open on another bench).
    """

    outcome: OutcomeView
    authorization: AuthorizationView
    already_written: bool = False
    next_unit_id: int | None = None
    next_unit_message: str | None = None


MAX_CANDIDATES = 30


@dataclass(frozen=True)
class Candidate:
    """One of several authorizations a scan matched (an order with several returns, say)."""

    auth_id: int
    display_id: str
    sku: str
    item_name: str
    quantity: int
    decided: int
    kind: str


@dataclass(frozen=True)
class Found:
    """What a scan names.

    Attributes:
        authorization: the one authorization matched, or None when there are several.
        unit_id: the unit a license plate number names, else None.
        candidates: the authorizations to pick from when the code matched several.
    """

    code: str
    authorization: AuthorizationView | None = None
    unit_id: int | None = None
    candidates: tuple[Candidate, ...] = ()


class UnitClaimed(UserError):
    """Another bench holds the unit: its inspection is open there."""


def _held_elsewhere(unit: Unit | Row[Any], bench: str, who: str, now: datetime) -> bool:
    """Whether another bench (or person) holds the unit's claim: an ORM unit, or a card row."""
    return (
        unit.claimed_by_bench is not None
        and unit.claim_expires_at is not None
        and unit.claim_expires_at > now
        and (unit.claimed_by_bench, unit.claimed_by) != (bench, who)
    )


_UNIT = Unit.__table__
_OUTCOME = Outcome.__table__
# The claim's statements, built once so that each reuses its compiled form.
# A unit is claimed when it is free, its claim ran out, or this bench and person hold it already.
_CLAIM = (
    update(_UNIT)
    .where(
        _UNIT.c.id == bindparam("b_unit"),
        _UNIT.c.attempt == bindparam("b_attempt"),
        or_(
            _UNIT.c.claimed_by_bench.is_(None),
            _UNIT.c.claim_expires_at < bindparam("now", type_=_UNIT.c.claim_expires_at.type),
            and_(_UNIT.c.claimed_by_bench == bindparam("bench"), _UNIT.c.claimed_by == bindparam("who")),
        ),
    )
    .values(
        claimed_by_bench=bindparam("bench"),
        claimed_by=bindparam("who"),
        claim_expires_at=bindparam("expires", type_=_UNIT.c.claim_expires_at.type),
    )
)
_DECIDED = (
    select(func.count())
    .select_from(_OUTCOME)
    .where(_OUTCOME.c.unit_id == bindparam("b_unit"), _OUTCOME.c.attempt == bindparam("b_attempt"))
)
_CLAIM_OF = select(_UNIT.c.claimed_by_bench, _UNIT.c.claimed_by, _UNIT.c.claim_expires_at).where(
    _UNIT.c.id == bindparam("b_unit")
)


def _card_of(session: Session, auth_id: int) -> AuthorizationView:
    """The authorization as the bench shows it, read in the session's transaction in one statement."""
    return card_view(read_card(session.connection(), auth_id))


def _already_written(session: Session, outcome_uid: str) -> Recorded | None:
    """The outcome with this bench-minted id, when a retry finds it written already."""
    outcome = session.scalar(select(Outcome).where(Outcome.outcome_uid == outcome_uid))
    if outcome is None:
        return None
    return Recorded(outcome_view(outcome), _card_of(session, outcome.authorization_id), already_written=True)


def _unit_shown(auth: AuthorizationView, unit_id: int) -> UnitView:
    return next(u for u in auth.units if u.unit_id == unit_id)


def _decided(decision: Decision, preview: OutcomePreview) -> dict[str, object]:
    """The audit entry of a decision; its photos by their SHA-256 (the bytes are the photo rows')."""
    after: dict[str, object] = {
        "outcome_uid": decision.outcome_uid,
        "disposition": decision.disposition.value,
        "recommended": decision.recommended.value if decision.recommended else None,
        "override_reason": decision.override_reason,
        "location": preview.location,
        "reimbursement": str(preview.reimbursement.total),
        "currency": preview.reimbursement.currency,
    }
    if decision.photos:
        after["photos"] = [photo.sha256 for photo in decision.photos]
    return after


class BenchService:
    """Look-ups and decisions of one bench.

    Attributes:
        store: the database.
        policy: the reimbursement policy in force.
        settings: bench name and locations.
        photo_rule: how many photos each disposition needs: the policy's, with the bench's
            ``photos`` setting over it.
    """

    def __init__(self, store: Store, policy: Policy, settings: Settings) -> None:
        self.store = store
        self.policy = policy
        self.settings = settings
        self.photo_rule: PhotoRule = policy.photos.overridden(settings.photo_changes())

    def find(self, code: str) -> Found:
        """What a scanned identifier names: one authorization (and unit, for an LPN) or several.

        RMA IDs, Merchant RMA IDs, order IDs, tracking IDs and license plate numbers are all
        looked up. An exact match wins; otherwise a case-insensitive match, since Caps Lock
        flips case. Raises UnknownCode with a message for the inspector.
        """
        with self.store.one_statement() as connection:
            named = self._named(connection, code)
        if isinstance(named, Found):
            return named
        unit_id, rows = named
        return Found(code=code, authorization=card_view(rows), unit_id=unit_id)

    def _named(self, connection: Connection, code: str) -> Found | tuple[int | None, list[Row[Any]]]:
        """The LPN's unit and the card rows (``read_card``) of the one authorization the code names, or
        a Found with the candidates. Each statement is a whole look-up (``one_statement`` suffices)."""
        refuse_unreadable(code)  # NUL or a lone surrogate would fail in the database driver
        rows = connection.execute(CARD_BY_CODE, {"code": code}).all()
        if not rows:  # Caps Lock flips case
            rows = connection.execute(CARD_BY_FOLDED, {"code": fold_code(code)}).all()
        if not rows and looks_like_seller_id(code):
            validate_seller_id(code)  # a misread seller number is told so, not "unknown"
        if not rows:
            raise UnknownCode(
                _(
                    "No return authorization has the code “{code}”. Check that its returns report "
                    "was imported, or scan the RMA barcode on the return label."
                ).format(code=code)
            )
        auth_ids = sorted({row.id for row in rows})
        if len(auth_ids) > 1:
            return Found(code=code, candidates=self._candidates(connection, auth_ids))
        # A code on two of the authorization's code rows (an order ID that is its tracking ID too)
        # gives its units twice: the first code row's are the card.
        card = [row for row in rows if row.code_row == rows[0].code_row]
        unit_ids = {row.named_unit for row in rows if row.named_unit is not None}
        return (unit_ids.pop() if len(unit_ids) == 1 else None), card

    def lookup(self, code: str) -> AuthorizationView:
        """The one authorization a scanned identifier names; AmbiguousCode when it names several."""
        found = self.find(code)
        if found.authorization is None:
            listed = ", ".join(c.display_id for c in found.candidates[:6])
            raise AmbiguousCode(
                _(
                    "“{code}” matches {count} authorizations ({listed}). "
                    "Scan the RMA barcode of the return label instead."
                ).format(code=code, count=len(found.candidates), listed=listed)
            )
        return found.authorization

    @staticmethod
    def _candidates(connection: Connection, auth_ids: list[int]) -> tuple[Candidate, ...]:
        decided = (
            select(Unit.authorization_id, func.count(Outcome.id).label("decided"))
            .join(Outcome, (Outcome.unit_id == Unit.id) & (Outcome.attempt == Unit.attempt))
            .where(Unit.authorization_id.in_(auth_ids))
            .group_by(Unit.authorization_id)
            .subquery()
        )
        rows = connection.execute(
            select(
                Authorization.id,
                Authorization.rma_id,
                Authorization.merchant_rma_id,
                Authorization.order_id,
                Authorization.sku,
                Authorization.item_name,
                Authorization.quantity,
                Authorization.kind,
                func.coalesce(decided.c.decided, 0),
            )
            .outerjoin(decided, decided.c.authorization_id == Authorization.id)
            .where(Authorization.id.in_(auth_ids))
            .order_by(Authorization.request_date.desc(), Authorization.id)
            .limit(MAX_CANDIDATES)
        ).all()
        return tuple(
            Candidate(
                auth_id=r[0],
                display_id=r[1] or r[2] or f"{r[3]} / {r[4]}",
                sku=r[4],
                item_name=r[5],
                quantity=r[6],
                decided=r[8],
                kind=r[7],
            )
            for r in rows
        )

    def open(self, code: str, *, who: str, bench: str) -> Found:
        """Find what a scan names and claim the unit to inspect, so no other bench decides it too.

        The code is resolved in a read (an unknown code never waits for the write lock), then the
        authorization is read again in the transaction that claims its unit, as it stands then.
        """
        with self.store.one_statement() as connection:
            named = self._named(connection, code)
        if isinstance(named, Found):
            return named
        unit_id, rows = named  # the card is read again in the claim's transaction
        found = self.open_authorization(rows[0].id, who=who, bench=bench, prefer_unit=unit_id)
        return replace(found, code=code)

    def open_authorization(
        self, auth_id: int, *, who: str, bench: str, prefer_unit: int | None = None
    ) -> Found:
        """An authorization with the unit this bench has just claimed (or its outcomes, when decided)."""
        with self.store.connection(write=True) as connection:  # read and claim in one transaction
            rows = read_card(connection, auth_id)
            unit_id = self._claim_in(connection, rows, who, bench, prefer_unit)
            # The card shows no claim: the rows read before the claim are the authorization as it stands.
            view = card_view(rows)
        return Found(code="", authorization=view, unit_id=unit_id if unit_id else prefer_unit)

    def claim(self, auth_id: int, *, who: str, bench: str, prefer_unit: int | None = None) -> int | None:
        """Claim an undecided unit of the authorization for this bench (a lease that expires).

        The preferred unit (an LPN's) is tried first, then the others in order. Returns the unit
        claimed, None when the preferred unit is already decided; raises UnitClaimed naming the
        bench and person when every undecided unit is open elsewhere.
        """
        with self.store.connection(write=True) as connection:
            return self._claim_in(connection, read_card(connection, auth_id), who, bench, prefer_unit)

    def _claim_in(
        self,
        within: Session | Connection,
        card: Sequence[Row[Any]],
        who: str,
        bench: str,
        prefer_unit: int | None,
    ) -> int | None:
        """Claim a unit of the authorization whose card rows (``read_card``) were read in this
        transaction (of a session, or of a connection): the preferred unit first, then the others."""
        units = [row for row in card if row.unit_id is not None]
        if prefer_unit is not None:
            preferred = next((u for u in units if u.unit_id == prefer_unit), None)
            if preferred is not None and preferred.outcome_uid is not None:
                return None
            units.sort(key=lambda u: u.unit_id != prefer_unit)
        connection = within.connection() if isinstance(within, Session) else within
        # On SQLite the transaction holds the write lock from its BEGIN IMMEDIATE, before the card
        # was read: no other bench can have claimed or decided a unit since, so the rows read are
        # the units as they stand. PostgreSQL lets others write meanwhile: each claim is checked.
        locked = connection.dialect.name == "sqlite"
        now = utcnow()
        params = {
            "now": now,
            "bench": bench,
            "who": who,
            "expires": now + timedelta(minutes=self.settings.claim_minutes),
        }
        held: tuple[int, Row[Any]] | None = None  # (seq, claim) of a unit open on another bench
        for unit in units:
            if unit.outcome_uid is not None:
                continue
            key = {"b_unit": unit.unit_id, "b_attempt": unit.attempt}
            if locked:
                if connection.execute(_CLAIM, {**params, **key}).rowcount:
                    return int(unit.unit_id)
                if held is None and _held_elsewhere(unit, bench, who, utcnow()):
                    held = (unit.seq, unit)
                continue
            savepoint = within.begin_nested()
            taken = connection.execute(_CLAIM, {**params, **key}).rowcount
            # Another bench may have decided the unit while this statement waited for its lock:
            # a fresh look (a new snapshot on PostgreSQL) tells.
            decided_meanwhile = connection.execute(_DECIDED, key).scalar()
            if taken and not decided_meanwhile:
                savepoint.commit()
                return int(unit.unit_id)
            savepoint.rollback()
            if not decided_meanwhile and held is None:
                claim = connection.execute(_CLAIM_OF, key).one()
                if _held_elsewhere(claim, bench, who, utcnow()):
                    held = (unit.seq, claim)  # open on another bench (one decided meanwhile is skipped)
        if held is None:
            return None
        first = card[0]
        seq, claim = held
        raise self._claimed_elsewhere(
            first.rma_id or first.merchant_rma_id or first.order_id, first.quantity, seq, claim
        )

    def release(self, unit_id: int, *, who: str, bench: str) -> None:
        """Give up this bench's claim on a unit (cancelled, or the bench closes)."""
        with self.store.unit_of_work() as session:
            session.execute(
                update(Unit)
                .where(Unit.id == unit_id, Unit.claimed_by_bench == bench, Unit.claimed_by == who)
                .values(claimed_by_bench=None, claimed_by=None, claim_expires_at=None)
                .execution_options(synchronize_session=False)
            )

    @staticmethod
    def _claimed_elsewhere(label: str, quantity: int, seq: int, unit: Unit | Row[Any]) -> UnitClaimed:
        """Unit ``seq`` of an authorization, held by another bench: ``unit`` carries its claim."""
        until = unit.claim_expires_at.astimezone().strftime("%H:%M") if unit.claim_expires_at else "?"
        return UnitClaimed(
            _(
                "{label}: unit {seq} of {quantity} "
                "is open on bench {bench} ({person}). "
                "Finish it there, or wait until {until} when the claim runs out."
            ).format(
                label=label,
                seq=seq,
                quantity=quantity,
                bench=unit.claimed_by_bench,
                person=unit.claimed_by,
                until=until,
            )
        )

    def ping(self) -> None:
        """Raise DatabaseUnavailable unless the database answers."""
        with self.store.read() as session:
            session.execute(select(1))

    def refresh(self, auth_id: int) -> AuthorizationView:
        with self.store.one_statement() as connection:
            return card_view(read_card(connection, auth_id))

    def cannot_value(self, auth: AuthorizationView) -> str | None:
        """Why the policy cannot value a decision on this return (no terms for its currency), or None."""
        if auth.currency.upper() in self.policy.markets:
            return None
        return _(
            "{display_id} is in {currency}, and the policy “{policy}” has no terms for {currency} (it has "
            "{known}), so no decision on it can be valued. Nothing was written: ask a supervisor to add "
            "a [markets.{currency}] section to the policy, then scan it again."
        ).format(
            display_id=auth.display_id,
            currency=auth.currency,
            policy=self.policy.name,
            known=", ".join(sorted(self.policy.markets)),
        )

    def preview(
        self, auth: AuthorizationView, disposition: Disposition, unit: UnitView | None = None
    ) -> OutcomePreview:
        """Where the unit would go and what the policy says it earns (by its item's price and category)."""
        item = auth.item_of(unit)
        price = item.unit_price.amount if item.unit_price else Decimal("0")
        # The report gives tax for the authorization's own item only.
        tax = auth.unit_tax.amount if auth.unit_tax and item.seq == 1 else Decimal("0")
        reimbursement = compute_reimbursement(
            self.policy,
            disposition,
            currency=auth.currency,
            unit_price=price,
            unit_tax=tax,
            category=item.category,
        )
        return OutcomePreview(
            disposition=disposition,
            restocked=disposition is Disposition.SELLABLE,
            location=self.settings.location_for(disposition),
            reimbursement=reimbursement,
        )

    def record(self, decision: Decision, *, claim_next: bool = False, from_journal: bool = False) -> Recorded:
        """Write the outcome, its stock movement, its reimbursement lines and an audit entry at once.

        Writing a decision whose outcome id is already in the database returns that outcome
        (a retry); a unit decided by anyone else raises NothingToDecide.
        """
        try:
            return self._record(decision, claim_next, from_journal)
        except IntegrityError:
            # Another bench (or an earlier try of this one) won the race for this unit.
            return self._after_conflict(decision)

    def _record(self, decision: Decision, claim_next: bool, from_journal: bool) -> Recorded:
        with self.store.unit_of_work() as session:
            written = _already_written(session, decision.outcome_uid)
            if written is not None:
                return written
            unit_stmt = select(Unit).where(Unit.id == decision.unit_id)
            if session.get_bind().dialect.name == "postgresql":
                unit_stmt = unit_stmt.with_for_update()
            unit = session.scalar(unit_stmt)
            if unit is None:
                raise UserError(_("This unit no longer exists in the database. Scan the RMA again."))
            auth = session.get_one(Authorization, unit.authorization_id)
            auth_view = _card_of(session, auth.id)
            shown = _unit_shown(auth_view, unit.id)
            if shown.outcome is not None:
                raise self._already_decided(auth, unit.seq, shown.outcome)
            now = utcnow()
            # A decision kept on the bench during an outage was made while this bench held the
            # unit; its claim may have run out since, but the unit was decided all the same.
            if not from_journal and _held_elsewhere(unit, decision.bench, decision.inspector, now):
                raise self._claimed_elsewhere(auth.label, auth.quantity, unit.seq, unit)
            preview = self.preview(auth_view, decision.disposition, shown)
            outcome = Outcome(
                outcome_uid=decision.outcome_uid,
                unit_id=unit.id,
                authorization_id=auth.id,
                attempt=unit.attempt,
                disposition=decision.disposition.value,
                recommended=decision.recommended.value if decision.recommended else None,
                override_reason=decision.override_reason,
                answers=json.dumps(decision.answers, sort_keys=True) if decision.answers else None,
                restocked=preview.restocked,
                location=preview.location,
                currency=preview.reimbursement.currency,
                reimbursement_total=preview.reimbursement.total,
                policy_name=preview.reimbursement.policy_name,
                inspector=decision.inspector,
                bench=decision.bench,
                scanned_at=decision.scanned_at,
                decided_at=decision.decided_at or now,
            )
            outcome.lines = [
                ReimbursementLineRow(
                    component=line.component, amount=line.amount, currency=preview.reimbursement.currency
                )
                for line in preview.reimbursement.lines
            ]
            outcome.movements = [
                StockMovement(
                    sku=unit.item_sku or auth.sku,
                    quantity=1,
                    location=preview.location,
                    sellable=preview.restocked,
                    moved_at=now,
                )
            ]
            session.add(outcome)
            if auth.arrived_at is None:
                auth.arrived_at = decision.scanned_at or now
            unit.claimed_by = unit.claimed_by_bench = unit.claim_expires_at = None
            unit.decided_at = outcome.decided_at
            session.add(
                AuditEvent(
                    at=now,
                    actor=decision.inspector,
                    bench=decision.bench,
                    action="decide",
                    entity="unit",
                    entity_key=f"{auth.auth_key}#{unit.seq}",
                    before=None,
                    after=json.dumps(_decided(decision, preview), sort_keys=True),
                )
            )
            session.flush()
            # The photos go in with the outcome, in its transaction: an outcome never stands without
            # the evidence it was confirmed with.
            session.add_all(
                Photo(
                    outcome_id=outcome.id,
                    position=position,
                    jpeg=photo.jpeg,
                    thumbnail=photo.thumbnail,
                    sha256=photo.sha256,
                    width=photo.width,
                    height=photo.height,
                    byte_size=len(photo.jpeg),
                    taken_by=photo.taken_by,
                    taken_at=photo.taken_at,
                    bench=photo.bench,
                    source=photo.source,
                )
                for position, photo in enumerate(decision.photos, start=1)
            )
            first_decision.mark(session, outcome.id, auth.id)
            auth_status.refresh(session, [auth.id])
            session.flush()  # the photos too: the card below is read through the session's connection
            fresh = read_card(session.connection(), auth.id)
            next_unit_id, next_claim_message = None, None
            if claim_next:
                try:
                    next_unit_id = self._claim_in(session, fresh, decision.inspector, decision.bench, None)
                except UnitClaimed as exc:
                    next_claim_message = exc.message
            return Recorded(
                outcome_view(outcome),
                card_view(fresh),
                next_unit_id=next_unit_id,
                next_unit_message=next_claim_message,
            )

    def _after_conflict(self, decision: Decision) -> Recorded:
        with self.store.read() as session:
            written = _already_written(session, decision.outcome_uid)
            if written is not None:
                return written
            unit = session.get(Unit, decision.unit_id)
            if unit is None:
                raise UserError(_("This unit no longer exists in the database. Scan the RMA again."))
            done = _unit_shown(_card_of(session, unit.authorization_id), unit.id).outcome
            if done is None:
                raise UserError(_("The database refused the decision. Confirm again to retry."))
            raise self._already_decided(unit.authorization, unit.seq, done)

    @staticmethod
    def _already_decided(auth: Authorization, seq: int, done: OutcomeView) -> NothingToDecide:
        when = done.decided_at.astimezone().strftime("%Y-%m-%d %H:%M")
        return NothingToDecide(
            _(
                "Unit {seq} of {quantity} of {label} "
                "was already decided {disposition} by {inspector} "
                "on bench {bench} at {when}. Nothing was written."
            ).format(
                seq=seq,
                quantity=auth.quantity,
                label=auth.label,
                disposition=done.disposition.label.lower(),
                inspector=done.inspector,
                bench=done.bench,
                when=when,
            )
        )
