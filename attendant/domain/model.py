"""Frozen, timezone-aware values the whole program speaks in.

A naive datetime anywhere in here is a bug, so the constructors refuse one. A mailbox that
failed is a value (an :class:`Availability` with an ``error``), never an exception: one
broken mailbox must not blank the receptionist's board.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum


def utc(value: datetime) -> datetime:
    """``value`` as a UTC instant.

    Python compares two datetimes of the *same* zone by wall clock, ignoring ``fold``, so in
    the repeated hour of a fall-back day 01:30 EDT and 01:30 EST look equal. Every comparison
    of instants in the domain goes through UTC.
    """
    return value.astimezone(UTC)


def require_aware(value: datetime, what: str) -> None:
    """Raise ``ValueError`` when ``value`` carries no UTC offset."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got naive {value.isoformat()}")


class MailboxKind(StrEnum):
    PERSON = "person"
    ROOM = "room"


class BusyType(StrEnum):
    """What a calendar event means for its owner's availability (INTERFACES.md §1)."""

    FREE = "free"
    TENTATIVE = "tentative"
    BUSY = "busy"
    OOF = "oof"
    WORKING_ELSEWHERE = "working_elsewhere"
    NO_DATA = "no_data"


class Status(StrEnum):
    """A mailbox's status at one instant."""

    FREE = "free"
    TENTATIVE = "tentative"
    BUSY = "busy"
    OOF = "oof"
    WORKING_ELSEWHERE = "working_elsewhere"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Mailbox:
    """A person or a room, named by its SMTP address."""

    address: str
    name: str | None = None
    kind: MailboxKind = MailboxKind.PERSON
    department: str | None = None
    phone: str | None = None
    capacity: int | None = None
    location: str | None = None
    mobile: str | None = None
    job_title: str | None = None
    #: Rooms: the building and floor as the watch list or the server name them.
    building: str | None = None
    floor: str | None = None
    #: The admin's own group for the board (a watch entry's ``group``), e.g. "Front desk".
    group: str | None = None

    def __post_init__(self) -> None:
        if not self.address or "@" not in self.address:
            raise ValueError(f"not an e-mail address: {self.address!r}")

    @property
    def key(self) -> str:
        """The address folded for comparison (SMTP addresses are case-insensitive)."""
        return self.address.casefold()

    @property
    def display_name(self) -> str:
        return self.name or self.address

    def filled_from(self, other: Mailbox) -> Mailbox:
        """This mailbox with the details it lacks taken from ``other`` (this one wins)."""
        changes = {
            f.name: getattr(other, f.name)
            for f in fields(Mailbox)
            if getattr(self, f.name) is None and getattr(other, f.name) is not None
        }
        return replace(self, **changes) if changes else self


_MAILBOX_FIELDS = frozenset(f.name for f in fields(Mailbox))


@dataclass(frozen=True, slots=True)
class RoomList:
    """A distribution group of rooms as Exchange or Graph report it."""

    address: str
    name: str | None = None
    rooms: tuple[Mailbox, ...] = ()
    #: Why the server gave no rooms for this list (an empty or unknown list), else None.
    error: MailboxError | None = None


