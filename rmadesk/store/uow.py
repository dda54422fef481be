"""Units of work: one transaction per user action, database trouble turned into one known error."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker

from rmadesk.domain.errors import DatabaseUnavailable
from rmadesk.store.disk import storage_problem
from rmadesk.store.engine import (
    ONE_STATEMENT,
    READ_ONLY,
    SQLITE_WAIT_MS,
    describe_url,
    make_engine,
    make_sessionmaker,
)
from rmadesk.text.i18n import _


def is_database_trouble(exc: BaseException) -> bool:
    """True for errors of the environment (unreachable, locked, disk full), not of our logic."""
    if isinstance(exc, IntegrityError):
        return False
    if isinstance(exc, OperationalError | PoolTimeout):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


class Store:
    """The database of this process: engine, session factory and a person-readable name.

    Attributes:
        url: the SQLAlchemy URL, password included (never shown).
        engine: the one engine of the process.
    """

    def __init__(self, url: str, *, busy_timeout_ms: int = SQLITE_WAIT_MS) -> None:
        self.url = url
        try:
            self.engine: Engine = make_engine(url, busy_timeout_ms=busy_timeout_ms)
        except OSError as exc:  # the SQLite file's folder cannot be made
            raise DatabaseUnavailable(
                _("The database {database} cannot be opened: {reason} ({file})").format(
                    database=describe_url(url), reason=storage_problem(exc), file=exc.filename
                )
            ) from exc
        self._sessions: sessionmaker[Session] = make_sessionmaker(self.engine)
        self._reads = self.engine.execution_options(**{READ_ONLY: True})
        self._read_sessions: sessionmaker[Session] = make_sessionmaker(self._reads)
        one = {READ_ONLY: True, ONE_STATEMENT: True}
        if self.engine.dialect.name == "postgresql":
            one["isolation_level"] = "AUTOCOMMIT"
        self._one_statement = self.engine.execution_options(**one)

    @property
    def name(self) -> str:
        return describe_url(self.url)

    @property
    def file(self) -> Path | None:
        """The SQLite file, or None for a server."""
        parsed = make_url(self.url)
        if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
            return None
        return Path(parsed.database).expanduser()

    def trouble(self, exc: BaseException) -> str:
        """What went wrong with the database, in words ("the disk is full", or the driver's own)."""
        return storage_problem(exc, self.file)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def unit_of_work(self) -> Iterator[Session]:
        """A session in a transaction that commits on success and rolls back on any error."""
        with self._transaction(self._sessions) as session:
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading only: on SQLite it does not take the write lock."""
        with self._transaction(self._read_sessions) as session:
            yield session

    @contextmanager
    def connection(self, *, write: bool) -> Iterator[Connection]:
        """A Core connection in a transaction, without an ORM session (for the scan's hot path): a
        write begins IMMEDIATE on SQLite, as a unit of work does; a read does not take the lock."""
        with self.guarded(), (self.engine if write else self._reads).connect() as connection:
            with connection.begin():
                yield connection

    @contextmanager
    def one_statement(self) -> Iterator[Connection]:
        """A Core connection for reads of one statement each, outside any transaction: no BEGIN and
        no COMMIT to wait for (each statement alone sees one consistent state of the database)."""
        with self.guarded(), self._one_statement.connect() as connection:
            yield connection

    @contextmanager
    def _transaction(self, sessions: sessionmaker[Session]) -> Iterator[Session]:
        with self.guarded(), sessions() as session, session.begin():
            yield session

    @contextmanager
    def guarded(self) -> Iterator[None]:
        """Database trouble (unreachable, locked, disk full) raised inside becomes DatabaseUnavailable,
        with a message that names the database and the reason."""
        try:
            yield
        except (OperationalError, PoolTimeout, DBAPIError) as exc:
            if is_database_trouble(exc):
                raise DatabaseUnavailable(
                    _("The database cannot be reached or refused the work ({database}): {reason}").format(
                        database=self.name, reason=self.trouble(exc)
                    )
                ) from exc
            raise

    def dispose(self) -> None:
        self.engine.dispose()
