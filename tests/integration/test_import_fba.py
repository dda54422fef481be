"""Importing FBA customer returns and FBA reimbursements into a real SQLite file and real PostgreSQL."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from rmadesk.domain.model import Decision, Disposition
from rmadesk.domain.policy import load_policy
from rmadesk.services.bench import BenchService, new_outcome_uid
from rmadesk.services.imports import ImportResult, base, import_report
from rmadesk.settings import Settings
from rmadesk.store.models import (
    AuditEvent,
    Authorization,
    ImportBatch,
    MarketplaceReimbursement,
    ScanCode,
    Unit,
)
from rmadesk.store.uow import Store
from tests.integration.test_import import MFN_HEADER, row, write_report

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "reports"
D = Decimal

RETURNS_HEADER = [
    "return-date", "order-id", "sku", "asin", "fnsku", "product-name", "quantity", "fulfillment-center-id",
    "detailed-disposition", "reason", "status", "license-plate-number", "customer-comments",
]  # fmt: skip
PAID_HEADER = [
    "approval-date", "reimbursement-id", "case-id", "amazon-order-id", "reason", "sku", "fnsku", "asin",
    "product-name", "condition", "currency-unit", "amount-per-unit", "quantity-reimbursed-cash",
    "amount-total", "quantity-reimbursed-inventory", "quantity-reimbursed-total",
    "original-reimbursement-id", "original-reimbursement-type",
]  # fmt: skip

# The units of tests/fixtures/reports/fba_customer_returns.txt that import (see make_fixtures.py).
TEE_KEY = "FBA|114-3941689-8772232|TEE-BLK-M"
WHITE_KEY = "FBA|112-7730315-4410658|TEE-WHT-L"
MUG_KEY = "FBA|113-0052281-6634619|MUG-CER-12"
SHORT_KEY = "FBA|115-6620981-3345012|TEE-BLK-S"


def fba(**cells: str) -> dict[str, str]:
    """One FBA customer returns row; keyword names use underscores for hyphens."""
    values = {
        "return-date": "2026-11-03T14:05:11+00:00",
        "order-id": "114-5550001-0000001",
        "sku": "JACKET-GRN-M",
        "asin": "B0JACKET01",
        "fnsku": "X00JACKET1",
        "product-name": "Rain jacket, green, M",
        "quantity": "1",
        "fulfillment-center-id": "PHX7",
        "detailed-disposition": "SELLABLE",
        "reason": "APPAREL_TOO_SMALL",
        "status": "Unit returned to inventory",
        "license-plate-number": "LPNJK0000001",
        "customer-comments": "",
    }
    values.update({name.replace("_", "-"): value for name, value in cells.items()})
    assert set(values) == set(RETURNS_HEADER), set(values) ^ set(RETURNS_HEADER)
    return values


def paid(**cells: str) -> dict[str, str]:
    """One FBA reimbursements row; keyword names use underscores for hyphens."""
    values = {
        "approval-date": "2026-11-20",
        "reimbursement-id": "5900000001",
        "case-id": "",
        "amazon-order-id": "114-5550001-0000001",
        "reason": "CustomerReturn",
        "sku": "JACKET-GRN-M",
        "fnsku": "X00JACKET1",
        "asin": "B0JACKET01",
        "product-name": "Rain jacket, green, M",
        "condition": "Sellable",
        "currency-unit": "USD",
        "amount-per-unit": "49.90",
        "quantity-reimbursed-cash": "1",
        "amount-total": "49.90",
        "quantity-reimbursed-inventory": "0",
        "quantity-reimbursed-total": "1",
        "original-reimbursement-id": "",
        "original-reimbursement-type": "",
    }
    values.update({name.replace("_", "-"): value for name, value in cells.items()})
    assert set(values) == set(PAID_HEADER), set(values) ^ set(PAID_HEADER)
    return values


def write_tsv(
    path: Path,
    header: list[str],
    rows: list[dict[str, str]],
    *,
    encoding: str = "utf-8",
    bom: bytes = b"",
    newline: str = "\n",
    written_header: list[str] | None = None,
) -> Path:
    """A report file; written_header, if given, is the header line as written (odd case or spacing)."""
    lines = [
        "\t".join(written_header or header),
        *("\t".join(values[name] for name in header) for values in rows),
    ]
    path.write_bytes(bom + (newline.join(lines) + newline).encode(encoding))
    return path


def run(store: Store, path: Path, **kwargs: object) -> ImportResult:
    return import_report(store, path, actor="t", bench="b1", **kwargs)  # type: ignore[arg-type]


def count(store: Store, model: type) -> int:
    with store.read() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def auth_of(store: Store, key: str) -> Authorization:
    with store.read() as session:
        return session.scalars(select(Authorization).where(Authorization.auth_key == key)).one()


def units_of(store: Store, key: str) -> list[Unit]:
    with store.read() as session:
        return list(
            session.scalars(
                select(Unit)
                .join(Authorization, Authorization.id == Unit.authorization_id)
                .where(Authorization.auth_key == key)
                .order_by(Unit.seq)
            )
        )


def unit_by_lpn(store: Store, lpn: str) -> Unit:
    with store.read() as session:
        return session.scalars(select(Unit).where(Unit.lpn == lpn)).one()


def bench(store: Store) -> BenchService:
    return BenchService(store, load_policy(), Settings(bench="b1"))


def decide(service: BenchService, unit_id: int, disposition: Disposition = Disposition.SELLABLE) -> None:
    service.record(
        Decision(
            outcome_uid=new_outcome_uid(),
            unit_id=unit_id,
            disposition=disposition,
            inspector="Ana",
            bench="b1",
        )
    )


# --- FBA customer returns ---------------------------------------------------------------------------


def test_fba_returns_fixture_imports_one_unit_per_license_plate(store: Store) -> None:
    seen: list[tuple[int, int]] = []
    result = run(store, FIXTURES / "fba_customer_returns.txt", progress=lambda d, t: seen.append((d, t)))

    assert (result.added, result.updated, result.unchanged) == (4, 0, 0)
    assert (result.authorizations_added, result.units_added, result.units_removed) == (4, 5, 0)
    assert result.duplicates == 1  # line 5 repeats line 2's license plate; the later copy wins
    assert [problem.line for problem in result.problems] == [6, 7, 8]
    reasons = {problem.line: problem.reason for problem in result.problems}
    assert "order-id is empty" in reasons[6]
    assert "'1.5'" in reasons[7] and "whole number" in reasons[7]
    assert "license-plate-number" in reasons[8] and "return-date" in reasons[8]
    assert result.report_kind == "fba_returns" and seen == [(4, 4)]
    assert result.summary() == (
        "fba_customer_returns.txt: FBA customer returns report, 8 rows; 4 added, 0 updated, 0 unchanged "
        "(4 authorizations, 5 units added); 3 rejected; 1 duplicate row collapsed; marketplace US, USD; "
        "read as utf-8."
    )

    tee = auth_of(store, TEE_KEY)
    assert (tee.kind, tee.source, tee.order_id, tee.sku) == (
        "RMA",
        "fba_report",
        "114-3941689-8772232",
        "TEE-BLK-M",
    )
    assert (tee.asin, tee.fnsku, tee.item_name) == ("B0C4XK2M7Q", "X002ABCD12", "Crew Tee, Black, M")
    assert (tee.reason, tee.quantity, tee.customer_comment) == ("APPAREL_TOO_SMALL", 1, "Too small")
    assert (tee.rma_id, tee.merchant_rma_id, tee.request_date) == (None, None, date(2026, 11, 3))
    [unit] = units_of(store, TEE_KEY)
    assert (unit.seq, unit.lpn, unit.attempt) == (1, "LPNRR123456789", 0)
    assert unit.marketplace_status == "Reimbursed"  # from line 5, the later copy
    assert (unit.marketplace_disposition, unit.marketplace_reason) == ("SELLABLE", "APPAREL_TOO_SMALL")
    assert (unit.fulfillment_center, unit.returned_on) == ("PHX7", date(2026, 11, 3))
    assert unit.source_hash is not None and len(unit.source_hash) == 64

    white = unit_by_lpn(store, "LPNRR223456789")
    assert white.marketplace_disposition == "CUSTOMER_DAMAGED"  # read in upper case
    assert unit_by_lpn(store, "LPNRR523456789").marketplace_disposition == "DISTRIBUTOR_DAMAGED"
    assert auth_of(store, SHORT_KEY).reason == "UNDELIVERABLE_REFUSED"

    mugs = units_of(store, MUG_KEY)  # no license plate, two units
    assert [(u.seq, u.lpn, u.marketplace_disposition, u.returned_on) for u in mugs] == [
        (1, None, "DEFECTIVE", date(2026, 11, 5)),
        (2, None, "DEFECTIVE", date(2026, 11, 5)),
    ]
    assert auth_of(store, MUG_KEY).quantity == 2

    with store.read() as session:
        codes = {
            (c.code, c.code_kind): (c.authorization_id, c.unit_id) for c in session.scalars(select(ScanCode))
        }
        batch = session.scalars(select(ImportBatch)).one()
    assert len(codes) == 4 + 3  # an order code per authorization, an LPN code per licensed unit
    assert codes[("LPNRR123456789", "lpn")] == (tee.id, unit.id)
    assert codes[("LPNRR223456789", "lpn")] == (white.authorization_id, white.id)
    assert codes[("114-3941689-8772232", "order")] == (tee.id, None)
    assert (batch.report_kind, batch.rows_total, batch.rows_added, batch.rows_rejected) == (
        "fba_returns",
        8,
        4,
        3,
    )


def test_license_plate_scan_finds_its_authorization_and_unit(store: Store) -> None:
    run(store, FIXTURES / "fba_customer_returns.txt")
    service = bench(store)
    auth = service.lookup("LPNRR123456789")
    assert (auth.order_id, auth.sku, auth.quantity) == ("114-3941689-8772232", "TEE-BLK-M", 1)
    assert auth.display_id == "114-3941689-8772232 / TEE-BLK-M"
    assert [u.lpn for u in auth.units] == ["LPNRR123456789"]
    assert service.lookup("lpnrr123456789").auth_id == auth.auth_id  # Caps Lock
    # What the bench needs to open the scanned unit: the unit whose LPN was scanned.
    assert (
        next(u for u in auth.units if u.lpn == "LPNRR123456789").unit_id
        == unit_by_lpn(store, "LPNRR123456789").id
    )
    mugs = service.lookup("113-0052281-6634619")  # by order ID
    assert mugs.sku == "MUG-CER-12" and [u.lpn for u in mugs.units] == [None, None]


def test_several_plates_of_one_order_line_make_one_authorization(store: Store, tmp_path: Path) -> None:
    rows = [
        fba(license_plate_number="LPNJK0000001"),
        fba(
            license_plate_number="LPNJK0000002",
            detailed_disposition="CARRIER_DAMAGED",
            reason="DAMAGED_BY_CARRIER",
        ),
        fba(license_plate_number="LPNJK0000003", quantity="2", fulfillment_center_id="ONT8"),
        fba(sku="JACKET-GRN-L", license_plate_number="LPNJK0000004"),
    ]
    result = run(store, write_tsv(tmp_path / "a.txt", RETURNS_HEADER, rows))
    assert (result.added, result.authorizations_added, result.units_added) == (4, 2, 5)
    key = "FBA|114-5550001-0000001|JACKET-GRN-M"
    jacket = auth_of(store, key)
    assert (jacket.quantity, jacket.reason) == (4, "APPAREL_TOO_SMALL")  # the first row's reason
    assert [
        (u.seq, u.lpn, u.fulfillment_center, u.marketplace_disposition) for u in units_of(store, key)
    ] == [
        (1, "LPNJK0000001", "PHX7", "SELLABLE"),
        (2, "LPNJK0000002", "PHX7", "CARRIER_DAMAGED"),
        (3, "LPNJK0000003", "ONT8", "SELLABLE"),
        (4, None, "ONT8", "SELLABLE"),  # quantity 2 on one plate: the first unit carries the plate
    ]
    service = bench(store)
    for lpn in ("LPNJK0000001", "LPNJK0000002", "LPNJK0000003"):
        assert service.lookup(lpn).auth_id == jacket.id
    assert service.lookup("LPNJK0000004").sku == "JACKET-GRN-L"
    with pytest.raises(Exception, match="matches 2 authorizations"):
        service.lookup("114-5550001-0000001")  # one order, two SKUs: the order ID is ambiguous

    again = run(store, write_tsv(tmp_path / "a.txt", RETURNS_HEADER, rows))
    assert (again.added, again.updated, again.unchanged, again.units_added) == (0, 0, 4, 0)
    assert count(store, Unit) == 5 and count(store, ScanCode) == 2 + 4


def test_reimport_changes_nothing(store: Store) -> None:
    path = FIXTURES / "fba_customer_returns.txt"
    run(store, path)
    before = {
        u.id: (u.lpn, u.source_hash)
        for key in (TEE_KEY, WHITE_KEY, MUG_KEY, SHORT_KEY)
        for u in units_of(store, key)
    }
    counts = (count(store, Authorization), count(store, Unit), count(store, ScanCode))
    again = run(store, path)
    assert (again.added, again.updated, again.unchanged, again.rejected) == (0, 0, 4, 3)
    assert (again.units_added, again.authorizations_added, again.notes) == (0, 0, ())
    assert (count(store, Authorization), count(store, Unit), count(store, ScanCode)) == counts
    after = {
        u.id: (u.lpn, u.source_hash)
        for key in (TEE_KEY, WHITE_KEY, MUG_KEY, SHORT_KEY)
        for u in units_of(store, key)
    }
    assert after == before
    assert count(store, AuditEvent) == 1  # the second import changed nothing


def test_changed_status_and_disposition_update_the_unit_and_are_noted(store: Store, tmp_path: Path) -> None:
    first = [fba(), fba(license_plate_number="LPNJK0000002")]
    run(store, write_tsv(tmp_path / "monday.txt", RETURNS_HEADER, first))
    unit_id = unit_by_lpn(store, "LPNJK0000001").id
    later = [
        fba(status="Reimbursed", detailed_disposition="CARRIER_DAMAGED"),
        fba(license_plate_number="LPNJK0000002"),
    ]
    result = run(store, write_tsv(tmp_path / "tuesday.txt", RETURNS_HEADER, later))
    assert (result.added, result.updated, result.unchanged) == (0, 1, 1)
    [note] = result.notes
    assert note.startswith("line 2: LPN LPNJK0000001 updated: ")
    assert "status changed from Unit returned to inventory to Reimbursed" in note
    assert "disposition changed from SELLABLE to CARRIER_DAMAGED" in note
    unit = unit_by_lpn(store, "LPNJK0000001")
    assert unit.id == unit_id  # the same unit, updated in place
    assert (unit.marketplace_status, unit.marketplace_disposition) == ("Reimbursed", "CARRIER_DAMAGED")
    assert unit_by_lpn(store, "LPNJK0000002").marketplace_status == "Unit returned to inventory"
    assert count(store, Unit) == 2 and auth_of(store, "FBA|114-5550001-0000001|JACKET-GRN-M").quantity == 2
    with store.read() as session:
        assert session.scalars(select(ImportBatch.rows_updated).order_by(ImportBatch.id)).all() == [0, 1]


def test_a_later_report_adds_units_to_the_authorization(store: Store, tmp_path: Path) -> None:
    run(store, write_tsv(tmp_path / "a.txt", RETURNS_HEADER, [fba()]))
    key = "FBA|114-5550001-0000001|JACKET-GRN-M"
    service = bench(store)
    [unit] = service.lookup("LPNJK0000001").units
    decide(service, unit.unit_id, Disposition.CARRIER_DAMAGED)
    # The next week's report holds only the new return of the same order line.
    result = run(
        store, write_tsv(tmp_path / "b.txt", RETURNS_HEADER, [fba(license_plate_number="LPNJK0000009")])
    )
    assert (result.added, result.units_added, result.authorizations_added) == (1, 1, 0)
    auth = service.lookup("LPNJK0000009")
    assert auth.quantity == 2 and [(u.seq, u.lpn, u.decided) for u in auth.units] == [
        (1, "LPNJK0000001", True),
        (2, "LPNJK0000009", False),
    ]
    assert auth_of(store, key).quantity == 2


def test_rows_without_license_plate_are_keyed_by_order_sku_and_date(store: Store, tmp_path: Path) -> None:
    key = "FBA|114-5550001-0000001|JACKET-GRN-M"
    rows = [
        fba(license_plate_number="", quantity="2"),
        fba(license_plate_number="", return_date="2026-11-09", detailed_disposition="DEFECTIVE"),
    ]
    result = run(store, write_tsv(tmp_path / "a.txt", RETURNS_HEADER, rows))
    assert (result.added, result.authorizations_added, result.units_added) == (2, 1, 3)
    assert [(u.seq, u.lpn, u.returned_on) for u in units_of(store, key)] == [
        (1, None, date(2026, 11, 3)),
        (2, None, date(2026, 11, 3)),
        (3, None, date(2026, 11, 9)),
    ]
    assert run(store, tmp_path / "a.txt").unchanged == 2 and count(store, Unit) == 3

    # One more unit on the first return: one unit added, the others kept as they were.
    ids = [u.id for u in units_of(store, key)]
    rows[0] = fba(license_plate_number="", quantity="3")
    result = run(store, write_tsv(tmp_path / "b.txt", RETURNS_HEADER, rows))
    assert (result.added, result.updated, result.unchanged, result.units_added) == (0, 1, 1, 1)
    assert "quantity changed from 2 to 3" in result.notes[0]
    assert "the return of 114-5550001-0000001 / JACKET-GRN-M on 2026-11-03" in result.notes[0]
    units = units_of(store, key)
    assert [u.id for u in units][:3] == ids
    assert [(u.seq, u.returned_on) for u in units] == [
        (1, date(2026, 11, 3)),
        (2, date(2026, 11, 3)),
        (3, date(2026, 11, 9)),
        (4, date(2026, 11, 3)),
    ]
    assert auth_of(store, key).quantity == 4

    # Two of its units decided; the report lowers it to one: the decided units stay, the third goes.
    service = bench(store)
    decide(service, units[0].id)
    decide(service, units[3].id, Disposition.SELLER_FAULT)
    rows[0] = fba(license_plate_number="", quantity="1")
    result = run(store, write_tsv(tmp_path / "c.txt", RETURNS_HEADER, rows))
    assert (result.updated, result.units_removed) == (1, 1)
    assert (
        "quantity changed from 3 to 1" in result.notes[0]
        and "1 decided unit kept, so it keeps 2" in result.notes[0]
    )
    assert [u.seq for u in units_of(store, key)] == [1, 3, 4]
    assert auth_of(store, key).quantity == 3
    auth = service.lookup("114-5550001-0000001")
    assert [(u.seq, u.decided) for u in auth.units] == [(1, True), (3, False), (4, True)]
    assert "1 undecided unit removed" in result.summary()


def test_a_license_plate_of_another_order_line_is_refused(store: Store, tmp_path: Path) -> None:
    run(store, write_tsv(tmp_path / "a.txt", RETURNS_HEADER, [fba()]))
    moved = [fba(sku="JACKET-RED-M"), fba(sku="JACKET-RED-M", license_plate_number="LPNJK0000005")]
    result = run(store, write_tsv(tmp_path / "b.txt", RETURNS_HEADER, moved))
    assert (result.added, result.rejected) == (1, 1)
    [problem] = result.problems
    assert problem.line == 2
    assert (
        "LPNJK0000001 is already a unit of another return (114-5550001-0000001 / JACKET-GRN-M)"
        in problem.reason
    )
    assert (
        unit_by_lpn(store, "LPNJK0000001").authorization_id
        == auth_of(store, "FBA|114-5550001-0000001|JACKET-GRN-M").id
    )
    assert auth_of(store, "FBA|114-5550001-0000001|JACKET-RED-M").quantity == 1


def test_values_the_database_cannot_hold_are_refused_with_their_line(store: Store, tmp_path: Path) -> None:
    rows = [
        fba(),
        fba(license_plate_number="LPNJK0000002", fulfillment_center_id="FULFILMENT-CENTRE-7"),
        fba(license_plate_number="LPNJK0000003", quantity="100000"),
        fba(license_plate_number="LPNJK0000004", status="Unit\x00returned"),
    ]
    result = run(store, write_tsv(tmp_path / "a.txt", RETURNS_HEADER, rows))
    assert (result.added, [p.line for p in result.problems]) == (1, [3, 4, 5])
    reasons = [p.reason for p in result.problems]
    assert "fulfillment-center-id is 19 characters long; RMA Desk keeps at most 12" in reasons[0]
    assert "quantity '100000' is more than RMA Desk takes as units for one return" in reasons[1]
    assert "status holds a NUL character" in reasons[2]
    assert count(store, Unit) == 1


def test_messy_returns_file_utf16_crlf_quotes(store: Store, tmp_path: Path) -> None:
    header = [f"  {name.upper()} " if name in ("sku", "quantity") else name for name in RETURNS_HEADER]
    rows = [
        fba(
            product_name='"Rain jacket\tdeluxe, ""storm"" edition"',
            customer_comments='"Too small.\r\nSleeves short"',
        ),
        fba(license_plate_number="LPNJK0000002", return_date="05-Nov-2026", quantity=" 1 "),
    ]
    path = write_tsv(
        tmp_path / "utf16.txt",
        RETURNS_HEADER,
        rows,
        encoding="utf-16-le",
        bom=b"\xff\xfe",
        newline="\r\n",
        written_header=header,
    )
    result = run(store, path)
    assert (result.encoding, result.added, result.rejected) == ("utf-16-le", 2, 0)
    jacket = auth_of(store, "FBA|114-5550001-0000001|JACKET-GRN-M")
    assert jacket.item_name == 'Rain jacket\tdeluxe, "storm" edition'
    assert jacket.customer_comment is not None and jacket.customer_comment.startswith("Too small.")
    assert "Sleeves short" in jacket.customer_comment
    assert unit_by_lpn(store, "LPNJK0000002").returned_on == date(2026, 11, 5)
    assert run(store, path).unchanged == 2

    other = run(store, FIXTURES / "fba_customer_returns_amazon_order_id.txt")  # CRLF, amazon-order-id
    assert (other.added, other.rejected) == (1, 0)
    assert unit_by_lpn(store, "LPNRR623456789").marketplace_disposition is None


def test_fba_import_over_several_chunks(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """1,201 units in 601 order lines, in chunks of about 500 rows; a line is never split between chunks."""
    monkeypatch.setattr(base, "CHUNK", 500)
    rows = [
        fba(order_id=f"114-{n // 2:07d}-0000001", license_plate_number=f"LPN{n:09d}", reason=f"R{n % 5}")
        for n in range(1201)
    ]
    seen: list[tuple[int, int]] = []
    path = write_tsv(tmp_path / "big.txt", RETURNS_HEADER, rows)
    result = run(store, path, progress=lambda d, t: seen.append((d, t)))
    assert (result.added, result.authorizations_added, result.units_added) == (1201, 601, 1201)
    assert seen == [(500, 1201), (1000, 1201), (1201, 1201)]
    assert count(store, Unit) == 1201 and count(store, ScanCode) == 601 + 1201
    assert bench(store).lookup("LPN000001200").quantity == 1
    assert [u.lpn for u in bench(store).lookup("LPN000000999").units] == ["LPN000000998", "LPN000000999"]
    rows[1000] = fba(order_id="114-0000500-0000001", license_plate_number="LPN000001000", status="Closed")
    again = run(store, write_tsv(tmp_path / "big2.txt", RETURNS_HEADER, rows))
    assert (again.added, again.updated, again.unchanged) == (0, 1, 1200)
    assert again.notes[0].startswith("line 1002: LPN LPN000001000 updated: status changed")


def test_a_failing_import_writes_nothing(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One transaction: when the second chunk fails, the first chunk is not kept either."""
    monkeypatch.setattr(base, "CHUNK", 2)
    rows = [fba(license_plate_number=f"LPN{n:09d}", order_id=f"114-{n:07d}-0000001") for n in range(5)]

    def stop(done: int, total: int) -> None:
        if done > 2:
            raise RuntimeError("the window was closed")

    with pytest.raises(RuntimeError):
        run(store, write_tsv(tmp_path / "a.txt", RETURNS_HEADER, rows), progress=stop)
    assert (
        count(store, Authorization),
        count(store, Unit),
        count(store, ScanCode),
        count(store, ImportBatch),
    ) == (
        0,
        0,
        0,
        0,
    )


