"""Turn the watch list (entries and room lists) into the mailboxes to ask about.

No display name is looked up here: statuses never wait for names. A mailbox carries what the
admin wrote in its watch entry, else what the room list said, else what the name cache knows
(:mod:`attendant.services.names`); the rest stays unknown until a background lookup finds it.
A room list the server reports empty or does not know is data about that list: it is logged
and the other lists, rooms and people are still asked about.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from loguru import logger

from attendant.domain import (
    Availability,
    Mailbox,
    MailboxError,
    MailboxKind,
    RoomList,
    Snapshot,
    WatchList,
    Window,
)
from attendant.providers.base import FreeBusyProvider, RoomCatalog
from attendant.providers.errors import NotSupported
from attendant.services.names import NameCache, with_names
from attendant.services.roster import offline_roster
from attendant.services.state import FeedError


@dataclass(frozen=True, slots=True)
class Watched:
    """The mailboxes to ask about, and each watched room list as the server reported it."""

    mailboxes: list[Mailbox]
    room_lists: list[RoomList] = field(default_factory=list)
    #: Every room list the server reported, when they were read (a command reuses them).
    catalogue: list[RoomList] | None = None


def _unique(mailboxes: Iterable[Mailbox]) -> list[Mailbox]:
    seen: set[str] = set()
    kept: list[Mailbox] = []
    for mailbox in mailboxes:
        if mailbox.key not in seen:
            seen.add(mailbox.key)
            kept.append(mailbox)
    return kept


def watched_mailboxes(
    provider: FreeBusyProvider, watch: WatchList, names: NameCache | None = None
) -> list[Mailbox]:
    """People, then rooms, then the rooms of the watched room lists; each once.

    Blocking: it may ask the server for room lists (never for display names).
    """
    return expand_watch(provider, watch, names).mailboxes


def expand_watch(
    provider: FreeBusyProvider, watch: WatchList, names: NameCache | None = None
) -> Watched:
    """:func:`watched_mailboxes` with the watched room lists as the server reported them."""
    people = [entry.as_mailbox(MailboxKind.PERSON) for entry in watch.people]
    rooms = [entry.as_mailbox(MailboxKind.ROOM) for entry in watch.rooms]
    reported, catalogue = watched_room_lists(provider, watch.room_lists)
    listed = [
        replace(room, kind=MailboxKind.ROOM) if room.kind is not MailboxKind.ROOM else room
        for room_list in reported
        for room in room_list.rooms
    ]
    if names is not None and listed:
        names.remember(room for room in listed if room.name)
    entries = {entry.key: entry for entry in watch.rooms}
    merged = [entries[room.key].apply_to(room) if room.key in entries else room for room in listed]
    # A room both watched by hand and in a list: the list's name fills in the entry's gaps.
    by_key = {room.key: room for room in merged}
    rooms = [room.filled_from(by_key[room.key]) if room.key in by_key else room for room in rooms]
    mailboxes = with_names(_unique([*people, *rooms, *merged]), names)
    return Watched(mailboxes, reported, catalogue)


def watched_room_lists(
    provider: FreeBusyProvider, addresses: Iterable[str]
) -> tuple[list[RoomList], list[RoomList] | None]:
    """Each watched room list with its rooms, or with the reason it has none; and every list
    the server reported, when it was asked (None when it was not)."""
    wanted = list(addresses)
    if not wanted:
        return [], None
    if not isinstance(provider, RoomCatalog):
        logger.warning(
            "The {} provider cannot list rooms; room lists in the watch list are ignored",
            provider.name,
        )
        return [
            RoomList(a, error=MailboxError("NotSupported", "this provider has no room lists"))
            for a in wanted
        ], None
    try:
        reported = provider.room_lists()
    except NotSupported as error:  # Exchange 2007: no room lists; people and rooms still go
        logger.warning("Room lists in the watch list are ignored: {}", error.message)
        return [
            RoomList(a, error=MailboxError("NotSupported", error.message)) for a in wanted
        ], None
    by_address = {rl.address.casefold(): rl for rl in reported}
    found: list[RoomList] = []
    for address in wanted:
        room_list = by_address.get(address.casefold())
        if room_list is None:
            room_list = unknown_room_list(address)
            logger.warning(
                "Room list {}: {}; its rooms are not on the board",
                address,
                room_list_note(room_list),
            )
        elif room_list.error is not None:
            logger.warning(
                "Room list {}: no rooms (server says {}: {})",
                address,
                room_list.error.code,
                room_list.error.message,
            )
        found.append(room_list)
    return found, reported


#: The error of a watched room list the server does not report (a mistyped address).
UNKNOWN_ROOM_LIST = "ErrorNameResolutionNoResults"


def unknown_room_list(address: str) -> RoomList:
    """A watched room list the server does not report, as data."""
    return RoomList(address, error=MailboxError(UNKNOWN_ROOM_LIST, "no room list has this address"))


def with_watched(reported: list[RoomList], watched: Iterable[str]) -> list[RoomList]:
    """The server's room lists, then each watched one it does not report (with an error)."""
    known = {rl.address.casefold() for rl in reported}
    return [*reported, *(unknown_room_list(a) for a in watched if a.casefold() not in known)]


def room_list_note(room_list: RoomList) -> str:
    """ "no rooms (server says …)" for a list without rooms; "" for one with rooms."""
    if room_list.rooms:
        return ""
    if room_list.error is None:
        return "no rooms"
    message = room_list.error.message.rstrip(".")
    return f"no rooms (server says {room_list.error.code}: {message})"


def roster_snapshot(
    watch: WatchList,
    error: FeedError,
    expanded: list[Mailbox] | None,
    names: NameCache | None,
    window: Window,
) -> Snapshot:
    """The board while there is no data: every watched mailbox, unknown, with the reason.

    ``expanded``: the mailboxes an earlier attempt got (room lists expanded), if any; else
    the watch list, each room list standing in for its rooms. Names come from the watch list
    and the name cache. Not data: the refresh service publishes it as ``roster``.
    """
    code, reason = error.kind, error.message
    if expanded is not None:
        entries = [Availability.failed(m, code, reason) for m in expanded]
    else:
        entries = offline_roster(watch, code, reason)
    if names is not None:
        entries = [replace(a, mailbox=names.apply(a.mailbox)) for a in entries]
    return Snapshot(window=window, fetched_at=datetime.now(UTC), entries=tuple(entries))
