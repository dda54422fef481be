"""Photos through the whole path, on SQLite and PostgreSQL: capture, confirm, store with the outcome,
journal during an outage, send on reconnect, reversal, read back, export and the claim packet PDF."""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
import subprocess
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select, update

from rmadesk.cli import main
from rmadesk.domain.errors import DatabaseUnavailable, UserError
from rmadesk.domain.model import Decision, Disposition
from rmadesk.domain.people import PermissionDenied
from rmadesk.domain.policy import load_policy
from rmadesk.services.bench import BenchService
from rmadesk.services.browse import BrowseService
from rmadesk.services.demo import create_demo_data
from rmadesk.services.inspection import Event, InspectionSession, State, Step
from rmadesk.services.journal import Journal, JournalTrouble, flush
from rmadesk.services.photos import (
    export_photos,
    photo_jpeg,
    photos_of,
    prepare_photo,
    write_claim_packet,
)
from rmadesk.services.reversal import reverse_outcome
from rmadesk.settings import Settings
from rmadesk.store.models import AuditEvent, Authorization, Outcome
from rmadesk.store.models import Photo as PhotoRow
from rmadesk.store.uow import Store
from tests.actors import BOSS, people
from tests.conftest import FullDisk
from tests.photos import MARK, camera_jpeg, small_photo

TSHIRT = "DkQxRtLmRRMA"  # 1 unit, 19.99
KETTLE = "DpHwNcVbRRMA"  # 2 units
BOOK = "DsGtYuJkRRMA"  # 1 unit, 24.50, books, damaged by the carrier
BOOK_ORDER = "112-8831094-1167203"


def settle(step: Step) -> Step:
    """Run the step's database work here and now, as the window's worker would."""
    while step.job is not None:
        job = step.job
        try:
            result = job.work()
        except Exception as exc:  # noqa: BLE001 - the session decides what a failure means
            following = job.failed(exc)
        else:
            following = job.done(result)
        if following is None:
            return step
        step = following
    return step


def session_on(store: Store, *, journal: Journal | None = None, **settings: object) -> InspectionSession:
    service = BenchService(store, load_policy(), Settings(bench="bench-1", sounds=False, **settings))
    return InspectionSession(service, "Ana", journal=journal)


@pytest.fixture
def session(store: Store) -> InspectionSession:
    create_demo_data(store, BOSS)
    return session_on(store)


def open_unit(session: InspectionSession, code: str = BOOK) -> Step:
    step = settle(session.scan(code))
    assert step.unit is not None, step.message
    return step


def stored_rows(store: Store) -> list[PhotoRow]:
    with store.read() as s:
        return list(s.scalars(select(PhotoRow).order_by(PhotoRow.outcome_id, PhotoRow.position)))


def only_outcome(store: Store) -> Outcome:
    with store.read() as s:
        [outcome] = s.scalars(select(Outcome)).all()
        return outcome


def decide_with_photos(session: InspectionSession, code: str = BOOK, seeds: tuple[int, ...] = (1, 2)) -> str:
    """Open the return, choose carrier-damaged, add the photos and confirm; the outcome's id."""
    open_unit(session, code)
    session.scan("CMD-CARRIER-DAMAGED")
    for seed in seeds:
        session.add_photo(small_photo(seed))
    uid = session.outcome_uid
    done = settle(session.scan("CMD-CONFIRM"))
    assert done.event is Event.RECORDED, done.message
    return uid


