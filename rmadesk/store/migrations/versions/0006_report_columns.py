"""Columns that spare reports joins: outcome.authorization_id and unit.decided_at; scan_code indexes.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outcome", schema=None) as batch_op:
        batch_op.add_column(sa.Column("authorization_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_outcome_authorization_id_return_authorization"),
            "return_authorization",
            ["authorization_id"],
            ["id"],
        )
        batch_op.create_index(batch_op.f("ix_outcome_authorization_id"), ["authorization_id"], unique=False)
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("scan_code", schema=None) as batch_op:
        # the unique (code, code_kind, authorization_id) index already serves lookups by code
        batch_op.drop_index("ix_scan_code_code")
        batch_op.create_index(batch_op.f("ix_scan_code_authorization_id"), ["authorization_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_scan_code_unit_id"), ["unit_id"], unique=False)
    # Fill the new columns from what is recorded.
    op.execute(
        "UPDATE outcome SET authorization_id = "
        "(SELECT unit.authorization_id FROM unit WHERE unit.id = outcome.unit_id)"
    )
    op.execute(
        "UPDATE unit SET decided_at = (SELECT outcome.decided_at FROM outcome "
        "WHERE outcome.unit_id = unit.id AND outcome.attempt = unit.attempt)"
    )
    op.create_index(
        "ix_unit_undecided",
        "unit",
        ["authorization_id"],
        sqlite_where=sa.text("decided_at IS NULL"),
        postgresql_where=sa.text("decided_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_unit_undecided", table_name="unit")
    with op.batch_alter_table("scan_code", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scan_code_unit_id"))
        batch_op.drop_index(batch_op.f("ix_scan_code_authorization_id"))
        batch_op.create_index("ix_scan_code_code", ["code"], unique=False)
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.drop_column("decided_at")
    with op.batch_alter_table("outcome", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outcome_authorization_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_outcome_authorization_id_return_authorization"), type_="foreignkey"
        )
        batch_op.drop_column("authorization_id")
