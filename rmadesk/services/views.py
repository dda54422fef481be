"""Turning ORM rows into the frozen views the user interface receives."""

from __future__ import annotations

from decimal import Decimal

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
from rmadesk.store.models import Authorization, Outcome, Unit


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
