"""Turning ORM rows into the frozen views the user interface receives, and the card's own query."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Row, Select, and_, bindparam, select
from sqlalchemy.exc import NoResultFound

from rmadesk.domain.model import (
    AuthorizationKind,
    AuthorizationView,
    Disposition,
    ItemView,
    Money,
    OutcomeView,
    UnitView,
)
from rmadesk.domain.policy import unit_amount
from rmadesk.store.models import Authorization, Outcome, ScanCode, Unit

_A = Authorization.__table__
_U = Unit.__table__
_O = Outcome.__table__
_S = ScanCode.__table__


def outcome_view(outcome: Outcome) -> OutcomeView:
    return OutcomeView(
        outcome_uid=outcome.outcome_uid,
        disposition=Disposition(outcome.disposition),
        restocked=outcome.restocked,
        location=outcome.location,
        reimbursement_total=outcome.reimbursement_total.quantize(Decimal("0.01")),
        currency=outcome.currency,
        inspector=outcome.inspector,
        bench=outcome.bench,
        decided_at=outcome.decided_at,
        recommended=Disposition(outcome.recommended) if outcome.recommended else None,
        override_reason=outcome.override_reason,
    )


def current_outcome(unit: Unit) -> Outcome | None:
    """The outcome of the unit's current attempt (earlier attempts were reversed)."""
    return next((o for o in unit.outcomes if o.attempt == unit.attempt), None)


def unit_view(unit: Unit) -> UnitView:
    outcome = current_outcome(unit)
    return UnitView(
        unit_id=unit.id,
        seq=unit.seq,
        lpn=unit.lpn,
        outcome=outcome_view(outcome) if outcome else None,
        comment=unit.marketplace_comment,
        item=item_view(unit),
    )


def item_view(unit: Unit) -> ItemView | None:
    """The item of a unit of a return's second or later item; None for the authorization's own."""
    if unit.item_seq is None or unit.item_seq == 1 or unit.item_sku is None:
        return None
    currency = unit.authorization.currency
    return ItemView(
        seq=unit.item_seq,
        sku=unit.item_sku,
        asin=unit.item_asin,
        item_name=unit.item_name or "",
        reason=unit.item_reason,
        unit_price=Money(unit.item_price, currency) if unit.item_price is not None else None,
        category=unit.item_category,
    )


def authorization_view(auth: Authorization) -> AuthorizationView:
    price = unit_amount(auth.order_amount, auth.order_quantity)
    tax = unit_amount(auth.tax_amount, auth.order_quantity)
    return AuthorizationView(
        auth_id=auth.id,
        kind=AuthorizationKind(auth.kind),
        rma_id=auth.rma_id,
        merchant_rma_id=auth.merchant_rma_id,
        order_id=auth.order_id,
        sku=auth.sku,
        asin=auth.asin,
        item_name=auth.item_name,
        quantity=auth.quantity,
        reason=auth.reason,
        customer_comment=auth.customer_comment,
        request_date=auth.request_date,
        in_policy=auth.in_policy,
        unit_price=Money(price, auth.currency) if price is not None else None,
        unit_tax=Money(tax, auth.currency) if tax is not None else None,
        currency=auth.currency,
        category=auth.category,
        status=auth.request_status,
        units=tuple(unit_view(u) for u in auth.units),
    )


# What the bench's card shows, in one statement: the authorization, each of its units (in order) and the
# outcome of each unit's current attempt, with the claim each unit carries. One row per unit (one row
# with empty unit columns for an authorization without units).
_CARD_COLUMNS = (
    _A.c.id,
    _A.c.kind,
    _A.c.rma_id,
    _A.c.merchant_rma_id,
    _A.c.order_id,
    _A.c.sku,
    _A.c.asin,
    _A.c.item_name,
    _A.c.quantity,
    _A.c.reason,
    _A.c.customer_comment,
    _A.c.request_date,
    _A.c.in_policy,
    _A.c.order_amount,
    _A.c.order_quantity,
    _A.c.tax_amount,
    _A.c.currency,
    _A.c.category,
    _A.c.request_status,
    _U.c.id.label("unit_id"),
    _U.c.seq,
    _U.c.lpn,
    _U.c.attempt,
    _U.c.marketplace_comment,
    _U.c.item_seq,
    _U.c.item_sku,
    _U.c.item_asin,
    _U.c.item_name.label("unit_item_name"),
    _U.c.item_reason,
    _U.c.item_price,
    _U.c.item_category,
    _U.c.claimed_by_bench,
    _U.c.claimed_by,
    _U.c.claim_expires_at,
    _O.c.outcome_uid,
    _O.c.disposition,
    _O.c.restocked,
    _O.c.location,
    _O.c.reimbursement_total,
    _O.c.currency.label("outcome_currency"),
    _O.c.inspector,
    _O.c.bench,
    _O.c.decided_at,
    _O.c.recommended,
    _O.c.override_reason,
)
_CARD_UNITS = _A.outerjoin(_U, _U.c.authorization_id == _A.c.id).outerjoin(
    _O, and_(_O.c.unit_id == _U.c.id, _O.c.attempt == _U.c.attempt)
)
# Built once, so that their compiled forms are reused from the engine's statement cache.
CARD = (
    select(*_CARD_COLUMNS).select_from(_CARD_UNITS).where(_A.c.id == bindparam("auth_id")).order_by(_U.c.seq)
)


