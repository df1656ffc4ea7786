"""Grouping by the watch list's groups, and the group headings, on real widgets.

The admin's groups (``group`` of a watch entry) arrive on the mailboxes; the receptionist
groups the board from the column titles' menu or View ▸ Group. Each group is introduced by a
heading with its count; the keyboard goes from person to person past it, a click on it selects
nobody, sorting and search keep it with its rows, and a screen reader hears it.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from office_day import TZ, FakeClock, FakeFeed, at, ok_state, shown
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAccessible, QContextMenuEvent, QStandardItemModel
from PySide6.QtWidgets import QApplication, QHeaderView, QTableView

from attendant.domain import (
    Availability,
    BusyType,
    Event,
    Mailbox,
    MailboxKind,
    Snapshot,
    Window,
)
from attendant.ui.board.headings import HeadingDelegate, taller_rows
from attendant.ui.board.model import DOMAIN_ROLE, Column
from attendant.ui.board.timeline import TimelineDelegate
from attendant.ui.window.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support raise\(\)",
    "This plugin does not support grabbing the keyboard",
)

#: (name, department, the admin's group)
PEOPLE = (
    ("Anna Becker", "Sales", "Front desk"),
    ("Bruno Meyer", "IT", None),
    ("Carla Rossi", "Finance", "Management"),
    ("Dieter Vogel", "Sales", "front desk"),  # the same group, written otherwise
    ("Eva Lind", "HR", None),
    ("Greta Berg", "Legal", "Management"),
    ("Hugo Laurent", "Support", "Front desk"),
)


#: Meetings: Anna busy 10:00–11:00, Carla 10:30–12:00, Hugo 9:00–10:30.
MEETINGS = {
    "Anna Becker": (at(10), at(11)),
    "Carla Rossi": (at(10, 30), at(12)),
    "Hugo Laurent": (at(9), at(10, 30)),
}


def _snapshot(people=PEOPLE, rooms=(("Room 4", "Ground floor"), ("Room 6", None))) -> Snapshot:
    entries = [
        Availability(
            Mailbox(
                f"{name.split()[0].lower()}@contoso.com",
                name,
                MailboxKind.PERSON,
                department=department,
                group=group,
            ),
            (Event(*MEETINGS[name], BusyType.BUSY),) if name in MEETINGS else (),
        )
        for name, department, group in people
    ]
    entries += [
        Availability(
            Mailbox(f"room.{name.split()[1]}@contoso.com", name, MailboxKind.ROOM, group=group)
        )
        for name, group in rooms
    ]
    return Snapshot(Window(at(0), at(0, days=1)), at(10), tuple(entries))


@pytest.fixture
def feed() -> FakeFeed:
    return FakeFeed(ok_state(_snapshot()))


@pytest.fixture
def board_file(tmp_path: Path) -> Path:
    return tmp_path / "state" / "board.json"


def open_window(qtbot, clock: FakeClock, board_file: Path, feed: FakeFeed) -> MainWindow:
    win = MainWindow(feed, clock=clock, provider_title="Demo", tz=TZ, board_file=board_file)
    return shown(qtbot, win, (1366, 768))


def grouped_window(qtbot, clock: FakeClock, board_file: Path, feed: FakeFeed) -> MainWindow:
    """The window as a receptionist left it grouped by the watch list's groups."""
    board_file.parent.mkdir(parents=True)
    board_file.write_text(json.dumps({"group": "group"}), encoding="utf-8")
    win = open_window(qtbot, clock, board_file, feed)
    qtbot.waitUntil(lambda: bool(win.people.headings.starts), timeout=2000)
    return win


def names(win: MainWindow) -> list[str]:
    proxy = win.people.proxy
    return [proxy.index(r, Column.NAME).data() for r in range(proxy.rowCount())]


def group_by_watch_list_groups(qtbot, win: MainWindow) -> None:
    """The column titles' menu (a right click), then its "by the watch list's groups"."""
    header = win.people.view.horizontalHeader()
    at = QPoint(40, 8)
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, at, header.viewport().mapToGlobal(at))
    QApplication.sendEvent(header.viewport(), event)
    menu = win.people.columns.menu
    assert menu is not None
    action = next(a for a in menu.actions() if a.objectName() == "groupByWatchGroup")
    assert not action.isChecked()
    action.trigger()
    menu.close()


GROUPED = [
    "Anna Becker",  # Front desk
    "Dieter Vogel",
    "Hugo Laurent",
    "Carla Rossi",  # Management
    "Greta Berg",
    "Bruno Meyer",  # No group
    "Eva Lind",
]


