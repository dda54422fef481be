"""Weekly sums of the two largest day tallies (reasons, duration bins), filled from the daily ones.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27 00:00:00

tally_reason and tally_duration hold thousands of rows a day (every SKU and reason returned, every
inspector's bins). A window of weeks reads their weekly sums for its whole weeks (Monday to Sunday,
UTC) and the daily rows only for the days before and after them (until migration 0010 drops them).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tally_reason_week",
        sa.Column("week", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(64), nullable=False),
        sa.Column("reason", sa.String(80), nullable=False),
        sa.Column("returns", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("week", "sku", "reason", name="pk_tally_reason_week"),
    )
    op.create_table(
        "tally_duration_week",
        sa.Column("week", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("inspector", sa.String(80), nullable=False),
        sa.Column("bin", sa.Integer(), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("week", "kind", "inspector", "bin", name="pk_tally_duration_week"),
    )
    from rmadesk.store.migrations.tallies import fill_weekly

    session = Session(bind=op.get_bind())
    fill_weekly(session)
    session.flush()


def downgrade() -> None:
    op.drop_table("tally_duration_week")
    op.drop_table("tally_reason_week")
