"""The benchmark's databases: built once per size and schema revision, then reused.

SQLite files live in /tmp/perf/ (``rmadesk-<size>-<head>.sqlite3``); on PostgreSQL each size is a database
next to the one given, named ``<name>_perf_<size>_<head>``, created when missing, or renamed and
upgraded from the newest one fully built under an older schema revision. Empty scratch databases
(for imports) are made the same way and dropped afterwards.
"""

from __future__ import annotations

import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.engine import URL, Engine

from rmadesk.services.context import open_store
from rmadesk.store import first_decision
from rmadesk.store.schema import HEAD
from rmadesk.store.uow import Store

FOLDER = Path("/tmp/perf")
BUILT = "perf_build"  # one row once a build has finished: a half-built database is built again


def sqlite_path(size: int, folder: Path = FOLDER) -> Path:
    return folder / f"rmadesk-{size}-{HEAD}.sqlite3"


def _pg_sibling(base_url: str, name: str) -> URL:
    return make_url(base_url).set(database=name)


def _admin(base_url: str):  # noqa: ANN202 - an Engine on the server's maintenance connection
    return create_engine(make_url(base_url), isolation_level="AUTOCOMMIT")


def pg_reachable(url: str) -> str | None:
    """None when the PostgreSQL server answers, else why not."""
    try:
        engine = create_engine(make_url(url))
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # noqa: BLE001 - any failure means: no PostgreSQL figures
        return str(exc).splitlines()[0]
    return None


def _create_pg(base_url: str, name: str, *, fresh: bool) -> str:
    engine = _admin(base_url)
    try:
        with engine.connect() as conn:
            exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
            if exists and fresh:
                conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            if not exists or fresh:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return _pg_sibling(base_url, name).render_as_string(hide_password=False)


def _drop_pg(base_url: str, name: str) -> None:
    engine = _admin(base_url)
    try:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()


def built_size(store: Store) -> int | None:
    return _built_in(store.engine)


def _built_in(engine: Engine) -> int | None:
    with engine.connect() as conn:
        if not conn.dialect.has_table(conn, BUILT):
            return None
        return conn.scalar(text(f"SELECT size FROM {BUILT}"))


def _built_as_it_is(url: str) -> int | None:
    """The size a database was built for, read without touching its schema."""
    engine = create_engine(make_url(url))
    try:
        return _built_in(engine)
    finally:
        engine.dispose()


def database_for(size: int, pg_url: str | None = None, log=print, folder: Path = FOLDER) -> str:  # noqa: ANN001
    """The URL of a database of ``size`` authorizations (with their units, codes and outcomes): SQLite in
    ``folder`` without ``pg_url``, else PostgreSQL next to ``pg_url``. One built for an older schema
    revision is renamed and upgraded (minutes saved at a million rows); else it is built."""
    if pg_url is None:
        folder.mkdir(parents=True, exist_ok=True)
        path = sqlite_path(size, folder)
        url = f"sqlite:///{path}"
        if not path.exists():
            older = _older_sqlite(size, folder)
            if older is not None:
                log(f"  {older.name}: upgraded to revision {HEAD} as {path.name}")
                older.rename(path)
                _upgraded(url)
        if path.exists():
            if _ready(url, size):
                return url
            path.unlink()
    else:
        name = f"{make_url(pg_url).database}_perf_{size}_{HEAD}"
        older_name = _older_pg(pg_url, size, name)
        if older_name is not None:
            log(f"  {older_name}: upgraded to revision {HEAD} as {name}")
            _rename_pg(pg_url, older_name, name)
            _upgraded(_pg_sibling(pg_url, name).render_as_string(hide_password=False))
        url = _create_pg(pg_url, name, fresh=False)
        if _ready(url, size):
            return url
        url = _create_pg(pg_url, name, fresh=True)
    build(url, size, log)
    return url


def _ready(url: str, size: int) -> bool:
    """Whether the database at ``url`` was built to the end for ``size`` (its schema is this one's:
    opening the store upgrades an older one)."""
    store = open_store(url)
    try:
        return built_size(store) == size
    finally:
        store.dispose()


def _upgraded(url: str) -> None:
    store = open_store(url)  # upgrades the schema
    try:
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE"))
    finally:
        store.dispose()


