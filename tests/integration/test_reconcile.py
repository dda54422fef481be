"""Reconciling carrier-damage claims with imported FBA reimbursements, on real SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import event, select, update

from rmadesk.domain.model import Decision, Disposition
from rmadesk.domain.policy import load_policy
from rmadesk.services.bench import BenchService, new_outcome_uid
from rmadesk.services.imports import import_report
from rmadesk.services.reconcile import (
    RECONCILE_COLUMNS,
    ReconcileRow,
    ReconcileStatus,
    reconcile,
    write_reconciliation_csv,
)
from rmadesk.settings import Settings
from rmadesk.store.models import Authorization, Outcome, Unit
from rmadesk.store.uow import Store
from tests.actors import BOSS
from tests.integration.test_import import row, write_report
from tests.integration.test_import_fba import PAID_HEADER, paid, write_tsv

D = Decimal
TODAY = date(2026, 12, 31)
# A 20.00 unit that is not media, no tax given: carrier-damaged expects 20.00 sale price
# + 2.40 referral fee part (3.00 referral fee − 0.60 refund administration fee).
PER_UNIT = D("22.40")
UNIT_PARTS = (("sale_price", D("20.00")), ("referral_fee_part", D("2.40")))

# Order lines: (order ID, Amazon RMA ID, SKU, units, units decided carrier-damaged, decided on)
LINES = {
    "paid": ("111-0000001-0000001", "DpAiDaAaRRMA", "MUG-1", 2, 2, date(2026, 12, 1)),
    "under": ("111-0000002-0000002", "DuNdErAaRRMA", "MUG-2", 1, 1, date(2026, 12, 1)),
    "over": ("111-0000003-0000003", "DoVeRaAaRRMA", "MUG-3", 1, 1, date(2026, 12, 1)),
    "overdue": ("111-0000004-0000004", "DoVeRdUeRRMA", "MUG-4", 1, 1, date(2026, 11, 30)),  # 31 days
    "waiting": ("111-0000005-0000005", "DwAiTiNgRRMA", "MUG-5", 1, 1, date(2026, 12, 1)),  # 30 days
    "reversed": ("111-0000006-0000006", "DrEvErSeRRMA", "MUG-6", 1, 1, date(2026, 10, 1)),
    "euro": ("111-0000007-0000007", "DeUrOaAaRRMA", "MUG-7", 1, 1, date(2026, 12, 20)),
    "sellable": ("111-0000008-0000008", "DsElLaBlRRMA", "MUG-8", 1, 0, date(2026, 12, 1)),
}
PAYMENTS = [
    # two payments of the two-unit line: 44.79 is within 0.01 per unit of 44.80
    paid(
        reimbursement_id="5900000011",
        amazon_order_id="111-0000001-0000001",
        sku="MUG-1",
        amount_total="22.40",
    ),
    paid(
        reimbursement_id="5900000012",
        amazon_order_id="111-0000001-0000001",
        sku="MUG-1",
        amount_total="22.39",
    ),
    paid(
        reimbursement_id="5900000021",
        amazon_order_id="111-0000002-0000002",
        sku="MUG-2",
        amount_total="20.00",
    ),
    paid(
        reimbursement_id="5900000031",
        amazon_order_id="111-0000003-0000003",
        sku="MUG-3",
        amount_total="30.00",
    ),
    # paid, then taken back: nothing paid
    paid(
        reimbursement_id="5900000061",
        amazon_order_id="111-0000006-0000006",
        sku="MUG-6",
        amount_total="22.40",
    ),
    paid(
        reimbursement_id="5900000062",
        amazon_order_id="111-0000006-0000006",
        sku="MUG-6",
        amount_total="-22.40",
        quantity_reimbursed_cash="-1",
        quantity_reimbursed_total="-1",
        original_reimbursement_id="5900000061",
    ),
    paid(
        reimbursement_id="5900000071",
        amazon_order_id="111-0000007-0000007",
        sku="MUG-7",
        amount_total="22.40",
        currency_unit="EUR",
    ),
    # paid for a unit the bench found sellable, and for stock lost in the warehouse: nobody claimed them
    paid(
        reimbursement_id="5900000081",
        amazon_order_id="111-0000008-0000008",
        sku="MUG-8",
        amount_total="22.40",
    ),
    paid(
        reimbursement_id="5900000091",
        amazon_order_id="",
        sku="MUG-9",
        reason="Lost_Warehouse",
        amount_total="8.00",
        approval_date="2026-12-02",
    ),
]


def record(service: BenchService, unit_id: int, disposition: Disposition) -> None:
    service.record(
        Decision(
            outcome_uid=new_outcome_uid(),
            unit_id=unit_id,
            disposition=disposition,
            inspector="Ana",
            bench="b1",
        )
    )


def decided_on(store: Store, order_id: str, day: date) -> None:
    """Move the decisions of an order back in time, to noon UTC of day."""
    with store.unit_of_work() as session:
        units = select(Unit.id).join(Authorization).where(Authorization.order_id == order_id)
        session.execute(
            update(Outcome)
            .where(Outcome.unit_id.in_(units))
            .values(decided_at=datetime(day.year, day.month, day.day, 12, tzinfo=UTC))
        )


def build(
    store: Store, tmp_path: Path, lines: dict[str, tuple] = LINES, payments: list | None = None
) -> None:
    returns = [
        row(
            Order_ID=order_id,
            Amazon_RMA_ID=rma_id,
            Merchant_SKU=sku,
            Return_quantity=str(units),
            Order_quantity=str(units),
            Order_Amount=f"{20 * units}.00",
        )
        for order_id, rma_id, sku, units, _, _ in lines.values()
    ]
    import_report(store, write_report(tmp_path / "returns.txt", returns), actor="t", bench="b1")
    service = BenchService(store, load_policy(), Settings(bench="b1"))
    for order_id, rma_id, _sku, _units, damaged, day in lines.values():
        auth = service.lookup(rma_id)
        for n, unit in enumerate(auth.units):
            record(
                service, unit.unit_id, Disposition.CARRIER_DAMAGED if n < damaged else Disposition.SELLABLE
            )
        decided_on(store, order_id, day)
    path = write_tsv(tmp_path / "paid.txt", PAID_HEADER, PAYMENTS if payments is None else payments)
    assert import_report(store, path, actor="t", bench="b1").rejected == 0


def by_order(rows: list[ReconcileRow]) -> dict[str | None, ReconcileRow]:
    return {found.order_id: found for found in rows}


def test_each_status(store: Store, tmp_path: Path) -> None:
    build(store, tmp_path)
    rows = reconcile(store, BOSS, today=TODAY)
    found = by_order(rows)
    assert {order: r.status for order, r in found.items()} == {
        "111-0000001-0000001": ReconcileStatus.PAID,
        "111-0000002-0000002": ReconcileStatus.PAID_DIFFERENTLY,
        "111-0000003-0000003": ReconcileStatus.PAID_DIFFERENTLY,
        "111-0000004-0000004": ReconcileStatus.UNPAID_OVERDUE,
        "111-0000005-0000005": ReconcileStatus.UNPAID_WAITING,
        "111-0000006-0000006": ReconcileStatus.UNPAID_OVERDUE,
        "111-0000007-0000007": ReconcileStatus.PAID_DIFFERENTLY,
        "111-0000008-0000008": ReconcileStatus.PAID_UNCLAIMED,
        None: ReconcileStatus.PAID_UNCLAIMED,
    }
    assert len(rows) == 9
    # claims first, oldest decision first; then the payments nobody claimed
    assert [r.order_id for r in rows][:2] == ["111-0000006-0000006", "111-0000004-0000004"]
    assert [r.status for r in rows][-2:] == [ReconcileStatus.PAID_UNCLAIMED] * 2

    two = found["111-0000001-0000001"]
    assert (two.rma_id, two.sku, two.units_claimed, two.units_paid) == ("DpAiDaAaRRMA", "MUG-1", 2, 2)
    assert (two.expected_total, two.paid_total, two.difference) == (D("44.80"), D("44.79"), D("-0.01"))
    assert two.expected_components == (("sale_price", D("40.00")), ("referral_fee_part", D("4.80")))
    assert two.reimbursement_ids == ("5900000011", "5900000012")
    assert (two.currency, two.last_paid_on) == ("USD", date(2026, 11, 20))
    assert two.decided_at == datetime(2026, 12, 1, 12, tzinfo=UTC) and two.days_since_decision == 30

    under = found["111-0000002-0000002"]
    assert (under.expected_total, under.paid_total, under.difference) == (PER_UNIT, D("20.00"), D("-2.40"))
    assert under.expected_components == UNIT_PARTS
    over = found["111-0000003-0000003"]
    assert (over.paid_total, over.difference) == (D("30.00"), D("7.60"))
    assert found["111-0000007-0000007"].paid_total == PER_UNIT  # the right amount, in euros

    overdue = found["111-0000004-0000004"]
    assert (overdue.paid_total, overdue.difference, overdue.units_paid) == (D("0"), -PER_UNIT, 0)
    assert (overdue.days_since_decision, overdue.reimbursement_ids, overdue.last_paid_on) == (31, (), None)
    assert found["111-0000005-0000005"].days_since_decision == 30  # 30 days is still within the window
    reversed_ = found["111-0000006-0000006"]
    assert (reversed_.paid_total, reversed_.units_paid) == (D("0"), 0)
    assert reversed_.reimbursement_ids == ("5900000061", "5900000062")

    sellable = found["111-0000008-0000008"]
    assert (sellable.units_claimed, sellable.expected_total, sellable.paid_total) == (0, D("0"), PER_UNIT)
    assert (sellable.rma_id, sellable.decided_at, sellable.days_since_decision) == (None, None, None)
    lost = found[None]
    assert (lost.sku, lost.paid_total, lost.difference, lost.currency) == (
        "MUG-9",
        D("8.00"),
        D("8.00"),
        "USD",
    )
    assert lost.last_paid_on == date(2026, 12, 2)


def test_window_and_tolerance(store: Store, tmp_path: Path) -> None:
    lines = {
        "edge": ("111-0000011-0000001", "DtOlEdGeRRMA", "CUP-1", 1, 1, date(2026, 12, 1)),
        "beyond": ("111-0000012-0000001", "DtOlBeYoRRMA", "CUP-2", 1, 1, date(2026, 12, 1)),
    }
    payments = [
        paid(
            reimbursement_id="5900000101",
            amazon_order_id="111-0000011-0000001",
            sku="CUP-1",
            amount_total="22.39",
        ),
        paid(
            reimbursement_id="5900000102",
            amazon_order_id="111-0000012-0000001",
            sku="CUP-2",
            amount_total="22.38",
        ),
    ]
    build(store, tmp_path, lines, payments)
    found = by_order(reconcile(store, BOSS, today=TODAY))
    assert found["111-0000011-0000001"].status is ReconcileStatus.PAID  # 0.01 short: within tolerance
    assert found["111-0000012-0000001"].status is ReconcileStatus.PAID_DIFFERENTLY  # 0.02 short
    assert found["111-0000012-0000001"].difference == D("-0.02")

    # Unpaid lines move from waiting to overdue as days pass, and with the window chosen.
    with store.unit_of_work() as session:
        session.execute(update(Outcome).values(decided_at=datetime(2026, 12, 1, 12, tzinfo=UTC)))
    lines = {"late": ("111-0000013-0000001", "DtOlLaTeRRMA", "CUP-3", 1, 1, date(2026, 12, 1))}
    build(store, tmp_path, lines, payments=[])
    assert (
        by_order(reconcile(store, BOSS, today=TODAY))["111-0000013-0000001"].status
        is ReconcileStatus.UNPAID_WAITING
    )
    late = by_order(reconcile(store, BOSS, today=date(2027, 1, 1)))["111-0000013-0000001"]
    assert (late.status, late.days_since_decision) == (ReconcileStatus.UNPAID_OVERDUE, 31)
    assert by_order(reconcile(store, BOSS, days=7, today=TODAY))["111-0000013-0000001"].status is (
        ReconcileStatus.UNPAID_OVERDUE
    )


def test_one_order_with_two_skus_is_two_lines(store: Store, tmp_path: Path) -> None:
    lines = {
        "cup": ("111-0000021-0000001", "DcUpAaAaRRMA", "CUP-1", 1, 1, date(2026, 12, 20)),
        "saucer": ("111-0000021-0000001", "DsAuCeRrRRMA", "SAUCER-1", 3, 2, date(2026, 12, 20)),
    }
    payments = [
        paid(
            reimbursement_id="5900000201",
            amazon_order_id="111-0000021-0000001",
            sku="CUP-1",
            amount_total="22.40",
        ),
    ]
    build(store, tmp_path, lines, payments)
    rows = {r.sku: r for r in reconcile(store, BOSS, today=TODAY)}
    assert set(rows) == {"CUP-1", "SAUCER-1"}
    assert rows["CUP-1"].status is ReconcileStatus.PAID
    saucer = rows["SAUCER-1"]  # two of its three units were carrier-damaged
    assert (saucer.status, saucer.units_claimed, saucer.expected_total) == (
        ReconcileStatus.UNPAID_WAITING,
        2,
        2 * PER_UNIT,
    )
    assert saucer.expected_components == (("sale_price", D("40.00")), ("referral_fee_part", D("4.80")))


def test_aggregated_in_sql_whatever_the_number_of_rows(store: Store, tmp_path: Path) -> None:
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(store.engine, "before_cursor_execute", seen)
    try:
        assert reconcile(store, BOSS, today=TODAY) == []
        empty = len(statements)
        build(store, tmp_path)
        statements.clear()
        assert len(reconcile(store, BOSS, today=TODAY)) == 9
    finally:
        event.remove(store.engine, "before_cursor_execute", seen)
    assert len(statements) == empty
    assert sum("GROUP BY" in statement.upper() for statement in statements) == 3


def test_csv(store: Store, tmp_path: Path) -> None:
    out = io.StringIO()
    assert write_reconciliation_csv(store, out, BOSS, today=TODAY) == 0
    assert out.getvalue() == ",".join(RECONCILE_COLUMNS) + "\n"

    build(store, tmp_path)
    out = io.StringIO()
    assert write_reconciliation_csv(store, out, BOSS, today=TODAY) == 9
    lines = list(csv.reader(io.StringIO(out.getvalue())))
    assert lines[0] == [
        "status",
        "rma_id",
        "order_id",
        "sku",
        "units_claimed",
        "units_paid",
        "expected_total",
        "paid_total",
        "difference",
        "currency",
        "decided_at",
        "days_since_decision",
        "last_paid_on",
        "reimbursement_ids",
        "expected_components",
    ]
    rows = {line[2]: dict(zip(lines[0], line, strict=True)) for line in lines[1:]}
    assert rows["111-0000001-0000001"] == {
        "status": "paid",
        "rma_id": "DpAiDaAaRRMA",
        "order_id": "111-0000001-0000001",
        "sku": "MUG-1",
        "units_claimed": "2",
        "units_paid": "2",
        "expected_total": "44.80",
        "paid_total": "44.79",
        "difference": "-0.01",
        "currency": "USD",
        "decided_at": "2026-12-01T12:00:00Z",
        "days_since_decision": "30",
        "last_paid_on": "2026-11-20",
        "reimbursement_ids": "5900000011 5900000012",
        "expected_components": "sale_price=40.00; referral_fee_part=4.80",
    }
    assert rows["111-0000004-0000004"]["paid_total"] == "0.00"
    assert rows["111-0000004-0000004"]["difference"] == "-22.40"
    assert rows[""] == {
        "status": "paid_unclaimed",
        "rma_id": "",
        "order_id": "",
        "sku": "MUG-9",
        "units_claimed": "0",
        "units_paid": "1",
        "expected_total": "0.00",
        "paid_total": "8.00",
        "difference": "8.00",
        "currency": "USD",
        "decided_at": "",
        "days_since_decision": "",
        "last_paid_on": "2026-12-02",
        "reimbursement_ids": "5900000091",
        "expected_components": "",
    }

    problems = io.StringIO()
    assert write_reconciliation_csv(store, problems, BOSS, today=TODAY, only_problems=True) == 7
    statuses = [line[0] for line in csv.reader(io.StringIO(problems.getvalue()))][1:]
    assert sorted(set(statuses)) == ["paid_differently", "paid_unclaimed", "unpaid_overdue"]
    assert statuses.count("paid_differently") == 3 and statuses.count("unpaid_overdue") == 2


def test_the_second_item_of_an_rma_is_claimed_under_its_own_sku(store: Store, tmp_path: Path) -> None:
    rma = {"Amazon_RMA_ID": "DtWoItEmRRMA", "Order_ID": "111-0000031-0000001"}
    rows = [
        row(**rma, Merchant_SKU="CUP-1", Return_quantity="1", Order_Amount="20.00", Order_quantity="1"),
        row(**rma, Merchant_SKU="SAUCER-1", Return_quantity="1", Order_Amount="8.00", Order_quantity="1"),
    ]
    import_report(store, write_report(tmp_path / "two.txt", rows), actor="office")
    bench = BenchService(store, load_policy(), Settings(bench="b1", sounds=False))
    auth = bench.lookup("DtWoItEmRRMA")
    saucer = next(u for u in auth.units if auth.item_of(u).sku == "SAUCER-1")
    bench.record(Decision(new_outcome_uid(), saucer.unit_id, Disposition.CARRIER_DAMAGED, "Ana", "b1"))
    (line,) = reconcile(store, BOSS, today=TODAY)
    assert (line.order_id, line.sku, line.units_claimed) == ("111-0000031-0000001", "SAUCER-1", 1)
    assert dict(line.expected_components)["sale_price"] == D("8.00")
