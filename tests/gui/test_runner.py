"""The worker that keeps database calls off the GUI thread: order, errors, and no crash under load."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from rmadesk.ui.common.runner import Runner


def test_jobs_run_in_order_and_results_come_back_on_the_gui_thread(qtbot: QtBot) -> None:
    import threading

    runner = Runner()
    results: list[tuple[int, bool]] = []
    gui = threading.get_ident()
    for n in range(5):
        runner.run(
            lambda n=n: n * n, lambda value: results.append((value, threading.get_ident() == gui)), print
        )
    qtbot.waitUntil(lambda: not runner.busy, timeout=5000)
    assert results == [(0, True), (1, True), (4, True), (9, True), (16, True)]
    runner.stop()


def test_an_error_goes_to_the_error_callback(qtbot: QtBot) -> None:
    runner = Runner()
    errors: list[BaseException] = []
    done: list[object] = []

    def fail() -> None:
        raise ValueError("disk full")

    busy: list[bool] = []
    runner.busy_changed.connect(busy.append)
    runner.run(fail, done.append, errors.append)
    qtbot.waitUntil(lambda: not runner.busy, timeout=5000)
    assert busy == [True, False]
    assert done == [] and len(errors) == 1 and str(errors[0]) == "disk full"
    runner.stop()


def test_thousands_of_jobs_with_python_results_do_not_crash(qtbot: QtBot) -> None:
    # PySide6 6.12.0 crashed here (a reference-count error in cross-thread signals).
    runner = Runner()
    got: list[dict[str, int]] = []
    for n in range(2000):
        runner.run(lambda n=n: {"n": n}, got.append, print)
        if n % 50 == 0:
            qtbot.waitUntil(lambda: not runner.busy, timeout=5000)
    qtbot.waitUntil(lambda: not runner.busy, timeout=10000)
    assert [g["n"] for g in got] == list(range(2000))
    runner.stop()
