"""The schema's fast check knows the newest migration."""

from __future__ import annotations

from rmadesk.store.schema import HEAD, head_revision


def test_the_head_constant_is_alembics_head() -> None:
    assert HEAD == head_revision()  # a new migration: set HEAD in rmadesk/store/schema.py to its revision
