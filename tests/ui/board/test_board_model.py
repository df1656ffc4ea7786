"""The board model over hand-made snapshots: roles, refreshes, ticks, sorting and laziness."""

from __future__ import annotations

import sys
from datetime import timedelta

import pytest
from office_day import TZ, FakeClock, at, office_day, person
from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QIcon, QImage
from PySide6.QtWidgets import QTableView

from attendant.domain import (
    Availability,
    BusyType,
    Event,
    Mailbox,
    MailboxKind,
    Snapshot,
    Status,
    StatusView,
    Window,
)
from attendant.ui.board.filtering import BoardFilter
from attendant.ui.board.model import (
    DOMAIN_ROLE,
    KIND_ROLE,
    SEARCH_ROLE,
    SORT_ROLE,
    STATUS_ROLE,
    BoardModel,
    Column,
)
from attendant.ui.common.formatting import short_time
from attendant.ui.common.status_style import make_status_icon

DISPLAY = Qt.ItemDataRole.DisplayRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole
DECORATION = Qt.ItemDataRole.DecorationRole


@pytest.fixture
def model(qapp, clock: FakeClock) -> BoardModel:
    board = BoardModel(clock, tz=TZ)
    board.set_snapshot(office_day())
    return board


def row_of(model: BoardModel, name: str) -> int:
    for row in range(model.rowCount()):
        if model.availability(row).mailbox.name == name:
            return row
    raise LookupError(name)


def cell(model: BoardModel, name: str, column: Column, role: int = DISPLAY) -> object:
    return model.data(model.index(row_of(model, name), column), role)


def test_model_passes_the_qt_model_tester(qtmodeltester, model: BoardModel) -> None:
    qtmodeltester.check(model)


def test_proxies_pass_the_qt_model_tester(qtmodeltester, model: BoardModel) -> None:
    people = BoardFilter(model, MailboxKind.PERSON)
    people.set_search("a")
    qtmodeltester.check(people)


def test_board_fills_from_a_snapshot(model: BoardModel) -> None:
    assert model.rowCount() == 9
    assert model.columnCount() == len(Column)
    people = BoardFilter(model, MailboxKind.PERSON)
    rooms = BoardFilter(model, MailboxKind.ROOM)
    assert (people.rowCount(), rooms.rowCount()) == (6, 3)
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in Column] == [
        "Name",
        "Status",
        "Until",
        "Next free",
        "Now",
        "Today",
        "Teams",
        "Phone",
        "Mobile",
        "Department",
        "Job title",
    ]


@pytest.mark.parametrize(
    ("name", "status", "words", "until", "next_free", "now"),
    [
        ("Anna Becker", Status.BUSY, "Busy", "11:00", "11:00", "Budget review · Room Aurora"),
        ("Carla Rossi", Status.FREE, "Free", "11:00", "now", ""),
        ("David Novak", Status.TENTATIVE, "Tentative", "10:45", "10:45", "Vendor call"),
        ("Bruno Meyer", Status.OOF, "Out of office", "—", "—", "Vacation"),
        # Free within a quarter of an hour: the status says so.
        (
            "Greta Berg",
            Status.BUSY,
            "Busy · free in 15 min",
            "10:30",
            "10:30",
            "Interview · Room Cirrus",
        ),
        ("Aurora", Status.BUSY, "Busy", "11:00", "11:00", "Budget review"),  # its own name
        ("Borealis", Status.FREE, "Free", "—", "now", ""),
    ],
)
def test_status_words_times_and_current_meeting(
    model: BoardModel, name, status, words, until, next_free, now
) -> None:
    assert cell(model, name, Column.NAME) == name
    view = cell(model, name, Column.STATUS, STATUS_ROLE)
    assert isinstance(view, StatusView) and view.status is status
    assert cell(model, name, Column.STATUS) == words
    assert cell(model, name, Column.UNTIL) == until
    assert cell(model, name, Column.NEXT_FREE) == next_free
    assert cell(model, name, Column.NOW) == now
    icon = cell(model, name, Column.STATUS, DECORATION)
    assert isinstance(icon, QIcon) and not icon.isNull()


def test_tooltips_give_full_dates(model: BoardModel) -> None:
    assert (
        cell(model, "Anna Becker", Column.UNTIL, TOOLTIP)
        == "Tuesday 24 Nov 2026, 11:00 (UTC+01:00)"
    )
    assert "Busy until Tuesday 24 Nov 2026, 11:00" in str(
        cell(model, "Anna Becker", Column.STATUS, TOOLTIP)
    )
    assert "10:00–11:00" in str(cell(model, "Anna Becker", Column.NOW, TOOLTIP))
    name_tip = str(cell(model, "Anna Becker", Column.NAME, TOOLTIP))
    assert "anna.becker@contoso.com" in name_tip and "Finance" in name_tip


