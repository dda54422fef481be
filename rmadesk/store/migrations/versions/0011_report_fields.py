"""What the reports carry that a supervisor or a claim needs, kept: refund, label and claim fields of the
seller-fulfilled report, and each FBA unit's own customer comment.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 07:10:00

The seller-fulfilled returns report gives per return what was refunded, when the parcel was delivered
back, what its label cost and who pays it, whether an A-to-z claim is open, and the SafeT claim (its
ID, state and what it paid). The FBA customer returns report gives a comment per license plate: each
unit keeps its own (the authorization's stays the first unit's, as before).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

AUTHORIZATION_COLUMNS = (
    ("refunded_amount", sa.BigInteger()),  # Money: 1/10000ths
    ("return_delivery_date", sa.Date()),
    ("label_cost", sa.BigInteger()),
    ("label_paid_by", sa.String(length=20)),
    ("a_to_z_claim", sa.Boolean()),
    ("safet_claim_id", sa.String(length=40)),
    ("safet_claim_state", sa.String(length=40)),
    ("safet_amount", sa.BigInteger()),
)


# Plain ALTER TABLE on both databases (SQLite drops a column itself since 3.35): a batch copy of the
# tables would have to drop tables that others refer to.


def upgrade() -> None:
    for name, kind in AUTHORIZATION_COLUMNS:
        op.add_column("return_authorization", sa.Column(name, kind, nullable=True))
    op.add_column("unit", sa.Column("marketplace_comment", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("unit", "marketplace_comment")
    for name, _kind in reversed(AUTHORIZATION_COLUMNS):
        op.drop_column("return_authorization", name)
