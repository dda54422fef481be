"""Importing seller-fulfilled returns reports into a real SQLite file and the real PostgreSQL server."""

from __future__ import annotations

import json
import struct
import zlib
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from rmadesk.domain.errors import NotAReport
from rmadesk.domain.model import AuthorizationKind, Decision, Disposition
from rmadesk.domain.people import open_actor
from rmadesk.domain.policy import load_policy
from rmadesk.services.bench import BenchService, new_outcome_uid
from rmadesk.services.imports import base, import_report
from rmadesk.services.issue import IssueRequest, issue_rma
from rmadesk.settings import Settings
from rmadesk.store.models import AuditEvent, Authorization, ImportBatch, Outcome, ScanCode, Unit
from rmadesk.store.uow import Store

# The header of the seller-fulfilled (MFN) returns report, as DOMAIN.md gives it.
MFN_HEADER = (
    "Order ID, Order date, Return request date, Return request status, Amazon RMA ID, Merchant RMA ID, "
    "Label type, Label cost, Currency code, Return carrier, Tracking ID, Label to be paid by, A-to-Z Claim, "
    "Is prime, ASIN, Merchant SKU, Item Name, Return quantity, Return Reason, In policy, Return type, "
    "Resolution, Invoice number, Return delivery date, Order Amount, Order quantity, SafeT Action reason, "
    "SafeT claim id, SafeT claim state, SafeT claim creation time, SafeT claim reimbursement amount, "
    "Refunded Amount"
).split(", ")
assert len(MFN_HEADER) == 32

DEFAULTS = {
    "Order date": "2026-02-20",
    "Return request date": "2026-03-02",
    "Return request status": "Approved",
    "Label type": "AmazonPrePaidLabel",
    "Label cost": "6.49",
    "Currency code": "USD",
    "Return carrier": "UPS",
    "Label to be paid by": "Seller",
    "A-to-Z Claim": "N",
    "Is prime": "Y",
    "Return quantity": "1",
    "In policy": "Y",
    "Return type": "C-Returns",
    "Resolution": "StandardRefund",
    "Order quantity": "1",
}


def row(**cells: str) -> dict[str, str]:
    """One report row; keyword names use underscores for spaces (Amazon_RMA_ID="...")."""
    values = dict(DEFAULTS)
    values.update({name.replace("_", " "): value for name, value in cells.items()})
    unknown = set(values) - set(MFN_HEADER)
    assert not unknown, unknown
    return values


def write_report(
    path: Path,
    rows: list[dict[str, str]],
    *,
    encoding: str = "utf-8",
    bom: bool = True,
    newline: str = "\r\n",
) -> Path:
    lines = ["\t".join(MFN_HEADER)]
    lines += ["\t".join(values.get(column, "") for column in MFN_HEADER) for values in rows]
    data = (newline.join(lines) + newline).encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