def test_unknown_mailbox_shows_its_error(model: BoardModel) -> None:
    assert cell(model, "Farid Kaya", Column.STATUS) == "Unknown"
    assert "The mailbox could not be found." in str(
        cell(model, "Farid Kaya", Column.STATUS, TOOLTIP)
    )
    assert "ErrorMailRecipientNotFound" in str(cell(model, "Farid Kaya", Column.STATUS, TOOLTIP))
    assert (
        cell(model, "Farid Kaya", Column.NOW) == "No such mailbox"
    )  # plain words; tooltip has the rest
    assert cell(model, "Farid Kaya", Column.UNTIL) == ""
    unknown_icon = cell(model, "Farid Kaya", Column.STATUS, DECORATION)
    busy_icon = cell(model, "Anna Becker", Column.STATUS, DECORATION)
    assert isinstance(unknown_icon, QIcon) and isinstance(busy_icon, QIcon)
    assert unknown_icon.cacheKey() != busy_icon.cacheKey()


def test_custom_roles(model: BoardModel) -> None:
    row = row_of(model, "Anna Becker")
    availability = model.data(model.index(row, Column.TODAY), DOMAIN_ROLE)
    assert isinstance(availability, Availability)
    assert availability.mailbox.address == "anna.becker@contoso.com"
    search = model.data(model.index(row, Column.NAME), SEARCH_ROLE)
    assert search == "anna becker anna.becker@contoso.com finance"
    assert model.data(model.index(row, Column.NAME), KIND_ROLE) == "person"
    assert model.data(model.index(row_of(model, "Aurora"), 0), KIND_ROLE) == "room"
    assert model.data(model.index(row, Column.NAME), SORT_ROLE).startswith("anna becker")
    assert model.data(model.index(row, Column.UNTIL), SORT_ROLE) == at(11).timestamp()


def test_status_icons_differ_in_greyscale(qapp) -> None:
    """Status is never told by colour alone: the icons differ in shape, too."""
    greys = {}
    for status in Status:
        image = make_status_icon(status).pixmap(32, 32).toImage()
        grey = image.convertToFormat(QImage.Format.Format_Grayscale8)
        greys[status] = [
            (grey.pixelColor(x, y).value(), image.pixelColor(x, y).alpha() > 128)
            for x in range(32)
            for y in range(32)
        ]
    statuses = list(Status)
    for i, first in enumerate(statuses):
        for second in statuses[i + 1 :]:
            differing = sum(
                (a[1] != b[1]) or abs(a[0] - b[0]) > 60
                for a, b in zip(greys[first], greys[second], strict=True)
            )
            assert differing > 40, (first, second)


def test_same_mailboxes_keep_rows_and_selection(qtbot, model: BoardModel, clock: FakeClock) -> None:
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    row = row_of(model, "Carla Rossi")
    view.selectRow(row)
    selected = QPersistentModelIndex(model.index(row, 0))
    resets: list[object] = []
    changes: list[tuple[QModelIndex, QModelIndex]] = []
    model.modelReset.connect(lambda: resets.append(True))
    model.dataChanged.connect(lambda top, bottom, roles=(): changes.append((top, bottom)))

    busier = office_day(fetched_at=at(10, 16))
    carla = busier.entries[2].mailbox
    entries = list(busier.entries)
    entries[2] = Availability(carla, (Event(at(10), at(12), BusyType.BUSY, "Workshop"),))
    model.set_snapshot(Snapshot(busier.window, busier.fetched_at, tuple(entries)))

    assert resets == []
    assert len(changes) == 1
    top, bottom = changes[0]
    assert (top.row(), top.column()) == (0, 0)
    assert (bottom.row(), bottom.column()) == (model.rowCount() - 1, len(Column) - 1)
    assert selected.isValid() and selected.row() == row
    assert view.selectionModel().isRowSelected(row)
    assert cell(model, "Carla Rossi", Column.STATUS) == "Busy"
    assert cell(model, "Carla Rossi", Column.NOW) == "Workshop"


def test_different_mailboxes_reset_the_model(qtbot, model: BoardModel) -> None:
    extra = person("hugo.wolf", "Hugo Wolf", "Sales")
    with qtbot.waitSignal(model.modelReset, timeout=1000):
        model.set_snapshot(office_day(extra=(extra,)))
    assert model.rowCount() == 10
    with qtbot.waitSignal(model.modelReset, timeout=1000):
        model.set_snapshot(None)
    assert model.rowCount() == 0


