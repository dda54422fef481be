"""The bench's local journal: confirmed decisions kept durably while the shared database is away."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import platformdirs

from rmadesk.domain.errors import DatabaseUnavailable, NothingToDecide, UserError
from rmadesk.domain.model import Decision, Disposition
from rmadesk.domain.photos import Photo
from rmadesk.store.disk import storage_problem
from rmadesk.text.i18n import _


def journal_path(bench: str) -> Path:
    """The journal of a bench, on its own disk in the user's data folder."""
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", bench) or "bench"
    return Path(platformdirs.user_data_dir("rmadesk", appauthor=False)) / f"journal-{safe}.sqlite3"


SCHEMA = (
    """
CREATE TABLE IF NOT EXISTS pending (
    outcome_uid TEXT PRIMARY KEY,
    decision TEXT NOT NULL,
    journaled_at TEXT NOT NULL
)
""",
    # A decision's photos, as the bytes they are (a JPEG in JSON text would be a third larger).
    """
CREATE TABLE IF NOT EXISTS pending_photo (
    outcome_uid TEXT NOT NULL,
    position INTEGER NOT NULL,
    jpeg BLOB NOT NULL,
    thumbnail BLOB NOT NULL,
    photo TEXT NOT NULL,
    PRIMARY KEY (outcome_uid, position)
)
""",
)


def decision_to_json(decision: Decision) -> str:
    """The decision as JSON; its photos are named by SHA-256 (their bytes are kept beside it:
    photo_to_json and the journal's pending_photo rows)."""
    return json.dumps(
        {
            "outcome_uid": decision.outcome_uid,
            "unit_id": decision.unit_id,
            "disposition": decision.disposition.value,
            "inspector": decision.inspector,
            "bench": decision.bench,
            "recommended": decision.recommended.value if decision.recommended else None,
            "override_reason": decision.override_reason,
            "answers": decision.answers,
            "scanned_at": decision.scanned_at.isoformat() if decision.scanned_at else None,
            "decided_at": decision.decided_at.isoformat() if decision.decided_at else None,
            "photos": [photo.sha256 for photo in decision.photos],
        },
        sort_keys=True,
    )


def decision_from_json(text: str, photos: Sequence[Photo] = ()) -> Decision:
    """The decision ``decision_to_json`` wrote, with its photos (which must be the ones it names)."""
    data = json.loads(text)
    named = list(data.get("photos") or [])
    if [photo.sha256 for photo in photos] != named:
        raise ValueError(
            f"decision {data.get('outcome_uid')} names {len(named)} photo(s), {len(photos)} came with it"
        )
    return Decision(
        outcome_uid=data["outcome_uid"],
        unit_id=int(data["unit_id"]),
        disposition=Disposition(data["disposition"]),
        inspector=data["inspector"],
        bench=data["bench"],
        recommended=Disposition(data["recommended"]) if data.get("recommended") else None,
        override_reason=data.get("override_reason"),
        answers=dict(data.get("answers") or {}),
        scanned_at=datetime.fromisoformat(data["scanned_at"]) if data.get("scanned_at") else None,
        decided_at=datetime.fromisoformat(data["decided_at"]) if data.get("decided_at") else None,
        photos=tuple(photos),
    )


def photo_to_json(photo: Photo) -> str:
    """What is known of a photo besides its two images."""
    return json.dumps(
        {
            "sha256": photo.sha256,
            "width": photo.width,
            "height": photo.height,
            "taken_at": photo.taken_at.isoformat(),
            "taken_by": photo.taken_by,
            "bench": photo.bench,
            "source": photo.source,
        },
        sort_keys=True,
    )


def photo_from_json(text: str, jpeg: bytes, thumbnail: bytes) -> Photo:
    """The photo again; refused (ValueError) when its image is not the one its SHA-256 names."""
    data = json.loads(text)
    if hashlib.sha256(jpeg).hexdigest() != data["sha256"]:
        raise ValueError(f"photo {data['sha256'][:12]}... in the journal does not match its SHA-256")
    return Photo(
        jpeg=bytes(jpeg),
        thumbnail=bytes(thumbnail),
        sha256=data["sha256"],
        width=int(data["width"]),
        height=int(data["height"]),
        taken_at=datetime.fromisoformat(data["taken_at"]),
        taken_by=data["taken_by"],
        bench=data["bench"],
        source=data["source"],
    )


