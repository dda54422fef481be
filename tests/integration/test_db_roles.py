"""The application role on PostgreSQL: a bench works with it, and it cannot wipe or bend the audit
trail, change the schema or make anyone an admin (``rmadesk db roles``)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.exc import DBAPIError

from rmadesk.cli import main
from rmadesk.domain.model import Disposition
from rmadesk.domain.policy import load_policy
from rmadesk.services.bench import BenchService, Decision, new_outcome_uid
from rmadesk.services.context import open_store
from rmadesk.services.demo import create_demo_data
from rmadesk.services.people import SignInFailed, sign_in
from rmadesk.services.photos import photos_of
from rmadesk.settings import Settings
from rmadesk.store.roles import grant_application_role
from rmadesk.store.uow import Store
from tests.actors import BOSS, people
from tests.conftest import _admin_execute, drop_pg_database, fresh_pg_database, pg_base_url
from tests.photos import small_photo


def _tcp(url: str) -> str:
    """The URL over TCP on this machine: a password login, as a bench on another computer makes."""
    port = make_url(pg_base_url()).query.get("port", "5432")
    return make_url(url).set(host="127.0.0.1", port=int(port)).render_as_string(hide_password=False)


@pytest.fixture
def owner() -> Iterator[tuple[str, str]]:
    url = fresh_pg_database()
    role = f"rmadesk_app_{uuid.uuid4().hex[:8]}"
    yield url, role
    database = make_url(url).database
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f"DROP OWNED BY {role}"))
    engine.dispose()
    drop_pg_database(url)
    _admin_execute(f"DROP ROLE IF EXISTS {role}")
    assert database


def test_a_bench_works_as_the_application_role_and_cannot_touch_the_audit(owner: tuple[str, str]) -> None:
    url, role = owner
    owner_store = open_store(url)
    create_demo_data(owner_store, BOSS)
    people(owner_store)
    granted = grant_application_role(owner_store.engine, url, role=role)
    owner_store.dispose()
    assert granted.created and granted.password_set and f"{role}:" in granted.url
    app = open_store(_tcp(granted.url))
    try:
        ana = sign_in(app, badge="B-ANA", pin="1111", bench="bench-1")
        with pytest.raises(SignInFailed, match="Wrong PIN"):
            sign_in(app, badge="B-ANA", pin="0000", bench="bench-1")  # the counter is the app's to keep
        service = BenchService(app, load_policy(), Settings(bench="bench-1"))
        unit = service.lookup("DkQxRtLmRRMA").next_undecided
        assert unit is not None
        decision = Decision(
            new_outcome_uid(),
            unit.unit_id,
            Disposition.SELLABLE,
            ana.name,
            "bench-1",
            photos=(small_photo(1),),
        )
        service.record(decision)
        assert [p.sha256 for p in photos_of(app, ana, decision.outcome_uid)] == [small_photo(1).sha256]
        refused = (
            "TRUNCATE audit_event",
            "DELETE FROM audit_event",
            "UPDATE audit_event SET actor = 'x'",
            "ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only",
            "DROP TRIGGER audit_event_append_only ON audit_event",
            "UPDATE app_user SET role = 'admin' WHERE badge = 'B-ANA'",
            "UPDATE photo SET jpeg = 'x'",  # a claim's evidence is added, never changed or removed
            "DELETE FROM photo",
            "TRUNCATE photo",
            "CREATE TABLE mine (x int)",
            "DROP TABLE outcome",
            "UPDATE alembic_version SET version_num = '0001'",
        )
        for sql in refused:
            with (
                pytest.raises(DBAPIError, match="permission denied|must be owner"),
                app.engine.begin() as conn,
            ):
                conn.execute(text(sql))
                pytest.fail(f"the application role could run: {sql}")
    finally:
        app.dispose()


def test_db_roles_on_the_command_line_prints_the_benches_url(
    owner: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    url, role = owner
    assert main(["db", "roles", "--db", url, "--role", role, "--host", "db-server"]) == 0
    first = capsys.readouterr()
    printed = make_url(first.out.strip())
    assert printed.username == role and printed.host == "db-server" and printed.password
    assert "Created the role" in first.err
    assert (
        main(["db", "roles", "--db", url, "--role", role]) == 0
    )  # again, after an upgrade: the same password
    again = capsys.readouterr()
    assert "unchanged" in again.err and make_url(again.out.strip()).password is None
    app = Store(_tcp(printed.set(host="localhost").render_as_string(hide_password=False)))
    try:
        with app.read() as session:
            assert session.execute(text("SELECT count(*) FROM audit_event")).scalar() == 0
    finally:
        app.dispose()


def test_db_roles_refuses_sqlite(sqlite_store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "roles", "--db", sqlite_store.url]) == 2
    assert "for PostgreSQL" in capsys.readouterr().err
