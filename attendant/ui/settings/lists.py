"""The lists of the watch list page: addresses in a Qt model, with add and remove.

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

from attendant.settings import SCHEMA, validate_value
from attendant.ui.settings.fields import EditSession

_Index = QModelIndex | QPersistentModelIndex


class AddressListModel(QAbstractListModel):
    """The addresses of one watched list; names found meanwhile are shown beside them."""

    ADDRESS_ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(self, names: dict[str, str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._names = names
        self._addresses: tuple[str, ...] = ()

    @property
    def addresses(self) -> tuple[str, ...]:
        return self._addresses

    def set_addresses(self, addresses: tuple[str, ...]) -> None:
        if addresses == self._addresses:
            return
        self.beginResetModel()
        self._addresses = addresses
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._addresses)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._addresses):
            return None
        address = self._addresses[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            name = self._names.get(address.casefold())
            return f"{name} <{address}>" if name else address
        if role == self.ADDRESS_ROLE:
            return address
        return None


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
        self.address.returnPressed.connect(self._add_typed)
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
        for widget in (self.address, self.add_button, self.remove_button):
            widget.setEnabled(not self.locked)
        if self.locked:
            self.show_message(session.lock_note, kind="fieldLocked")
        session.changed.connect(self._on_changed)
        self.refresh()

    @property
    def addresses(self) -> tuple[str, ...]:
        return tuple(str(a) for a in self.session.get(self.key))  # type: ignore[attr-defined]

    def refresh(self) -> None:
        self.model.set_addresses(self.addresses)
        self.title.setText(f"<b>{self._spec_title}</b> ({len(self.addresses)})")

    def add(self, addresses: Iterable[str]) -> tuple[int, list[str]]:
        """Add ``addresses``; returns how many were added and the messages about the rest."""
        current = list(self.addresses)
        seen = {a.casefold() for a in current}
        problems: list[str] = []
        for address in addresses:
            address = address.strip()
            error = validate_value(self.key, (address,))
            if error is not None:
                reason = error.removeprefix("entry 1 ").split(" (got ")[0]
                problems.append(f"“{address}” {reason}")
                continue
            if address.casefold() in seen:
                problems.append(f"{address} is already in the list")
                continue
            seen.add(address.casefold())
            current.append(address)
        added = len(current) - len(self.addresses)
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
        kept = tuple(a for i, a in enumerate(self.addresses) if i not in rows)
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