class JournalTrouble(UserError):
    """The bench's journal file cannot be read or written (a full disk, a read-only file...).

    Attributes:
        reason: the cause in words ("the disk is full").
    """

    def __init__(self, message: str, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason or message


class Journal:
    """An SQLite file on the bench's own disk (WAL, synchronous FULL): a write here survives a crash.

    Every failure of the file is a JournalTrouble that says why (the disk is full...), never a
    driver's error: a decision that cannot be kept stays on screen.

    Attributes:
        path: the journal file.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._known = 0  # the count last read or written, for when the file cannot be read
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with self._connection() as conn:
                for statement in SCHEMA:
                    conn.execute(statement)
        except JournalTrouble as exc:
            raise JournalTrouble(
                _("The bench's journal {path} cannot be opened: {reason}").format(
                    path=path, reason=exc.reason
                )
            ) from exc
        except OSError as exc:
            raise JournalTrouble(
                _("The bench's journal {path} cannot be opened: {reason}").format(
                    path=path, reason=storage_problem(exc, path)
                )
            ) from exc

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        """One connection for one step, under the lock; the file's failures said in words."""
        with self._lock:
            conn: sqlite3.Connection | None = None
            try:
                conn = sqlite3.connect(self.path, timeout=10, isolation_level=None)
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=FULL")
                yield conn
            except sqlite3.Error as exc:
                if conn is not None and conn.in_transaction:
                    conn.execute("ROLLBACK")
                reason = storage_problem(exc, self.path)
                trouble = JournalTrouble(
                    _("The bench's journal {path} cannot be written: {reason}.").format(
                        path=self.path, reason=reason
                    )
                )
                trouble.reason = reason
                raise trouble from exc
            finally:
                if conn is not None:
                    conn.close()

    def add(self, decision: Decision, journaled_at: datetime) -> None:
        """Keep a confirmed decision and its photos until the shared database has them, all in one
        transaction (idempotent by outcome id)."""
        with self._connection() as conn:
            conn.execute("BEGIN IMMEDIATE")
            added = conn.execute(
                "INSERT OR IGNORE INTO pending (outcome_uid, decision, journaled_at) VALUES (?, ?, ?)",
                (decision.outcome_uid, decision_to_json(decision), journaled_at.isoformat()),
            ).rowcount
            if added:
                conn.executemany(
                    "INSERT INTO pending_photo (outcome_uid, position, jpeg, thumbnail, photo) "
                    "VALUES (?, ?, ?, ?, ?)",
                    [
                        (decision.outcome_uid, position, photo.jpeg, photo.thumbnail, photo_to_json(photo))
                        for position, photo in enumerate(decision.photos, start=1)
                    ],
                )
            conn.execute("COMMIT")
            self._known = int(conn.execute("SELECT count(*) FROM pending").fetchone()[0])

    def pending(self) -> list[Decision]:
        """The decisions kept, oldest first, each with its photos.

        A decision whose photos are not all there, or not the ones it names, is a damaged journal:
        JournalTrouble, rather than a claim sent without its evidence.
        """
        with self._connection() as conn:
            rows = conn.execute(
                "SELECT outcome_uid, decision FROM pending ORDER BY journaled_at, outcome_uid"
            ).fetchall()
            photos: dict[str, list[tuple[bytes, bytes, str]]] = {}
            for uid, jpeg, thumbnail, photo in conn.execute(
                "SELECT outcome_uid, jpeg, thumbnail, photo FROM pending_photo ORDER BY outcome_uid, position"
            ):
                photos.setdefault(uid, []).append((jpeg, thumbnail, photo))
        decisions = []
        for uid, text in rows:
            try:
                kept = tuple(photo_from_json(p, jpeg, thumb) for jpeg, thumb, p in photos.get(uid, ()))
                decisions.append(decision_from_json(text, kept))
            except (ValueError, KeyError) as exc:
                raise JournalTrouble(
                    _("The bench's journal {path} is damaged: {reason}.").format(path=self.path, reason=exc)
                ) from exc
        return decisions

    def count(self) -> int:
        """How many decisions wait; when the file cannot be read now (a full disk), the last count
        known, since a banner or a refusal only tells it."""
        try:
            with self._connection() as conn:
                self._known = int(conn.execute("SELECT count(*) FROM pending").fetchone()[0])
        except JournalTrouble:
            pass
        return self._known

    def remove(self, outcome_uid: str) -> None:
        with self._connection() as conn:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("DELETE FROM pending_photo WHERE outcome_uid = ?", (outcome_uid,))
            conn.execute("DELETE FROM pending WHERE outcome_uid = ?", (outcome_uid,))
            conn.execute("COMMIT")
            self._known = int(conn.execute("SELECT count(*) FROM pending").fetchone()[0])


@dataclass
class FlushReport:
    """What sending the journal did.

    Attributes:
        sent: decisions now in the shared database (or found there already: a retry).
        decided_elsewhere: decisions dropped because another bench decided the unit meanwhile,
            with the message that says who.
        still_waiting: decisions kept because the database went away again.
    """

    sent: list[Decision] = field(default_factory=list)
    decided_elsewhere: list[tuple[Decision, str]] = field(default_factory=list)
    still_waiting: int = 0


def flush(journal: Journal, record: object) -> FlushReport:
    """Send every kept decision with ``record(decision)``; stop at the first sign of an outage."""
    report = FlushReport()
    pending = journal.pending()
    for index, decision in enumerate(pending):
        try:
            record(decision)  # type: ignore[operator]
        except DatabaseUnavailable:
            report.still_waiting = len(pending) - index
            break
        except NothingToDecide as exc:
            report.decided_elsewhere.append((decision, exc.message))
        journal.remove(decision.outcome_uid)
        if not report.decided_elsewhere or report.decided_elsewhere[-1][0] is not decision:
            report.sent.append(decision)
    return report
