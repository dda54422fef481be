"""A return of several items: each unit says which item it is, when it is not the authorization's first.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 07:40:00

One RMA may cover several items (the seller-fulfilled report then lists one row per item under the
same RMA ID). The authorization keeps its first item's fields, as before; a unit of another item
carries that item's number, SKU, ASIN, name, reason, unit price and category. Columns left empty mean
the authorization's own, so every unit recorded before reads as it did.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    ("item_seq", sa.Integer()),
    ("item_sku", sa.String(length=64)),
    ("item_asin", sa.String(length=20)),
    ("item_name", sa.Text()),
    ("item_reason", sa.String(length=80)),
    ("item_price", sa.BigInteger()),  # Money: 1/10000ths
    ("item_category", sa.String(length=40)),
)


def upgrade() -> None:
    for name, kind in COLUMNS:
        op.add_column("unit", sa.Column(name, kind, nullable=True))
    op.create_index(
        "ix_unit_items",
        "unit",
        ["authorization_id", "item_seq"],
        sqlite_where=sa.text("item_seq IS NOT NULL"),
        postgresql_where=sa.text("item_seq IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_unit_items", table_name="unit")
    for name, _kind in reversed(COLUMNS):
        op.drop_column("unit", name)
