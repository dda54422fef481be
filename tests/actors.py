"""Who acts in the tests: an open-bench supervisor for databases with no users, real sign-ins otherwise."""

from __future__ import annotations

from rmadesk.domain.people import Actor, open_actor
from rmadesk.services.people import add_user, sign_in
from rmadesk.store.uow import Store

# A database with no users runs open: this is who reads and writes in most tests.
BOSS = open_actor("Sue", "office")


def people(store: Store) -> dict[str, Actor]:
    """An admin, a supervisor and an inspector on the store, each signed in."""
    add_user(
        store, name="Root", role="admin", badge="B-ROOT", pin="9999", actor=open_actor("setup", "office")
    )
    admin = sign_in(store, badge="B-ROOT", pin="9999", bench="office")
    add_user(store, name="Sue", role="supervisor", badge="B-SUE", pin="2222", actor=admin)
    add_user(store, name="Ana", role="inspector", badge="B-ANA", pin="1111", actor=admin)
    return {
        "admin": admin,
        "supervisor": sign_in(store, badge="B-SUE", pin="2222", bench="office"),
        "inspector": sign_in(store, badge="B-ANA", pin="1111", bench="bench-1"),
    }
