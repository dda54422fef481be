"""A report's import on PostgreSQL runs under a roomier statement limit than a bench's, for its own
transaction alone."""

from sqlalchemy import text

from rmadesk.store.bulk import IMPORT_STATEMENT_LIMIT, BulkWriter
from rmadesk.store.uow import Store


def _limit(session) -> str:
    return session.execute(text("SHOW statement_timeout")).scalar_one()


def test_import_statement_limit_is_roomier_and_ends_with_the_import(pg_store: Store) -> None:
    with pg_store.unit_of_work() as session:
        bench_limit = _limit(session)
        with BulkWriter(session).importing():
            assert _limit(session) == IMPORT_STATEMENT_LIMIT
        assert bench_limit == "15s"
    with pg_store.unit_of_work() as session:
        assert _limit(session) == bench_limit