def test_grouping_by_the_watch_lists_groups_with_headings(
    qtbot, clock: FakeClock, feed: FakeFeed, board_file: Path
) -> None:
    win = open_window(qtbot, clock, board_file, feed)
    view = win.people.view
    assert win.people.headings.starts == {}  # not grouped: no headings, nothing wrapped
    assert isinstance(view.itemDelegateForColumn(Column.TODAY), TimelineDelegate)
    group_by_watch_list_groups(qtbot, win)
    qtbot.waitUntil(lambda: bool(win.people.headings.starts), timeout=2000)
    assert names(win) == GROUPED
    assert win.people.headings.starts == {
        0: "Front desk · 3",
        3: "Management · 2",
        5: "No group · 2",
    }
    height = view.rowHeight(1)
    assert [view.rowHeight(r) > height for r in range(7)] == [
        True, False, False, True, False, True, False,
    ]  # fmt: skip
    assert isinstance(view.itemDelegateForColumn(Column.TODAY), HeadingDelegate)
    assert json.loads(board_file.read_text(encoding="utf-8"))["group"] == "group"
    # The rooms board has groups too; grouping by department would give it none.
    assert win.rooms.headings.starts == {0: "Ground floor · 1", 1: "No group · 1"}
    win.close()

    again = open_window(qtbot, clock, board_file, feed)
    qtbot.waitUntil(lambda: bool(again.people.headings.starts), timeout=2000)
    assert names(again) == GROUPED  # remembered
    # View ▸ Group offers the same choices; taking the grouping off there removes the headings.
    grouping = again.tools.grouping
    assert grouping is not None
    grouping.aboutToShow.emit()
    chosen = {a.objectName(): a.isChecked() for a in grouping.actions()}
    assert chosen == {"groupByDepartment": False, "groupByWatchGroup": True}
    next(a for a in grouping.actions() if a.objectName() == "groupByDepartment").trigger()
    qtbot.waitUntil(lambda: again.people.headings.starts.get(0) == "Finance · 1", timeout=2000)
    assert again.rooms.headings.starts == {}  # no room has a department: no lone heading
    grouping.aboutToShow.emit()
    next(a for a in grouping.actions() if a.objectName() == "groupByDepartment").trigger()
    qtbot.waitUntil(lambda: not again.people.headings.starts, timeout=2000)
    assert len({again.people.view.rowHeight(r) for r in range(7)}) == 1
    assert isinstance(again.people.view.itemDelegateForColumn(Column.TODAY), TimelineDelegate)