# Three returns with an Amazon RMA ID (dates in the three formats), one with a Merchant RMA ID,
# and one returnless refund (no RMA ID at all).
TEE = row(
    Order_ID="114-3941689-8772232",
    Amazon_RMA_ID="DkQxRtLmRRMA",
    Return_request_date="2026-03-02",
    Tracking_ID="1Z999AA10123456784",
    ASIN="B0C7KX2M41",
    Merchant_SKU="TSHIRT-BLU-L",
    Item_Name="Organic cotton T-shirt, blue, size L",
    Return_Reason="AMZ-PG-WJ-TOO-LARGE",
    Order_Amount="19.99",
    Refunded_Amount="19.99",
)
KETTLE = row(
    Order_ID="113-2076551-4410617",
    Order_date="15-02-2026",
    Amazon_RMA_ID="DpHwNcVbRRMA",
    Return_request_date="03-03-2026",
    Tracking_ID="1Z999AA10123456785",
    ASIN="B09QWJ8RZT",
    Merchant_SKU="KETTLE-SS-17",
    Item_Name="Stainless steel electric kettle 1.7 L",
    Return_quantity="2",
    Return_Reason="AMZ-PG-DEFECTIVE",
    Order_Amount="79.98",
    Order_quantity="2",
)
MUGS = row(
    Order_ID="114-0093312-7781120",
    Order_date="10-Feb-2026",
    Amazon_RMA_ID="DaLpKsOiRRMA",
    Return_request_date="04-Mar-2026",
    Tracking_ID="1Z999AA10123456786",
    ASIN="B07YD3LJ6K",
    Merchant_SKU="MUG-CER-WHT-2PK",
    Item_Name="Ceramic mug, white, pack of 2",
    Return_quantity="3",
    Return_Reason="AMZ-PG-UNWANTED-ITEM",
    In_policy="N",
    Order_Amount="38.97",
    Order_quantity="3",
)
HEADSET = row(
    Order_ID="111-5520987-3309846",
    Merchant_RMA_ID="M7K2Q9X4",
    Return_request_date="2026-03-05",
    ASIN="B08L5NP6NG",
    Merchant_SKU="HEADSET-BT-BLK",
    Item_Name="Bluetooth headset with charging case, black",
    Return_Reason="AMZ-PG-NOT-AS-DESCRIBED",
    In_policy="N",
    Order_Amount="45.00",
)
RETURNLESS = row(
    Order_ID="112-8831094-1167203",
    Return_request_date="2026-03-06",
    Label_type="",
    Label_cost="",
    Return_carrier="",
    ASIN="0547928211",
    Merchant_SKU="BOOK-HOBBIT-HC",
    Item_Name="The Hobbit (hardcover)",
    Return_Reason="AMZ-PG-DAMAGED-BY-CARRIER",
    Resolution="ReturnlessRefund",
    Order_Amount="24.50",
)
ALL = [TEE, KETTLE, MUGS, HEADSET, RETURNLESS]
RETURNLESS_KEY = "112-8831094-1167203|BOOK-HOBBIT-HC|2026-03-06"


def counts(store: Store) -> dict[str, int]:
    with store.read() as session:
        return {
            model.__tablename__: session.scalar(select(func.count()).select_from(model))
            for model in (Authorization, Unit, ScanCode, ImportBatch, Outcome)
        }


def authorization(store: Store, key: str) -> Authorization:
    with store.read() as session:
        return session.scalars(select(Authorization).where(Authorization.auth_key == key)).one()


def units_of(store: Store, key: str) -> list[int]:
    with store.read() as session:
        return list(
            session.scalars(
                select(Unit.seq)
                .join(Authorization, Authorization.id == Unit.authorization_id)
                .where(Authorization.auth_key == key)
                .order_by(Unit.seq)
            )
        )


def bench(store: Store) -> BenchService:
    return BenchService(store, load_policy(), Settings(bench="b1"))


def decide_next(service: BenchService, code: str, disposition: Disposition = Disposition.SELLABLE) -> None:
    auth = service.lookup(code)
    unit = auth.next_undecided
    assert unit is not None
    service.record(
        Decision(
            outcome_uid=new_outcome_uid(),
            unit_id=unit.unit_id,
            disposition=disposition,
            inspector="Ana",
            bench="b1",
        )
    )


# --- a good report -----------------------------------------------------------------------------------


