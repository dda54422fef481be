"""Finding any return authorization: filtered, sorted and paged in the database, and one in detail."""

from __future__ import annotations

import json
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Select,
    and_,
    bindparam,
    column,
    func,
    literal_column,
    or_,
    select,
    table,
    union,
)
from sqlalchemy.orm import Session, selectinload

from rmadesk.domain.errors import UserError
from rmadesk.domain.model import (
    AuthorizationKind,
    AuthorizationSource,
    AuthorizationView,
    Disposition,
    ItemView,
    OutcomeView,
)
from rmadesk.domain.people import Actor, Permission
from rmadesk.domain.scan import fold_code
from rmadesk.formats.amazon.registry import ReportKind
from rmadesk.services.access import authorize
from rmadesk.services.views import authorization_view, current_outcome, item_view, outcome_view
from rmadesk.store.auth_status import AWAITING, DONE, IN_INSPECTION, STATUSES
from rmadesk.store.models import AuditEvent, Authorization, ImportBatch, ScanCode, Unit
from rmadesk.store.uow import Store
from rmadesk.text.formatting import money
from rmadesk.text.i18n import N_, _, ngettext

STATUS_LABELS = {AWAITING: N_("Awaiting"), IN_INSPECTION: N_("In inspection"), DONE: N_("Done")}
KINDS: tuple[str, ...] = tuple(kind.value for kind in AuthorizationKind)

PAGE_SIZE = 200
# An identifier names a handful of authorizations; more than this is not a look-up any more.
MAX_IDENTIFIER_MATCHES = 1000
# Words more common than this are matched by each page query instead of by a list of ids.
MAX_WORD_MATCHES = 5000
MAX_REMEMBERED_SEARCHES = 64
# Sorting and word search use the item's first characters, as its index does (see migration 0003):
# an item name has no length limit, and PostgreSQL refuses a b-tree entry over about 2.7 kB.
ITEM_PREFIX = 400

COLUMNS: tuple[tuple[str, str], ...] = (
    ("rma", N_("RMA / Merchant RMA")),
    ("order", N_("Order")),
    ("sku", N_("SKU")),
    ("item", N_("Item")),
    ("quantity", N_("Qty")),
    ("decided", N_("Decided")),
    ("status", N_("Status")),
    ("reason", N_("Reason")),
    ("requested", N_("Requested")),
    ("kind", N_("Kind")),
)


@dataclass(frozen=True)
class BrowseFilter:
    """What the person is looking for; every part left empty matches everything.

    Attributes:
        text: an identifier (RMA ID, Merchant RMA ID, order ID, tracking ID, LPN) in any letter case,
            or words found in the item name or SKU.
        status: "awaiting", "in_inspection" or "done".
        kind: RMA, RA, RGA or RETURNLESS.
        date_from / date_to: the return request date, both days included.
    """

    text: str = ""
    status: str | None = None  # "awaiting", "in_inspection", "done"
    kind: str | None = None  # RMA/RA/RGA/RETURNLESS
    date_from: date | None = None
    date_to: date | None = None  # on request_date

    def __post_init__(self) -> None:
        if self.status is not None and self.status not in STATUSES:
            raise ValueError(f"unknown status {self.status!r}; expected one of {', '.join(STATUSES)}")
        if self.kind is not None and self.kind not in KINDS:
            raise ValueError(f"unknown kind {self.kind!r}; expected one of {', '.join(KINDS)}")

    @property
    def is_empty(self) -> bool:
        return not self.text.strip() and self.status is self.kind is self.date_from is self.date_to is None


@dataclass(frozen=True)
class BrowseRow:
    """One line of the authorizations table.

    Attributes:
        decided: units whose current attempt has an outcome.
        status: "awaiting", "in_inspection" or "done", derived from the units in the database.
    """

    auth_id: int
    kind: str
    rma_id: str | None
    merchant_rma_id: str | None
    order_id: str
    sku: str
    item_name: str
    quantity: int
    decided: int
    status: str
    reason: str | None
    request_date: date | None
    updated_at: datetime

    @property
    def display_id(self) -> str:
        return self.rma_id or self.merchant_rma_id or f"{self.order_id} / {self.sku}"


