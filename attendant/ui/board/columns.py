"""Which columns a board shows, in which order, and the header menu that changes it.

Presence sits beside the status; the contact columns (phone, mobile, department, job title)
sit before the day's timeline. A contact column is shown once the user asks for it in the
header's menu, so an empty column never takes the timeline's room (grouped by department, each
department's heading says it). What the user chooses in the header's menu is kept
in :class:`BoardMemory`.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QHeaderView, QMenu, QTableView

from attendant.ui.board.cells import CONTACT_COLUMNS, HEADERS, Column
from attendant.ui.board.grouping import add_grouping_actions
from attendant.ui.board.organised import OrganisedBoard
from attendant.ui.board.remembered import BoardMemory

#: Left to right.
VISUAL_ORDER = (
    Column.NAME,
    Column.STATUS,
    Column.PRESENCE,
    Column.UNTIL,
    Column.NEXT_FREE,
    Column.NOW,
    Column.PHONE,
    Column.MOBILE,
    Column.DEPARTMENT,
    Column.JOB_TITLE,
    Column.TODAY,
)
WIDTHS = {
    Column.PRESENCE: 110,
    Column.PHONE: 120,
    Column.MOBILE: 120,
    Column.DEPARTMENT: 110,
    Column.JOB_TITLE: 130,
}


def key_of(column: Column) -> str:
    return column.name.lower()


class BoardColumns:
    """Arranges one board's columns and lets the user hide and show them."""

    def __init__(
        self,
        view: QTableView,
        board: OrganisedBoard,
        memory: BoardMemory,
        name: str,
        *,
        never: tuple[Column, ...] = (),
    ) -> None:
        self._view = view
        self._board = board
        self._memory = memory
        self._name = name
        self._never = frozenset(never)
        self.menu: QMenu | None = None
        header = view.horizontalHeader()
        for visual, column in enumerate(VISUAL_ORDER):
            header.moveSection(header.visualIndex(column), visual)
        for column, width in WIDTHS.items():
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            view.setColumnWidth(column, width)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._open_menu)
        board.modelReset.connect(self.refresh)
        board.presence_changed.connect(self.refresh)
        board.arrangement_changed.connect(self.refresh)
        board.presence_updated.connect(self._repaint_presence)
        self.refresh()
        self._restore_sort()
        header.sortIndicatorChanged.connect(self._remember_sort)

    def hideable(self) -> list[Column]:
        return [c for c in VISUAL_ORDER if c is not Column.NAME and c not in self._never]

    def shown(self, column: Column) -> bool:
        """Whether ``column`` is shown: the user's choice, else whether it has something."""
        if column in self._never:
            return False
        chosen = self._memory.columns.get(self._name, {}).get(key_of(column))
        if chosen is not None:
            return chosen
        if column is Column.PRESENCE:
            return self._board.has_presence()
        # Contact columns are hidden until asked for: at 150 % even a full-HD screen has no
        # room for a phone column beside the day's timeline, and the details pane shows it.
        return column not in CONTACT_COLUMNS

    def refresh(self) -> None:
        for column in Column:
            hidden = not self.shown(column)
            if self._view.isColumnHidden(column) != hidden:
                self._view.setColumnHidden(column, hidden)

    def choose(self, column: Column, shown: bool) -> None:
        self._memory.choose_column(self._name, key_of(column), shown)
        self.refresh()

    def _open_menu(self, pos: QPoint) -> None:
        header = self._view.horizontalHeader()
        menu = self.menu = QMenu(header)
        menu.setObjectName("columnsMenu")
        title = menu.addAction("Columns")
        title.setEnabled(False)
        for column in self.hideable():
            action = menu.addAction(HEADERS[column])
            action.setObjectName(f"column_{key_of(column)}")
            action.setCheckable(True)
            action.setChecked(self.shown(column))
            action.toggled.connect(lambda on, c=column: self.choose(c, on))
        menu.addSeparator()
        add_grouping_actions(menu, self._board, department=Column.DEPARTMENT not in self._never)
        menu.popup(header.mapToGlobal(pos))

    def _repaint_presence(self) -> None:
        view = self._view
        if view.isColumnHidden(Column.PRESENCE):
            return
        viewport = view.viewport()
        x = view.columnViewportPosition(Column.PRESENCE)
        viewport.update(QRect(x, 0, view.columnWidth(Column.PRESENCE), viewport.height()))

    def _restore_sort(self) -> None:
        if self._memory.sort is None:
            return
        by, descending = self._memory.sort
        column = next((c for c in Column if key_of(c) == by), None)
        if column is not None:
            order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
            self._view.horizontalHeader().setSortIndicator(column, order)

    def _remember_sort(self, section: int, order: Qt.SortOrder) -> None:
        if 0 <= section < len(Column):
            descending = order == Qt.SortOrder.DescendingOrder
            if self._memory.sort != (key_of(Column(section)), descending):
                self._memory.sort = (key_of(Column(section)), descending)
                self._memory.save()