def test_import_utf8_bom_crlf_report(store: Store, tmp_path: Path) -> None:
    path = write_report(tmp_path / "returns.txt", ALL)
    assert path.read_bytes().startswith(b"\xef\xbb\xbfOrder ID\tOrder date\t")
    assert b"\r\n" in path.read_bytes()

    result = import_report(store, path, actor="t", bench="b1")

    assert (result.added, result.updated, result.unchanged, result.rejected) == (5, 0, 0, 0)
    assert result.total_lines == 5
    assert result.file_name == "returns.txt"
    assert result.encoding == "utf-8-sig"
    assert result.problems == () and result.notes == ()
    assert "5 added" in result.summary()
    assert counts(store) == {
        "return_authorization": 5,
        "unit": 1 + 2 + 3 + 1 + 1,
        # rma (3) + merchant rma (1) + order (5) + tracking (3)
        "scan_code": 12,
        "import_batch": 1,
        "outcome": 0,
    }
    for key, quantity in [("DkQxRtLmRRMA", 1), ("DpHwNcVbRRMA", 2), ("DaLpKsOiRRMA", 3), ("M7K2Q9X4", 1)]:
        assert units_of(store, key) == list(range(1, quantity + 1))
    assert units_of(store, RETURNLESS_KEY) == [1]

    tee = authorization(store, "DkQxRtLmRRMA")
    assert tee.kind == "RMA" and tee.source == "mfn_report"
    assert (tee.order_id, tee.sku, tee.asin) == ("114-3941689-8772232", "TSHIRT-BLU-L", "B0C7KX2M41")
    assert tee.item_name == "Organic cotton T-shirt, blue, size L"
    assert tee.reason == "AMZ-PG-WJ-TOO-LARGE"
    assert (tee.request_date, tee.order_date) == (date(2026, 3, 2), date(2026, 2, 20))
    assert tee.order_amount == Decimal("19.99") and tee.order_quantity == 1 and tee.currency == "USD"
    assert tee.in_policy is True and tee.request_status == "Approved"
    assert tee.tracking_id == "1Z999AA10123456784" and tee.carrier == "UPS"
    kettle = authorization(store, "DpHwNcVbRRMA")  # DD-MM-YYYY
    assert (kettle.request_date, kettle.order_date) == (date(2026, 3, 3), date(2026, 2, 15))
    mugs = authorization(store, "DaLpKsOiRRMA")  # DD-MON-YYYY
    assert (mugs.request_date, mugs.order_date) == (date(2026, 3, 4), date(2026, 2, 10))
    assert mugs.in_policy is False
    headset = authorization(store, "M7K2Q9X4")
    assert (headset.rma_id, headset.merchant_rma_id) == (None, "M7K2Q9X4")

    with store.read() as session:
        batch = session.scalars(select(ImportBatch)).one()
        audit = session.scalars(select(AuditEvent)).one()
    assert (batch.file_name, batch.report_kind, batch.actor, batch.bench) == (
        "returns.txt",
        "mfn_returns",
        "t",
        "b1",
    )
    assert (batch.rows_total, batch.rows_added, batch.rows_updated, batch.rows_unchanged) == (5, 5, 0, 0)
    assert batch.rows_rejected == 0 and len(batch.sha256) == 64
    assert (audit.action, audit.entity, audit.entity_key, audit.actor) == (
        "import",
        "report",
        "returns.txt",
        "t",
    )
    assert json.loads(audit.after or "{}")["added"] == 5


def test_imported_returns_are_found_at_the_bench(store: Store, tmp_path: Path) -> None:
    import_report(store, write_report(tmp_path / "returns.txt", ALL), actor="t", bench="b1")
    service = bench(store)
    for rma_id, quantity, unit_price in [
        ("DkQxRtLmRRMA", 1, "19.99"),
        ("DpHwNcVbRRMA", 2, "39.99"),
        ("DaLpKsOiRRMA", 3, "12.99"),
    ]:
        auth = service.lookup(rma_id)
        assert auth.rma_id == rma_id
        assert auth.quantity == quantity and [u.seq for u in auth.units] == list(range(1, quantity + 1))
        assert auth.unit_price is not None and auth.unit_price.amount == Decimal(unit_price)
        assert not auth.all_decided
        assert service.lookup(rma_id.swapcase()).auth_id == auth.auth_id
    assert service.lookup("M7K2Q9X4").merchant_rma_id == "M7K2Q9X4"
    assert service.lookup("1Z999AA10123456785").rma_id == "DpHwNcVbRRMA"  # by tracking ID

    returnless = service.lookup("112-8831094-1167203")  # by order ID: it has no RMA ID
    assert returnless.kind is AuthorizationKind.RETURNLESS
    assert (returnless.rma_id, returnless.merchant_rma_id) == (None, None)
    assert returnless.sku == "BOOK-HOBBIT-HC" and returnless.request_date == date(2026, 3, 6)
    assert returnless.display_id == "112-8831094-1167203 / BOOK-HOBBIT-HC"
    assert authorization(store, RETURNLESS_KEY).id == returnless.auth_id


def test_import_windows_1252(store: Store, tmp_path: Path) -> None:
    cafe = row(
        Order_ID="111-4455667-1234567",
        Amazon_RMA_ID="DcFeAuLtRRMA",
        ASIN="B0CAFE0001",
        Merchant_SKU="MUG-CAFE-AU-LAIT",
        Item_Name="Café au lait bowl – 2 pack",
        Return_Reason="AMZ-PG-UNWANTED-ITEM",
        Order_Amount="22.00",
    )
    path = write_report(tmp_path / "returns-1252.txt", [cafe, TEE], encoding="cp1252", bom=False)
    assert "Café".encode("cp1252") in path.read_bytes()
    result = import_report(store, path, actor="t", bench="b1")
    assert result.encoding == "cp1252"
    assert (result.added, result.rejected) == (2, 0)
    assert authorization(store, "DcFeAuLtRRMA").item_name == "Café au lait bowl – 2 pack"
    assert bench(store).lookup("DcFeAuLtRRMA").item_name.startswith("Café ")