@dataclass(frozen=True)
class UnitDetail:
    """One unit of an authorization as the browser shows it.

    Attributes:
        outcome: the outcome of the unit's current attempt, or None while undecided.
        reversed_outcomes: earlier outcomes that were reversed.
        marketplace_disposition / marketplace_reason: what the marketplace's own inspection said.
    """

    unit_id: int
    seq: int
    lpn: str | None
    outcome: OutcomeView | None
    reversed_outcomes: int = 0
    marketplace_disposition: str | None = None
    marketplace_reason: str | None = None
    item: ItemView | None = None  # of a return's second or later item


@dataclass(frozen=True)
class HistoryEntry:
    """One thing that happened to an authorization.

    Attributes:
        at: when, aware UTC.
        action: the audit action ("decide", "import", "issue", ...) or "arrive" for the first scan.
        summary: a sentence for a person.
        unit_seq: the unit it concerns, if one.
    """

    at: datetime
    action: str
    summary: str
    actor: str | None = None
    bench: str | None = None
    unit_seq: int | None = None


@dataclass(frozen=True)
class AuthorizationDetail:
    """Everything the browser shows about one authorization.

    Attributes:
        authorization: the card fields, as the bench shows them.
        units: every unit with its current outcome.
        history: audit events and the import or issue, oldest first.
        refunded_amount ... safet_amount: the seller-fulfilled report's refund, return label and claims.
    """

    authorization: AuthorizationView
    status: str
    decided: int
    source: str
    order_date: date | None
    tracking_id: str | None
    carrier: str | None
    marketplace: str | None
    issued_by: str | None
    imported_at: datetime
    updated_at: datetime
    arrived_at: datetime | None
    units: tuple[UnitDetail, ...]
    history: tuple[HistoryEntry, ...]
    refunded_amount: Decimal | None = None
    return_delivery_date: date | None = None
    label_cost: Decimal | None = None
    label_paid_by: str | None = None
    a_to_z_claim: bool | None = None
    safet_claim_id: str | None = None
    safet_claim_state: str | None = None
    safet_amount: Decimal | None = None


# ----- SQL for the stored status and the search -------------------------------------------------------

# What a word search looks in (migration 0016 indexes exactly these, in this order, on both databases).
SEARCHED = ("rma_id", "merchant_rma_id", "order_id", "tracking_id", "sku", "item_name", "customer_comment")
FTS_TABLE = "return_authorization_text"
# The trigram index finds substrings of 3 characters or more; a shorter word is checked on the rows
# the longer ones found.
FTS_SHORTEST = 3
# How far along the sort order a page of a common word is first looked for (see BrowseService._walk):
# a few milliseconds of SQLite's time.
WALKED_ROWS = 20_000


def _status_condition(status: str) -> ColumnElement[bool]:
    """The stored status (rmadesk.store.auth_status keeps it), read through its index."""
    return Authorization.status == STATUSES.index(status)


def _item_expression() -> ColumnElement[str]:
    """The item's first ITEM_PREFIX characters, in literals as in its index (a parameter would not match)."""
    return func.substr(Authorization.item_name, literal_column("1"), literal_column(str(ITEM_PREFIX)))


def searched_text() -> ColumnElement[str]:
    """PostgreSQL: the searched columns joined by spaces, exactly as migration 0016's trigram index
    reads them (constants as literals: a parameter would not match the index expression)."""
    a = Authorization
    parts: list[ColumnElement[str]] = []
    for name in SEARCHED:
        if parts:
            parts.append(literal_column("' '"))
        parts.append(func.coalesce(getattr(a, name), literal_column("''")))
    joined = parts[0]
    for part in parts[1:]:
        joined = joined.op("||")(part)
    return joined


_FTS_PRESENT: weakref.WeakKeyDictionary[Any, bool] = weakref.WeakKeyDictionary()


