"""The built-in demo directory: a believable company, so Attendant runs with no server.

Harbourview Ltd has about forty people in six departments and twelve rooms in three room
lists. Their calendars are invented afresh for every day — deterministically, seeded by the
date and the address — and anchored to the desk's local clock, so the board looks like a real
office day: people go in and out of meetings, some are out of office for a few days, some
work elsewhere, rooms fill up around ten and after lunch.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from attendant.domain import (
    Availability,
    BusyType,
    Event,
    Mailbox,
    MailboxKind,
    RoomList,
    WatchList,
    Window,
)

DOMAIN = "harbourview.example"

_DEPARTMENTS: dict[str, tuple[str, ...]] = {
    "Management": (
        "Eleanor Whitfield",
        "Marcus Adeyemi",
        "Sofia Lindqvist",
    ),
    "Sales": (
        "Daniel Okafor",
        "Chiara Russo",
        "Liam Gallagher",
        "Priya Raman",
        "Tomás Herrera",
        "Hannah Becker",
        "Oliver Brandt",
        "Yuki Tanaka",
    ),
    "Engineering": (
        "Ana Ribeiro",
        "Jonas Weber",
        "Fatima Zahra Benali",
        "Ethan Cole",
        "Mei Lin",
        "Lukas Novak",
        "Grace O'Connor",
        "Rafael Mendes",
        "Noor Haddad",
        "Samuel Price",
    ),
    "Finance": (
        "Margaret Ellis",
        "Giorgio Bianchi",
        "Aisha Khan",
        "Peter Holm",
        "Clara Dubois",
    ),
    "People & Culture": (
        "Isabel Navarro",
        "Kwame Mensah",
        "Ingrid Solberg",
        "Victor Lambert",
    ),
    "Customer Support": (
        "Zoe Martin",
        "Ahmed Farouk",
        "Julia Kowalska",
        "Nathan Reid",
        "Elena Popescu",
        "Mateo Silva",
        "Ruth Abramson",
        "Hugo Laurent",
        "Amara Nwosu",
    ),
}

_ROOM_LISTS: tuple[tuple[str, str, tuple[tuple[str, int, str], ...]], ...] = (
    (
        "rooms-ground",
        "HQ Ground floor",
        (
            ("Harbour", 12, "Ground floor"),
            ("Lighthouse", 6, "Ground floor"),
            ("Quay", 4, "Ground floor"),
            ("Boathouse", 20, "Ground floor"),
        ),
    ),
    (
        "rooms-first",
        "HQ First floor",
        (
            ("Anchor", 8, "First floor"),
            ("Compass", 4, "First floor"),
            ("Tide", 6, "First floor"),
            ("Board room", 16, "First floor"),
        ),
    ),
    (
        "rooms-annex",
        "Annex",
        (
            ("Pier 1", 4, "Annex"),
            ("Pier 2", 4, "Annex"),
            ("Dock", 10, "Annex"),
            ("Focus booth", 1, "Annex"),
        ),
    ),
)

_MEETINGS = (
    "Weekly sync",
    "1:1",
    "Project kick-off",
    "Budget review",
    "Customer call",
    "Design review",
    "Interview",
    "Sprint planning",
    "Quarterly business review",
    "Supplier meeting",
    "Training",
    "Team stand-up",
    "Contract negotiation",
    "Onboarding",
    "Retrospective",
    "Site visit briefing",
    "Roadmap workshop",
    "Lunch & learn",
    "All-hands prep",
)
_ELSEWHERE = ("Customer site", "Working from home", "Milan office", "Trade fair")


def _slug(name: str) -> str:
    ascii_name = name.lower().replace("á", "a").replace("é", "e").replace("ö", "o").replace("'", "")
    return ".".join(part for part in ascii_name.split() if part)


def _rng(*parts: object) -> random.Random:
    """A generator seeded by a stable digest of ``parts`` (stable across runs and Pythons)."""
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))  # noqa: S311 - not security


@dataclass(frozen=True)
class DemoDirectory:
    """The people, rooms and room lists of the demo company."""

    people: tuple[Mailbox, ...]
    room_lists: tuple[RoomList, ...]

    @property
    def rooms(self) -> tuple[Mailbox, ...]:
        return tuple(room for rl in self.room_lists for room in rl.rooms)

    @property
    def mailboxes(self) -> tuple[Mailbox, ...]:
        return (*self.people, *self.rooms)

    @staticmethod
    def company() -> DemoDirectory:
        """Harbourview Ltd as the demo shows it: 39 people, 12 rooms, 3 room lists."""
        people = []
        extension = 200
        for department, names in _DEPARTMENTS.items():
            for name in names:
                extension += 1
                people.append(
                    Mailbox(
                        address=f"{_slug(name)}@{DOMAIN}",
                        name=name,
                        kind=MailboxKind.PERSON,
                        department=department,
                        phone=f"+44 20 7946 0{extension}",
                    )
                )
        room_lists = tuple(
            RoomList(
                address=f"{list_id}@{DOMAIN}",
                name=list_name,
                rooms=tuple(
                    Mailbox(
                        address=f"room.{_slug(room)}@{DOMAIN}",
                        name=room,
                        kind=MailboxKind.ROOM,
                        capacity=capacity,
                        location=floor,
                    )
                    for room, capacity, floor in rooms
                ),
            )
            for list_id, list_name, rooms in _ROOM_LISTS
        )
        return DemoDirectory(tuple(people), room_lists)

    @staticmethod
    def synthetic(people: int, rooms: int = 0) -> DemoDirectory:
        """A directory of any size, for benchmarks: ``person00042@…`` and ``room0007@…``."""
        firsts = [n.split()[0] for names in _DEPARTMENTS.values() for n in names]
        lasts = [n.split()[-1] for names in _DEPARTMENTS.values() for n in names]
        departments = list(_DEPARTMENTS)
        made = tuple(
            Mailbox(
                address=f"person{i:05d}@{DOMAIN}",
                name=f"{firsts[i % len(firsts)]} {lasts[(i * 7) % len(lasts)]} {i}",
                department=departments[i % len(departments)],
            )
            for i in range(people)
        )
        room_boxes = tuple(
            Mailbox(
                address=f"room{i:04d}@{DOMAIN}",
                name=f"Room {i}",
                kind=MailboxKind.ROOM,
                capacity=4 + i % 12,
            )
            for i in range(rooms)
        )
        lists = (RoomList(f"rooms-all@{DOMAIN}", "All rooms", room_boxes),) if rooms else ()
        return DemoDirectory(made, lists)


class DemoProvider:
    """Free/busy from the demo directory; also lists rooms, resolves names and searches."""

    name = "demo"

    def __init__(self, directory: DemoDirectory | None = None) -> None:
        self.directory = directory or DemoDirectory.company()
        self._by_key = {m.key: m for m in self.directory.mailboxes}

    # -- FreeBusyProvider --------------------------------------------------------------

    def get_availability(self, mailboxes: Sequence[Mailbox], window: Window) -> list[Availability]:
        result = []
        for asked in mailboxes:
            known = self._by_key.get(asked.key)
            if known is None:
                result.append(
                    Availability.failed(
                        asked,
                        "ErrorMailRecipientNotFound",
                        f"No mailbox {asked.address} in the demo directory.",
                    )
                )
                continue
            events = {  # a holiday of several days is made once per day: keep it once
                event: None
                for day in _days(window)
                for event in _day_events(known, day, window.start.tzinfo)
                if event.overlaps(window)
            }
            ordered = sorted(events, key=lambda e: (e.start, e.end))
            result.append(Availability(known, tuple(ordered)))
        return result

    def credential_material(self) -> bytes | None:
        return None

    def close(self) -> None:
        return None

    # -- capabilities ------------------------------------------------------------------

    def room_lists(self) -> list[RoomList]:
        return list(self.directory.room_lists)

    def resolve(self, addresses: Sequence[str]) -> list[Mailbox]:
        return [self._by_key[a.casefold()] for a in addresses if a.casefold() in self._by_key]

    def search(self, query: str, limit: int = 20) -> list[Mailbox]:
        words = query.casefold().split()
        hits = [
            m
            for m in self.directory.mailboxes
            if all(
                w in f"{m.display_name} {m.address} {m.department or ''}".casefold() for w in words
            )
        ]
        return hits[:limit]

    def default_watch(self) -> WatchList:
        """Everyone and every room: what a first start with no configuration shows."""
        return WatchList(
            people=tuple(m.address for m in self.directory.people),
            room_lists=tuple(rl.address for rl in self.directory.room_lists),
        )


def _days(window: Window) -> list[date]:
    zone = window.start.tzinfo
    first = window.start.date()
    last = window.end.astimezone(zone).date()
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _at(day: date, minutes: int, zone: object) -> datetime:
    return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=zone)  # type: ignore[arg-type]


def _day_events(mailbox: Mailbox, day: date, zone: object) -> list[Event]:
    if mailbox.kind is MailboxKind.ROOM:
        return _room_day(mailbox, day, zone)
    return _person_day(mailbox, day, zone)


def _whole_days(
    day: date,
    zone: object,
    busy: BusyType,
    subject: str | None,
    length: int,
    location: str | None = None,
) -> Event:
    start = datetime.combine(day, time(0), tzinfo=zone)  # type: ignore[arg-type]
    end = datetime.combine(day + timedelta(days=length), time(0), tzinfo=zone)  # type: ignore[arg-type]
    return Event(start, end, busy, subject, location)


def _person_day(mailbox: Mailbox, day: date, zone: object) -> list[Event]:
    if day.weekday() >= 5:
        return []
    # Holidays span several days: decided once per ISO week, so Monday to Wednesday off
    # looks the same whichever of those days the board is opened on.
    year, week, weekday = day.isocalendar()
    week_rng = _rng("week", year, week, mailbox.key)
    if week_rng.random() < 0.08:
        first_off = week_rng.randint(1, 5)
        last_off = min(5, first_off + week_rng.randint(0, 3))
        if first_off <= weekday <= last_off:
            monday = day - timedelta(days=weekday - 1)
            start_day = monday + timedelta(days=first_off - 1)
            return [
                _whole_days(start_day, zone, BusyType.OOF, "Annual leave", last_off - first_off + 1)
            ]
    rng = _rng("day", day.isoformat(), mailbox.key)
    events: list[Event] = []
    if rng.random() < 0.1:
        events.append(
            _whole_days(day, zone, BusyType.WORKING_ELSEWHERE, None, 1, rng.choice(_ELSEWHERE))
        )
    # Meetings on half-hour slots between 08:30 and 18:00; some overlap, as in life.
    cursor = 8 * 60 + 30 + 30 * rng.randint(0, 3)
    while cursor < 17 * 60 + 30:
        if rng.random() < 0.55:
            length = rng.choice((30, 30, 60, 60, 60, 90, 120))
            roll = rng.random()
            busy = BusyType.TENTATIVE if roll < 0.15 else BusyType.BUSY
            private = rng.random() < 0.2
            subject = None if private else rng.choice(_MEETINGS)
            location = (
                None
                if private
                else rng.choice(
                    ("Harbour", "Lighthouse", "Anchor", "Teams", "Teams", "Compass", None)
                )
            )
            events.append(
                Event(
                    _at(day, cursor, zone),
                    _at(day, min(cursor + length, 19 * 60), zone),
                    busy,
                    subject,
                    location,
                )
            )
            cursor += length
            if rng.random() < 0.15:  # a back-to-back or overlapping follow-up
                cursor -= 30
        cursor += 30 * rng.randint(1, 3)
    if rng.random() < 0.3:
        events.append(
            Event(
                _at(day, 12 * 60 + 30, zone),
                _at(day, 13 * 60 + 30, zone),
                BusyType.BUSY,
                None,
                None,
            )
        )
    return events


def _room_day(mailbox: Mailbox, day: date, zone: object) -> list[Event]:
    if day.weekday() >= 5:
        return []
    rng = _rng("room", day.isoformat(), mailbox.key)
    events: list[Event] = []
    discloses = "board" not in mailbox.key  # the board room hides its subjects
    cursor = 8 * 60 + 30 * rng.randint(0, 2)
    while cursor < 18 * 60:
        # Rooms are busiest mid-morning and mid-afternoon.
        hour = cursor // 60
        chance = 0.75 if hour in (9, 10, 14, 15) else 0.45
        if rng.random() < chance:
            length = rng.choice((30, 60, 60, 90, 120))
            busy = BusyType.TENTATIVE if rng.random() < 0.1 else BusyType.BUSY
            subject = rng.choice(_MEETINGS) if discloses else None
            events.append(
                Event(
                    _at(day, cursor, zone),
                    _at(day, min(cursor + length, 19 * 60), zone),
                    busy,
                    subject,
                    mailbox.name if discloses else None,
                )
            )
            cursor += length
        cursor += 30 * rng.randint(1, 2)
    return events
