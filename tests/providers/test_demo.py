"""The built-in demo directory: a believable, deterministic company with no server."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from attendant.domain import (
    Availability,
    BusyType,
    Event,
    Mailbox,
    MailboxKind,
    Status,
    Window,
    evaluate,
)
from attendant.providers.base import Directory, FreeBusyProvider, Resolver, RoomCatalog
from attendant.providers.demo import DemoDirectory, DemoProvider
from attendant.services.clock import day_window

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
MONDAY = date(2026, 11, 23)
ADDRESS = re.compile(r"[a-z0-9]+([.-][a-z0-9]+)*@[a-z0-9-]+(\.[a-z0-9-]+)+")
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def provider() -> DemoProvider:
    return DemoProvider()


def day(offset: int = 0) -> date:
    return MONDAY + timedelta(days=offset)


def at(when: date, hour: int, minute: int = 0, zone: ZoneInfo = LONDON) -> datetime:
    return datetime.combine(when, time(hour, minute), tzinfo=zone)


def window_of(when: date, zone: ZoneInfo = LONDON) -> Window:
    return day_window(at(when, 12, zone=zone))


def weekdays(first: date, count: int) -> list[date]:
    days = (first + timedelta(days=i) for i in range(count * 2))
    return [d for d in days if d.weekday() < 5][:count]


def statuses(results: list[Availability], instant: datetime, end: datetime) -> list[Status]:
    return [evaluate(a, instant, end).status for a in results]


def is_whole_day(event: Event, zone: ZoneInfo) -> bool:
    start, end = event.start.astimezone(zone), event.end.astimezone(zone)
    return start.time() == time(0) and end.time() == time(0) and end > start


# -- the company -------------------------------------------------------------------------------


def test_company_has_about_forty_people_in_several_departments(provider: DemoProvider) -> None:
    people = provider.directory.people
    assert 35 <= len(people) <= 45
    departments = Counter(p.department for p in people)
    assert None not in departments
    assert len(departments) >= 4
    assert all(count >= 2 for count in departments.values())
    assert all(p.kind is MailboxKind.PERSON and p.name for p in people)
    assert len({p.phone for p in people}) == len(people)


def test_company_has_twelve_rooms_in_three_room_lists(provider: DemoProvider) -> None:
    lists = provider.directory.room_lists
    assert len(lists) == 3
    assert all(rl.name and rl.rooms for rl in lists)
    rooms = provider.directory.rooms
    assert len(rooms) == 12
    assert rooms == tuple(room for rl in lists for room in rl.rooms)
    assert all(r.kind is MailboxKind.ROOM and r.capacity and r.capacity > 0 for r in rooms)
    assert all(r.name and r.location for r in rooms)


def test_addresses_are_unique_and_valid(provider: DemoProvider) -> None:
    directory = provider.directory
    addresses = [m.address for m in directory.mailboxes] + [
        rl.address for rl in directory.room_lists
    ]
    assert len({a.casefold() for a in addresses}) == len(addresses)
    for address in addresses:
        assert address.isascii(), address
        assert ADDRESS.fullmatch(address), address
    assert directory.mailboxes == (*directory.people, *directory.rooms)


# -- determinism -------------------------------------------------------------------------------


def test_two_providers_agree(provider: DemoProvider) -> None:
    window = Window(at(day(0), 0), at(day(5), 0))
    other = DemoProvider()
    first = provider.get_availability(provider.directory.mailboxes, window)
    second = other.get_availability(other.directory.mailboxes, window)
    assert first == second
    assert first == provider.get_availability(provider.directory.mailboxes, window)


def _digest_of_the_week() -> str:
    demo = DemoProvider()
    window = Window(at(day(0), 0), at(day(7), 0))
    return hashlib.sha256(
        repr(demo.get_availability(demo.directory.mailboxes, window)).encode()
    ).hexdigest()


def test_calendars_do_not_depend_on_the_process() -> None:
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]); "
        "from tests.providers.test_demo import _digest_of_the_week; print(_digest_of_the_week())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    tests_dir = str(REPO)
    done = subprocess.run(
        [sys.executable, "-c", script, tests_dir],
        capture_output=True,
        text=True,
        env=env,
        cwd=tests_dir,
        check=True,
        timeout=60,
    )
    assert done.stdout.strip() == _digest_of_the_week()


def test_a_different_day_gives_different_calendars(provider: DemoProvider) -> None:
    def shape(when: date) -> list[tuple[object, ...]]:
        results = provider.get_availability(provider.directory.mailboxes, window_of(when))
        return [
            tuple(
                (e.start.astimezone(LONDON).time(), e.end.astimezone(LONDON).time(), e.busy_type)
                for e in a.events
            )
            for a in results
        ]

    tuesday, wednesday = shape(day(1)), shape(day(2))
    differing = sum(t != w for t, w in zip(tuesday, wednesday, strict=True))
    assert differing >= len(tuesday) // 2


# -- a believable office day -------------------------------------------------------------------


def test_a_weekday_at_ten_has_a_mix(provider: DemoProvider) -> None:
    for when in weekdays(MONDAY, 5):
        window = window_of(when)
        results = provider.get_availability(provider.directory.people, window)
        counts = Counter(statuses(results, at(when, 10), window.end))
        assert counts[Status.FREE] >= 5, (when, counts)
        assert counts[Status.BUSY] >= 5, (when, counts)
        assert counts[Status.UNKNOWN] == 0
        kinds = {e.busy_type for a in results for e in a.events}
        assert BusyType.TENTATIVE in kinds, when
        assert BusyType.BUSY in kinds, when


def test_out_of_office_and_working_elsewhere_within_a_couple_of_weeks(
    provider: DemoProvider,
) -> None:
    seen: Counter[Status] = Counter()
    for when in weekdays(day(-7), 10):
        window = window_of(when)
        results = provider.get_availability(provider.directory.people, window)
        today = Counter(statuses(results, at(when, 11), window.end))
        assert today[Status.OOF] + today[Status.WORKING_ELSEWHERE] <= len(results) // 3
        seen.update(today)
    assert seen[Status.OOF] >= 1
    assert seen[Status.WORKING_ELSEWHERE] >= 1


def test_rooms_are_busier_mid_morning_than_at_eight(provider: DemoProvider) -> None:
    early = mid_morning = 0
    for when in weekdays(day(-7), 10):
        window = window_of(when)
        results = provider.get_availability(provider.directory.rooms, window)
        early += sum(s is not Status.FREE for s in statuses(results, at(when, 8), window.end))
        mid_morning += sum(
            s is not Status.FREE for s in statuses(results, at(when, 10), window.end)
        )
    assert mid_morning > 2 * early


@pytest.mark.parametrize("offset", [5, 6])
def test_weekends_are_lively_too(provider: DemoProvider, offset: int) -> None:
    weekend_day = day(offset)
    assert weekend_day.weekday() >= 5
    window = window_of(weekend_day)
    results = provider.get_availability(provider.directory.mailboxes, window)
    counts = Counter(statuses(results, at(weekend_day, 11), window.end))
    assert counts[Status.FREE] >= 5, counts
    assert counts[Status.BUSY] >= 5, counts


@pytest.mark.parametrize("hour", [0, 3, 7, 12, 19, 22, 23])
def test_every_hour_of_every_day_has_a_mix(provider: DemoProvider, hour: int) -> None:
    for offset in range(7):
        when = day(offset)
        window = window_of(when)
        people = provider.get_availability(provider.directory.people, window)
        counts = Counter(statuses(people, at(when, hour, 15), window.end))
        assert counts[Status.FREE] >= 3, (when, hour, counts)
        assert len(people) - counts[Status.FREE] >= 3, (when, hour, counts)
        rooms = provider.get_availability(provider.directory.rooms, window)
        free_rooms = sum(s is Status.FREE for s in statuses(rooms, at(when, hour, 15), window.end))
        assert free_rooms >= 1, (when, hour)


def test_anchored_to_the_local_clock(provider: DemoProvider) -> None:
    when = day(1)
    window = window_of(when)
    results = provider.get_availability(provider.directory.people, window)
    morning = statuses(results, at(when, 9), window.end)
    afternoon = statuses(results, at(when, 15), window.end)
    assert sum(m is not a for m, a in zip(morning, afternoon, strict=True)) >= 5


def test_timed_meetings_are_on_half_hours_within_their_day(provider: DemoProvider) -> None:
    for when in weekdays(MONDAY, 5):
        results = provider.get_availability(provider.directory.mailboxes, window_of(when))
        for availability in results:
            for event in availability.events:
                if is_whole_day(event, LONDON):
                    assert event.busy_type in (BusyType.OOF, BusyType.WORKING_ELSEWHERE)
                    continue
                start, end = event.start.astimezone(LONDON), event.end.astimezone(LONDON)
                assert start.minute in (0, 30) and start.second == 0, event
                assert start < end <= datetime.combine(when + timedelta(days=1), time(0), LONDON)
                assert start.date() == when


def test_private_meetings_are_marked_and_say_nothing(provider: DemoProvider) -> None:
    when = day(1)
    results = provider.get_availability(provider.directory.mailboxes, window_of(when))
    private = [e for a in results for e in a.events if e.private]
    assert private
    assert all(e.subject is None and e.location is None for e in private)
    board_room = next(a for a in results if "board" in a.mailbox.key)
    assert board_room.events and all(e.private for e in board_room.events)


# -- the window --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "window",
    [
        Window(at(day(0), 0), at(day(1), 0)),
        Window(at(day(1), 10), at(day(1), 12)),
        Window(at(day(2), 9, 15), at(day(2), 9, 45)),
        Window(at(day(-3), 0), at(day(11), 0)),
        Window(at(day(0), 18).astimezone(UTC), at(day(1), 9).astimezone(UTC)),
    ],
    ids=["day", "two-hours", "half-hour", "two-weeks", "overnight-utc"],
)
def test_events_overlap_the_window_and_are_sorted(provider: DemoProvider, window: Window) -> None:
    results = provider.get_availability(provider.directory.mailboxes, window)
    for availability in results:
        events = availability.events
        assert all(e.overlaps(window) for e in events), availability.mailbox
        assert list(events) == sorted(events, key=lambda e: (e.start, e.end))
        assert len(set(events)) == len(events)


def test_a_short_window_sees_the_same_events_as_the_day(provider: DemoProvider) -> None:
    short = Window(at(day(1), 10), at(day(1), 12))
    whole = provider.get_availability(provider.directory.mailboxes, window_of(day(1)))
    part = provider.get_availability(provider.directory.mailboxes, short)
    for full, clipped in zip(whole, part, strict=True):
        assert clipped == full.clipped(short)


def _multi_day_leave(provider: DemoProvider) -> tuple[Mailbox, Event, date]:
    """The first person with several days of leave in one week, searching from MONDAY."""
    for week in range(8):
        monday = day(7 * week)
        week_window = Window(at(monday, 0), at(monday + timedelta(days=7), 0))
        for availability in provider.get_availability(provider.directory.people, week_window):
            leave = [e for e in availability.events if e.busy_type is BusyType.OOF]
            if leave and leave[0].end - leave[0].start >= timedelta(days=2):
                return availability.mailbox, leave[0], monday
    pytest.fail("no multi-day leave in eight weeks of the demo")


def test_a_multi_day_leave_appears_once(provider: DemoProvider) -> None:
    person, leave, monday = _multi_day_leave(provider)
    week = Window(at(monday, 0), at(monday + timedelta(days=7), 0))
    (availability,) = provider.get_availability([person], week)
    assert [e.busy_type for e in availability.events].count(BusyType.OOF) == 1
    assert is_whole_day(leave, LONDON)

    # Whichever day of the leave the board is opened on, it is the same leave.
    first_day = leave.start.astimezone(LONDON).date()
    last_day = leave.end.astimezone(LONDON).date() - timedelta(days=1)
    for offset in range((last_day - first_day).days + 1):
        when = first_day + timedelta(days=offset)
        window = window_of(when)
        (today,) = provider.get_availability([person], window)
        assert today.events == (leave,)
        view = evaluate(today, at(when, 10), window.end)
        assert (view.status, view.until, view.next_free) == (Status.OOF, None, None)


# -- errors ------------------------------------------------------------------------------------


def test_unknown_addresses_are_per_mailbox_errors_in_order(provider: DemoProvider) -> None:
    ana = provider.resolve(["ana.ribeiro@harbourview.example"])[0]
    harbour = provider.resolve(["room.harbour@harbourview.example"])[0]
    nobody = Mailbox("nobody@harbourview.example")
    stranger = Mailbox("someone@elsewhere.example", "Someone")
    shouting = Mailbox("ANA.RIBEIRO@HARBOURVIEW.EXAMPLE")
    asked = [nobody, ana, stranger, harbour, shouting]

    results = provider.get_availability(asked, window_of(day(1)))

    assert [a.mailbox.key for a in results] == [m.key for m in asked]
    for failed in (results[0], results[2]):
        assert failed.error is not None
        assert failed.error.code == "ErrorMailRecipientNotFound"
        assert failed.error.message
        assert failed.events == ()
    assert results[2].mailbox == stranger
    for answered in (results[1], results[3], results[4]):
        assert answered.error is None
        assert answered.events
    assert results[4].events == results[1].events
    window = window_of(day(1))
    assert evaluate(results[0], at(day(1), 10), window.end).status is Status.UNKNOWN


def test_nothing_asked_nothing_answered(provider: DemoProvider) -> None:
    assert provider.get_availability([], window_of(day(1))) == []


# -- capabilities ------------------------------------------------------------------------------


def test_the_provider_satisfies_every_protocol(provider: DemoProvider) -> None:
    assert isinstance(provider, FreeBusyProvider)
    assert isinstance(provider, RoomCatalog)
    assert isinstance(provider, Directory)
    assert isinstance(provider, Resolver)
    assert provider.name == "demo"
    assert provider.credential_material() is None
    provider.close()
    provider.close()  # idempotent


def test_room_lists(provider: DemoProvider) -> None:
    lists = provider.room_lists()
    assert lists == list(provider.directory.room_lists)
    assert [len(rl.rooms) for rl in lists] == [4, 4, 4]
    assert {r.address for rl in lists for r in rl.rooms} == {
        r.address for r in provider.directory.rooms
    }


def test_resolve(provider: DemoProvider) -> None:
    found = provider.resolve(
        [
            "Ana.Ribeiro@harbourview.example",
            "nobody@harbourview.example",
            "room.dock@HARBOURVIEW.example",
        ]
    )
    assert [(m.name, m.kind) for m in found] == [
        ("Ana Ribeiro", MailboxKind.PERSON),
        ("Dock", MailboxKind.ROOM),
    ]
    assert found[0].department == "Engineering"
    assert provider.resolve([]) == []


def test_search(provider: DemoProvider) -> None:
    engineers = provider.search("eng")
    assert engineers
    assert all(m.department == "Engineering" for m in engineers)
    assert {m.address for m in engineers} == {
        m.address for m in provider.directory.people if m.department == "Engineering"
    }
    assert provider.search("ENG") == engineers
    assert [m.name for m in provider.search("ana ribeiro")] == ["Ana Ribeiro"]
    assert [m.name for m in provider.search("room.dock")] == ["Dock"]
    assert provider.search("zzz-no-such-person") == []
    assert len(provider.search("", limit=5)) == 5
    assert len(provider.search("harbourview")) == 20  # the default limit


# -- a big directory ---------------------------------------------------------------------------


def test_synthetic_directory_of_five_thousand() -> None:
    directory = DemoDirectory.synthetic(5000, 50)
    assert len(directory.people) == 5000
    assert len(directory.rooms) == 50
    assert len({m.key for m in directory.mailboxes}) == 5050
    demo = DemoProvider(directory)
    window = window_of(day(1))
    results = demo.get_availability(directory.mailboxes, window)
    assert [a.mailbox for a in results] == list(directory.mailboxes)
    assert all(a.error is None for a in results)
    busy = sum(evaluate(a, at(day(1), 10), window.end).status is Status.BUSY for a in results)
    assert 500 < busy < 4500


def test_synthetic_directory_without_rooms() -> None:
    directory = DemoDirectory.synthetic(3)
    assert directory.room_lists == ()
    assert [m.address for m in directory.people] == [
        "person00000@harbourview.example",
        "person00001@harbourview.example",
        "person00002@harbourview.example",
    ]


# -- time zones --------------------------------------------------------------------------------


def test_a_new_york_window_uses_new_york_wall_clock(provider: DemoProvider) -> None:
    when = day(1)
    ny_window = window_of(when, NEW_YORK)
    ny = provider.get_availability(provider.directory.mailboxes, ny_window)
    london = provider.get_availability(provider.directory.mailboxes, window_of(when))

    for availability in ny:
        for event in availability.events:
            if not is_whole_day(event, NEW_YORK):
                start = event.start.astimezone(NEW_YORK)
                assert start.date() == when and start.minute in (0, 30), event

    # The same office day, at the same wall-clock times, five real hours later.
    for here, there in zip(london, ny, strict=True):
        assert len(here.events) == len(there.events)
        for mine, theirs in zip(here.events, there.events, strict=True):
            assert mine.start.astimezone(LONDON).time() == theirs.start.astimezone(NEW_YORK).time()
            assert (mine.busy_type, mine.subject) == (theirs.busy_type, theirs.subject)
            assert theirs.start.astimezone(UTC) - mine.start.astimezone(UTC) == timedelta(hours=5)


def test_a_window_over_a_dst_change_keeps_local_office_hours(provider: DemoProvider) -> None:
    # London springs forward on Sunday 2026-03-29; the week around it keeps local half hours.
    window = Window(datetime(2026, 3, 26, tzinfo=LONDON), datetime(2026, 4, 2, tzinfo=LONDON))
    mondays = 0
    for availability in provider.get_availability(provider.directory.mailboxes, window):
        for event in availability.events:
            if not is_whole_day(event, LONDON):
                start = event.start.astimezone(LONDON)
                assert start.minute in (0, 30) and start.second == 0, event
                mondays += start.date() == date(2026, 3, 30) and start.hour == 9
    assert mondays >= 3
