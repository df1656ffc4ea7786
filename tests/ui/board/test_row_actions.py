"""Acting on a row: the menu by mouse, Menu key, Shift+F10 and Enter, and the shortcuts.

Opened links are caught by real URL handlers registered with QDesktopServices (what the
desktop would receive), not by replacing any of Attendant's code.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from office_day import TZ, FakeClock, FakeFeed, at, office_day, ok_state, shown
from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QContextMenuEvent, QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QApplication, QMenu

from attendant.domain import Availability, BusyType, Event, Mailbox, MailboxKind
from attendant.ui.board.contact import caller_sentence, dial_url
from attendant.ui.board.model import Column
from attendant.ui.window.main_window import MainWindow

#: A menu pops up: the offscreen platform cannot raise it or grab the keyboard for it.
pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support raise\(\)",
    "This plugin does not support grabbing the keyboard",
)
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
ZOE = Availability(
    Mailbox(
        "zoe.quinn@contoso.com",
        "Zoe Quinn",
        MailboxKind.PERSON,
        department="Sales",
        phone="+39 06 555-0101",
    ),
    (Event(at(10), at(11, 30), BusyType.BUSY, "Pipeline review"),),
)


class Opened(QObject):
    """Receives the URLs the desktop would open."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url.toString())


@pytest.fixture
def opened(qapp) -> Iterator[Opened]:
    receiver = Opened()
    for scheme in ("tel", "sip", "mailto", "https"):
        QDesktopServices.setUrlHandler(scheme, receiver, "open")
    yield receiver
    for scheme in ("tel", "sip", "mailto", "https"):
        QDesktopServices.unsetUrlHandler(scheme)


@pytest.fixture
def window(qtbot, clock: FakeClock) -> MainWindow:
    feed = FakeFeed(ok_state(office_day(extra=(ZOE,))))
    win = MainWindow(feed, clock=clock, provider_title="Demo", tz=TZ)
    return shown(qtbot, win)


def go_to(qtbot, win: MainWindow, name: str) -> None:
    win.search.setText(name)
    qtbot.keyClick(win.search, Qt.Key.Key_Return)
    assert win.people.view.currentIndex().data() == name
    win.search.clear()
    qtbot.waitUntil(lambda: win.people.view.currentIndex().data() == name, timeout=2000)


def menu_texts(menu: QMenu) -> list[str]:
    return [a.text() for a in menu.actions() if not a.isSeparator()]


def test_menu_key_opens_the_menu_with_only_what_the_row_has(qtbot, window: MainWindow) -> None:
    go_to(qtbot, window, "Anna Becker")
    qtbot.keyClick(window.people.view, Qt.Key.Key_Menu)
    menu = window.people.row_actions.menu
    assert menu is not None
    qtbot.waitUntil(menu.isVisible, timeout=2000)
    texts = menu_texts(menu)
    assert texts[0] == "Anna Becker"
    assert "Copy &phone" not in texts  # no phone known: absent, not greyed
    assert not any(t.startswith("Ca&ll") for t in texts)
    assert "&E-mail" in texts and "Teams c&hat" in texts
    menu.close()


def test_shift_f10_and_enter_open_the_menu_and_it_acts(
    qtbot, window: MainWindow, opened: Opened
) -> None:
    go_to(qtbot, window, "Zoe Quinn")
    view = window.people.view
    qtbot.keyClick(view, Qt.Key.Key_F10, Qt.KeyboardModifier.ShiftModifier)
    menu = window.people.row_actions.menu
    assert menu is not None
    qtbot.waitUntil(menu.isVisible, timeout=2000)
    assert "Ca&ll +39 06 555-0101" in menu_texts(menu)
    menu.close()
    qtbot.keyClick(view, Qt.Key.Key_Return)
    menu = window.people.row_actions.menu
    assert menu is not None
    qtbot.waitUntil(menu.isVisible, timeout=2000)
    qtbot.keyClick(menu, Qt.Key.Key_L)  # the mnemonic of "Call"
    qtbot.waitUntil(lambda: opened.urls == ["tel:+39065550101"], timeout=2000)
    assert "Call" in window.statusBar().currentMessage()


