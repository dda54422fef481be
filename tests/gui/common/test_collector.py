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


def test_the_start_ups_objects_are_frozen_once_the_window_is_up(qtbot: QtBot) -> None:
    gc.unfreeze()
    collector = GarbageCollector()
    try:
        assert gc.get_freeze_count() == 0  # not yet: the full collection waits for the window
        cycle = Node()
        gone = weakref.ref(cycle)
        del cycle
        qtbot.waitUntil(lambda: collector.settled, timeout=5000)
        assert gone() is None  # collected before the rest was frozen
        assert gc.get_freeze_count() > 1000
    finally:
        collector.stop()
    assert gc.get_freeze_count() == 0