def has_text_index(session: Session) -> bool:
    """SQLite: whether the database has the FTS5 trigram table of migration 0016 (SQLite without
    FTS5 goes without it, and the search reads the table)."""
    bind = session.get_bind()
    if bind.dialect.name != "sqlite":
        return False
    engine = getattr(bind, "engine", bind)
    known = _FTS_PRESENT.get(engine)
    if known is None:
        known = bool(
            session.scalar(
                select(literal_column("1"))
                .select_from(table("sqlite_master"))
                .where(literal_column("name") == FTS_TABLE)
            )
        )
        _FTS_PRESENT[engine] = known
    return known


def fts_query(words: tuple[str, ...]) -> str:
    """An FTS5 query finding every word as a substring: each a quoted string, all of them required."""
    return " ".join('"' + w.replace('"', '""') + '"' for w in words)


def _any_column_contains(word: str, *, fold: bool) -> ColumnElement[bool]:
    a = Authorization
    columns = [getattr(a, name) for name in SEARCHED]
    if fold:
        return or_(*(c.icontains(word, autoescape=True) for c in columns))
    # SQLite's LIKE ignores the case of ASCII letters already.
    return or_(*(c.contains(word, autoescape=True) for c in columns))


def fts_matches(words: tuple[str, ...]) -> Select[Any]:
    """SQLite: the ids of the authorizations holding every word of 3 characters or more, from the
    trigram table."""
    long = tuple(w for w in words if len(w) >= FTS_SHORTEST)
    fts = table(FTS_TABLE, column("rowid"))
    return select(fts.c.rowid).where(
        literal_column(FTS_TABLE).op("MATCH")(bindparam("fts_query", fts_query(long)))
    )


def words_condition(session: Session, words: tuple[str, ...]) -> ColumnElement[bool]:
    """Every word in one of the SEARCHED columns (identifiers, SKU, item, the buyer's comment), in any
    letter case: through the trigram index on both databases where it exists."""
    if session.get_bind().dialect.name != "sqlite":
        text = searched_text()
        return and_(*(text.icontains(w, autoescape=True) for w in words))
    short = [w for w in words if len(w) < FTS_SHORTEST]
    if has_text_index(session) and len(short) < len(words):
        return and_(
            Authorization.id.in_(fts_matches(words)),
            *(_any_column_contains(w, fold=False) for w in short),
        )
    return and_(*(_any_column_contains(w, fold=False) for w in words))


@dataclass(frozen=True)
class _Sort:
    expression: ColumnElement[Any]
    nullable: bool
    value_of: Callable[[BrowseRow], Any]


def identifier_statement(text: str) -> CompoundSelect:
    """The ids of the authorizations text names: a scan code in any letter case, an RMA, merchant RMA,
    order or tracking ID, or a unit's license plate, at most MAX_IDENTIFIER_MATCHES of them."""
    a = Authorization
    # One indexed look-up per column: an OR of the four columns is planned by SQLite, once ANALYZE
    # has statistics, as a scan of the whole table (20 ms at 100,000 rows against 0.02 ms).
    columns = (a.rma_id, a.merchant_rma_id, a.order_id, a.tracking_id)
    return union(
        select(ScanCode.authorization_id).where(ScanCode.code_folded == fold_code(text)),
        *(select(a.id).where(column == text) for column in columns),
        select(Unit.authorization_id).where(Unit.lpn == text),
    ).limit(MAX_IDENTIFIER_MATCHES)