# --- importing again ---------------------------------------------------------------------------------


def test_reimport_changes_nothing(store: Store, tmp_path: Path) -> None:
    path = write_report(tmp_path / "returns.txt", ALL)
    import_report(store, path, actor="t", bench="b1")
    before = counts(store)
    again = import_report(store, path, actor="t", bench="b1")
    assert (again.added, again.updated, again.unchanged, again.rejected) == (0, 0, 5, 0)
    assert again.notes == ()
    after = counts(store)
    assert after == {**before, "import_batch": 2}
    with store.read() as session:
        batches = session.scalars(select(ImportBatch).order_by(ImportBatch.id)).all()
        audits = session.scalar(select(func.count()).select_from(AuditEvent))
    assert [(b.rows_added, b.rows_unchanged) for b in batches] == [(5, 0), (0, 5)]
    assert batches[0].sha256 == batches[1].sha256
    assert audits == 1  # an import that changed nothing leaves no audit event


def test_changed_status_updates_and_notes(store: Store, tmp_path: Path) -> None:
    import_report(store, write_report(tmp_path / "monday.txt", ALL), actor="t", bench="b1")
    closed = {**TEE, "Return request status": "Closed"}
    path = write_report(tmp_path / "tuesday.txt", [closed, KETTLE, MUGS, HEADSET, RETURNLESS])
    result = import_report(store, path, actor="t", bench="b1")
    assert (result.added, result.updated, result.unchanged) == (0, 1, 4)
    assert len(result.notes) == 1
    note = result.notes[0]
    assert "DkQxRtLmRRMA" in note and "Approved" in note and "Closed" in note
    assert note.startswith("line 2:")
    assert authorization(store, "DkQxRtLmRRMA").request_status == "Closed"
    assert bench(store).lookup("DkQxRtLmRRMA").status == "Closed"
    assert counts(store)["unit"] == 8 and counts(store)["scan_code"] == 12


def test_same_values_under_another_digest_are_unchanged(store: Store, tmp_path: Path) -> None:
    """An authorization hashed another way (an older importer) but holding the same values is unchanged."""
    path = write_report(tmp_path / "returns.txt", ALL)
    import_report(store, path, actor="t", bench="b1")
    stamped = authorization(store, "DkQxRtLmRRMA")
    with store.unit_of_work() as session:
        session.execute(
            update(Authorization)
            .where(Authorization.id == stamped.id)
            .values(source_hash="0" * 64, updated_at=stamped.updated_at)  # onupdate would move it
        )
    again = import_report(store, path, actor="t", bench="b1")
    assert (again.added, again.updated, again.unchanged, again.notes) == (0, 0, 5, ())
    rewritten = authorization(store, "DkQxRtLmRRMA")
    assert rewritten.source_hash == stamped.source_hash and rewritten.updated_at == stamped.updated_at


def test_scan_codes_follow_changed_identifiers_only(store: Store, tmp_path: Path) -> None:
    import_report(store, write_report(tmp_path / "a.txt", ALL), actor="t", bench="b1")
    with store.read() as session:
        before = {(c.code, c.code_kind): c.id for c in session.scalars(select(ScanCode))}
    tracked = {**HEADSET, "Tracking ID": "1Z999AA10123456799"}  # the seller's RMA gets a tracking ID
    closed = {**TEE, "Return request status": "Closed"}
    result = import_report(
        store,
        write_report(tmp_path / "b.txt", [closed, KETTLE, MUGS, tracked, RETURNLESS]),
        actor="t",
        bench="b1",
    )
    assert (result.updated, result.unchanged) == (2, 3)
    assert bench(store).lookup("1Z999AA10123456799").merchant_rma_id == "M7K2Q9X4"
    with store.read() as session:
        after = {(c.code, c.code_kind): c.id for c in session.scalars(select(ScanCode))}
    assert set(after) == set(before) | {("1Z999AA10123456799", "tracking")}
    # the status change left the T-shirt's codes as they were; the headset's were written again
    assert after[("DkQxRtLmRRMA", "rma")] == before[("DkQxRtLmRRMA", "rma")]
    assert after[("M7K2Q9X4", "merchant_rma")] != before[("M7K2Q9X4", "merchant_rma")]