@dataclass(frozen=True, slots=True)
class Window:
    """The half-open interval ``[start, end)`` a free/busy query covers."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        require_aware(self.start, "window start")
        require_aware(self.end, "window end")
        if utc(self.end) <= utc(self.start):
            raise ValueError("window end must be after its start")

    @property
    def length(self) -> timedelta:
        return utc(self.end) - utc(self.start)

    def whole_days(self) -> Window:
        """The local days (in the zone of ``start``) that cover this window, midnight to
        midnight: what a server is asked for, so that a short window, or one that does not
        start at midnight, is answered like a day and clipped back."""
        zone = self.start.tzinfo
        first = datetime.combine(self.start.date(), time(0), tzinfo=zone)
        local_end = self.end.astimezone(zone)
        last = datetime.combine(local_end.date(), time(0), tzinfo=zone)
        if utc(last) < utc(self.end):
            last = datetime.combine(local_end.date() + timedelta(days=1), time(0), tzinfo=zone)
        return Window(first, last)


@dataclass(frozen=True, slots=True)
class Event:
    """One calendar item as free/busy discloses it: subject and location are optional.

    ``private`` is the server's sensitivity mark (EWS ``IsPrivate``, Graph ``isPrivate``): the
    subject and location of such an event are never shown, whatever the server sent.
    """

    start: datetime
    end: datetime
    busy_type: BusyType
    subject: str | None = None
    location: str | None = None
    private: bool = False

    def __post_init__(self) -> None:
        require_aware(self.start, "event start")
        require_aware(self.end, "event end")
        if utc(self.end) < utc(self.start):
            raise ValueError("event end is before its start")

    def overlaps(self, window: Window) -> bool:
        start, end = utc(self.start), utc(self.end)
        w_start, w_end = utc(window.start), utc(window.end)
        if start == end:
            return w_start <= start < w_end
        return start < w_end and end > w_start


@dataclass(frozen=True, slots=True)
class MailboxError:
    """Why the server gave no data for one mailbox (e.g. ``ErrorMailRecipientNotFound``)."""

    code: str
    message: str


@dataclass(frozen=True, slots=True)
class Availability:
    """Free/busy of one mailbox over a window, or the error that stands in for it."""

    mailbox: Mailbox
    events: tuple[Event, ...] = ()
    error: MailboxError | None = None
    working_hours: tuple[datetime, datetime] | None = None

    @staticmethod
    def failed(mailbox: Mailbox, code: str, message: str) -> Availability:
        return Availability(mailbox=mailbox, error=MailboxError(code, message))

    def clipped(self, window: Window) -> Availability:
        """The same availability with only the events overlapping ``window``, sorted."""
        kept = sorted(
            (e for e in self.events if e.overlaps(window)), key=lambda e: (utc(e.start), utc(e.end))
        )
        return Availability(self.mailbox, tuple(kept), self.error, self.working_hours)


#: The details a watch entry of a person may carry besides its address: INTERFACES.md §2's,
#: and ``group`` (the admin's own group on the board, an extension of the contract).
PERSON_DETAILS: tuple[str, ...] = ("name", "phone", "mobile", "department", "job_title", "group")
#: The details a watch entry of a room may carry besides its address.
ROOM_DETAILS: tuple[str, ...] = ("name", "capacity", "building", "floor", "group")
#: Every detail, in the order an entry is written: the contract's, then ``group``.
_ENTRY_DETAILS: tuple[str, ...] = (
    *(d for d in PERSON_DETAILS if d != "group"),
    *(d for d in ROOM_DETAILS if d not in PERSON_DETAILS),
    "group",
)


@dataclass(frozen=True, slots=True)
class WatchEntry:
    """One watched person or room: its address and what the admin wrote about it.

    What the admin wrote wins over what the server reports; the server fills in the rest
    (see :meth:`apply_to`). An entry with nothing but an address is written back as a plain
    address, one with details as an inline table.
    """

    address: str
    name: str | None = None
    phone: str | None = None
    mobile: str | None = None
    department: str | None = None
    job_title: str | None = None
    capacity: int | None = None
    building: str | None = None
    floor: str | None = None
    #: The admin's own group on the board (people and rooms), e.g. "Front desk".
    group: str | None = None

    @property
    def key(self) -> str:
        return self.address.casefold()

    def details(self) -> dict[str, str | int]:
        """The details that are set, by key, in the order INTERFACES.md lists them (``group``
        last)."""
        found: dict[str, str | int] = {}
        for name in _ENTRY_DETAILS:
            value = getattr(self, name)
            if value is not None:
                found[name] = value
        return found

    def merged(self, other: WatchEntry) -> WatchEntry:
        """This entry with the details it lacks taken from ``other`` (this one wins)."""
        values = {**other.details(), **self.details()}
        return WatchEntry(self.address, **values)  # type: ignore[arg-type]

    def apply_to(self, mailbox: Mailbox) -> Mailbox:
        """``mailbox`` with every detail written here put over what the server said."""
        changes: dict[str, object] = {
            name: value
            for name, value in self.details().items()
            if name in _MAILBOX_FIELDS and getattr(mailbox, name) != value
        }
        return replace(mailbox, **changes) if changes else mailbox  # type: ignore[arg-type]

    def as_mailbox(self, kind: MailboxKind) -> Mailbox:
        """A mailbox of ``kind`` carrying this entry's details (no server data yet)."""
        return self.apply_to(Mailbox(address=self.address, kind=kind))


def _entries(values: tuple[WatchEntry | str, ...]) -> tuple[WatchEntry, ...]:
    return tuple(v if isinstance(v, WatchEntry) else WatchEntry(v) for v in values)


@dataclass(frozen=True, slots=True)
class WatchList:
    """What the receptionist watches: people, rooms, and every room of some room lists.

    People and rooms are :class:`WatchEntry` values; a plain address given to the constructor
    becomes an entry without details.
    """

    people: tuple[WatchEntry, ...] = ()
    rooms: tuple[WatchEntry, ...] = ()
    room_lists: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "people", _entries(self.people))
        object.__setattr__(self, "rooms", _entries(self.rooms))
        object.__setattr__(self, "room_lists", tuple(self.room_lists))

    @property
    def is_empty(self) -> bool:
        return not (self.people or self.rooms or self.room_lists)

    def entry(self, address: str) -> WatchEntry | None:
        """The person or room entry of ``address`` (ignoring case), or None."""
        folded = address.casefold()
        for entry in (*self.people, *self.rooms):
            if entry.key == folded:
                return entry
        return None


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The result of one refresh: every watched mailbox's availability over ``window``."""

    window: Window
    fetched_at: datetime
    entries: tuple[Availability, ...] = field(default=())

    def __post_init__(self) -> None:
        require_aware(self.fetched_at, "fetched_at")
