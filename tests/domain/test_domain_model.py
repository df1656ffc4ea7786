"""The frozen values of the domain: validation, ``Availability.clipped``, small helpers."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from attendant.domain import (
    Availability,
    BusyType,
    Event,
    Mailbox,
    MailboxError,
    MailboxKind,
    Snapshot,
    WatchEntry,
    WatchList,
    Window,
)
from attendant.services.clock import day_window

LONDON = ZoneInfo("Europe/London")
BOB = Mailbox("Bob.Builder@Contoso.com", "Bob Builder")


def t(hour: int, minute: int = 0, day: int = 24) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=LONDON)


def ev(start: datetime, end: datetime, subject: str | None = None) -> Event:
    return Event(start, end, BusyType.BUSY, subject)


# -- clipped -----------------------------------------------------------------------------------


def test_clipped_keeps_only_overlapping_events_sorted() -> None:
    window = day_window(t(12))
    yesterday = ev(t(10, day=23), t(11, day=23), "yesterday")
    tomorrow = ev(t(10, day=25), t(11, day=25), "tomorrow")
    late = ev(t(16), t(17), "late")
    early = ev(t(9), t(10), "early")
    early_longer = ev(t(9), t(11), "early longer")
    overnight = ev(t(23, day=23), t(1), "overnight in")
    into_tomorrow = ev(t(23), t(1, day=25), "overnight out")
    whole_week = ev(t(0, day=23), t(0, day=28), "week")
    availability = Availability(
        BOB,
        (late, tomorrow, early_longer, into_tomorrow, yesterday, whole_week, early, overnight),
    )
    clipped = availability.clipped(window)
    assert clipped.events == (
        whole_week,
        overnight,
        early,
        early_longer,
        late,
        into_tomorrow,
    )
    assert clipped.mailbox == BOB
    assert len(availability.events) == 8  # the original is untouched


def test_clipped_treats_the_window_as_half_open() -> None:
    window = Window(t(9), t(17))
    ends_at_start = ev(t(8), t(9))
    starts_at_end = ev(t(17), t(18))
    starts_at_start = ev(t(9), t(9, 30))
    ends_at_end = ev(t(16), t(17))
    instant_at_start = ev(t(9), t(9))
    instant_at_end = ev(t(17), t(17))
    instant_inside = ev(t(12), t(12))
    availability = Availability(
        BOB,
        (
            ends_at_start,
            starts_at_end,
            starts_at_start,
            ends_at_end,
            instant_at_start,
            instant_at_end,
            instant_inside,
        ),
    )
    assert availability.clipped(window).events == (
        instant_at_start,
        starts_at_start,
        instant_inside,
        ends_at_end,
    )


def test_clipped_compares_instants_across_zones() -> None:
    window = Window(datetime(2026, 11, 24, 9, tzinfo=UTC), datetime(2026, 11, 24, 10, tzinfo=UTC))
    tokyo = ZoneInfo("Asia/Tokyo")
    inside = ev(
        datetime(2026, 11, 24, 18, 30, tzinfo=tokyo), datetime(2026, 11, 24, 19, tzinfo=tokyo)
    )
    outside = ev(datetime(2026, 11, 24, 19, tzinfo=tokyo), datetime(2026, 11, 24, 20, tzinfo=tokyo))
    assert Availability(BOB, (outside, inside)).clipped(window).events == (inside,)


def test_clipped_keeps_error_and_working_hours() -> None:
    hours = (t(9), t(17))
    failed = Availability(BOB, (ev(t(10), t(11)),), MailboxError("E", "m"), hours)
    clipped = failed.clipped(Window(t(0), t(0, day=25)))
    assert clipped.error == MailboxError("E", "m")
    assert clipped.working_hours == hours
    assert clipped.clipped(Window(t(0), t(0, day=25))) == clipped


# -- validation --------------------------------------------------------------------------------


def test_event_end_before_start_is_refused() -> None:
    with pytest.raises(ValueError, match="before its start"):
        ev(t(11), t(10))
    assert ev(t(10), t(10)).start == t(10)  # zero length is allowed


@pytest.mark.parametrize("length", [timedelta(0), timedelta(minutes=-1)])
def test_window_must_have_positive_length(length: timedelta) -> None:
    with pytest.raises(ValueError, match="after its start"):
        Window(t(10), t(10) + length)


def test_snapshot_refuses_a_naive_fetch_time() -> None:
    window = day_window(t(12))
    with pytest.raises(ValueError, match="timezone-aware"):
        Snapshot(window, datetime(2026, 11, 24, 12))
    assert Snapshot(window, t(12)).entries == ()


def test_values_are_frozen() -> None:
    event = ev(t(10), t(11))
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.start = t(9)  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        BOB.address = "x@y.z"  # type: ignore[misc]


@pytest.mark.parametrize("address", ["", "bob", "contoso.com"])
def test_mailbox_needs_an_address(address: str) -> None:
    with pytest.raises(ValueError, match="not an e-mail address"):
        Mailbox(address)


def test_mailbox_key_and_display_name() -> None:
    assert BOB.key == "bob.builder@contoso.com"
    assert Mailbox("BOB.BUILDER@contoso.COM").key == BOB.key
    assert BOB.display_name == "Bob Builder"
    assert Mailbox("room.4@contoso.com", kind=MailboxKind.ROOM).display_name == "room.4@contoso.com"


def test_failed_availability_is_a_value() -> None:
    failed = Availability.failed(BOB, "ErrorMailRecipientNotFound", "No such mailbox")
    assert failed.error == MailboxError("ErrorMailRecipientNotFound", "No such mailbox")
    assert failed.events == ()
    assert failed.mailbox is BOB


def test_watch_list_emptiness() -> None:
    assert WatchList().is_empty
    assert not WatchList(people=("a@b.c",)).is_empty
    assert not WatchList(rooms=("r@b.c",)).is_empty
    assert not WatchList(room_lists=("l@b.c",)).is_empty


def test_a_watch_entry_wins_over_the_server_and_the_server_fills_in_the_rest() -> None:
    entry = WatchEntry("bob@contoso.com", name="Bob (front desk)", phone="+39 1")
    server = Mailbox("BOB@contoso.com", name="Bob Builder", department="Sales", phone="+39 2")
    merged = entry.apply_to(server)
    assert (merged.address, merged.name, merged.department, merged.phone) == (
        "BOB@contoso.com",
        "Bob (front desk)",
        "Sales",
        "+39 1",
    )
    assert WatchEntry("x@y.com").apply_to(server) is server
    room = WatchEntry("r@y.com", capacity=8, floor="2").as_mailbox(MailboxKind.ROOM)
    assert (room.kind, room.capacity, room.floor, room.name) == (MailboxKind.ROOM, 8, "2", None)
    assert entry.merged(WatchEntry("bob@contoso.com", name="B", mobile="+39 3")) == WatchEntry(
        "bob@contoso.com", name="Bob (front desk)", phone="+39 1", mobile="+39 3"
    )
    assert WatchList(people=("a@b.c",)).people == (WatchEntry("a@b.c"),)
    assert WatchList(people=(entry,)).entry("BOB@CONTOSO.COM") is entry
