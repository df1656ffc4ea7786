"""The window with a fake feed: search, keyboard, counts, and how trouble is shown."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import pytest
from office_day import TZ, FakeClock, FakeFeed, at, office_day, ok_state, person, room, shown
from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt, QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from attendant.domain import BusyType, Event, MailboxKind, Snapshot
from attendant.services.state import FeedError, FeedHealth, RefreshState
from attendant.ui.board.model import Column
from attendant.ui.board.staged import ROWS_PER_PAINT
from attendant.ui.window.main_window import MainWindow

UNREACHABLE = FeedError(
    "unreachable", "Exchange server unreachable", "Check the network or the EWS URL."
)
REJECTED = FeedError(
    "credentials_rejected",
    "The server rejected the password of CONTOSO\\reception.",
    "The password may have changed or the account is locked.",
)


@pytest.fixture
def feed() -> FakeFeed:
    return FakeFeed(ok_state())


@pytest.fixture
def opened(tmp_path: Path) -> list[Path]:
    return []


@pytest.fixture
def window(
    qtbot, feed: FakeFeed, clock: FakeClock, tmp_path: Path, opened: list[Path]
) -> MainWindow:
    win = MainWindow(
        feed,
        clock=clock,
        provider_title="Demo company",
        log_folder=tmp_path,
        open_folder=opened.append,
        tz=TZ,
    )
    return shown(qtbot, win)


def visible_names(panel) -> list[str]:
    proxy = panel.proxy
    return [proxy.index(r, Column.NAME).data() for r in range(proxy.rowCount())]


def test_boards_fill_with_people_and_rooms(window: MainWindow) -> None:
    assert window.people.proxy.rowCount() == 6
    assert window.rooms.proxy.rowCount() == 3
    assert visible_names(window.rooms) == ["Aurora", "Borealis", "Cirrus"]
    assert window.people.summary_text == (
        "1 free · 1 tentative · 2 busy · 1 out of office · 1 unknown"
    )
    assert window.rooms.summary_text == "1 free · 2 busy"
    assert window.windowTitle() == "Demo company"  # Qt adds " — Attendant" itself
    assert not window.windowIcon().isNull()
    assert window.rooms.view.isColumnHidden(Column.NOW)


def test_typing_in_search_filters_both_boards(qtbot, window: MainWindow) -> None:
    qtbot.keyClicks(window.search, "r")
    assert "David Novak" not in visible_names(window.people)
    assert visible_names(window.rooms) == ["Aurora", "Borealis", "Cirrus"]
    qtbot.keyClicks(window.search, "o")  # "ro"
    assert visible_names(window.people) == ["Carla Rossi"]
    assert visible_names(window.rooms) == ["Aurora"]
    window.search.clear()
    qtbot.keyClicks(window.search, "finance")  # department
    assert visible_names(window.people) == ["Anna Becker"]
    assert visible_names(window.rooms) == []
    window.search.clear()
    qtbot.keyClicks(window.search, "cirrus@")  # address
    assert visible_names(window.rooms) == ["Cirrus"]
    assert visible_names(window.people) == []
    window.search.clear()
    qtbot.keyClicks(window.search, "rossi CARLA")  # every word, any order
    assert visible_names(window.people) == ["Carla Rossi"]
    assert "showing 1 of 6 people" in window.people.summary_text


def test_ctrl_f_focuses_search_and_esc_clears_it(qtbot, window: MainWindow) -> None:
    window.people.focus_board()
    assert window.people.view.hasFocus()
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(window.search.hasFocus, timeout=1000)
    qtbot.keyClicks(window.search, "anna")
    assert visible_names(window.people) == ["Anna Becker"]
    qtbot.keyClick(window.search, Qt.Key.Key_Escape)
    assert window.search.text() == ""
    assert window.people.proxy.rowCount() == 6
    qtbot.waitUntil(window.people.view.hasFocus, timeout=1000)


def test_enter_in_search_goes_to_the_first_match(qtbot, window: MainWindow) -> None:
    window.focus_search()
    qtbot.keyClicks(window.search, "borealis")
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    qtbot.waitUntil(window.rooms.view.hasFocus, timeout=1000)
    assert window.rooms.view.currentIndex().data() == "Borealis"
    assert "12 seats" in window.rooms.details.text()


def test_ctrl_1_and_ctrl_2_switch_boards_and_keys_move(qtbot, window: MainWindow) -> None:
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(window.rooms.view.hasFocus, timeout=1000)
    assert window.rooms.view.currentIndex().row() == 0
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(window.people.view.hasFocus, timeout=1000)
    view = window.people.view
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert view.currentIndex().row() == 1
    qtbot.keyClick(view, Qt.Key.Key_End)
    assert view.currentIndex().row() == 5
    qtbot.keyClick(view, Qt.Key.Key_Home)
    assert view.currentIndex().row() == 0
    assert window.people.details.text().startswith("Anna Becker")


def test_f5_asks_the_feed_for_a_refresh(qtbot, window: MainWindow, feed: FakeFeed) -> None:
    qtbot.keyClick(window, Qt.Key.Key_F5)
    assert feed.refresh_requests == 1


def test_new_states_from_the_feed_update_the_board(window: MainWindow, feed: FakeFeed) -> None:
    newer = office_day(fetched_at=at(10, 14))
    feed.publish(ok_state(newer))
    assert window.model.snapshot is newer
    assert window.updated_label.text() == "Data from 10:14 (1 min old)"
    assert window.next_label.text() == "Next refresh 10:15"
    assert not window.banner.isVisible()
    assert window.error_label.text() == ""


def test_stale_data_is_marked_with_its_age(
    qtbot, window: MainWindow, feed: FakeFeed, clock: FakeClock
) -> None:
    stale = replace(
        feed.state,
        health=FeedHealth.STALE,
        error=UNREACHABLE,
        next_refresh=at(10, 20),
    )
    feed.publish(stale)
    assert window.banner.isVisible()
    assert window.banner.level == "warning"
    assert window.banner.text == (
        "Showing data from 10:10 (5 min old): Exchange server unreachable — retrying at 10:20"
    )
    assert window.banner.hint == "Check the network or the EWS URL."
    assert not window.banner.retry_button.isVisible()
    assert window.error_label.text() == (
        "Server unreachable: Exchange server unreachable — Check the network or the EWS URL."
    )
    clock.advance(minutes=6)
    window.tick()  # what the 30 s timer does
    assert "(11 min old)" in window.banner.text
    assert window.updated_label.text() == "Data from 10:10 (11 min old)"


def test_blocked_credentials_show_retry_now(qtbot, window: MainWindow, feed: FakeFeed) -> None:
    feed.publish(replace(feed.state, health=FeedHealth.BLOCKED, error=REJECTED, next_refresh=None))
    assert window.banner.level == "error"
    assert window.banner.text.startswith(
        "Credentials rejected: The server rejected the password of CONTOSO\\reception."
    )
    assert "Showing data from 10:10 (5 min old)" in window.banner.text
    button = window.banner.retry_button
    assert button.isVisible() and button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert feed.retries == 1
    assert not button.isEnabled()  # until the feed answers
    feed.publish(replace(feed.state, refreshing=True))
    assert button.isEnabled()
    feed.publish(ok_state())
    assert not window.banner.isVisible()


def test_throttling_says_when_sending_resumes(window: MainWindow, feed: FakeFeed) -> None:
    throttled = replace(
        feed.state,
        health=FeedHealth.THROTTLED,
        error=FeedError("throttled", "The server is busy", ""),
        resume_at=at(10, 25),
        next_refresh=at(10, 25),
    )
    feed.publish(throttled)
    assert window.banner.level == "warning"
    assert "sending resumes at 10:25" in window.banner.text
    assert window.next_label.text() == "Paused until 10:25"


def test_starting_without_data(qtbot, clock: FakeClock) -> None:
    feed = FakeFeed(RefreshState(provider="demo", health=FeedHealth.STARTING, refreshing=True))
    win = MainWindow(feed, clock=clock, provider_title="Demo company", tz=TZ)
    qtbot.addWidget(win)
    assert win.banner.text == "Loading availability…"
    assert win.updated_label.text() == "No data yet"
    assert win.next_label.text() == "Refreshing…"
    assert win.people.proxy.rowCount() == 0
    assert not win.log_action.isEnabled()
    feed.publish(
        RefreshState(
            provider="demo",
            health=FeedHealth.STALE,
            error=UNREACHABLE,
            next_refresh=at(10, 16),
        )
    )
    assert win.banner.text == "No data yet: Exchange server unreachable — retrying at 10:16"
    feed.publish(ok_state())
    assert win.people.proxy.rowCount() == 6


def test_help_opens_the_log_folder(window: MainWindow, opened: list[Path], tmp_path: Path) -> None:
    window.log_action.trigger()
    assert opened == [tmp_path]


def test_closing_unsubscribes_from_the_feed(window: MainWindow, feed: FakeFeed) -> None:
    assert len(feed.subscribers) == 1
    window.close()
    assert feed.subscribers == []


def test_only_free_toggle(qtbot, window: MainWindow) -> None:
    window.only_free.setChecked(True)
    assert visible_names(window.people) == ["Carla Rossi"]
    assert visible_names(window.rooms) == ["Borealis"]
    assert window.only_free_action.isChecked()
    window.only_free_action.trigger()
    assert window.people.proxy.rowCount() == 6


def test_sorting_one_board_sorts_both(qtbot, window: MainWindow) -> None:
    header = window.people.view.horizontalHeader()
    x = header.sectionViewportPosition(Column.STATUS) + 10
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert window.model.sort_column == Column.STATUS
    other = window.rooms.view.horizontalHeader()
    assert other.sortIndicatorSection() == Column.STATUS
    qtbot.waitUntil(lambda: visible_names(window.rooms)[0] == "Borealis", timeout=2000)
    assert visible_names(window.people)[0] == "Carla Rossi"


def test_copy_puts_the_current_person_on_the_clipboard(qtbot, window: MainWindow) -> None:
    window.people.focus_board()
    qtbot.keyClick(window.people.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text() == "Anna Becker <anna.becker@contoso.com>"


def test_a_feed_state_from_another_thread_is_applied_on_the_gui_thread(
    qtbot, window: MainWindow, feed: FakeFeed
) -> None:
    import threading

    newer = office_day(fetched_at=at(10, 14))
    worker = threading.Thread(target=feed.publish, args=(ok_state(newer),))
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: window.model.snapshot is newer, timeout=2000)


def test_age_text_for_older_data(window: MainWindow, feed: FakeFeed, clock: FakeClock) -> None:
    clock.now = at(12, 40)
    feed.publish(replace(feed.state, health=FeedHealth.STALE, error=UNREACHABLE))
    assert window.banner.text.startswith("Showing data from 10:10 (2 h 30 min old)")


def test_a_window_deleted_without_closing_stops_listening(qtbot, clock: FakeClock) -> None:
    feed = FakeFeed(ok_state())
    win = MainWindow(feed, clock=clock, provider_title="Demo company", tz=TZ)
    assert len(feed.subscribers) == 1
    win.deleteLater()
    qtbot.waitUntil(lambda: feed.subscribers == [], timeout=2000)


def test_apply_style_sets_the_application_icon(qapp) -> None:
    from attendant.ui.common.resources import apply_style

    apply_style(qapp)
    assert not qapp.windowIcon().isNull()
    assert qapp.style().name().lower() == "fusion"


def test_an_empty_board_says_why(qtbot, clock) -> None:
    feed = FakeFeed(RefreshState(provider="exchange", health=FeedHealth.STARTING))
    window = MainWindow(feed, clock=clock, provider_title="Exchange")
    qtbot.addWidget(window)
    assert window.people.view.empty_text == "Asking the calendar server…"
    feed.publish(
        RefreshState(
            provider="exchange",
            health=FeedHealth.BLOCKED,
            error=FeedError("credentials_rejected", "HTTP 401", "Check the password"),
        )
    )
    assert "see the message below" in window.rooms.view.empty_text
    window.resize(1200, 700)
    window.show()
    qtbot.waitExposed(window)
    viewport = window.people.view.viewport()

    def inked() -> int:
        image = viewport.grab().toImage()
        background = image.pixelColor(2, 2)
        return sum(
            image.pixelColor(x, y) != background
            for x in range(0, image.width(), 2)
            for y in range(0, image.height(), 2)
        )

    assert inked() > 0  # the words are painted in the middle of the empty board
    window.people.view.set_empty_text("")
    assert inked() == 0


def test_an_empty_rooms_board_beside_people_says_how_to_add_rooms(qtbot, clock) -> None:
    people_only = office_day()
    people_only = replace(
        people_only,
        entries=tuple(e for e in people_only.entries if e.mailbox.kind is not MailboxKind.ROOM),
    )
    feed = FakeFeed(ok_state(people_only))
    window = MainWindow(feed, clock=clock, provider_title="Demo")
    qtbot.addWidget(window)
    assert window.people.view.model().rowCount() > 0
    assert window.rooms.view.empty_text == (
        "None watched: add rooms or room lists on the Watch list of Calendar Integration Settings."
    )
    feed.publish(ok_state(replace(people_only, entries=())))
    assert "add people on the Watch list" in window.people.view.empty_text


def crowd(busy_from: int) -> Snapshot:
    """The office day with 60 more people and 40 more rooms, all busy for an hour from
    ``busy_from`` o'clock: more rows than either board shows."""
    busy = (Event(at(busy_from), at(busy_from + 1), BusyType.BUSY),)
    people = tuple(person(f"p{i}", f"Person {i:02d}", "Sales", *busy) for i in range(60))
    rooms = tuple(room(f"r{i}", f"Room {i:02d}", 6, *busy) for i in range(40))
    return office_day(extra=people + rooms)


