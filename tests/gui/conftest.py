"""Fixtures for driving the bench window as an inspector with a scanner would."""

from __future__ import annotations

import gc
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from rmadesk.domain.policy import load_policy
from rmadesk.services.bench import BenchService
from rmadesk.services.context import open_store
from rmadesk.services.demo import create_demo_data
from rmadesk.settings import Settings
from rmadesk.store.uow import Store
from rmadesk.ui.bench.camera import FrameSource
from rmadesk.ui.bench.window import BenchWindow
from rmadesk.ui.common.sounds import Sounds
from tests.actors import BOSS


@dataclass
class Bench:
    """A bench window on a real SQLite file with the demo authorizations, and what it played."""

    window: BenchWindow
    store: Store
    qtbot: QtBot
    played: list[str] = field(default_factory=list)

    def scan(self, code: str, wait: str | None = None, into_scan_field: bool = False) -> None:
        """Type the code as a scanner does (a fast burst of keys, then Enter) where the focus is."""
        target = self.window.scan_field if into_scan_field else QApplication.focusWidget() or self.window
        if wait == "card":
            with self.qtbot.waitSignal(self.window.card_shown, timeout=5000):
                self._type(target, code)
        elif wait == "rejected":
            with self.qtbot.waitSignal(self.window.scan_rejected, timeout=5000):
                self._type(target, code)
        elif wait == "recorded":
            with self.qtbot.waitSignal(self.window.decision_recorded, timeout=5000):
                self._type(target, code)
        else:
            self._type(target, code)
        self.window.runner.wait()
        self.qtbot.wait(1)

    def _type(self, target: object, code: str) -> None:
        self.qtbot.keyClicks(target, code)
        self.qtbot.keyClick(target, Qt.Key.Key_Return)

    def key(self, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        target = QApplication.focusWidget() or self.window
        self.qtbot.keyClick(target, key, modifier)


NO_PHOTOS = ("carrier_damaged=0",)  # the photos setting of a bench that asks for none


def make_bench(
    qtbot: QtBot,
    store: Store,
    bench_name: str = "bench-1",
    inspector: str = "Ana",
    camera: FrameSource | None = None,
    points: float = 14,
    banner_note: str = "",
    size: tuple[int, int] = (1280, 800),
    **settings: Any,
) -> Bench:
    create_demo_data(store, BOSS)
    settings.setdefault("label_folder", tempfile.mkdtemp(prefix="rmadesk-labels-"))
    # These benches confirm carrier-damaged units without a camera: no photo is asked of them unless
    # a test says otherwise (photos=() keeps the policy's 2).
    photos = settings.pop("photos", NO_PHOTOS)
    service = BenchService(
        store, load_policy(), Settings(bench=bench_name, sounds=False, photos=tuple(photos), **settings)
    )
    sounds = Sounds(enabled=False)
    window = BenchWindow(
        service, inspector, sounds=sounds, points=points, camera=camera, banner_note=banner_note
    )
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    window.scan_field.setFocus()
    bench = Bench(window, store, qtbot)
    sounds.played.connect(bench.played.append)
    return bench


@pytest.fixture(autouse=True)
def collect_on_gui_thread() -> Iterator[None]:
    """As the app does: no automatic collection, which could free widgets on the worker thread."""
    gc.disable()
    yield
    gc.collect()
    gc.enable()


@pytest.fixture
def bench(qtbot: QtBot, sqlite_url: str) -> Iterator[Bench]:
    store = open_store(sqlite_url)
    bench = make_bench(qtbot, store)
    yield bench
    bench.window.runner.wait()
    bench.window.close()
    store.dispose()
