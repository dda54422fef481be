"""People who sign in, outcome reversals as compensating records, and an append-only audit trail.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 20:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The audit trail is append-only for everyone, the application's own role included: a trigger
# refuses UPDATE and DELETE (GRANT/REVOKE alone would not bind the table's owner).
PG_AUDIT_GUARD = """
CREATE OR REPLACE FUNCTION rmadesk_audit_is_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""
PG_AUDIT_TRIGGER = """
CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
FOR EACH ROW EXECUTE FUNCTION rmadesk_audit_is_append_only();
"""
SQLITE_AUDIT_TRIGGERS = (
    """CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
    BEGIN SELECT RAISE(ABORT, 'audit_event is append-only: UPDATE refused'); END;""",
    """CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
    BEGIN SELECT RAISE(ABORT, 'audit_event is append-only: DELETE refused'); END;""",
)


def upgrade() -> None:
    op.create_table(
        "app_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("badge", sa.String(length=64), nullable=False),
        sa.Column("pin_hash", sa.String(length=200), nullable=False),
        sa.Column("failed_pins", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "role IN ('inspector', 'supervisor', 'admin')", name=op.f("ck_app_user_role_known")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_user")),
        sa.UniqueConstraint("badge", name=op.f("uq_app_user_badge")),
        sa.UniqueConstraint("name", name=op.f("uq_app_user_name")),
    )
    op.create_table(
        "outcome_reversal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reversal_uid", sa.String(length=40), nullable=False),
        sa.Column("outcome_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("reversed_by", sa.String(length=80), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("bench", sa.String(length=64), nullable=False),
        sa.Column("reversed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["outcome_id"], ["outcome.id"], name=op.f("fk_outcome_reversal_outcome_id_outcome")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome_reversal")),
        sa.UniqueConstraint("outcome_id", name=op.f("uq_outcome_reversal_outcome_id")),
        sa.UniqueConstraint("reversal_uid", name=op.f("uq_outcome_reversal_reversal_uid")),
    )
    for table in ("stock_movement", "reimbursement_line"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("reversal_id", sa.Integer(), nullable=True))
            batch_op.create_foreign_key(
                batch_op.f(f"fk_{table}_reversal_id_outcome_reversal"),
                "outcome_reversal",
                ["reversal_id"],
                ["id"],
            )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_AUDIT_GUARD)
        op.execute(PG_AUDIT_TRIGGER)
    else:
        for statement in SQLITE_AUDIT_TRIGGERS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_event_append_only ON audit_event")
        op.execute("DROP FUNCTION IF EXISTS rmadesk_audit_is_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")
    for table in ("reimbursement_line", "stock_movement"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(
                batch_op.f(f"fk_{table}_reversal_id_outcome_reversal"), type_="foreignkey"
            )
            batch_op.drop_column("reversal_id")
    op.drop_table("outcome_reversal")
    op.drop_table("app_user")