def test_tick_turns_busy_into_free_at_the_meeting_end(
    qtbot, model: BoardModel, clock: FakeClock
) -> None:
    assert cell(model, "Greta Berg", Column.STATUS) == "Busy · free in 15 min"
    clock.now = at(10, 29) + timedelta(seconds=59)
    with qtbot.waitSignal(model.dataChanged, timeout=1000):
        model.tick()
    assert cell(model, "Greta Berg", Column.STATUS) == "Busy · free in 1 min"
    clock.now = at(10, 30)
    model.tick()
    assert cell(model, "Greta Berg", Column.STATUS) == "Free"
    assert cell(model, "Greta Berg", Column.NEXT_FREE) == "now"
    assert model.now == at(10, 30)


def test_a_time_the_data_does_not_cover_is_unknown(model: BoardModel, clock: FakeClock) -> None:
    clock.now = at(9, days=1)  # the next morning, yesterday's data still shown
    model.tick()
    assert cell(model, "Carla Rossi", Column.STATUS) == "Unknown"
    assert "No free/busy data covers this time" in str(
        cell(model, "Carla Rossi", Column.STATUS, TOOLTIP)
    )


def test_times_on_other_days_carry_the_weekday() -> None:
    now = at(10)
    assert short_time(at(16), now, TZ) == "16:00"
    assert short_time(at(9, days=1), now, TZ) == "Wed 09:00"
    assert short_time(at(9, days=10), now, TZ) == "4 Dec 09:00"


def test_until_on_another_day_shows_the_weekday(qapp, clock: FakeClock) -> None:
    window = Window(at(0), at(0, days=3))
    oof = person(
        "bruno.meyer", "Bruno Meyer", "Sales", Event(at(0), at(9, days=1), BusyType.OOF, "Vacation")
    )
    board = BoardModel(clock, tz=TZ)
    board.set_snapshot(Snapshot(window, at(10), (oof,)))
    assert board.data(board.index(0, Column.UNTIL)) == "Wed 09:00"
    assert board.data(board.index(0, Column.NEXT_FREE)) == "Wed 09:00"


def test_sort_by_status_then_name_and_resort_after_a_tick(
    qtbot, model: BoardModel, clock: FakeClock
) -> None:
    model.sort(Column.STATUS, Qt.SortOrder.AscendingOrder)
    with qtbot.waitSignal(model.evaluated, timeout=2000):
        model.tick()
    names = [model.availability(r).mailbox.name for r in range(model.rowCount())]
    assert names == [
        "Borealis",
        "Carla Rossi",  # free
        "David Novak",  # tentative
        "Anna Becker",
        "Aurora",
        "Cirrus",
        "Greta Berg",  # busy
        "Bruno Meyer",  # out of office
        "Farid Kaya",  # unknown
    ]
    greta = QPersistentModelIndex(model.index(row_of(model, "Greta Berg"), 0))
    clock.now = at(10, 45)  # Greta's interview is over, David's call too
    with qtbot.waitSignal(model.layoutChanged, timeout=2000):
        model.tick()
    names = [model.availability(r).mailbox.name for r in range(model.rowCount())]
    assert names[:5] == ["Borealis", "Carla Rossi", "Cirrus", "David Novak", "Greta Berg"]
    assert greta.isValid() and greta.row() == names.index("Greta Berg")
    model.sort(-1)
    assert model.availability(0).mailbox.name == "Anna Becker"


def five_thousand_people() -> tuple[Availability, ...]:
    """5,000 people, each busy for an hour between 09:00 and 13:00."""
    return tuple(
        Availability(
            Mailbox(f"p{i}@contoso.com", f"Person {i:04d}", MailboxKind.PERSON),
            (Event(at(9 + i % 4), at(10 + i % 4), BusyType.BUSY),),
        )
        for i in range(5000)
    )


def test_a_big_refresh_evaluates_only_what_is_shown(qtbot, qapp, clock: FakeClock) -> None:
    """Applying 5,000 rows is cheap: statuses are evaluated lazily, the rest in slices."""
    window = Window(at(0), at(0, days=1))
    entries = five_thousand_people()
    board = BoardModel(clock, tz=TZ)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(board)
    view.resize(800, 400)
    view.show()
    board.set_snapshot(Snapshot(window, at(10), entries))
    with qtbot.waitSignal(board.evaluated, timeout=5000):
        pass
    assert board.counts(MailboxKind.PERSON) == {Status.BUSY: 1250, Status.FREE: 3750}

    refreshed = Snapshot(window, at(10, 1), tuple(list(entries)))  # new answers, same rows
    board.set_snapshot(refreshed)
    assert board.evaluated_rows() == 0  # nothing evaluated up front
    view.viewport().repaint()
    shown = board.evaluated_rows()
    assert 0 < shown < 100  # only the visible rows
    with qtbot.waitSignal(board.evaluated, timeout=5000):
        pass
    assert board.evaluated_rows() == 5000