def _card_by(code_column: Any) -> Select[Any]:
    """The card of every authorization a scan code names (``code_column`` = :code), each row with the
    scan code's row and the unit it names (an LPN's): the look-up behind a scan in one statement."""
    return (
        select(_S.c.id.label("code_row"), _S.c.unit_id.label("named_unit"), *_CARD_COLUMNS)
        .select_from(_S.join(_CARD_UNITS, _A.c.id == _S.c.authorization_id))
        .where(code_column == bindparam("code"))
        .order_by(_A.c.id, _S.c.id, _U.c.seq)
    )


CARD_BY_CODE = _card_by(_S.c.code)
CARD_BY_FOLDED = _card_by(_S.c.code_folded)


def read_card(connection: Connection, auth_id: int) -> Sequence[Row[Any]]:
    """The rows of ``CARD`` for one authorization; NoResultFound when it does not exist."""
    rows = connection.execute(CARD, {"auth_id": auth_id}).all()
    if not rows:
        raise NoResultFound(f"No authorization {auth_id}")
    return rows


def card_unit_views(rows: Sequence[Row[Any]]) -> tuple[UnitView, ...]:
    """The units of card rows, as ``unit_view`` makes them of ORM units."""
    units = []
    for r in rows:
        if r.unit_id is None:
            continue
        outcome = None
        if r.outcome_uid is not None:
            outcome = OutcomeView(
                outcome_uid=r.outcome_uid,
                disposition=Disposition(r.disposition),
                restocked=r.restocked,
                location=r.location,
                reimbursement_total=r.reimbursement_total.quantize(Decimal("0.01")),
                currency=r.outcome_currency,
                inspector=r.inspector,
                bench=r.bench,
                decided_at=r.decided_at,
                recommended=Disposition(r.recommended) if r.recommended else None,
                override_reason=r.override_reason,
            )
        item = None
        if not (r.item_seq is None or r.item_seq == 1 or r.item_sku is None):
            item = ItemView(
                seq=r.item_seq,
                sku=r.item_sku,
                asin=r.item_asin,
                item_name=r.unit_item_name or "",
                reason=r.item_reason,
                unit_price=Money(r.item_price, r.currency) if r.item_price is not None else None,
                category=r.item_category,
            )
        units.append(
            UnitView(
                unit_id=r.unit_id,
                seq=r.seq,
                lpn=r.lpn,
                outcome=outcome,
                comment=r.marketplace_comment,
                item=item,
            )
        )
    return tuple(units)


def card_view(rows: Sequence[Row[Any]]) -> AuthorizationView:
    """The authorization of card rows (``read_card``), equal to what ``authorization_view`` makes of the
    same authorization loaded with its units and their outcomes."""
    a = rows[0]
    price = unit_amount(a.order_amount, a.order_quantity)
    tax = unit_amount(a.tax_amount, a.order_quantity)
    return AuthorizationView(
        auth_id=a.id,
        kind=AuthorizationKind(a.kind),
        rma_id=a.rma_id,
        merchant_rma_id=a.merchant_rma_id,
        order_id=a.order_id,
        sku=a.sku,
        asin=a.asin,
        item_name=a.item_name,
        quantity=a.quantity,
        reason=a.reason,
        customer_comment=a.customer_comment,
        request_date=a.request_date,
        in_policy=a.in_policy,
        unit_price=Money(price, a.currency) if price is not None else None,
        unit_tax=Money(tax, a.currency) if tax is not None else None,
        currency=a.currency,
        category=a.category,
        status=a.request_status,
        units=card_unit_views(rows),
    )
