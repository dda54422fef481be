"""Indexes for browsing authorizations: sort and filter columns, and the audit history of one.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 10:12:41.503118
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Each sort column is indexed with the id after it: the browser orders by (column, id) and pages
# from the last row it holds, so a page deep in the list costs what the first one does.
# The expressions must read exactly as rmadesk.services.browse writes them, or no planner uses them.
SORT_INDEXES: tuple[tuple[str, list[str | sa.TextClause]], ...] = (
    ("ix_return_authorization_request_date_id", ["request_date", "id"]),
    ("ix_return_authorization_updated_at_id", ["updated_at", "id"]),
    ("ix_return_authorization_kind_id", ["kind", "id"]),
    ("ix_return_authorization_reason_id", ["reason", "id"]),
    ("ix_return_authorization_quantity_id", ["quantity", "id"]),
    ("ix_return_authorization_display_id", [sa.text("coalesce(rma_id, merchant_rma_id)"), "id"]),
    # An item name has no length limit and PostgreSQL refuses a b-tree entry over ~2.7 kB: its first
    # 400 characters. With the SKU this index is also what a word search reads on SQLite.
    ("ix_return_authorization_item_search", [sa.text("substr(item_name, 1, 400)"), "sku", "id"]),
)
WORDS_INDEX = "ix_return_authorization_words"


def _create_words_index() -> None:
    """PostgreSQL: a trigram index, so that words found in few items are found without a table scan.

    Only where the pg_trgm extension can be had (it ships with PostgreSQL's contrib, and a database
    owner may create it); without it the word search reads the table, as it always does on SQLite.
    """
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    if not bind.execute(sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")).scalar():
        return
    savepoint = bind.begin_nested()
    try:
        bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except sa.exc.DBAPIError:  # no right to create it here: search without the index
        savepoint.rollback()
        return
    savepoint.commit()
    op.create_index(
        WORDS_INDEX,
        "return_authorization",
        ["item_name", "sku"],
        unique=False,
        postgresql_using="gin",
        postgresql_ops={"item_name": "gin_trgm_ops", "sku": "gin_trgm_ops"},
    )


def upgrade() -> None:
    for name, columns in SORT_INDEXES:
        op.create_index(name, "return_authorization", columns, unique=False)
    # "Awaiting" is the authorizations not yet seen at a bench.
    op.create_index(
        "ix_return_authorization_arrived_at", "return_authorization", ["arrived_at"], unique=False
    )
    # The history of one authorization: its decisions are keyed "<auth_key>#<unit seq>".
    op.create_index("ix_audit_event_entity_key", "audit_event", ["entity_key"], unique=False)
    _create_words_index()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {WORDS_INDEX}")  # pg_trgm stays: it may serve others
    op.drop_index("ix_audit_event_entity_key", table_name="audit_event")
    op.drop_index("ix_return_authorization_arrived_at", table_name="return_authorization")
    for name, _columns in reversed(SORT_INDEXES):
        op.drop_index(name, table_name="return_authorization")
