"""The board without the server: every watched person and room, status unknown, and why.

When the server cannot be asked (unreachable, failing, the credentials rejected, a back-off),
the receptionist still sees who is watched, never an empty board, and scripts still get one
entry per mailbox. Rooms of a room list are not known without the server: the list itself
stands in for them, and says so.
"""

from __future__ import annotations

from attendant.domain import Availability, Mailbox, MailboxKind, WatchList

#: The error code of a room list that stands in for its rooms.
ROOM_LIST_NOT_EXPANDED = "room_list_not_expanded"


def offline_roster(
    watch: WatchList, code: str, reason: str, *, asked: list[Mailbox] | None = None
) -> list[Availability]:
    """``asked`` (or the watch list: people, rooms, room lists), each unknown with ``reason``."""
    if asked is not None:  # as asked, duplicates included: one entry per address given
        return [Availability.failed(m, code, reason) for m in asked]
    entries = [
        Availability.failed(e.as_mailbox(MailboxKind.PERSON), code, reason) for e in watch.people
    ]
    entries += [
        Availability.failed(e.as_mailbox(MailboxKind.ROOM), code, reason) for e in watch.rooms
    ]
    entries += [
        Availability.failed(
            Mailbox(address=a, kind=MailboxKind.ROOM),
            ROOM_LIST_NOT_EXPANDED,
            f"Room list: its rooms are not known without the server. {reason}",
        )
        for a in watch.room_lists
    ]
    return _unique(entries)


def _unique(entries: list[Availability]) -> list[Availability]:
    seen: set[str] = set()
    kept: list[Availability] = []
    for entry in entries:
        if entry.mailbox.key not in seen:
            seen.add(entry.mailbox.key)
            kept.append(entry)
    return kept
