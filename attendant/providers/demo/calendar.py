"""The demo company's calendars, invented afresh for every day.

Deterministic (seeded by the date and the address) and anchored to the desk's local clock, so
the board looks like a real office day: people go in and out of meetings, some are out of
office for a few days, some work elsewhere, rooms fill up around ten and after lunch.

The demo is what a first start shows and what a salesperson opens at any time of day, so
Harbourview works round the clock, weekends included: whoever opens it on a Saturday night
still sees a lively board.
"""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, date, datetime, time, timedelta

from attendant.domain import BusyType, Event, Mailbox, MailboxKind, Window

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
#: Meetings start on half-hour slots from midnight to the last half hour of the day.
_DAY_END = 24 * 60
#: How likely a room is booked in a half-hour slot starting in each hour: busiest mid-morning
#: and mid-afternoon, quiet at breakfast, and never quite empty at night.
_ROOM_CHANCE = (
    {hour: 0.45 for hour in range(24)}
    | {6: 0.15, 7: 0.15, 8: 0.3}
    | {hour: 0.8 for hour in (9, 10, 14, 15)}
)


def _rng(*parts: object) -> random.Random:
    """A generator seeded by a stable digest of ``parts`` (stable across runs and Pythons)."""
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))  # noqa: S311 - not security


def days_of(window: Window) -> list[date]:
    zone = window.start.tzinfo
    first = window.start.date()
    last = window.end.astimezone(zone).date()
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _at(day: date, minutes: int, zone: object) -> datetime:
    if minutes >= _DAY_END:
        return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)  # type: ignore[arg-type]
    return datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=zone)  # type: ignore[arg-type]


def _add(
    events: list[Event],
    start: datetime,
    end: datetime,
    what: tuple[BusyType, str | None, str | None, bool],
) -> None:
    """Add a meeting unless the clocks going forward swallowed it (01:00-02:00 in London)."""
    if end.astimezone(UTC) > start.astimezone(UTC):
        busy, subject, location, private = what
        events.append(Event(start, end, busy, subject, location, private))


def day_events(mailbox: Mailbox, day: date, zone: object) -> list[Event]:
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
    # Holidays span several days: decided once per ISO week, so Monday to Wednesday off
    # looks the same whichever of those days the board is opened on.
    year, week, weekday = day.isocalendar()
    week_rng = _rng("week", year, week, mailbox.key)
    if week_rng.random() < 0.08:
        first_off = week_rng.randint(1, 7)
        last_off = min(7, first_off + week_rng.randint(0, 3))
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
    # Meetings on half-hour slots round the clock; some overlap, as in life.
    cursor = 30 * rng.randint(0, 3)
    while cursor < _DAY_END - 30:
        if rng.random() < 0.55:
            length = rng.choice((30, 30, 60, 60, 60, 90, 120))
            roll = rng.random()
            busy = BusyType.TENTATIVE if roll < 0.15 else BusyType.BUSY
            private = rng.random() < 0.2  # as Exchange does, a private item says nothing more
            subject = None if private else rng.choice(_MEETINGS)
            location = (
                None
                if private
                else rng.choice(
                    ("Harbour", "Lighthouse", "Anchor", "Teams", "Teams", "Compass", None)
                )
            )
            _add(
                events,
                _at(day, cursor, zone),
                _at(day, min(cursor + length, _DAY_END), zone),
                (busy, subject, location, private),
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
    rng = _rng("room", day.isoformat(), mailbox.key)
    events: list[Event] = []
    discloses = "board" not in mailbox.key  # the board room hides its subjects
    cursor = 30 * rng.randint(0, 2)
    while cursor < _DAY_END - 30:
        # Rooms are busiest mid-morning and mid-afternoon.
        chance = _ROOM_CHANCE[cursor // 60]
        if rng.random() < chance:
            length = rng.choice((30, 60, 60, 90, 120))
            busy = BusyType.TENTATIVE if rng.random() < 0.1 else BusyType.BUSY
            subject = rng.choice(_MEETINGS) if discloses else None
            _add(
                events,
                _at(day, cursor, zone),
                _at(day, min(cursor + length, _DAY_END), zone),
                (busy, subject, mailbox.name if discloses else None, not discloses),
            )
            cursor += length
        cursor += 30 * rng.randint(1, 2)
    return events
