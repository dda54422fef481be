"""Photos as evidence: prepared from a camera frame or a file, read back, exported, put in a claim packet."""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from rmadesk.domain.errors import UserError
from rmadesk.domain.people import Actor, Permission
from rmadesk.domain.photos import Photo
from rmadesk.services.access import authorize
from rmadesk.store.disk import storage_problem
from rmadesk.store.models import Authorization, Outcome, Unit
from rmadesk.store.models import Photo as PhotoRow
from rmadesk.store.types import utcnow
from rmadesk.store.uow import Store
from rmadesk.text.formatting import count
from rmadesk.text.i18n import _

__all__ = [
    "MAX_PIXELS",
    "Photo",
    "PhotoRefused",
    "StoredPhoto",
    "export_photos",
    "photo_jpeg",
    "photos_of",
    "prepare_photo",
    "prepare_photo_file",
    "write_claim_packet",
]

# Refused before decoding: 80 MP decodes to 240 MB of RGB; no bench camera or phone takes more.
MAX_PIXELS = 80_000_000
MAX_FILE_BYTES = 100 * 1024 * 1024
STORED_LONG_SIDE = 2560
THUMBNAIL_LONG_SIDE = 240
JPEG_QUALITY = 85
THUMBNAIL_QUALITY = 80
# Hamming: as sharp as bicubic when shrinking by less than 2, at the cost of bilinear (a 12 MP photo
# shrinks in about half of Lanczos's time, which keeps capture to stored within 300 ms).
DOWNSCALE = Image.Resampling.HAMMING
SOURCES = ("camera", "file", "folder")
# What a photo may arrive as: a camera's or phone's JPEG (read as MPO when a phone adds a depth
# frame), and the still formats a file dialog or a phone's upload folder brings.
READABLE_FORMATS = ("JPEG", "PNG", "WEBP", "TIFF", "BMP", "GIF")
_PIXEL_FIGURE = re.compile(r"\((\d+) pixels\)")


class PhotoRefused(UserError):
    """A file or frame that cannot be a photo of the unit; nothing was kept of it."""


@dataclass(frozen=True)
class StoredPhoto:
    """A photo in the database, without its full image (``photo_jpeg`` reads that).

    Attributes:
        photo_id: the database id, for photo_jpeg.
        position: its place among the outcome's photos, from 1.
        thumbnail: a JPEG whose long side is 240 px.
    """

    photo_id: int
    outcome_uid: str
    position: int
    thumbnail: bytes
    sha256: str
    width: int
    height: int
    byte_size: int
    taken_at: datetime
    taken_by: str
    bench: str
    source: str

    @property
    def id(self) -> int:
        return self.photo_id


# ----- preparing ------------------------------------------------------------------------------------
def _named(name: str) -> str:
    return name or _("The photo")


