"""The room finder on the board, driven from the keyboard through the real window."""

from __future__ import annotations

from pathlib import Path

import pytest
from office_day import TZ, FakeClock, FakeFeed, at, office_day, ok_state, shown
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStyleOptionViewItem

from attendant.domain import Availability, BusyType, Event, Mailbox, MailboxKind
from attendant.ui.window.main_window import MainWindow


def annex_room(name: str, capacity: int | None, floor: str, *events: Event) -> Availability:
    box = Mailbox(
        f"{name.lower()}@contoso.com",
        name,
        MailboxKind.ROOM,
        capacity=capacity,
        building="Annex",
        floor=floor,
    )
    return Availability(box, tuple(events))


EXTRA = (
    annex_room("Delta", 6, "0", Event(at(11, 35), at(12), BusyType.BUSY)),  # 1 h 20 min
    annex_room("Echo", None, "1"),  # capacity unknown, free all day
    annex_room("Foxtrot", 20, "1", Event(at(10, 30), at(11), BusyType.BUSY)),  # 15 min only
)


@pytest.fixture
def feed() -> FakeFeed:
    return FakeFeed(ok_state(office_day(extra=EXTRA)))


@pytest.fixture
def window(qtbot, feed: FakeFeed, clock: FakeClock, tmp_path: Path) -> MainWindow:
    win = MainWindow(feed, clock=clock, provider_title="Demo company", tz=TZ)
    return shown(qtbot, win)


def open_finder(qtbot, window: MainWindow):
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    finder = window.tools.finder
    qtbot.waitUntil(lambda: finder.isVisible() and finder.model.result is not None, timeout=2000)
    return finder


def texts(finder, column: int) -> list[str]:
    model = finder.model
    return [model.index(row, column).data() for row in range(model.rowCount())]


def test_ctrl_3_opens_the_finder_with_rooms_free_for_30_minutes(qtbot, window) -> None:
    assert not window.tools.dock.isVisible()
    finder = open_finder(qtbot, window)
    assert finder.duration.hasFocus()
    assert window.tools.finder_action.isChecked()
    # Borealis and Echo are free all day; Delta until 11:35; Foxtrot only 15 min; others busy.
    assert finder.room_names() == ["Borealis", "Echo", "Delta"]
    assert texts(finder, 3) == ["rest of the day", "rest of the day", "1 h 20 min"]
    assert texts(finder, 4) == ["—", "—", "11:35"]
    assert texts(finder, 2)[2] == "Annex, floor 0"
    assert finder.summary.text() == "3 of 6 rooms free for 30 minutes"
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.tools.dock.isVisible(), timeout=2000)


def test_duration_seats_building_and_floor_narrow_the_list(qtbot, window) -> None:
    finder = open_finder(qtbot, window)
    finder.duration.setFocus()
    qtbot.keyClick(finder.duration, Qt.Key.Key_Up)  # 30 minutes -> 15 minutes
    qtbot.waitUntil(lambda: "Foxtrot" in finder.room_names(), timeout=2000)
    assert finder.minutes == 15

    qtbot.keyClick(finder.duration, Qt.Key.Key_End)  # Custom…
    assert finder.custom.isEnabled()
    finder.custom.setFocus()
    finder.custom.selectAll()
    qtbot.keyClicks(finder.custom, "90")
    qtbot.waitUntil(lambda: finder.room_names() == ["Borealis", "Echo"], timeout=2000)

    qtbot.keyClick(finder.duration, Qt.Key.Key_Home)  # back to 15 minutes
    finder.seats.setFocus()
    finder.seats.selectAll()
    qtbot.keyClicks(finder.seats, "6")
    qtbot.waitUntil(lambda: finder.room_names() == ["Borealis", "Delta", "Foxtrot"], timeout=2000)
    assert "1 more free but of unknown capacity" in finder.summary.text()  # Echo

    finder.seats.selectAll()
    qtbot.keyClicks(finder.seats, "0")  # "any"
    assert [finder.building.itemText(i) for i in range(finder.building.count())] == [
        "Any building",
        "Annex",
    ]
    finder.building.setCurrentIndex(1)
    qtbot.waitUntil(lambda: finder.room_names() == ["Echo", "Delta", "Foxtrot"], timeout=2000)
    finder.floor.setCurrentIndex(finder.floor.findText("1"))
    qtbot.waitUntil(lambda: finder.room_names() == ["Echo", "Foxtrot"], timeout=2000)