def _sorts() -> dict[str, _Sort]:
    a = Authorization
    # The expressions are written exactly as their indexes in migration 0003, or no planner uses them.
    return {
        "rma": _Sort(
            func.coalesce(a.rma_id, a.merchant_rma_id),
            True,
            lambda r: r.rma_id if r.rma_id is not None else r.merchant_rma_id,
        ),
        "order": _Sort(a.order_id, False, lambda r: r.order_id),
        "sku": _Sort(a.sku, False, lambda r: r.sku),
        "item": _Sort(_item_expression(), False, lambda r: r.item_name[:ITEM_PREFIX]),
        "quantity": _Sort(a.quantity, False, lambda r: r.quantity),
        "decided": _Sort(a.decided_units, False, lambda r: r.decided),
        "status": _Sort(a.status, False, lambda r: STATUSES.index(r.status)),
        "reason": _Sort(a.reason, True, lambda r: r.reason),
        "requested": _Sort(a.request_date, True, lambda r: r.request_date),
        "kind": _Sort(a.kind, False, lambda r: r.kind),
        "updated": _Sort(a.updated_at, False, lambda r: r.updated_at),
    }


SORT_KEYS: tuple[str, ...] = tuple(_sorts())


def sort_value(row: BrowseRow, sort_key: str) -> Any:
    """The value the database sorts the row on for this key (None sorts as the database puts NULL)."""
    return _sorts()[sort_key].value_of(row)


def _row_query() -> Select[Any]:
    a = Authorization
    return select(
        a.id,
        a.kind,
        a.rma_id,
        a.merchant_rma_id,
        a.order_id,
        a.sku,
        a.item_name,
        a.quantity,
        a.decided_units.label("decided"),
        a.status.label("status_rank"),
        a.reason,
        a.request_date,
        a.updated_at,
    )


def _to_row(r: Any) -> BrowseRow:
    return BrowseRow(
        auth_id=r.id,
        kind=r.kind,
        rma_id=r.rma_id,
        merchant_rma_id=r.merchant_rma_id,
        order_id=r.order_id,
        sku=r.sku,
        item_name=r.item_name,
        quantity=r.quantity,
        decided=r.decided,
        status=STATUSES[r.status_rank],
        reason=r.reason,
        request_date=r.request_date,
        updated_at=r.updated_at,
    )


@dataclass(frozen=True)
class TextMatch:
    """What a search text resolved to: the ids it names, or words too common to list the ids of."""

    ids: tuple[int, ...] | None
    words: tuple[str, ...] = ()


