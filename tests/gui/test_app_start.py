"""Starting the bench: a bad policy, an unreachable database or an unexpected error gets a message."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from rmadesk import app as app_module
from rmadesk.settings import Settings
from rmadesk.ui import dialogs


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, str]]:
    messages: list[tuple[str, str, str]] = []
    monkeypatch.setattr(
        dialogs,
        "show_error",
        lambda parent, title, message, details="": messages.append((title, message, details)),
    )
    return messages


def test_a_bad_policy_file_stops_the_start_with_the_field_named(
    qtbot: QtBot, tmp_path: Path, sqlite_url: str, shown: list[tuple[str, str, str]]
) -> None:
    bad = tmp_path / "policy.toml"
    default = (
        Path(app_module.__file__).parent.parent / "resources" / "policies" / "default.toml"
    ).read_text()
    bad.write_text(
        default.replace('\nreferral_rate = "0.15"', '\nreferal_rate = "0.15"', 1), encoding="utf-8"
    )
    assert "referal_rate" in bad.read_text(encoding="utf-8")
    code = app_module.run_gui(
        Settings(database_url=sqlite_url, policy=str(bad), sounds=False), inspector="Ana"
    )
    assert code == 2
    [(title, message, _)] = shown
    assert "cannot start" in title
    assert "referal_rate" in message


def test_an_unreachable_database_stops_the_start_with_a_plain_message(
    qtbot: QtBot, shown: list[tuple[str, str, str]]
) -> None:
    settings = Settings(database_url="postgresql+psycopg://nobody@127.0.0.1:1/none", sounds=False)
    code = app_module.run_gui(settings, inspector="Ana")
    assert code == 2
    [(_, message, details)] = shown
    assert "cannot be opened" in message and "127.0.0.1" in message
    assert "Traceback" not in message and details == ""


def test_no_inspector_name_means_no_bench(
    qtbot: QtBot, sqlite_url: str, shown: list[tuple[str, str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    monkeypatch.setattr(dialogs, "ask_inspector", lambda parent, bench, last="": asked.append(bench))
    code = app_module.run_gui(Settings(database_url=sqlite_url, bench="b7", sounds=False), inspector=None)
    assert code == 1
    assert asked == ["b7"]
    assert shown == []


def test_an_unexpected_error_is_shown_with_details_not_a_crash(
    qtbot: QtBot, shown: list[tuple[str, str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored after the test
    app_module._install_excepthook()
    try:
        raise RuntimeError("wires crossed")
    except RuntimeError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    [(title, message, details)] = shown
    assert "went wrong" in title and "kept" in message
    assert "RuntimeError: wires crossed" in details and "Traceback" in details
