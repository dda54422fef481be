"""The authorizations a filter matches, as a table model read page by page on the worker."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from rmadesk.domain.model import AuthorizationKind
from rmadesk.services.browse import (
    AWAITING,
    COLUMNS,
    DONE,
    IN_INSPECTION,
    PAGE_SIZE,
    STATUS_LABELS,
    BrowseFilter,
    BrowseRow,
    BrowseService,
)
from rmadesk.text.i18n import N_, _
from rmadesk.text.reasons import describe_reason
from rmadesk.ui.common.failures import show_failure
from rmadesk.ui.common.runner import Runner
from rmadesk.ui.common.style import INFO, OK, WARN

# A filter's matches are counted up to this many; past it the count says "more than 10,000".
COUNTED_AT_MOST = 10_000
# The list holds at most this many rows (about 20 MB): past them the person narrows the filter or turns
# the sort round, rather than an open browser scrolled through a million returns holding them all.
MAX_ROWS_HELD = 20_000

STATUS_COLOURS = {AWAITING: INFO, IN_INSPECTION: WARN, DONE: OK}
KIND_LABELS = {
    AuthorizationKind.RMA.value: N_("RMA"),
    AuthorizationKind.RA.value: N_("RA"),
    AuthorizationKind.RGA.value: N_("RGA"),
    AuthorizationKind.RETURNLESS.value: N_("Returnless"),
}
COLUMN_TIPS = {
    "rma": N_("The marketplace's RMA ID, else the seller's Merchant RMA ID"),
    "quantity": N_("Units authorized"),
    "decided": N_("Units with a recorded outcome"),
    "status": N_("Awaiting: none decided · In inspection: some decided · Done: every unit decided"),
    "requested": N_("Return request date"),
}
NUMERIC = {"quantity", "decided"}
SEARCH_FAILED = N_("The search failed unexpectedly ({error}). Press F5 to try again.")


def date_text(day: date | None) -> str:
    return day.strftime("%d %b %Y") if day else "—"


def kind_text(kind: str) -> str:
    """An authorization kind as shown ("RMA", "Returnless"); an unknown one as it is stored."""
    return _(KIND_LABELS[kind]) if kind in KIND_LABELS else kind


class _Latest:
    """The newest query's number, shared with the worker so a job already overtaken skips its query.

    A plain object, not a Qt one: the worker thread only reads an int from it.
    """

    def __init__(self) -> None:
        self.value = 0


class AuthorizationsModel(QAbstractTableModel):
    """The authorizations a filter matches, in the database's order, fetched a page at a time.

    Pages are read on the Runner's worker thread and inserted on the GUI thread; a result that
    arrives after a newer query was started is dropped (its generation is old).

    Attributes:
        filter: the filter in force.
        sort_key / descending: the order, done by the database (a key of COLUMNS).
        total: authorizations the filter matches, or None until counted.
        everything: authorizations in the database, or None until counted.
        error: what went wrong with the query in force, or None.
        generation: the number of the query in force.

    Signals:
        counted(): total and everything are known.
        page_loaded(int): a page of this many rows was added.
        loading_changed(bool): a page is being read (True) or not (False).
        load_failed(str): a query failed; the message for the person.
    """

    AUTH_ID_ROLE = Qt.ItemDataRole.UserRole + 1

    counted = Signal()
    page_loaded = Signal(int)
    loading_changed = Signal(bool)
    load_failed = Signal(str)

    def __init__(
        self,
        service: BrowseService,
        runner: Runner,
        parent: QObject | None = None,
        *,
        page_size: int = PAGE_SIZE,
        sort_key: str = "requested",
        descending: bool = True,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.runner = runner
        self.page_size = page_size
        self.filter = BrowseFilter()
        self.sort_key = sort_key
        self.descending = descending
        self.total: int | None = None
        self.everything: int | None = None
        self.error: str | None = None
        self.generation = 0
        self._latest = _Latest()
        self._rows: list[BrowseRow] = []
        self._ids: set[int] = set()
        self._cursor: BrowseRow | None = None  # the last row the database sent: the next page follows it
        self._fetching = False
        self._exhausted = True  # nothing to fetch until the first query starts
        self.capped = False  # the list stopped at MAX_ROWS_HELD rows, more matching

    # ----- queries ------------------------------------------------------------------------------------
    def set_filter(self, f: BrowseFilter, *, force: bool = False) -> None:
        """Show what the filter matches (a new query unless it is the one in force)."""
        if f == self.filter and not force and self.generation:
            return
        self.filter = f
        self.refresh()

    def refresh(self) -> None:
        """Forget every row and read the first page and the counts again."""
        self.generation += 1
        self._latest.value = self.generation
        self.beginResetModel()
        self._rows = []
        self._ids = set()
        self._cursor = None
        self._exhausted = False
        self.capped = False
        self._set_fetching(False)
        self.total = None
        self.error = None
        self.endResetModel()
        self._fetch()
        self._count()

    def abandon(self) -> None:
        """Ignore every result still on its way and stop asking for more (the view is going away)."""
        self.generation += 1
        self._latest.value = self.generation
        self._set_fetching(False)
        self._exhausted = True

    def forget(self) -> None:
        """Abandon what is on its way and let go of every row fetched (the window closed): a list
        scrolled through a million returns is not kept in memory for a window no one sees."""
        self.abandon()
        self.beginResetModel()
        self._rows = []
        self._ids = set()
        self._cursor = None
        self.capped = False
        self.total = None
        self.endResetModel()

    @property
    def loading(self) -> bool:
        return self._fetching

    @property
    def exhausted(self) -> bool:
        return self._exhausted

    def _set_fetching(self, fetching: bool) -> None:
        if fetching != self._fetching:
            self._fetching = fetching
            self.loading_changed.emit(fetching)

    def _fetch(self) -> None:
        if self._fetching or self._exhausted:
            return
        self._set_fetching(True)
        generation, latest = self.generation, self._latest
        service, f, key, descending = self.service, self.filter, self.sort_key, self.descending
        after, limit = self._cursor, self.page_size

        def job() -> list[BrowseRow] | None:
            if latest.value != generation:
                return None  # overtaken while queued: spare the database
            return service.page(f, key, descending, 0, limit, after=after)

        self.runner.run(
            job, lambda rows: self._on_page(generation, rows), lambda exc: self._on_failed(generation, exc)
        )

    def _count(self) -> None:
        generation, latest = self.generation, self._latest
        service, f = self.service, self.filter

        def job() -> tuple[int, int] | None:
            if latest.value != generation:
                return None
            everything = service.count(BrowseFilter())  # cheap: an index is counted, not the table
            return (everything if f.is_empty else service.count(f, at_most=COUNTED_AT_MOST)), everything

        self.runner.run(
            job,
            lambda counts: self._on_counted(generation, counts),
            lambda exc: self._on_failed(generation, exc),
        )

    def _on_page(self, generation: int, rows: list[BrowseRow] | None) -> None:
        if generation != self.generation or rows is None:
            return
        self._set_fetching(False)
        if len(rows) < self.page_size:
            self._exhausted = True
        if rows:
            self._cursor = rows[-1]
        # A row whose sort value changed while paging (decided meanwhile) may come round again.
        fresh = [r for r in rows if r.auth_id not in self._ids][: MAX_ROWS_HELD - len(self._rows)]
        if not self._exhausted and len(self._rows) + len(fresh) >= MAX_ROWS_HELD:
            self._exhausted = self.capped = True
        if fresh:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
            self._rows.extend(fresh)
            self._ids.update(r.auth_id for r in fresh)
            self.endInsertRows()
        self.page_loaded.emit(len(fresh))

    def _on_counted(self, generation: int, counts: tuple[int, int] | None) -> None:
        if generation != self.generation or counts is None:
            return
        self.total, self.everything = counts
        self.counted.emit()

    def _on_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self.generation:
            return
        self._set_fetching(False)
        self._exhausted = True  # no retry loop from the view; F5 tries again
        show_failure(exc, self._fail, unexpected=_(SEARCH_FAILED))

    def _fail(self, message: str) -> None:
        self.error = message
        self.load_failed.emit(message)

    # ----- reading rows -------------------------------------------------------------------------------
    def row_at(self, row: int) -> BrowseRow:
        return self._rows[row]

    def row_of(self, auth_id: int) -> int | None:
        if auth_id not in self._ids:
            return None
        return next(n for n, r in enumerate(self._rows) if r.auth_id == auth_id)

    def column_of(self, key: str) -> int:
        return [k for k, _title in COLUMNS].index(key)

    # ----- Qt overrides -------------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802
        return not parent.isValid() and not self._exhausted and not self._fetching

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> None:  # noqa: N802
        if not parent.isValid():
            self._fetch()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        key, descending = COLUMNS[column][0], order == Qt.SortOrder.DescendingOrder
        if (key, descending) == (self.sort_key, self.descending):
            return
        self.sort_key, self.descending = key, descending
        if self.generation:
            self.refresh()

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or index.row() >= len(self._rows) or index.column() >= len(COLUMNS):
            return None
        row, key = self._rows[index.row()], COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            return _display(row, key)
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip(row, key)
        if role == Qt.ItemDataRole.TextAlignmentRole and key in NUMERIC:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if role == Qt.ItemDataRole.ForegroundRole and key == "status":
            return QBrush(QColor(STATUS_COLOURS[row.status]))
        if role == self.AUTH_ID_ROLE:
            return row.auth_id
        return None

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        key, title = COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return _(title)
        if role == Qt.ItemDataRole.ToolTipRole:
            return _(COLUMN_TIPS[key]) if key in COLUMN_TIPS else _(title)
        if role == Qt.ItemDataRole.TextAlignmentRole and key in NUMERIC:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren


def _display(row: BrowseRow, key: str) -> str:
    if key == "rma":
        return row.rma_id or row.merchant_rma_id or _("(returnless)")
    if key == "order":
        return row.order_id
    if key == "sku":
        return row.sku
    if key == "item":
        return row.item_name
    if key == "quantity":
        return str(row.quantity)
    if key == "decided":
        return str(row.decided)
    if key == "status":
        return _(STATUS_LABELS[row.status])
    if key == "reason":
        return describe_reason(row.reason) or "—"
    if key == "requested":
        return date_text(row.request_date)
    if key == "kind":
        return kind_text(row.kind)
    return ""


def _tooltip(row: BrowseRow, key: str) -> str:
    if key == "rma":
        parts = []
        if row.rma_id:
            parts.append(_("Amazon RMA ID {id}").format(id=row.rma_id))
        if row.merchant_rma_id:
            parts.append(_("Merchant RMA ID {id}").format(id=row.merchant_rma_id))
        return " · ".join(parts) or _("Returnless refund: order {order}, SKU {sku}").format(
            order=row.order_id, sku=row.sku
        )
    if key in ("decided", "status"):
        return _("{status}: {decided} of {quantity} units decided").format(
            status=_(STATUS_LABELS[row.status]), decided=row.decided, quantity=row.quantity
        )
    if key == "item":
        return row.item_name
    return _display(row, key)