# --- FBA reimbursements -----------------------------------------------------------------------------


def reimbursements(store: Store) -> dict[str, MarketplaceReimbursement]:
    with store.read() as session:
        return {r.row_key: r for r in session.scalars(select(MarketplaceReimbursement))}


def test_reimbursements_fixture_imports(store: Store) -> None:
    result = run(store, FIXTURES / "fba_reimbursements.txt")
    assert (result.added, result.updated, result.unchanged, result.duplicates) == (4, 0, 0, 1)
    assert [p.line for p in result.problems] == [7, 8, 9]
    reasons = {p.line: p.reason for p in result.problems}
    assert (
        "'eight'" in reasons[7]
        and "reimbursement-id is empty" in reasons[8]
        and "amount-total is empty" in reasons[9]
    )
    assert result.summary().startswith("fba_reimbursements.txt: FBA reimbursements report, 8 rows; 4 added")
    assert result.units_added == 0 and result.authorizations_added == 0
    rows = reimbursements(store)
    assert set(rows) == {
        "4938201745|TEE-BLK-M|114-3941689-8772232",
        "4938201746|MUG-CER-12|",
        "4938201747|TEE-BLK-M|114-3941689-8772232",
        "4938201745|TEE-WHT-L|114-3941689-8772232",
    }
    tee = rows["4938201745|TEE-BLK-M|114-3941689-8772232"]
    assert (tee.reimbursement_id, tee.case_id, tee.order_id, tee.sku, tee.fnsku, tee.asin) == (
        "4938201745",
        "10723456781",
        "114-3941689-8772232",
        "TEE-BLK-M",
        "X002ABCD12",
        "B0C4XK2M7Q",
    )
    assert (tee.approval_date, tee.reason, tee.condition, tee.currency) == (
        date(2026, 11, 10),
        "CustomerReturn",
        "Sellable",
        "USD",
    )
    assert (tee.amount_per_unit, tee.amount_total) == (D("19.99"), D("19.99"))
    assert (tee.quantity_cash, tee.quantity_inventory, tee.quantity_total) == (1, 0, 1)
    mug = rows["4938201746|MUG-CER-12|"]
    assert (
        mug.order_id,
        mug.amount_total,
        mug.quantity_cash,
        mug.quantity_inventory,
        mug.quantity_total,
    ) == (
        None,
        D("0"),
        0,
        2,
        2,
    )
    reversal = rows["4938201747|TEE-BLK-M|114-3941689-8772232"]
    assert (reversal.amount_total, reversal.quantity_total) == (D("-19.99"), -1)
    assert (reversal.original_reimbursement_id, reversal.original_reimbursement_type) == (
        "4938201745",
        "CustomerReturn",
    )
    assert count(store, Authorization) == 0  # payments are not authorizations