def test_the_finder_follows_the_clock_and_new_data(qtbot, window, clock, feed) -> None:
    finder = open_finder(qtbot, window)
    clock.now = at(10, 35)  # Cirrus (busy until 10:30) is free now
    window.tick()
    qtbot.waitUntil(lambda: "Cirrus" in finder.room_names(), timeout=2000)
    feed.publish(ok_state(office_day(extra=(), fetched_at=at(10, 36))))
    qtbot.waitUntil(lambda: "Echo" not in finder.room_names(), timeout=2000)
    assert finder.room_names() == ["Borealis", "Cirrus"]


def test_every_control_is_named_for_a_screen_reader(qtbot, window) -> None:
    finder = open_finder(qtbot, window)
    for widget, name in (
        (finder.duration, "Free for at least"),
        (finder.seats, "Seats at least"),
        (finder.building, "Building"),
        (finder.floor, "Floor"),
        (finder.view, "Free rooms"),
    ):
        assert widget.accessibleName() == name
        assert widget.accessibleDescription()


def test_enter_on_a_free_room_shows_it_on_the_rooms_board(qtbot, window) -> None:
    finder = open_finder(qtbot, window)
    finder.view.setFocus()
    finder.view.setCurrentIndex(finder.model.index(2, 0))  # Delta
    qtbot.keyClick(finder.view, Qt.Key.Key_Return)
    rooms = window.rooms.view
    qtbot.waitUntil(rooms.hasFocus, timeout=2000)
    assert rooms.currentIndex().data() == "Delta"


def test_the_finder_is_open_or_closed_as_it_was_left(qtbot, feed, clock, tmp_path: Path) -> None:
    state_file = tmp_path / "state" / "window.ini"

    def console() -> MainWindow:
        win = MainWindow(
            feed, clock=clock, provider_title="Demo company", tz=TZ, geometry_file=state_file
        )
        qtbot.addWidget(win)
        win.show()
        qtbot.waitExposed(win)
        return win

    first = console()
    assert not first.tools.dock.isVisible()  # closed on a first start
    first.tools.finder_action.trigger()
    qtbot.waitUntil(first.tools.dock.isVisible, timeout=2000)
    first.close()  # closing the window is not closing the finder

    second = console()
    qtbot.waitUntil(second.tools.dock.isVisible, timeout=2000)
    assert second.tools.finder_action.isChecked()
    second.tools.dock.close()  # the dock's own close button
    second.close()

    third = console()
    qtbot.wait(50)
    assert not third.tools.dock.isVisible()
    assert not third.tools.finder_action.isChecked()


def test_new_data_with_the_same_free_rooms_keeps_the_list_and_its_place(
    qtbot, window, clock, feed
) -> None:
    finder = open_finder(qtbot, window)
    model = finder.model
    finder.view.setCurrentIndex(model.index(2, 0))  # Delta, the receptionist's choice
    resets: list[object] = []
    changed: list[tuple[int, int]] = []
    model.modelReset.connect(lambda: resets.append(None))
    model.dataChanged.connect(lambda first, last, *_: changed.append((first.row(), last.row())))

    # A refresh a minute later with the same answers: the same list, nothing repainted.
    feed.publish(ok_state(office_day(extra=EXTRA, fetched_at=at(10, 11))))
    qtbot.wait(100)
    assert (resets, changed) == ([], [])
    assert finder.view.currentIndex().data() == "Delta"

    # Five minutes on: Delta's "free for" counts down; only its row is repainted.
    clock.now = at(10, 20)
    window.tick()
    qtbot.waitUntil(lambda: texts(finder, 3)[2] == "1 h 15 min", timeout=2000)
    assert resets == [] and changed == [(2, 2)]
    assert finder.view.currentIndex().data() == "Delta"
    assert model.index(2, 3).data(Qt.ItemDataRole.AccessibleTextRole) == "1 h 15 min"

    # Another set of rooms is another list.
    feed.publish(ok_state(office_day(extra=EXTRA[:1], fetched_at=at(10, 21))))
    qtbot.waitUntil(lambda: finder.room_names() == ["Borealis", "Delta"], timeout=2000)
    assert len(resets) == 1


def test_each_cell_of_the_list_shows_what_the_finder_says_in_one_call(qtbot, window) -> None:
    """The list's delegate asks a cell for all its roles in one call (multiData)."""
    finder = open_finder(qtbot, window)
    model = finder.model
    delegate = finder.view.itemDelegate()
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            index = model.index(row, column)
            option = QStyleOptionViewItem()
            delegate.initStyleOption(option, index)  # type: ignore[attr-defined]
            assert option.text == index.data(Qt.ItemDataRole.DisplayRole)
            assert option.icon.isNull() == (column != 0)
            right = bool(option.displayAlignment & Qt.AlignmentFlag.AlignRight)
            assert right == (column == 1)
