"""Find any return: a table of every authorization, searched, filtered and sorted by the database."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QDate, QEvent, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from rmadesk.services.browse import (
    COLUMNS,
    STATUS_LABELS,
    AuthorizationDetail,
    BrowseFilter,
    BrowseService,
    UnitDetail,
)
from rmadesk.services.photos import photo_jpeg, photos_of
from rmadesk.text.formatting import count as shown_count
from rmadesk.text.i18n import _, ngettext
from rmadesk.text.reasons import describe_reason
from rmadesk.ui.bench.panels import money_text
from rmadesk.ui.browser.detail import history_html, local_time, unit_html
from rmadesk.ui.browser.model import (
    COUNTED_AT_MOST,
    KIND_LABELS,
    SEARCH_FAILED,
    STATUS_COLOURS,
    AuthorizationsModel,
    date_text,
    kind_text,
)
from rmadesk.ui.browser.photos import UnitPhotos, photo_caption
from rmadesk.ui.common import dialogs
from rmadesk.ui.common.failures import show_failure, user_message
from rmadesk.ui.common.runner import Runner
from rmadesk.ui.common.style import ERROR, scaled_font

SEARCH_DEBOUNCE_MS = 250
DETAIL_DEBOUNCE_MS = 120
BROWSER_STYLE = """
QLineEdit#search { border: 2px solid #1f4e8c; border-radius: 6px; padding: 5px 8px; background: white; }
QTableView { alternate-background-color: #f3f6f9; selection-background-color: #1f4e8c;
             selection-color: white; border: 1px solid #cfd8dc; }
QHeaderView::section { background: #e3e8ec; border: none; border-right: 1px solid #cfd8dc;
                       border-bottom: 1px solid #cfd8dc; padding: 4px 4px; }
QLabel#status { border-radius: 6px; padding: 3px 10px; color: white; font-weight: 700; }
QLabel#section { color: #37474f; font-weight: 700; border-bottom: 1px solid #cfd8dc; padding-top: 8px; }
QFrame#unit { background: #f7f9fb; border: 1px solid #e0e6ea; border-radius: 8px; }
QLabel#count { color: #37474f; }
QScrollArea#detail { border: none; background: transparent; }
"""


class _SearchKeys(QObject):
    """Up/Down in the search field move through the table, so typing and choosing need no mouse."""

    def __init__(self, table: QTableView, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.table = table

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            step = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1, Qt.Key.Key_PageDown: 10, Qt.Key.Key_PageUp: -10}
            if event.key() in step and event.modifiers() == Qt.KeyboardModifier.NoModifier:
                model = self.table.model()
                rows = model.rowCount()
                if rows:
                    current = self.table.currentIndex().row()
                    target = 0 if current < 0 else max(0, min(rows - 1, current + step[event.key()]))
                    self.table.setCurrentIndex(
                        model.index(target, max(0, self.table.currentIndex().column()))
                    )
                return True
        return False


class BrowserWidget(QWidget):
    """Search, filters, the table of authorizations and the detail of the selected one.

    Keys: Ctrl+F search · Up/Down move (from the search field too) · Enter detail now · F5 refresh ·
    Esc clears the search.

    Attributes:
        model: the table's AuthorizationsModel.
        detail: the authorization the detail pane shows, or None.

    Signals:
        filter_applied(object): a new BrowseFilter went to the database.
        authorization_selected(int): the current row changed to this authorization id.
        detail_shown(int): the detail pane now shows this authorization.
        photos_shown(int): the detail's photo thumbnails are on show (how many).
        photo_opened(str): a photo was opened enlarged (its SHA-256).
        load_failed(str): a query failed; the message shown.
    """

    filter_applied = Signal(object)
    authorization_selected = Signal(int)
    detail_shown = Signal(int)
    photos_shown = Signal(int)
    photo_opened = Signal(str)
    load_failed = Signal(str)

    def __init__(
        self, service: BrowseService, runner: Runner, parent: QWidget | None = None, *, points: float = 11.0
    ) -> None:
        super().__init__(parent)
        self.setObjectName("page")
        self.service = service
        self.runner = runner
        self.points = points
        self.detail: AuthorizationDetail | None = None
        self._detail_generation = 0
        self._selected_id: int | None = None
        self.model = AuthorizationsModel(service, runner, self)
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DEBOUNCE_MS)
        self._search_timer.timeout.connect(self.apply_filter)
        self._detail_timer = QTimer(self, singleShot=True, interval=DETAIL_DEBOUNCE_MS)
        self._detail_timer.timeout.connect(self._load_selected_detail)
        self.setFont(scaled_font(self.font(), points))
        self.setStyleSheet(BROWSER_STYLE)
        self._build()
        self._build_actions()
        self.model.page_loaded.connect(self._on_page_loaded)
        self.model.counted.connect(self._show_count)
        self.model.loading_changed.connect(self._show_count)
        self.model.load_failed.connect(self._on_load_failed)
        self.model.modelReset.connect(self._show_count)
        self.apply_filter()

    # ----- building -----------------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(12, 10, 12, 6)
        outer.setSpacing(8)
        outer.addLayout(self._build_filters())
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self._build_table())
        self.splitter.addWidget(self._build_detail())
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([1160, 420])
        outer.addWidget(self.splitter, 1)
        bottom = QHBoxLayout()
        self.count_label = QLabel()
        self.count_label.setObjectName("count")
        keys = QLabel(_("Ctrl+F Search · ↑↓ Move · Enter Details · F5 Refresh · Esc Clear search"))
        keys.setObjectName("hint")
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(keys)
        outer.addLayout(bottom)

    def _build_filters(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setSpacing(8)
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText(
            _("Search an RMA ID, Merchant RMA ID, order, tracking ID, LPN, SKU or item…")
        )
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(_("Search authorizations"))
        self.search.setFont(scaled_font(self.font(), self.points * 1.1))
        self.search.textEdited.connect(lambda _text: self._search_timer.start())
        self.search.returnPressed.connect(self._search_now)
        self.status_combo = QComboBox()
        self.status_combo.setAccessibleName(_("Status"))
        self.status_combo.addItem(_("Any status"), None)
        for status, label in STATUS_LABELS.items():
            self.status_combo.addItem(_(label), status)
        self.kind_combo = QComboBox()
        self.kind_combo.setAccessibleName(_("Kind"))
        self.kind_combo.addItem(_("Any kind"), None)
        for kind in KIND_LABELS:
            self.kind_combo.addItem(kind_text(kind), kind)
        for combo in (self.status_combo, self.kind_combo):
            combo.currentIndexChanged.connect(lambda _n: self.apply_filter())
        self.dates_box = QCheckBox(_("Requested"))
        self.dates_box.setToolTip(_("Only authorizations whose return was requested between these dates"))
        today = QDate.currentDate()
        self.date_from = self._date_edit(today.addDays(-30))
        self.date_to = self._date_edit(today)
        self.dates_box.toggled.connect(self._dates_toggled)
        self.date_from.dateChanged.connect(self._from_changed)
        self.date_to.dateChanged.connect(lambda _d: self._search_timer.start())
        self._dates_toggled(False)
        self.clear_button = QPushButton(_("Clear"))
        self.clear_button.setToolTip(_("Clear the search and every filter"))
        self.clear_button.clicked.connect(self.clear_filters)
        row.addWidget(self.search, 1)
        row.addWidget(self.status_combo)
        row.addWidget(self.kind_combo)
        row.addWidget(self.dates_box)
        row.addWidget(self.date_from)
        row.addWidget(QLabel("–"))
        row.addWidget(self.date_to)
        row.addWidget(self.clear_button)
        return row

    def _date_edit(self, day: QDate) -> QDateEdit:
        edit = QDateEdit(day)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        return edit

    def _build_table(self) -> QTableView:
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(_("Authorizations"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setMinimumSectionSize(40)
        header.setSortIndicator(self.model.column_of(self.model.sort_key), Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)  # asks the model to sort: the order it already has
        widths = {"rma": 145, "order": 145, "sku": 130, "item": 240, "quantity": 40, "decided": 62}
        widths |= {"status": 98, "reason": 160, "requested": 92, "kind": 84}
        scale = self.points / 11.0
        for n, (key, _title) in enumerate(COLUMNS):
            self.table.setColumnWidth(n, int(widths[key] * scale))
        header.setSectionResizeMode(self.model.column_of("item"), QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.activated.connect(self._activated)
        return self.table

    def _build_detail(self) -> QScrollArea:
        self.detail_area = QScrollArea()
        self.detail_area.setObjectName("detail")
        self.detail_area.setWidgetResizable(True)
        self.detail_area.setFrameShape(QFrame.Shape.NoFrame)
        card = QFrame()
        card.setObjectName("card")
        layout = QVBoxLayout(card)
        layout.setContentsMargins(18, 14, 18, 14)
        layout.setSpacing(6)
        top = QHBoxLayout()
        self.detail_title = QLabel(_("No authorization selected"))
        self.detail_title.setObjectName("cardTitle")
        self.detail_title.setFont(scaled_font(self.font(), self.points * 1.35, bold=True))
        self.detail_title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail_status = QLabel()
        self.detail_status.setObjectName("status")
        self.detail_status.hide()
        top.addWidget(self.detail_title, 1)
        top.addWidget(self.detail_status, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        self.detail_item = QLabel(_("Select a row to see its units, their outcomes and its history."))
        self.detail_item.setWordWrap(True)
        self.detail_item.setFont(scaled_font(self.font(), self.points * 1.1, bold=True))
        layout.addWidget(self.detail_item)
        self.fields_grid = QGridLayout()
        self.fields_grid.setHorizontalSpacing(14)
        self.fields_grid.setVerticalSpacing(3)
        self.fields_grid.setColumnStretch(1, 1)
        self.fields: dict[str, QLabel] = {}
        names = (
            ("kind", _("Kind")),
            ("rma", _("RMA ID")),
            ("merchant", _("Merchant RMA ID")),
            ("order", _("Order")),
            ("sku", _("SKU / ASIN")),
            ("quantity", _("Units")),
            ("reason", _("Reason")),
            ("comment", _("Customer says")),
            ("requested", _("Requested")),
            ("policy", _("In policy")),
            ("price", _("Unit price")),
            ("tracking", _("Tracking")),
            ("request_status", _("Request status")),
            ("arrived", _("First scanned")),
            ("refund", _("Refund")),
            ("label", _("Return label")),
            ("claims", _("Claims")),
        )
        for n, (key, title) in enumerate(names):
            name = QLabel(title)
            name.setObjectName("fieldName")
            value = QLabel()
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.fields_grid.addWidget(name, n, 0, Qt.AlignmentFlag.AlignTop)
            self.fields_grid.addWidget(value, n, 1)
            self.fields[key] = value
            self.fields[f"{key}:name"] = name
        layout.addLayout(self.fields_grid)
        self.units_title = self._section(_("Units"))
        layout.addWidget(self.units_title)
        self.units_box = QVBoxLayout()
        self.units_box.setSpacing(6)
        layout.addLayout(self.units_box)
        self.history_title = self._section(_("History"))
        layout.addWidget(self.history_title)
        self.history_label = QLabel()
        self.history_label.setWordWrap(True)
        self.history_label.setTextFormat(Qt.TextFormat.RichText)
        self.history_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.history_label)
        layout.addStretch(1)
        self.unit_labels: list[QLabel] = []
        self.unit_boxes: list[QFrame] = []
        self.unit_photos: dict[str, UnitPhotos] = {}  # by outcome id
        self._show_fields(False)
        self.detail_area.setWidget(card)
        self.detail_area.setMinimumWidth(360)
        return self.detail_area

    def _section(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setObjectName("section")
        label.setFont(scaled_font(self.font(), self.points * 1.05, bold=True))
        return label

    def _build_actions(self) -> None:
        def action(text: str, keys: list[str], slot: Any) -> QAction:
            act = QAction(text, self)
            act.setShortcuts([QKeySequence(k) for k in keys])
            act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            act.triggered.connect(slot)
            self.addAction(act)
            return act

        self.act_search = action(_("Search"), ["Ctrl+F"], self.focus_search)
        self.act_refresh = action(_("Refresh"), ["F5"], self.refresh)
        self.search_keys = _SearchKeys(self.table, self)
        self.search.installEventFilter(self.search_keys)
        self.search.installEventFilter(self)

    def use_runner(self, runner: Runner) -> None:
        """Run the queries from now on with this worker (the window's old one was stopped)."""
        self.runner = runner
        self.model.runner = runner

    def abandon_pending(self) -> None:
        """Drop the queries and details still on their way: nothing arriving later touches the screen."""
        self._search_timer.stop()
        self._detail_timer.stop()
        self._detail_generation += 1
        self.model.abandon()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        self.abandon_pending()
        super().closeEvent(event)

    # ----- filtering ----------------------------------------------------------------------------------
    def current_filter(self) -> BrowseFilter:
        dates = self.dates_box.isChecked()
        return BrowseFilter(
            text=self.search.text().strip(),
            status=self.status_combo.currentData(),
            kind=self.kind_combo.currentData(),
            date_from=self.date_from.date().toPython() if dates else None,
            date_to=self.date_to.date().toPython() if dates else None,
        )

    def apply_filter(self, *, force: bool = False) -> None:
        """Query with what the search field and filters say now."""
        self._search_timer.stop()
        f = self.current_filter()
        if f == self.model.filter and self.model.generation and not force:
            return
        self.model.set_filter(f, force=True)
        self.filter_applied.emit(f)

    def refresh(self) -> None:
        """Read everything again, searches included: new imports and decisions show up."""
        self.service.forget_searches()
        self.apply_filter(force=True)

    def _search_now(self) -> None:
        self.apply_filter(force=True)

    def clear_filters(self) -> None:
        for widget in (self.status_combo, self.kind_combo, self.dates_box):
            widget.blockSignals(True)
        self.search.clear()
        self.status_combo.setCurrentIndex(0)
        self.kind_combo.setCurrentIndex(0)
        self.dates_box.setChecked(False)
        self._dates_toggled(False)
        for widget in (self.status_combo, self.kind_combo, self.dates_box):
            widget.blockSignals(False)
        self.apply_filter()
        self.focus_search()

    def _dates_toggled(self, on: bool) -> None:
        self.date_from.setEnabled(on)
        self.date_to.setEnabled(on)
        if self.model.generation:
            self.apply_filter()

    def _from_changed(self, day: QDate) -> None:
        if self.date_to.date() < day:
            self.date_to.setDate(day)
        self._search_timer.start()

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if (
            watched is self.search
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
            and self.search.text()
        ):
            self.search.clear()
            self.apply_filter()
            return True
        return super().eventFilter(watched, event)

    # ----- the list -----------------------------------------------------------------------------------
    def _on_page_loaded(self, _added: int) -> None:
        self._show_count()
        if not self.model.rowCount() and self.model.exhausted:
            self._clear_detail(_("Nothing matches. Try fewer words, another spelling, or clear the filters."))
            return
        if self.table.currentIndex().isValid():
            return
        # After a new query: the row shown before if it is still there, else the first one.
        row = self.model.row_of(self._selected_id) if self._selected_id is not None else None
        self.table.setCurrentIndex(self.model.index(row or 0, 0))

    def _show_count(self) -> None:
        model = self.model
        if model.error:
            self.count_label.setText(model.error)
            return
        self.count_label.setStyleSheet("")
        if model.total is None or model.everything is None:
            text = _("Counting…") if model.rowCount() else _("Searching…")
        elif model.filter.is_empty:
            text = _("{count} authorizations").format(count=shown_count(model.everything))
        elif model.total > COUNTED_AT_MOST:
            text = _("more than {found} of {count} authorizations").format(
                found=shown_count(COUNTED_AT_MOST), count=shown_count(model.everything)
            )
        else:
            text = ngettext(
                "{found} of {count} authorization", "{found} of {count} authorizations", model.everything
            ).format(found=shown_count(model.total), count=shown_count(model.everything))
            if model.total == 0:
                text += " — " + _("nothing matches; try fewer words or clear the filters")
        if model.capped:
            text += " · " + _(
                "the list stops at the first {shown}: narrow the filter or reverse the sort"
            ).format(shown=shown_count(model.rowCount()))
        if model.loading and model.rowCount():
            text += " · " + _("loading more…")
        self.count_label.setText(text)

    def _on_load_failed(self, message: str) -> None:
        self.count_label.setText(message)
        self.count_label.setStyleSheet(f"color: {ERROR};")
        self.load_failed.emit(message)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        auth_id = self.model.row_at(current.row()).auth_id
        if (
            auth_id == self._selected_id
            and self.detail is not None
            and self.detail.authorization.auth_id == auth_id
        ):
            return
        self._selected_id = auth_id
        self.authorization_selected.emit(auth_id)
        self._detail_timer.start()

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self._detail_timer.stop()
            self.show_detail(self.model.row_at(index.row()).auth_id)

    def _load_selected_detail(self) -> None:
        if self._selected_id is not None:
            self.show_detail(self._selected_id)

    # ----- the detail ---------------------------------------------------------------------------------
    def show_detail(self, auth_id: int) -> None:
        """Read the authorization on the worker and show it in the detail pane."""
        self._detail_generation += 1
        generation, service = self._detail_generation, self.service
        self.runner.run(
            lambda: service.detail(auth_id),
            lambda detail: self._on_detail(generation, detail),
            lambda exc: self._on_detail_failed(generation, exc),
        )

    def _on_detail(self, generation: int, detail: AuthorizationDetail) -> None:
        if generation != self._detail_generation:
            return
        self.detail = detail
        self._fill_detail(detail)
        self.detail_shown.emit(detail.authorization.auth_id)

    def _on_detail_failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._detail_generation:
            show_failure(exc, self._on_load_failed, unexpected=_(SEARCH_FAILED))

    def _clear_detail(self, message: str) -> None:
        self._detail_generation += 1  # a detail still on its way is no longer wanted
        self._detail_timer.stop()
        self.detail = None
        self._selected_id = None
        self.detail_title.setText(_("No authorization selected"))
        self.detail_status.hide()
        self.detail_item.setText(message)
        self._show_fields(False)
        self._clear_units()

    def _clear_units(self) -> None:
        for box in self.unit_boxes:
            self.units_box.removeWidget(box)
            box.deleteLater()
        self.unit_boxes, self.unit_labels, self.unit_photos = [], [], {}

    def _show_fields(self, shown: bool) -> None:
        for widget in (*self.fields.values(), self.units_title, self.history_title, self.history_label):
            widget.setVisible(shown)

    def _fill_detail(self, d: AuthorizationDetail) -> None:
        a = d.authorization
        self.detail_title.setText(f"{kind_text(a.kind.value)} {a.display_id}")
        self.detail_status.setText(_(STATUS_LABELS[d.status]))
        self.detail_status.setStyleSheet(f"background: {STATUS_COLOURS[d.status]};")
        self.detail_status.show()
        self.detail_item.setText(a.item_name or _("(no item name in the report)"))
        self._show_fields(True)
        policy = {True: _("Yes"), False: _("No — out of policy"), None: _("Unknown")}[a.in_policy]
        order = a.order_id + (
            "  ·  " + _("ordered {date}").format(date=date_text(d.order_date)) if d.order_date else ""
        )
        tracking = (d.tracking_id or "") + (f"  ·  {d.carrier}" if d.carrier else "")
        values = {
            "kind": kind_text(a.kind.value) + (f"  ·  {d.marketplace}" if d.marketplace else ""),
            "rma": a.rma_id or "",
            "merchant": a.merchant_rma_id or "",
            "order": order,
            "sku": a.sku + (f"  ·  {a.asin}" if a.asin else ""),
            "quantity": _("{authorized} authorized, {decided} decided").format(
                authorized=a.quantity, decided=d.decided
            ),
            "reason": describe_reason(a.reason) or "—",
            "comment": f"“{a.customer_comment}”" if a.customer_comment else "",
            "requested": date_text(a.request_date),
            "policy": policy,
            "price": money_text(a.unit_price.amount, a.unit_price.currency) if a.unit_price else _("Unknown"),
            "tracking": tracking,
            "request_status": a.status or "",
            "arrived": local_time(d.arrived_at) if d.arrived_at else "",
            **_refund_and_claims(d, a.currency),
        }
        for key, value in values.items():
            # A field the authorization does not have takes no room.
            self.fields[key].setText(value)
            self.fields[key].setVisible(bool(value))
            self.fields[f"{key}:name"].setVisible(bool(value))
        self._clear_units()
        for unit in d.units:
            box = self._unit_box(unit)
            self.unit_boxes.append(box)
            self.units_box.addWidget(box)
        self.units_title.setText(
            _("Units ({decided} of {count} decided)").format(decided=d.decided, count=len(d.units))
        )
        self.history_label.setText(history_html(d.history))
        self.detail_area.verticalScrollBar().setValue(0)
        self._load_photos()

    def _unit_box(self, unit: UnitDetail) -> QFrame:
        box = QFrame()
        box.setObjectName("unit")
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        label = self._unit_label(unit)
        label.setObjectName("")
        layout.addWidget(label)
        self.unit_labels.append(label)
        if unit.outcome is not None:
            photos = UnitPhotos()
            photos.opened.connect(self.open_photo)
            layout.addWidget(photos)
            self.unit_photos[unit.outcome.outcome_uid] = photos
        return box

    # ----- photos -------------------------------------------------------------------------------------
    def _load_photos(self) -> None:
        """The thumbnails of the decided units' photos, read on the worker."""
        uids = list(self.unit_photos)
        if not uids:
            self.photos_shown.emit(0)
            return
        generation, store, actor = self._detail_generation, self.service.store, self.service.actor
        self.runner.run(
            lambda: {uid: photos_of(store, actor, uid) for uid in uids},
            lambda photos: self._on_photos(generation, photos),
            lambda exc: self._on_photos_failed(generation, exc),
        )

    def _on_photos(self, generation: int, photos: dict[str, list[Any]]) -> None:
        if generation != self._detail_generation:
            return
        for uid, stored in photos.items():
            if uid in self.unit_photos:
                self.unit_photos[uid].show_photos(stored)
        self.photos_shown.emit(sum(len(p) for p in photos.values()))

    def _on_photos_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._detail_generation:
            return
        message = user_message(exc)
        if message is None:
            show_failure(exc)
            message = _("The photos cannot be shown ({error}).").format(error=type(exc).__name__)
        for row in self.unit_photos.values():
            row.show_problem(message)

    def open_photo(self, photo: Any) -> None:
        """Read the whole photo on the worker and show it enlarged."""
        store, actor = self.service.store, self.service.actor
        title = self.detail_title.text()
        self.runner.run(
            lambda: photo_jpeg(store, actor, photo.id),
            lambda jpeg: self._show_photo(jpeg, title, photo),
            lambda exc: show_failure(exc, self._on_load_failed, unexpected=_(SEARCH_FAILED)),
        )

    def _show_photo(self, jpeg: bytes, title: str, photo: Any) -> None:
        self.photo_opened.emit(photo.sha256)
        dialogs.show_photo(
            self, jpeg, _("RMA Desk: photo of {what}").format(what=title), photo_caption(photo)
        )

    def _unit_label(self, unit: UnitDetail) -> QLabel:
        label = QLabel(unit_html(unit))
        label.setObjectName("unit")
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setContentsMargins(10, 6, 10, 6)
        return label


def _refund_and_claims(d: AuthorizationDetail, currency: str) -> dict[str, str]:
    """The report's refund, return label and claims, as the detail pane's fields (empty: not shown)."""
    refund = []
    if d.refunded_amount is not None:
        refund.append(_("{amount} refunded").format(amount=money_text(d.refunded_amount, currency)))
    if d.return_delivery_date is not None:
        refund.append(_("delivered back {date}").format(date=date_text(d.return_delivery_date)))
    label = []
    if d.label_cost is not None:
        label.append(money_text(d.label_cost, currency))
    if d.label_paid_by:
        label.append(_("paid by {who}").format(who=d.label_paid_by))
    claims = []
    if d.a_to_z_claim:
        claims.append(_("A-to-z guarantee claim"))
    if d.safet_claim_id or d.safet_claim_state:
        safet = _("SafeT claim {id}").format(id=d.safet_claim_id or "").strip()
        if d.safet_claim_state:
            safet += f" ({d.safet_claim_state})"
        if d.safet_amount is not None:
            safet += "  " + _("{amount} reimbursed").format(amount=money_text(d.safet_amount, currency))
        claims.append(safet)
    return {"refund": "  ·  ".join(refund), "label": "  ·  ".join(label), "claims": "  ·  ".join(claims)}
