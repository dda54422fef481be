"""The audit trail's hash chain: every event is linked to the one before it on the same bench.

An event's hash covers its place in the chain, the hash before it and every field it shows, so an
event changed, removed or slipped in afterwards breaks the chain where it happened, and
``verify_chains`` names the first broken link. Each bench has its own chain (a bench waits only for
its own earlier event, never for the other benches), and ``audit_chain`` keeps each chain's last
link, so that removing the newest events shows too.

The links are made in one place, just before the session writes new events, so no service has to
remember them.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from sqlalchemy import bindparam, event, func, select, text, update
from sqlalchemy.orm import Session

from rmadesk.store.models import AuditChain, AuditEvent
from rmadesk.store.types import utcnow


def event_hash(e: AuditEvent, chain: str, seq: int, prev_hash: str) -> str:
    """The SHA-256 of the event's place in its chain and of every field of it that people read."""
    at = e.at.astimezone(UTC).isoformat(timespec="microseconds")
    fields = [
        chain,
        seq,
        prev_hash,
        at,
        e.actor,
        e.bench,
        e.action,
        e.entity,
        e.entity_key,
        e.before,
        e.after,
    ]
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()


_CHAIN = AuditChain.__table__
# A chain's head, made when the chain is new, and locked (a write) in the same statement. Built once.
_HEAD = text(
    "INSERT INTO audit_chain (chain, seq, hash) VALUES (:chain, 0, '') "
    "ON CONFLICT (chain) DO UPDATE SET chain = excluded.chain RETURNING seq, hash"
)
_MOVE_HEAD = (
    update(_CHAIN)
    .where(_CHAIN.c.chain == bindparam("b_chain"))
    .values(seq=bindparam("b_seq"), hash=bindparam("b_hash"))
)


def _link_new_events(session: Session, _context: Any, _instances: Any) -> None:
    new = [o for o in session.new if isinstance(o, AuditEvent) and o.hash is None]
    if not new:
        return
    by_chain: dict[str, list[AuditEvent]] = defaultdict(list)
    for e in new:
        if e.at is None:
            e.at = utcnow()
        by_chain[e.bench].append(e)
    conn = session.connection()
    for chain in sorted(by_chain):  # one order for every writer: no two lock each other's heads
        # The head's row is held to the end of the transaction: the next event of this bench waits.
        seq, last = conn.execute(_HEAD, {"chain": chain}).one()
        for e in sorted(by_chain[chain], key=lambda e: e.at):
            seq += 1
            e.chain, e.seq, e.prev_hash = chain, seq, last
            e.hash = last = event_hash(e, chain, seq, last)
        conn.execute(_MOVE_HEAD, {"b_chain": chain, "b_seq": seq, "b_hash": last})


def link_audit_events(factory: Any) -> None:
    """Make the sessions of ``factory`` link every new audit event into its bench's chain."""
    event.listen(factory, "before_flush", _link_new_events)


@dataclass(frozen=True)
class Break:
    """The first broken link of a chain: which event, and what is wrong with it."""

    chain: str
    seq: int
    event_id: int | None
    problem: str  # "changed", "missing", "out of place" or "cut"


@dataclass(frozen=True)
class ChainReport:
    """What ``verify_chains`` found: how many events it checked, the unchained older ones, the breaks."""

    checked: int
    unchained: int
    chains: int
    breaks: tuple[Break, ...]


def _events(session: Session) -> Iterator[AuditEvent]:
    stmt = (
        select(AuditEvent)
        .where(AuditEvent.chain.is_not(None))
        .order_by(AuditEvent.chain, AuditEvent.seq)
        .execution_options(yield_per=5000)
    )
    yield from session.scalars(stmt)


def verify_chains(session: Session) -> ChainReport:
    """Walk every chain from its first event and report each chain's first broken link."""
    heads = {h.chain: (h.seq, h.hash) for h in session.scalars(select(AuditChain))}
    names = set(heads)
    unchained = session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.chain.is_(None)))
    breaks: list[Break] = []
    checked = 0
    chain: str | None = None
    seq, last, broken = 0, "", False

    def close(name: str | None) -> None:
        if name is None:
            return
        head = heads.pop(name, None)
        if broken:
            return
        if head is None or head[0] != seq or head[1] != last:
            breaks.append(Break(name, seq + 1, None, "cut"))

    for e in _events(session):
        checked += 1
        names.add(e.chain)
        if e.chain != chain:
            close(chain)
            chain, seq, last, broken = e.chain, 0, "", False
        if broken:
            continue
        assert e.chain is not None and e.seq is not None
        if e.seq != seq + 1:
            breaks.append(Break(e.chain, seq + 1, None, "missing"))
            broken = True
        elif e.prev_hash != last:
            breaks.append(Break(e.chain, e.seq, e.id, "out of place"))
            broken = True
        elif e.hash != event_hash(e, e.chain, e.seq, last):
            breaks.append(Break(e.chain, e.seq, e.id, "changed"))
            broken = True
        seq, last = e.seq, e.hash or ""
    close(chain)
    for name, (head_seq, _hash) in sorted(heads.items()):
        if head_seq > 0:  # a chain whose every event is gone
            breaks.append(Break(name, 1, None, "missing"))
    return ChainReport(checked, int(unchained or 0), len(names), tuple(breaks))