# ----- the bench --------------------------------------------------------------------------------------
def test_a_carrier_damaged_unit_is_confirmed_only_with_its_photos(
    session: InspectionSession, store: Store
) -> None:
    open_unit(session)
    chosen = session.scan("CMD-CARRIER-DAMAGED")
    assert chosen.state is State.PREVIEWING and chosen.photos_needed == 2 and chosen.photos == ()
    refused = session.scan("CMD-CONFIRM")
    assert refused.refusal == "A carrier-damaged unit needs 2 photos before it is confirmed; 0 taken."
    assert refused.job is None and session.state is State.PREVIEWING

    first = small_photo(1)
    added = session.add_photo(first)
    assert added.event is Event.PHOTOS_CHANGED and added.photos == (first,) and added.photos_needed == 1
    assert "Photo 1 added. 1 more photo is needed before confirming." == added.message
    again = session.scan("CMD-CONFIRM")
    assert again.refusal == "A carrier-damaged unit needs 2 photos before it is confirmed; 1 taken."
    assert session.add_photo(first).refusal == "This photo is already added (photo 1)."

    second = small_photo(2)
    ready = session.add_photo(second)
    assert ready.photos_needed == 0 and ready.message == "Photo 2 added."
    assert stored_rows(store) == []  # nothing is written before confirming
    writing = session.confirm()
    assert writing.decision is not None and writing.decision.photos == (first, second)
    done = settle(writing)
    assert done.event is Event.RECORDED and done.photos == () and session.photos == ()

    rows = stored_rows(store)
    outcome = only_outcome(store)
    assert [(r.outcome_id, r.position, r.sha256) for r in rows] == [
        (outcome.id, 1, first.sha256),
        (outcome.id, 2, second.sha256),
    ]
    assert [r.byte_size for r in rows] == [len(first.jpeg), len(second.jpeg)]
    assert all(r.taken_by == "Ana" and r.bench == "bench-1" and r.source == "camera" for r in rows)


def test_cmd_photo_asks_the_window_for_a_frame_and_remove_takes_one_back(
    session: InspectionSession, store: Store
) -> None:
    nothing_open = session.scan("CMD-PHOTO")
    assert nothing_open.refusal is not None and "a photo belongs to the unit" in nothing_open.refusal
    assert session.add_photo(small_photo(1)).refusal is not None
    open_unit(session)
    take = session.scan("cmd-photo")  # Caps Lock or not
    assert take.take_photo and take.refusal is None
    for seed in (1, 2, 3):
        session.add_photo(small_photo(seed))
    assert session.remove_photo(5).refusal == "There is no photo 6 to remove; the unit has 3."
    removed = session.remove_photo(0)
    assert removed.event is Event.PHOTOS_CHANGED and len(removed.photos) == 2
    assert [p.sha256 for p in session.photos] == [small_photo(2).sha256, small_photo(3).sha256]
    session.choose(Disposition.CARRIER_DAMAGED)
    settle(session.confirm())
    assert [r.sha256 for r in stored_rows(store)] == [small_photo(2).sha256, small_photo(3).sha256]


def test_cancelling_a_unit_drops_its_photos_and_the_next_unit_starts_with_none(
    session: InspectionSession, store: Store
) -> None:
    open_unit(session, KETTLE)
    session.add_photo(small_photo(1))
    settle(session.cancel())
    assert session.photos == ()
    open_unit(session, KETTLE)
    assert session.photos == ()
    session.add_photo(small_photo(1))
    session.scan("CMD-SELLER-FAULT")  # needs no photo, but may have one
    nxt = settle(session.scan("CMD-CONFIRM"))
    assert nxt.unit is not None and nxt.unit.seq == 2 and nxt.photos == () and session.photos == ()
    assert len(stored_rows(store)) == 1


def test_the_photos_setting_asks_photos_of_another_disposition(store: Store) -> None:
    create_demo_data(store, BOSS)
    session = session_on(store, photos=("seller_fault=1", "carrier_damaged=0"))
    open_unit(session, TSHIRT)
    assert session.scan("CMD-SELLER-FAULT").photos_needed == 1
    refused = session.confirm()
    assert refused.refusal == "A seller-fault unit needs 1 photo before it is confirmed; 0 taken."
    session.scan("CMD-CARRIER-DAMAGED")
    assert session.confirm().refusal is None  # none asked of carrier damage on this bench


def test_the_audit_trail_and_the_history_name_the_photos_by_their_hash(
    session: InspectionSession, store: Store
) -> None:
    uid = decide_with_photos(session)
    with store.read() as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "decide"))
        assert event is not None and event.after is not None
        after = json.loads(event.after)
        auth_id = s.scalar(select(Authorization.id).where(Authorization.rma_id == BOOK))
    assert after["outcome_uid"] == uid
    assert after["photos"] == [small_photo(1).sha256, small_photo(2).sha256]
    assert "jpeg" not in event.after and len(event.after) < 1000  # the hashes, never the bytes
    detail = BrowseService(store, BOSS).detail(auth_id)
    [decided] = [h for h in detail.history if h.action == "decide"]
    assert decided.summary.endswith("; 2 photos.")


