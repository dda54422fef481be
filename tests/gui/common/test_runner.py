"""The worker that keeps database calls off the GUI thread: order, errors, and no crash under load."""

from __future__ import annotations

import sys
from collections.abc import Callable

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from rmadesk.domain.errors import DatabaseUnavailable, UserError
from rmadesk.ui.common import dialogs, failures
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


# ----- the default failure path ----------------------------------------------------------------------------
Shown = list[tuple[object, str, str, str]]


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> Shown:
    messages: Shown = []
    monkeypatch.setattr(
        dialogs,
        "show_error",
        lambda parent, title, message, details="": messages.append((parent, title, message, details)),
    )
    return messages


def _raise(exc: BaseException) -> Callable[[], None]:
    def fail() -> None:
        raise exc

    return fail


@pytest.mark.parametrize(
    "error",
    [
        UserError("The label printer is switched off."),
        DatabaseUnavailable("The shared database cannot be reached: connection refused."),
    ],
)
def test_a_user_error_with_no_handler_becomes_one_message_over_the_window(
    qtbot: QtBot, shown: Shown, error: UserError
) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    runner = Runner(window)
    done: list[object] = []
    with qtbot.captureExceptions() as exceptions:
        with qtbot.waitSignal(runner.busy_changed, check_params_cb=lambda busy: not busy, timeout=5000):
            runner.run(_raise(error), done.append)
    assert shown == [(window, "RMA Desk", error.message, "")]
    assert exceptions == [] and done == []
    runner.stop()


def test_an_unexpected_error_with_no_handler_reaches_the_excepthook_once(qtbot: QtBot, shown: Shown) -> None:
    runner = Runner()
    bug = ZeroDivisionError("division by zero in the tally")
    with qtbot.captureExceptions() as exceptions:
        with qtbot.waitSignal(runner.busy_changed, check_params_cb=lambda busy: not busy, timeout=5000):
            runner.run(_raise(bug), print)
    assert [(kind, exc) for kind, exc, _tb in exceptions] == [(ZeroDivisionError, bug)]
    assert shown == []
    runner.stop()


def test_the_installed_excepthook_logs_and_shows_the_details_of_a_bug(
    qtbot: QtBot, shown: Shown, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    failures.install_excepthook()
    runner = Runner()
    with qtbot.waitSignal(runner.busy_changed, check_params_cb=lambda busy: not busy, timeout=5000):
        runner.run(_raise(KeyError("unit 7")), print)
    [(parent, title, message, details)] = shown
    assert parent is None and title == failures.UNEXPECTED_TITLE and "kept" in message
    assert "Traceback" in details and "KeyError: 'unit 7'" in details
    assert [r.getMessage().splitlines()[0] for r in caplog.records] == ["unhandled error"]
    runner.stop()


def test_a_given_on_error_replaces_the_default(qtbot: QtBot, shown: Shown) -> None:
    runner = Runner()
    errors: list[BaseException] = []
    with qtbot.captureExceptions() as exceptions:
        runner.run(_raise(UserError("No such RMA.")), print, errors.append)
        with qtbot.waitSignal(runner.busy_changed, check_params_cb=lambda busy: not busy, timeout=5000):
            runner.run(_raise(RuntimeError("wires crossed")), print, errors.append)
    assert [str(e) for e in errors] == ["No such RMA.", "wires crossed"]
    assert shown == [] and exceptions == []
    runner.stop()


def test_a_handler_that_shows_in_place_hears_a_user_error_only_as_its_message(
    qtbot: QtBot, shown: Shown
) -> None:
    said: list[str] = []
    with qtbot.captureExceptions() as exceptions:
        failures.show_failure(
            UserError("Give the start and the end."), said.append, unexpected="Failed ({error})."
        )
    assert said == ["Give the start and the end."] and exceptions == [] and shown == []


def test_a_bug_shown_in_place_still_reaches_the_excepthook(qtbot: QtBot, shown: Shown) -> None:
    said: list[str] = []
    bug = ValueError("bad row")
    with qtbot.captureExceptions() as exceptions:
        failures.show_failure(bug, said.append, unexpected="The figures could not be read ({error}).")
        failures.show_failure(bug, said.append)
    assert said == ["The figures could not be read (ValueError: bad row)."]
    assert [exc for _kind, exc, _tb in exceptions] == [bug, bug] and shown == []
