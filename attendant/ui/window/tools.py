"""What the window adds around its boards: the room finder, themes and zoom, the F1 sheet.

Kept out of :mod:`attendant.ui.window.main_window` so that module stays about the boards,
the search and the feed's health.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QDockWidget, QMainWindow, QMenu

from attendant.domain import Availability
from attendant.ui.board.grouping import GroupingMenu
from attendant.ui.board.model import DOMAIN_ROLE, BoardModel
from attendant.ui.board.organised import OrganisedBoard
from attendant.ui.board.panel import BoardPanel
from attendant.ui.board.room_finder import RoomFinder
from attendant.ui.window.looks import WindowLooks
from attendant.ui.window.shortcuts import ShortcutSheet


class BoardWindow(Protocol):
    """What the tools need of the main window."""

    @property
    def model(self) -> BoardModel: ...

    people: BoardPanel
    rooms: BoardPanel


class BoardTools:
    """The room finder dock (Ctrl+3, under the boards; it can be moved to the right), View ▸
    Group, Theme and Zoom, Help ▸ Keyboard shortcuts (F1)."""

    def __init__(
        self,
        window: QMainWindow,
        board: BoardWindow,
        view_menu: QMenu,
        help_menu: QMenu,
        state_file: Path | None,
    ) -> None:
        self._window = window
        self._board = board
        self.finder = RoomFinder(board.model, window)
        self.finder.room_chosen.connect(self.show_room)
        self.dock = QDockWidget("Room finder", window)
        self.dock.setObjectName("roomFinderDock")
        self.dock.setWidget(self.finder)
        self.dock.setAllowedAreas(
            Qt.DockWidgetArea.RightDockWidgetArea | Qt.DockWidgetArea.BottomDockWidgetArea
        )
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.dock)
        self.dock.hide()
        self._sized = False

        self.finder_action = QAction("Room &finder", window, checkable=True)
        self.finder_action.setShortcut(QKeySequence("Ctrl+3"))
        self.finder_action.triggered.connect(self.toggle_finder)
        self.dock.visibilityChanged.connect(self.finder_action.setChecked)
        window.addAction(self.finder_action)
        _insert(view_menu, 3, self.finder_action)
        self.grouping: GroupingMenu | None = None
        if isinstance(board.model, OrganisedBoard):  # View ▸ Group, after Only free
            self.grouping = GroupingMenu(board.model, view_menu)
            _insert(view_menu, 6, self.grouping.menuAction())

        view_menu.addSeparator()
        tables = [board.people.view, board.rooms.view, self.finder.view]
        self.looks = WindowLooks(window, board.model, tables, state_file)
        self.looks.add_to_menu(view_menu)

        # Open or closed as the receptionist left it (the window's state file).
        self._state_file = state_file
        if self._finder_was_open():
            self.toggle_finder(True, focus=False)
        self.dock.visibilityChanged.connect(self._remember_finder)

        self.shortcuts_action = QAction("&Keyboard shortcuts", window)
        self.shortcuts_action.setShortcut(QKeySequence("F1"))
        self.shortcuts_action.triggered.connect(self.show_shortcuts)
        window.addAction(self.shortcuts_action)
        _insert(help_menu, 0, self.shortcuts_action)
        self.sheet: ShortcutSheet | None = None

    def toggle_finder(self, show: bool | None = None, *, focus: bool = True) -> None:
        """Show the room finder and give it the keyboard (``focus``), or hide it."""
        visible = not self.dock.isVisible() if show is None else show
        self.dock.setVisible(visible)
        self.finder_action.setChecked(visible)
        if visible:
            if not self._sized:  # a first showing takes about a quarter of the window
                self._sized = True
                height = max(180, self._window.height() // 4)
                self._window.resizeDocks([self.dock], [height], Qt.Orientation.Vertical)
            self.dock.raise_()
            if focus:
                self.finder.focus_finder()

    def _finder_was_open(self) -> bool:
        if self._state_file is None or not self._state_file.exists():
            return False
        store = QSettings(str(self._state_file), QSettings.Format.IniFormat)
        return str(store.value("finder/open", "false")).lower() == "true"

    def _remember_finder(self, visible: bool) -> None:
        # Closing the window hides the dock too, but leaves it not hidden itself: that is
        # not the receptionist closing the finder.
        if self._state_file is None or (not visible and not self.dock.isHidden()):
            return
        self._state_file.parent.mkdir(parents=True, exist_ok=True)
        store = QSettings(str(self._state_file), QSettings.Format.IniFormat)
        store.setValue("finder/open", "true" if visible else "false")
        store.sync()

    def show_room(self, address: str) -> bool:
        """Select the room ``address`` on the rooms board and give the board the keyboard."""
        panel = self._board.rooms
        model = panel.view.model()
        folded = address.casefold()
        for row in range(model.rowCount()):
            index = model.index(row, 0)
            availability = index.data(DOMAIN_ROLE)
            if isinstance(availability, Availability) and availability.mailbox.key == folded:
                panel.view.setCurrentIndex(index)
                panel.view.scrollTo(index)
                panel.view.setFocus(Qt.FocusReason.OtherFocusReason)
                return True
        return False

    def show_shortcuts(self) -> ShortcutSheet:
        window = self._window
        actions = _menu_actions(window.menuBar().actions())
        actions += window.actions()  # keys with no menu item
        for view in window.findChildren(QAbstractItemView):  # the boards' row actions
            actions += view.actions()
        self.sheet = ShortcutSheet(actions, window)
        self.sheet.setPalette(window.palette())  # a dialog takes no palette from its parent
        self.sheet.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.sheet.destroyed.connect(lambda *_: setattr(self, "sheet", None))
        self.sheet.open()
        return self.sheet


def _insert(menu: QMenu, position: int, action: QAction) -> None:
    """Put ``action`` at ``position`` in ``menu`` (at the end if the menu is shorter)."""
    actions = menu.actions()
    if position < len(actions):
        menu.insertAction(actions[position], action)
    else:
        menu.addAction(action)


def _menu_actions(actions: list[QAction]) -> list[QAction]:
    """Every action of the menus, depth first, in the order the menus show them."""
    found: list[QAction] = []
    for action in actions:
        menu = action.menu()
        if isinstance(menu, QMenu):
            found.extend(_menu_actions(menu.actions()))
        elif not action.isSeparator():
            found.append(action)
    return found