def test_merchant_rma_id_of_a_seller_issued_return(store: Store, tmp_path: Path) -> None:
    """A seller-issued RMA keeps its kind when the report lists it; nobody else may take its ID."""
    issued = issue_rma(
        store,
        IssueRequest(
            order_id="111-5520987-3309846", sku="HEADSET-BT-BLK", quantity=1, reason="late", kind="RGA"
        ),
        actor=open_actor("t", "b1"),
    )
    seller_id = issued.rma_id
    listed = {**HEADSET, "Merchant RMA ID": seller_id, "Return request status": "Closed"}
    taken = {**TEE, "Merchant RMA ID": seller_id}  # an Amazon RMA claiming the seller's ID
    result = import_report(
        store, write_report(tmp_path / "a.txt", [taken, listed, KETTLE]), actor="t", bench="b1"
    )
    assert (result.added, result.updated, result.rejected) == (1, 1, 1)
    [problem] = result.problems
    assert problem.line == 2
    assert f"Merchant RMA ID {seller_id} already belongs to the return {seller_id}" in problem.reason
    auth = authorization(store, seller_id)
    assert (auth.kind, auth.source, auth.request_status) == ("RGA", "seller_issued", "Closed")
    assert auth.item_name == "Bluetooth headset with charging case, black"
    assert counts(store)["return_authorization"] == 2  # the seller's and the kettle


def test_raised_quantity_adds_units(store: Store, tmp_path: Path) -> None:
    import_report(store, write_report(tmp_path / "a.txt", [KETTLE]), actor="t", bench="b1")
    service = bench(store)
    decide_next(service, "DpHwNcVbRRMA")
    more = {**KETTLE, "Return quantity": "4", "Order quantity": "4", "Order Amount": "159.96"}
    result = import_report(store, write_report(tmp_path / "b.txt", [more]), actor="t", bench="b1")
    assert (result.added, result.updated) == (0, 1)
    assert units_of(store, "DpHwNcVbRRMA") == [1, 2, 3, 4]
    auth = service.lookup("DpHwNcVbRRMA")
    assert auth.quantity == 4
    assert [u.decided for u in auth.units] == [True, False, False, False]
    assert counts(store)["outcome"] == 1


def test_lowered_quantity_keeps_decided_units(store: Store, tmp_path: Path) -> None:
    import_report(store, write_report(tmp_path / "a.txt", [MUGS]), actor="t", bench="b1")
    service = bench(store)
    decide_next(service, "DaLpKsOiRRMA", Disposition.SELLABLE)
    decide_next(service, "DaLpKsOiRRMA", Disposition.SELLER_FAULT)
    fewer = {**MUGS, "Return quantity": "1"}
    result = import_report(store, write_report(tmp_path / "b.txt", [fewer]), actor="t", bench="b1")
    assert (result.added, result.updated) == (0, 1)
    assert len(result.notes) == 1
    note = result.notes[0]
    assert "DaLpKsOiRRMA" in note and "lowered to 1" in note and "stays 2" in note
    assert authorization(store, "DaLpKsOiRRMA").quantity == 2
    assert units_of(store, "DaLpKsOiRRMA") == [1, 2]  # the undecided third unit went
    auth = service.lookup("DaLpKsOiRRMA")
    assert auth.all_decided
    assert [u.outcome.disposition for u in auth.units if u.outcome] == [
        Disposition.SELLABLE,
        Disposition.SELLER_FAULT,
    ]
    assert counts(store)["outcome"] == 2


def test_lowered_quantity_above_decided_units(store: Store, tmp_path: Path) -> None:
    import_report(store, write_report(tmp_path / "a.txt", [MUGS]), actor="t", bench="b1")
    decide_next(bench(store), "DaLpKsOiRRMA")
    fewer = {**MUGS, "Return quantity": "2"}
    result = import_report(store, write_report(tmp_path / "b.txt", [fewer]), actor="t", bench="b1")
    assert result.updated == 1 and result.notes == ()
    assert authorization(store, "DaLpKsOiRRMA").quantity == 2
    assert units_of(store, "DaLpKsOiRRMA") == [1, 2]


