"""The room finder: which watched rooms are free now, for how long, and with how many seats.

Qt-free, shared by ``attendant free-rooms`` and the board's room finder, so the command line
and the screen always agree (INTERFACES.md §1):

- a room is listed when its status at ``at`` is free and stays free for at least the asked
  minutes; rooms the server gave no data for are not listed;
- ``free_until`` is when it stops being free, ``None`` when it is free to the horizon (the end
  of the local day of ``at``, or ``at`` + minutes if that is later);
- latest ``free_until`` first (``None`` first), then by name;
- with a minimum capacity, rooms of unknown capacity are left out, and those that would have
  been listed are counted.

Capacity, building and floor come from the mailbox (the watch list's entry or the server's
room lists); :func:`fill_room_details` asks a room catalogue (Graph ``/places``, the demo) for
what the watch list did not say.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from loguru import logger

from attendant.domain import (
    Availability,
    Mailbox,
    MailboxKind,
    RoomList,
    Status,
    StatusView,
    Window,
    evaluate,
)
from attendant.domain.model import utc
from attendant.providers.base import FreeBusyProvider, RoomCatalog
from attendant.providers.errors import ProviderError
from attendant.services.clock import day_window

#: The durations the board offers, in minutes ("custom" takes any other).
PRESET_MINUTES: tuple[int, ...] = (15, 30, 60)
DEFAULT_MINUTES = 30


@dataclass(frozen=True, slots=True)
class FreeRoom:
    """A room free at the finder's instant, and until when (``None``: to the horizon)."""

    mailbox: Mailbox
    free_until: datetime | None


@dataclass(frozen=True, slots=True)
class FinderResult:
    """The rooms found, best first, and how many were left out for unknown capacity."""

    at: datetime
    minutes: int
    horizon: datetime
    rooms: tuple[FreeRoom, ...]
    unknown_capacity: int = 0

    def free_for(self, room: FreeRoom) -> timedelta:
        """How long ``room`` stays free from :attr:`at` (to the horizon when open-ended)."""
        end = room.free_until if room.free_until is not None else self.horizon
        return utc(end) - utc(self.at)


def horizon(at: datetime, minutes: int) -> datetime:
    """The end of the local day of ``at``, or ``at`` + ``minutes`` if that is later."""
    return max(day_window(at).end, at + timedelta(minutes=minutes), key=utc)


def finder_window(at: datetime, minutes: int) -> Window:
    """The window to ask free/busy for: the local day of ``at``, stretched to the horizon."""
    return Window(day_window(at).start, horizon(at, minutes))


def _sort_key(room: FreeRoom) -> tuple[int, float, str]:
    until = room.free_until
    latest_first = 0.0 if until is None else -utc(until).timestamp()
    return (0 if until is None else 1, latest_first, room.mailbox.display_name.casefold())


def find_free_rooms(
    entries: Iterable[Availability],
    at: datetime,
    minutes: int,
    *,
    capacity: int | None = None,
    building: str | None = None,
    floor: str | None = None,
    views: Sequence[StatusView] | None = None,
    views_end: datetime | None = None,
) -> FinderResult:
    """The rooms among ``entries`` free at ``at`` for at least ``minutes`` (see the module).

    ``views`` may give each entry's status at ``at`` already worked out up to ``views_end``
    (the board has them): they are used when they reach the horizon, which saves evaluating
    every room again on the GUI thread.
    """
    if minutes < 1:
        raise ValueError(f"minutes must be at least 1 (got {minutes})")
    end = horizon(at, minutes)
    needed = utc(at) + timedelta(minutes=minutes)
    known = views is not None and views_end is not None and utc(views_end) >= utc(end)
    found: list[FreeRoom] = []
    unknown = 0
    for number, availability in enumerate(entries):
        mailbox = availability.mailbox
        if mailbox.kind is not MailboxKind.ROOM or availability.error is not None:
            continue
        if building is not None and (mailbox.building or "") != building:
            continue
        if floor is not None and (mailbox.floor or "") != floor:
            continue
        if capacity is not None and mailbox.capacity is not None and mailbox.capacity < capacity:
            continue
        view = views[number] if known and views is not None else evaluate(availability, at, end)
        if view.status is not Status.FREE:
            continue
        until = view.until
        if until is not None and utc(until) >= utc(end):
            until = None  # free to the horizon
        if until is not None and utc(until) < needed:
            continue
        if capacity is not None and mailbox.capacity is None:
            unknown += 1  # free long enough, but nobody knows whether it seats enough
            continue
        found.append(FreeRoom(mailbox, until))
    found.sort(key=_sort_key)
    return FinderResult(at, minutes, end, tuple(found), unknown)


def needs_details(mailbox: Mailbox) -> bool:
    return mailbox.kind is MailboxKind.ROOM and (
        mailbox.capacity is None or mailbox.building is None or mailbox.floor is None
    )


def fill_room_details(
    provider: FreeBusyProvider,
    mailboxes: Sequence[Mailbox],
    catalogue: Sequence[RoomList] | None = None,
) -> list[Mailbox]:
    """Rooms completed from the provider's room lists (blocking; at most one catalogue read,
    none when ``catalogue`` already holds the lists the server reported).

    A catalogue that cannot be read (no consent for ``/places``, a server error) leaves the
    details unknown; it never fails the finder.
    """
    if not isinstance(provider, RoomCatalog) or not any(needs_details(m) for m in mailboxes):
        return list(mailboxes)
    lists = catalogue
    if lists is None:
        try:
            lists = provider.room_lists()
        except ProviderError as error:
            logger.warning("Room details unavailable from {}: {}", provider.name, error)
            return list(mailboxes)
    known = {room.key: room for room_list in lists for room in room_list.rooms}
    return [
        m.filled_from(known[m.key]) if needs_details(m) and m.key in known else m for m in mailboxes
    ]


def duration_words(delta: timedelta) -> str:
    """``25 min``, ``1 h``, ``1 h 20 min`` (rounded down to the minute)."""
    minutes = max(0, int(delta.total_seconds() // 60))
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return f"{hours} h {minutes} min"
    return f"{hours} h" if hours else f"{minutes} min"


def free_for_words(result: FinderResult, room: FreeRoom) -> str:
    """``free for 1 h 20 min``, or ``free for the rest of the day`` when open-ended."""
    if room.free_until is None:
        return "free for the rest of the day"
    return f"free for {duration_words(result.free_for(room))}"


def seats_words(capacity: int | None) -> str:
    """``1 seat``, ``12 seats``, ``seats unknown``."""
    if capacity is None:
        return "seats unknown"
    return f"{capacity} seat" if capacity == 1 else f"{capacity} seats"


def room_place(mailbox: Mailbox) -> str:
    """``Annex, floor 0`` from the building and floor, else the location, else empty."""
    parts = [mailbox.building or "", f"floor {mailbox.floor}" if mailbox.floor else ""]
    text = ", ".join(p for p in parts if p)
    return text or (mailbox.location or "")
