"""The bench as a real X window under Xvfb, driven as a USB scanner and a keyboard would, with xdotool.

The app runs as its own process (``python -m rmadesk``) on a demo SQLite file. The test types scans
and presses keys through the X server, reads the screen's state from screenshots (the colours of the
bench's style sheet), and takes the database, through ``rmadesk export outcomes``, as the ground truth.
Screenshots land in artifacts/xvfb/ under the repository root, and in the test's tmp_path.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from rmadesk.ui.common.style import ERROR, INFO, NEUTRAL, NOTE, OK, WARN
from tests.gui.xvfb import Xvfb, require_tools, start_xvfb

pytestmark = pytest.mark.xvfb

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts" / "xvfb"
BENCH = "xvfb-bench"
INSPECTOR = "Ana"
TSHIRT = "DkQxRtLmRRMA"  # 1 unit
KETTLE = "DpHwNcVbRRMA"  # 2 units
WINDOW_NAME = f"RMA Desk.*{BENCH}"  # the bench window only, not a "RMA Desk cannot start" box
STEP_TIMEOUT_S = 10.0


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    value = hex_colour.lstrip("#")
    return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))


BANNER_COLOURS = {
    _rgb(c): name
    for name, c in {
        "info": INFO,
        "ok": OK,
        "warn": WARN,
        "error": ERROR,
        "busy": NEUTRAL,
        "note": NOTE,
    }.items()
}
WHITE = (255, 255, 255)
YES_BUTTON = _rgb("#e8f5e9")  # QPushButton#yes in the style sheet
CONFIRM_BUTTON = _rgb(OK)  # QPushButton#confirm
PROBE_X = 24  # inside the banners' and the card's left padding, left of any text


@dataclass(frozen=True)
class Screen:
    """What the bench window shows, read from its pixels.

    Attributes:
        banners: colours of the banners from the top: on SQLite the "single bench" note (note), then
            the message banner: "info", "ok", "warn", "error" or "busy".
        page: "work" (the card and a panel) or "ready" (the big scan prompt and the recent list).
        question: the Yes [F2] / No [F3] buttons are on screen.
        confirm: the big green Confirm button is on screen.
        size: the window's width and height.
    """

    banners: tuple[str, ...]
    page: str
    question: bool
    confirm: bool
    size: tuple[int, int]

    @property
    def banner(self) -> str | None:
        """The message banner: the last one (None if none was seen)."""
        return self.banners[-1] if self.banners else None

    @property
    def phase(self) -> str:
        if self.banner == "busy":
            return "busy"
        if self.page == "ready":
            return "ready"
        if self.question:
            return "question"
        return "preview" if self.confirm else "recommendation"

    def __str__(self) -> str:
        return f"phase={self.phase} banners={'+'.join(self.banners)} size={self.size[0]}x{self.size[1]}"


def _runs(column: list[tuple[int, int, int]]) -> list[tuple[int, int, tuple[int, int, int]]]:
    """(start, length, colour) of each run of one colour down a pixel column."""
    runs: list[tuple[int, int, tuple[int, int, int]]] = []
    start = 0
    for y in range(1, len(column) + 1):
        if y == len(column) or column[y] != column[start]:
            runs.append((start, y - start, column[start]))
            start = y
    return runs


def read_screen(window: Image.Image) -> Screen:
    width, height = window.size
    runs = _runs([window.getpixel((PROBE_X, y)) for y in range(height)])
    # Banners are long runs of a banner colour in the top part; the SQLite note comes first.
    banners = [
        BANNER_COLOURS[c] for start, n, c in runs if n >= 20 and c in BANNER_COLOURS and start < height * 0.4
    ]
    # The card is one tall white block; the ready page's list of recent decisions is much shorter.
    page = "work" if any(n >= 300 and c == WHITE for _, n, c in runs) else "ready"
    counts = {colour: n for n, colour in window.getcolors(width * height) or []}
    lower = window.crop((0, height // 2, width, height))
    lower_counts = {colour: n for n, colour in lower.getcolors(lower.width * lower.height) or []}
    return Screen(
        banners=tuple(banners),
        page=page,
        question=counts.get(YES_BUTTON, 0) > 3000,
        confirm=lower_counts.get(CONFIRM_BUTTON, 0) > 10000,
        size=(width, height),
    )


class RealBench:
    """The app process on the Xvfb display, and the ways a scanner and an inspector reach it."""

    def __init__(self, display: str, tmp: Path, db_url: str, settings: Path) -> None:
        self.display = display
        self.tmp = tmp
        self.db_url = db_url
        self.settings = settings
        self.env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
        self.env.update(
            DISPLAY=display,
            QT_QPA_PLATFORM="xcb",
            XDG_CONFIG_HOME=str(tmp / "config"),
            XDG_DATA_HOME=str(tmp / "data"),
            XDG_CACHE_HOME=str(tmp / "cache"),
        )
        self.log_path = tmp / "app.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.window = ""
        self.shots: list[Path] = []
        self.started = time.monotonic()

    # ----- processes ---------------------------------------------------------------------
    def rmadesk(self, *args: str, timeout: float = 30) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "rmadesk", *args, "--db", self.db_url, "--settings", str(self.settings)],
            env=self.env,
            cwd=self.tmp,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert done.returncode == 0, f"rmadesk {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def xdo(self, *args: str, timeout: float = 10) -> str:
        done = subprocess.run(
            ["xdotool", *args], env=self.env, capture_output=True, text=True, timeout=timeout
        )
        assert done.returncode == 0, f"xdotool {' '.join(args)} failed: {done.stderr.strip()}"
        return done.stdout

    def launch(self) -> None:
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "rmadesk",
                    "--db",
                    self.db_url,
                    "--settings",
                    str(self.settings),
                    "--inspector",
                    INSPECTOR,
                    "--bench",
                    BENCH,
                ],
                env=self.env,
                cwd=self.tmp,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    def problem(self, message: str) -> str:
        code = None if self.process is None else self.process.poll()
        state = "running" if code is None else f"exited with code {code}"
        elapsed = time.monotonic() - self.started
        return f"{message} (app {state}, {elapsed:.1f} s in)\n--- app log ---\n{self.log()[-3000:]}"

    def wait_for_window(self, timeout: float = 20) -> None:
        """xdotool search --sync, bounded, and given up early if the app dies meanwhile."""
        search = subprocess.Popen(
            ["xdotool", "search", "--sync", "--onlyvisible", "--name", WINDOW_NAME],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + timeout
        try:
            while search.poll() is None:
                if not self.alive():
                    pytest.fail(self.problem("the app ended before its window appeared"))
                if time.monotonic() > deadline:
                    what = f"no visible window named {WINDOW_NAME!r} within {timeout:.0f} s"
                    pytest.fail(self.problem(what))
                time.sleep(0.05)
            out, err = search.communicate()
        finally:
            if search.poll() is None:
                search.kill()
                search.wait()
        ids = out.split()
        assert ids, self.problem(f"xdotool search found no window: {err.strip()}")
        self.window = ids[0]
        title = self.xdo("getwindowname", self.window).strip()
        assert "RMA Desk" in title and BENCH in title and INSPECTOR in title, title

    def close(self) -> int | None:
        """Ctrl+Q, as an inspector quits; the exit code, or None if the app would not end."""
        if not self.alive():
            return None if self.process is None else self.process.returncode
        assert self.process is not None
        subprocess.run(["xdotool", "key", "ctrl+q"], env=self.env, capture_output=True, timeout=10)
        try:
            return self.process.wait(timeout=8)
        except subprocess.TimeoutExpired:
            return None

    def stop(self) -> None:
        """End the app if it is still running (after close() failed or a step failed)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)

    # ----- the screen ------------------------------------------------------------------------
    def focus(self) -> None:
        """No window manager: give the window the X focus, then click into it (on a plain label)."""
        self.xdo("windowfocus", "--sync", self.window)
        _, _, width, height = self.geometry()
        self.xdo("mousemove", "--window", self.window, str(width // 2), str(height // 2), "click", "1")

    def geometry(self) -> tuple[int, int, int, int]:
        values = dict(
            line.split("=", 1) for line in self.xdo("getwindowgeometry", "--shell", self.window).split()
        )
        return int(values["X"]), int(values["Y"]), int(values["WIDTH"]), int(values["HEIGHT"])

    def capture(self) -> Image.Image:
        """The bench window's pixels, cut out of a capture of the whole screen."""
        done = subprocess.run(
            ["/usr/bin/import", "-window", "root", "-depth", "8", "ppm:-"],
            env=self.env,
            capture_output=True,
            timeout=10,
        )
        assert done.returncode == 0, f"import failed: {done.stderr.decode(errors='replace')}"
        screen = Image.open(io.BytesIO(done.stdout)).convert("RGB")
        x, y, width, height = self.geometry()
        return screen.crop((x, y, min(x + width, screen.width), min(y + height, screen.height)))

    def screen(self) -> Screen:
        return read_screen(self.capture())

    def wait_for(self, what: str, ok: Callable[[Screen], bool], timeout: float = STEP_TIMEOUT_S) -> Screen:
        """Poll the screen until ok(screen); fail with the last state seen and the app's log."""
        deadline = time.monotonic() + timeout
        seen: Screen | None = None
        while True:
            if not self.alive():
                pytest.fail(self.problem(f"the app ended while waiting for: {what}"))
            seen = self.screen()
            if ok(seen):
                return seen
            if time.monotonic() > deadline:
                self.shot("timeout-" + "".join(c if c.isalnum() else "-" for c in what))
                pytest.fail(self.problem(f"waited {timeout:.0f} s for {what}; the screen shows {seen}"))
            time.sleep(0.05)

    def shot(self, name: str) -> Path:
        """A screenshot of the whole display, in artifacts/xvfb/ and in tmp_path."""
        number = len(self.shots) + 1
        path = ARTIFACTS / f"{number:02d}-{name}.png"
        subprocess.run(
            ["/usr/bin/import", "-window", "root", f"png:{path}"], env=self.env, check=True, timeout=10
        )
        shutil.copy2(path, self.tmp / "shots" / path.name)
        self.shots.append(path)
        return path

    # ----- input --------------------------------------------------------------------------------
    def scan(self, code: str) -> None:
        """What a keyboard-wedge scanner does: the characters a few ms apart, then Enter."""
        self.xdo("type", "--delay", "2", code)
        self.xdo("key", "Return")

    def key(self, *names: str) -> None:
        self.xdo("key", *names)

    # ----- the database ----------------------------------------------------------------------
    def outcomes(self) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO(self.rmadesk("export", "outcomes"))))

    def wait_for_outcomes(self, count: int, timeout: float = STEP_TIMEOUT_S) -> list[dict[str, str]]:
        deadline = time.monotonic() + timeout
        while True:
            rows = self.outcomes()
            if len(rows) >= count:
                return rows
            if time.monotonic() > deadline:
                pytest.fail(self.problem(f"expected {count} outcome(s) in the database, found {rows}"))
            time.sleep(0.1)


