"""Teams presence and automatic replies: what a person is doing beyond the calendar.

Presence is as Microsoft Graph reports it, beside (never instead of) the calendar.

The values are Graph's own, kept as they come (``Available``, ``Busy``, ``DoNotDisturb``…;
activities such as ``InACall`` or ``Presenting``), so that ``availability --json`` passes
them on unchanged and a value Microsoft adds later is shown rather than lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

#: Plain words for Graph's availability values (anything else is shown as it comes).
PRESENCE_WORDS = {
    "Available": "Available",
    "AvailableIdle": "Available (idle)",
    "Away": "Away",
    "BeRightBack": "Be right back",
    "Busy": "Busy",
    "BusyIdle": "Busy (idle)",
    "DoNotDisturb": "Do not disturb",
    "Offline": "Offline",
    "PresenceUnknown": "Unknown",
}

#: Activities worth more words than the availability they come with.
ACTIVITY_WORDS = {
    "InACall": "In a call",
    "InAConferenceCall": "In a conference call",
    "InAMeeting": "In a meeting",
    "Presenting": "Presenting",
    "UrgentInterruptionsOnly": "Urgent interruptions only",
    "OutOfOffice": "Out of office",
    "OffWork": "Off work",
}


@dataclass(frozen=True, slots=True)
class Presence:
    """One person's Teams presence: Graph's ``availability`` and ``activity``."""

    availability: str
    activity: str | None = None

    @property
    def words(self) -> str:
        """What the board says, e.g. "In a call", "Do not disturb", "Away"."""
        if self.activity in ACTIVITY_WORDS:
            return ACTIVITY_WORDS[self.activity]
        return PRESENCE_WORDS.get(self.availability, self.availability)

    def as_json(self) -> dict[str, str | None]:
        return {"availability": self.availability, "activity": self.activity}


@dataclass(frozen=True, slots=True)
class AutoReply:
    """A mailbox's automatic reply (out-of-office message), as MailTips tell it."""

    message: str
    #: When a scheduled reply starts and ends (None: not scheduled, or on until switched off).
    start: datetime | None = None
    end: datetime | None = None
