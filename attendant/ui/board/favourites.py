"""Favourites: the people and rooms the receptionist pins to the top of the board.

One key (``*``, or Ctrl+Shift+8 where ``*`` needs Shift) pins or unpins the current row, and
the row's menu offers the same. A pinned row carries a star and stays on top whatever the
sort; the favourites are remembered between runs (:class:`BoardMemory`).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QMenu, QTableView

from attendant.domain import Availability
from attendant.ui.board.actions import RowActions
from attendant.ui.board.model import DOMAIN_ROLE
from attendant.ui.board.organised import OrganisedBoard


class Favourites(QObject):
    """The ``*`` key and the "Pin to top" item of one board view."""

    toggled = Signal(str)

    def __init__(self, view: QTableView, board: OrganisedBoard, actions: RowActions) -> None:
        super().__init__(view)
        self._view = view
        self._board = board
        actions.add_section(self._fill_menu)
        view.installEventFilter(self)

    def toggle_current(self) -> None:
        index = self._view.currentIndex()
        availability = index.data(DOMAIN_ROLE)
        if not isinstance(availability, Availability):
            return
        source = self._source_row(availability)
        if source is None:
            return
        pinned = self._board.toggle_favourite(source)
        name = availability.mailbox.display_name
        self.toggled.emit(f"{name} pinned to the top" if pinned else f"{name} unpinned")
        self._reselect(availability)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._view and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_Asterisk:
                self.toggle_current()
                return True
        return False

    def _fill_menu(self, menu: QMenu, availability: Availability) -> None:
        row = self._source_row(availability)
        if row is None:
            return
        text = "Un&pin from the top" if self._board.is_favourite(row) else "&Pin to the top"
        action = menu.addAction(text)
        action.setObjectName("rowAction_favourite")
        action.setShortcut("*")
        action.triggered.connect(self.toggle_current)

    def _source_row(self, availability: Availability) -> int | None:
        key = availability.mailbox.key
        for row in range(self._board.rowCount()):
            if self._board.availability(row).mailbox.key == key:
                return row
        return None

    def _reselect(self, availability: Availability) -> None:
        model = self._view.model()
        for row in range(model.rowCount()):
            index = model.index(row, 0)
            if index.data(DOMAIN_ROLE) is availability:
                self._view.setCurrentIndex(index)
                self._view.scrollTo(index)
                return
