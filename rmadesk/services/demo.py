"""Demo authorizations and their printable barcode sheet, for a first run that works."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from rmadesk.domain.model import AuthorizationKind, AuthorizationSource
from rmadesk.domain.people import Actor, Permission
from rmadesk.labels.sheet import SheetEntry, command_entries, write_sheet
from rmadesk.services.access import authorize
from rmadesk.store.models import AuditEvent, Authorization, ScanCode, Unit
from rmadesk.store.types import utcnow
from rmadesk.store.uow import Store
from rmadesk.text.i18n import _, ngettext


@dataclass(frozen=True)
class DemoReturn:
    rma_id: str
    order_id: str
    sku: str
    asin: str
    item_name: str
    category: str | None
    quantity: int
    reason: str
    comment: str
    order_amount: Decimal
    order_quantity: int
    tax: Decimal
    in_policy: bool
    days_ago: int


DEMO_RETURNS = (
    DemoReturn(
        "DkQxRtLmRRMA",
        "114-3941689-8772232",
        "TSHIRT-BLU-L",
        "B0C7KX2M41",
        "Organic cotton T-shirt, blue, size L",
        None,
        1,
        "AMZ-PG-WJ-TOO-LARGE",
        "Fits much bigger than the size chart says.",
        Decimal("19.99"),
        1,
        Decimal("1.60"),
        True,
        2,
    ),
    DemoReturn(
        "DpHwNcVbRRMA",
        "113-2076551-4410617",
        "KETTLE-SS-17",
        "B09QWJ8RZT",
        "Stainless steel electric kettle 1.7 L",
        None,
        2,
        "AMZ-PG-DEFECTIVE",
        "One of the two does not switch on.",
        Decimal("79.98"),
        2,
        Decimal("6.40"),
        True,
        1,
    ),
    DemoReturn(
        "DsGtYuJkRRMA",
        "112-8831094-1167203",
        "BOOK-HOBBIT-HC",
        "0547928211",
        "The Hobbit (hardcover)",
        "books",
        1,
        "AMZ-PG-DAMAGED-BY-CARRIER",
        "The box arrived crushed and the cover is bent.",
        Decimal("24.50"),
        1,
        Decimal("0.00"),
        True,
        3,
    ),
    DemoReturn(
        "DzMbQeWfRRMA",
        "111-5520987-3309846",
        "HEADSET-BT-BLK",
        "B08L5NP6NG",
        "Bluetooth headset with charging case, black",
        None,
        1,
        "AMZ-PG-NOT-AS-DESCRIBED",
        "",
        Decimal("45.00"),
        1,
        Decimal("3.60"),
        False,
        5,
    ),
    DemoReturn(
        "DaLpKsOiRRMA",
        "114-0093312-7781120",
        "MUG-CER-WHT-2PK",
        "B07YD3LJ6K",
        "Ceramic mug, white, pack of 2",
        None,
        3,
        "AMZ-PG-UNWANTED-ITEM",
        "Ordered too many.",
        Decimal("38.97"),
        3,
        Decimal("3.12"),
        True,
        0,
    ),
)


def _values(demo: DemoReturn) -> dict[str, Any]:
    today = date.today()
    values: dict[str, Any] = {
        "auth_key": demo.rma_id,
        "kind": AuthorizationKind.RMA.value,
        "source": AuthorizationSource.DEMO.value,
        "rma_id": demo.rma_id,
        "order_id": demo.order_id,
        "order_date": today - timedelta(days=demo.days_ago + 12),
        "request_date": today - timedelta(days=demo.days_ago),
        "request_status": "Approved",
        "sku": demo.sku,
        "asin": demo.asin,
        "item_name": demo.item_name,
        "category": demo.category,
        "quantity": demo.quantity,
        "reason": demo.reason,
        "customer_comment": demo.comment or None,
        "in_policy": demo.in_policy,
        "currency": "USD",
        "order_amount": demo.order_amount,
        "order_quantity": demo.order_quantity,
        "tax_amount": demo.tax,
        "marketplace": "amazon.com",
    }
    values["source_hash"] = hashlib.sha256(
        json.dumps(values, sort_keys=True, default=str).encode()
    ).hexdigest()
    return values


def create_demo_data(store: Store, actor: Actor) -> tuple[list[str], int]:
    """Write the demo authorizations that are missing; returns (all demo RMA IDs, how many were added).

    Supervisors and admins only (it writes authorizations, as an import does); in the audit trail.
    """
    added = 0
    with store.unit_of_work() as session:
        authorize(session, actor, Permission.IMPORT)
        present = set(
            session.scalars(
                select(Authorization.auth_key).where(
                    Authorization.auth_key.in_([d.rma_id for d in DEMO_RETURNS])
                )
            )
        )
        now = utcnow()
        for demo in DEMO_RETURNS:
            if demo.rma_id in present:
                continue
            values = _values(demo)
            auth_id = session.execute(
                insert(Authorization)
                .values(**values, imported_at=now, updated_at=now)
                .returning(Authorization.id)
            ).scalar_one()
            session.execute(
                insert(Unit),
                [{"authorization_id": auth_id, "seq": n, "attempt": 0} for n in range(1, demo.quantity + 1)],
            )
            session.execute(
                insert(ScanCode),
                [
                    {
                        "code": demo.rma_id,
                        "code_folded": demo.rma_id.upper(),
                        "code_kind": "rma",
                        "authorization_id": auth_id,
                    },
                    {
                        "code": demo.order_id,
                        "code_folded": demo.order_id.upper(),
                        "code_kind": "order",
                        "authorization_id": auth_id,
                    },
                ],
            )
            added += 1
        if added:
            session.add(
                AuditEvent(
                    actor=actor.name,
                    bench=actor.bench,
                    action="demo_data",
                    entity="database",
                    entity_key=store.name,
                    after=json.dumps({"added": added}),
                )
            )
    return [d.rma_id for d in DEMO_RETURNS], added


def demo_sheet_entries() -> list[SheetEntry]:
    return [
        SheetEntry(
            code=d.rma_id,
            title=d.item_name,
            subtitle=ngettext(
                "{count} unit(s) · {sku} · order {order}",
                "{count} unit(s) · {sku} · order {order}",
                d.quantity,
            ).format(count=d.quantity, sku=d.sku, order=d.order_id),
        )
        for d in DEMO_RETURNS
    ]


def write_demo_sheet(path: Path, bench: str) -> list[Path]:
    """The printable sheet: the demo RMA barcodes and the bench's command codes."""
    return write_sheet(
        path,
        _("RMA Desk: demo returns and bench commands"),
        [
            (_("Demo return authorizations"), demo_sheet_entries()),
            (_("Bench commands"), list(command_entries())),
        ],
        footer=_("Bench {bench}. Scan an RMA, answer the questions, then scan CMD-CONFIRM.").format(
            bench=bench
        ),
    )
