"""People at the benches: the limits of what a name may be."""

from __future__ import annotations


def test_the_length_limits_of_names_are_those_of_their_columns() -> None:
    from rmadesk.domain.people import MAX_BENCH, MAX_NAME
    from rmadesk.store.models import AuditEvent, Outcome

    assert MAX_NAME == Outcome.inspector.type.length == AuditEvent.actor.type.length
    assert MAX_BENCH == Outcome.bench.type.length == AuditEvent.bench.type.length
