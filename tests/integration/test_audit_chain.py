"""The audit trail is tamper-evident: each event is chained to the one before it on its bench, and
``verify_audit`` names the first broken link, on SQLite and on PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest
from sqlalchemy import select, text

from rmadesk.services.audit import describe_break, verify_audit
from rmadesk.services.issue import IssueRequest, issue_rma
from rmadesk.store.models import AuditEvent
from rmadesk.store.uow import Store
from tests.actors import BOSS, people


def _issue(store: Store, n: int, bench: str = "office") -> None:
    from rmadesk.domain.people import open_actor

    issue_rma(
        store,
        IssueRequest(order_id=f"O-{n}", sku="S", quantity=1, reason="ok"),
        actor=open_actor("Sue", bench),
    )


def _tamper(store: Store, sql: str) -> None:
    """Change the trail behind the application's back, as someone with the file or the owner role
    would: the append-only triggers are set aside for the one statement."""
    with store.engine.begin() as conn:
        if store.dialect == "postgresql":
            conn.execute(text("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only"))
            conn.execute(text(sql))
            conn.execute(text("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only"))
        else:
            conn.execute(text("DROP TRIGGER audit_event_no_update"))
            conn.execute(text("DROP TRIGGER audit_event_no_delete"))
            conn.execute(text(sql))


def test_every_event_is_linked_and_an_intact_trail_holds(store: Store) -> None:
    for n in range(3):
        _issue(store, n, bench="office")
    _issue(store, 9, bench="bench-2")
    with store.read() as session:
        events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    office = [e for e in events if e.chain == "office"]
    assert [e.seq for e in office] == [1, 2, 3]
    assert office[0].prev_hash == "" and office[1].prev_hash == office[0].hash
    report = verify_audit(store, BOSS)
    assert report.breaks == () and report.checked == 4 and report.chains == 2 and report.unchained == 0


@pytest.mark.parametrize(
    ("sql", "problem", "seq"),
    [
        ("UPDATE audit_event SET after = replace(after, 'O-1', 'O-7') WHERE seq = 2", "changed", 2),
        ("DELETE FROM audit_event WHERE seq = 2", "missing", 2),
        ("DELETE FROM audit_event WHERE seq = 4", "cut", 4),
        ("UPDATE audit_event SET actor = 'Mallory' WHERE seq = 3", "changed", 3),
    ],
)
def test_a_changed_or_removed_event_is_named(store: Store, sql: str, problem: str, seq: int) -> None:
    for n in range(4):
        _issue(store, n)
    _tamper(store, sql)
    report = verify_audit(store, BOSS)
    assert [(b.chain, b.seq, b.problem) for b in report.breaks] == [("office", seq, problem)]
    assert "office" in describe_break(report.breaks[0])


def test_benches_racing_each_keep_one_unbroken_chain(store: Store) -> None:
    def bench(name: str) -> None:
        for n in range(10):
            _issue(store, n, bench=name)

    threads = [threading.Thread(target=bench, args=(f"bench-{b}",)) for b in range(4)]
    threads += [threading.Thread(target=bench, args=("bench-0",))]  # two writers on one bench
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    report = verify_audit(store, BOSS)
    assert report.breaks == () and report.checked == 50 and report.chains == 4


def test_audit_verify_on_the_command_line(sqlite_url: str) -> None:
    store = Store(sqlite_url)
    from rmadesk.store.schema import ensure_schema

    ensure_schema(store.engine)
    people(store)
    _tamper(store, "UPDATE audit_event SET actor = 'Mallory' WHERE seq = 1 AND chain = 'office'")
    store.dispose()
    run = [sys.executable, "-m", "rmadesk", "--db", sqlite_url, "audit", "verify", "--badge", "B-SUE"]
    import os

    done = subprocess.run(run, capture_output=True, text=True, env={**os.environ, "RMADESK_PIN": "2222"})
    assert done.returncode == 1, done.stderr
    assert "event 1 of bench office" in done.stderr and "changed after it was written" in done.stderr