def test_right_click_selects_the_row_and_opens_its_menu(qtbot, window: MainWindow) -> None:
    view = window.people.view
    row = next(
        r for r in range(view.model().rowCount()) if view.model().index(r, 0).data() == "Greta Berg"
    )
    rect = view.visualRect(view.model().index(row, Column.NOW))
    # QTest has no right click that makes a context-menu event: send the one Qt would.
    event = QContextMenuEvent(
        QContextMenuEvent.Reason.Mouse, rect.center(), view.viewport().mapToGlobal(rect.center())
    )
    QApplication.sendEvent(view.viewport(), event)
    assert view.currentIndex().siblingAtColumn(Column.NAME).data() == "Greta Berg"
    menu = window.people.row_actions.menu
    assert menu is not None and menu_texts(menu)[0] == "Greta Berg"
    menu.close()


def test_shortcuts_copy_and_open(qtbot, window: MainWindow, opened: Opened) -> None:
    go_to(qtbot, window, "Zoe Quinn")
    view = window.people.view
    clipboard = QGuiApplication.clipboard()
    qtbot.keyClick(view, Qt.Key.Key_C, CTRL_SHIFT)
    assert clipboard.text() == "Zoe Quinn is in a meeting until 11:30; free at 11:30."
    qtbot.keyClick(view, Qt.Key.Key_P, CTRL_SHIFT)
    assert clipboard.text() == "+39 06 555-0101"
    qtbot.keyClick(view, Qt.Key.Key_A, CTRL_SHIFT)
    assert clipboard.text() == "zoe.quinn@contoso.com"
    qtbot.keyClick(view, Qt.Key.Key_N, CTRL_SHIFT)
    assert clipboard.text() == "Zoe Quinn"
    qtbot.keyClick(view, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(view, Qt.Key.Key_T, CTRL_SHIFT)
    qtbot.keyClick(view, Qt.Key.Key_D, CTRL_SHIFT)
    qtbot.waitUntil(lambda: len(opened.urls) == 3, timeout=2000)
    assert opened.urls == [
        "mailto:zoe.quinn@contoso.com",
        "https://teams.microsoft.com/l/chat/0/0?users=zoe.quinn@contoso.com",
        "https://teams.microsoft.com/l/call/0/0?users=zoe.quinn@contoso.com",
    ]


def test_a_shortcut_without_data_does_nothing(qtbot, window: MainWindow, opened: Opened) -> None:
    go_to(qtbot, window, "Anna Becker")
    qtbot.keyClick(window.people.view, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window.people.view, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: opened.urls == ["mailto:anna.becker@contoso.com"], timeout=2000)


def test_rooms_have_no_teams_actions(qtbot, window: MainWindow) -> None:
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    view = window.rooms.view
    qtbot.keyClick(view, Qt.Key.Key_Menu)
    menu = window.rooms.row_actions.menu
    assert menu is not None
    texts = menu_texts(menu)
    assert not any("Teams" in t for t in texts)
    assert "Copy what to tell the &caller" in texts
    menu.close()


@pytest.mark.parametrize(
    ("number", "url"),
    [
        ("+39 06 555-0101", "tel:+39065550101"),
        ("(0)20 7946 0958", "tel:02079460958"),
        ("+1 555 0100;ext=12", "tel:+15550100"),
        ("sip:anna@contoso.com", "sip:anna@contoso.com"),
        ("anna@contoso.com", "sip:anna@contoso.com"),
        ("n/a", None),
    ],
)
def test_dial_urls(number: str, url: str | None) -> None:
    assert dial_url(number) == url


def test_caller_sentences() -> None:
    day = office_day(extra=(ZOE,))
    from attendant.domain import evaluate

    def said(name: str, hour: int, minute: int = 0) -> str:
        entry = next(a for a in day.entries if a.mailbox.name == name)
        now = at(hour, minute)
        return caller_sentence(entry, evaluate(entry, now, day.window.end), now, TZ)

    assert said("Anna Becker", 10, 15) == "Anna Becker is in a meeting until 11:00; free at 11:00."
    assert said("Anna Becker", 12) == "Anna Becker is free until 14:00."
    assert said("David Novak", 10, 15) == (
        "David Novak is possibly in a meeting until 10:45; free at 10:45."
    )
    assert said("Bruno Meyer", 10).startswith("Bruno Meyer is out of office")
    assert said("Farid Kaya", 10) == "I can't see Farid Kaya's calendar right now."
    assert said("Aurora", 10, 30) == "Aurora is booked until 11:00; free at 11:00."
    assert said("Borealis", 10) == "Borealis is free for the rest of the day."
    assert "Budget" not in said("Anna Becker", 10, 15)
