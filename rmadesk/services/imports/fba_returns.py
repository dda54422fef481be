"""Importing the FBA customer returns report: one unit per license plate, grouped per order and SKU."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import Row, exists, select

from rmadesk.domain.model import AuthorizationKind, AuthorizationSource
from rmadesk.formats.amazon.fba_returns import SPEC, FbaReturn
from rmadesk.formats.spec import RowProblem
from rmadesk.services.imports.base import (
    AUTH,
    CODE,
    CODE_COLUMNS,
    STAMPS,
    UNIT,
    ReportImporter,
    code_rows,
    content_digest,
    show,
    store_checks,
)
from rmadesk.store.models import Authorization, Outcome, Unit
from rmadesk.store.types import utcnow
from rmadesk.text.i18n import N_, _, ngettext

_A = Authorization
_RMA = AuthorizationKind.RMA.value
_FBA_CHECKS = store_checks(
    SPEC,
    {
        "order_id": _A.order_id,
        "sku": _A.sku,
        "asin": _A.asin,
        "fnsku": _A.fnsku,
        "product_name": _A.item_name,
        "customer_comments": _A.customer_comment,
        "fulfillment_center_id": Unit.fulfillment_center,
        "detailed_disposition": Unit.marketplace_disposition,
        "reason": Unit.marketplace_reason,
        "status": Unit.marketplace_status,
        "license_plate_number": Unit.lpn,
        "quantity": _A.quantity,
    },
)
_FBA_SOURCE = AuthorizationSource.FBA_REPORT.value
# The marketplace's findings a unit keeps, in the order of _unit_findings, with the words of a note
# (translated with _() in the note).
_FINDINGS = (
    ("marketplace_status", N_("status")),
    ("marketplace_disposition", N_("disposition")),
    ("marketplace_reason", N_("reason")),
    ("fulfillment_center", N_("fulfillment center")),
    ("returned_on", N_("return date")),
    ("marketplace_comment", N_("customer comment")),
)
_FINDING_COLUMNS = tuple(name for name, _label in _FINDINGS)
_NEW_UNIT_COLUMNS = ("id", "authorization_id", "seq", "attempt", "lpn", *_FINDING_COLUMNS, "source_hash")
_FBA_AUTH_COLUMNS = (
    "id",
    "auth_key",
    "kind",
    "source",
    "order_id",
    "sku",
    "asin",
    "fnsku",
    "item_name",
    "reason",
    "customer_comment",
    "request_date",
    "currency",
    "quantity",
    *STAMPS,
)
# A unit's source_hash: 16 hex characters naming its report row (the LPN, else order|sku|return date),
# then 48 of the row's content. All units a row made carry it, so the units of a row without a license
# plate, and the extra units of a row with a quantity above 1, are found again by the first part.
_ROW_PART = 16


def _fba_auth_key(row: FbaReturn) -> str:
    return f"FBA|{row.order_id}|{row.sku}"


def _unit_hash(row: FbaReturn) -> str:
    content = (
        row.return_date,
        row.order_id,
        row.sku,
        row.asin,
        row.fnsku,
        row.product_name,
        row.quantity,
        row.fulfillment_center_id,
        row.detailed_disposition,
        row.reason,
        row.status,
        row.license_plate_number,
        row.customer_comments,
    )
    return content_digest(row.key, _ROW_PART // 2) + content_digest(content, (64 - _ROW_PART) // 2)


def _unit_findings(row: FbaReturn) -> tuple[Any, ...]:
    return (
        row.status,
        row.detailed_disposition,
        row.reason,
        row.fulfillment_center_id,
        row.return_date,
        row.customer_comments,
    )


def _first(rows: Sequence[FbaReturn], attribute: str) -> Any:
    return next((value for row in rows if (value := getattr(row, attribute))), None)


@dataclass
class _FbaChunk:
    """What one chunk of FBA return rows writes."""

    new_auths: list[tuple[Any, ...]] = field(default_factory=list)
    auth_updates: list[tuple[Any, ...]] = field(default_factory=list)
    codes: list[tuple[Any, ...]] = field(default_factory=list)
    new_units: list[tuple[Any, ...]] = field(default_factory=list)  # _NEW_UNIT_COLUMNS without the id
    unit_updates: list[tuple[Any, ...]] = field(default_factory=list)  # (id, *findings, source_hash)
    dropped_units: list[int] = field(default_factory=list)


class FbaReturnsImporter(ReportImporter):
    """One unit per license plate; the units of an order's SKU make one authorization.

    The license plate number (LPN) is a scan code of the authorization and of its unit. A unit's
    ``source_hash`` names the report row that made it, so a re-import finds its units again.
    """

    checks = _FBA_CHECKS

    def batches(
        self, rows: Sequence[FbaReturn], size: int
    ) -> Iterator[tuple[list[tuple[str, list[FbaReturn]]], int]]:
        """The rows grouped by authorization, whole groups to a batch of at least size rows."""
        groups: dict[str, list[FbaReturn]] = defaultdict(list)
        for row in rows:
            groups[_fba_auth_key(row)].append(row)
        batch: list[tuple[str, list[FbaReturn]]] = []
        count = 0
        for key, group in groups.items():
            batch.append((key, group))
            count += len(group)
            if count >= size:
                yield batch, count
                batch, count = [], 0
        if batch:
            yield batch, count

    def write(self, batch: list[tuple[str, list[FbaReturn]]]) -> None:
        now = utcnow()
        found = {
            auth.auth_key: auth
            for auth in self.w.select_in(
                select(
                    AUTH.c.auth_key,
                    AUTH.c.id,
                    AUTH.c.quantity,
                    AUTH.c.asin,
                    AUTH.c.fnsku,
                    AUTH.c.item_name,
                ),
                AUTH.c.auth_key,
                [key for key, _rows in batch],
            )
        }
        key_of = {auth.id: key for key, auth in found.items()}
        units_of: dict[int, list[Row[Any]]] = defaultdict(list)
        decided = exists().where(Outcome.unit_id == Unit.id).label("decided")
        for unit in self.w.select_in(
            select(UNIT.c.id, UNIT.c.authorization_id, UNIT.c.seq, UNIT.c.lpn, UNIT.c.source_hash)
            .add_columns(*(UNIT.c[name] for name in _FINDING_COLUMNS), decided)
            .order_by(UNIT.c.seq),
            UNIT.c.authorization_id,
            list(key_of),
        ):
            units_of[unit.authorization_id].append(unit)
        held = {unit.lpn: unit for units in units_of.values() for unit in units if unit.lpn}
        plates = [
            row.license_plate_number for _key, rows in batch for row in rows if row.license_plate_number
        ]
        elsewhere = {
            lpn: key
            for lpn, key in self.w.select_in(
                select(Unit.lpn, Authorization.auth_key).join(Authorization),
                Unit.lpn,
                [lpn for lpn in plates if lpn not in held],
            )
        }
        new_ids = iter(self.w.allocate_ids(AUTH, sum(1 for key, _rows in batch if key not in found)))
        plan = _FbaChunk()
        for key, rows in batch:
            auth = found.get(key)
            auth_id = auth.id if auth is not None else next(new_ids)
            units = units_of.get(auth_id, [])
            accepted: list[FbaReturn] = []
            for row in rows:
                lpn = row.license_plate_number
                holder = held.get(lpn) if lpn else None
                other = elsewhere.get(lpn) if lpn else None
                if holder is not None and holder.authorization_id != auth_id:
                    other = key_of[holder.authorization_id]
                if other is not None:
                    self.problems.append(
                        RowProblem(
                            row.line,
                            _(
                                "license-plate-number {lpn} is already a unit of another return "
                                "({other}), not of {order} / {sku}"
                            ).format(
                                lpn=lpn,
                                other=other.removeprefix("FBA|").replace("|", " / "),
                                order=row.order_id,
                                sku=row.sku,
                            ),
                        )
                    )
                else:
                    accepted.append(row)
            if accepted:
                self._group(plan, auth, auth_id, key, accepted, units, now)
        unit_ids = self.w.allocate_ids(UNIT, len(plan.new_units))
        new_units = [(unit_id, *unit) for unit_id, unit in zip(unit_ids, plan.new_units, strict=True)]
        plan.codes.extend(
            (lpn, lpn.upper(), "lpn", auth_id, unit_id)
            for unit_id, auth_id, _seq, _attempt, lpn, *_rest in new_units
            if lpn
        )
        self.w.insert(AUTH, _FBA_AUTH_COLUMNS, plan.new_auths)
        self.w.update_by_id(AUTH, ("quantity", "asin", "fnsku", "item_name", "updated_at"), plan.auth_updates)
        self.w.insert(UNIT, _NEW_UNIT_COLUMNS, new_units)
        self.w.update_by_id(UNIT, (*_FINDING_COLUMNS, "source_hash"), plan.unit_updates)
        self.w.delete_ids(UNIT, plan.dropped_units)  # their LPN scan codes go with them (ON DELETE CASCADE)
        self.w.insert(CODE, CODE_COLUMNS, sorted(plan.codes, key=itemgetter(0)))
        self.authorizations_added += len(plan.new_auths)
        self.units_added += len(new_units)
        self.units_removed += len(plan.dropped_units)

    def _group(
        self,
        plan: _FbaChunk,
        auth: Row[Any] | None,
        auth_id: int,
        key: str,
        rows: list[FbaReturn],
        units: list[Row[Any]],
        now: datetime,
    ) -> None:
        """Plan the units of one authorization's rows, and the authorization itself."""
        by_row: dict[str, list[Row[Any]]] = defaultdict(list)
        for unit in units:
            if unit.lpn is None and unit.source_hash:
                by_row[unit.source_hash[:_ROW_PART]].append(unit)
        by_lpn = {unit.lpn: unit for unit in units if unit.lpn}
        next_seq = max((unit.seq for unit in units), default=0) + 1
        count = len(units)
        for row in rows:
            digest = _unit_hash(row)
            holder = by_lpn.get(row.license_plate_number) if row.license_plate_number else None
            mine = ([holder] if holder is not None else []) + by_row.get(digest[:_ROW_PART], [])
            if not mine:
                findings = _unit_findings(row)
                for n in range(row.quantity):
                    lpn = row.license_plate_number if n == 0 else None
                    plan.new_units.append((auth_id, next_seq + n, 0, lpn, *findings, digest))
                next_seq += row.quantity
                count += row.quantity
                self.added += 1
            elif all(unit.source_hash == digest for unit in mine):
                self.unchanged += 1
            else:
                added, dropped = self._update_row(plan, row, mine, digest, auth_id, next_seq)
                next_seq += added
                count += added - dropped
                self.updated += 1
        if auth is None:
            first = rows[0]
            plan.new_auths.append(
                (
                    auth_id,
                    key,
                    _RMA,
                    _FBA_SOURCE,
                    first.order_id,
                    first.sku,
                    _first(rows, "asin"),
                    _first(rows, "fnsku"),
                    _first(rows, "product_name") or "",
                    first.reason,
                    _first(rows, "customer_comments"),
                    first.return_date,
                    self.market.currency,
                    count,
                    now,
                    now,
                )
            )
            plan.codes.extend(code_rows([("order", first.order_id)], auth_id))
            return
        facts = (
            count,
            _first(rows, "asin") or auth.asin,
            _first(rows, "fnsku") or auth.fnsku,
            _first(rows, "product_name") or auth.item_name,
        )
        if facts != (auth.quantity, auth.asin, auth.fnsku, auth.item_name):
            plan.auth_updates.append((auth_id, *facts, now))

    def _update_row(
        self,
        plan: _FbaChunk,
        row: FbaReturn,
        mine: list[Row[Any]],
        digest: str,
        auth_id: int,
        next_seq: int,
    ) -> tuple[int, int]:
        """Bring a row's units up to date; returns (units added, units dropped)."""
        wanted = row.quantity
        findings = _unit_findings(row)
        what = (
            _("LPN {lpn}").format(lpn=row.license_plate_number)
            if row.license_plate_number
            else _("the return of {order} / {sku} on {date}").format(
                order=row.order_id, sku=row.sku, date=show(row.return_date)
            )
        )
        changes = [
            _("{what} changed from {old} to {new}").format(what=_(label), old=show(old), new=show(new))
            for (name, label), new in zip(_FINDINGS, findings, strict=True)
            if (old := getattr(mine[0], name)) != new
        ]
        if wanted != len(mine):
            changes.append(_("quantity changed from {old} to {new}").format(old=len(mine), new=wanted))
        dropped: list[Row[Any]] = []
        if wanted < len(mine):
            # The unit with the license plate stays; of the others, undecided ones go, last first.
            spare = mine[1:] if row.license_plate_number else mine
            dropped = [unit for unit in reversed(spare) if not unit.decided][: len(mine) - wanted]
            kept = len(mine) - len(dropped)
            if kept > wanted:
                extra = kept - wanted
                changes.append(
                    ngettext(
                        "{count} decided unit kept, so it keeps {kept}",
                        "{count} decided units kept, so it keeps {kept}",
                        extra,
                    ).format(count=extra, kept=kept)
                )
        gone = {unit.id for unit in dropped}
        plan.dropped_units.extend(gone)
        plan.unit_updates.extend((unit.id, *findings, digest) for unit in mine if unit.id not in gone)
        added = max(0, wanted - len(mine))
        plan.new_units.extend((auth_id, next_seq + n, 0, None, *findings, digest) for n in range(added))
        self.notes.append(
            _("line {line}: {what} updated: {changes}.").format(
                line=row.line,
                what=what,
                changes="; ".join(changes) or _("product details or comments changed"),
            )
        )
        return added, len(dropped)
