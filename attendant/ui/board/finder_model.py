"""The room finder's list: the rooms of one result, best first, as its table shows them."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import QWidget

from attendant.domain import Status
from attendant.services.room_finder import FinderResult, FreeRoom, duration_words, room_place
from attendant.ui.board.model import BoardModel
from attendant.ui.board.roles import answer_roles
from attendant.ui.common import formatting as fmt

HEADERS = ("Room", "Seats", "Where", "Free for", "Until")


_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_ACCESSIBLE = int(Qt.ItemDataRole.AccessibleTextRole)
_DECORATION = int(Qt.ItemDataRole.DecorationRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class FinderModel(QAbstractTableModel):
    """The rooms of one :class:`FinderResult`, in its order (best first).

    A row's texts are worked out once per result, when first shown, and a paint asks for
    every role of a cell in one call (:meth:`multiData`): the standard delegate asks each
    cell for seven roles, one call into Python each, which made the list's repaint after a
    refresh most of a frame.
    """

    def __init__(self, board: BoardModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._board = board
        self.result: FinderResult | None = None
        self._texts: dict[int, tuple[str, ...]] = {}

    @property
    def rooms(self) -> tuple[FreeRoom, ...]:
        return self.result.rooms if self.result is not None else ()

    def set_result(self, result: FinderResult | None) -> None:
        """Show ``result``. The same rooms (a refresh, a tick) keep their rows: only those
        shown whose texts now read differently ("free for" counts down) are repainted."""
        old, shown = self.result, self._texts
        if old is None or result is None or old.rooms != result.rooms:
            self.beginResetModel()
            self.result = result
            self._texts = {}
            self.endResetModel()
            return
        self.result = result
        self._texts = {}
        changed = [row for row, texts in shown.items() if self._row_texts(result, row) != texts]
        if changed:
            last = len(HEADERS) - 1
            self.dataChanged.emit(self.index(min(changed), 0), self.index(max(changed), last))

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(self.rooms)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> int:
        return 0 if parent is not None and parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(HEADERS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if role == Qt.ItemDataRole.TextAlignmentRole and section == 1:  # numbers, like the cells
            return _RIGHT
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        result = self.result
        row = index.row()
        if result is None or not index.isValid() or row >= len(result.rooms):
            return None
        return self._answer(result, row, index.column(), int(role))

    def multiData(
        self, index: QModelIndex | QPersistentModelIndex, span: QModelRoleDataSpan | QModelRoleData
    ) -> None:
        """Every role a delegate asks of a cell, in one call (roles.answer_roles)."""
        result = self.result
        row = index.row()
        if result is None or not index.isValid() or row >= len(result.rooms):
            answer_roles(span, lambda role: None)
            return
        column = index.column()
        answer_roles(span, lambda role: self._answer(result, row, column, role))

    def _answer(self, result: FinderResult, row: int, column: int, role: int) -> Any:
        if role in (_DISPLAY, _ACCESSIBLE):
            texts = self._texts.get(row)
            if texts is None:
                texts = self._row_texts(result, row)
            return texts[column]
        if role == _DECORATION and column == 0:
            return self._board.looks.icons[Status.FREE]
        if role == _TOOLTIP:
            return fmt.mailbox_tooltip(result.rooms[row].mailbox)
        if role == _ALIGNMENT and column == 1:
            return _RIGHT
        return None

    def _row_texts(self, result: FinderResult, row: int) -> tuple[str, ...]:
        room = result.rooms[row]
        texts = self._texts[row] = tuple(self._text(result, room, c) for c in range(len(HEADERS)))
        return texts

    def _text(self, result: FinderResult, room: FreeRoom, column: int) -> str:
        mailbox = room.mailbox
        if column == 0:
            return mailbox.display_name
        if column == 1:
            return "" if mailbox.capacity is None else str(mailbox.capacity)
        if column == 2:
            return room_place(mailbox)
        if column == 3:
            if room.free_until is None:
                return "rest of the day"
            return duration_words(result.free_for(room))
        if room.free_until is None:
            return "—"
        return fmt.short_time(room.free_until, result.at, self._board.tz)
