"""The receptionist's choice of grouping, offered where she looks for it.

The column titles' menu (right click) and View ▸ Group offer the same choices: by department,
or by the groups the admin wrote in the watch list (``group`` of a watch entry). Choosing the
one already chosen takes the grouping off. The choice is the board's (:class:`BoardMemory`
remembers it), so every place that offers it shows the same.
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu

from attendant.ui.board.organised import OrganisedBoard

#: The groupings offered: the words of the column titles' menu, of View ▸ Group, object names.
CHOICES: tuple[tuple[str, str, str, str], ...] = (
    ("department", "&Group by department", "By &department", "groupByDepartment"),
    (
        "group",
        "Group by the watch list's g&roups",
        "By the watch list's &groups",
        "groupByWatchGroup",
    ),
)


def add_grouping_actions(
    menu: QMenu, board: OrganisedBoard, *, department: bool = True, short: bool = False
) -> list[QAction]:
    """Checkable actions in ``menu``, one a grouping, at most one checked; unchecking the
    checked one takes the grouping off. ``department=False`` leaves that one out (rooms);
    ``short`` words suit a menu that is called Group."""
    group = QActionGroup(menu)
    group.setExclusionPolicy(QActionGroup.ExclusionPolicy.ExclusiveOptional)
    actions: list[QAction] = []
    for grouping, long_words, short_words, name in CHOICES:
        if grouping == "department" and not department:
            continue
        action = menu.addAction(short_words if short else long_words)
        action.setObjectName(name)
        action.setCheckable(True)
        action.setChecked(board.memory.grouping == grouping)
        group.addAction(action)
        action.toggled.connect(lambda on, g=grouping: _choose(board, g, on))
        actions.append(action)
    return actions


def _choose(board: OrganisedBoard, grouping: str, on: bool) -> None:
    if on:
        board.set_grouping(grouping)
    elif board.memory.grouping == grouping:
        board.set_grouping("none")


class GroupingMenu(QMenu):
    """View ▸ Group: the same choices as the column titles' menu, kept in step with the board."""

    def __init__(self, board: OrganisedBoard, parent: QMenu) -> None:
        super().__init__("&Group", parent)
        self.setObjectName("groupingMenu")
        self._board = board
        self.aboutToShow.connect(self._fill)
        self._fill()

    def _fill(self) -> None:
        for old in self.findChildren(QActionGroup):
            old.deleteLater()
        self.clear()
        add_grouping_actions(self, self._board, short=True)
