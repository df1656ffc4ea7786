"""Finding people and rooms on the server for the watch list: directory search, room lists.

Both ask the provider built from the dialog's edited copy (the Directory and RoomCatalog
capabilities), off the GUI thread and through the lockout guard like every call that carries
credentials. Rooms are found through the server's room lists; a room hidden from the address
list or in no room list cannot be found this way, and the dialog says so.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListView,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from attendant.domain import Mailbox, RoomList
from attendant.providers.base import Directory, FreeBusyProvider, RoomCatalog
from attendant.providers.errors import NotSupported, ProviderError
from attendant.services.watch import room_list_note
from attendant.settings import Settings
from attendant.ui.settings.worker import ProviderAccess, run_in_thread

HIDDEN_ROOMS_NOTE = (
    "Rooms are found through the server's room lists. A room that is hidden from the address "
    "list, or that is in no room list, cannot be discovered: add it by its address instead."
)
MIN_QUERY = 2
_Index = QModelIndex | QPersistentModelIndex


class MailboxListModel(QAbstractListModel):
    """Search results: an immutable list of mailboxes, the mailbox under ``MAILBOX_ROLE``."""

    MAILBOX_ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._items: tuple[Mailbox, ...] = ()

    def set_items(self, items: Sequence[Mailbox]) -> None:
        self.beginResetModel()
        self._items = tuple(items)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        mailbox = self._items[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            extra = " · ".join(x for x in (mailbox.department, mailbox.phone) if x)
            text = (
                f"{mailbox.display_name} <{mailbox.address}>" if mailbox.name else mailbox.address
            )
            return f"{text} — {extra}" if extra else text
        if role == self.MAILBOX_ROLE:
            return mailbox
        return None


class _ProviderHolder:
    """One provider per dialog, built in the first job and reused (jobs never overlap)."""

    def __init__(self, access: ProviderAccess, settings: Settings, password: str | None):
        self._access = access
        self._settings = settings
        self._password = password
        self.provider: FreeBusyProvider | None = None

    def get(self) -> FreeBusyProvider:
        if self.provider is None:
            self.provider = self._access.open(self._settings, self._password)
        return self.provider

    def close_later(self) -> None:
        provider, self.provider = self.provider, None
        if provider is not None:
            threading.Thread(target=provider.close, name="attendant-close", daemon=True).start()


class DirectorySearchDialog(QDialog):
    """Search colleagues by name or address and add them to the watch list."""

    chosen = Signal(list)  # list[Mailbox]

    def __init__(
        self,
        access: ProviderAccess,
        settings: Settings,
        password: str | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add colleagues from the directory")
        self._access = access
        self._holder = _ProviderHolder(access, settings, password)
        self._running = False
        self._pending: str | None = None
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Name or address, at least 2 letters")
        self.search.setAccessibleName("Search the directory")
        self.search.setClearButtonEnabled(True)
        self.results = MailboxListModel(self)
        self.view = QListView(self)
        self.view.setModel(self.results)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setAccessibleName("Directory results")
        self.view.activated.connect(lambda _index: self._add())  # Enter or double-click
        self.status = QLabel("Type a name to search.", self)
        self.status.setWordWrap(True)
        self.status.setObjectName("pageNote")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.add_button = buttons.addButton("&Add selected", QDialogButtonBox.ButtonRole.ActionRole)
        self.add_button.clicked.connect(self._add)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.search, self.view, self.status, buttons):
            layout.addWidget(widget)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(350)
        self._timer.timeout.connect(self._start)
        self.search.textChanged.connect(lambda _t: self._timer.start())
        self.search.returnPressed.connect(self._start)
        self.finished.connect(lambda _r: self._holder.close_later())
        self.resize(520, 420)

    def _start(self) -> None:
        self._timer.stop()
        query = self.search.text().strip()
        if len(query) < MIN_QUERY:
            self.results.set_items(())
            self.status.setText("Type a name to search.")
            return
        if self._running:
            self._pending = query
            return
        self._running = True
        self.status.setText(f"Searching for “{query}”…")
        holder = self._holder
        access = self._access

        def job(_report: Any) -> tuple[str, list[Mailbox]]:
            provider = holder.get()
            if not isinstance(provider, Directory):
                raise NotSupported(
                    f"The {provider.name} provider cannot search the directory.",
                    hint="Add people by their address.",
                )
            return query, access.guarded(provider).call(
                lambda p: p.search(query, 50)  # type: ignore[attr-defined]
            )

        run_in_thread(self, job, on_done=self._found, on_error=self._failed, name="search")

    def _found(self, answer: object) -> None:
        self._running = False
        assert isinstance(answer, tuple)
        query: str = answer[0]
        found: list[Mailbox] = answer[1]
        self.results.set_items(found)
        self.status.setText(
            f"{len(found)} found for “{query}”. Select and press Add."
            if found
            else f"Nobody found for “{query}”."
        )
        if found:
            self.view.setCurrentIndex(self.results.index(0, 0))
        self._next()

    def _failed(self, error: BaseException) -> None:
        self._running = False
        if isinstance(error, ProviderError):
            self.status.setText(f"{error.message} {error.hint}".strip())
        self._next()

    def _next(self) -> None:
        if self._pending is not None and self._pending != self.search.text().strip():
            self._pending = None
            self._start()
        self._pending = None

    def _add(self) -> None:
        rows = self.view.selectionModel().selectedRows() or (
            [self.view.currentIndex()] if self.view.currentIndex().isValid() else []
        )
        chosen = [index.data(MailboxListModel.MAILBOX_ROLE) for index in rows]
        if chosen:
            self.chosen.emit(chosen)
            self.status.setText(f"Added {len(chosen)} to the watch list.")


class RoomDiscoveryDialog(QDialog):
    """The server's room lists and their rooms, to tick and add."""

    chosen = Signal(list, list)  # rooms: list[Mailbox], room lists: list[RoomList]

    def __init__(
        self,
        access: ProviderAccess,
        settings: Settings,
        password: str | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Discover rooms")
        self._holder = _ProviderHolder(access, settings, password)
        self._access = access
        self.model = QStandardItemModel(self)
        self.model.setHorizontalHeaderLabels(["Room list / room", "Address"])
        self.view = QTreeView(self)
        self.view.setModel(self.model)
        self.view.setAccessibleName("Room lists and rooms")
        self.view.setColumnWidth(0, 260)
        self.status = QLabel("Asking the server for its room lists…", self)
        self.status.setWordWrap(True)
        self.status.setObjectName("pageNote")
        note = QLabel(
            HIDDEN_ROOMS_NOTE
            + " Tick a room list to watch all its rooms, now and as the list changes.",
            self,
        )
        note.setWordWrap(True)
        note.setObjectName("pageNote")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.add_button = buttons.addButton("&Add ticked", QDialogButtonBox.ButtonRole.ActionRole)
        self.add_button.setEnabled(False)
        self.add_button.clicked.connect(self._add)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (self.status, self.view, note, buttons):
            layout.addWidget(widget)
        self.finished.connect(lambda _r: self._holder.close_later())
        self.resize(620, 480)
        self.lists: list[RoomList] = []

    def discover(self) -> None:
        holder, access = self._holder, self._access

        def job(_report: Any) -> list[RoomList]:
            provider = holder.get()
            if not isinstance(provider, RoomCatalog):
                raise NotSupported(
                    f"The {provider.name} provider cannot list rooms.",
                    hint="Add rooms by their address.",
                )
            return access.guarded(provider).call(lambda p: p.room_lists())  # type: ignore[attr-defined]

        run_in_thread(self, job, on_done=self._found, on_error=self._failed, name="rooms")

    def _found(self, lists: object) -> None:
        assert isinstance(lists, list)
        self.lists = lists
        for room_list in lists:
            parent = _checkable(room_list.name or room_list.address, room_list)
            for room in room_list.rooms:
                parent.appendRow([_checkable(room.display_name, room), _plain(room.address)])
            if not room_list.rooms:  # "no rooms (server says …)": data about this list
                parent.appendRow([_plain(room_list_note(room_list)), _plain("")])
            self.model.appendRow([parent, _plain(room_list.address)])
        self.view.expandAll()
        rooms = sum(len(rl.rooms) for rl in lists)
        self.status.setText(
            f"{len(lists)} room lists with {rooms} rooms. Tick what to watch."
            if lists
            else "The server has no room lists."
        )
        self.add_button.setEnabled(bool(lists))

    def _failed(self, error: BaseException) -> None:
        if isinstance(error, ProviderError):
            self.status.setText(f"{error.message} {error.hint}".strip())

    def _add(self) -> None:
        rooms: list[Mailbox] = []
        lists: list[RoomList] = []
        for row in range(self.model.rowCount()):
            parent = self.model.item(row, 0)
            if parent.checkState() == Qt.CheckState.Checked:
                lists.append(parent.data(Qt.ItemDataRole.UserRole))
            for child_row in range(parent.rowCount()):
                child = parent.child(child_row, 0)
                if child.checkState() == Qt.CheckState.Checked:
                    rooms.append(child.data(Qt.ItemDataRole.UserRole))
        if rooms or lists:
            self.chosen.emit(rooms, lists)
            self.status.setText(
                f"Added {len(rooms)} rooms and {len(lists)} room lists to the watch list."
            )


def _checkable(text: str, value: object) -> QStandardItem:
    item = QStandardItem(text)
    item.setCheckable(True)
    item.setEditable(False)
    item.setData(value, Qt.ItemDataRole.UserRole)
    return item


def _plain(text: str) -> QStandardItem:
    item = QStandardItem(text)
    item.setEditable(False)
    return item
