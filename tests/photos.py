"""Real image files for the photo tests, made with Pillow: camera photos, a PNG, broken and huge files."""

from __future__ import annotations

import io
import random
import struct
import zlib
from datetime import UTC, datetime

from PIL import Image, ImageDraw
from PIL.ExifTags import GPS, IFD, Base

from rmadesk.domain.photos import Photo
from rmadesk.services.photos import prepare_photo

MARK = (230, 20, 20)  # drawn in the top-left corner of the image as stored by the camera


def scene(width: int, height: int, seed: int = 0) -> Image.Image:
    """Something like a photo of a parcel: smooth light, some grain and edges (not flat, not noise)."""
    light = Image.linear_gradient("L").resize((width, height))
    shade = Image.radial_gradient("L").resize((width, height))
    rng = random.Random(seed)  # the same seed, the same picture: its SHA-256 can be expected

    def noise(w: int, h: int) -> Image.Image:
        return Image.frombytes("L", (w, h), rng.randbytes(w * h))

    coarse = noise(max(1, width // 4), max(1, height // 4)).resize((width, height))
    grain = Image.blend(coarse, noise(width, height), 0.2)
    image = Image.merge("RGB", (light, shade, grain))
    draw = ImageDraw.Draw(image)
    for i in range(30):
        x, y = (i * 397 + seed * 131) % width, (i * 211 + seed * 17) % height
        draw.rectangle([x, y, x + width // 12, y + height // 14], outline=(250, 240 - i * 6, i * 7), width=6)
    draw.rectangle([0, 0, width // 10, height // 10], fill=MARK)
    return image


def camera_jpeg(
    width: int = 4000, height: int = 3000, *, orientation: int = 1, gps: bool = False, seed: int = 0
) -> bytes:
    """A camera's JPEG: EXIF with an orientation, a camera make, and a position when ``gps``."""
    exif = Image.Exif()
    exif[Base.Orientation] = orientation
    exif[Base.Make] = "BenchCam"
    exif[Base.Model] = "BC-12"
    if gps:
        where = exif.get_ifd(IFD.GPSInfo)
        where[GPS.GPSLatitudeRef] = "N"
        where[GPS.GPSLatitude] = (52.0, 31.0, 12.5)
        where[GPS.GPSLongitudeRef] = "E"
        where[GPS.GPSLongitude] = (13.0, 24.0, 1.0)
    out = io.BytesIO()
    scene(width, height, seed).save(out, "JPEG", quality=92, exif=exif, comment=b"shot at 52.52N 13.40E")
    return out.getvalue()


def png_bytes(width: int = 800, height: int = 600, *, transparent: bool = True) -> bytes:
    image = scene(width, height).convert("RGBA")
    if transparent:
        image.putalpha(Image.linear_gradient("L").resize((width, height)))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def huge_png_header(width: int = 10_000, height: int = 10_000) -> bytes:
    """A small PNG whose header claims ``width`` × ``height`` pixels (100 MP): a decompression bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = zlib.compress(b"\0" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def small_photo(seed: int = 0, *, taken_by: str = "Ana", bench: str = "bench-1") -> Photo:
    """A real prepared photo, small and quick to make, for tests that need photos but not their size."""
    return prepare_photo(camera_jpeg(640, 480, seed=seed), taken_by=taken_by, bench=bench, source="camera")


def at(year: int, month: int, day: int, hour: int = 12) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)
