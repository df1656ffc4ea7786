"""The attendant console: people and rooms side by side, a search, and the feed's health.

The window is handed everything it uses (the feed, a clock, the provider's title, where the
log lives), so it runs the same in the program, in tests and on a demo. It never blocks: the
feed calls back with immutable states, which are passed through a queued-if-needed Qt signal
so that widgets are only ever touched on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from attendant import __version__
from attendant.domain import MailboxKind
from attendant.services.state import RefreshState
from attendant.ui.board.cells import CONTACT_COLUMNS
from attendant.ui.board.feed_banner import FeedBanner, describe, error_line
from attendant.ui.board.model import Column
from attendant.ui.board.organised import OrganisedBoard
from attendant.ui.board.panel import BoardPanel
from attendant.ui.board.remembered import BoardMemory
from attendant.ui.board.staged import RowRepaints
from attendant.ui.common.elided_label import ElidedLabel
from attendant.ui.common.icons import app_icon
from attendant.ui.window import state as window_state
from attendant.ui.window.actions import make_action, once, open_in_file_manager
from attendant.ui.window.health import empty_board_text, freshness_texts
from attendant.ui.window.tools import BoardTools

#: How often "now" moves on the board and the age of the data is re-told.
TICK_MILLISECONDS = 30_000
#: Above this many rows, search waits for a pause in typing instead of filtering every key.
INSTANT_SEARCH_ROWS = 1500


class Feed(Protocol):
    """What the window needs of the refresh service."""

    @property
    def state(self) -> RefreshState: ...

    def subscribe(self, callback: Callable[[RefreshState], None]) -> Callable[[], None]: ...

    def request_refresh(self) -> None: ...

    def retry_now(self) -> None: ...


class MainWindow(QMainWindow):
    """People and rooms at a glance, driven from the keyboard."""

    #: Carries a feed state to the GUI thread (queued when emitted from another thread).
    state_arrived = Signal(object)
    #: File ▸ Calendar Integration Settings… (the composition root opens the dialog).
    settings_requested = Signal()

    def __init__(
        self,
        feed: Feed,
        *,
        clock: Callable[[], datetime],
        provider_title: str,
        log_folder: Path | None = None,
        open_folder: Callable[[Path], object] | None = None,
        tz: tzinfo | None = None,
        geometry_file: Path | None = None,
        board_file: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._geometry_file = geometry_file
        self._feed = feed
        self._clock = clock
        self._tz = tz
        self._provider_title = provider_title
        self._log_folder = log_folder
        self._open_folder = open_folder or open_in_file_manager
        self._state: RefreshState | None = None

        self.setWindowTitle(provider_title)  # Qt adds " — Attendant"
        self.setWindowIcon(app_icon())
        self.model = OrganisedBoard(clock, tz=tz, memory=BoardMemory(board_file), parent=self)
        self._build_body()
        self._last_board = self.people
        self._build_status_bar()
        self._build_menus()
        window_state.restore(self, self.splitter, geometry_file)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(120)
        self._search_timer.timeout.connect(self._apply_search)
        self.search.textChanged.connect(self._on_search_edited)

        self._tick_timer = QTimer(self)
        self._tick_timer.setInterval(TICK_MILLISECONDS)
        self._tick_timer.timeout.connect(self.tick)
        self._tick_timer.start()

        self.state_arrived.connect(self.apply_state)
        stop_listening = self._stop_listening = once(feed.subscribe(self.state_arrived.emit))
        for panel in (self.people, self.rooms):
            panel.pane.set_source(getattr(feed, "auto_reply", None))
        self.destroyed.connect(lambda *_: stop_listening())  # even if never closed
        self.apply_state(feed.state)

    # -- public --------------------------------------------------------------------------

    def apply_state(self, state: RefreshState) -> None:
        """Show a state of the feed: its snapshot on the boards, its health around them."""
        if state.shown is not self.model.snapshot:  # the data, or who is watched meanwhile
            self.model.set_snapshot(state.shown)
        self.model.set_presence(state.presence)
        self._state = state
        self._show_health()

    def set_feed(self, feed: Feed, provider_title: str) -> None:
        """Show another feed (new settings were applied): stop listening to the old one."""
        self._stop_listening()
        self._feed = feed
        self._provider_title = provider_title
        self.setWindowTitle(provider_title)  # Qt adds " — Attendant"
        self.provider_label.setText(provider_title)
        stop_listening = self._stop_listening = once(feed.subscribe(self.state_arrived.emit))
        for panel in (self.people, self.rooms):
            panel.pane.set_source(getattr(feed, "auto_reply", None))
        self.destroyed.connect(lambda *_: stop_listening())
        self.apply_state(feed.state)

    def tick(self) -> None:
        """Move "now" on the boards and re-tell the age of the data."""
        self.model.tick()
        self._show_health()

    # -- construction --------------------------------------------------------------------

    def _build_body(self) -> None:
        self.search = QLineEdit(self)
        self.search.setObjectName("search")
        self.search.setPlaceholderText("Search people and rooms by name, department or address")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search")
        self.search.installEventFilter(self)
        find_hint = QLabel("Ctrl+F", self)
        find_hint.setObjectName("keyHint")
        self.only_free = QCheckBox("&Only free", self)
        self.only_free.setToolTip("Show only people and rooms that are free now")
        self.only_free.toggled.connect(self._on_only_free)

        search_row = QHBoxLayout()
        search_row.setSpacing(10)
        search_row.addWidget(self.search, 1)
        search_row.addWidget(find_hint)
        search_row.addSpacing(8)
        search_row.addWidget(self.only_free)

        self.banner = FeedBanner(self)
        self.banner.retry_requested.connect(self._retry_now)
        self.banner.settings_requested.connect(self.settings_requested)

        repaints = RowRepaints(self)  # both boards show one model: one paints at a time
        self.people = BoardPanel(
            "People",
            self.model,
            MailboxKind.PERSON,
            nouns=("person", "people"),
            repaints=repaints,
            parent=self,
        )
        self.rooms = BoardPanel(
            "Rooms",
            self.model,
            MailboxKind.ROOM,
            nouns=("room", "rooms"),
            hidden_columns=(Column.NOW, Column.PRESENCE, *CONTACT_COLUMNS),
            repaints=repaints,
            parent=self,
        )
        for column, width in ((Column.NAME, 120), (Column.STATUS, 132), (Column.UNTIL, 62)):
            self.rooms.view.setColumnWidth(column, width)
        for panel in (self.people, self.rooms):
            panel.row_actions.acted.connect(lambda text: self.statusBar().showMessage(text, 5000))
            panel.view.installEventFilter(self)
            panel.view.horizontalHeader().sortIndicatorChanged.connect(self._sync_sort_indicators)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setAttribute(Qt.WidgetAttribute.WA_StaticContents)  # see BoardPanel
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.people)
        self.splitter.addWidget(self.rooms)
        self.splitter.setStretchFactor(0, 8)
        self.splitter.setStretchFactor(1, 5)
        self.splitter.setSizes([800, 500])

        body = QWidget(self)
        body.setObjectName("body")
        layout = QVBoxLayout(body)
        layout.setContentsMargins(14, 12, 14, 8)
        layout.setSpacing(10)
        layout.addLayout(search_row)
        layout.addWidget(self.splitter, 1)
        # The feed's news sits under the boards, beside the status bar's "updated" and
        # "next": coming and going, it shortens the boards instead of moving every row
        # (no row jumps away from the pointer, and only the strip it uncovers is painted).
        layout.addWidget(self.banner)
        self.setCentralWidget(body)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.error_label = ElidedLabel(self)
        self.error_label.setObjectName("statusError")
        self.provider_label = QLabel(self._provider_title, self)
        self.provider_label.setObjectName("statusProvider")
        self.updated_label = QLabel(self)
        self.next_label = QLabel(self)
        bar.addWidget(self.error_label, 1)
        for label in (self.provider_label, self.updated_label, self.next_label):
            bar.addPermanentWidget(label)

    def _build_menus(self) -> None:
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        self.settings_action = make_action(
            self,
            "Calendar Integration &Settings…",
            QKeySequence("Ctrl+,"),
            self.settings_requested.emit,
        )
        file_menu.addAction(self.settings_action)
        file_menu.addSeparator()
        self.quit_action = make_action(self, "&Quit", QKeySequence("Ctrl+Q"), self.close)
        file_menu.addAction(self.quit_action)
        self.file_menu = file_menu

        view_menu = menu.addMenu("&View")
        self.find_action = make_action(self, "&Search", QKeySequence("Ctrl+F"), self.focus_search)
        self.people_action = make_action(
            self, "&People", QKeySequence("Ctrl+1"), lambda: self._focus(self.people)
        )
        self.rooms_action = make_action(
            self, "&Rooms", QKeySequence("Ctrl+2"), lambda: self._focus(self.rooms)
        )
        self.only_free_action = QAction("Only &free", self)
        self.only_free_action.setCheckable(True)
        self.only_free_action.setShortcut(QKeySequence("Ctrl+Shift+F"))
        self.only_free_action.toggled.connect(self.only_free.setChecked)
        self.only_free.toggled.connect(self.only_free_action.setChecked)
        self.refresh_action = make_action(
            self, "&Refresh now", QKeySequence("F5"), lambda: self._feed.request_refresh()
        )
        view_menu.addActions([self.find_action, self.people_action, self.rooms_action])
        view_menu.addSeparator()
        view_menu.addAction(self.only_free_action)
        view_menu.addSeparator()
        view_menu.addAction(self.refresh_action)

        help_menu = menu.addMenu("&Help")
        self.log_action = make_action(self, "Open &log folder", None, self._open_log_folder)
        self.log_action.setEnabled(self._log_folder is not None)
        self.about_action = make_action(self, "&About Attendant", None, self._about)
        help_menu.addActions([self.log_action, self.about_action])
        self.tools = BoardTools(self, self, view_menu, help_menu, self._geometry_file)
        self.help_menu = help_menu

    # -- keyboard ------------------------------------------------------------------------

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn:
            if watched is self.people.view:
                self._last_board = self.people
            elif watched is self.rooms.view:
                self._last_board = self.rooms
        if watched is self.search and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key == Qt.Key.Key_Escape:
                self.search.clear()
                self._apply_search()
                self._focus(self._last_board)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Down):
                self._apply_search()
                self._focus(self._first_board_with_rows())
                return True
        return super().eventFilter(watched, event)

    def _focus(self, panel: BoardPanel) -> None:
        self._last_board = panel
        panel.focus_board()

    def _first_board_with_rows(self) -> BoardPanel:
        if self.people.proxy.rowCount() == 0 and self.rooms.proxy.rowCount() > 0:
            return self.rooms
        return self._last_board if self._last_board.proxy.rowCount() else self.people

    # -- reactions -----------------------------------------------------------------------

    def _on_search_edited(self, _text: str) -> None:
        if self.model.rowCount() <= INSTANT_SEARCH_ROWS:
            self._apply_search()
        else:
            self._search_timer.start()

    def _apply_search(self) -> None:
        self._search_timer.stop()
        text = self.search.text()
        self.people.proxy.set_search(text)
        self.rooms.proxy.set_search(text)
        if self._state is not None:
            self._show_empty_boards(self._state)

    def _on_only_free(self, checked: bool) -> None:
        self.people.proxy.set_only_free(checked)
        self.rooms.proxy.set_only_free(checked)
        if self._state is not None:
            self._show_empty_boards(self._state)

    def _sync_sort_indicators(self, section: int, order: Qt.SortOrder) -> None:
        for panel in (self.people, self.rooms):
            header = panel.view.horizontalHeader()
            if header.sortIndicatorSection() != section or header.sortIndicatorOrder() != order:
                header.blockSignals(True)
                header.setSortIndicator(section, order)
                header.blockSignals(False)
                header.viewport().update()

    def _retry_now(self) -> None:
        self.banner.retry_button.setEnabled(False)
        self._feed.retry_now()

    def _open_log_folder(self) -> None:
        if self._log_folder is not None:
            self._open_folder(self._log_folder)

    def _about(self) -> None:
        QMessageBox.about(
            self,
            "About Attendant",
            f"<b>Attendant</b> {__version__}<br>"
            "Who is free, who is in a meeting and which room is free, "
            "live from the company's calendars.",
        )

    def _show_health(self) -> None:
        state = self._state
        if state is None:
            return
        now = self._clock()
        banner = describe(state, now, self._tz)
        self.banner.show_text(banner)
        self.banner.retry_button.setEnabled(True)
        self.error_label.set_full_text(error_line(state.error) if state.error is not None else "")
        updated, following = freshness_texts(state, now, self._tz)
        self.updated_label.setText(updated)
        self._show_empty_boards(state)
        self.next_label.setText(following)

    def _show_empty_boards(self, state: RefreshState) -> None:
        searching = bool(self.search.text().strip()) or self.only_free.isChecked()
        for panel, what in ((self.people, "people"), (self.rooms, "rooms or room lists")):
            panel.view.set_empty_text(empty_board_text(state, searching=searching, what=what))
        self.rooms.set_notes(state.room_list_notes)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Stop listening to the feed; the feed itself belongs to whoever made the window."""
        self._tick_timer.stop()
        self._stop_listening()
        window_state.save(self, self.splitter, self._geometry_file)
        super().closeEvent(event)
