"""Issuing the seller's own RMA numbers for out-of-policy returns, and their slips."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from rmadesk.domain.errors import UserError
from rmadesk.domain.model import AuthorizationKind, AuthorizationSource
from rmadesk.domain.people import Actor, Permission, check_length
from rmadesk.domain.rma_ids import new_rma_id
from rmadesk.domain.scan import fold_code
from rmadesk.labels.slip import SlipData, SlipItem, write_slip
from rmadesk.services.access import authorize
from rmadesk.store import auth_status
from rmadesk.store.disk import storage_problem
from rmadesk.store.models import AuditEvent, Authorization, ScanCode, Unit
from rmadesk.store.types import utcnow
from rmadesk.store.uow import Store
from rmadesk.text.i18n import _

ISSUABLE_KINDS = (AuthorizationKind.RMA, AuthorizationKind.RA, AuthorizationKind.RGA)
MAX_QUANTITY = 999
_TRIES = 5


@dataclass(frozen=True)
class IssueRequest:
    """What the person approving an out-of-policy return fills in."""

    order_id: str
    sku: str
    quantity: int
    reason: str
    kind: str = "RMA"
    item_name: str = ""
    customer_comment: str = ""


@dataclass(frozen=True)
class Issued:
    """A new seller-issued authorization."""

    rma_id: str
    auth_id: int
    kind: str
    slip: SlipData


def _checked(request: IssueRequest) -> IssueRequest:
    order_id, sku, reason = request.order_id.strip(), request.sku.strip(), request.reason.strip()
    if not order_id:
        raise UserError(_("Give the order ID of the return."))
    if not sku:
        raise UserError(_("Give the SKU of the returned item."))
    if not reason:
        raise UserError(_("Give the reason the return is approved."))
    if not 1 <= request.quantity <= MAX_QUANTITY:
        raise UserError(_("The quantity must be a whole number from 1 to {most}.").format(most=MAX_QUANTITY))
    for value, column, what in (
        (order_id, Authorization.order_id, _("The order ID “{value}”")),
        (sku, Authorization.sku, _("The SKU “{value}”")),
        (reason, Authorization.reason, _("The reason “{value}”")),
    ):
        check_length(value, column.type.length, what)
    kind = request.kind.strip().upper()
    if kind not in {k.value for k in ISSUABLE_KINDS}:
        raise UserError(_("The kind must be RMA, RA or RGA, not “{kind}”.").format(kind=request.kind))
    return IssueRequest(
        order_id=order_id,
        sku=sku,
        quantity=request.quantity,
        reason=reason,
        kind=kind,
        item_name=request.item_name.strip(),
        customer_comment=request.customer_comment.strip(),
    )


def issue_rma(
    store: Store, request: IssueRequest, *, actor: Actor, rng: random.Random | None = None
) -> Issued:
    """Authorize an out-of-policy return under a new, unique, check-charactered ID.

    Details known from an imported authorization of the same order and SKU (item name, ASIN,
    price) are copied, so the bench shows the same card and the policy has a price.
    """
    authorize(store, actor, Permission.ISSUE)
    request = _checked(request)
    for _attempt in range(_TRIES):
        rma_id = new_rma_id(request.kind, rng)
        try:
            return _insert(store, request, rma_id, actor=actor.name, bench=actor.bench)
        except IntegrityError:
            continue  # the ID was taken: draw another
    raise UserError(_("No free RMA number could be drawn; try again."))


def _insert(store: Store, request: IssueRequest, rma_id: str, *, actor: str, bench: str) -> Issued:
    now = utcnow()
    with store.unit_of_work() as session:
        known = session.execute(
            select(
                Authorization.item_name,
                Authorization.asin,
                Authorization.order_amount,
                Authorization.order_quantity,
                Authorization.tax_amount,
                Authorization.currency,
                Authorization.category,
                Authorization.order_date,
            )
            .where(Authorization.order_id == request.order_id, Authorization.sku == request.sku)
            .order_by(Authorization.id.desc())
            .limit(1)
        ).first()
        item_name = request.item_name or (known.item_name if known else "")
        values = {
            "auth_key": rma_id,
            "kind": request.kind,
            "source": AuthorizationSource.SELLER_ISSUED.value,
            "merchant_rma_id": rma_id,
            "order_id": request.order_id,
            "sku": request.sku,
            "item_name": item_name,
            "quantity": request.quantity,
            "reason": request.reason,
            "customer_comment": request.customer_comment or None,
            "in_policy": False,
            "request_date": now.date(),
            "request_status": "Approved",
            "asin": known.asin if known else None,
            "order_amount": known.order_amount if known else None,
            "order_quantity": known.order_quantity if known else None,
            "tax_amount": known.tax_amount if known else None,
            "currency": known.currency if known else "USD",
            "category": known.category if known else None,
            "order_date": known.order_date if known else None,
            "issued_by": actor,
            "imported_at": now,
            "updated_at": now,
        }
        auth_id = session.execute(
            insert(Authorization).values(**values).returning(Authorization.id)
        ).scalar_one()
        session.execute(
            insert(Unit),
            [{"authorization_id": auth_id, "seq": n, "attempt": 0} for n in range(1, request.quantity + 1)],
        )
        session.execute(
            insert(ScanCode),
            [
                {
                    "code": rma_id,
                    "code_folded": fold_code(rma_id),
                    "code_kind": "merchant_rma",
                    "authorization_id": auth_id,
                },
                {
                    "code": request.order_id,
                    "code_folded": fold_code(request.order_id),
                    "code_kind": "order",
                    "authorization_id": auth_id,
                },
            ],
        )
        auth_status.refresh(session, [auth_id])
        session.add(
            AuditEvent(
                at=now,
                actor=actor,
                bench=bench,
                action="issue",
                entity="authorization",
                entity_key=rma_id,
                after=json.dumps(
                    {
                        "kind": request.kind,
                        "order_id": request.order_id,
                        "sku": request.sku,
                        "quantity": request.quantity,
                        "reason": request.reason,
                    },
                    sort_keys=True,
                ),
            )
        )
    slip = SlipData(
        rma_id=rma_id,
        kind=request.kind,
        order_id=request.order_id,
        items=(SlipItem(sku=request.sku, item_name=item_name or request.sku, quantity=request.quantity),),
        reason=request.reason,
        issued_on=now.astimezone().date(),
    )
    return Issued(rma_id=rma_id, auth_id=auth_id, kind=request.kind, slip=slip)


def save_slip(path: Path, slip: SlipData) -> Path:
    """Write the slip as PDF or PNG; a person-readable error when the file cannot be written."""
    try:
        return write_slip(path, slip)
    except OSError as exc:
        message = _("The slip cannot be written to {path}: {reason}.").format(
            path=path, reason=storage_problem(exc)
        )
        raise UserError(message) from exc
    except ValueError as exc:
        raise UserError(
            _("The slip cannot be written to {path}: {reason}").format(path=path, reason=exc)
        ) from exc
