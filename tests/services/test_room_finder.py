"""The room finder's rules (INTERFACES.md §1), on hand-made calendars."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from attendant.domain import Availability, BusyType, Event, Mailbox, MailboxKind
from attendant.services.room_finder import (
    duration_words,
    find_free_rooms,
    finder_window,
    free_for_words,
    horizon,
)

TZ = timezone(timedelta(hours=1))


def at(hour: int, minute: int = 0, day: int = 23) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=TZ)


def room(name: str, *events: Event, capacity: int | None = 8, **where: str) -> Availability:
    box = Mailbox(f"{name.lower()}@contoso.com", name, MailboxKind.ROOM, capacity=capacity, **where)
    return Availability(box, tuple(events))


def busy(start: datetime, end: datetime, kind: BusyType = BusyType.BUSY) -> Event:
    return Event(start, end, kind)


ROOMS = [
    room("Cedar", busy(at(11), at(12))),  # free 10:15-11:00: 45 min
    room("Birch", busy(at(10, 30), at(11))),  # free 15 min only
    room("Alder"),  # free all day
    room("Elm", busy(at(10), at(11))),  # busy now
    room("Fir", busy(at(13), at(14)), capacity=None),  # free until 13:00, capacity unknown
    room("Ash", busy(at(11), at(12))),  # same as Cedar: by name
    room("Oak", busy(at(10, 45), at(11), BusyType.TENTATIVE)),  # tentative ends "free"
]


def names(result) -> list[str]:
    return [r.mailbox.name for r in result.rooms]


def test_free_long_enough_latest_first_then_by_name() -> None:
    result = find_free_rooms(ROOMS, at(10, 15), 30)
    assert names(result) == ["Alder", "Fir", "Ash", "Cedar", "Oak"]
    assert result.rooms[0].free_until is None
    assert result.rooms[1].free_until == at(13)
    assert free_for_words(result, result.rooms[1]) == "free for 2 h 45 min"
    assert free_for_words(result, result.rooms[0]) == "free for the rest of the day"
    assert result.unknown_capacity == 0


def test_exactly_the_minutes_asked_is_enough() -> None:
    assert "Oak" in names(find_free_rooms(ROOMS, at(10, 15), 30))
    assert "Oak" not in names(find_free_rooms(ROOMS, at(10, 16), 30))
    assert "Birch" in names(find_free_rooms(ROOMS, at(10, 15), 15))


def test_capacity_leaves_out_smaller_and_unknown_rooms_and_counts_the_unknown() -> None:
    rooms = [*ROOMS, room("Tiny", capacity=2)]
    result = find_free_rooms(rooms, at(10, 15), 30, capacity=6)
    assert names(result) == ["Alder", "Ash", "Cedar", "Oak"]
    assert result.unknown_capacity == 1


def test_building_and_floor_filters() -> None:
    rooms = [
        room("North", building="HQ", floor="1"),
        room("South", building="HQ", floor="2"),
        room("Pier", building="Annex", floor="1"),
    ]
    assert names(find_free_rooms(rooms, at(10), 30, building="HQ")) == ["North", "South"]
    assert names(find_free_rooms(rooms, at(10), 30, floor="1")) == ["North", "Pier"]
    assert names(find_free_rooms(rooms, at(10), 30, building="HQ", floor="2")) == ["South"]


def test_no_data_and_people_are_never_listed() -> None:
    failed = Availability.failed(
        Mailbox("gone@contoso.com", "Gone", MailboxKind.ROOM), "ErrorMailRecipientNotFound", "x"
    )
    person = Availability(Mailbox("ann@contoso.com", "Ann"))
    no_data = room("Grey", busy(at(11), at(12), BusyType.NO_DATA))
    assert names(find_free_rooms([failed, person, no_data], at(10), 30)) == ["Grey"]
    assert find_free_rooms([no_data], at(11, 30), 30).rooms == ()


def test_horizon_is_the_end_of_the_day_or_later() -> None:
    assert horizon(at(10), 30) == at(0, day=24)
    assert horizon(at(23, 45), 60) == at(0, 45, day=24)
    window = finder_window(at(23, 45), 60)
    assert (window.start, window.end) == (at(0), at(0, 45, day=24))
    late = room("Late", busy(at(0, 30, day=24), at(1, day=24)))
    result = find_free_rooms([late], at(23, 45), 60)
    assert result.rooms == ()
    result = find_free_rooms([late], at(23, 45), 30)
    assert result.rooms[0].free_until is None  # free to the end of the day: the horizon


def test_minutes_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        find_free_rooms(ROOMS, at(10), 0)


def test_details_written_by_the_admin_win() -> None:
    mine = Mailbox("r@contoso.com", "Mine", MailboxKind.ROOM, capacity=12)
    server = Mailbox(
        "r@contoso.com", "Server", MailboxKind.ROOM, capacity=10, building="HQ", floor="3"
    )
    merged = mine.filled_from(server)
    assert (merged.name, merged.capacity, merged.building, merged.floor) == ("Mine", 12, "HQ", "3")


def test_duration_words() -> None:
    assert duration_words(timedelta(minutes=25)) == "25 min"
    assert duration_words(timedelta(minutes=60)) == "1 h"
    assert duration_words(timedelta(minutes=80, seconds=59)) == "1 h 20 min"