class _PaintTurns(QObject):
    """The turn of the event loop in which each watched widget painted, and what.

    A zero-interval timer fires once per turn, after the posted events (the paints among
    them) of that turn: two paints with the same count were one stall of the GUI thread.
    """

    def __init__(self) -> None:
        super().__init__()
        self.turn = 0
        self.painted: dict[QObject, list[tuple[int, QRect]]] = {}
        self.timer = QTimer(self)
        self.timer.setInterval(0)
        self.timer.timeout.connect(self._next_turn)
        self.timer.start()

    def _next_turn(self) -> None:
        self.turn += 1

    def watch(self, widget: QObject) -> None:
        self.painted[widget] = []
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.painted[watched].append((self.turn, event.region().boundingRect()))
        return False


@pytest.mark.parametrize("change", ["refresh", "tick"])
def test_a_change_of_every_row_repaints_a_few_rows_a_turn_one_board_at_a_time(
    qtbot, feed: FakeFeed, clock: FakeClock, change: str
) -> None:
    feed.publish(ok_state(crowd(10)))
    window = shown(qtbot, MainWindow(feed, clock=clock, provider_title="Demo", tz=TZ))
    people, rooms = window.people.view, window.rooms.view
    assert people.rowAt(people.viewport().height() - 1) > ROWS_PER_PAINT  # many rows shown
    assert rooms.rowAt(rooms.viewport().height() - 1) > ROWS_PER_PAINT
    qtbot.wait(50)  # the first paints of the window are done
    screen = window.screen()
    before = screen.grabWindow(window.winId()).toImage()
    turns = _PaintTurns()
    turns.watch(people.viewport())
    turns.watch(rooms.viewport())
    if change == "refresh":  # everyone is busy an hour later: every status changes
        feed.publish(ok_state(crowd(11)))
    else:
        clock.now = at(11, 15)  # every meeting is over: every status changes
        window.tick()
    passes = 0
    while people.repaints.is_pending() and passes < 200:
        QApplication.processEvents()
        passes += 1
    # A pass for every ten shown rows of each board; the rows below them go with the last.
    rows = [v.rowAt(v.viewport().height() - 1) - v.rowAt(0) + 1 for v in (people, rooms)]
    assert passes <= sum(math.ceil(n / ROWS_PER_PAINT) for n in rows) + 2
    qtbot.wait(50)
    turns.timer.stop()

    painted = {w: p for w, p in turns.painted.items()}
    people_turns = {turn for turn, _ in painted[people.viewport()]}
    rooms_turns = {turn for turn, _ in painted[rooms.viewport()]}
    assert len(people_turns) >= 2 and len(rooms_turns) >= 2  # in turns, not at once
    assert not people_turns & rooms_turns  # never both boards in one turn
    assert min(people_turns) < min(rooms_turns)  # the people first
    tallest = (ROWS_PER_PAINT + 1) * people.rowHeight(0)
    for widget in (people.viewport(), rooms.viewport()):
        assert all(rect.height() <= tallest for _, rect in painted[widget]), (
            tallest,
            painted[widget],
        )
    # What is on the screen now is the whole change: nothing was left unpainted.
    after = screen.grabWindow(window.winId()).toImage()
    assert after != before
    people.viewport().repaint()
    rooms.viewport().repaint()
    assert screen.grabWindow(window.winId()).toImage() == after