def test_reimbursements_reimport_and_update(store: Store, tmp_path: Path) -> None:
    rows = [paid(), paid(reimbursement_id="5900000002", sku="JACKET-GRN-L", amount_total="12.00")]
    path = write_tsv(tmp_path / "a.txt", PAID_HEADER, rows)
    assert run(store, path).added == 2
    again = run(store, path)
    assert (again.added, again.updated, again.unchanged, again.notes) == (0, 0, 2, ())
    ids = {key: row.id for key, row in reimbursements(store).items()}

    rows[0] = paid(amount_total="52.40", amount_per_unit="52.40", reason="CarrierDamaged")
    result = run(store, write_tsv(tmp_path / "b.txt", PAID_HEADER, rows))
    assert (result.added, result.updated, result.unchanged) == (0, 1, 1)
    [note] = result.notes
    assert note.startswith(
        "line 2: reimbursement 5900000001 (JACKET-GRN-M, order 114-5550001-0000001) changed: "
    )
    assert "amount-total 49.90 → 52.40" in note and "reason CustomerReturn → CarrierDamaged" in note
    row = reimbursements(store)["5900000001|JACKET-GRN-M|114-5550001-0000001"]
    assert (row.amount_total, row.amount_per_unit, row.reason) == (D("52.40"), D("52.40"), "CarrierDamaged")
    assert {key: r.id for key, r in reimbursements(store).items()} == ids  # updated in place
    with store.read() as session:
        batches = session.scalars(select(ImportBatch).order_by(ImportBatch.id)).all()
    assert [(b.report_kind, b.rows_added, b.rows_updated, b.rows_unchanged) for b in batches] == [
        ("fba_reimbursements", 2, 0, 0),
        ("fba_reimbursements", 0, 0, 2),
        ("fba_reimbursements", 0, 1, 1),
    ]


