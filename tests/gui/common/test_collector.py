"""The GUI thread's collector: nothing collected at rest, cycles freed once Python's thresholds say so."""

from __future__ import annotations

import gc
import weakref

from pytestqt.qtbot import QtBot

from rmadesk.ui.common.collector import GarbageCollector


class Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the collector frees it


def test_an_idle_check_collects_nothing_and_garbage_is_collected_when_due(qtbot: QtBot) -> None:
    collector = GarbageCollector()
    try:
        assert not gc.isenabled()
        for _ in range(5):
            collector.check()  # at rest: the counts stay under the thresholds
        assert collector.collections == [0, 0, 0]
        cycle = Node()
        gone = weakref.ref(cycle)
        del cycle
        kept = [[n] for n in range(collector.thresholds[0] + 10)]  # allocations push generation 0 over
        collector.check()
        assert len(kept) > collector.thresholds[0]
        assert collector.collections[0] + collector.collections[1] + collector.collections[2] == 1
        assert gone() is None
    finally:
        collector.stop()
    assert gc.isenabled()