def test_the_last_snapshot_is_let_go_of_in_slices(qtbot, qapp, clock: FakeClock) -> None:
    """Freeing 5,000 old rows at once would add to the turn that applies the new ones."""
    window = Window(at(0), at(0, days=1))

    def snapshot(minute: int) -> Snapshot:
        entries = tuple(
            Availability(
                Mailbox(f"p{i}@contoso.com", f"Person {i:04d}", MailboxKind.PERSON),
                (Event(at(9), at(10), BusyType.BUSY),),
            )
            for i in range(5000)
        )
        return Snapshot(window, at(10, minute), entries)

    board = BoardModel(clock, tz=TZ)
    old = snapshot(1)
    board.set_snapshot(old)
    first_row = old.entries[0]
    references = sys.getrefcount(first_row)
    board.set_snapshot(snapshot(2))
    del old
    assert sys.getrefcount(first_row) == references - 1  # the board still holds it
    with qtbot.waitSignal(board.evaluated, timeout=5000):
        pass  # the new rows are evaluated meanwhile, in slices of their own
    qtbot.waitUntil(lambda: sys.getrefcount(first_row) == references - 2, timeout=5000)
    assert board.availability(0).mailbox.address == "p0@contoso.com"


def test_forgotten_statuses_are_let_go_of_in_slices(qtbot, qapp, clock: FakeClock) -> None:
    """A tick forgets every row's status: 5,000 of them freed at once would add to its turn."""
    window = Window(at(0), at(0, days=1))
    entries = five_thousand_people()
    board = BoardModel(clock, tz=TZ)
    board.set_snapshot(Snapshot(window, at(10), entries))
    with qtbot.waitSignal(board.evaluated, timeout=5000):
        pass
    last = board.view(4999)
    references = sys.getrefcount(last)
    clock.advance(minutes=1)
    board.tick()
    assert board.evaluated_rows() == 0
    assert sys.getrefcount(last) == references  # forgotten, but still held for now
    qtbot.waitUntil(lambda: sys.getrefcount(last) == references - 1, timeout=5000)


def test_window_span_of_the_timeline(model: BoardModel, clock: FakeClock) -> None:
    assert model.timeline_range() == (at(7), at(20))
    clock.now = at(21, 30)
    model.tick()
    assert model.timeline_range() == (at(7), at(23))
    clock.now = at(23, 30)
    model.tick()
    assert model.timeline_range() == (at(7), at(0, days=1))


def test_unaware_clock_is_refused(qapp) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        BoardModel(lambda: at(10).replace(tzinfo=None))


def test_counts_per_kind(qtbot, model: BoardModel) -> None:
    with qtbot.waitSignal(model.evaluated, timeout=2000):
        model.tick()
    assert model.counts(MailboxKind.PERSON) == {
        Status.BUSY: 2,
        Status.FREE: 1,
        Status.TENTATIVE: 1,
        Status.OOF: 1,
        Status.UNKNOWN: 1,
    }
    assert model.counts(MailboxKind.ROOM) == {Status.BUSY: 2, Status.FREE: 1}
    assert model.total(MailboxKind.ROOM) == 3


def test_search_index_is_kept_across_sorts_and_refreshes(model: BoardModel) -> None:
    index = model.search_index()
    assert len(index) == model.rowCount()
    model.sort(Column.STATUS, Qt.SortOrder.DescendingOrder)
    assert model.search_index() is index
    model.set_snapshot(model.snapshot)
    assert model.search_index() is index
    assert sorted(model.snapshot_rows()) == list(range(model.rowCount()))


def test_window_end_counts_for_next_free(qapp, clock: FakeClock) -> None:
    window = Window(at(0), at(12))
    board = BoardModel(clock, tz=TZ)
    busy = person("x", "X", "IT", Event(at(10), at(13), BusyType.BUSY))
    board.set_snapshot(Snapshot(window, at(10), (busy,)))
    assert board.data(board.index(0, Column.NEXT_FREE)) == "—"
    assert "Not free again" in str(board.data(board.index(0, Column.NEXT_FREE), TOOLTIP))
