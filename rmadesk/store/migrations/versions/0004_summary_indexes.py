"""Indexes for shift summaries: the few units whose decision was taken back, and an inspector's decisions.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 16:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A summary decides which outcomes are current without joining each one to its unit: only the units
# whose attempt moved on (a decision taken back) need looking at, and this index holds just those.
# rmadesk.summary.sql writes the same condition with a literal 0, as a planner needs to use it.
MOVED_ON = "attempt != 0"


def upgrade() -> None:
    op.create_index(
        "ix_unit_moved_on",
        "unit",
        ["id", "attempt"],
        unique=False,
        sqlite_where=sa.text(MOVED_ON),
        postgresql_where=sa.text(MOVED_ON),
    )
    # The median time per unit of each inspector sorts only that inspector's decisions in the window,
    # read from this index alone: the rows of one inspector lie scattered through the table, and
    # fetching each of them costs ten times the read of its index entry.
    op.create_index(
        "ix_outcome_inspector_time",
        "outcome",
        ["inspector", "decided_at", "scanned_at", "unit_id", "attempt"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_outcome_inspector_time", table_name="outcome")
    op.drop_index("ix_unit_moved_on", table_name="unit")