class BrowseService:
    """Counts, pages and details of authorizations, every filter and sort done by the database.

    A search text is resolved once and remembered for ``search_ttl_s`` seconds, so the first page,
    the count and the pages after them do not each read the table again for the same words.

    Every read checks the actor against the database (any signed-in role may browse).

    Attributes:
        store: the database.
        actor: who browses.
        search_ttl_s: how long a resolved search text is reused (0: never).
    """

    def __init__(self, store: Store, actor: Actor, *, search_ttl_s: float = 15.0) -> None:
        self.store = store
        self.actor = actor
        self.search_ttl_s = search_ttl_s
        self._searches: dict[str, tuple[float, TextMatch]] = {}
        self._searches_lock = threading.Lock()

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with self.store.read() as session:
            authorize(session, self.actor, Permission.INSPECT)
            yield session

    def forget_searches(self) -> None:
        """Resolve every search text again (after new data, or when the person asks to refresh)."""
        with self._searches_lock:
            self._searches.clear()

    # ----- the list ---------------------------------------------------------------------------------
    def count(self, f: BrowseFilter, at_most: int | None = None) -> int:
        """How many authorizations the filter matches; given at_most, counting stops past it (the
        result is then at_most + 1: "more than at_most"), so that a filter matching most of a million
        authorizations is told in milliseconds rather than counted for a second."""
        with self._read() as session:
            conditions, match = self._conditions(session, f)
            only_words = match is not None and match.ids is None and len(conditions) == 1
            if only_words and has_text_index(session) and all(len(w) >= FTS_SHORTEST for w in match.words):
                ids = fts_matches(match.words)  # common words: counted in the trigram table alone
            elif at_most is None:
                return int(
                    session.scalar(select(func.count()).select_from(Authorization).where(*conditions)) or 0
                )
            else:
                ids = select(Authorization.id).where(*conditions)
            if at_most is not None:
                ids = ids.limit(at_most + 1)
            return int(session.scalar(select(func.count()).select_from(ids.subquery())) or 0)

    def page(
        self,
        f: BrowseFilter,
        sort_key: str,
        descending: bool,
        offset: int = 0,
        limit: int = PAGE_SIZE,
        *,
        after: BrowseRow | None = None,
    ) -> list[BrowseRow]:
        """Rows sorted on the key, the id breaking ties, so pages never overlap nor skip a row.

        With ``after`` (the last row the caller holds) the page starts just after it and costs the
        same deep in the list as at its top; ``offset`` then counts from there.
        """
        sort = self._sort(sort_key)
        if offset < 0 or limit < 0:
            raise ValueError("offset and limit cannot be negative")
        with self._read() as session:
            conditions, match = self._conditions(session, f)
            if after is None:
                return self._fetch(session, conditions, sort, descending, offset, limit, match)
            rows = self._after(session, conditions, sort, descending, after, offset + limit, match)
            return rows[offset:]

    @staticmethod
    def _sort(sort_key: str) -> _Sort:
        sorts = _sorts()
        if sort_key not in sorts:
            raise ValueError(f"unknown sort key {sort_key!r}; expected one of {', '.join(sorts)}")
        return sorts[sort_key]

    @staticmethod
    def _order(sort: _Sort, descending: bool) -> list[ColumnElement[Any]]:
        if descending:
            return [sort.expression.desc(), Authorization.id.desc()]
        return [sort.expression.asc(), Authorization.id.asc()]

    def _fetch(
        self,
        session: Session,
        conditions: list[ColumnElement[bool]],
        sort: _Sort,
        descending: bool,
        offset: int,
        limit: int,
        match: TextMatch | None = None,
    ) -> list[BrowseRow]:
        # The page's ids first, then its columns: the decided count is worked out for the rows of
        # the page only, not for every row the database sorts to find them.
        order = self._order(sort, descending)
        if match is not None and self._walks_first(session, match, limit):
            walked = self._walk(session, conditions[1:], match.words, sort, descending, offset, limit)
            if len(walked) == limit:
                return walked
        ids = (
            select(Authorization.id.label("page_id"))
            .where(*conditions)
            .order_by(*order)
            .offset(offset)
            .limit(limit)
            .subquery("page_ids")
        )
        stmt = _row_query().join(ids, ids.c.page_id == Authorization.id).order_by(*order)
        return [_to_row(r) for r in session.execute(stmt)]

    @staticmethod
    def _walks_first(session: Session, match: TextMatch, limit: int) -> bool:
        """Whether a page is first looked for by walking the sort order (see _walk): for words too
        common to be listed as ids, matched through SQLite's trigram table."""
        return (
            limit > 0
            and match.ids is None
            and session.get_bind().dialect.name == "sqlite"
            and has_text_index(session)
            and all(len(w) >= FTS_SHORTEST for w in match.words)
        )

    def _walk(
        self,
        session: Session,
        others: list[ColumnElement[bool]],
        words: tuple[str, ...],
        sort: _Sort,
        descending: bool,
        offset: int,
        limit: int,
    ) -> list[BrowseRow]:
        """The page among the first WALKED_ROWS rows in the sort order meeting the ``others``
        conditions that the trigram table matches for every word; fewer rows than ``limit`` when
        they hold too few matches.

        A word in thousands of authorizations is usually met early in any order (a word in 68,000 of
        a million: a page in 36 ms), where looking up every match by its key to sort them all takes
        about 120 ms. A short page says only that the walk ended: the caller then asks the other way,
        which is right when the matches cluster late in the order (e.g. one product's SKUs)."""
        order = self._order(sort, descending)
        key = sort.expression.label("walk_key")
        walked = (
            select(Authorization.id.label("walk_id"), key)
            .where(*others)
            .order_by(*order)
            .limit(WALKED_ROWS)
            .subquery("walked")
        )
        walk_order = [walked.c.walk_key, walked.c.walk_id]
        if descending:
            walk_order = [c.desc() for c in walk_order]
        ids = (
            select(walked.c.walk_id.label("page_id"))
            .where(walked.c.walk_id.in_(fts_matches(words)))
            .order_by(*walk_order)
            .offset(offset)
            .limit(limit)
            .subquery("page_ids")
        )
        stmt = _row_query().join(ids, ids.c.page_id == Authorization.id).order_by(*order)
        return [_to_row(r) for r in session.execute(stmt)]

    def _after(
        self,
        session: Session,
        conditions: list[ColumnElement[bool]],
        sort: _Sort,
        descending: bool,
        after: BrowseRow,
        limit: int,
        match: TextMatch | None = None,
    ) -> list[BrowseRow]:
        """Keyset paging: rows after (value, id), in the order the database sorts them.

        A nullable column is read in two ranges, its NULLs and its values, each of which an index on
        (column, id) serves in order; one query with an OR between them would make the planner sort.
        """
        e, value, last_id = sort.expression, sort.value_of(after), after.auth_id
        past_id = Authorization.id < last_id if descending else Authorization.id > last_id
        past_value: ColumnElement[bool] | None = None
        if value is not None:
            if descending:
                past_value = and_(e <= value, or_(e < value, past_id))
            else:
                past_value = and_(e >= value, or_(e > value, past_id))
        if not sort.nullable:
            assert past_value is not None
            return self._fetch(session, [*conditions, past_value], sort, descending, 0, limit, match)
        # SQLite sorts NULL below every value, PostgreSQL above; each database pages in its own order.
        nulls_low = session.get_bind().dialect.name == "sqlite"
        nulls_first = nulls_low != descending
        ranges = [("null", e.is_(None)), ("value", e.is_not(None))]
        if not nulls_first:
            ranges.reverse()
        start = 0 if (value is None) == (ranges[0][0] == "null") else 1
        rows: list[BrowseRow] = []
        for n, (name, in_range) in enumerate(ranges[start:]):
            where = [*conditions, in_range]
            if n == 0:
                cursor = past_id if name == "null" else past_value
                assert cursor is not None
                where.append(cursor)
            rows.extend(self._fetch(session, where, sort, descending, 0, limit - len(rows), match))
            if len(rows) >= limit:
                break
        return rows

    def _conditions(
        self, session: Session, f: BrowseFilter
    ) -> tuple[list[ColumnElement[bool]], TextMatch | None]:
        """The WHERE terms of the filter, the text's first, and what its text resolved to (None
        without a text)."""
        a = Authorization
        conditions: list[ColumnElement[bool]] = []
        match: TextMatch | None = None
        text = f.text.strip()
        if text:
            match = self._text_match(session, text)
            if match.ids is not None:
                ids = bindparam("text_ids", list(match.ids), expanding=True, literal_execute=True)
                conditions.append(a.id.in_(ids))
            else:
                conditions.append(words_condition(session, match.words))
        if f.status is not None:
            conditions.append(_status_condition(f.status))
        if f.kind is not None:
            conditions.append(a.kind == f.kind)
        if f.date_from is not None:
            conditions.append(a.request_date >= f.date_from)
        if f.date_to is not None:
            conditions.append(a.request_date <= f.date_to)
        return conditions, match

    def _text_match(self, session: Session, text: str) -> TextMatch:
        now = time.monotonic()
        with self._searches_lock:
            known = self._searches.get(text)
        if known is not None and now - known[0] < self.search_ttl_s:
            return known[1]
        match = self.resolve_text(session, text)
        if self.search_ttl_s > 0:
            with self._searches_lock:
                if len(self._searches) >= MAX_REMEMBERED_SEARCHES:
                    self._searches.clear()
                self._searches[text] = (now, match)
        return match

    @staticmethod
    def resolve_text(session: Session, text: str) -> TextMatch:
        """An identifier that names authorizations wins; otherwise every word must be in one of the
        SEARCHED columns.

        Identifiers are found through indexes (scan_code.code_folded and the identifier columns),
        words through the trigram index of migration 0016 (FTS5 on SQLite, pg_trgm on PostgreSQL):
        at most MAX_WORD_MATCHES ids; words more common than that are matched by the page query
        itself, which then finds a page's worth quickly.
        """
        ids = BrowseService.identifier_matches(session, text)
        if ids:
            return TextMatch(tuple(ids))
        words = tuple(text.split())
        if has_text_index(session) and all(len(w) >= FTS_SHORTEST for w in words):
            scan = fts_matches(words)  # the trigram table alone, without the table's rows
        else:
            scan = select(Authorization.id).where(words_condition(session, words))
        found = session.scalars(scan.limit(MAX_WORD_MATCHES + 1)).all()
        return TextMatch(tuple(found) if len(found) <= MAX_WORD_MATCHES else None, words)

    @staticmethod
    def identifier_matches(session: Session, text: str) -> list[int]:
        """Ids of the authorizations an identifier names, exactly or in another letter case."""
        return list(session.scalars(identifier_statement(text)))

    # ----- one authorization ------------------------------------------------------------------------
    def detail(self, auth_id: int) -> AuthorizationDetail:
        """The authorization's fields, each unit with its current outcome, and its history."""
        with self._read() as session:
            auth = session.execute(
                select(Authorization)
                .where(Authorization.id == auth_id)
                .options(selectinload(Authorization.units).selectinload(Unit.outcomes))
            ).scalar_one_or_none()
            if auth is None:
                raise UserError(_("This authorization is no longer in the database. Search again."))
            rank, decided_count = auth.status, auth.decided_units
            units = tuple(
                UnitDetail(
                    unit_id=u.id,
                    seq=u.seq,
                    lpn=u.lpn,
                    outcome=outcome_view(o) if (o := current_outcome(u)) is not None else None,
                    reversed_outcomes=sum(1 for x in u.outcomes if x.attempt < u.attempt),
                    marketplace_disposition=u.marketplace_disposition,
                    marketplace_reason=u.marketplace_reason,
                    item=item_view(u),
                )
                for u in auth.units
            )
            return AuthorizationDetail(
                authorization=authorization_view(auth),
                status=STATUSES[rank],
                decided=int(decided_count),
                source=auth.source,
                order_date=auth.order_date,
                tracking_id=auth.tracking_id,
                carrier=auth.carrier,
                marketplace=auth.marketplace,
                issued_by=auth.issued_by,
                imported_at=auth.imported_at,
                updated_at=auth.updated_at,
                arrived_at=auth.arrived_at,
                units=units,
                history=tuple(self._history(session, auth)),
                refunded_amount=auth.refunded_amount,
                return_delivery_date=auth.return_delivery_date,
                label_cost=auth.label_cost,
                label_paid_by=auth.label_paid_by,
                a_to_z_claim=auth.a_to_z_claim,
                safet_claim_id=auth.safet_claim_id,
                safet_claim_state=auth.safet_claim_state,
                safet_amount=auth.safet_amount,
            )

    def _history(self, session: Session, auth: Authorization) -> list[HistoryEntry]:
        entries = [self._origin(session, auth)]
        if auth.arrived_at is not None:
            entries.append(HistoryEntry(auth.arrived_at, "arrive", _("First scanned at a bench.")))
        # Decisions are keyed "<auth_key>#<seq>": an exact list of keys is what an index can serve
        # on both databases (a LIKE prefix is not, under PostgreSQL's usual collations).
        seqs = {u.seq for u in auth.units} | set(range(1, auth.quantity + 1))
        keys = [auth.auth_key, *(f"{auth.auth_key}#{seq}" for seq in sorted(seqs))]
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.entity_key.in_(keys)).order_by(AuditEvent.at, AuditEvent.id)
        )
        entries.extend(_history_entry(event, auth.auth_key) for event in events)
        entries.sort(key=lambda e: e.at)  # stable: the origin stays first among equal times
        return entries

    @staticmethod
    def _origin(session: Session, auth: Authorization) -> HistoryEntry:
        source = auth.source
        if source == AuthorizationSource.SELLER_ISSUED.value:
            text = (
                _("Merchant RMA issued by {name}.").format(name=auth.issued_by)
                if auth.issued_by
                else _("Merchant RMA issued.")
            )
            return HistoryEntry(auth.imported_at, "issue", text, actor=auth.issued_by)
        if source == AuthorizationSource.DEMO.value:
            return HistoryEntry(auth.imported_at, "import", _("Created as demo data."))
        if source == AuthorizationSource.MFN_REPORT.value:
            # The batch row is written at the end of the import's transaction, after its authorizations.
            batch = session.scalar(
                select(ImportBatch)
                .where(
                    ImportBatch.report_kind == ReportKind.MFN_RETURNS.value,
                    ImportBatch.imported_at >= auth.imported_at,
                    ImportBatch.imported_at <= auth.imported_at + timedelta(hours=1),
                )
                .order_by(ImportBatch.imported_at)
                .limit(1)
            )
            if batch is not None:
                return HistoryEntry(
                    auth.imported_at,
                    "import",
                    _("Imported from the seller-fulfilled returns report {file}.").format(
                        file=batch.file_name
                    ),
                    actor=batch.actor,
                    bench=batch.bench,
                )
            return HistoryEntry(
                auth.imported_at, "import", _("Imported from the seller-fulfilled returns report.")
            )
        if source == AuthorizationSource.FBA_REPORT.value:
            return HistoryEntry(
                auth.imported_at, "import", _("Imported from the FBA customer returns report.")
            )
        return HistoryEntry(auth.imported_at, "import", _("Added ({source}).").format(source=source))