# ----- read back ------------------------------------------------------------------------------------
def test_photos_of_an_outcome_and_their_full_images(session: InspectionSession, store: Store) -> None:
    uid = decide_with_photos(session)
    listed = photos_of(store, BOSS, uid)
    assert [(p.position, p.sha256, p.width, p.height) for p in listed] == [
        (1, small_photo(1).sha256, 640, 480),
        (2, small_photo(2).sha256, 640, 480),
    ]
    assert listed[0].thumbnail == small_photo(1).thumbnail and listed[0].taken_at.tzinfo is not None
    assert (listed[0].taken_by, listed[0].bench, listed[0].source) == ("Ana", "bench-1", "camera")
    jpeg = photo_jpeg(store, BOSS, listed[1].id)
    assert hashlib.sha256(jpeg).hexdigest() == listed[1].sha256
    with pytest.raises(UserError, match="There is no photo"):
        photo_jpeg(store, BOSS, 999_999)
    with pytest.raises(UserError, match="There is no outcome"):
        photos_of(store, BOSS, "no-such-outcome")


def test_a_reversal_keeps_the_photos_and_a_new_decision_has_its_own(
    session: InspectionSession, store: Store, tmp_path: Path
) -> None:
    first_uid = decide_with_photos(session)
    reverse_outcome(store, first_uid, reason="Box was fine after all", actor=BOSS)
    kept = photos_of(store, BOSS, first_uid)
    assert [p.sha256 for p in kept] == [small_photo(1).sha256, small_photo(2).sha256]
    second_uid = decide_with_photos(session, seeds=(3, 4))
    assert [p.sha256 for p in photos_of(store, BOSS, second_uid)] == [
        small_photo(3).sha256,
        small_photo(4).sha256,
    ]
    assert len(stored_rows(store)) == 4
    now = datetime.now(UTC)
    folder = tmp_path / "evidence"
    assert export_photos(store, BOSS, now - timedelta(hours=1), now + timedelta(hours=1), folder) == 4
    assert sorted(p.name for p in folder.iterdir()) == [
        f"{BOOK}-unit1-1.jpg",
        f"{BOOK}-unit1-2.jpg",
        f"{BOOK}-unit1-d2-1.jpg",
        f"{BOOK}-unit1-d2-2.jpg",
    ]
    packet = write_claim_packet(store, BOSS, first_uid, tmp_path / "reversed.pdf")
    text = pdf_text(packet)
    assert "This outcome was reversed by Sue" in text and "Box was fine after all" in text


# ----- outages --------------------------------------------------------------------------------------
def test_photos_taken_during_an_outage_wait_in_the_journal_and_arrive_with_the_decision(
    store: Store, tmp_path: Path
) -> None:
    create_demo_data(store, BOSS)
    journal = Journal(tmp_path / "journal.sqlite3")
    session = session_on(store, journal=journal)
    open_unit(session)
    session.scan("CMD-CARRIER-DAMAGED")
    big = prepare_photo(
        camera_jpeg(4000, 3000, orientation=6, gps=True), taken_by="Ana", bench="bench-1", source="camera"
    )
    session.add_photo(big)
    session.add_photo(small_photo(2))
    writing = session.confirm()
    assert writing.decision is not None
    kept = session.record_failed(DatabaseUnavailable("The shared database cannot be reached: gone."))
    assert kept.event is Event.KEPT and session.photos == () and journal.count() == 1
    assert stored_rows(store) == []

    # The bench closes and opens again before the database is back: the journal file holds it all.
    reopened = Journal(tmp_path / "journal.sqlite3")
    [pending] = reopened.pending()
    assert pending == replace(writing.decision, decided_at=pending.decided_at)
    assert [p.jpeg for p in pending.photos] == [big.jpeg, small_photo(2).jpeg]

    report = flush(reopened, session.service.record)
    assert [d.outcome_uid for d in report.sent] == [writing.decision.outcome_uid]
    assert reopened.count() == 0
    rows = stored_rows(store)
    assert [r.sha256 for r in rows] == [big.sha256, small_photo(2).sha256]
    assert (rows[0].width, rows[0].height) == (1920, 2560)
    assert photo_jpeg(store, BOSS, rows[0].id) == big.jpeg
    with sqlite_journal(tmp_path / "journal.sqlite3") as conn:  # nothing of it is left behind
        assert conn.execute("SELECT count(*) FROM pending_photo").fetchone()[0] == 0
    # Sent again (a retry after a lost answer): nothing doubled.
    again = session.service.record(pending, from_journal=True)
    assert again.already_written and len(stored_rows(store)) == 2


