"""The lists of the watch list page: entries in a Qt model, with add and remove.

Every change goes into the dialog's copy through the schema (addresses checked, repeats
refused, case ignored); a list the machine-wide file locks is read-only. Everything works from
the keyboard: Delete removes the selected entries, Enter in the address field adds it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from attendant.domain import WatchEntry
from attendant.settings import SCHEMA, validate_value
from attendant.ui.settings.entry_group import GroupEditor, is_enter
from attendant.ui.settings.fields import EditSession

_Index = QModelIndex | QPersistentModelIndex


class AddressListModel(QAbstractListModel):
    """The entries of one watched list; names found meanwhile are shown beside them.

    An entry is an address (room lists) or a :class:`WatchEntry` with what the admin wrote
    about the person or room; its details are kept as they are and shown in the tooltip.
    """

    ADDRESS_ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(self, names: dict[str, str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._names = names
        self._entries: tuple[WatchEntry | str, ...] = ()

    @property
    def addresses(self) -> tuple[str, ...]:
        return tuple(address_of(entry) for entry in self._entries)

    def set_entries(self, entries: tuple[WatchEntry | str, ...]) -> None:
        if entries == self._entries:
            return
        self.beginResetModel()
        self._entries = entries
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._entries)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._entries):
            return None
        entry = self._entries[index.row()]
        address = address_of(entry)
        name = entry.name if isinstance(entry, WatchEntry) else None
        name = name or self._names.get(address.casefold())
        label = f"{name} <{address}>" if name else address
        if role == Qt.ItemDataRole.DisplayRole:
            group = entry.group if isinstance(entry, WatchEntry) else None
            return f"[{group}]  {label}" if group else label  # first: a long address hides the end
        if role == Qt.ItemDataRole.ToolTipRole:
            if not isinstance(entry, WatchEntry):
                return label
            details = [
                f"{_DETAIL_TITLES.get(key, key)}: {value}"
                for key, value in entry.details().items()
                if key != "name"
            ]
            return "\n".join([label, *details])
        if role == self.ADDRESS_ROLE:
            return address
        return None


_DETAIL_TITLES = {
    "phone": "Phone",
    "mobile": "Mobile",
    "department": "Department",
    "job_title": "Job title",
    "capacity": "Seats",
    "building": "Building",
    "floor": "Floor",
    "group": "Group",
}


def address_of(entry: WatchEntry | str) -> str:
    """The address of a watch entry or of a plain address."""
    return entry.address if isinstance(entry, WatchEntry) else entry


class AddressList(QWidget):
    """One list of the watch list (``watch.people``, ``watch.rooms``, ``watch.room_lists``)."""

    def __init__(
        self,
        key: str,
        session: EditSession,
        names: dict[str, str],
        *,
        placeholder: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.key = key
        self.session = session
        self._names = names
        spec = SCHEMA[key]
        self._details = bool(spec.details)
        #: What the entries are, for the names a screen reader says ("people", "rooms").
        self.noun = spec.title.lower()
        self.title = QLabel(self)
        self.title.setObjectName("listTitle")
        self.model = AddressListModel(names, self)
        self.view = QListView(self)
        self.view.setModel(self.model)
        self.view.setAccessibleName(spec.title)
        self.view.setToolTip(spec.description)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.installEventFilter(self)
        self.title.setBuddy(self.view)
        self.address = QLineEdit(self)
        self.address.setPlaceholderText(placeholder)
        self.address.setAccessibleName(f"Add to {spec.title} by address")
        self.address.installEventFilter(self)  # Enter adds (and does not close the dialog)
        self.address.textChanged.connect(lambda _t: self.show_message(""))
        self.add_button = QPushButton("Add", self)
        self.add_button.setAccessibleName(f"Add to {spec.title}")
        self.add_button.clicked.connect(self._add_typed)
        self.remove_button = QPushButton("Remove", self)
        self.remove_button.setAccessibleName(f"Remove from {spec.title}")
        self.remove_button.clicked.connect(self.remove_selected)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.hide()
        add_row = QHBoxLayout()
        add_row.addWidget(self.address, 1)
        add_row.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.view, 1)
        layout.addLayout(add_row)
        layout.addWidget(self.message)
        layout.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignLeft)
        self._spec_title = spec.title
        self.locked = session.is_locked(key)
        self.group: GroupEditor | None = None
        if "group" in spec.details:
            self.group = GroupEditor(self)
            layout.insertWidget(layout.indexOf(self.remove_button), self.group)
            QWidget.setTabOrder(self.add_button, self.group.field)  # Tab goes as they are seen
            QWidget.setTabOrder(self.group.button, self.remove_button)
        for widget in (self.address, self.add_button, self.remove_button):
            widget.setEnabled(not self.locked)
        if self.locked:
            self.show_message(session.lock_note, kind="fieldLocked")
        session.changed.connect(self._on_changed)
        self.refresh()

    @property
    def entries(self) -> tuple[WatchEntry | str, ...]:
        """The list as the dialog's copy holds it: entries with details, or addresses."""
        value = self.session.get(self.key)
        assert isinstance(value, tuple)
        return value

    @property
    def addresses(self) -> tuple[str, ...]:
        return tuple(address_of(entry) for entry in self.entries)

    def refresh(self) -> None:
        self.model.set_entries(self.entries)
        self.title.setText(f"<b>{self._spec_title}</b> ({len(self.entries)})")

    def add(self, entries: Iterable[WatchEntry | str]) -> tuple[int, list[str]]:
        """Add ``entries`` (addresses, or entries with details); returns how many were added
        and the messages about the rest. Entries already in the list are left as they are."""
        current = list(self.entries)
        seen = {address_of(entry).casefold() for entry in current}
        problems: list[str] = []
        for entry in entries:
            if isinstance(entry, str):
                entry = entry.strip()
            address = address_of(entry)
            error = validate_value(self.key, (address,))
            if error is None and isinstance(entry, WatchEntry):
                error = validate_value(self.key, (entry,))
            if error is not None:
                reason = error.removeprefix("entry 1 ").split(" (got ")[0]
                problems.append(f"“{address}” {reason}")
                continue
            if address.casefold() in seen:
                problems.append(f"{address} is already in the list")
                continue
            seen.add(address.casefold())
            if self._details and isinstance(entry, str):
                entry = WatchEntry(entry)
            current.append(entry)
        added = len(current) - len(self.entries)
        if added and not self.locked:
            self.session.set(self.key, tuple(current))
        return added, problems

    def remove_selected(self) -> None:
        if self.locked:
            return
        rows = sorted({index.row() for index in self.view.selectionModel().selectedIndexes()})
        if not rows and self.view.currentIndex().isValid():
            rows = [self.view.currentIndex().row()]
        if not rows:
            return
        kept = tuple(entry for i, entry in enumerate(self.entries) if i not in rows)
        self.session.set(self.key, kept)
        if kept:
            self.view.setCurrentIndex(self.model.index(min(rows[0], len(kept) - 1), 0))

    def show_message(self, text: str, *, kind: str = "fieldError") -> None:
        if self.locked and not text:
            text, kind = self.session.lock_note, "fieldLocked"
        self.message.setObjectName(kind)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                self.remove_selected()
                return True
        if watched is self.address and is_enter(event):
            self._add_typed()
            return True
        return super().eventFilter(watched, event)

    def _add_typed(self) -> None:
        text = self.address.text().strip()
        if not text:
            return
        added, problems = self.add([text])
        if added:
            self.address.clear()
        self.show_message("; ".join(problems) + "." if problems else "")

    def _on_changed(self, key: str) -> None:
        if key == self.key:
            self.refresh()