_DONE_VERBS = {
    "issue": N_("issued"),
    "import": N_("imported"),
    "reverse": N_("reversed"),
    "claim": N_("claimed"),
}


def _history_entry(event: AuditEvent, auth_key: str) -> HistoryEntry:
    seq: int | None = None
    if event.entity_key.startswith(auth_key + "#"):
        tail = event.entity_key[len(auth_key) + 1 :]
        seq = int(tail) if tail.isdigit() else None
    after = _json(event.after)
    if event.action == "decide" and seq is not None:
        summary = _decision_summary(seq, after)
    else:
        subject = _("Unit {seq}").format(seq=seq) if seq is not None else event.entity.capitalize()
        verb = _(_DONE_VERBS[event.action]) if event.action in _DONE_VERBS else event.action
        if after.get("reason"):
            summary = _("{subject} {verb}: {reason}.").format(
                subject=subject, verb=verb, reason=after["reason"]
            )
        else:
            summary = _("{subject} {verb}.").format(subject=subject, verb=verb)
    return HistoryEntry(event.at, event.action, summary, event.actor, event.bench, seq)


def _decision_summary(seq: int, after: dict[str, Any]) -> str:
    disposition = _disposition_label(after.get("disposition"))
    text = _("Unit {seq} decided {disposition}").format(seq=seq, disposition=disposition)
    if after.get("location"):
        text += f" → {after['location']}"
    amount = after.get("reimbursement")
    if amount is not None:
        try:
            text += _(", reimbursement {amount}").format(
                amount=money(Decimal(str(amount)), after.get("currency") or "")
            )
        except InvalidOperation:
            pass
    recommended = after.get("recommended")
    if recommended and recommended != after.get("disposition"):
        text += _("; overrides the recommended {disposition}").format(
            disposition=_disposition_label(recommended)
        )
        if after.get("override_reason"):
            text += f" ({after['override_reason']})"
    photos = after.get("photos")
    if isinstance(photos, list) and photos:
        text += ngettext("; {count} photo", "; {count} photos", len(photos)).format(count=len(photos))
    return text + "."


def _disposition_label(value: Any) -> str:
    try:
        return Disposition(value).label
    except ValueError:
        return str(value)


def _json(text: str | None) -> dict[str, Any]:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
