"""Pure free/busy arithmetic: a mailbox's status at an instant, until when, and next free.

The rules are INTERFACES.md §1: where events overlap the strongest wins
(oof > busy > tentative > working elsewhere > free); ``until`` is the first instant after
``at`` at which the status changes, ``next_free`` the first instant at or after ``at`` at which
the mailbox is free; both are ``None`` when that does not happen before the window's end.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from attendant.domain.model import (
    Availability,
    BusyType,
    Event,
    Status,
    require_aware,
    utc,
)

#: How strongly an event's busy type claims its owner's time. "No data" is weaker than
#: anything the server did disclose, but stronger than plain free time.
STRENGTH: dict[BusyType, int] = {
    BusyType.FREE: 0,
    BusyType.NO_DATA: 1,
    BusyType.WORKING_ELSEWHERE: 2,
    BusyType.TENTATIVE: 3,
    BusyType.BUSY: 4,
    BusyType.OOF: 5,
}

STATUS_OF: dict[BusyType, Status] = {
    BusyType.FREE: Status.FREE,
    BusyType.NO_DATA: Status.UNKNOWN,
    BusyType.WORKING_ELSEWHERE: Status.WORKING_ELSEWHERE,
    BusyType.TENTATIVE: Status.TENTATIVE,
    BusyType.BUSY: Status.BUSY,
    BusyType.OOF: Status.OOF,
}


@dataclass(frozen=True, slots=True)
class StatusView:
    """What the board and ``availability --json`` show for one mailbox at one instant."""

    status: Status
    until: datetime | None
    next_free: datetime | None
    current: Event | None


UNKNOWN_VIEW = StatusView(Status.UNKNOWN, None, None, None)


# An event as the arithmetic sees it: UTC start, UTC end, strength, the event itself.
_Span = tuple[datetime, datetime, int, Event]


def _spans(events: Sequence[Event]) -> list[_Span]:
    return [(utc(e.start), utc(e.end), STRENGTH[e.busy_type], e) for e in events]


def _strongest(spans: Sequence[_Span], instant: datetime) -> Event | None:
    best: Event | None = None
    best_strength = -1
    for start, end, strength, event in spans:
        if start <= instant < end and strength > best_strength:
            best, best_strength = event, strength
    return best


def strongest_at(events: Sequence[Event], at: datetime) -> Event | None:
    """The strongest event covering ``at`` (start inclusive, end exclusive), if any."""
    return _strongest(_spans(events), utc(at))


def status_at(events: Sequence[Event], at: datetime) -> Status:
    event = strongest_at(events, at)
    return Status.FREE if event is None else STATUS_OF[event.busy_type]


def evaluate(availability: Availability, at: datetime, end: datetime) -> StatusView:
    """Status, until and next free of ``availability`` at ``at``, looking up to ``end``."""
    require_aware(at, "at")
    require_aware(end, "end")
    if availability.error is not None:
        return UNKNOWN_VIEW
    spans = _spans(availability.events)
    at_utc, end_utc = utc(at), utc(end)
    current = _strongest(spans, at_utc)
    status = Status.FREE if current is None else STATUS_OF[current.busy_type]
    next_free: datetime | None = at_utc if status is Status.FREE else None
    until: datetime | None = None
    boundaries = sorted({t for s, e, _, _ in spans for t in (s, e) if at_utc < t < end_utc})
    for instant in boundaries:
        event = _strongest(spans, instant)
        then = Status.FREE if event is None else STATUS_OF[event.busy_type]
        if until is None and then is not status:
            until = instant
        if next_free is None and then is Status.FREE:
            next_free = instant
        if until is not None and next_free is not None:
            break
    zone = at.tzinfo
    return StatusView(
        status,
        None if until is None else until.astimezone(zone),
        None if next_free is None else (at if next_free == at_utc else next_free.astimezone(zone)),
        current,
    )
