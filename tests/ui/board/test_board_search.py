"""Forgiving search typed into the window: typos, initials, either order."""

from __future__ import annotations

import pytest
from office_day import TZ, FakeClock, FakeFeed, ok_state, shown
from PySide6.QtCore import Qt

from attendant.ui.board.model import Column
from attendant.ui.window.main_window import MainWindow


@pytest.fixture
def window(qtbot, clock: FakeClock) -> MainWindow:
    win = MainWindow(FakeFeed(ok_state()), clock=clock, provider_title="Demo", tz=TZ)
    return shown(qtbot, win)


def people(win: MainWindow) -> list[str]:
    proxy = win.people.proxy
    return sorted(proxy.index(r, Column.NAME).data() for r in range(proxy.rowCount()))


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("bekcer", ["Anna Becker"]),  # a typo
        ("rossi carla", ["Carla Rossi"]),  # last name first
        ("ab", ["Anna Becker"]),  # initials
        ("dnov", ["David Novak"]),  # D… Nov…
    ],
)
def test_typed_search_forgives(qtbot, window: MainWindow, typed: str, expected: list[str]) -> None:
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.search, typed)
    qtbot.waitUntil(lambda: people(window) == expected, timeout=2000)
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    assert window.people.view.currentIndex().data() == expected[0]


def test_search_follows_a_resort(qtbot, window: MainWindow) -> None:
    qtbot.keyClicks(window.search, "novak")
    window.people.view.sortByColumn(Column.STATUS, Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(lambda: people(window) == ["David Novak"], timeout=2000)
    window.search.clear()
    qtbot.waitUntil(lambda: len(people(window)) == 6, timeout=2000)
