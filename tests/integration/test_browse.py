"""Browsing authorizations on a real SQLite file and the real PostgreSQL server: filters, sorts, detail."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import select, text

from rmadesk.domain.model import AuthorizationView, Decision, Disposition
from rmadesk.domain.policy import load_policy
from rmadesk.services.bench import BenchService, Recorded, new_outcome_uid
from rmadesk.services.browse import (
    COLUMNS,
    SORT_KEYS,
    STATUSES,
    BrowseFilter,
    BrowseRow,
    BrowseService,
    identifier_statement,
    sort_value,
    words_condition,
)
from rmadesk.services.context import open_store
from rmadesk.services.demo import create_demo_data
from rmadesk.services.imports import import_report
from rmadesk.services.reversal import reverse_outcome
from rmadesk.settings import Settings
from rmadesk.store.models import AuditEvent, Authorization, ScanCode, Unit
from rmadesk.store.schema import current_revision, head_revision
from rmadesk.store.types import utcnow
from rmadesk.store.uow import Store
from tests.actors import BOSS
from tests.conftest import drop_pg_database, fresh_pg_database, migrate
from tests.perf.mfn_generator import write_mfn_report

TSHIRT = "DkQxRtLmRRMA"  # 1 unit, TSHIRT-BLU-L, "Organic cotton T-shirt, blue, size L", 2 days ago
KETTLE = "DpHwNcVbRRMA"  # 2 units, KETTLE-SS-17, "Stainless steel electric kettle 1.7 L", 1 day ago
BOOK = "DsGtYuJkRRMA"  # 1 unit, 3 days ago
HEADSET = "DzMbQeWfRRMA"  # 1 unit, 5 days ago
MUGS = "DaLpKsOiRRMA"  # 3 units, MUG-CER-WHT-2PK, "Ceramic mug, white, pack of 2", today
KETTLE_ORDER = "113-2076551-4410617"
FIXTURES = Path(__file__).parent.parent / "fixtures" / "reports"
TODAY = date.today()


@pytest.fixture
def bench(store: Store) -> BenchService:
    create_demo_data(store, BOSS)
    return BenchService(store, load_policy(), Settings(bench="b1"))


@pytest.fixture
def browse(store: Store) -> BrowseService:
    return BrowseService(store, BOSS, search_ttl_s=0)


def decide(
    bench: BenchService,
    rma: str,
    disposition: Disposition = Disposition.SELLABLE,
    *,
    units: int = 1,
    **extra: Any,
) -> Recorded:
    recorded: Recorded | None = None
    for _ in range(units):
        auth: AuthorizationView = bench.lookup(rma)
        unit = auth.next_undecided
        assert unit is not None
        recorded = bench.record(
            Decision(
                outcome_uid=new_outcome_uid(),
                unit_id=unit.unit_id,
                disposition=disposition,
                inspector=extra.get("inspector", "Ana"),
                bench="b1",
                recommended=extra.get("recommended"),
                override_reason=extra.get("override_reason"),
            )
        )
    assert recorded is not None
    return recorded


def add(store: Store, key: str, **fields: Any) -> int:
    """An authorization with its units and scan codes, written as an import would."""
    values: dict[str, Any] = {
        "auth_key": key,
        "kind": "RMA",
        "source": "mfn_report",
        "rma_id": key,
        "order_id": f"ORDER-{key}",
        "sku": f"SKU-{key}",
        "item_name": f"Item {key}",
        "quantity": 1,
        "request_date": TODAY - timedelta(days=10),
        "reason": "AMZ-PG-UNWANTED-ITEM",
    }
    values.update(fields)
    lpns = values.pop("lpns", ())
    with store.unit_of_work() as session:
        auth = Authorization(**values)
        session.add(auth)
        session.flush()
        for seq in range(1, auth.quantity + 1):
            lpn = lpns[seq - 1] if seq <= len(lpns) else None
            unit = Unit(authorization_id=auth.id, seq=seq, attempt=0, lpn=lpn)
            session.add(unit)
            session.flush()
            if lpn:
                session.add(
                    ScanCode(
                        code=lpn,
                        code_folded=lpn.upper(),
                        code_kind="lpn",
                        authorization_id=auth.id,
                        unit_id=unit.id,
                    )
                )
        for kind, code in (
            ("rma", auth.rma_id),
            ("merchant_rma", auth.merchant_rma_id),
            ("order", auth.order_id),
            ("tracking", auth.tracking_id),
        ):
            if code:
                session.add(
                    ScanCode(code=code, code_folded=code.upper(), code_kind=kind, authorization_id=auth.id)
                )
        return auth.id


def everything(
    browse: BrowseService, f: BrowseFilter | None = None, sort: str = "requested"
) -> list[BrowseRow]:
    return browse.page(f or BrowseFilter(), sort, False, 0, 10_000)


def keys(rows: list[BrowseRow]) -> list[str]:
    return [r.rma_id or r.merchant_rma_id or r.order_id for r in rows]


# --- status, derived in the database ------------------------------------------------------------------


def test_status_and_decided_are_derived_from_current_outcomes(
    bench: BenchService, browse: BrowseService
) -> None:
    decide(bench, TSHIRT)  # 1 of 1: done
    decide(bench, KETTLE)  # 1 of 2: in inspection
    decide(bench, MUGS, Disposition.CARRIER_DAMAGED, units=3)  # 3 of 3: done
    rows = {r.rma_id: r for r in everything(browse)}
    assert {k: (r.decided, r.quantity, r.status) for k, r in rows.items()} == {
        TSHIRT: (1, 1, "done"),
        KETTLE: (1, 2, "in_inspection"),
        BOOK: (0, 1, "awaiting"),
        HEADSET: (0, 1, "awaiting"),
        MUGS: (3, 3, "done"),
    }
    expected = {"awaiting": {BOOK, HEADSET}, "in_inspection": {KETTLE}, "done": {TSHIRT, MUGS}}
    for status in STATUSES:
        f = BrowseFilter(status=status)
        got = everything(browse, f)
        assert set(keys(got)) == expected[status], status
        assert {r.status for r in got} == {status}
        assert browse.count(f) == len(expected[status])
    assert browse.count(BrowseFilter()) == 5


def test_a_reversed_outcome_no_longer_counts(
    store: Store, bench: BenchService, browse: BrowseService
) -> None:
    recorded = decide(bench, TSHIRT)
    # A reversal bumps the unit's attempt: the old outcome stays, but it is not the current one.
    reverse_outcome(store, recorded.outcome.outcome_uid, reason="wrong shelf", actor=BOSS)
    [row] = browse.page(BrowseFilter(text=TSHIRT), "requested", False)
    assert (row.decided, row.status) == (0, "in_inspection")  # seen at a bench, nothing decided now
    assert TSHIRT in keys(everything(browse, BrowseFilter(status="in_inspection")))
    assert TSHIRT not in keys(everything(browse, BrowseFilter(status="awaiting")))
    detail = browse.detail(row.auth_id)
    assert detail.status == "in_inspection" and detail.decided == 0
    assert detail.units[0].outcome is None and detail.units[0].reversed_outcomes == 1


def test_unknown_status_or_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="status"):
        BrowseFilter(status="finished")
    with pytest.raises(ValueError, match="kind"):
        BrowseFilter(kind="XYZ")


# --- kind and dates ---------------------------------------------------------------------------------


def test_kind_and_request_date_filters(store: Store, bench: BenchService, browse: BrowseService) -> None:
    add(store, "RA-1", kind="RA", request_date=TODAY - timedelta(days=40))
    add(store, "RGA-1", kind="RGA", rma_id=None, merchant_rma_id="MR-RGA-1", request_date=None)
    add(store, "RETURNLESS-1", kind="RETURNLESS", rma_id=None, request_date=TODAY - timedelta(days=3))
    assert keys(everything(browse, BrowseFilter(kind="RA"))) == ["RA-1"]
    assert keys(everything(browse, BrowseFilter(kind="RGA"))) == ["MR-RGA-1"]
    assert keys(everything(browse, BrowseFilter(kind="RETURNLESS"))) == ["ORDER-RETURNLESS-1"]
    assert browse.count(BrowseFilter(kind="RMA")) == 5
    # Both ends are included; an authorization without a request date is outside every range.
    three_days = BrowseFilter(date_from=TODAY - timedelta(days=3), date_to=TODAY - timedelta(days=1))
    assert set(keys(everything(browse, three_days))) == {TSHIRT, KETTLE, BOOK, "ORDER-RETURNLESS-1"}
    assert browse.count(three_days) == 4
    assert keys(everything(browse, BrowseFilter(date_to=TODAY - timedelta(days=30)))) == ["RA-1"]
    assert set(keys(everything(browse, BrowseFilter(date_from=TODAY)))) == {MUGS}
    both = BrowseFilter(kind="RETURNLESS", date_from=TODAY - timedelta(days=5))
    assert browse.count(both) == 1
    assert browse.count(BrowseFilter()) == 8


# --- search -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (TSHIRT, {TSHIRT}),  # RMA ID, exactly
        (TSHIRT.swapcase(), {TSHIRT}),  # Caps Lock flipped it
        (TSHIRT.lower(), {TSHIRT}),
        (f"  {KETTLE}  ", {KETTLE}),  # stray whitespace from a scanner
        (KETTLE_ORDER, {KETTLE}),  # order ID
        ("MR-0042", {"MR-0042"}),  # Merchant RMA ID
        ("mr-0042", {"MR-0042"}),
        ("1Z999AA10123456784", {"MR-0042"}),  # tracking ID
        ("LPNXQ123", {"MR-0042"}),  # a unit's LPN
        ("lpnxq123", {"MR-0042"}),
        ("kettle-ss", {KETTLE}),  # SKU substring, any case
        ("CER-WHT", {MUGS}),
        ("stainless", {KETTLE}),  # item substring
        ("STEEL Kettle", {KETTLE}),  # every word, anywhere in item or SKU
        ("mug white", {MUGS}),
        ("cotton", {TSHIRT, "MR-0042"}),
        ("size", {TSHIRT}),
        ("e", {TSHIRT, KETTLE, BOOK, HEADSET, MUGS, "MR-0042"}),
        ("kettle toaster", set()),
        ("DxXxXxXxRRMA", set()),
        ("%", {"MR-0042"}),  # a LIKE wildcard is a plain character: only the item that has one
        ("_", set()),
    ],
)
def test_search(
    store: Store, bench: BenchService, browse: BrowseService, text: str, expected: set[str]
) -> None:
    add(
        store,
        "MR-0042",
        rma_id=None,
        merchant_rma_id="MR-0042",
        tracking_id="1Z999AA10123456784",
        sku="GIFT-CARD",
        item_name="Gift card 100% cotton-free",
        lpns=("LPNXQ123",),
    )
    f = BrowseFilter(text=text)
    assert set(keys(everything(browse, f))) == expected
    assert browse.count(f) == len(expected)


def test_an_identifier_wins_over_words(store: Store, bench: BenchService, browse: BrowseService) -> None:
    # An item that mentions another return's RMA ID is not what a person scanning that ID wants.
    add(store, "DqQqQqQqRRMA", item_name=f"Replacement for {TSHIRT}")
    assert keys(everything(browse, BrowseFilter(text=TSHIRT))) == [TSHIRT]
    assert keys(everything(browse, BrowseFilter(text=f"replacement {TSHIRT}"))) == ["DqQqQqQqRRMA"]


def test_search_combines_with_the_other_filters(bench: BenchService, browse: BrowseService) -> None:
    decide(bench, KETTLE)
    assert keys(everything(browse, BrowseFilter(text="kettle", status="in_inspection"))) == [KETTLE]
    assert everything(browse, BrowseFilter(text="kettle", status="done")) == []
    assert browse.count(BrowseFilter(text=KETTLE_ORDER, kind="RGA")) == 0
    assert browse.count(BrowseFilter(text="a", date_from=TODAY)) == 1  # the mugs


def test_many_word_matches_are_matched_by_the_query(
    store: Store, bench: BenchService, browse: BrowseService, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Past MAX_WORD_MATCHES no id list is made: the words go into the page and count queries.
    monkeypatch.setattr("rmadesk.services.browse.MAX_WORD_MATCHES", 2)
    with store.read() as session:
        assert browse.resolve_text(session, "e").ids is None
        assert browse.resolve_text(session, "kettle").ids is not None
    rows = everything(browse, BrowseFilter(text="e"), "sku")
    assert len(rows) == 5 and browse.count(BrowseFilter(text="e")) == 5
    assert browse.page(BrowseFilter(text="e"), "sku", False, 0, 2, after=rows[0]) == rows[1:3]


def test_a_search_is_remembered_until_forgotten(store: Store, bench: BenchService) -> None:
    browse = BrowseService(store, BOSS, search_ttl_s=3600)
    assert browse.count(BrowseFilter(text="waffle")) == 0
    add(store, "WAFFLE-1", item_name="Waffle iron")
    assert browse.count(BrowseFilter(text="waffle")) == 0  # the words' matches were remembered
    browse.forget_searches()
    assert browse.count(BrowseFilter(text="waffle")) == 1
    assert BrowseService(store, BOSS, search_ttl_s=0).count(BrowseFilter(text="waffle")) == 1


# --- sorting and paging --------------------------------------------------------------------------------


@pytest.fixture
def varied(store: Store, bench: BenchService) -> Store:
    """Ties and NULLs in every sortable column, so paging must use the id to break them."""
    decide(bench, KETTLE)
    decide(bench, MUGS, units=2)
    decide(bench, TSHIRT)
    reasons = [None, "AMZ-PG-DEFECTIVE", "AMZ-PG-DEFECTIVE", "AMZ-PG-BETTER-PRICE"]
    for n in range(22):
        kind = ("RMA", "RA", "RGA", "RETURNLESS")[n % 4]
        add(
            store,
            f"X{n:02d}",
            kind=kind,
            rma_id=None if kind in ("RGA", "RETURNLESS") else f"DxVar{n:02d}RRMA",
            merchant_rma_id=f"MR{n % 3:04d}-{n}" if kind == "RGA" else None,
            order_id=f"ORDER-{n % 5}",
            sku=f"SKU-{n % 4}",
            item_name=("Alpha", "beta", "Gamma", "Alpha")[n % 4],
            quantity=1 + n % 3,
            reason=reasons[n % 4],
            request_date=None if n % 6 == 0 else TODAY - timedelta(days=n % 7),
        )
    return store


def _value(row: BrowseRow, key: str) -> Any:
    return {
        "quantity": row.quantity,
        "decided": row.decided,
        "status": STATUSES.index(row.status),
        "requested": row.request_date,
        "updated": row.updated_at,
    }[key]


@pytest.mark.parametrize("sort_key", SORT_KEYS)
def test_every_sort_pages_without_duplicates_or_gaps(
    varied: Store, browse: BrowseService, sort_key: str
) -> None:
    for descending in (False, True):
        whole = browse.page(BrowseFilter(), sort_key, descending, 0, 1000)
        assert len(whole) == 27 == browse.count(BrowseFilter())
        by_offset: list[BrowseRow] = []
        for offset in range(0, 30, 4):
            by_offset.extend(browse.page(BrowseFilter(), sort_key, descending, offset, 4))
        by_keyset: list[BrowseRow] = []
        while True:
            after = by_keyset[-1] if by_keyset else None
            page = browse.page(BrowseFilter(), sort_key, descending, 0, 4, after=after)
            by_keyset.extend(page)
            if len(page) < 4:
                break
        ids = [r.auth_id for r in whole]
        assert [r.auth_id for r in by_offset] == ids
        assert [r.auth_id for r in by_keyset] == ids
        assert len(set(ids)) == len(ids)
        # Ties are broken by the id, in the same direction.
        values = [sort_value(r, sort_key) for r in whole]
        for n in range(len(whole) - 1):
            if values[n] == values[n + 1]:
                assert (ids[n] > ids[n + 1]) if descending else (ids[n] < ids[n + 1])
        if sort_key in ("quantity", "decided", "status", "requested", "updated"):
            _assert_sorted(whole, sort_key, descending, nulls_low=varied.dialect == "sqlite")


def _assert_sorted(rows: list[BrowseRow], key: str, descending: bool, *, nulls_low: bool) -> None:
    values = [_value(r, key) for r in rows]
    present = [v for v in values if v is not None]
    assert present == sorted(present, reverse=descending)
    nulls = [n for n, v in enumerate(values) if v is None]
    if nulls:
        at_start = nulls_low != descending
        expected = list(range(len(nulls))) if at_start else list(range(len(values) - len(nulls), len(values)))
        assert nulls == expected


def test_pages_with_a_filter_and_a_sort(varied: Store, browse: BrowseService) -> None:
    f = BrowseFilter(kind="RGA")
    whole = browse.page(f, "rma", False, 0, 100)
    assert len(whole) == browse.count(f) == 5
    assert {r.kind for r in whole} == {"RGA"}
    first = browse.page(f, "rma", False, 0, 3)
    rest = browse.page(f, "rma", False, 0, 3, after=first[-1])
    assert first + rest == whole
    assert browse.page(f, "rma", False, 0, 3, after=whole[-1]) == []
    assert browse.page(f, "rma", False, 3, 3) == whole[3:]
    assert browse.page(f, "rma", False, 1, 2, after=first[0]) == whole[2:4]


@pytest.mark.parametrize("walked_rows", [1_000, 3], ids=["found-by-walking", "walk-too-short"])
def test_a_common_word_pages_as_a_listed_one(
    varied: Store, browse: BrowseService, monkeypatch: pytest.MonkeyPatch, walked_rows: int
) -> None:
    # A word too common to list as ids is paged by walking the sort order first (SQLite), falling
    # back to the matches' keys when the walk holds too few: either way the same pages as listed ids.
    f = BrowseFilter(text="alpha")
    listed = {
        (key, descending): browse.page(f, key, descending, 0, 1000)
        for key in SORT_KEYS
        for descending in (False, True)
    }
    assert len(listed["rma", False]) == 11
    monkeypatch.setattr("rmadesk.services.browse.MAX_WORD_MATCHES", 2)
    monkeypatch.setattr("rmadesk.services.browse.WALKED_ROWS", walked_rows)
    browse.forget_searches()
    with varied.read() as session:
        assert browse.resolve_text(session, "alpha").ids is None
    for (key, descending), whole in listed.items():
        by_offset = [r for offset in range(0, 15, 5) for r in browse.page(f, key, descending, offset, 5)]
        by_keyset = browse.page(f, key, descending, 0, 5)
        while len(by_keyset) < len(whole):
            page = browse.page(f, key, descending, 0, 5, after=by_keyset[-1])
            assert page, (key, descending)
            by_keyset.extend(page)
        assert by_offset == whole == by_keyset, (key, descending)
    assert browse.page(BrowseFilter(text="alpha", kind="RGA"), "rma", False, 0, 100) == [
        r for r in listed["rma", False] if r.kind == "RGA"
    ]


def test_unknown_sort_key_is_refused(browse: BrowseService) -> None:
    with pytest.raises(ValueError, match="sort key"):
        browse.page(BrowseFilter(), "colour", False)


def test_columns_name_sort_keys() -> None:
    assert [key for key, _title in COLUMNS] == [
        "rma",
        "order",
        "sku",
        "item",
        "quantity",
        "decided",
        "status",
        "reason",
        "requested",
        "kind",
    ]
    assert {key for key, _title in COLUMNS} <= set(SORT_KEYS)


# --- detail -------------------------------------------------------------------------------------------


def test_detail_has_fields_units_outcomes_and_history_in_order(
    store: Store, bench: BenchService, browse: BrowseService
) -> None:
    decide(bench, KETTLE, Disposition.SELLABLE)
    decide(
        bench,
        KETTLE,
        Disposition.SELLER_FAULT,
        inspector="Ben",
        recommended=Disposition.SELLABLE,
        override_reason="Does not switch on",
    )
    # Another authorization's events stay out of this one's history.
    decide(bench, MUGS)
    [row] = browse.page(BrowseFilter(text=KETTLE), "requested", False)
    d = browse.detail(row.auth_id)
    assert d.authorization.rma_id == KETTLE and d.authorization.order_id == KETTLE_ORDER
    assert d.authorization.item_name == "Stainless steel electric kettle 1.7 L"
    assert (d.status, d.decided, d.source) == ("done", 2, "demo")
    assert [u.seq for u in d.units] == [1, 2]
    first, second = (u.outcome for u in d.units)
    assert first is not None and second is not None
    assert (first.disposition, first.location, first.inspector) == (
        Disposition.SELLABLE,
        "RETURNS-RESTOCK",
        "Ana",
    )
    assert (second.disposition, second.location, second.inspector) == (
        Disposition.SELLER_FAULT,
        "UNSELLABLE",
        "Ben",
    )
    assert second.override_reason == "Does not switch on"
    assert second.decided_at.tzinfo is not None
    assert [e.action for e in d.history] == ["import", "arrive", "decide", "decide"]
    assert [e.unit_seq for e in d.history] == [None, None, 1, 2]
    times = [e.at for e in d.history]
    assert times == sorted(times)
    assert d.history[0].summary == "Created as demo data."
    assert d.history[2].summary.startswith("Unit 1 decided Sellable → RETURNS-RESTOCK")
    assert "Unit 2 decided Seller-fault → UNSELLABLE, reimbursement" in d.history[3].summary
    assert "overrides the recommended Sellable (Does not switch on)" in d.history[3].summary
    assert (d.history[3].actor, d.history[3].bench) == ("Ben", "b1")


def test_detail_of_an_undecided_authorization(bench: BenchService, browse: BrowseService) -> None:
    [row] = browse.page(BrowseFilter(text=MUGS), "requested", False)
    d = browse.detail(row.auth_id)
    assert (d.status, d.decided, d.arrived_at) == ("awaiting", 0, None)
    assert [(u.seq, u.outcome) for u in d.units] == [(1, None), (2, None), (3, None)]
    assert [e.action for e in d.history] == ["import"]


def test_detail_history_of_an_imported_authorization(store: Store, browse: BrowseService) -> None:
    path = FIXTURES / "mfn_returns_utf8_bom_crlf.txt"
    import_report(store, path, actor="Cleo", bench="office")
    with store.unit_of_work() as session:
        # Events of the authorization itself (an issue, a note) are keyed by its auth_key alone.
        session.add(
            AuditEvent(
                at=utcnow(),
                actor="Cleo",
                bench="office",
                action="claim",
                entity="authorization",
                entity_key=TSHIRT,
                after='{"reason": "carrier claim filed"}',
            )
        )
    [row] = browse.page(BrowseFilter(text=TSHIRT), "requested", False)
    d = browse.detail(row.auth_id)
    assert d.source == "mfn_report"
    origin = d.history[0]
    assert origin.action == "import"
    assert origin.summary == f"Imported from the seller-fulfilled returns report {path.name}."
    assert (origin.actor, origin.bench) == ("Cleo", "office")
    assert d.history[-1].summary == "Authorization claimed: carrier claim filed."


def test_detail_of_a_missing_authorization_says_so(browse: BrowseService) -> None:
    from rmadesk.domain.errors import UserError

    with pytest.raises(UserError, match="no longer in the database"):
        browse.detail(424242)


# --- the migration ---------------------------------------------------------------------------------------


BROWSE_INDEXES = {
    "ix_return_authorization_request_date_id",
    "ix_return_authorization_updated_at_id",
    "ix_return_authorization_kind_id",
    "ix_return_authorization_reason_id",
    "ix_return_authorization_quantity_id",
    "ix_return_authorization_display_id",
    "ix_return_authorization_item_search",
    "ix_return_authorization_arrived_at",
}


def _index_names(store: Store, table: str) -> set[str]:
    # Read from the catalogue: SQLAlchemy's SQLite reflection skips indexes on expressions.
    if store.dialect == "sqlite":
        sql = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = :t"
    else:
        sql = "SELECT indexname FROM pg_indexes WHERE tablename = :t"
    with store.engine.connect() as conn:
        return set(conn.execute(text(sql), {"t": table}).scalars())


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
def test_migration_0003_adds_the_browse_indexes_and_goes_back(dialect: str, tmp_path: Path) -> None:
    url = (
        f"sqlite:///{tmp_path}/migrate.sqlite3" if dialect == "sqlite" else fresh_pg_database(migrated=False)
    )
    store = Store(url)
    try:
        migrate(store.engine, command.upgrade, "0002")
        assert not BROWSE_INDEXES & _index_names(store, "return_authorization")
        migrate(store.engine, command.upgrade, "0003")
        assert current_revision(store.engine) == "0003"
        assert BROWSE_INDEXES <= _index_names(store, "return_authorization")
        assert "ix_audit_event_entity_key" in _index_names(store, "audit_event")
        # The trigram index of word search, on PostgreSQL where pg_trgm can be had (as on the test server).
        words = "ix_return_authorization_words" in _index_names(store, "return_authorization")
        assert words == (dialect == "postgresql")
        migrate(store.engine, command.downgrade, "0002")
        assert current_revision(store.engine) == "0002"
        assert not (BROWSE_INDEXES | {"ix_return_authorization_words"}) & _index_names(
            store, "return_authorization"
        )
        assert "ix_audit_event_entity_key" not in _index_names(store, "audit_event")
        migrate(store.engine, command.upgrade, "head")
        assert current_revision(store.engine) == head_revision()
        assert BROWSE_INDEXES <= _index_names(store, "return_authorization")
    finally:
        store.dispose()
        if dialect == "postgresql":
            drop_pg_database(url)


def test_the_planner_uses_the_indexes(store: Store, bench: BenchService) -> None:
    """Sorting on a column reads its index in order instead of sorting the table."""
    browse = BrowseService(store, BOSS)
    statements: list[str] = []
    from sqlalchemy import event

    def remember(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(store.engine, "before_cursor_execute", remember)
    try:
        browse.page(BrowseFilter(), "item", False, 0, 10)
        browse.page(BrowseFilter(), "rma", True, 0, 10)
    finally:
        event.remove(store.engine, "before_cursor_execute", remember)
    joined = "\n".join(statements)
    # The sort expressions read exactly as the index expressions of migration 0003.
    assert "substr(return_authorization.item_name, 1, 400)" in joined
    assert "coalesce(return_authorization.rma_id, return_authorization.merchant_rma_id)" in joined
    if store.dialect == "postgresql":
        with store.engine.connect() as conn:
            conn.exec_driver_sql("SET enable_seqscan = off")  # a few rows: the table would win otherwise
            with store.read() as session:
                words = select(Authorization.id).where(words_condition(session, ("zzzqqq",)))
                sql = str(words.compile(store.engine, compile_kwargs={"literal_binds": True}))
            plan = conn.exec_driver_sql("EXPLAIN " + sql).all()
            assert "ix_return_authorization_words" in str(plan)
    if store.dialect == "sqlite":
        with store.engine.connect() as conn:
            plan = conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN SELECT id FROM return_authorization "
                "ORDER BY substr(return_authorization.item_name, 1, 400), id LIMIT 10"
            ).all()
            assert "ix_return_authorization_item_search" in str(plan)
            plan = conn.exec_driver_sql(
                "EXPLAIN QUERY PLAN SELECT id FROM return_authorization "
                "ORDER BY coalesce(rma_id, merchant_rma_id) DESC, id DESC LIMIT 10"
            ).all()
            assert "ix_return_authorization_display_id" in str(plan)


def test_identifier_search_reads_indexes_even_with_sqlite_statistics(
    sqlite_store: Store, tmp_path: Path
) -> None:
    """Once ANALYZE has statistics, SQLite plans an OR over the four identifier columns as a scan of
    the whole table; each column must be looked up through its own index."""
    report = tmp_path / "mfn.txt"
    write_mfn_report(report, 300)
    import_report(sqlite_store, report, actor="office")
    with sqlite_store.unit_of_work() as session:
        session.execute(text("ANALYZE"))
    with sqlite_store.read() as session:
        statement = identifier_statement("D1234567RRMA").compile(
            session.get_bind(), compile_kwargs={"literal_binds": True}
        )
        plan = session.execute(text(f"EXPLAIN QUERY PLAN {statement}")).all()
        found = BrowseService.identifier_matches(session, "nothing-like-it")
    details = [row[-1] for row in plan]
    assert not [step for step in details if step.startswith("SCAN")], details
    assert found == []


def test_closing_a_sqlite_database_gathers_the_statistics_its_queries_need(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'bench.db'}")
    report = tmp_path / "mfn.txt"
    write_mfn_report(report, 300)
    import_report(store, report, actor="office")
    with store.read() as session:
        BrowseService.identifier_matches(session, "D1234567RRMA")
    store.dispose()
    with sqlite3.connect(tmp_path / "bench.db") as raw:
        assert raw.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone() == (
            1,
        )


def test_a_count_can_stop_past_a_limit(store: Store) -> None:
    for n in range(5):
        add(store, f"RMA-LIMIT-{n}")
    service = BrowseService(store, BOSS)
    awaiting = BrowseFilter(status="awaiting")
    assert service.count(awaiting) == 5
    assert service.count(awaiting, at_most=3) == 4  # more than 3
    assert service.count(awaiting, at_most=5) == 5
    assert service.count(BrowseFilter(text="RMA-LIMIT-2"), at_most=3) == 1
