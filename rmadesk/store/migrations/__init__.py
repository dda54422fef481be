"""Alembic migrations of the RMA Desk schema."""