def _revision_of(name: str) -> str:
    return name.rsplit("_" if "_perf_" in name else "-", 1)[-1].removesuffix(".sqlite3")


def _older_sqlite(size: int, folder: Path) -> Path | None:
    """The newest file built for ``size`` under an older revision, if any."""
    older = [
        p
        for p in folder.glob(f"rmadesk-{size}-*.sqlite3")
        if _revision_of(p.name) < HEAD and _built_as_it_is(f"sqlite:///{p}") == size
    ]
    return max(older, key=lambda p: _revision_of(p.name), default=None)


def _older_pg(base_url: str, size: int, name: str) -> str | None:
    """The newest database built for ``size`` under an older revision, when none is there for this one."""
    prefix = f"{make_url(base_url).database}_perf_{size}_"
    engine = _admin(base_url)
    try:
        with engine.connect() as conn:
            names = list(
                conn.scalars(
                    text("SELECT datname FROM pg_database WHERE starts_with(datname, :p)"), {"p": prefix}
                )
            )
    finally:
        engine.dispose()
    if name in names:
        return None
    older = [
        n
        for n in names
        if _revision_of(n) < HEAD
        and _built_as_it_is(_pg_sibling(base_url, n).render_as_string(hide_password=False)) == size
    ]
    return max(older, key=_revision_of, default=None)


def _rename_pg(base_url: str, old: str, new: str) -> None:
    engine = _admin(base_url)
    try:
        with engine.connect() as conn:
            conn.execute(text(f'ALTER DATABASE "{old}" RENAME TO "{new}"'))
    finally:
        engine.dispose()


def build(url: str, size: int, log=print) -> None:  # noqa: ANN001
    """Load ``size`` authorizations with the browser benchmark's generator, then fill the columns kept
    for reports as the bench writes them (each outcome's authorization, each unit's decided_at, each
    return's first decision)."""
    from tests.perf.bench_browse import generate

    store = open_store(url)
    started = time.perf_counter()

    def progress(done: int) -> None:
        if done % 100_000 == 0 or done == size:
            log(
                f"  {store.name}: {done:,} of {size:,} authorizations ({time.perf_counter() - started:.0f} s)"
            )

    generate(store, size, progress=progress)
    with store.engine.begin() as conn:
        if store.dialect == "postgresql":
            conn.execute(text("SET LOCAL statement_timeout = 0"))
        conn.execute(
            text(
                "UPDATE outcome SET authorization_id = (SELECT u.authorization_id FROM unit u"
                " WHERE u.id = outcome.unit_id) WHERE authorization_id IS NULL"
            )
        )
        conn.execute(
            text(
                "UPDATE unit SET decided_at = (SELECT o.decided_at FROM outcome o WHERE o.unit_id = unit.id"
                " AND o.attempt = unit.attempt) WHERE decided_at IS NULL"
            )
        )
    with store.unit_of_work() as session:
        if store.dialect == "postgresql":
            session.execute(text("SET LOCAL statement_timeout = 0"))
        first_decision.fill(session)
    with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if store.dialect == "postgresql":
            conn.execute(text("SET statement_timeout = 0"))
            conn.execute(text("VACUUM ANALYZE"))
        else:
            conn.execute(text("ANALYZE"))
    with store.engine.begin() as conn:
        conn.execute(text(f"CREATE TABLE {BUILT} (size INTEGER NOT NULL)"))
        conn.execute(text(f"INSERT INTO {BUILT} (size) VALUES ({int(size)})"))
    log(f"  {store.name}: built in {time.perf_counter() - started:.0f} s")
    store.dispose()


@contextmanager
def empty_database(pg_url: str | None = None) -> Iterator[str]:
    """The URL of a new, empty database (no schema yet), removed afterwards."""
    if pg_url is None:
        with tempfile.TemporaryDirectory(prefix="rmadesk-perf-") as tmp:
            yield f"sqlite:///{Path(tmp) / 'empty.sqlite3'}"
        return
    name = f"{make_url(pg_url).database}_perf_scratch_{uuid.uuid4().hex[:8]}"
    url = _create_pg(pg_url, name, fresh=True)
    try:
        yield url
    finally:
        _drop_pg(pg_url, name)