def _too_many_pixels(name: str, pixels: int, size: tuple[int, int] | None = None) -> PhotoRefused:
    megapixels = f"{pixels / 1_000_000:.0f}"
    if size is not None:
        shown = _("{name} has {megapixels} megapixels ({width} × {height}); at most {most} are taken.")
        text = shown.format(
            name=_named(name), megapixels=megapixels, width=size[0], height=size[1], most=MAX_PIXELS // 10**6
        )
    else:
        shown = _("{name} has {megapixels} megapixels; at most {most} are taken.")
        text = shown.format(name=_named(name), megapixels=megapixels, most=MAX_PIXELS // 10**6)
    return PhotoRefused(text + " " + _("Take the photo at a lower resolution."))


def _too_big(name: str, size: int) -> PhotoRefused:
    return PhotoRefused(
        _("{name} is {size} MB; a photo of at most {most} MB is taken.").format(
            name=_named(name), size=count(size // 2**20), most=MAX_FILE_BYTES // 2**20
        )
    )


def _damaged(name: str) -> PhotoRefused:
    return PhotoRefused(
        _(
            "{name} is a damaged or incomplete image (its data is cut short or corrupt): "
            "take the photo again, or copy the file anew."
        ).format(name=_named(name))
    )


@contextmanager
def _opened(data: bytes, name: str, *, verify: bool = False) -> Iterator[Image.Image]:
    """The image, opened (header read, nothing decoded) and checked for its size; errors refused."""
    try:
        # Pillow's own guard warns above its limit (about 89 MP) and refuses above twice that; the
        # warning is kept to be told with the image's size below, the refusal is told at once.
        with warnings.catch_warnings(record=True) as warned:
            warnings.simplefilter("always", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=READABLE_FORMATS)
    except Image.DecompressionBombError as exc:
        found = _PIXEL_FIGURE.search(str(exc))
        raise _too_many_pixels(name, int(found.group(1)) if found else MAX_PIXELS + 1) from None
    except UnidentifiedImageError:
        raise PhotoRefused(
            _("{name} is not an image RMA Desk can read (JPEG, PNG, WebP, TIFF, BMP or GIF).").format(
                name=_named(name)
            )
        ) from None
    except (OSError, SyntaxError, ValueError):
        raise _damaged(name) from None
    with image:
        width, height = image.size
        bomb = any(issubclass(w.category, Image.DecompressionBombWarning) for w in warned)
        if width * height > MAX_PIXELS or bomb:
            raise _too_many_pixels(name, width * height, (width, height))
        if verify:
            try:
                image.verify()
            except Exception:  # noqa: BLE001 - verify raises what the format's checks raise
                raise _damaged(name) from None
        yield image


def _rgb(image: Image.Image) -> Image.Image:
    """The image as RGB; transparency laid on white, as on paper."""
    if image.mode == "RGB":
        return image
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        paper = Image.new("RGB", rgba.size, "white")
        paper.paste(rgba, mask=rgba.getchannel("A"))
        return paper
    if image.mode in ("I", "I;16", "I;16B", "I;16L", "F"):
        # 16-bit and float greys: bring them to 8 bits, as a viewer shows them.
        return ImageOps.autocontrast(image.convert("F").convert("L")).convert("RGB")
    return image.convert("RGB")


def _jpeg(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    # No exif, icc_profile or comment is passed, and the image's info is empty: no metadata is written.
    image.save(out, "JPEG", quality=quality, optimize=False)
    return out.getvalue()


def prepare_photo(data: bytes, *, taken_by: str, bench: str, source: str, name: str = "") -> Photo:
    """A photo to store from the bytes a camera or a file gave: orientation applied, every metadata
    (location included) dropped, the long side brought to at most 2560 px, JPEG quality 85, and a
    240 px thumbnail. ``name`` (a file's) is for messages. Raises PhotoRefused, keeping nothing.
    """
    if source not in SOURCES:
        raise ValueError(f"photo source must be one of {SOURCES}, not {source!r}")
    if not data:
        raise PhotoRefused(_("{name} is empty (0 bytes): there is no image in it.").format(name=_named(name)))
    if len(data) > MAX_FILE_BYTES:
        raise _too_big(name, len(data))
    taken_at = utcnow()
    # verify() checks what the format lets it check without decoding (PNG's checksums, say); it
    # leaves the image unusable, so the image is opened again to be decoded.
    with _opened(data, name, verify=True):
        pass
    with _opened(data, name) as image:
        if image.format in ("JPEG", "MPO"):
            # The decoder may then scale by 1/2, 1/4 or 1/8 on the way: a 48 MP photo decodes as 12 MP.
            image.draft("RGB", (STORED_LONG_SIDE, STORED_LONG_SIDE))
        try:
            image.load()
            # Scaled first, turned upright after: turning 2560 px costs a third of turning 4000.
            # The box is square, so the long side is the same whichever way the photo stands.
            scaled = _rgb(image)
            scaled.thumbnail((STORED_LONG_SIDE, STORED_LONG_SIDE), DOWNSCALE)
            scaled.info = image.info  # the orientation is read from the original's EXIF
            stored = ImageOps.exif_transpose(scaled) or scaled
            # Pillow writes a JPEG's comment, ICC profile and EXIF from info when saving: none of it
            # (a comment may hold a place, EXIF a position) goes into the stored photo.
            stored.info = {}
        except (OSError, SyntaxError, ValueError, EOFError):
            raise _damaged(name) from None
    jpeg = _jpeg(stored, JPEG_QUALITY)
    small = stored.copy()
    small.thumbnail((THUMBNAIL_LONG_SIDE, THUMBNAIL_LONG_SIDE), Image.Resampling.LANCZOS, reducing_gap=2.0)
    return Photo(
        jpeg=jpeg,
        thumbnail=_jpeg(small, THUMBNAIL_QUALITY),
        sha256=hashlib.sha256(jpeg).hexdigest(),
        width=stored.width,
        height=stored.height,
        taken_at=taken_at,
        taken_by=taken_by,
        bench=bench,
        source=source,
    )


def prepare_photo_file(path: Path, *, taken_by: str, bench: str, source: str = "file") -> Photo:
    """``prepare_photo`` of an image file; a file that cannot be read is refused with the reason."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:  # refused before it is read into memory
            raise _too_big(path.name, size)
        data = path.read_bytes()
    except FileNotFoundError:
        raise PhotoRefused(_("{path} is not there any more.").format(path=path)) from None
    except IsADirectoryError:
        raise PhotoRefused(_("{path} is a folder, not an image file.").format(path=path)) from None
    except OSError as exc:
        raise PhotoRefused(
            _("{path} cannot be read: {reason}.").format(path=path, reason=storage_problem(exc, path))
        ) from None
    return prepare_photo(data, taken_by=taken_by, bench=bench, source=source, name=path.name)


# ----- reading back ---------------------------------------------------------------------------------
def _outcome(session: Session, outcome_uid: str) -> Outcome:
    outcome = session.scalar(select(Outcome).where(Outcome.outcome_uid == outcome_uid))
    if outcome is None:
        raise UserError(_("There is no outcome {uid}.").format(uid=outcome_uid))
    return outcome


def _stored(row: PhotoRow, outcome_uid: str) -> StoredPhoto:
    return StoredPhoto(
        photo_id=row.id,
        outcome_uid=outcome_uid,
        position=row.position,
        thumbnail=row.thumbnail,
        sha256=row.sha256,
        width=row.width,
        height=row.height,
        byte_size=row.byte_size,
        taken_at=row.taken_at,
        taken_by=row.taken_by,
        bench=row.bench,
        source=row.source,
    )


def _photo_rows(session: Session, outcome_id: int) -> list[PhotoRow]:
    stmt = (
        select(PhotoRow)
        .where(PhotoRow.outcome_id == outcome_id)
        .options(undefer(PhotoRow.thumbnail))
        .order_by(PhotoRow.position)
    )
    return list(session.scalars(stmt))


def photos_of(store: Store, actor: Actor, outcome_uid: str) -> list[StoredPhoto]:
    """The photos of an outcome in the order taken, with their thumbnails (anyone who may inspect)."""
    with store.read() as session:
        authorize(session, actor, Permission.INSPECT)
        outcome = _outcome(session, outcome_uid)
        return [_stored(row, outcome_uid) for row in _photo_rows(session, outcome.id)]


def photo_jpeg(store: Store, actor: Actor, photo_id: int) -> bytes:
    """The stored image of one photo, as written (its SHA-256 is the photo's)."""
    with store.read() as session:
        authorize(session, actor, Permission.INSPECT)
        jpeg = session.scalar(select(PhotoRow.jpeg).where(PhotoRow.id == photo_id))
    if jpeg is None:
        raise UserError(_("There is no photo {id} in the database.").format(id=photo_id))
    return bytes(jpeg)


# ----- writing out ----------------------------------------------------------------------------------
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


def photo_file_name(label: str, unit_seq: int, position: int, attempt: int = 0) -> str:
    """``RMA123-unit2-1.jpg``: the return's ID, the unit and the photo's place; a unit decided again
    after a reversal adds the decision's number (``RMA123-unit2-d2-1.jpg``)."""
    safe = _UNSAFE.sub("_", label).strip("._") or "return"
    decision = f"-d{attempt + 1}" if attempt else ""
    return f"{safe}-unit{unit_seq}{decision}-{position}.jpg"


def write_whole(path: Path, data: bytes) -> None:
    """Write a file completely or not at all: a temporary file beside it, renamed when it is whole."""
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _written(path: Path, data: bytes) -> None:
    try:
        write_whole(path, data)
    except OSError as exc:
        raise UserError(
            _("{path} cannot be written: {reason}. Nothing of it was left behind.").format(
                path=path, reason=storage_problem(exc, path)
            )
        ) from None


def export_photos(store: Store, actor: Actor, start: datetime, end: datetime, folder: Path) -> int:
    """Write every photo taken from ``start`` (included) to ``end`` (excluded) into ``folder``, named
    by return and unit (photo_file_name); returns how many. Each file is whole or absent (supervisors
    and admins)."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("export_photos takes aware datetimes")
    if end <= start:
        raise UserError(_("The end of the period must come after its start."))
    authorize(store, actor, Permission.CLAIM)
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(
            _("The folder {path} cannot be made: {reason}.").format(
                path=folder, reason=storage_problem(exc, folder)
            )
        ) from None
    with store.read() as session:
        listed = session.execute(
            select(PhotoRow.id, PhotoRow.position, Unit.seq, Outcome.attempt, Unit.authorization_id)
            .join(Outcome, Outcome.id == PhotoRow.outcome_id)
            .join(Unit, Unit.id == Outcome.unit_id)
            .where(PhotoRow.taken_at >= start.astimezone(UTC), PhotoRow.taken_at < end.astimezone(UTC))
            .order_by(PhotoRow.taken_at, PhotoRow.id)
        ).all()
        auth_ids = sorted({row.authorization_id for row in listed})
        labels = {
            a.id: a.label
            for a in session.scalars(select(Authorization).where(Authorization.id.in_(auth_ids)))
        }
    written = 0
    for row in listed:
        # One photo at a time: a month of photos never sits in memory at once.
        with store.read() as session:
            jpeg = session.scalar(select(PhotoRow.jpeg).where(PhotoRow.id == row.id))
        name = photo_file_name(labels[row.authorization_id], row.seq, row.position, row.attempt)
        _written(folder / name, bytes(jpeg))
        written += 1
    return written


def claim_packet_name(store: Store, actor: Actor, outcome_uid: str) -> str:
    """The packet's usual file name: ``claim-RMA123-unit2.pdf`` (``-d2`` for a later decision)."""
    with store.read() as session:
        authorize(session, actor, Permission.CLAIM)
        found = session.execute(
            select(
                Authorization.rma_id,
                Authorization.merchant_rma_id,
                Authorization.order_id,
                Unit.seq,
                Outcome.attempt,
            )
            .select_from(Outcome)
            .join(Unit, Unit.id == Outcome.unit_id)
            .join(Authorization, Authorization.id == Unit.authorization_id)
            .where(Outcome.outcome_uid == outcome_uid)
        ).first()
    if found is None:
        raise UserError(_("There is no outcome {uid}.").format(uid=outcome_uid))
    label = found.rma_id or found.merchant_rma_id or found.order_id
    return "claim-" + photo_file_name(label, found.seq, 0, found.attempt).removesuffix("-0.jpg") + ".pdf"


def write_claim_packet(
    store: Store, actor: Actor, outcome_uid: str, out: Path, *, tz: tzinfo | None = None
) -> Path:
    """Write the claim packet PDF of an outcome to ``out`` (whole or not at all); returns the path.

    It holds the order, RMA, tracking, SKU/ASIN, reason, inspector, times (local and UTC), bench,
    the expected reimbursement with its parts as the outcome stored them, and every photo with its
    SHA-256, who took it and when (supervisors and admins).
    """
    from rmadesk.services.claim_packet import claim_packet_pdf, load_claim

    with store.read() as session:
        authorize(session, actor, Permission.CLAIM)
        claim = load_claim(session, outcome_uid)
    out = Path(out)
    if out.suffix.lower() != ".pdf":
        out = out.with_name(out.name + ".pdf")
    _written(out, claim_packet_pdf(claim, tz=tz))
    return out
