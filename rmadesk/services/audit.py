"""Reading the audit trail: who changed what, on which bench, when, before and after."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select

from rmadesk.domain.people import Actor, Permission
from rmadesk.services.access import authorize
from rmadesk.store.audit_chain import Break, ChainReport, verify_chains
from rmadesk.store.models import AuditEvent
from rmadesk.store.uow import Store
from rmadesk.text.i18n import N_, _


@dataclass(frozen=True)
class AuditRow:
    """One audit event as the audit view shows it."""

    event_id: int
    at: datetime
    actor: str
    bench: str
    action: str
    entity: str
    entity_key: str
    before: str | None
    after: str | None


def _filtered(text: str):  # noqa: ANN202 - a SQLAlchemy select
    stmt = select(AuditEvent)
    text = text.strip()
    if text:
        # The text as typed: % and _ are characters to find, not wildcards (autoescape).
        wanted = text.lower()
        columns = (
            AuditEvent.actor,
            AuditEvent.action,
            AuditEvent.bench,
            AuditEvent.entity_key,
            AuditEvent.after,
        )
        stmt = stmt.where(or_(*(func.lower(c).contains(wanted, autoescape=True) for c in columns)))
    return stmt


def count_events(store: Store, actor: Actor, text: str = "") -> int:
    with store.read() as session:
        authorize(session, actor, Permission.VIEW_AUDIT)
        return int(session.scalar(select(func.count()).select_from(_filtered(text).subquery())) or 0)


def audit_page(
    store: Store, actor: Actor, *, text: str = "", offset: int = 0, limit: int = 200
) -> list[AuditRow]:
    """Newest first; supervisors and admins only."""
    authorize(store, actor, Permission.VIEW_AUDIT)
    stmt = _filtered(text).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).offset(offset).limit(limit)
    with store.read() as session:
        return [
            AuditRow(e.id, e.at, e.actor, e.bench, e.action, e.entity, e.entity_key, e.before, e.after)
            for e in session.scalars(stmt)
        ]


_PROBLEMS = {
    "changed": N_("event {seq} of bench {chain} (id {id}) was changed after it was written"),
    "out of place": N_("event {seq} of bench {chain} (id {id}) does not follow the event before it"),
    "missing": N_("event {seq} of bench {chain} is missing: removed from the trail"),
    "cut": N_("the last events of bench {chain}, from event {seq} on, are missing"),
}


def describe_break(found: Break) -> str:
    """The broken link in words."""
    return _(_PROBLEMS[found.problem]).format(seq=found.seq, chain=found.chain, id=found.event_id)


def verify_audit(store: Store, actor: Actor) -> ChainReport:
    """Check every link of the audit trail's chains (supervisors and admins)."""
    with store.read() as session:
        authorize(session, actor, Permission.VIEW_AUDIT)
        return verify_chains(session)
