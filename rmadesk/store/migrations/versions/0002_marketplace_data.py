"""Marketplace returns per unit (FBA), marketplace reimbursements, seller-issued RMAs.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 19:47:18.242256
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "marketplace_reimbursement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("row_key", sa.String(length=200), nullable=False),
        sa.Column("reimbursement_id", sa.String(length=40), nullable=False),
        sa.Column("approval_date", sa.Date(), nullable=True),
        sa.Column("case_id", sa.String(length=40), nullable=True),
        sa.Column("order_id", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.String(length=60), nullable=True),
        sa.Column("sku", sa.String(length=64), nullable=True),
        sa.Column("fnsku", sa.String(length=20), nullable=True),
        sa.Column("asin", sa.String(length=20), nullable=True),
        sa.Column("product_name", sa.Text(), nullable=True),
        sa.Column("condition", sa.String(length=40), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("amount_per_unit", sa.BigInteger(), nullable=True),
        sa.Column("quantity_cash", sa.Integer(), nullable=False),
        sa.Column("amount_total", sa.BigInteger(), nullable=False),
        sa.Column("quantity_inventory", sa.Integer(), nullable=False),
        sa.Column("quantity_total", sa.Integer(), nullable=False),
        sa.Column("original_reimbursement_id", sa.String(length=40), nullable=True),
        sa.Column("original_reimbursement_type", sa.String(length=40), nullable=True),
        sa.Column("source_hash", sa.String(length=64), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_marketplace_reimbursement")),
        sa.UniqueConstraint("row_key", name=op.f("uq_marketplace_reimbursement_row_key")),
    )
    with op.batch_alter_table("marketplace_reimbursement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_marketplace_reimbursement_order_id"), ["order_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_marketplace_reimbursement_reimbursement_id"), ["reimbursement_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_marketplace_reimbursement_sku"), ["sku"], unique=False)

    with op.batch_alter_table("return_authorization", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fnsku", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("issued_by", sa.String(length=80), nullable=True))

    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("marketplace_disposition", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("marketplace_reason", sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column("marketplace_status", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("fulfillment_center", sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column("returned_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("source_hash", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("unit", schema=None) as batch_op:
        batch_op.drop_column("source_hash")
        batch_op.drop_column("returned_on")
        batch_op.drop_column("fulfillment_center")
        batch_op.drop_column("marketplace_status")
        batch_op.drop_column("marketplace_reason")
        batch_op.drop_column("marketplace_disposition")

    with op.batch_alter_table("return_authorization", schema=None) as batch_op:
        batch_op.drop_column("issued_by")
        batch_op.drop_column("fnsku")

    with op.batch_alter_table("marketplace_reimbursement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_marketplace_reimbursement_sku"))
        batch_op.drop_index(batch_op.f("ix_marketplace_reimbursement_reimbursement_id"))
        batch_op.drop_index(batch_op.f("ix_marketplace_reimbursement_order_id"))

    op.drop_table("marketplace_reimbursement")
