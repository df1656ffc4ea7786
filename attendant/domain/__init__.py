"""Frozen, typed, timezone-aware values and pure free/busy arithmetic (standard library only)."""

from attendant.domain.model import (
    PERSON_DETAILS,
    ROOM_DETAILS,
    Availability,
    BusyType,
    Event,
    Mailbox,
    MailboxError,
    MailboxKind,
    RoomList,
    Snapshot,
    Status,
    WatchEntry,
    WatchList,
    Window,
    require_aware,
)
from attendant.domain.presence import AutoReply, Presence
from attendant.domain.privacy import MeetingDetails, redact, redact_all, visible_events
from attendant.domain.status import StatusView, evaluate, status_at, strongest_at

__all__ = [
    "PERSON_DETAILS",
    "ROOM_DETAILS",
    "AutoReply",
    "Availability",
    "BusyType",
    "Event",
    "Mailbox",
    "MailboxError",
    "MailboxKind",
    "MeetingDetails",
    "Presence",
    "RoomList",
    "Snapshot",
    "Status",
    "StatusView",
    "WatchEntry",
    "WatchList",
    "Window",
    "evaluate",
    "redact",
    "redact_all",
    "require_aware",
    "status_at",
    "strongest_at",
    "visible_events",
]