def test_the_keyboard_and_the_mouse_pass_the_headings(
    qtbot, clock: FakeClock, feed: FakeFeed, board_file: Path
) -> None:
    board_file.parent.mkdir(parents=True)
    board_file.write_text(json.dumps({"group": "group"}), encoding="utf-8")
    win = open_window(qtbot, clock, board_file, feed)
    view = win.people.view
    qtbot.waitUntil(lambda: bool(win.people.headings.starts), timeout=2000)
    win.people.focus_board()
    assert view.currentIndex().data() == "Anna Becker"
    for expected in GROUPED[1:]:  # Down from person to person, over the headings
        qtbot.keyClick(view, Qt.Key.Key_Down)
        assert view.currentIndex().data() == expected
    qtbot.keyClick(view, Qt.Key.Key_Home)
    assert view.currentIndex().siblingAtColumn(Column.NAME).data() == "Anna Becker"
    qtbot.keyClick(view, Qt.Key.Key_End)
    assert view.currentIndex().siblingAtColumn(Column.NAME).data() == "Eva Lind"

    # A click on the "Management" heading selects nobody; a click on the row under it does.
    top = view.rowViewportPosition(3)
    band = win.people.headings.band
    assert band > 0 and view.rowHeight(3) == view.rowHeight(4) + band
    x = view.columnViewportPosition(Column.UNTIL) + 5
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, top + band // 2))
    assert view.currentIndex().siblingAtColumn(Column.NAME).data() == "Eva Lind"
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, top + band + 4))
    assert view.currentIndex().row() == 3
    assert view.currentIndex().siblingAtColumn(Column.NAME).data() == "Carla Rossi"
    assert win.people.headings.heading_under(QPoint(x, top + 2)) == "Management · 2"
    # A right click on a heading opens no row's menu; on the row under it, that row's.
    in_band = QPoint(x, top + band // 2)
    QApplication.sendEvent(
        view.viewport(),
        QContextMenuEvent(
            QContextMenuEvent.Reason.Mouse, in_band, view.viewport().mapToGlobal(in_band)
        ),
    )
    assert win.people.row_actions.menu is None
    below = QPoint(x, top + band + 4)
    QApplication.sendEvent(
        view.viewport(),
        QContextMenuEvent(
            QContextMenuEvent.Reason.Mouse, below, view.viewport().mapToGlobal(below)
        ),
    )
    menu = win.people.row_actions.menu
    assert menu is not None and menu.isVisible()
    menu.close()

    # `*` pins Carla: she leaves Management for "Pinned" at the top, and the cursor follows.
    qtbot.keyClick(view, Qt.Key.Key_Asterisk)
    qtbot.waitUntil(lambda: win.people.headings.starts.get(0) == "Pinned · 1", timeout=2000)
    assert view.currentIndex().row() == 0
    assert view.currentIndex().siblingAtColumn(Column.NAME).data() == "Carla Rossi"
    assert win.people.headings.starts[4] == "Management · 1"


def test_search_and_sorting_keep_each_heading_with_its_rows(
    qtbot, clock: FakeClock, feed: FakeFeed, board_file: Path
) -> None:
    win = grouped_window(qtbot, clock, board_file, feed)
    headings = win.people.headings

    win.search.setFocus()
    qtbot.keyClicks(win.search, "Greta")
    qtbot.waitUntil(lambda: names(win) == ["Greta Berg"], timeout=2000)
    qtbot.waitUntil(lambda: headings.starts == {0: "Management · 1"}, timeout=2000)
    win.search.clear()
    qtbot.keyClicks(win.search, "sales")  # Anna and Dieter; Hugo (Support) is left out
    qtbot.waitUntil(lambda: names(win) == ["Anna Becker", "Dieter Vogel"], timeout=2000)
    qtbot.waitUntil(lambda: headings.starts == {0: "Front desk · 2"}, timeout=2000)
    win.search.clear()
    qtbot.waitUntil(lambda: len(names(win)) == 7, timeout=2000)

    # Name, descending: the groups stay in their order, the rows within them turn round.
    view = win.people.view
    header = view.horizontalHeader()
    x = header.sectionViewportPosition(Column.NAME) + 10
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 8))
    qtbot.waitUntil(lambda: names(win)[0] == "Hugo Laurent", timeout=2000)
    assert names(win) == [
        "Hugo Laurent", "Dieter Vogel", "Anna Becker",
        "Greta Berg", "Carla Rossi",
        "Eva Lind", "Bruno Meyer",
    ]  # fmt: skip
    qtbot.waitUntil(
        lambda: headings.starts == {0: "Front desk · 3", 3: "Management · 2", 5: "No group · 2"},
        timeout=2000,
    )


def test_a_screen_reader_hears_the_heading_with_the_first_row(
    qtbot, clock: FakeClock, feed: FakeFeed, board_file: Path
) -> None:
    board_file.parent.mkdir(parents=True)
    board_file.write_text(
        json.dumps({"group": "group", "favourites": ["eva@contoso.com"]}), encoding="utf-8"
    )
    win = open_window(qtbot, clock, board_file, feed)
    headings = win.people.headings
    qtbot.waitUntil(lambda: bool(headings.starts), timeout=2000)
    assert headings.starts[0] == "Pinned · 1"  # the favourite, above every group
    proxy = win.people.proxy
    role = Qt.ItemDataRole.AccessibleTextRole
    assert proxy.index(0, Column.NAME).data(role) == "Pinned, 1 person: Eva Lind"
    assert proxy.index(1, Column.NAME).data(role) == "Front desk, 3 people: Anna Becker"
    assert proxy.index(2, Column.NAME).data(role) is None  # said as shown
    assert win.rooms.proxy.index(0, Column.NAME).data(role) == "Ground floor, 1 room: Room 4"
    table = QAccessible.queryAccessibleInterface(win.people.view)
    assert table is not None
    view = win.people.view
    rect = view.visualRect(proxy.index(1, Column.NAME))
    cell = table.childAt(*view.viewport().mapToGlobal(rect.center()).toTuple())
    assert cell is not None
    assert cell.text(QAccessible.Text.Name) == "Front desk, 3 people: Anna Becker"


def test_a_changed_group_in_a_refresh_moves_the_row(
    qtbot, clock: FakeClock, feed: FakeFeed, board_file: Path
) -> None:
    win = grouped_window(qtbot, clock, board_file, feed)
    headings = win.people.headings
    moved = tuple(
        (n, d, "Management" if n == "Eva Lind" else g) for n, d, g in PEOPLE
    )  # the admin put Eva in Management; the same people, in the same order
    feed.publish(replace(feed.state, snapshot=_snapshot(moved)))
    qtbot.waitUntil(lambda: headings.starts.get(3) == "Management · 3", timeout=2000)
    assert names(win)[3:6] == ["Carla Rossi", "Eva Lind", "Greta Berg"]
    assert headings.starts[6] == "No group · 1"


