"""Who may read and write: every service checks the actor against the database, and an actor comes
from a sign-in (or from an open bench while the database has no users)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from rmadesk.domain.people import Actor, PermissionDenied, Role, open_actor
from rmadesk.services.browse import BrowseFilter, BrowseService
from rmadesk.services.demo import create_demo_data
from rmadesk.services.export import write_outcomes_csv
from rmadesk.services.people import MAX_WRONG_PINS, SignInFailed, sign_in
from rmadesk.services.reconcile import reconcile, write_reconciliation_csv
from rmadesk.store.models import AuditEvent, User
from rmadesk.store.uow import Store
from rmadesk.summary.service import summarize
from tests.actors import BOSS, people

START = datetime(2026, 11, 1, tzinfo=UTC)
END = START + timedelta(days=1)


def test_an_actor_cannot_be_built_with_a_role_of_its_makers_choosing() -> None:
    with pytest.raises(TypeError, match="sign-in"):
        Actor(name="Mallory", role=Role.ADMIN, bench="b")


def _every_reader(store: Store, actor: Actor) -> dict[str, object]:
    """Each service that reads or writes business data, called as ``actor``."""
    calls = {
        "export": lambda: write_outcomes_csv(store, io.StringIO(), actor),
        "demo": lambda: create_demo_data(store, actor),
        "reconcile": lambda: reconcile(store, actor),
        "reconcile csv": lambda: write_reconciliation_csv(store, io.StringIO(), actor),
        "summary": lambda: summarize(store, actor, START, END, tz=UTC),
        "browse count": lambda: BrowseService(store, actor).count(BrowseFilter()),
        "browse page": lambda: BrowseService(store, actor).page(BrowseFilter(), "rma", False),
    }
    return calls


def test_an_open_bench_actor_gets_nothing_once_the_database_has_users(store: Store) -> None:
    for call in _every_reader(store, BOSS).values():
        call()  # no users: the bench runs open
    people(store)
    for name, call in _every_reader(store, BOSS).items():
        with pytest.raises(PermissionDenied, match="has users: sign in"):
            call()
            pytest.fail(f"{name} ran for an open-bench actor on a database with users")


def test_each_reader_takes_the_role_it_needs_from_the_database(store: Store) -> None:
    actors = people(store)
    for name, call in _every_reader(store, actors["inspector"]).items():
        if name.startswith("browse"):
            call()  # every role may look a return up
            continue
        with pytest.raises(PermissionDenied, match="only a supervisor"):
            call()
    for call in _every_reader(store, actors["supervisor"]).values():
        call()
    with store.read() as session:
        assert session.scalar(select(func.count()).where(AuditEvent.action == "demo_data")) == 1


def test_a_signed_in_actor_loses_what_its_user_lost(store: Store) -> None:
    actors = people(store)
    supervisor = actors["supervisor"]
    summarize(store, supervisor, START, END, tz=UTC)
    with store.unit_of_work() as session:
        session.execute(update(User).where(User.name == "Sue").values(role="inspector"))
    with pytest.raises(PermissionDenied, match="role is now inspector"):
        summarize(store, supervisor, START, END, tz=UTC)
    with store.unit_of_work() as session:
        session.execute(update(User).where(User.name == "Sue").values(active=False))
    with pytest.raises(PermissionDenied, match="no longer an active user"):
        reconcile(store, supervisor)


def test_parallel_wrong_pins_try_no_more_than_the_limit(store: Store) -> None:
    """Sign-ins racing on one badge: each try is counted before its PIN is checked, so no more
    than MAX_WRONG_PINS of them are checked before the badge locks (PostgreSQL let 36 through)."""
    people(store)
    checked: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(16)

    def attempt(n: int) -> None:
        barrier.wait()
        try:
            sign_in(store, badge="B-ANA", pin=f"{5000 + n}", bench="b")
        except SignInFailed as exc:
            with lock:
                checked.append(str(exc))

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(checked) == 16
    wrong = [m for m in checked if m.startswith("Wrong PIN")]
    assert len(wrong) == MAX_WRONG_PINS, checked
    assert sum("is now locked" in m for m in checked) == 1
    with pytest.raises(SignInFailed, match="locked"):
        sign_in(store, badge="B-ANA", pin="1111", bench="b")  # the right PIN waits out the lock


def _rmadesk(db: str, *args: str, env: dict[str, str] | None = None, stdin: str | None = None):  # noqa: ANN202
    return subprocess.run(
        [sys.executable, "-m", "rmadesk", "--db", db, *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        input=stdin,
        timeout=120,
    )


def test_commands_need_a_sign_in_and_never_take_a_pin_on_the_command_line(
    sqlite_url: str, tmp_path: Path
) -> None:
    store = Store(sqlite_url)
    from rmadesk.store.schema import ensure_schema

    ensure_schema(store.engine)
    people(store)
    store.dispose()
    sheet = str(tmp_path / "sheet.png")
    for command in (["export", "outcomes"], ["demo", "--sheet", sheet], ["reconcile"]):
        done = _rmadesk(sqlite_url, *command)
        assert done.returncode == 2 and "give your --badge" in done.stderr, (command, done.stderr)
    done = _rmadesk(sqlite_url, "export", "outcomes", "--badge", "B-SUE", "--pin", "2222")
    assert done.returncode == 2 and "visible to every user" in done.stderr
    done = _rmadesk(sqlite_url, "export", "outcomes", "--badge", "B-SUE")  # no terminal, no variable
    assert done.returncode == 2 and "RMADESK_PIN" in done.stderr
    done = _rmadesk(sqlite_url, "export", "outcomes", "--badge", "B-ANA", env={"RMADESK_PIN": "1111"})
    assert done.returncode == 2 and "only a supervisor" in done.stderr
    done = _rmadesk(sqlite_url, "export", "outcomes", "--badge", "B-SUE", env={"RMADESK_PIN": "2222"})
    assert done.returncode == 0 and done.stdout.startswith("rma_id,"), done.stderr
    done = _rmadesk(sqlite_url, "demo", "--sheet", sheet, "--badge", "B-SUE", env={"RMADESK_PIN": "2222"})
    assert done.returncode == 0, done.stderr
    added = _rmadesk(
        sqlite_url,
        "user",
        "add",
        "--name",
        "Kim",
        "--role",
        "inspector",
        "--badge",
        "B-KIM",
        "--as-badge",
        "B-ROOT",
        env={"RMADESK_PIN": "9999", "RMADESK_NEW_PIN": "4321"},
    )
    assert added.returncode == 0, added.stderr
    store = Store(sqlite_url)
    try:
        assert sign_in(store, badge="B-KIM", pin="4321", bench="b").role is Role.INSPECTOR
        with store.read() as session:
            demo = session.scalars(select(AuditEvent).where(AuditEvent.action == "demo_data")).one()
        assert demo.actor == "Sue"
    finally:
        store.dispose()


def test_an_open_actor_is_still_made_for_a_database_with_no_users(store: Store) -> None:
    ids, added = create_demo_data(store, open_actor("bench 1", "b1"))
    assert added == len(ids) > 0