def sqlite_journal(path: Path) -> contextlib.closing[sqlite3.Connection]:
    return contextlib.closing(sqlite3.connect(path))


def test_a_journal_whose_photo_was_changed_is_refused_not_sent(store: Store, tmp_path: Path) -> None:
    journal = Journal(tmp_path / "journal.sqlite3")
    decision = Decision(
        "uid-1", 1, Disposition.CARRIER_DAMAGED, "Ana", "bench-1", photos=(small_photo(1), small_photo(2))
    )
    journal.add(decision, datetime.now(UTC))
    journal.add(decision, datetime.now(UTC))  # kept twice: still once, with its two photos
    assert [len(d.photos) for d in journal.pending()] == [2]
    with sqlite_journal(journal.path) as conn:
        conn.execute("UPDATE pending_photo SET jpeg = ? WHERE position = 2", (small_photo(3).jpeg,))
        conn.commit()
    with pytest.raises(JournalTrouble, match="is damaged"):
        journal.pending()
    journal.remove("uid-1")
    assert journal.pending() == [] and journal.count() == 0


def test_photos_that_do_not_fit_on_a_full_disk_leave_nothing_half_kept(full_disk: FullDisk) -> None:
    journal = Journal(full_disk.folder / "journal.sqlite3")
    big = prepare_photo(camera_jpeg(4000, 3000), taken_by="Ana", bench="b", source="camera")
    assert len(big.jpeg) > 300_000
    decision = Decision("uid-big", 1, Disposition.CARRIER_DAMAGED, "Ana", "b", photos=(big, big, big))
    with pytest.raises(JournalTrouble, match="the disk is full"):
        journal.add(decision, datetime.now(UTC))
    assert journal.count() == 0 and journal.pending() == []
    small = Decision("uid-small", 1, Disposition.CARRIER_DAMAGED, "Ana", "b", photos=(small_photo(1),))
    journal.add(small, datetime.now(UTC))
    assert [d.outcome_uid for d in journal.pending()] == ["uid-small"]


# ----- export and the claim packet ------------------------------------------------------------------
def test_export_writes_the_photos_of_a_period_named_by_return_and_unit(store: Store, tmp_path: Path) -> None:
    create_demo_data(store, BOSS)
    session = session_on(store)
    decide_with_photos(session, BOOK, seeds=(1, 2))
    open_unit(session, KETTLE)
    session.scan("CMD-SELLER-FAULT")
    settle(session.confirm())
    session.scan("CMD-CARRIER-DAMAGED")
    for seed in (5, 6, 7):
        session.add_photo(small_photo(seed))
    settle(session.confirm())
    folder = tmp_path / "out"
    now = datetime.now(UTC)
    assert export_photos(store, BOSS, now - timedelta(minutes=5), now + timedelta(minutes=5), folder) == 5
    names = sorted(p.name for p in folder.iterdir())
    assert names == [
        f"{KETTLE}-unit2-1.jpg",
        f"{KETTLE}-unit2-2.jpg",
        f"{KETTLE}-unit2-3.jpg",
        f"{BOOK}-unit1-1.jpg",
        f"{BOOK}-unit1-2.jpg",
    ]
    assert (
        hashlib.sha256((folder / f"{KETTLE}-unit2-3.jpg").read_bytes()).hexdigest() == small_photo(7).sha256
    )
    assert not list(folder.glob(".*"))  # no temporary file left
    assert (
        export_photos(store, BOSS, now - timedelta(days=3), now - timedelta(days=2), tmp_path / "none") == 0
    )
    with pytest.raises(UserError, match="must come after its start"):
        export_photos(store, BOSS, now, now, folder)


