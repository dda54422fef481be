"""When Qt cannot start: one clear message naming what to install or set, exit status 2, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from rmadesk.ui import qt_start


def _rmadesk(
    tmp_path: Path, env_changes: dict[str, str | None], *args: str
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    for key, value in env_changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, "-m", "rmadesk", "--db", f"sqlite:///{tmp_path}/bench.sqlite3", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )


def test_no_display_is_one_message_and_status_2(tmp_path: Path) -> None:
    done = _rmadesk(tmp_path, {"DISPLAY": None, "WAYLAND_DISPLAY": None, "QT_QPA_PLATFORM": None})
    assert done.returncode == 2
    assert "no display" in done.stderr
    assert "QT_QPA_PLATFORM=offscreen" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_platform_plugin_that_cannot_load_is_one_message_and_status_2(tmp_path: Path) -> None:
    done = _rmadesk(tmp_path, {"QT_QPA_PLATFORM": "nosuchplatform"}, "--check-start")
    assert done.returncode == 2
    assert "rmadesk: Qt cannot start" in done.stderr
    assert "QT_QPA_PLATFORM=xcb, wayland or offscreen" in done.stderr
    assert "Traceback" not in done.stderr


def test_check_start_opens_the_demo_return_on_the_card(tmp_path: Path) -> None:
    assert _rmadesk(tmp_path, {}, "demo").returncode == 0
    done = _rmadesk(tmp_path, {"QT_QPA_PLATFORM": "offscreen"}, "--check-start")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "RMA Desk start check: ok" in done.stdout
    assert "DkQxRtLmRRMA opened on the card" in done.stdout


def test_check_start_without_the_demo_says_so_and_fails(tmp_path: Path) -> None:
    done = _rmadesk(tmp_path, {"QT_QPA_PLATFORM": "offscreen"}, "--check-start")
    assert done.returncode == 1
    assert "'rmadesk demo' writes it" in done.stdout


def test_missing_libraries_are_found_and_named_with_their_packages(monkeypatch: pytest.MonkeyPatch) -> None:
    assert qt_start.missing_libraries(["libc.so.6", "libnosuchlibrary.so.7"]) == ["libnosuchlibrary.so.7"]
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    monkeypatch.setattr(qt_start, "CORE_LIBRARIES", (*qt_start.CORE_LIBRARIES, "libnosuchlibrary.so.7"))
    monkeypatch.setitem(qt_start.DEBIAN_PACKAGES, "libnosuchlibrary.so.7", "libnosuchlibrary7")
    with pytest.raises(qt_start.QtCannotStart) as caught:
        qt_start.check_qt_can_start()
    assert "lacks libnosuchlibrary.so.7" in caught.value.message
    assert "sudo apt-get install libnosuchlibrary7" in caught.value.message
