"""PostgreSQL roles: the owner that migrations use, and the application role the benches use.

The owner role (the one ``rmadesk db upgrade`` runs as) owns the schema. The application role owns
nothing: it reads and writes the business tables, adds to the audit trail and to the photos (a claim's
evidence) but can neither change nor empty them (no UPDATE, DELETE or TRUNCATE on ``audit_event`` or
``photo``), cannot change the schema or its triggers (it owns no table), and may change of a user
only the wrong-PIN count and the lock, so it cannot make anyone an admin. ``grant_application_role``
creates it (or brings its rights up to date after an upgrade) and returns the URL the benches use.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import make_url

from rmadesk.domain.errors import UserError
from rmadesk.text.i18n import _

DEFAULT_ROLE = "rmadesk_app"
_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")

# Tables whose rights differ from "read and write rows"; every other table of the schema gets
# SELECT, INSERT, UPDATE and DELETE.
_OWN_RIGHTS = {
    "audit_event": "SELECT, INSERT",
    "alembic_version": "SELECT",
    "app_user": "SELECT, INSERT",
    # A claim's evidence: added with its outcome, never changed or removed from a bench.
    "photo": "SELECT, INSERT",
}
_COLUMN_RIGHTS = {"app_user": "UPDATE (failed_pins, locked_until)"}


@dataclass(frozen=True)
class Granted:
    """What ``grant_application_role`` did: the role, whether it was new, and the benches' URL."""

    role: str
    created: bool
    url: str  # with the password when one was set, else without
    password_set: bool


def grant_application_role(
    engine: Engine,
    owner_url: str,
    *,
    role: str = DEFAULT_ROLE,
    host: str | None = None,
    new_password: bool = False,
) -> Granted:
    """Create the application role with a generated password (or, when it exists, bring its rights
    up to date, and set a new password only when asked), and grant it what a bench needs."""
    if engine.dialect.name != "postgresql":
        raise UserError(
            _(
                "Database roles are for PostgreSQL. An SQLite file has none: keep it where only "
                "the bench's own account may write."
            )
        )
    if not _ROLE_NAME.match(role):
        raise UserError(
            _("A role name is lower-case letters, digits and underscores, not “{role}”.").format(role=role)
        )
    tables = inspect(engine).get_table_names(schema="public")
    if "alembic_version" not in tables:
        raise UserError(_("This database has no RMA Desk schema yet: run “rmadesk db upgrade” first."))
    password = secrets.token_urlsafe(24)  # letters, digits, - and _: nothing to quote
    with engine.begin() as conn:
        if conn.execute(text("SELECT current_user")).scalar() == role:
            raise UserError(
                _("Run this as the owner of the database, not as the role {role}.").format(role=role)
            )
        exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first()
        limits = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"
        if exists is None:
            conn.execute(text(f"CREATE ROLE {role} {limits} PASSWORD '{password}'"))
        else:
            conn.execute(text(f"ALTER ROLE {role} {limits}"))
            if new_password:
                conn.execute(text(f"ALTER ROLE {role} PASSWORD '{password}'"))
        database = conn.execute(text("SELECT current_database()")).scalar()
        conn.execute(text(f'GRANT CONNECT ON DATABASE "{database}" TO {role}'))
        conn.execute(text(f"REVOKE CREATE ON SCHEMA public FROM PUBLIC, {role}"))
        conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {role}"))
        conn.execute(text(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}"))
        for table in tables:
            rights = _OWN_RIGHTS.get(table, "SELECT, INSERT, UPDATE, DELETE")
            conn.execute(text(f'GRANT {rights} ON TABLE public."{table}" TO {role}'))
            if table in _COLUMN_RIGHTS:
                conn.execute(text(f'GRANT {_COLUMN_RIGHTS[table]} ON TABLE public."{table}" TO {role}'))
        conn.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}"))
        # Tables a later upgrade adds are readable and writable at once; a run after the upgrade
        # sets their rights exactly as above.
        conn.execute(
            text(
                "ALTER DEFAULT PRIVILEGES IN SCHEMA public "
                f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}"
            )
        )
        conn.execute(
            text(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {role}")
        )
    password_set = exists is None or new_password
    parsed = make_url(owner_url)
    server = host or (parsed.host if parsed.host and not parsed.host.startswith("/") else None)
    query = {k: v for k, v in parsed.query.items() if k != "host"}
    url = parsed.set(
        username=role, password=password if password_set else None, host=server or "localhost", query=query
    )
    return Granted(role, exists is None, url.render_as_string(hide_password=False), password_set)
