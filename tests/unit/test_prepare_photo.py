"""Preparing a photo from real image files: orientation, metadata, size, thumbnail, and every refusal."""

from __future__ import annotations

import hashlib
import io
from datetime import UTC
from pathlib import Path

import pytest
from PIL import Image
from PIL.ExifTags import IFD

from rmadesk.services.photos import MAX_PIXELS, PhotoRefused, prepare_photo, prepare_photo_file
from tests.photos import MARK, camera_jpeg, huge_png_header, png_bytes


def near(colour: tuple[int, ...], wanted: tuple[int, int, int], slack: int = 40) -> bool:
    return all(abs(a - b) <= slack for a, b in zip(colour[:3], wanted, strict=True))


@pytest.fixture(scope="module")
def twelve_mp_rotated() -> bytes:
    """A 4000 × 3000 camera JPEG to be shown turned (EXIF orientation 6), with a GPS position."""
    return camera_jpeg(4000, 3000, orientation=6, gps=True)


def test_a_12_mp_photo_is_turned_upright_stripped_and_downscaled(twelve_mp_rotated: bytes) -> None:
    original = Image.open(io.BytesIO(twelve_mp_rotated))
    assert original.getexif().get_ifd(IFD.GPSInfo)  # the file as the camera wrote it has a position
    photo = prepare_photo(twelve_mp_rotated, taken_by="Ana", bench="bench-1", source="camera")

    assert (photo.width, photo.height) == (1920, 2560)  # stood up, long side 2560
    stored = Image.open(io.BytesIO(photo.jpeg))
    assert stored.format == "JPEG" and stored.size == (1920, 2560) and stored.mode == "RGB"
    assert not stored.getexif()  # no orientation, make, model or GPS left
    assert "exif" not in stored.info and "comment" not in stored.info and "icc_profile" not in stored.info
    assert b"GPS" not in photo.jpeg and b"BenchCam" not in photo.jpeg and b"52.52N" not in photo.jpeg
    # The camera's top-left corner, turned by 90° clockwise, is now at the top right.
    assert near(stored.getpixel((1900, 20)), MARK) and not near(stored.getpixel((20, 20)), MARK)
    assert photo.sha256 == hashlib.sha256(photo.jpeg).hexdigest() and photo.byte_size == len(photo.jpeg)
    thumb = Image.open(io.BytesIO(photo.thumbnail))
    assert thumb.format == "JPEG" and thumb.size == (180, 240) and not thumb.getexif()
    assert photo.taken_at.tzinfo is UTC and (photo.taken_by, photo.bench, photo.source) == (
        "Ana",
        "bench-1",
        "camera",
    )


def test_the_same_capture_gives_the_same_photo(twelve_mp_rotated: bytes) -> None:
    one = prepare_photo(twelve_mp_rotated, taken_by="Ana", bench="b", source="camera")
    two = prepare_photo(twelve_mp_rotated, taken_by="Ana", bench="b", source="camera")
    assert one.sha256 == two.sha256


def test_a_small_photo_keeps_its_size() -> None:
    photo = prepare_photo(camera_jpeg(640, 480), taken_by="Ana", bench="b", source="file")
    assert (photo.width, photo.height) == (640, 480)
    assert Image.open(io.BytesIO(photo.thumbnail)).size == (240, 180)


def test_a_png_with_transparency_becomes_a_jpeg_on_white() -> None:
    photo = prepare_photo(png_bytes(800, 600), taken_by="Ana", bench="b", source="file", name="box.png")
    stored = Image.open(io.BytesIO(photo.jpeg))
    assert stored.format == "JPEG" and stored.mode == "RGB" and stored.size == (800, 600)
    assert near(stored.getpixel((400, 1)), (255, 255, 255), 12)  # fully transparent there: paper white


def test_a_text_file_named_jpg_is_not_an_image(tmp_path: Path) -> None:
    fake = tmp_path / "label.jpg"
    fake.write_text("Order 114-3941689-8772232, box crushed\n", encoding="utf-8")
    with pytest.raises(PhotoRefused) as caught:
        prepare_photo_file(fake, taken_by="Ana", bench="b")
    assert caught.value.message == (
        "label.jpg is not an image RMA Desk can read (JPEG, PNG, WebP, TIFF, BMP or GIF)."
    )


def test_a_truncated_jpeg_is_damaged(tmp_path: Path) -> None:
    whole = camera_jpeg(1600, 1200)
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(PhotoRefused) as caught:
        prepare_photo_file(cut, taken_by="Ana", bench="b")
    assert "cut.jpg is a damaged or incomplete image" in caught.value.message


def test_a_jpeg_with_garbage_in_its_header_is_damaged() -> None:
    whole = bytearray(camera_jpeg(320, 240))
    whole[2:40] = b"\xff" * 38
    with pytest.raises(PhotoRefused) as caught:
        prepare_photo(bytes(whole), taken_by="Ana", bench="b", source="file", name="odd.jpg")
    assert "odd.jpg is" in caught.value.message


@pytest.mark.parametrize(
    ("width", "height", "shown"),
    [
        (10_000, 10_000, "has 100 megapixels (10000 × 10000); at most 80 are taken"),  # Pillow warns
        (9_000, 9_500, "has 86 megapixels (9000 × 9500); at most 80 are taken"),  # under Pillow's limit
        (20_000, 10_000, "has 200 megapixels; at most 80 are taken"),  # Pillow's own error
    ],
)
def test_an_image_over_the_pixel_limit_is_refused_before_decoding(
    width: int, height: int, shown: str
) -> None:
    bomb = huge_png_header(width, height)
    assert len(bomb) < 200  # nothing of it was ever decoded: it has no pixels to decode
    with pytest.raises(PhotoRefused) as caught:
        prepare_photo(bomb, taken_by="Ana", bench="b", source="file", name="huge.png")
    assert caught.value.message.startswith("huge.png " + shown), caught.value.message
    assert "lower resolution" in caught.value.message
    assert width * height > MAX_PIXELS


def test_an_empty_file_and_a_missing_one_are_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    with pytest.raises(PhotoRefused, match=r"empty\.jpg is empty \(0 bytes\)"):
        prepare_photo_file(empty, taken_by="Ana", bench="b")
    with pytest.raises(PhotoRefused, match="not there any more"):
        prepare_photo_file(tmp_path / "gone.jpg", taken_by="Ana", bench="b")
    with pytest.raises(PhotoRefused, match="is a folder"):
        prepare_photo_file(tmp_path, taken_by="Ana", bench="b")
    with pytest.raises(PhotoRefused, match="^The photo is empty"):
        prepare_photo(b"", taken_by="Ana", bench="b", source="camera")


def test_an_unknown_source_is_a_bug_not_a_photo() -> None:
    with pytest.raises(ValueError, match="source"):
        prepare_photo(camera_jpeg(64, 48), taken_by="Ana", bench="b", source="scanner")