def test_the_status_word_of_the_selected_row_reads_in_the_selection_text_colour(
    qtbot, window: MainWindow
) -> None:
    view = window.people.view
    view.setFocus()
    view.selectRow(0)
    index = view.model().index(0, Column.STATUS)
    assert view.selectionModel().isRowSelected(0)
    rect = view.visualRect(index)
    image = view.viewport().grab(rect.adjusted(28, 2, -2, -2)).toImage()  # the word, no icon
    palette = view.palette()
    highlight = palette.color(palette.ColorGroup.Active, palette.ColorRole.Highlight)
    text = palette.color(palette.ColorGroup.Active, palette.ColorRole.HighlightedText)

    def distance(colour, other) -> int:
        return sum(abs(a - b) for a, b in zip(colour.getRgb()[:3], other.getRgb()[:3], strict=True))

    inked = [
        image.pixelColor(x, y)
        for x in range(image.width())
        for y in range(image.height())
        if distance(image.pixelColor(x, y), highlight) > 60
    ]
    assert inked  # the word is there
    # Its strongest strokes are the selection's text colour (a red or green word on the
    # selection's blue was unreadable); the icon before it keeps the status colour.
    assert min(distance(c, text) for c in inked) < 40
    assert max(distance(c, highlight) for c in inked) > 300


