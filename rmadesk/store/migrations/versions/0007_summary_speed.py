"""Summary indexes that let a week's figures be read from indexes alone.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 22:00:00

Each database gets one covering index of outcomes, in place of 0004's (inspector, decided_at,
scanned_at, unit_id, attempt): a decision still writes as many index entries as before, only wider.

SQLite has no hash aggregation: a GROUP BY sorts every row of the window. Its index is ordered by the
summary's groups (inspector, bench, currency, disposition), then by time, and holds every column the
group figures read: the summaries of this release list the groups with a few seeks and read each group's
rows of a window as one range of this index, so nothing is sorted and no table row is read.

PostgreSQL aggregates in hash tables; what it spends is the visit of each row. Its index is a time
index with those columns included, so a window is read by an index-only scan; it includes the ids
too, whose range in a window bounds what the summary reads of the tables joined to outcomes.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GROUPS = ["inspector", "bench", "currency", "disposition"]  # the groups index
# What the figures read of an outcome besides its groups and time; "current" needs unit_id and attempt.
FIGURE_COLUMNS = ["scanned_at", "recommended", "restocked", "reimbursement_total", "unit_id", "attempt"]
SQLITE_INDEX = "ix_outcome_summary_groups"
POSTGRESQL_INDEX = "ix_outcome_summary_window"


def upgrade() -> None:
    op.drop_index("ix_outcome_inspector_time", table_name="outcome")
    if op.get_bind().dialect.name == "postgresql":
        op.create_index(
            POSTGRESQL_INDEX,
            "outcome",
            ["decided_at"],
            postgresql_include=[*GROUPS, "id", "authorization_id", *FIGURE_COLUMNS],
        )
    else:
        op.create_index(SQLITE_INDEX, "outcome", [*GROUPS, "decided_at", *FIGURE_COLUMNS])


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index(POSTGRESQL_INDEX, table_name="outcome")
    else:
        op.drop_index(SQLITE_INDEX, table_name="outcome")
    op.create_index(
        "ix_outcome_inspector_time",
        "outcome",
        ["inspector", "decided_at", "scanned_at", "unit_id", "attempt"],
        unique=False,
    )
