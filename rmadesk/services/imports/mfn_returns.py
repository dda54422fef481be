"""Importing the seller-fulfilled (MFN) returns report: one authorization per row, upserted by its key."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from operator import attrgetter, itemgetter
from typing import Any

from sqlalchemy import Row, bindparam, delete, func, select
from sqlalchemy.orm import Session

from rmadesk.domain.model import AuthorizationKind, AuthorizationSource
from rmadesk.domain.policy import unit_amount
from rmadesk.formats.amazon.mfn_returns import SPEC, MfnReturn
from rmadesk.formats.marketplaces import Marketplace
from rmadesk.formats.spec import ReportRow, RowProblem
from rmadesk.services.imports.base import (
    AUTH,
    CODE,
    CODE_COLUMNS,
    STAMPS,
    UNIT,
    Progress,
    ReportImporter,
    code_rows,
    content_digest,
    folded,
    store_checks,
)
from rmadesk.store import bulk
from rmadesk.store.models import Authorization, Outcome, Unit
from rmadesk.store.types import utcnow
from rmadesk.text.i18n import _, ngettext

_A = Authorization
_MFN_CHECKS = store_checks(
    SPEC,
    {
        "order_id": _A.order_id,
        "amazon_rma_id": _A.rma_id,
        "merchant_rma_id": _A.merchant_rma_id,
        "return_request_status": _A.request_status,
        "tracking_id": _A.tracking_id,
        "return_carrier": _A.carrier,
        "sku": _A.sku,
        "asin": _A.asin,
        "item_name": _A.item_name,
        "reason": _A.reason,
        "customer_comment": _A.customer_comment,
        "return_type": _A.return_type,
        "resolution": _A.resolution,
        "currency": _A.currency,
        "quantity": _A.quantity,
        "order_quantity": _A.order_quantity,
        "order_amount": _A.order_amount,
        "category": _A.category,
        "label_paid_by": _A.label_paid_by,
        "safet_claim_id": _A.safet_claim_id,
        "safet_claim_state": _A.safet_claim_state,
        "refunded_amount": _A.refunded_amount,
        "label_cost": _A.label_cost,
        "safet_amount": _A.safet_amount,
    },
)


# The authorization columns of an MFN row, in the order of _mfn_values; the digest covers them all.
_MFN_COLUMNS = (
    "auth_key",
    "kind",
    "source",
    "rma_id",
    "merchant_rma_id",
    "order_id",
    "order_date",
    "request_date",
    "request_status",
    "tracking_id",
    "carrier",
    "sku",
    "asin",
    "item_name",
    "quantity",
    "reason",
    "customer_comment",
    "in_policy",
    "return_type",
    "resolution",
    "currency",
    "order_amount",
    "order_quantity",
    # Read since the reports gained them; a row without them keeps the digest it had before.
    "category",
    "refunded_amount",
    "return_delivery_date",
    "label_cost",
    "label_paid_by",
    "a_to_z_claim",
    "safet_claim_id",
    "safet_claim_state",
    "safet_amount",
)
_FIRST_COLUMNS = _MFN_COLUMNS.index("category")
_KEY, _MERCHANT, _QUANTITY, _STATUS = (
    _MFN_COLUMNS.index(name) for name in ("auth_key", "merchant_rma_id", "quantity", "request_status")
)
# How an authorization came to be (kind, source) stays when a report updates it: a seller-issued
# RGA keeps being one when the report later lists its Merchant RMA ID.
_MFN_UPDATABLE = tuple(
    index for index, name in enumerate(_MFN_COLUMNS) if name not in ("auth_key", "kind", "source")
)
_CODE_SOURCES = frozenset({"rma_id", "merchant_rma_id", "order_id", "tracking_id"})
_MFN_CODES = tuple(
    (kind, _MFN_COLUMNS.index(name))
    for kind, name in (
        ("rma", "rma_id"),
        ("merchant_rma", "merchant_rma_id"),
        ("order", "order_id"),
        ("tracking", "tracking_id"),
    )
)
_RMA = AuthorizationKind.RMA.value
_RETURNLESS = AuthorizationKind.RETURNLESS.value
_MFN_SOURCE = AuthorizationSource.MFN_REPORT.value


def _mfn_values(row: MfnReturn, currency: str) -> tuple[Any, ...]:
    return (
        row.key,
        _RMA if row.amazon_rma_id or row.merchant_rma_id else _RETURNLESS,
        _MFN_SOURCE,
        row.amazon_rma_id,
        row.merchant_rma_id,
        row.order_id,
        row.order_date,
        row.return_request_date,
        row.return_request_status,
        row.tracking_id,
        row.return_carrier,
        row.sku,
        row.asin,
        row.item_name or "",
        row.quantity,
        row.reason,
        row.customer_comment,
        row.in_policy,
        row.return_type,
        row.resolution,
        row.currency or currency,
        row.order_amount,
        row.order_quantity,
        row.category,
        row.refunded_amount,
        row.return_delivery_date,
        row.label_cost,
        row.label_paid_by,
        row.a_to_z_claim,
        row.safet_claim_id,
        row.safet_claim_state,
        row.safet_amount,
    )


_ITEM_COLUMNS = (
    "item_seq",
    "item_sku",
    "item_asin",
    "item_name",
    "item_reason",
    "item_price",
    "item_category",
    "marketplace_comment",
)


def _item_values(row: MfnReturn, number: int) -> tuple[Any, ...]:
    """The unit columns of one unit of a return's further item (number: its place in the return)."""
    return (
        number,
        row.sku,
        row.asin,
        row.item_name or "",
        row.reason,
        unit_amount(row.order_amount, row.order_quantity),
        row.category,
        row.customer_comment,
    )