@pytest.fixture
def xvfb(tmp_path: Path) -> Iterator[Xvfb]:
    require_tools()
    server = start_xvfb(tmp_path)
    yield server
    server.stop()


@pytest.fixture
def real_bench(xvfb: Xvfb, tmp_path: Path) -> Iterator[RealBench]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*.png"):
        old.unlink()
    (tmp_path / "shots").mkdir()
    settings = tmp_path / "settings.toml"
    settings.write_text(
        "# defaults only: a developer's own settings must not reach the test\n"
        "# but for photos: this bench has no camera, and confirms a carrier-damaged unit by scanner alone\n"
        'photos = ["carrier_damaged=0"]\n'
    )
    bench = RealBench(xvfb.display, tmp_path, f"sqlite:///{tmp_path}/bench.sqlite3", settings)
    out = bench.rmadesk("demo", "--sheet", str(tmp_path / "sheet.pdf"))
    assert TSHIRT in out and KETTLE in out, out
    bench.launch()
    try:
        yield bench
    finally:
        bench.stop()
        if bench.log_path.exists():
            shutil.copy2(bench.log_path, ARTIFACTS / "app.log")


def test_scanner_and_keys_in_a_real_window(real_bench: RealBench) -> None:
    bench = real_bench
    bench.wait_for_window()
    bench.wait_for("the ready screen", lambda s: s.phase == "ready" and s.banner == "info")
    bench.focus()
    bench.shot("ready")

    # 1. The T-shirt, 1 unit: Yes, Yes, accept the recommended sellable, confirm.
    bench.scan(TSHIRT)
    bench.wait_for("the card and question 1", lambda s: s.phase == "question" and s.banner == "info")
    bench.shot("card")
    bench.key("F2")  # the item matches the authorization
    bench.key("F2")  # new and unused: sellable is recommended
    bench.wait_for("the recommendation", lambda s: s.phase == "recommendation")
    bench.shot("recommendation")
    bench.key("Return")  # empty scan field: accept the recommendation
    bench.wait_for("the preview", lambda s: s.phase == "preview" and s.banner == "info")
    bench.shot("preview")
    bench.key("F10")
    rows = bench.wait_for_outcomes(1)
    # The only unit is decided: back to the ready screen, green, not a question for the same unit again.
    bench.wait_for("the ready screen after the write", lambda s: s.phase == "ready" and s.banner == "ok")
    bench.shot("after-confirm")
    assert [r["rma_id"] for r in rows] == [TSHIRT]

    # 2. The kettle, 2 units: decide unit 1 by scanning command codes, leave unit 2 with Esc.
    bench.scan(KETTLE)
    bench.wait_for("the kettle's card", lambda s: s.phase == "question" and s.banner == "info")
    bench.scan("CMD-CARRIER-DAMAGED")
    bench.wait_for("the carrier-damaged preview", lambda s: s.phase == "preview" and s.banner == "info")
    bench.shot("kettle-preview")
    bench.scan("CMD-CONFIRM")
    bench.wait_for_outcomes(2)
    bench.wait_for("unit 2 of the kettle", lambda s: s.phase == "question" and s.banner == "ok")
    bench.shot("kettle-unit-2")
    bench.key("Escape")
    # Both banners are then brown: the SQLite note and the message, so check there are two.
    bench.wait_for(
        "the ready screen after Esc", lambda s: s.phase == "ready" and s.banners == ("note", "warn")
    )
    bench.shot("cancelled")

    # 3. A code no authorization has: a red message, and the bench keeps running.
    bench.scan("NOPE12345")
    bench.wait_for("the unknown-code message", lambda s: s.phase == "ready" and s.banner == "error")
    bench.shot("error")
    time.sleep(0.5)
    assert bench.alive(), bench.problem("the app ended after an unknown code")
    bench.xdo("getwindowname", bench.window)  # the window is still there

    rows = bench.outcomes()
    assert len(rows) == 2, rows
    tshirt, kettle = rows
    assert {k: tshirt[k] for k in ("rma_id", "unit", "disposition", "restocked", "location")} == {
        "rma_id": TSHIRT,
        "unit": "1",
        "disposition": "sellable",
        "restocked": "1",
        "location": "RETURNS-RESTOCK",
    }
    assert {k: kettle[k] for k in ("rma_id", "unit", "disposition", "restocked", "location")} == {
        "rma_id": KETTLE,
        "unit": "1",
        "disposition": "carrier_damaged",
        "restocked": "0",
        "location": "DAMAGED-CLAIM",
    }
    for row in rows:
        assert (row["inspector"], row["bench"]) == (INSPECTOR, BENCH), row

    assert "Traceback" not in bench.log(), bench.problem("the app logged a traceback")
    code = bench.close()
    assert code == 0, bench.problem(f"Ctrl+Q should end the app with code 0, got {code}")
    assert "Traceback" not in bench.log(), bench.problem("the app logged a traceback while closing")