# --- broken rows and files that are not reports ----------------------------------------------------


def test_broken_rows_are_reported_and_valid_rows_import(store: Store, tmp_path: Path) -> None:
    rows = [
        TEE,  # line 2
        {**KETTLE, "Return quantity": "two"},  # line 3
        MUGS,  # line 4
        {**HEADSET, "Return request date": "31-13-2026"},  # line 5
        {**RETURNLESS, "Merchant SKU": ""},  # line 6
    ]
    result = import_report(store, write_report(tmp_path / "broken.txt", rows), actor="t", bench="b1")
    assert (result.added, result.rejected) == (2, 3)
    assert [p.line for p in result.problems] == [3, 5, 6]
    reasons = {p.line: p.reason for p in result.problems}
    assert "Return quantity" in reasons[3] and "'two'" in reasons[3] and "whole number" in reasons[3]
    assert "Return request date" in reasons[5] and "31-13-2026" in reasons[5] and "not a date" in reasons[5]
    assert "Merchant SKU" in reasons[6] and "empty" in reasons[6]
    assert "3 rejected" in result.summary()
    assert counts(store)["return_authorization"] == 2
    assert units_of(store, "DkQxRtLmRRMA") == [1] and units_of(store, "DaLpKsOiRRMA") == [1, 2, 3]
    with store.read() as session:
        keys = set(session.scalars(select(Authorization.auth_key)))
        batch = session.scalars(select(ImportBatch)).one()
    assert keys == {"DkQxRtLmRRMA", "DaLpKsOiRRMA"}
    assert (batch.rows_total, batch.rows_added, batch.rows_rejected) == (5, 2, 3)


def _png_bytes() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00\x00\x00\xff\x00" * 2)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def _csv_bytes() -> bytes:
    header = ",".join(MFN_HEADER)
    line = ",".join(TEE.get(column, "").replace(",", " ") for column in MFN_HEADER)
    return (header + "\r\n" + line + "\r\n").encode("utf-8")


FBA_RETURNS = (
    b"return-date\torder-id\tsku\tasin\tfnsku\tproduct-name\tquantity\tfulfillment-center-id\t"
    b"detailed-disposition\treason\tstatus\tlicense-plate-number\tcustomer-comments\r\n"
    b"2026-03-02T10:11:12+00:00\t114-3941689-8772232\tTSHIRT-BLU-L\tB0C7KX2M41\tX0012ABCDE\t"
    b"Organic cotton T-shirt\t1\tPHX7\tSELLABLE\tAPPAREL_TOO_LARGE\tUnit returned to inventory\t"
    b"LPNRR123456789\tToo big\r\n"
)
FBA_REIMBURSEMENTS = (
    b"approval-date\treimbursement-id\tcase-id\tamazon-order-id\treason\tsku\tfnsku\tasin\t"
    b"product-name\tcondition\tcurrency-unit\tamount-per-unit\tquantity-reimbursed-cash\tamount-total\t"
    b"quantity-reimbursed-inventory\tquantity-reimbursed-total\toriginal-reimbursement-id\t"
    b"original-reimbursement-type\r\n"
    b"2026-03-10\t5912345678\t\t114-3941689-8772232\tCustomerReturn\tTSHIRT-BLU-L\tX0012ABCDE\t"
    b"B0C7KX2M41\tOrganic cotton T-shirt\tSellable\tUSD\t19.99\t1\t19.99\t0\t1\t\t\r\n"
)


@pytest.mark.parametrize(
    ("name", "make", "says"),
    [
        ("returns.csv", _csv_bytes, "commas"),
        ("empty.txt", lambda: b"", "empty"),
        ("label.png", _png_bytes, "binary"),
        ("inventory.txt", lambda: b"sku\tquantity\r\nTSHIRT-BLU-L\t4\r\n", "not an Amazon returns report"),
        ("returns.xlsx", lambda: b"PK\x03\x04" + bytes(60), "Excel workbook"),
    ],
)
def test_not_a_report_writes_nothing(store: Store, tmp_path: Path, name: str, make, says: str) -> None:
    path = tmp_path / name
    path.write_bytes(make())
    with pytest.raises(NotAReport) as info:
        import_report(store, path, actor="t", bench="b1")
    assert says in str(info.value)
    assert counts(store) == {
        "return_authorization": 0,
        "unit": 0,
        "scan_code": 0,
        "import_batch": 0,
        "outcome": 0,
    }
    with store.read() as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == 0


