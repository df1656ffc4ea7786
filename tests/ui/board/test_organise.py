"""Organising the day on real widgets: favourites, columns, grouping, sort, Teams presence.

What the receptionist sets up is remembered in the state folder (board.json), not in the
settings file; a second window on the same file finds it again.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from office_day import TZ, FakeClock, FakeFeed, at, office_day, ok_state, shown
from PySide6.QtCore import Qt

from attendant.domain import Availability, BusyType, Event, Mailbox, MailboxKind, Presence
from attendant.ui.board.model import Column
from attendant.ui.window.main_window import MainWindow

pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support raise\(\)",
    "This plugin does not support grabbing the keyboard",
)

ZOE = Availability(
    Mailbox(
        "zoe.quinn@contoso.com",
        "Zoe Quinn",
        MailboxKind.PERSON,
        department="Sales",
        phone="+39 06 555-0101",
        job_title="Account manager",
    ),
    (Event(at(10), at(11, 30), BusyType.BUSY),),
)


def open_window(qtbot, clock: FakeClock, board_file: Path, feed: FakeFeed) -> MainWindow:
    win = MainWindow(feed, clock=clock, provider_title="Demo", tz=TZ, board_file=board_file)
    return shown(qtbot, win)


@pytest.fixture
def feed() -> FakeFeed:
    return FakeFeed(ok_state(office_day(extra=(ZOE,))))


@pytest.fixture
def board_file(tmp_path: Path) -> Path:
    return tmp_path / "state" / "board.json"


def names(win: MainWindow) -> list[str]:
    proxy = win.people.proxy
    return [proxy.index(r, Column.NAME).data() for r in range(proxy.rowCount())]


def go_to(qtbot, win: MainWindow, name: str) -> None:
    win.search.setText(name)
    qtbot.keyClick(win.search, Qt.Key.Key_Return)
    win.search.clear()
    qtbot.waitUntil(lambda: win.people.view.currentIndex().data() == name, timeout=2000)


def test_star_pins_to_the_top_and_is_remembered(
    qtbot, clock: FakeClock, feed: FakeFeed, board_file: Path
) -> None:
    win = open_window(qtbot, clock, board_file, feed)
    assert names(win)[0] == "Anna Becker"
    go_to(qtbot, win, "Greta Berg")
    qtbot.keyClick(win.people.view, Qt.Key.Key_Asterisk)
    qtbot.waitUntil(lambda: names(win)[0] == "Greta Berg", timeout=2000)
    assert win.people.view.currentIndex().data() == "Greta Berg"  # the cursor follows
    assert not win.people.proxy.index(0, Column.NAME).data(Qt.ItemDataRole.DecorationRole).isNull()
    # Sorting the other way keeps the favourite on top.
    win.people.view.sortByColumn(Column.NAME, Qt.SortOrder.DescendingOrder)
    assert names(win)[:2] == ["Greta Berg", "Zoe Quinn"]
    assert json.loads(board_file.read_text(encoding="utf-8"))["favourites"] == [
        "greta.berg@contoso.com"
    ]
    win.close()

    again = open_window(qtbot, clock, board_file, feed)
    assert names(again)[:2] == ["Greta Berg", "Zoe Quinn"]  # favourite and sort remembered
    go_to(qtbot, again, "Greta Berg")
    qtbot.keyClick(again.people.view, Qt.Key.Key_Menu)
    menu = again.people.row_actions.menu
    assert menu is not None
    pin = menu.findChild(type(menu.actions()[0]), "rowAction_favourite")
    assert pin is not None and pin.text() == "Un&pin from the top"
    pin.trigger()
    qtbot.waitUntil(lambda: names(again)[0] == "Zoe Quinn", timeout=2000)
    menu.close()


def test_contact_columns_show_what_is_known_and_the_header_menu_hides_them(
    qtbot, clock: FakeClock, feed: FakeFeed, board_file: Path
) -> None:
    win = open_window(qtbot, clock, board_file, feed)
    view = win.people.view
    assert view.isColumnHidden(Column.PHONE)  # the timeline keeps its room until asked
    assert view.isColumnHidden(Column.DEPARTMENT)  # shown when asked for
    assert view.isColumnHidden(Column.JOB_TITLE)
    assert view.isColumnHidden(Column.PRESENCE)  # no presence from this feed
    header = view.horizontalHeader()
    assert header.visualIndex(Column.PHONE) < header.visualIndex(Column.TODAY)
    row = names(win).index("Zoe Quinn")
    assert win.people.proxy.index(row, Column.PHONE).data() == "+39 06 555-0101"
    assert win.rooms.view.isColumnHidden(Column.PHONE)

    header.customContextMenuRequested.emit(header.rect().center())
    menu = win.people.columns.menu
    assert menu is not None
    phone = next(a for a in menu.actions() if a.objectName() == "column_phone")
    job = next(a for a in menu.actions() if a.objectName() == "column_job_title")
    phone.setChecked(True)
    job.setChecked(True)
    menu.close()
    assert not view.isColumnHidden(Column.PHONE) and not view.isColumnHidden(Column.JOB_TITLE)
    assert win.people.proxy.index(row, Column.JOB_TITLE).data() == "Account manager"
    win.close()
    again = open_window(qtbot, clock, board_file, feed)
    assert not again.people.view.isColumnHidden(Column.PHONE)
    assert not again.people.view.isColumnHidden(Column.JOB_TITLE)
    header = again.people.view.horizontalHeader()
    header.customContextMenuRequested.emit(header.rect().center())
    menu = again.people.columns.menu
    assert menu is not None
    next(a for a in menu.actions() if a.objectName() == "column_phone").setChecked(False)
    menu.close()
    assert again.people.view.isColumnHidden(Column.PHONE)


def test_group_by_department(qtbot, clock: FakeClock, feed: FakeFeed, board_file: Path) -> None:
    win = open_window(qtbot, clock, board_file, feed)
    header = win.people.view.horizontalHeader()
    header.customContextMenuRequested.emit(header.rect().center())
    menu = win.people.columns.menu
    assert menu is not None
    group = next(a for a in menu.actions() if a.objectName() == "groupByDepartment")
    group.setChecked(True)
    menu.close()
    departments = [
        win.people.proxy.index(r, Column.DEPARTMENT).data()
        for r in range(win.people.proxy.rowCount())
    ]
    assert departments == ["Finance", "HR", "IT", "Legal", "Sales", "Sales", "Support"]
    assert json.loads(board_file.read_text(encoding="utf-8"))["group"] == "department"
    # Each department's heading says it: the column stays hidden for the day's timeline.
    qtbot.waitUntil(lambda: win.people.headings.starts.get(4) == "Sales · 2", timeout=2000)
    assert win.people.view.isColumnHidden(Column.DEPARTMENT)


def test_presence_beside_the_status(
    qtbot, clock: FakeClock, feed: FakeFeed, board_file: Path
) -> None:
    win = open_window(qtbot, clock, board_file, feed)
    view = win.people.view
    assert view.isColumnHidden(Column.PRESENCE)
    presence = {
        "anna.becker@contoso.com": Presence("Busy", "InACall"),
        "zoe.quinn@contoso.com": Presence("DoNotDisturb", "Presenting"),
    }
    feed.publish(replace(feed.state, presence=presence))
    qtbot.waitUntil(lambda: not view.isColumnHidden(Column.PRESENCE), timeout=2000)
    header = view.horizontalHeader()
    assert header.visualIndex(Column.PRESENCE) == header.visualIndex(Column.STATUS) + 1
    cell = {n: win.people.proxy.index(r, Column.PRESENCE).data() for r, n in enumerate(names(win))}
    assert cell["Anna Becker"] == "In a call"
    assert cell["Zoe Quinn"] == "Presenting"
    assert cell["Bruno Meyer"] == ""
    assert win.people.proxy.index(0, Column.STATUS).data() == "Busy"  # the calendar stays
    feed.publish(replace(feed.state, presence={}))
    qtbot.waitUntil(lambda: view.isColumnHidden(Column.PRESENCE), timeout=2000)


def test_a_damaged_state_file_gives_the_defaults(
    qtbot, clock: FakeClock, feed: FakeFeed, board_file: Path
) -> None:
    board_file.parent.mkdir(parents=True)
    board_file.write_text("{not json", encoding="utf-8")
    win = open_window(qtbot, clock, board_file, feed)
    assert names(win)[0] == "Anna Becker"
    assert board_file.read_text(encoding="utf-8") == "{not json"  # kept until something changes
