"""Reports as the marketplaces of other regions write them: header spellings, encodings, currencies,
decimal commas and European dates, imported into a real SQLite file and real PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from rmadesk.domain.errors import NotAReport, UserError
from rmadesk.domain.model import Decision, Disposition
from rmadesk.domain.policy import load_policy
from rmadesk.formats.marketplaces import MARKETPLACES, marketplace
from rmadesk.services.bench import BenchService, new_outcome_uid
from rmadesk.services.imports import import_report
from rmadesk.services.inspection import InspectionSession, State
from rmadesk.settings import Settings
from rmadesk.store.models import Authorization, MarketplaceReimbursement, Outcome, StockMovement, Unit
from rmadesk.store.uow import Store
from tests.actors import BOSS
from tests.integration.test_import_fba import PAID_HEADER, RETURNS_HEADER, fba, paid
from tests.integration.test_inspection_session import settle

# amazon.in's seller-fulfilled returns report: its own spellings of five headers, and Category.
INDIA_HEADER = [
    "Order ID", "Order date", "Return request date", "Return request status", "Amazon RMA ID",
    "Seller RMA ID", "Label type", "Label cost", "Currency code", "Return carrier", "Tracking ID",
    "Label to be paid by", "A-to-z claim", "Is prime", "ASIN", "Merchant SKU", "Item Name",
    "Return quantity", "Return reason", "In policy", "Return type", "Resolution", "Invoice number",
    "Return delivery date", "Order Amount", "Order quantity", "SafeT Action reason", "SafeT claim ID",
    "SafeT claim state", "SafeT claim creation time", "SafeT claim reimbursement amount",
    "Refunded Amount", "Category",
]  # fmt: skip


def india_row(**cells: str) -> list[str]:
    values = {
        "Order ID": "403-1234567-7654321",
        "Order date": "28-Oct-2026",
        "Return request date": "02-Nov-2026",
        "Return request status": "Approved",
        "Seller RMA ID": "SRMA-IN-0001",
        "Label type": "Prepaid",
        "Currency code": "INR",
        "Return carrier": "ATS",
        "Tracking ID": "362880541234",
        "A-to-z claim": "N",
        "ASIN": "B0INKURTA1",
        "Merchant SKU": "KURTA-BLU-M",
        "Item Name": "Cotton kurta, blue, M",
        "Return quantity": "1",
        "Return reason": "AMZ-PG-APP-TOO-SMALL",
        "In policy": "Y",
        "Order Amount": "1,299.00",
        "Refunded Amount": "1,299.00",
        "Category": "Apparel",
    }
    values.update({name.replace("_", " "): value for name, value in cells.items()})
    return [values.get(column, "") for column in INDIA_HEADER]


def write(path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8") -> Path:
    text = "\r\n".join("\t".join(line) for line in [header, *rows]) + "\r\n"
    path.write_bytes(text.encode(encoding))
    return path


def test_india_spellings_and_category_are_read_and_the_seller_rma_scans(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "in.txt", INDIA_HEADER, [india_row()])
    result = import_report(store, path, actor="office", marketplace="IN")
    assert (result.added, result.rejected) == (1, 0)
    assert "marketplace IN, INR" in result.summary()
    with store.read() as session:
        auth = session.scalars(select(Authorization)).one()
        assert (auth.merchant_rma_id, auth.currency, auth.category) == ("SRMA-IN-0001", "INR", "Apparel")
        assert auth.order_amount == Decimal("1299.00")
    found = BenchService(store, load_policy("default"), Settings(database_url=store.url)).lookup(
        "SRMA-IN-0001"
    )
    assert (found.merchant_rma_id, found.category) == ("SRMA-IN-0001", "Apparel")
    # The same file again changes nothing.
    again = import_report(store, path, actor="office", marketplace="IN")
    assert (again.added, again.updated, again.unchanged) == (0, 0, 1)


JAPAN_NAME = "ニットセーター 黒 Mサイズ"


@pytest.mark.parametrize("given", ["JP", None])
def test_a_japanese_report_in_shift_jis_is_read_as_japanese(
    store: Store, tmp_path: Path, given: str | None
) -> None:
    rows = [[fba(product_name=JAPAN_NAME, customer_comments="サイズが小さい")[c] for c in RETURNS_HEADER]]
    path = write(tmp_path / "jp.txt", RETURNS_HEADER, rows, encoding="cp932")
    result = import_report(store, path, actor="office", marketplace=given)
    assert result.encoding == "cp932"
    assert "read as cp932" in result.summary()
    with store.read() as session:
        auth = session.scalars(select(Authorization)).one()
        assert auth.item_name == JAPAN_NAME
        assert auth.customer_comment == "サイズが小さい"
        # The currency is the marketplace's, never a constant: JPY when it says JP, else the default US.
        assert auth.currency == ("JPY" if given else "USD")


def test_noise_in_no_encoding_is_refused_rather_than_stored(tmp_path: Path, store: Store) -> None:
    header = "\t".join(RETURNS_HEADER).encode()
    noise = ("a±b§c¶d×e÷f¤g¦h¨i¬j¯k°" * 20).encode("cp1252")  # no language reads like this
    path = tmp_path / "noise.txt"
    path.write_bytes(header + b"\n" + noise + b"\n")
    with pytest.raises(NotAReport, match="no encoding RMA Desk can tell"):
        import_report(store, path, actor="office")


@pytest.mark.parametrize(
    ("code", "currency"),
    [("UK", "GBP"), ("DE", "EUR"), ("ES", "EUR"), ("AE", "AED"), ("IN", "INR"), ("JP", "JPY")],
)
def test_fba_returns_take_the_currency_of_their_marketplace(
    store: Store, tmp_path: Path, code: str, currency: str
) -> None:
    path = write(tmp_path / "r.txt", RETURNS_HEADER, [[fba()[c] for c in RETURNS_HEADER]])
    import_report(store, path, actor="office", marketplace=code)
    with store.read() as session:
        assert session.scalars(select(Authorization.currency)).one() == currency


def test_a_spanish_report_in_windows_1252_keeps_its_accents(store: Store, tmp_path: Path) -> None:
    name = "Camiseta niño, talla M — algodón"
    rows = [[fba(product_name=name, customer_comments="llegó rota")[c] for c in RETURNS_HEADER]]
    path = write(tmp_path / "es.txt", RETURNS_HEADER, rows, encoding="cp1252")
    result = import_report(store, path, actor="office", marketplace="ES")
    assert (result.encoding, result.currencies) == ("cp1252", ("EUR",))
    with store.read() as session:
        auth = session.scalars(select(Authorization)).one()
    assert (auth.item_name, auth.customer_comment, auth.currency) == (name, "llegó rota", "EUR")


def test_the_emirates_report_without_a_status_column_imports(store: Store, tmp_path: Path) -> None:
    header = [c for c in RETURNS_HEADER if c != "status"]
    row = fba(fulfillment_center_id="DXB3")
    path = write(tmp_path / "ae.txt", header, [[row[c] for c in header]])
    result = import_report(store, path, actor="office", marketplace="AE")
    assert (result.added, result.rejected) == (1, 0)
    with store.read() as session:
        assert session.scalars(select(Unit.marketplace_status)).one() is None


def _german(**cells: str) -> list[str]:
    row = paid(currency_unit="EUR", **cells)
    return [row[c] for c in PAID_HEADER]


def test_german_reimbursements_with_decimal_commas_and_dotted_dates(store: Store, tmp_path: Path) -> None:
    rows = [
        _german(approval_date="14.03.2023 07:49:55 UTC", amount_per_unit="1141,18", amount_total="1141,18"),
        _german(reimbursement_id="5900000002", amount_per_unit="1.234", amount_total="1.234"),
        _german(reimbursement_id="5900000003", amount_per_unit="12,50", amount_total="1.234,50"),
    ]
    path = write(tmp_path / "de.txt", PAID_HEADER, rows, encoding="cp1252")
    result = import_report(store, path, actor="office", marketplace="DE")
    assert (result.added, result.rejected) == (3, 0), result.problems
    with store.read() as session:
        paid_rows = {r.reimbursement_id: r for r in session.scalars(select(MarketplaceReimbursement))}
    assert paid_rows["5900000001"].amount_total == Decimal("1141.18")
    assert paid_rows["5900000001"].approval_date == date(2023, 3, 14)
    # In a German file 1.234 is one thousand two hundred thirty-four, never 1.234.
    assert paid_rows["5900000002"].amount_total == Decimal("1234")
    assert paid_rows["5900000003"].amount_total == Decimal("1234.50")


def test_decimal_commas_are_told_by_the_file_when_no_marketplace_is_given(
    store: Store, tmp_path: Path
) -> None:
    rows = [
        _german(amount_per_unit="1141,18", amount_total="1141,18"),
        _german(reimbursement_id="5900000002", amount_per_unit="1.234,00", amount_total="1.234,00"),
    ]
    path = write(tmp_path / "de.txt", PAID_HEADER, rows)
    result = import_report(store, path, actor="office")
    assert (result.added, result.rejected) == (2, 0), result.problems
    with store.read() as session:
        totals = sorted(session.scalars(select(MarketplaceReimbursement.amount_total)))
    assert totals == [Decimal("1141.18"), Decimal("1234.00")]


def test_an_amount_that_reads_two_ways_is_refused_without_a_marketplace(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "x.txt", PAID_HEADER, [_german(amount_per_unit="1.234", amount_total="1.234")])
    result = import_report(store, path, actor="office")
    (problem,) = result.problems
    assert "'1.234' could be read two ways" in problem.reason and "marketplace" in problem.reason
    assert result.exit_status == 2


def test_marketplaces_are_known_by_code_alias_and_domain() -> None:
    assert marketplace("de").currency == "EUR" and marketplace("de").decimal_comma
    assert marketplace("GB") is MARKETPLACES["UK"]
    assert marketplace("amazon.co.jp").encodings == ("cp932",)
    assert marketplace(None).code == "US" and not marketplace(None).decimal_comma
    assert marketplace("JP").currency == "JPY"
    with pytest.raises(UserError, match="There is no marketplace “XX”"):
        marketplace("XX")


@pytest.mark.parametrize("name", ["default", "marketplace"])
def test_the_packaged_policies_value_a_return_from_every_marketplace(name: str) -> None:
    policy = load_policy(name)
    missing = {m.code: m.currency for m in MARKETPLACES.values() if m.currency not in policy.markets}
    assert not missing
    assert policy.markets["JPY"].minor_unit == 0


def test_the_bench_says_a_currency_has_no_terms_before_any_question(store: Store, tmp_path: Path) -> None:
    path = write(tmp_path / "in.txt", INDIA_HEADER, [india_row()])
    import_report(store, path, actor="office", marketplace="IN")
    policy = load_policy("default")
    usd_only = replace(policy, markets={"USD": policy.markets["USD"]})
    session = InspectionSession(BenchService(store, usd_only, Settings(bench="b1", sounds=False)), "Ana")
    step = settle(session.scan("SRMA-IN-0001"))
    assert step.state is State.DONE
    assert "in INR" in (step.message or "") and "no terms for INR" in (step.message or "")
    assert "[markets.INR]" in (step.message or "") and "Nothing was written" in (step.message or "")
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(Outcome)) == 0
    # With the packaged policy the same return goes to its questions.
    session = InspectionSession(BenchService(store, policy, Settings(bench="b2", sounds=False)), "Ana")
    assert settle(session.scan("SRMA-IN-0001")).state is State.ASKING


def test_refund_label_and_claim_fields_of_the_report_are_kept(store: Store, tmp_path: Path) -> None:
    row = india_row(
        Refunded_Amount="1,199.00",
        Return_delivery_date="05-Nov-2026",
        Label_cost="65.00",
        Label_to_be_paid_by="Seller",
        **{"A-to-z claim": "Y", "SafeT claim ID": "ST-88231", "SafeT claim state": "Approved"},
        SafeT_claim_reimbursement_amount="450.00",
    )
    import_report(store, write(tmp_path / "in.txt", INDIA_HEADER, [row]), actor="office", marketplace="IN")
    with store.read() as session:
        auth = session.scalars(select(Authorization)).one()
    assert (auth.refunded_amount, auth.return_delivery_date) == (Decimal("1199.00"), date(2026, 11, 5))
    assert (auth.label_cost, auth.label_paid_by, auth.a_to_z_claim) == (Decimal("65.00"), "Seller", True)
    assert (auth.safet_claim_id, auth.safet_claim_state, auth.safet_amount) == (
        "ST-88231",
        "Approved",
        Decimal("450.00"),
    )


def test_each_fba_unit_keeps_its_own_customer_comment(store: Store, tmp_path: Path) -> None:
    rows = [
        fba(license_plate_number="LPNJK0000001", customer_comments="zip broken"),
        fba(license_plate_number="LPNJK0000002", customer_comments="never worn, wrong colour"),
        fba(license_plate_number="LPNJK0000003", customer_comments=""),
    ]
    path = write(tmp_path / "r.txt", RETURNS_HEADER, [[r[c] for c in RETURNS_HEADER] for r in rows])
    result = import_report(store, path, actor="office", marketplace="UK")
    assert result.units_added == 3
    with store.read() as session:
        comments = dict(session.execute(select(Unit.lpn, Unit.marketplace_comment)).all())
        auth = session.scalars(select(Authorization)).one()
    assert comments == {
        "LPNJK0000001": "zip broken",
        "LPNJK0000002": "never worn, wrong colour",
        "LPNJK0000003": None,
    }
    assert auth.customer_comment == "zip broken"  # the authorization's stays the first unit's
    again = import_report(store, path, actor="office", marketplace="UK")
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3)


def test_the_category_of_the_report_decides_the_closing_fee(store: Store, tmp_path: Path) -> None:
    rows = [
        india_row(Category="Books", **{"Seller RMA ID": "SRMA-IN-BOOK", "Merchant SKU": "BOOK-1"}),
        india_row(Category="Apparel", **{"Seller RMA ID": "SRMA-IN-TEE", "Merchant SKU": "TEE-1"}),
    ]
    import_report(store, write(tmp_path / "in.txt", INDIA_HEADER, rows), actor="office", marketplace="IN")
    service = BenchService(store, load_policy("default"), Settings(database_url=store.url))
    book, tee = (service.lookup(code) for code in ("SRMA-IN-BOOK", "SRMA-IN-TEE"))
    components = {
        auth.category: [
            line.component for line in service.preview(auth, Disposition.SELLABLE).reimbursement.lines
        ]
        for auth in (book, tee)
    }
    # Books are media: a sellable book earns back part of the media closing fee; a shirt earns nothing.
    assert components == {"Books": ["variable_closing_fee_part"], "Apparel": []}


def test_an_rma_of_several_items_imports_every_item_and_its_units(store: Store, tmp_path: Path) -> None:
    rma = {"Amazon RMA ID": "DmUlTiItRRMA", "Seller RMA ID": ""}
    rows = [
        india_row(**rma, **{"Merchant SKU": "KURTA-BLU-M", "Return quantity": "1"}),
        india_row(**rma, **{"Merchant SKU": "KURTA-BLU-M", "Return quantity": "1"}),  # the same row again
        india_row(
            **rma,
            **{
                "Merchant SKU": "SCARF-RED",
                "Item Name": "Silk scarf, red",
                "ASIN": "B0SCARF001",
                "Return quantity": "2",
                "Return reason": "AMZ-PG-DEFECTIVE",
                "Order Amount": "1,000.00",
                "Order quantity": "2",
                "Category": "Books",
            },
        ),
    ]
    path = write(tmp_path / "in.txt", INDIA_HEADER, rows)
    for attempt in range(2):  # the same file again changes nothing
        result = import_report(store, path, actor="office", marketplace="IN")
        assert (result.duplicates, result.rejected, result.exit_status) == (1, 0, 0)
        assert (result.added, result.unchanged) == ((1, 0) if attempt == 0 else (0, 1))
        assert result.units_added == (3 if attempt == 0 else 0)
    service = BenchService(store, load_policy("default"), Settings(database_url=store.url))
    auth = service.lookup("DmUlTiItRRMA")
    assert auth.quantity == 3
    first, scarf = auth.items
    assert (first.seq, first.sku, first.item_name) == (1, "KURTA-BLU-M", "Cotton kurta, blue, M")
    assert (scarf.seq, scarf.sku, scarf.item_name, scarf.asin) == (
        2,
        "SCARF-RED",
        "Silk scarf, red",
        "B0SCARF001",
    )
    assert (scarf.reason, scarf.category, scarf.unit_price.amount) == (  # type: ignore[union-attr]
        "AMZ-PG-DEFECTIVE",
        "Books",
        Decimal("500.00"),
    )
    assert [auth.item_of(u).sku for u in auth.units] == ["KURTA-BLU-M", "SCARF-RED", "SCARF-RED"]
    # Each unit is valued and stocked as its own item.
    scarf_unit = auth.units[1]
    preview = service.preview(auth, Disposition.CARRIER_DAMAGED, scarf_unit)
    assert preview.reimbursement.lines[0].amount == Decimal("500.00")  # the scarf's sale price
    decision = Decision(new_outcome_uid(), scarf_unit.unit_id, Disposition.SELLABLE, "Ana", "bench-1")
    service.record(decision)
    with store.read() as session:
        assert session.scalars(select(StockMovement.sku)).all() == ["SCARF-RED"]


def test_the_browser_detail_names_the_item_of_each_further_unit(store: Store, tmp_path: Path) -> None:
    from rmadesk.services.browse import BrowseService

    rma = {"Amazon RMA ID": "DmUlTiItRRMA", "Seller RMA ID": ""}
    rows = [
        india_row(**rma),
        india_row(**rma, **{"Merchant SKU": "SCARF-RED", "Item Name": "Silk scarf, red"}),
    ]
    import_report(store, write(tmp_path / "in.txt", INDIA_HEADER, rows), actor="office", marketplace="IN")
    with store.read() as session:
        auth_id = session.scalars(select(Authorization.id)).one()
    detail = BrowseService(store, BOSS).detail(auth_id)
    assert [u.item.sku if u.item else None for u in detail.units] == [None, "SCARF-RED"]


def test_a_changed_item_count_of_an_rma_keeps_its_units_and_says_so(store: Store, tmp_path: Path) -> None:
    rma = {"Amazon RMA ID": "DmUlTiItRRMA", "Seller RMA ID": ""}
    scarf = {"Merchant SKU": "SCARF-RED", "Return quantity": "1"}
    first = write(tmp_path / "a.txt", INDIA_HEADER, [india_row(**rma), india_row(**rma, **scarf)])
    import_report(store, first, actor="office", marketplace="IN")
    more = {**scarf, "Return quantity": "3"}
    later = write(tmp_path / "b.txt", INDIA_HEADER, [india_row(**rma), india_row(**rma, **more)])
    result = import_report(store, later, actor="office", marketplace="IN")
    assert any(
        "the items of DmUlTiItRRMA changed" in note and "2 units, now 4" in note for note in result.notes
    )
    with store.read() as session:
        assert session.scalars(select(Authorization.quantity)).one() == 2
        assert session.scalar(select(func.count()).select_from(Unit)) == 2


def test_each_item_of_an_rma_counts_for_its_own_sku_and_reason(store: Store, tmp_path: Path) -> None:
    from zoneinfo import ZoneInfo

    from rmadesk.store.types import utcnow
    from rmadesk.summary.service import summarize

    rma = {"Amazon RMA ID": "DmUlTiItRRMA", "Seller RMA ID": ""}
    scarf = {"Merchant SKU": "SCARF-RED", "Return reason": "AMZ-PG-DEFECTIVE", "Return quantity": "1"}
    rows = [india_row(**rma), india_row(**rma, **scarf)]
    import_report(store, write(tmp_path / "in.txt", INDIA_HEADER, rows), actor="office", marketplace="IN")
    service = BenchService(store, load_policy("default"), Settings(database_url=store.url))
    auth = service.lookup("DmUlTiItRRMA")
    service.record(Decision(new_outcome_uid(), auth.units[0].unit_id, Disposition.SELLABLE, "Ana", "b1"))
    now = utcnow()
    summary = summarize(store, BOSS, now - timedelta(hours=1), now + timedelta(minutes=1), tz=ZoneInfo("UTC"))
    by_sku = {s.sku: [(r.reason, r.count) for r in s.reasons] for s in summary.top_reasons_by_sku}
    assert by_sku == {
        "KURTA-BLU-M": [("AMZ-PG-APP-TOO-SMALL", 1)],
        "SCARF-RED": [("AMZ-PG-DEFECTIVE", 1)],
    }


HOSTILE_SKU = '=HYPERLINK("http://x.example","click")'


def test_report_text_that_would_run_as_a_formula_is_written_as_text_in_every_csv(
    store: Store, tmp_path: Path
) -> None:
    import csv
    import io
    from zoneinfo import ZoneInfo

    from rmadesk.services.export import write_outcomes_csv
    from rmadesk.services.reconcile import write_reconciliation_csv
    from rmadesk.store.types import utcnow
    from rmadesk.summary import render
    from rmadesk.summary.service import summarize

    row = india_row(**{"Merchant SKU": HOSTILE_SKU, "Return reason": "@SUM(1+1)"})
    import_report(store, write(tmp_path / "in.txt", INDIA_HEADER, [row]), actor="office", marketplace="IN")
    service = BenchService(store, load_policy("default"), Settings(database_url=store.url))
    auth = service.lookup("SRMA-IN-0001")
    service.record(
        Decision(new_outcome_uid(), auth.units[0].unit_id, Disposition.CARRIER_DAMAGED, "Ana", "b1")
    )

    def cells(text: str) -> set[str]:
        return {cell for line in csv.reader(io.StringIO(text)) for cell in line}

    outcomes = io.StringIO()
    write_outcomes_csv(store, outcomes, BOSS)
    claims = io.StringIO()
    write_reconciliation_csv(store, claims, BOSS)
    now = utcnow()
    summary = summarize(store, BOSS, now - timedelta(hours=1), now + timedelta(minutes=1), tz=ZoneInfo("UTC"))
    table = tmp_path / "summary.csv"
    render.write(summary, "csv", table)
    for written in (outcomes.getvalue(), claims.getvalue(), table.read_text(encoding="utf-8")):
        assert "'" + HOSTILE_SKU in cells(written)
        assert HOSTILE_SKU not in cells(written)
    assert "'@SUM(1+1)" in cells(table.read_text(encoding="utf-8"))


@pytest.mark.parametrize("scanned", ["ßTRASSE1", "STRASSE1\x00", "\ud800"])
def test_the_bench_service_refuses_a_code_no_id_holds(store: Store, tmp_path: Path, scanned: str) -> None:
    from rmadesk.domain.errors import MalformedCode

    row = india_row(**{"Seller RMA ID": "SSTRASSE1"})
    import_report(store, write(tmp_path / "in.txt", INDIA_HEADER, [row]), actor="office", marketplace="IN")
    service = BenchService(store, load_policy("default"), Settings(database_url=store.url))
    assert service.lookup("sstrasse1").merchant_rma_id == "SSTRASSE1"  # ASCII case still folds
    with pytest.raises(MalformedCode, match="keyboard layout"):
        service.find(scanned)


def test_the_audit_search_finds_percent_and_underscore_as_typed(store: Store, tmp_path: Path) -> None:
    from rmadesk.domain.people import open_actor
    from rmadesk.services.audit import audit_page, count_events
    from rmadesk.services.issue import IssueRequest, issue_rma

    for name in ("sale_50%", "saleX50 more"):
        issue_rma(
            store, IssueRequest(order_id="O-1", sku="S", quantity=1, reason="ok"), actor=open_actor(name, "b")
        )
    boss = open_actor("Sue", "office")
    assert count_events(store, boss, "e_50%") == 1
    assert [row.actor for row in audit_page(store, boss, text="e_50%")] == ["sale_50%"]
    assert count_events(store, boss, "%") == 1 and count_events(store, boss, "sale") == 2


def test_a_file_of_utf8_and_windows_1252_rows_is_read_line_by_line_and_says_so(
    store: Store, tmp_path: Path
) -> None:
    header = "\t".join(RETURNS_HEADER).encode()
    utf8 = "\t".join(
        fba(license_plate_number="LPN000000001", product_name="Café mug")[c] for c in RETURNS_HEADER
    )
    latin = "\t".join(
        fba(license_plate_number="LPN000000002", order_id="114-0000000-0000002", product_name="Thé vert")[c]
        for c in RETURNS_HEADER
    )
    path = tmp_path / "mixed.txt"
    path.write_bytes(header + b"\n" + utf8.encode("utf-8") + b"\n" + latin.encode("cp1252") + b"\n")
    result = import_report(store, path, actor="office")
    assert result.encoding == "utf-8 + cp1252" and "read as utf-8 + cp1252" in result.summary()
    assert any("mixes encodings" in note and "cp1252" in note for note in result.notes)
    with store.read() as session:
        assert sorted(session.scalars(select(Authorization.item_name))) == ["Café mug", "Thé vert"]


def test_sizes_no_real_report_reaches_are_refused_with_their_line(store: Store, tmp_path: Path) -> None:
    rows = [
        india_row(**{"Seller RMA ID": "SRMA-IN-0001", "Return quantity": "9999", "Order quantity": "1"}),
        india_row(**{"Seller RMA ID": "SRMA-IN-0002", "Item Name": "x" * 50_000}),
        india_row(**{"Seller RMA ID": "SRMA-IN-0003", "Return quantity": "2", "Order quantity": "2"}),
    ]
    result = import_report(
        store, write(tmp_path / "in.txt", INDIA_HEADER, rows), actor="office", marketplace="IN"
    )
    reasons = {p.line: p.reason for p in result.problems}
    assert "more than the order quantity 1" in reasons[2]
    assert "Item Name is 50000 characters long; RMA Desk keeps at most 5000" in reasons[3]
    assert (result.added, result.units_added) == (1, 2)


def test_a_file_larger_than_any_report_is_refused_before_it_is_read(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rmadesk.services import imports

    path = write(tmp_path / "in.txt", INDIA_HEADER, [india_row()])
    monkeypatch.setattr(imports, "MAX_FILE_BYTES", path.stat().st_size - 1)
    with pytest.raises(UserError, match="imports report files up to 0 MB"):
        import_report(store, path, actor="office", marketplace="IN")
