"""The ``faults`` marker (pyproject is not ours to edit), and the PostgreSQL database of a fault test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import drop_pg_database, fresh_pg_database
from tests.faults.harness import SUMMARIES, ensure_server_running


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "faults: fault tests (server stopped and restarted, SIGKILL, connection cuts, races); "
        "they need the real PostgreSQL server and fail, never skip, without it",
    )


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh database on the test server, dropped afterwards (with the server running again)."""
    url = fresh_pg_database()
    try:
        yield url
    finally:
        ensure_server_running()
        drop_pg_database(url)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if SUMMARIES:
        terminalreporter.section("fault tests: what was measured")
        for line in SUMMARIES:
            terminalreporter.write_line(line)
