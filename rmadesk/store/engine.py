"""Engine set-up: SQLite pragmas for one bench, PostgreSQL for many, and the default location."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import platformdirs
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

ENV_DATABASE_URL = "RMADESK_DATABASE_URL"
READ_ONLY = "rmadesk_read_only"  # execution option of the engine that read-only sessions use
# Execution option of a connection whose work is one statement (a scan's look-up): it runs outside any
# transaction, since one statement sees one consistent state by itself; no BEGIN and no COMMIT.
ONE_STATEMENT = "rmadesk_one_statement"
APP_NAME = "rmadesk"
# How long an SQLite writer waits for the lock before it gives up. An import holds the write lock
# for the whole file (all or nothing): 100,000 rows take seconds, a file near the size limit about a
# minute. A bench's decision waits its turn rather than being called an outage (the bench says it
# waits after a moment); only a lock held longer than this is trouble.
SQLITE_WAIT_MS = 120_000


def default_database_path() -> Path:
    """The embedded database file in the user's data directory."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "rmadesk.sqlite3"


def resolve_database_url(cli_url: str | None = None) -> str:
    """``--db`` first, then RMADESK_DATABASE_URL, then the SQLite file in the user's data directory."""
    if cli_url:
        return cli_url
    env_url = os.environ.get(ENV_DATABASE_URL, "").strip()
    if env_url:
        return env_url
    return f"sqlite:///{default_database_path()}"


def describe_url(url: str) -> str:
    """A URL fit to show a person: no password."""
    return make_url(url).render_as_string(hide_password=True)


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    # pysqlite's own transaction handling is switched off so that every transaction
    # begins with BEGIN IMMEDIATE: a writer takes the lock up front instead of
    # failing half way with "database is locked" (SQLAlchemy's documented recipe).
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=FULL")  # WAL + FULL: a commit survives power loss
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()

    @event.listens_for(engine, "close")
    def _on_close(dbapi_connection: Any, _record: Any) -> None:
        # SQLite's advice: before a connection closes, let it gather the statistics its queries
        # would plan better with (usually nothing to do, and then it costs nothing).
        try:
            dbapi_connection.execute("PRAGMA busy_timeout=200")  # never hold up a closing program
            dbapi_connection.execute("PRAGMA optimize")
        except Exception:  # noqa: BLE001 - a read-only or vanished file: the statistics can wait
            pass

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # Reads begin deferred: in WAL mode they see a consistent snapshot without taking the
        # write lock, so a long report never holds up a bench's commit.
        options = connection.get_execution_options()
        if options.get(ONE_STATEMENT):
            return  # autocommit: the driver's commit and rollback do nothing outside a transaction
        if options.get(READ_ONLY):
            connection.exec_driver_sql("BEGIN")
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str, *, echo: bool = False, busy_timeout_ms: int = SQLITE_WAIT_MS) -> Engine:
    """An engine for the URL, with SQLite pragmas or PostgreSQL time-outs set."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, echo=echo, connect_args={"check_same_thread": False, "timeout": busy_timeout_ms / 1000}
        )
        _configure_sqlite(engine, busy_timeout_ms)
        return engine
    if parsed.get_backend_name() == "postgresql":
        return create_engine(
            url,
            echo=echo,
            pool_pre_ping=True,
            connect_args={"connect_timeout": 5, "options": "-c lock_timeout=3000 -c statement_timeout=15000"},
        )
    return create_engine(url, echo=echo)


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    """The one session factory of the process; each unit of work opens its own session, and every
    audit event it writes is linked into its bench's chain (rmadesk.store.audit_chain)."""
    from rmadesk.store.audit_chain import link_audit_events

    factory = sessionmaker(engine, expire_on_commit=False)
    link_audit_events(factory)
    return factory