def test_fba_reports_are_imported_not_refused(store: Store, tmp_path: Path) -> None:
    """The FBA reports used to be refused; now each goes where it belongs (details in test_import_fba)."""
    returns = tmp_path / "fba-returns.txt"
    returns.write_bytes(FBA_RETURNS)
    result = import_report(store, returns, actor="t", bench="b1")
    assert (result.report_label, result.added, result.rejected) == ("FBA customer returns report", 1, 0)
    assert bench(store).lookup("LPNRR123456789").order_id == "114-3941689-8772232"
    paid = tmp_path / "fba-reimbursements.txt"
    paid.write_bytes(FBA_REIMBURSEMENTS)
    result = import_report(store, paid, actor="t", bench="b1")
    assert (result.report_label, result.added, result.rejected) == ("FBA reimbursements report", 1, 0)
    with store.read() as session:
        kinds = session.scalars(select(ImportBatch.report_kind).order_by(ImportBatch.id)).all()
    assert kinds == ["fba_returns", "fba_reimbursements"]
    assert counts(store)["return_authorization"] == 1 and counts(store)["unit"] == 1


def test_import_batch_per_import(store: Store, tmp_path: Path) -> None:
    first = write_report(tmp_path / "one.txt", [TEE, KETTLE])
    second = write_report(tmp_path / "two.txt", [TEE, MUGS, {**HEADSET, "Return quantity": "0"}])
    import_report(store, first, actor="ana", bench="b1")
    import_report(store, second, actor="ben", bench="b2")
    import_report(store, first, actor="ana", bench="b1")
    with store.read() as session:
        batches = session.scalars(select(ImportBatch).order_by(ImportBatch.id)).all()
    assert [
        (b.file_name, b.actor, b.bench, b.rows_total, b.rows_added, b.rows_unchanged, b.rows_rejected)
        for b in batches
    ] == [
        ("one.txt", "ana", "b1", 2, 2, 0, 0),
        ("two.txt", "ben", "b2", 3, 1, 1, 1),
        ("one.txt", "ana", "b1", 2, 0, 2, 0),
    ]
    assert batches[0].sha256 == batches[2].sha256 != batches[1].sha256
    assert all(b.imported_at.utcoffset() is not None for b in batches)


def test_import_more_rows_than_one_chunk(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """1,201 returns: more than two chunks of 500, every one added once, then all unchanged."""
    monkeypatch.setattr(base, "CHUNK", 500)
    rows = [
        row(
            Order_ID=f"114-{n:07d}-8772232",
            Amazon_RMA_ID=f"D{n:07d}RRMA",
            Merchant_SKU=f"SKU-{n % 37}",
            Item_Name=f"Item {n}",
            Return_quantity=str(1 + n % 3),
            Order_quantity=str(1 + n % 3),
            Order_Amount=f"{10 + n % 50}.99",
        )
        for n in range(1201)
    ]
    path = write_report(tmp_path / "big.txt", rows)
    seen: list[tuple[int, int]] = []
    result = import_report(store, path, actor="t", bench="b1", progress=lambda d, t: seen.append((d, t)))
    assert (result.added, result.updated, result.unchanged, result.rejected) == (1201, 0, 0, 0)
    assert seen == [(500, 1201), (1000, 1201), (1201, 1201)]
    expected_units = sum(1 + n % 3 for n in range(1201))
    assert counts(store)["unit"] == expected_units
    assert counts(store)["return_authorization"] == 1201
    auth = bench(store).lookup("D0001200RRMA")
    assert (auth.quantity, len(auth.units), auth.order_id) == (1, 1, "114-0001200-8772232")
    again = import_report(store, path, actor="t", bench="b1")
    assert (again.added, again.updated, again.unchanged) == (0, 0, 1201)
    assert counts(store)["unit"] == expected_units