def test_the_banner_coming_and_going_moves_no_row_and_repaints_only_what_it_uncovers(
    qtbot, feed: FakeFeed, clock: FakeClock
) -> None:
    healthy = ok_state(crowd(10))
    feed.publish(healthy)
    window = shown(qtbot, MainWindow(feed, clock=clock, provider_title="Demo", tz=TZ))
    views = (window.people.view, window.rooms.view)
    qtbot.wait(50)  # the first paints of the window are done
    rows_at = [v.viewport().mapTo(window, QPoint(0, 0)) for v in views]
    heights = [v.viewport().height() for v in views]
    turns = _PaintTurns()
    for view in views:
        turns.watch(view.viewport())

    feed.publish(replace(feed.state, health=FeedHealth.STALE, error=UNREACHABLE))
    qtbot.waitUntil(window.banner.isVisible)
    qtbot.wait(50)
    # Under the boards: they keep their place, grow shorter, and no row is painted again.
    assert window.banner.geometry().top() > window.splitter.geometry().bottom()
    assert [v.viewport().mapTo(window, QPoint(0, 0)) for v in views] == rows_at
    assert all(v.viewport().height() < h for v, h in zip(views, heights, strict=True))
    assert all(not turns.painted[v.viewport()] for v in views), turns.painted

    feed.publish(healthy)  # the server is back, with the same answers
    qtbot.waitUntil(lambda: not window.banner.isVisible())
    qtbot.wait(50)
    turns.timer.stop()
    # Gone, it uncovers a strip of each board: that strip is painted, nothing above it.
    banner = window.banner.height()
    for view, height in zip(views, heights, strict=True):
        assert view.viewport().height() == height
        painted = [rect for _, rect in turns.painted[view.viewport()]]
        assert painted and all(r.top() >= height - banner - 20 for r in painted), painted
    # And the screen is what a full repaint draws.
    screen = window.screen()
    after = screen.grabWindow(window.winId()).toImage()
    window.repaint()
    for view in views:
        view.viewport().repaint()
    assert screen.grabWindow(window.winId()).toImage() == after


