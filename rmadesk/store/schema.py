"""Creating and upgrading the schema with Alembic, and refusing a schema newer than this code."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DBAPIError, SAWarning

from rmadesk.domain.errors import SchemaMismatch
from rmadesk.text.i18n import _

if TYPE_CHECKING:
    from alembic.config import Config

# The newest migration (a test checks it against Alembic's own head). A database at this revision is
# used as it is, without loading Alembic and parsing every migration: a command starts sooner.
HEAD = "0017"


def alembic_config(engine: Engine | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", "rmadesk.store:migrations")
    if engine is not None:
        # configparser reads "%" as interpolation: a URL-escaped socket path or password has some
        cfg.set_main_option(
            "sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%")
        )
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply migrations up to ``revision`` in one transaction."""
    from alembic import command

    cfg = alembic_config(engine)
    with engine.begin() as conn, warnings.catch_warnings():
        # Batch mode on SQLite reflects tables and warns about expression indexes it then recreates.
        warnings.filterwarnings("ignore", "Skipped unsupported reflection", SAWarning)
        if conn.dialect.name == "postgresql":
            # A migration may rewrite every row of a big table: no limit of a bench's statement.
            conn.exec_driver_sql("SET LOCAL statement_timeout = 0")
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def _stamped(engine: Engine) -> str | None:
    """The revision the database says it has, read plainly; None when it has none (or no table)."""
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except DBAPIError as exc:
        if exc.connection_invalidated or "alembic_version" not in str(exc.orig):
            raise
        return None
    return rows[0] if len(rows) == 1 else None


def is_empty(engine: Engine) -> bool:
    return not inspect(engine).get_table_names()


def ensure_schema(engine: Engine, *, allow_upgrade: bool = True) -> str:
    """Make the schema usable: create it in an empty database, upgrade an older one if allowed.

    Raises SchemaMismatch for a schema this version does not know (newer), or an older one
    that may not be upgraded here. Returns what was done: "created", "upgraded" or "current".
    """
    if _stamped(engine) == HEAD:
        return "current"
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    head = script.get_current_head()
    current = current_revision(engine)
    if current == head:
        return "current"
    if current is None:
        if not is_empty(engine):
            raise SchemaMismatch(
                _("This database holds tables that are not RMA Desk's. Point RMA Desk at its own database.")
            )
        upgrade(engine)
        return "created"
    known = {rev.revision for rev in script.walk_revisions()}
    if current not in known:
        raise SchemaMismatch(
            _(
                "The database was written by a newer RMA Desk (schema {current}); this version knows "
                "schemas up to {head}. Update RMA Desk on this bench."
            ).format(current=current, head=head)
        )
    if not allow_upgrade:
        raise SchemaMismatch(
            _(
                "The database schema ({current}) is older than this RMA Desk ({head}). "
                "An admin must upgrade it first ('rmadesk db upgrade')."
            ).format(current=current, head=head),
            older=True,
        )
    upgrade(engine)
    return "upgraded"
