"""A large import fills SQLite's text index in one statement, and leaves it kept by its triggers."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from rmadesk.services.browse import BrowseFilter, BrowseService
from rmadesk.services.imports import import_report
from rmadesk.store import bulk
from rmadesk.store.models import Authorization
from rmadesk.store.uow import Store
from tests.actors import BOSS
from tests.perf.mfn_generator import write_mfn_report

ROWS = bulk.TEXT_INDEX_IN_BULK + 100
TRIGGERS = (
    "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'return_authorization' "
    "ORDER BY name"
)
INTEGRITY = (
    "INSERT INTO return_authorization_text(return_authorization_text, rank) VALUES ('integrity-check', 1)"
)


def triggers(store: Store) -> list[tuple[str, str]]:
    with store.read() as session:
        return [tuple(row) for row in session.execute(text(TRIGGERS))]  # type: ignore[misc]


def indexed_rows(store: Store) -> int:
    with store.read() as session:
        return session.scalar(text("SELECT count(*) FROM return_authorization_text")) or 0


def test_a_large_import_is_found_by_words_and_keeps_the_triggers(sqlite_store: Store, tmp_path: Path) -> None:
    before = triggers(sqlite_store)
    assert [name for name, _sql in before] == [f"return_authorization_text_{s}" for s in ("ad", "ai", "au")]
    report = tmp_path / "mfn.txt"
    ids = write_mfn_report(report, ROWS)
    result = import_report(sqlite_store, report, actor="office")
    assert result.added == ROWS
    assert triggers(sqlite_store) == before  # the same triggers, as they were written
    assert indexed_rows(sqlite_store) == ROWS
    with sqlite_store.read() as session:
        session.execute(text(INTEGRITY))  # the text table answers as the table itself would
    browse = BrowseService(sqlite_store, BOSS, search_ttl_s=0)
    rma = ids[ROWS - 7]
    found = browse.page(BrowseFilter(text=rma[1:8]), "requested", False)
    assert rma in [row.rma_id for row in found]
    # A small import after it is indexed row by row by the trigger again.
    small = tmp_path / "small.txt"
    write_mfn_report(small, 3, seed=99)
    import_report(sqlite_store, small, actor="office")
    assert indexed_rows(sqlite_store) == ROWS + 3
    with sqlite_store.read() as session:
        session.execute(text(INTEGRITY))


def test_an_import_that_fails_after_the_bulk_insert_leaves_the_triggers_and_the_index_as_they_were(
    sqlite_store: Store, tmp_path: Path
) -> None:
    before = triggers(sqlite_store)
    report = tmp_path / "mfn.txt"
    write_mfn_report(report, ROWS)

    def fail(done: int, total: int) -> None:
        raise RuntimeError("stopped after the first chunk")

    with pytest.raises(RuntimeError, match="first chunk"):
        import_report(sqlite_store, report, actor="office", progress=fail)
    assert triggers(sqlite_store) == before
    assert indexed_rows(sqlite_store) == 0
    with sqlite_store.read() as session:
        assert session.scalar(select(func.count()).select_from(Authorization)) == 0
        session.execute(text(INTEGRITY))
    assert import_report(sqlite_store, report, actor="office").added == ROWS
    assert indexed_rows(sqlite_store) == ROWS
