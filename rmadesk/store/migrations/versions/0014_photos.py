"""Photos of a unit, stored with its outcome: the evidence of a damage claim.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 12:00:00

Each photo belongs to one outcome (``position`` orders them from 1) and holds the stored JPEG, its
thumbnail, its SHA-256, its size, who took it, when and on which bench. The bytes are in the row
(bytea on PostgreSQL, a BLOB on SQLite), so every bench and supervisor that reaches the database
sees them. A reversal writes no photo and removes none: the outcome's photos stay with it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "photo",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("outcome_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("jpeg", sa.LargeBinary(), nullable=False),
        sa.Column("thumbnail", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("byte_size", sa.Integer(), nullable=False),
        sa.Column("taken_by", sa.String(length=80), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("bench", sa.String(length=64), nullable=False),
        sa.Column("source", sa.String(length=12), nullable=False),
        sa.ForeignKeyConstraint(["outcome_id"], ["outcome.id"], name=op.f("fk_photo_outcome_id_outcome")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_photo")),
        sa.UniqueConstraint("outcome_id", "position", name=op.f("uq_photo_outcome_id_position")),
        sa.CheckConstraint("position >= 1", name=op.f("ck_photo_position_positive")),
        sa.CheckConstraint("source IN ('camera', 'file', 'folder')", name=op.f("ck_photo_source_known")),
    )
    op.create_index(op.f("ix_photo_outcome_id"), "photo", ["outcome_id"])
    op.create_index(op.f("ix_photo_sha256"), "photo", ["sha256"])
    op.create_index(op.f("ix_photo_taken_at"), "photo", ["taken_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_photo_taken_at"), table_name="photo")
    op.drop_index(op.f("ix_photo_sha256"), table_name="photo")
    op.drop_index(op.f("ix_photo_outcome_id"), table_name="photo")
    op.drop_table("photo")
