"""A private Xvfb display for tests that drive a real window with xdotool."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

SCREEN = "1600x1000x24"
FIRST_DISPLAY = 171
DISPLAYS_TO_TRY = 40
# What the real-window test needs on PATH (screenshots use /usr/bin/import from ImageMagick).
TOOLS = {"Xvfb": "Xvfb", "xdotool": "xdotool", "import": "/usr/bin/import"}


def missing_tools() -> list[str]:
    return [name for name, exe in TOOLS.items() if shutil.which(exe) is None]


def require_tools() -> None:
    """Skip when a tool is missing on a developer machine; fail in CI, which must run the test."""
    missing = missing_tools()
    if not missing:
        return
    message = (
        f"the real-window test needs {', '.join(missing)} "
        "(Debian packages xvfb, xdotool and imagemagick; .ci/setup installs them)"
    )
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the xvfb test, but {message}", pytrace=False)
    pytest.skip(message)


def _display_taken(number: int) -> bool:
    return Path(f"/tmp/.X{number}-lock").exists() or Path(f"/tmp/.X11-unix/X{number}").exists()


def _answers(display: str) -> bool:
    env = {**os.environ, "DISPLAY": display}
    probe = ["xdpyinfo"] if shutil.which("xdpyinfo") else ["xdotool", "getdisplaygeometry"]
    try:
        done = subprocess.run(probe, env=env, capture_output=True, timeout=5)
    except subprocess.TimeoutExpired:
        return False
    return done.returncode == 0


@dataclass
class Xvfb:
    """A running Xvfb server; stop() ends it (and only it)."""

    display: str
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


def start_xvfb(log_dir: Path, *, screen: str = SCREEN, timeout: float = 10.0) -> Xvfb:
    """Start Xvfb on the first free display from :171 on, and wait until it answers."""
    tried: list[str] = []
    for number in range(FIRST_DISPLAY, FIRST_DISPLAY + DISPLAYS_TO_TRY):
        if _display_taken(number):
            continue
        display = f":{number}"
        log = log_dir / f"xvfb-{number}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                ["Xvfb", display, "-nolisten", "tcp", "-screen", "0", screen],
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:  # another server won the race for this number
                break
            if _answers(display):
                return Xvfb(display, process, log)
            time.sleep(0.1)
        server = Xvfb(display, process, log)
        server.stop()
        tried.append(f"{display}: {log.read_text(errors='replace').strip()[-300:] or 'no answer'}")
    raise RuntimeError("Xvfb could not be started on any display: " + " | ".join(tried or ["all taken"]))