def test_the_headings_follow_the_zoom(
    qtbot, clock: FakeClock, feed: FakeFeed, board_file: Path
) -> None:
    board_file.parent.mkdir(parents=True)
    board_file.write_text(json.dumps({"group": "group"}), encoding="utf-8")
    win = open_window(qtbot, clock, board_file, feed)
    view = win.people.view
    headings = win.people.headings
    qtbot.waitUntil(lambda: bool(headings.starts), timeout=2000)
    row, band = view.rowHeight(1), headings.band
    ctrl = Qt.KeyboardModifier.ControlModifier
    qtbot.keyClick(win, Qt.Key.Key_Plus, ctrl)
    qtbot.keyClick(win, Qt.Key.Key_Plus, ctrl)
    assert win.tools.looks.zoom == 125
    qtbot.waitUntil(lambda: headings.band > band, timeout=2000)
    bigger = view.rowHeight(1)
    assert bigger > row
    assert [view.rowHeight(r) for r in range(7)] == [
        bigger + headings.band if r in (0, 3, 5) else bigger for r in range(7)
    ]
    qtbot.keyClick(win, Qt.Key.Key_0, ctrl)
    qtbot.waitUntil(lambda: headings.band == band, timeout=2000)
    assert view.rowHeight(0) == row + band and view.rowHeight(1) == row


def test_taller_rows_are_found_without_asking_each_row(qtbot) -> None:
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(QStandardItemModel(3000, 2, view))
    rows = view.verticalHeader()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setMinimumSectionSize(20)
    rows.setDefaultSectionSize(20)
    assert taller_rows(rows, 20) == []
    for picks in ([0], [2999], [0, 1, 2], [5, 700, 701, 2998, 2999], list(range(0, 3000, 97))):
        for row in picks:
            rows.resizeSection(row, 20 + 1 + row % 17)
        assert taller_rows(rows, 20) == picks
        for row in picks:
            rows.resizeSection(row, 20)
    rows.resizeSection(40, 44)
    rows.setDefaultSectionSize(30)  # a zoom: the row resized by hand keeps its height
    rows.setMinimumSectionSize(30)
    assert taller_rows(rows, 30) == [40]


def expected_headings(win: MainWindow) -> dict[int, str]:
    """The headings the rows shown call for: a new group's first row, its count of rows shown."""
    proxy = win.people.proxy
    groups = [
        (proxy.index(r, 0).data(DOMAIN_ROLE).mailbox.group or "No group").casefold()
        for r in range(proxy.rowCount())
    ]
    spelt = {"front desk": "Front desk", "management": "Management", "no group": "No group"}
    return {
        row: f"{spelt[group]} · {groups.count(group)}"
        for row, group in enumerate(groups)
        if row == 0 or groups[row - 1] != group
    }


def test_only_free_as_the_statuses_change_keeps_the_headings_true(
    qtbot, clock: FakeClock, feed: FakeFeed, board_file: Path
) -> None:
    board_file.parent.mkdir(parents=True)
    board_file.write_text(json.dumps({"group": "group"}), encoding="utf-8")
    win = open_window(qtbot, clock, board_file, feed)  # 10:15: Anna and Hugo are busy
    headings = win.people.headings
    qtbot.waitUntil(lambda: bool(headings.starts), timeout=2000)
    qtbot.mouseClick(win.only_free, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Anna Becker" not in names(win), timeout=2000)
    assert names(win) == ["Dieter Vogel", "Carla Rossi", "Greta Berg", "Bruno Meyer", "Eva Lind"]
    qtbot.waitUntil(lambda: headings.starts == expected_headings(win), timeout=2000)
    assert headings.starts[0] == "Front desk · 1"
    for minutes in (20, 30):  # 10:35: Hugo free, Carla busy; 11:05: Anna free too
        clock.advance(minutes=minutes)
        win.model.tick()
        qtbot.waitUntil(win.model.is_evaluated, timeout=2000)
        qtbot.waitUntil(lambda: headings.starts == expected_headings(win), timeout=2000)
    assert names(win)[:3] == ["Anna Becker", "Dieter Vogel", "Hugo Laurent"]
    assert headings.starts[0] == "Front desk · 3" and headings.starts[3] == "Management · 1"
