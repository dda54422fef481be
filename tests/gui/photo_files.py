"""Real image files for the photo tests: JPEGs with something to see, and files that are no image."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image, ImageDraw

if TYPE_CHECKING:
    from tests.gui.conftest import Bench


def jpeg_file(path: Path, size: tuple[int, int] = (1600, 1200), colour: str = "#8d6e63") -> Path:
    """A JPEG photo-like picture (a box with a label on it) of the given size."""
    image = Image.new("RGB", size, "#eceff1")
    draw = ImageDraw.Draw(image)
    w, h = size
    draw.rectangle((w // 6, h // 5, w * 5 // 6, h * 4 // 5), fill=colour, outline="#3e2723", width=8)
    draw.rectangle((w // 3, h // 3, w * 2 // 3, h // 2), fill="white")
    draw.line((w // 6, h // 5, w * 5 // 6, h * 4 // 5), fill="#3e2723", width=6)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "JPEG", quality=90)
    return path


def frames(folder: Path, count: int) -> list[Path]:
    """``count`` different JPEG frames, as a camera would give them."""
    colours = ("#8d6e63", "#5d4037", "#a1887f", "#6d4c41", "#bcaaa4")
    return [jpeg_file(folder / f"frame-{n}.jpg", colour=colours[n % len(colours)]) for n in range(count)]


def not_an_image(path: Path) -> Path:
    """A file named like a photo that holds text."""
    path.write_text("this is a shipping note, not a photo\n", encoding="utf-8")
    return path


def truncated_jpeg(path: Path) -> Path:
    """A JPEG cut off half-way, as a failed upload leaves it."""
    whole = jpeg_file(path.with_name("whole-" + path.name)).read_bytes()
    path.write_bytes(whole[: len(whole) // 2])
    return path


def decide_with_photos(bench: Bench, code: str, photos: list[Path]) -> str:
    """Open ``code`` on the bench, add the photos, decide it carrier-damaged and confirm; the outcome id."""
    w = bench.window
    bench.scan(code, wait="card")
    bench.scan("CMD-CARRIER-DAMAGED")
    w.photos.add_files(photos)
    bench.qtbot.waitUntil(lambda: len(w.session.photos) == len(photos), timeout=5000)
    with bench.qtbot.waitSignal(w.decision_recorded, timeout=5000) as recorded:
        bench.scan("CMD-CONFIRM")
    w.runner.wait()
    return str(recorded.args[0].outcome_uid)