def test_messy_reimbursements_file(store: Store, tmp_path: Path) -> None:
    header = [name.upper() if name.startswith("amount") else name for name in PAID_HEADER]
    rows = [
        paid(product_name='"Rain jacket, green\tM"', amount_total="$1,049.90", amount_per_unit="1,049.90"),
        paid(
            reimbursement_id="5900000002",
            quantity_reimbursed_cash="",
            amount_total="-5.00",
            approval_date="20-Nov-2026",
        ),
        paid(reimbursement_id="5900000003", amount_total="12.34567"),
    ]
    path = write_tsv(
        tmp_path / "r.txt",
        PAID_HEADER,
        rows,
        encoding="utf-16-le",
        bom=b"\xff\xfe",
        newline="\r\n",
        written_header=header,
    )
    result = run(store, path)
    assert (result.encoding, result.added) == ("utf-16-le", 2)
    [problem] = result.problems
    assert problem.line == 4 and "amount-total '12.34567' has more than four decimal places" in problem.reason
    stored = reimbursements(store)
    first = stored["5900000001|JACKET-GRN-M|114-5550001-0000001"]
    assert (first.product_name, first.amount_total) == ("Rain jacket, green\tM", D("1049.90"))
    second = stored["5900000002|JACKET-GRN-M|114-5550001-0000001"]
    assert (second.amount_total, second.quantity_cash, second.approval_date) == (
        D("-5.00"),
        0,
        date(2026, 11, 20),
    )


