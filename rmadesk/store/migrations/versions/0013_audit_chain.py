"""A tamper-evident audit trail: each event carries a hash chained to the one before it.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 09:30:00

Each bench keeps its own chain (``chain`` is the bench's name): events of one bench follow one
another, so a bench waits only for itself to add the next link, never for the others. ``seq``
numbers a chain's events from 1 and ``audit_chain`` holds each chain's last link, so a removed
event, the chain's last one included, shows as a gap. Events written before this revision carry no
hash; ``rmadesk audit verify`` counts them apart.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("audit_event", sa.Column("chain", sa.String(length=64), nullable=True))
    op.add_column("audit_event", sa.Column("seq", sa.Integer(), nullable=True))
    op.add_column("audit_event", sa.Column("prev_hash", sa.String(length=64), nullable=True))
    op.add_column("audit_event", sa.Column("hash", sa.String(length=64), nullable=True))
    op.create_index("ux_audit_event_chain_seq", "audit_event", ["chain", "seq"], unique=True)
    op.create_table(
        "audit_chain",
        sa.Column("chain", sa.String(length=64), primary_key=True),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("audit_chain")
    op.drop_index("ux_audit_event_chain_seq", table_name="audit_event")
    for name in ("hash", "prev_hash", "seq", "chain"):
        op.drop_column("audit_event", name)
