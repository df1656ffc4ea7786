"""Search-as-you-type, kinds and "only free" over the shared board."""

from __future__ import annotations

import pytest
from office_day import TZ, FakeClock, at, office_day
from PySide6.QtCore import Qt

from attendant.domain import MailboxKind
from attendant.ui.board.filtering import BoardFilter
from attendant.ui.board.model import BoardModel, Column


@pytest.fixture
def board(qapp, clock: FakeClock) -> BoardModel:
    model = BoardModel(clock, tz=TZ)
    model.set_snapshot(office_day())
    return model


def names(proxy: BoardFilter) -> list[str]:
    return [proxy.index(r, Column.NAME).data() for r in range(proxy.rowCount())]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "",
            [
                "Anna Becker",
                "Bruno Meyer",
                "Carla Rossi",
                "David Novak",
                "Farid Kaya",
                "Greta Berg",
            ],
        ),
        ("anna", ["Anna Becker"]),
        ("ANNA", ["Anna Becker"]),
        ("finance", ["Anna Becker"]),  # department
        ("carla.rossi@", ["Carla Rossi"]),  # address
        ("r", ["Anna Becker", "Bruno Meyer", "Carla Rossi", "Farid Kaya", "Greta Berg"]),
        ("be  ANN", ["Anna Becker"]),  # every word must match, in any order
        ("becker legal", []),
    ],
)
def test_search_matches_every_word(board: BoardModel, text: str, expected: list[str]) -> None:
    people = BoardFilter(board, MailboxKind.PERSON)
    people.sort(Column.NAME, Qt.SortOrder.AscendingOrder)
    people.set_search(text)
    assert names(people) == expected


def test_kind_filter(board: BoardModel) -> None:
    proxy = BoardFilter(board)
    assert proxy.rowCount() == 9
    proxy.set_kind(MailboxKind.ROOM)
    assert sorted(names(proxy)) == ["Aurora", "Borealis", "Cirrus"]
    proxy.set_kind(MailboxKind.PERSON)
    assert proxy.rowCount() == 6


def test_only_free_follows_the_clock(qtbot, board: BoardModel, clock: FakeClock) -> None:
    rooms = BoardFilter(board, MailboxKind.ROOM)
    rooms.set_only_free(True)
    assert names(rooms) == ["Borealis"]
    clock.now = at(11)
    with qtbot.waitSignal(board.evaluated, timeout=2000):
        board.tick()
    assert sorted(names(rooms)) == ["Aurora", "Borealis", "Cirrus"]
    rooms.set_only_free(False)
    assert rooms.rowCount() == 3


def test_a_header_click_sorts_the_shared_board(board: BoardModel) -> None:
    people = BoardFilter(board, MailboxKind.PERSON)
    rooms = BoardFilter(board, MailboxKind.ROOM)
    people.sort(Column.NAME, Qt.SortOrder.DescendingOrder)
    assert names(people)[0] == "Greta Berg"
    assert names(rooms) == ["Cirrus", "Borealis", "Aurora"]
    assert people.sortColumn() == -1  # the proxy keeps the board's order


def test_filters_survive_a_reset(board: BoardModel) -> None:
    people = BoardFilter(board, MailboxKind.PERSON)
    people.set_search("a")
    before = people.rowCount()
    board.set_snapshot(None)
    assert people.rowCount() == 0
    board.set_snapshot(office_day())
    assert people.rowCount() == before
