"""The group of watched people or rooms: the heading they come under on a grouped board.

Below the people and the rooms lists: select entries, type or pick a group, press Enter (or
**Set group**); an empty group takes them out of theirs. The group goes into the dialog's copy
through the schema like every other detail, so a group the file could not hold is refused
here with the schema's words.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QWidget

from attendant.domain import WatchEntry
from attendant.settings import validate_value

if TYPE_CHECKING:
    from attendant.ui.settings.lists import AddressList


def is_enter(event: QEvent) -> bool:
    """Whether ``event`` is Enter or Return pressed (which a field of the watch list page
    takes for itself, instead of letting the dialog's default button close the dialog)."""
    return (
        event.type() == QEvent.Type.KeyPress
        and isinstance(event, QKeyEvent)
        and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
    )


class GroupEditor(QWidget):
    """The group of the selected entries of one list: shown, typed or chosen, and set."""

    def __init__(self, owner: AddressList) -> None:
        super().__init__(owner)
        self._owner = owner
        # Two of these on one page: people and rooms answer to different Alt keys.
        self.label = QLabel("&Group:" if owner.key == "watch.people" else "Grou&p:", self)
        self.field = QComboBox(self)
        self.field.setObjectName("groupField")
        self.field.setEditable(True)
        self.field.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.field.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.field.setMinimumContentsLength(10)
        self.field.setAccessibleName(f"Group of the selected {owner.noun}")
        self.field.setToolTip(
            "The heading the selected entries come under when the board is grouped by the "
            "watch list's groups. Empty: no group."
        )
        line = self.field.lineEdit()
        assert line is not None  # an editable combo box has one
        line.setPlaceholderText("no group")
        self.field.installEventFilter(self)
        line.installEventFilter(self)
        self.label.setBuddy(self.field)
        self.button = QPushButton("Set group", self)
        self.button.setAccessibleName(f"Set the group of the selected {owner.noun}")
        self.button.clicked.connect(self.apply)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label)
        row.addWidget(self.field, 1)
        row.addWidget(self.button)
        self.setEnabled(not owner.locked)
        owner.view.selectionModel().selectionChanged.connect(self.show_selected)
        owner.model.modelReset.connect(self._refill)
        self._refill()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if is_enter(event):  # Enter sets the group; it does not close the dialog
            self.apply()
            return True
        return super().eventFilter(watched, event)

    def selected_rows(self) -> list[int]:
        view = self._owner.view
        rows = sorted({index.row() for index in view.selectionModel().selectedIndexes()})
        if not rows and view.currentIndex().isValid():
            rows = [view.currentIndex().row()]
        return rows

    def show_selected(self) -> None:
        """Show the group the selected entries share (empty when they have none or differ)."""
        entries = self._owner.entries
        groups = {_group(entries[row]) for row in self.selected_rows() if row < len(entries)}
        self.field.setEditText(groups.pop() if len(groups) == 1 else "")

    def apply(self) -> None:
        """Give the selected entries the group in the field (none when it is empty)."""
        owner = self._owner
        rows = self.selected_rows()
        if owner.locked:
            return
        if not rows:
            owner.show_message("Select the entries to put in a group first.")
            return
        group = " ".join(self.field.currentText().split()) or None
        entries = list(owner.entries)
        for row in rows:
            entry = entries[row]
            entry = entry if isinstance(entry, WatchEntry) else WatchEntry(entry)
            entries[row] = replace(entry, group=group)
        error = validate_value(owner.key, tuple(entries[row] for row in rows[:1]))
        if error is not None:
            owner.show_message(error.removeprefix("entry 1 ").split(" (got ")[0] + ".")
            return
        owner.show_message("")
        owner.session.set(owner.key, tuple(entries))
        self._reselect(rows)

    def _reselect(self, rows: list[int]) -> None:
        view = self._owner.view
        model = self._owner.model
        selection = view.selectionModel()
        view.setCurrentIndex(model.index(rows[0], 0))
        for row in rows:
            selection.select(model.index(row, 0), QItemSelectionModel.SelectionFlag.Select)

    def _refill(self) -> None:
        """Offer the groups the list already has, by name."""
        text = self.field.currentText()
        groups = sorted(
            {g for g in (_group(e) for e in self._owner.entries) if g}, key=str.casefold
        )
        self.field.blockSignals(True)
        self.field.clear()
        self.field.addItems(groups)
        self.field.setEditText(text)
        self.field.blockSignals(False)


def _group(entry: WatchEntry | str) -> str:
    return (entry.group or "") if isinstance(entry, WatchEntry) else ""
