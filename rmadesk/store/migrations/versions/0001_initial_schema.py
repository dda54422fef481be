"""Initial schema: authorizations, units, scan codes, outcomes, stock, reimbursement lines, audit.

Revision ID: 0001
Revises: (none)
Create Date: 2026-11-26 19:32:15.180791
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("bench", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("entity_key", sa.String(length=200), nullable=False),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("after", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_event_at"), ["at"], unique=False)

    op.create_table(
        "import_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("report_kind", sa.String(length=30), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=80), nullable=False),
        sa.Column("bench", sa.String(length=64), nullable=False),
        sa.Column("rows_total", sa.Integer(), nullable=False),
        sa.Column("rows_added", sa.Integer(), nullable=False),
        sa.Column("rows_updated", sa.Integer(), nullable=False),
        sa.Column("rows_unchanged", sa.Integer(), nullable=False),
        sa.Column("rows_rejected", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batch")),
    )
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_batch_sha256"), ["sha256"], unique=False)

    op.create_table(
        "return_authorization",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("auth_key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("rma_id", sa.String(length=64), nullable=True),
        sa.Column("merchant_rma_id", sa.String(length=64), nullable=True),
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("order_date", sa.Date(), nullable=True),
        sa.Column("request_date", sa.Date(), nullable=True),
        sa.Column("request_status", sa.String(length=40), nullable=True),
        sa.Column("tracking_id", sa.String(length=64), nullable=True),
        sa.Column("carrier", sa.String(length=40), nullable=True),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("asin", sa.String(length=20), nullable=True),
        sa.Column("item_name", sa.Text(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=80), nullable=True),
        sa.Column("customer_comment", sa.Text(), nullable=True),
        sa.Column("in_policy", sa.Boolean(), nullable=True),
        sa.Column("return_type", sa.String(length=40), nullable=True),
        sa.Column("resolution", sa.String(length=40), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("order_amount", sa.BigInteger(), nullable=True),
        sa.Column("order_quantity", sa.Integer(), nullable=True),
        sa.Column("tax_amount", sa.BigInteger(), nullable=True),
        sa.Column("marketplace", sa.String(length=40), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("arrived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("source_hash", sa.String(length=64), nullable=True),
        sa.CheckConstraint("quantity >= 1", name=op.f("ck_return_authorization_quantity_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_return_authorization")),
        sa.UniqueConstraint("auth_key", name=op.f("uq_return_authorization_auth_key")),
        sa.UniqueConstraint("merchant_rma_id", name=op.f("uq_return_authorization_merchant_rma_id")),
        sa.UniqueConstraint("rma_id", name=op.f("uq_return_authorization_rma_id")),
    )
    with op.batch_alter_table("return_authorization", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_return_authorization_order_id"), ["order_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_return_authorization_sku"), ["sku"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_return_authorization_tracking_id"), ["tracking_id"], unique=False
        )

    op.create_table(
        "unit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("authorization_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("lpn", sa.String(length=64), nullable=True),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("claimed_by_bench", sa.String(length=64), nullable=True),
        sa.Column("claimed_by", sa.String(length=80), nullable=True),
        sa.Column("claim_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["authorization_id"],
            ["return_authorization.id"],
            name=op.f("fk_unit_authorization_id_return_authorization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unit")),
        sa.UniqueConstraint("authorization_id", "seq", name=op.f("uq_unit_authorization_id_seq")),
        sa.UniqueConstraint("lpn", name=op.f("uq_unit_lpn")),
    )
    op.create_table(
        "outcome",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("outcome_uid", sa.String(length=40), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("disposition", sa.String(length=20), nullable=False),
        sa.Column("recommended", sa.String(length=20), nullable=True),
        sa.Column("override_reason", sa.Text(), nullable=True),
        sa.Column("answers", sa.Text(), nullable=True),
        sa.Column("restocked", sa.Boolean(), nullable=False),
        sa.Column("location", sa.String(length=40), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("reimbursement_total", sa.BigInteger(), nullable=False),
        sa.Column("policy_name", sa.String(length=40), nullable=False),
        sa.Column("inspector", sa.String(length=80), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("bench", sa.String(length=64), nullable=False),
        sa.Column("scanned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "disposition IN ('sellable', 'carrier_damaged', 'seller_fault')",
            name=op.f("ck_outcome_disposition_known"),
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_outcome_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outcome")),
        sa.UniqueConstraint("outcome_uid", name=op.f("uq_outcome_outcome_uid")),
        sa.UniqueConstraint("unit_id", "attempt", name=op.f("uq_outcome_unit_id_attempt")),
    )
    with op.batch_alter_table("outcome", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outcome_decided_at"), ["decided_at"], unique=False)

    op.create_table(
        "scan_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("code_folded", sa.String(length=64), nullable=False),
        sa.Column("code_kind", sa.String(length=20), nullable=False),
        sa.Column("authorization_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["authorization_id"],
            ["return_authorization.id"],
            name=op.f("fk_scan_code_authorization_id_return_authorization"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["unit.id"], name=op.f("fk_scan_code_unit_id_unit"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scan_code")),
        sa.UniqueConstraint(
            "code", "code_kind", "authorization_id", name=op.f("uq_scan_code_code_code_kind_authorization_id")
        ),
    )
    with op.batch_alter_table("scan_code", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_scan_code_code"), ["code"], unique=False)
        batch_op.create_index(batch_op.f("ix_scan_code_code_folded"), ["code_folded"], unique=False)

    op.create_table(
        "reimbursement_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("outcome_id", sa.Integer(), nullable=False),
        sa.Column("component", sa.String(length=40), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.ForeignKeyConstraint(
            ["outcome_id"],
            ["outcome.id"],
            name=op.f("fk_reimbursement_line_outcome_id_outcome"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reimbursement_line")),
    )
    with op.batch_alter_table("reimbursement_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reimbursement_line_outcome_id"), ["outcome_id"], unique=False)

    op.create_table(
        "stock_movement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("outcome_id", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("location", sa.String(length=40), nullable=False),
        sa.Column("sellable", sa.Boolean(), nullable=False),
        sa.Column("moved_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["outcome_id"],
            ["outcome.id"],
            name=op.f("fk_stock_movement_outcome_id_outcome"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_movement")),
    )
    with op.batch_alter_table("stock_movement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stock_movement_outcome_id"), ["outcome_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_stock_movement_sku"), ["sku"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("stock_movement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stock_movement_sku"))
        batch_op.drop_index(batch_op.f("ix_stock_movement_outcome_id"))

    op.drop_table("stock_movement")
    with op.batch_alter_table("reimbursement_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reimbursement_line_outcome_id"))

    op.drop_table("reimbursement_line")
    with op.batch_alter_table("scan_code", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scan_code_code_folded"))
        batch_op.drop_index(batch_op.f("ix_scan_code_code"))

    op.drop_table("scan_code")
    with op.batch_alter_table("outcome", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outcome_decided_at"))

    op.drop_table("outcome")
    op.drop_table("unit")
    with op.batch_alter_table("return_authorization", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_return_authorization_tracking_id"))
        batch_op.drop_index(batch_op.f("ix_return_authorization_sku"))
        batch_op.drop_index(batch_op.f("ix_return_authorization_order_id"))

    op.drop_table("return_authorization")
    with op.batch_alter_table("import_batch", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_batch_sha256"))

    op.drop_table("import_batch")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_at"))

    op.drop_table("audit_event")