def test_an_inspector_may_see_photos_but_not_write_claims(store: Store, tmp_path: Path) -> None:
    crew = people(store)
    create_demo_data(store, crew["supervisor"])
    service = BenchService(store, load_policy(), Settings(bench="bench-1", sounds=False))
    session = InspectionSession(service, crew["inspector"])
    uid = decide_with_photos(session)
    assert len(photos_of(store, crew["inspector"], uid)) == 2
    with pytest.raises(PermissionDenied, match="write claim packets and export photos"):
        write_claim_packet(store, crew["inspector"], uid, tmp_path / "packet.pdf")
    with pytest.raises(PermissionDenied):
        now = datetime.now(UTC)
        export_photos(store, crew["inspector"], now - timedelta(hours=1), now, tmp_path / "x")
    assert not (tmp_path / "packet.pdf").exists() and not (tmp_path / "x").exists()
    assert write_claim_packet(store, crew["supervisor"], uid, tmp_path / "packet.pdf").is_file()


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_the_claim_packet_holds_the_facts_the_reimbursement_and_the_photos(
    store: Store, tmp_path: Path
) -> None:
    create_demo_data(store, BOSS)
    with store.unit_of_work() as s:
        s.execute(
            update(Authorization)
            .where(Authorization.rma_id == BOOK)
            .values(tracking_id="1Z999AA10123456784", carrier="UPS")
        )
    session = session_on(store)
    open_unit(session)
    session.scan("CMD-CARRIER-DAMAGED")
    twelve_mp = prepare_photo(
        camera_jpeg(4000, 3000, orientation=6, gps=True), taken_by="Ana", bench="bench-1", source="camera"
    )
    session.add_photo(twelve_mp)
    session.add_photo(small_photo(2))
    uid = session.outcome_uid
    settle(session.confirm())

    tmp_path = tmp_path / "packet"
    tmp_path.mkdir()
    packet = write_claim_packet(store, BOSS, uid, tmp_path / "claim")
    assert packet == tmp_path / "claim.pdf" and packet.read_bytes().startswith(b"%PDF")
    assert [p.name for p in tmp_path.iterdir()] == ["claim.pdf"]  # no temporary file beside it
    text = pdf_text(packet)
    flat = " ".join(text.split())
    for wanted in (
        f"Claim packet: {BOOK}, unit 1",
        BOOK_ORDER,
        "1Z999AA10123456784 (UPS)",
        "BOOK-HOBBIT-HC",
        "0547928211",
        "AMZ-PG-DAMAGED-BY-CARRIER",
        "The box arrived crushed",
        "Carrier-damaged → DAMAGED-CLAIM",
        "Inspector Ana",
        "Bench bench-1",
        "Sale price 24.50 USD",
        "Referral fee less refund administration fee 2.94 USD",
        "Total 27.44 USD",
        "Photo 1 of 2: 1920 × 2560 px, taken by Ana on bench bench-1",
        "Photo 2 of 2: 640 × 480 px",
        uid,
    ):
        assert wanted in flat, wanted
    assert twelve_mp.sha256 in text and small_photo(2).sha256 in text
    decided = only_outcome(store).decided_at
    assert decided.strftime("%Y-%m-%dT%H:%M:%SZ") in text  # the time in UTC beside the local one

    listed = subprocess.run(["pdfimages", "-list", str(packet)], capture_output=True, text=True, check=True)
    images = [line.split() for line in listed.stdout.splitlines()[2:]]
    assert [(row[3], row[4], row[8]) for row in images] == [("1920", "2560", "jpeg"), ("640", "480", "jpeg")]
    subprocess.run(["pdfimages", "-j", str(packet), str(tmp_path / "img")], check=True)
    extracted = sorted(tmp_path.glob("img-*.jpg"))
    # The stored JPEG is in the PDF byte for byte: its SHA-256 in the packet can be checked against it.
    assert [hashlib.sha256(p.read_bytes()).hexdigest() for p in extracted] == [
        twelve_mp.sha256,
        small_photo(2).sha256,
    ]

    subprocess.run(["pdftoppm", "-r", "40", "-png", str(packet), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 2
    marked = [
        page
        for page in pages
        if any(near_mark(colour) for _n, colour in Image.open(page).convert("RGB").getcolors(1 << 24) or ())
    ]
    assert marked, "the photos' red corner shows on a rendered page"


def near_mark(pixel: tuple[int, int, int]) -> bool:
    return all(abs(a - b) < 40 for a, b in zip(pixel, MARK, strict=True))


def test_a_packet_for_an_outcome_without_photos_says_so(
    session: InspectionSession, store: Store, tmp_path: Path
) -> None:
    open_unit(session, TSHIRT)
    session.scan("CMD-SELLABLE")
    uid = session.outcome_uid
    settle(session.confirm())
    text = pdf_text(write_claim_packet(store, BOSS, uid, tmp_path / "p.pdf"))
    assert "No photo was taken of this unit." in text
    with pytest.raises(UserError, match="There is no outcome"):
        write_claim_packet(store, BOSS, "nope", tmp_path / "q.pdf")
    assert not (tmp_path / "q.pdf").exists()


# ----- the command line -----------------------------------------------------------------------------
def test_the_commands_write_a_packet_and_export_photos(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.chdir(tmp_path)
    create_demo_data(store, BOSS)
    uid = decide_with_photos(session_on(store))
    url = store.engine.url.render_as_string(hide_password=False)

    assert main(["claim", "packet", "--db", url, "--outcome", uid]) == 0
    out, err = capsys.readouterr()
    default = tmp_path / f"claim-{BOOK}-unit1.pdf"
    assert default.is_file() and str(default) in out
    assert main(["claim", "packet", "--db", url, "--outcome", uid, "--out", str(tmp_path / "a.pdf")]) == 0
    assert (tmp_path / "a.pdf").is_file()
    capsys.readouterr()
    assert main(["claim", "packet", "--db", url, "--outcome", "missing"]) == 2
    assert "There is no outcome missing." in capsys.readouterr().err

    today = datetime.now().date()
    folder = tmp_path / "photos"
    argv = ["export", "photos", "--db", url, "--from", str(today), "--to", str(today), str(folder)]
    assert main(argv) == 0
    assert "2 photos written to" in capsys.readouterr().out
    assert sorted(p.name for p in folder.iterdir()) == [f"{BOOK}-unit1-1.jpg", f"{BOOK}-unit1-2.jpg"]
    with pytest.raises(SystemExit):  # argparse says what is missing, as for every command
        main(["export", "photos", "--db", url, str(folder)])
    assert "--from" in capsys.readouterr().err
    assert (
        main(["export", "photos", "--db", url, "--from", "yesterday", "--to", str(today), str(folder)]) == 2
    )
    assert "'yesterday' is not a time" in capsys.readouterr().err


def test_a_journal_kept_before_photos_existed_is_still_read_and_sent(tmp_path: Path) -> None:
    path = tmp_path / "old-journal.sqlite3"
    old = json.dumps(
        {
            "outcome_uid": "old-1",
            "unit_id": 7,
            "disposition": "sellable",
            "inspector": "Ana",
            "bench": "bench-1",
            "recommended": None,
            "override_reason": None,
            "answers": {},
            "scanned_at": None,
            "decided_at": "2026-12-01T10:00:00+00:00",
        }
    )
    with sqlite_journal(path) as conn:  # the journal as the release before photos wrote it
        conn.execute(
            "CREATE TABLE pending "
            "(outcome_uid TEXT PRIMARY KEY, decision TEXT NOT NULL, journaled_at TEXT NOT NULL)"
        )
        conn.execute("INSERT INTO pending VALUES ('old-1', ?, '2026-12-01T10:00:01+00:00')", (old,))
        conn.commit()
    journal = Journal(path)
    [kept] = journal.pending()
    assert (kept.outcome_uid, kept.unit_id, kept.photos) == ("old-1", 7, ())
    journal.remove("old-1")
    assert journal.count() == 0
    with sqlite_journal(path) as conn:
        assert conn.execute("SELECT count(*) FROM pending_photo").fetchone() == (0,)