@pytest.mark.parametrize("change", ["narrower", "shorter", "taller", "splitter", "empty"])
def test_boards_that_keep_their_pixels_still_show_the_truth_after_a_resize(
    qtbot, feed: FakeFeed, clock: FakeClock, change: str
) -> None:
    entries = () if change == "empty" else crowd(10).entries
    feed.publish(ok_state(replace(crowd(10), entries=entries)))
    window = shown(qtbot, MainWindow(feed, clock=clock, provider_title="Demo", tz=TZ))
    qtbot.wait(50)
    size = window.size()
    if change == "empty":  # the banner shortens the boards: their text stays in the middle
        assert window.people.view.empty_text
        feed.publish(replace(feed.state, health=FeedHealth.STALE, error=UNREACHABLE))
    elif change == "narrower":
        window.resize(size.width() - 240, size.height())
    elif change == "shorter":
        window.resize(size.width(), size.height() - 160)
    elif change == "taller":
        window.resize(size.width(), size.height() - 160)
        qtbot.wait(50)
        window.resize(size)
    else:
        sizes = window.splitter.sizes()
        window.splitter.setSizes([sizes[0] - 150, sizes[1] + 150])
    qtbot.wait(100)  # the columns fit the new width a turn later
    screen = window.screen()
    views = (window.people.view, window.rooms.view)

    def boards() -> list[QImage]:
        shot = screen.grabWindow(window.winId()).toImage()
        return [shot.copy(QRect(v.mapTo(window, QPoint(0, 0)), v.size())) for v in views]

    shown_now = boards()
    for view in views:
        view.viewport().repaint()
        view.horizontalHeader().viewport().repaint()
    assert boards() == shown_now
