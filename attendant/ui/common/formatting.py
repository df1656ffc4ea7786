"""Words and times as the board shows them: short in the cell, complete in the tooltip.

Times are shown in local time (the system zone, or the zone the window is given) as ``HH:MM``
when they fall on today, with a weekday when they don't, so "until 09:00" can never silently
mean tomorrow morning. The words are fixed English, like the rest of the user interface.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from attendant.domain import Availability, BusyType, Event, Mailbox, MailboxKind, Status

#: What the board says for each status.
STATUS_WORDS: dict[Status, str] = {
    Status.FREE: "Free",
    Status.TENTATIVE: "Tentative",
    Status.BUSY: "Busy",
    Status.OOF: "Out of office",
    Status.WORKING_ELSEWHERE: "Working elsewhere",
    Status.UNKNOWN: "Unknown",
}

#: Lower-case words for sentences ("12 free · 3 out of office").
STATUS_COUNT_WORDS: dict[Status, str] = {
    Status.FREE: "free",
    Status.TENTATIVE: "tentative",
    Status.BUSY: "busy",
    Status.OOF: "out of office",
    Status.WORKING_ELSEWHERE: "working elsewhere",
    Status.UNKNOWN: "unknown",
}

#: What an event's busy type is called when its subject is not disclosed.
BUSY_TYPE_WORDS: dict[BusyType, str] = {
    BusyType.FREE: "Free",
    BusyType.TENTATIVE: "Tentative",
    BusyType.BUSY: "Busy",
    BusyType.OOF: "Out of office",
    BusyType.WORKING_ELSEWHERE: "Working elsewhere",
    BusyType.NO_DATA: "No data",
}

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_DAYS_LONG = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def local(value: datetime, tz: tzinfo | None) -> datetime:
    """``value`` in ``tz``, or in the system's local zone when ``tz`` is ``None``."""
    return value.astimezone(tz)


def short_time(value: datetime, now: datetime, tz: tzinfo | None) -> str:
    """``09:00`` on the day of ``now``, ``Tue 09:00`` within a week, else ``3 Dec 09:00``."""
    at = local(value, tz)
    today = local(now, tz).date()
    hhmm = f"{at.hour:02d}:{at.minute:02d}"
    if at.date() == today:
        return hhmm
    if abs((at.date() - today).days) < 7:
        return f"{_DAYS[at.weekday()]} {hhmm}"
    return f"{at.day} {_MONTHS[at.month - 1]} {hhmm}"


def long_time(value: datetime, tz: tzinfo | None) -> str:
    """``Tuesday 24 Nov 2026, 09:00 (UTC+01:00)`` for tooltips."""
    at = local(value, tz)
    offset = at.strftime("%z")
    zone = f"UTC{offset[:3]}:{offset[3:]}" if offset else "UTC"
    return (
        f"{_DAYS_LONG[at.weekday()]} {at.day} {_MONTHS[at.month - 1]} {at.year}, "
        f"{at.hour:02d}:{at.minute:02d} ({zone})"
    )


def clock_time(value: datetime, tz: tzinfo | None) -> str:
    at = local(value, tz)
    return f"{at.hour:02d}:{at.minute:02d}"


def age_words(seconds: float) -> str:
    """``just now``, ``1 min old``, ``6 min old``, ``2 h 5 min old``."""
    minutes = int(seconds // 60)
    if minutes < 1:
        return "just now"
    if minutes < 60:
        return f"{minutes} min old"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min old" if minutes else f"{hours} h old"
    return f"{hours // 24} days old"


def event_words(event: Event, mailbox: Mailbox | None = None) -> str:
    """What someone is doing: the subject when disclosed, else the busy type; and where."""
    text = event.subject.strip() if event.subject and event.subject.strip() else ""
    if not text:
        text = BUSY_TYPE_WORDS[event.busy_type]
    where = event.location.strip() if event.location else ""
    if where and mailbox is not None and where.casefold() == (mailbox.name or "").casefold():
        where = ""  # a room's own name as the location of its meeting says nothing
    return f"{text} · {where}" if where else text


def event_span(event: Event, now: datetime, tz: tzinfo | None) -> str:
    start = short_time(event.start, now, tz)
    end = short_time(event.end, now, tz)
    return f"{start}–{end}"


def mailbox_tooltip(mailbox: Mailbox) -> str:
    lines = [mailbox.display_name, mailbox.address]
    if mailbox.kind is MailboxKind.ROOM:
        if mailbox.capacity:
            lines.append(f"Seats {mailbox.capacity}")
        if mailbox.location:
            lines.append(mailbox.location)
    else:
        if mailbox.department:
            lines.append(mailbox.department)
        if mailbox.location:
            lines.append(mailbox.location)
    if mailbox.phone:
        lines.append(f"Phone {mailbox.phone}")
    return "\n".join(lines)


def search_text(mailbox: Mailbox) -> str:
    """What search-as-you-type looks in: name, address, department, location, phone."""
    parts = [mailbox.name or "", mailbox.address, mailbox.department or ""]
    parts.append(mailbox.location or "")
    parts.append(mailbox.phone or "")
    return " ".join(p for p in parts if p).casefold()


def timeline_tooltip(
    availability: Availability, now: datetime, tz: tzinfo | None, limit: int = 12
) -> str:
    if availability.error is not None:
        return f"No calendar data: {availability.error.message}"
    shown = [e for e in availability.events if e.busy_type is not BusyType.FREE]
    if not shown:
        return "Nothing in the calendar"
    lines = [
        f"{event_span(e, now, tz)}  {event_words(e, availability.mailbox)}" for e in shown[:limit]
    ]
    if len(shown) > limit:
        lines.append(f"… and {len(shown) - limit} more")
    return "\n".join(lines)
