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

from attendant.domain.model import Availability, BusyType, Event, Status, require_aware

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


def strongest_at(events: Sequence[Event], at: datetime) -> Event | None:
    """The strongest event covering ``at`` (start inclusive, end exclusive), if any."""
    best: Event | None = None
    best_strength = -1
    for event in events:
        if event.start <= at < event.end:
            strength = STRENGTH[event.busy_type]
            if strength > best_strength:
                best, best_strength = event, strength
    return best


def status_at(events: Sequence[Event], at: datetime) -> Status:
    event = strongest_at(events, at)
    return Status.FREE if event is None else STATUS_OF[event.busy_type]


def evaluate(availability: Availability, at: datetime, end: datetime) -> StatusView:
    """Status, until and next free of ``availability`` at ``at``, looking up to ``end``."""
    require_aware(at, "at")
    require_aware(end, "end")
    if availability.error is not None:
        return UNKNOWN_VIEW
    events = availability.events
    current = strongest_at(events, at)
    status = Status.FREE if current is None else STATUS_OF[current.busy_type]
    next_free: datetime | None = at if status is Status.FREE else None
    until: datetime | None = None
    boundaries = sorted(
        {t for e in events for t in (e.start, e.end) if at < t < end},
    )
    for instant in boundaries:
        then = status_at(events, instant)
        if until is None and then is not status:
            until = instant
        if next_free is None and then is Status.FREE:
            next_free = instant
        if until is not None and next_free is not None:
            break
    return StatusView(status, until, next_free, current)