def _digest(values: tuple[Any, ...]) -> str:
    later = values[_FIRST_COLUMNS:]
    return content_digest(values if any(value is not None for value in later) else values[:_FIRST_COLUMNS])


def _mfn_codes(values: tuple[Any, ...]) -> list[tuple[str, str | None]]:
    return [(kind, values[index]) for kind, index in _MFN_CODES]


@dataclass
class _MfnChange:
    row: MfnReturn
    values: tuple[Any, ...]
    digest: str
    old: Row[Any]


class MfnImporter(ReportImporter):
    """Upserts seller-fulfilled return rows by their key: one authorization per row."""

    checks = _MFN_CHECKS

    def __init__(self, session: Session, progress: Progress | None, market: Marketplace) -> None:
        super().__init__(session, progress, market)
        self.merchant_ids: dict[str, str] = {}  # Merchant RMA IDs this import gave out, to their keys
        self.items: dict[str, list[MfnReturn]] = defaultdict(list)  # a return's second and later items

    def storable(self, rows: Sequence[ReportRow]) -> list[Any]:
        """The rows the database can store; a return's further items are refused, each with its line.

        One RMA may list several items, one row each: the first row of a return in the file is its
        authorization, and the others are its further items (``self.items``), whose units follow.
        """
        first: dict[str, MfnReturn] = {}
        kept: list[MfnReturn] = []
        for row in sorted(super().storable(rows), key=attrgetter("line")):
            assert isinstance(row, MfnReturn)
            if row.order_quantity is not None and row.quantity > row.order_quantity:
                self.problems.append(
                    RowProblem(
                        row.line,
                        _(
                            "Return quantity {quantity} is more than the order quantity {ordered}: a return "
                            "cannot hold more units than were ordered"
                        ).format(quantity=row.quantity, ordered=row.order_quantity),
                    )
                )
                continue
            head = first.setdefault(row.key, row)
            if head is row:
                kept.append(row)
            else:
                self.items[row.key].append(row)
        return kept

    def _values(self, row: MfnReturn) -> tuple[tuple[Any, ...], str]:
        """The authorization columns of a return and its digest, over all of its items."""
        vals = _mfn_values(row, self.market.currency)
        items = self.items.get(row.key)
        if not items:
            return vals, _digest(vals)
        total = vals[_QUANTITY] + sum(item.quantity for item in items)
        vals = (*vals[:_QUANTITY], total, *vals[_QUANTITY + 1 :])
        return vals, content_digest((vals, tuple(_item_values(item, 0) for item in items)))

    def _item_units(self, auth_id: int, row: MfnReturn) -> list[tuple[Any, ...]]:
        """The units of a return's further items, numbered on after its first item's."""
        units = []
        seq = row.quantity
        for number, item in enumerate(self.items.get(row.key, ()), start=2):
            for _n in range(item.quantity):
                seq += 1
                units.append((auth_id, seq, 0, *_item_values(item, number)))
        return units

    def write(self, rows: Sequence[MfnReturn]) -> None:
        computed = [self._values(row) for row in rows]
        values = [vals for vals, _digest_ in computed]
        digests = [digest for _vals, digest in computed]
        refused = self._merchant_id_taken(rows, values)
        if refused:
            rows = [row for index, row in enumerate(rows) if index not in refused]
            values = [vals for index, vals in enumerate(values) if index not in refused]
            digests = [digest for index, digest in enumerate(digests) if index not in refused]
        existing = {
            old.auth_key: old
            for old in self.w.select_in(
                select(
                    AUTH.c.auth_key,
                    AUTH.c.id,
                    AUTH.c.source_hash,
                    AUTH.c.quantity,
                    AUTH.c.request_status,
                ),
                AUTH.c.auth_key,
                [vals[_KEY] for vals in values],
            )
        }
        new: list[tuple[tuple[Any, ...], str, MfnReturn]] = []
        changed: list[_MfnChange] = []
        for row, vals, digest in zip(rows, values, digests, strict=True):
            old = existing.get(vals[_KEY])
            if old is None:
                new.append((vals, digest, row))
            elif old.source_hash == digest:
                self.unchanged += 1
            else:
                changed.append(_MfnChange(row, vals, digest, old))
        now = utcnow()
        self._insert(new, now)
        self._update(changed, now)

    def _merchant_id_taken(self, rows: Sequence[MfnReturn], values: list[tuple[Any, ...]]) -> set[int]:
        """Rows whose Merchant RMA ID already belongs to another authorization (it is unique), refused.

        Typically the seller issued that RMA itself and the report now lists it under an Amazon RMA ID.
        """
        asked = [vals[_MERCHANT] for vals in values if vals[_MERCHANT]]
        if not asked:
            return set()
        owners = dict(
            self.w.select_in(  # type: ignore[arg-type]
                select(AUTH.c.merchant_rma_id, AUTH.c.auth_key), AUTH.c.merchant_rma_id, asked
            )
        )
        refused: set[int] = set()
        for index, (row, vals) in enumerate(zip(rows, values, strict=True)):
            merchant_id, key = vals[_MERCHANT], vals[_KEY]
            if not merchant_id:
                continue
            owner = owners.get(merchant_id) or self.merchant_ids.get(merchant_id)
            if owner is not None and owner != key:
                refused.add(index)
                self.problems.append(
                    RowProblem(
                        row.line,
                        _(
                            "Merchant RMA ID {merchant_id} already belongs to the return {owner}, "
                            "so it cannot also be given to {key}"
                        ).format(merchant_id=merchant_id, owner=owner, key=key),
                    )
                )
            else:
                self.merchant_ids[merchant_id] = key
        return refused

    def _insert(self, new: list[tuple[tuple[Any, ...], str, MfnReturn]], now: datetime) -> None:
        if not new:
            return
        new.sort(key=lambda entry: entry[0][_KEY])  # in key order, the unique indexes fill page by page
        ids = self.w.allocate_ids(AUTH, len(new))
        auths: list[tuple[Any, ...]] = []
        units: list[tuple[Any, ...]] = []
        item_units: list[tuple[Any, ...]] = []
        codes: list[tuple[Any, ...]] = []
        items = self.items
        for auth_id, (vals, digest, row) in zip(ids, new, strict=True):
            auths.append((auth_id, *vals, digest, now, now))
            units.extend([(auth_id, seq, 0) for seq in range(1, row.quantity + 1)])
            if row.key in items:
                item_units.extend(self._item_units(auth_id, row))
            for kind, index in _MFN_CODES:
                code = vals[index]
                if code:
                    codes.append((code, folded(code), kind, auth_id, None))
        codes.sort(key=itemgetter(0))
        self.w.insert(AUTH, ("id", *_MFN_COLUMNS, "source_hash", *STAMPS), auths)
        self.w.insert(UNIT, ("authorization_id", "seq", "attempt"), units)
        self.w.insert(UNIT, ("authorization_id", "seq", "attempt", *_ITEM_COLUMNS), item_units)
        self.w.insert(CODE, CODE_COLUMNS, codes)
        self.added += len(new)
        self.authorizations_added += len(new)
        self.units_added += len(units) + len(item_units)

    def _update(self, changed: list[_MfnChange], now: datetime) -> None:
        """Rewrite what changed in each authorization; add or drop units, never one with an outcome.

        Only the columns that differ are set, grouped by which they are: SQLite rewrites the entries of
        every index on a column named in SET, and a status change touches few indexes.
        """
        if not changed:
            return
        ids = [change.old.id for change in changed]
        before = {
            old.id: tuple(old)[1:]
            for old in self.w.select_in(
                select(AUTH.c.id, *(AUTH.c[name] for name in _MFN_COLUMNS)), AUTH.c.id, ids
            )
        }
        # The highest unit of each authorization that has an outcome, even a reversed one: it must stay.
        last_decided: dict[int, int] = dict(
            self.w.select_in(  # type: ignore[arg-type]
                select(Unit.authorization_id, func.max(Unit.seq))
                .join(Outcome, Outcome.unit_id == Unit.id)
                .group_by(Unit.authorization_id),
                Unit.authorization_id,
                ids,
            )
        )
        updates: dict[tuple[str, ...], list[tuple[Any, ...]]] = defaultdict(list)
        more_units: list[tuple[Any, ...]] = []
        fewer_units: list[dict[str, int]] = []
        recoded: list[int] = []
        codes: list[tuple[Any, ...]] = []
        several = {
            auth_id
            for (auth_id,) in self.w.select_in(
                select(Unit.authorization_id).where(Unit.item_seq.is_not(None)).distinct(),
                Unit.authorization_id,
                ids,
            )
        }
        for change in changed:
            vals, old = change.values, change.old
            wanted = vals[_QUANTITY]
            decided = last_decided.get(old.id, 0)
            if (old.id in several or change.row.key in self.items) and wanted != old.quantity:
                self.notes.append(
                    _(
                        "line {line}: the items of {key} changed in the report ({old} units, now {new}); "
                        "its units stay as first imported: issue a seller RMA for what is new."
                    ).format(line=change.row.line, key=vals[_KEY], old=old.quantity, new=wanted)
                )
                wanted = old.quantity
                vals = (*vals[:_QUANTITY], wanted, *vals[_QUANTITY + 1 :])
            if wanted < decided:
                self.notes.append(
                    ngettext(
                        "line {line}: {key} return quantity lowered to {wanted}, but "
                        "{decided} units were already decided; the quantity stays {decided}.",
                        "line {line}: {key} return quantity lowered to {wanted}, but "
                        "{decided} units were already decided; the quantity stays {decided}.",
                        decided,
                    ).format(line=change.row.line, key=vals[_KEY], wanted=wanted, decided=decided)
                )
                wanted = decided
                vals = (*vals[:_QUANTITY], wanted, *vals[_QUANTITY + 1 :])
            old_values = before[old.id]
            differ = [index for index in _MFN_UPDATABLE if old_values[index] != vals[index]]
            if not differ:
                # Same values under another digest (an older importer's): only the digest is rewritten.
                updates[("source_hash",)].append((old.id, change.digest))
                self.unchanged += 1
                continue
            if wanted > old.quantity:
                more_units.extend((old.id, seq, 0) for seq in range(old.quantity + 1, wanted + 1))
            elif wanted < old.quantity:
                fewer_units.append({"auth": old.id, "keep": wanted})
                self.units_removed += old.quantity - wanted
            columns = tuple(_MFN_COLUMNS[index] for index in differ)
            updates[(*columns, "source_hash", "updated_at")].append(
                (old.id, *(vals[index] for index in differ), change.digest, now)
            )
            if not _CODE_SOURCES.isdisjoint(columns):  # a tracking ID added, say: rewrite the codes
                recoded.append(old.id)
                codes.extend(code_rows(_mfn_codes(vals), old.id))
            if old.request_status != vals[_STATUS]:
                self.notes.append(
                    _("line {line}: {key} status changed from {old} to {new}.").format(
                        line=change.row.line,
                        key=vals[_KEY],
                        old=old.request_status or _("(none)"),
                        new=vals[_STATUS] or _("(none)"),
                    )
                )
            self.updated += 1
        if fewer_units:
            self.w.connection.execute(
                delete(UNIT).where(
                    UNIT.c.authorization_id == bindparam("auth"), UNIT.c.seq > bindparam("keep")
                ),
                fewer_units,
            )
        self.w.insert(UNIT, ("authorization_id", "seq", "attempt"), more_units)
        self.units_added += len(more_units)
        for columns, rows in updates.items():
            self.w.update_by_id(AUTH, columns, rows)
        for part in bulk.chunks(recoded, bulk.MAX_IN):
            self.w.connection.execute(
                delete(CODE).where(self.w.is_in(CODE.c.authorization_id, part), CODE.c.unit_id.is_(None))
            )
        self.w.insert(CODE, CODE_COLUMNS, sorted(codes, key=itemgetter(0)))
