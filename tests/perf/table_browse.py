"""The browser's queries as the browser asks them, timed in ms (used when bench_browse has no measure())."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from rmadesk.services.browse import PAGE_SIZE, BrowseFilter, BrowseService
from rmadesk.services.context import open_store
from tests.actors import BOSS
from tests.perf.figures import Figure, from_samples

COUNTED_AT_MOST = 10_000  # as the browser's model counts a filter (rmadesk.ui.browser.model)


def _timed(run: Callable[[], Any], repeat: int) -> list[float]:
    run()  # the first run warms the caches and is not counted
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        run()
        times.append((time.perf_counter() - t0) * 1000)
    return times


def measure(url: str, rows: int, repeat: int) -> list[Figure]:
    """First page, a filtered count (the few "in inspection"), a page sorted by decision date and a
    substring search (page and count), each the median and spread of ``repeat`` runs after a first.
    ``rows`` is not used: the database at ``url`` is measured as it is."""
    store = open_store(url)
    try:
        service = BrowseService(store, BOSS)
        cold = BrowseService(store, BOSS, search_ttl_s=0)  # each search resolves its text again
        everything = BrowseFilter()
        inspecting = BrowseFilter(status="in_inspection")
        search = BrowseFilter(text="kettl")

        def searched() -> None:
            cold.page(search, "requested", True, 0, PAGE_SIZE)
            cold.count(search, at_most=COUNTED_AT_MOST)

        queries: dict[str, Callable[[], Any]] = {
            "browser first page": lambda: service.page(everything, "requested", True, 0, PAGE_SIZE),
            "browser filtered count": lambda: service.count(inspecting, at_most=COUNTED_AT_MOST),
            "browser sorted page": lambda: service.page(everything, "decided", True, 0, PAGE_SIZE),
            "browser substring search": searched,
        }
        return [from_samples(name, _timed(run, repeat), "ms") for name, run in queries.items()]
    finally:
        store.dispose()
