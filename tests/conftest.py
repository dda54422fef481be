"""Shared fixtures: offscreen Qt, real SQLite files, the real PostgreSQL server."""

from __future__ import annotations

import errno
import os
import subprocess
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from sqlalchemy import Engine, create_engine, make_url, text  # noqa: E402

from rmadesk.services.context import open_store  # noqa: E402
from rmadesk.store.schema import alembic_config  # noqa: E402
from rmadesk.store.uow import Store  # noqa: E402

PG_ENV = "RMADESK_TEST_PG_URL"


DEFAULT_PG_URL = "postgresql+psycopg:///rmadesk_test"


def pg_base_url() -> str:
    """The PostgreSQL server of the tests (.ci/setup starts it). Unreachable fails, never skips."""
    return os.environ.get(PG_ENV, "").strip() or DEFAULT_PG_URL


_template: list[str] = []  # the migrated template database of this test run, made at first use


def _admin_execute(sql: str) -> None:
    base = pg_base_url()
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(sql))
    except Exception as exc:  # the server must be there in CI: say so plainly
        pytest.fail(f"PostgreSQL at {base} cannot be reached (run .ci/setup to start it): {exc}")
    finally:
        admin.dispose()


def _url_of(name: str) -> str:
    return make_url(pg_base_url()).set(database=name).render_as_string(hide_password=False)


def _migrated_template() -> str:
    """Migrates one database to the head schema once per test run; every test's database copies it."""
    if not _template:
        name = f"rmadesk_tpl_{uuid.uuid4().hex[:12]}"
        _admin_execute(f'CREATE DATABASE "{name}"')
        open_store(_url_of(name)).dispose()
        _template.append(name)
    return _template[0]


def fresh_pg_database(*, migrated: bool = True) -> str:
    """A new database on the test server at the head schema (or empty); the caller drops it."""
    name = f"rmadesk_t_{uuid.uuid4().hex[:12]}"
    template = f' TEMPLATE "{_migrated_template()}"' if migrated else ""
    _admin_execute(f'CREATE DATABASE "{name}"{template}')
    return _url_of(name)


def pytest_sessionfinish(session: pytest.Session) -> None:
    if _template:
        _admin_execute(f'DROP DATABASE IF EXISTS "{_template.pop()}" WITH (FORCE)')


def drop_pg_database(url: str) -> None:
    _admin_execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')


@pytest.fixture
def sqlite_url(tmp_path: os.PathLike[str]) -> str:
    return f"sqlite:///{tmp_path}/bench.sqlite3"


@pytest.fixture
def sqlite_store(sqlite_url: str) -> Iterator[Store]:
    store = open_store(sqlite_url)
    yield store
    store.dispose()


@pytest.fixture
def pg_store() -> Iterator[Store]:
    url = fresh_pg_database()
    store = open_store(url)
    yield store
    store.dispose()
    drop_pg_database(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    """The same test on a real SQLite file and on the real PostgreSQL server."""
    if request.param == "sqlite":
        yield request.getfixturevalue("sqlite_store")
    else:
        yield request.getfixturevalue("pg_store")


class FullDisk:
    """A small file system of its own (tmpfs), to fill up: a real "No space left on device"."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._filler = folder / "filler"

    def fill(self) -> None:
        """Take every free byte."""
        with self._filler.open("ab", buffering=0) as out:
            try:
                while True:
                    out.write(b"\0" * 4096)
                    out.flush()
            except OSError as exc:
                assert exc.errno == errno.ENOSPC, exc

    def free(self) -> None:
        self._filler.unlink(missing_ok=True)


def _as_root(*command: str) -> list[str]:
    return list(command) if os.geteuid() == 0 else ["sudo", "-n", *command]


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[FullDisk]:
    """A 1 MiB file system under tmp_path (mounting needs root or sudo, as .ci/run has)."""
    folder = tmp_path / "small-disk"
    folder.mkdir()
    mounted = subprocess.run(
        _as_root("mount", "-t", "tmpfs", "-o", f"size=1m,uid={os.getuid()}", "tmpfs", str(folder)),
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.fail(
            f"a small file system cannot be mounted for the full-disk tests: {mounted.stderr.strip()}"
        )
    try:
        yield FullDisk(folder)
    finally:
        subprocess.run(_as_root("umount", "-l", str(folder)), capture_output=True)


def migrate(engine: Engine, step: Callable[..., None], revision: str) -> None:
    """Run an Alembic command (command.upgrade or command.downgrade) to the revision, in one transaction."""
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        step(cfg, revision)
