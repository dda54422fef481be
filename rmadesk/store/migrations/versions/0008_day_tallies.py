"""Day tallies for summaries over whole days, and the day each return was first decided.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26 23:00:00

A summary of a week read a quarter of a million outcomes, and as many again for the week compared
with. The tally tables hold the same sums per UTC day, kept by the bench and reversals in the
transaction that writes the decision; a summary reads them for the whole days of
its window and the outcomes only for the part-days at its ends.

return_authorization.first_decided_at dates the first decision of a return still standing: a
return is counted in the reasons of the window it was first decided in, once.

The tables are filled here from what is recorded (rmadesk.store.migrations.tallies); migration 0010
drops them again.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REASON_INDEX = "ix_return_authorization_first_decided"


def _money() -> sa.BigInteger:
    return sa.BigInteger()


def upgrade() -> None:
    with op.batch_alter_table("return_authorization", schema=None) as batch_op:
        batch_op.add_column(sa.Column("first_decided_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "tally_group",
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("inspector", sa.String(80), nullable=False),
        sa.Column("bench", sa.String(64), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("disposition", sa.String(20), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.Column("overrides", sa.Integer(), nullable=False),
        sa.Column("restocked", sa.Integer(), nullable=False),
        sa.Column("reimbursement", _money(), nullable=False),
        sa.Column("timed", sa.Integer(), nullable=False),
        sa.Column("scan_ms", sa.BigInteger(), nullable=False),
        sa.Column("arrived", sa.Integer(), nullable=False),
        sa.Column("arrival_ms", sa.BigInteger(), nullable=False),
        sa.Column("first_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "day", "inspector", "bench", "currency", "disposition", name="pk_tally_group"
        ),
    )
    op.create_table(
        "tally_component",
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("component", sa.String(40), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("amount", _money(), nullable=False),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "component", "currency", name="pk_tally_component"),
    )
    op.create_table(
        "tally_restock",
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(64), nullable=False),
        sa.Column("location", sa.String(40), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "sku", "location", name="pk_tally_restock"),
    )
    op.create_table(
        "tally_reason",
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(64), nullable=False),
        sa.Column("reason", sa.String(80), nullable=False),
        sa.Column("returns", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "sku", "reason", name="pk_tally_reason"),
    )
    op.create_table(
        "tally_duration",
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("inspector", sa.String(80), nullable=False),
        sa.Column("bin", sa.Integer(), nullable=False),
        sa.Column("units", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "kind", "inspector", "bin", name="pk_tally_duration"),
    )
    # The reasons of the part-days at a window's ends are read by this index alone.
    if op.get_bind().dialect.name == "postgresql":
        op.create_index(
            REASON_INDEX, "return_authorization", ["first_decided_at"], postgresql_include=["sku", "reason"]
        )
    else:
        op.create_index(REASON_INDEX, "return_authorization", ["first_decided_at", "sku", "reason"])

    from rmadesk.store import first_decision
    from rmadesk.store.migrations.tallies import fill_daily

    session = Session(bind=op.get_bind())
    first_decision.fill(session)
    fill_daily(session)
    session.flush()


def downgrade() -> None:
    op.drop_index(REASON_INDEX, table_name="return_authorization")
    for table in ("tally_duration", "tally_reason", "tally_restock", "tally_component", "tally_group"):
        op.drop_table(table)
    # Not a batch (a copy of the table, which its foreign keys forbid dropping): SQLite 3.35 and later
    # drop a column in place.
    op.execute("ALTER TABLE return_authorization DROP COLUMN first_decided_at")