# --- seller-fulfilled returns over several chunks ------------------------------------------------


def test_mfn_reimport_with_changes_over_several_chunks(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """1,201 returns in chunks of 500; then statuses and quantities change across every chunk."""
    monkeypatch.setattr(base, "CHUNK", 500)

    def report(closed: set[int], more: set[int]) -> list[dict[str, str]]:
        return [
            row(
                Order_ID=f"114-{n:07d}-8772232",
                Amazon_RMA_ID=f"D{n:07d}RRMA",
                Tracking_ID=f"1Z{n:016d}",
                Merchant_SKU=f"SKU-{n % 37}",
                Return_request_status="Closed" if n in closed else "Approved",
                Return_quantity=str(2 + (n in more)),
                Order_quantity="3",
                Order_Amount="30.00",
            )
            for n in range(1201)
        ]

    result = run(store, write_report(tmp_path / "a.txt", report(set(), set())))
    assert (result.added, result.units_added) == (1201, 2402)
    closed, more = set(range(0, 1201, 100)), {7, 499, 500, 1200}
    result = run(store, write_report(tmp_path / "b.txt", report(closed, more)))
    assert (result.added, result.updated, result.unchanged) == (
        0,
        len(closed | more),
        1201 - len(closed | more),
    )
    assert result.units_added == 4
    assert len(result.notes) == len(closed)  # a quantity raised is no news; a status changed is
    assert all("Approved to Closed" in note for note in result.notes)
    assert count(store, Unit) == 2402 + 4 and count(store, ScanCode) == 3 * 1201
    service = bench(store)
    assert service.lookup("D0000500RRMA").quantity == 3 and len(service.lookup("D0000500RRMA").units) == 3
    assert service.lookup("1Z0000000000001199").status == "Approved"
    assert service.lookup("D0001100RRMA").status == "Closed"


def test_mfn_and_fba_rows_of_one_header_name_do_not_mix(store: Store, tmp_path: Path) -> None:
    """The same order and SKU from both reports are two authorizations; an LPN finds the FBA one."""
    mfn = write_report(
        tmp_path / "mfn.txt",
        [row(Order_ID="114-5550001-0000001", Amazon_RMA_ID="DjKtLmNoRRMA", Merchant_SKU="JACKET-GRN-M")],
    )
    run(store, mfn)
    run(store, write_tsv(tmp_path / "fba.txt", RETURNS_HEADER, [fba()]))
    assert count(store, Authorization) == 2
    service = bench(store)
    assert service.lookup("LPNJK0000001").rma_id is None
    assert service.lookup("DjKtLmNoRRMA").rma_id == "DjKtLmNoRRMA"
    assert len(MFN_HEADER) == 32
