"""Summaries read the outcomes alone: the day and week tallies of 0008 and 0009 are dropped.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 19:00:00

A summary groups the current outcomes of its window directly (rmadesk.summary.queries), so a decision
writes its outcome and nothing more. return_authorization.first_decided_at stays: the reasons of a
window count the returns first decided in it.

The downgrade creates the tables again and fills them from what is recorded, as 0008 and 0009 did.
"""

from collections.abc import Sequence

from alembic import op
from sqlalchemy.orm import Session

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = (
    "tally_duration_week",
    "tally_reason_week",
    "tally_duration",
    "tally_reason",
    "tally_restock",
    "tally_component",
    "tally_group",
)


def upgrade() -> None:
    for table in TABLES:
        op.drop_table(table)


def downgrade() -> None:
    from rmadesk.store.migrations import tallies

    bind = op.get_bind()
    tallies.metadata.create_all(bind)
    session = Session(bind=bind)
    tallies.fill_daily(session)
    tallies.fill_weekly(session)
    session.flush()
