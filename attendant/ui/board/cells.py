"""What each cell of the board says: pure functions of a row's availability and status.

Kept apart from the Qt model so the words and sort orders are plain Python, easy to read and
to test; the model only decides *when* to ask (lazily, per visible row).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta, tzinfo
from enum import IntEnum
from typing import Any

from attendant.domain import (
    Availability,
    BusyType,
    Mailbox,
    MeetingDetails,
    Snapshot,
    Status,
    StatusView,
    evaluate,
)
from attendant.ui.common import formatting as fmt
from attendant.ui.common.status_style import STATUS_RANK


class Column(IntEnum):
    NAME = 0
    STATUS = 1
    UNTIL = 2
    NEXT_FREE = 3
    NOW = 4
    TODAY = 5
    #: Teams presence (providers that have it); shown beside the status.
    PRESENCE = 6
    #: Contact details, from the watch list, the directory or CSV; the user may hide them.
    PHONE = 7
    MOBILE = 8
    DEPARTMENT = 9
    JOB_TITLE = 10


#: The mailbox attribute each contact column shows.
CONTACT_COLUMNS: dict[Column, str] = {
    Column.PHONE: "phone",
    Column.MOBILE: "mobile",
    Column.DEPARTMENT: "department",
    Column.JOB_TITLE: "job_title",
}

#: Soon-markers: a change of status this close is told in the status cell.
SOON = timedelta(minutes=15)

HEADERS: dict[Column, str] = {
    Column.NAME: "Name",
    Column.STATUS: "Status",
    Column.UNTIL: "Until",
    Column.NEXT_FREE: "Next free",
    Column.NOW: "Now",
    Column.TODAY: "Today",
    Column.PRESENCE: "Teams",
    Column.PHONE: "Phone",
    Column.MOBILE: "Mobile",
    Column.DEPARTMENT: "Department",
    Column.JOB_TITLE: "Job title",
}

#: Columns whose values (and sort order) change as the day goes on and with every refresh.
TIME_DEPENDENT = frozenset(
    {Column.STATUS, Column.UNTIL, Column.NEXT_FREE, Column.NOW, Column.TODAY}
)

#: The part of the day the timeline shows, unless "now" or the window say otherwise.
DAY_START = time(7, 0)
DAY_END = time(20, 0)

_NEVER = float("inf")
_LAST = "\U0010ffff"  # sorts after any text


#: Plain words for the per-mailbox errors servers commonly give (the tooltip keeps the
#: server's own message and code for support).
ERROR_WORDS = {
    "ErrorMailRecipientNotFound": "No such mailbox",
    "ErrorNoFreeBusyAccess": "Calendar not shared with this account",
    "ErrorFreeBusyGenerationFailed": "The server could not read this calendar",
    "ErrorProxyRequestProcessingFailed": "The mailbox's server did not answer",
    "5009": "No such mailbox",
    # While there is no data at all, every watched mailbox says why (the feed's error kind).
    "unreachable": "Server unreachable",
    "timeout": "Server not answering",
    "bad_response": "Unexpected answer from the server",
    "credentials_rejected": "Credentials rejected",
    "credentials_blocked": "Credentials rejected",
    "signin_required": "Sign-in needed",
    "throttled": "Server busy: waiting",
    "internal": "Internal error (see the log)",
    "room_list_not_expanded": "Room list: its rooms are not known yet",
}


def day_span(
    now: datetime, snapshot: Snapshot | None, tz: tzinfo | None
) -> tuple[datetime, datetime] | None:
    """The working day (07:00–20:00 local) widened to include now, within the window."""
    if snapshot is None:
        return None
    local_now = fmt.local(now, tz)
    zone = local_now.tzinfo
    start = datetime.combine(local_now.date(), DAY_START, tzinfo=zone)
    end = datetime.combine(local_now.date(), DAY_END, tzinfo=zone)
    hour = local_now.replace(minute=0, second=0, microsecond=0)
    start = max(min(start, hour), snapshot.window.start)
    end = min(max(end, hour + timedelta(hours=2)), snapshot.window.end)
    if end <= start:
        return snapshot.window.start, snapshot.window.end
    return start, end


def row_texts(
    availability: Availability, view: StatusView, now: datetime, tz: tzinfo | None
) -> tuple[str | None, ...]:
    """The text of each cell of a row, in :class:`Column` order (None: the "Today" strip).

    All at once: a repaint asks for a few dozen rows' texts, and one call per row costs a
    tenth of one per cell.
    """
    status = view.status
    mailbox = availability.mailbox
    if status is Status.UNKNOWN:
        until = next_free = ""
    else:
        until = "—" if view.until is None else fmt.short_time(view.until, now, tz)
        if status is Status.FREE:
            next_free = "now"
        else:
            next_free = "—" if view.next_free is None else fmt.short_time(view.next_free, now, tz)
    return (
        mailbox.display_name,
        fmt.STATUS_WORDS[status] + soon_marker(view, now),
        until,
        next_free,
        now_text(availability, view),
        None,
        "",  # Teams presence: the board that has it fills it in
        mailbox.phone or "",
        mailbox.mobile or "",
        mailbox.department or "",
        mailbox.job_title or "",
    )


def soon_marker(view: StatusView, now: datetime) -> str:
    """ " · free in 10 min" or " · busy in 5 min" when the status changes within 15 minutes."""
    if view.until is None or view.status is Status.UNKNOWN:
        return ""
    left = view.until - now
    if not timedelta(0) < left <= SOON:
        return ""
    minutes = max(1, round(left.total_seconds() / 60))
    if view.status is Status.FREE:
        return f" · busy in {minutes} min"
    if view.next_free is not None and view.next_free == view.until:
        return f" · free in {minutes} min"
    return ""


def timeline_text(
    availability: Availability, now: datetime, tz: tzinfo | None, details: MeetingDetails
) -> str:
    """The "Today" cell's tooltip and screen-reader text, as ``[privacy]`` allows."""
    if details is MeetingDetails.HIDE and availability.error is None:
        return "Meetings are not shown on this desk (privacy setting)"
    return fmt.timeline_tooltip(availability, now, tz)


def now_text(availability: Availability, view: StatusView) -> str:
    """What the mailbox is doing now: the meeting (or busy type) and where, or why unknown."""
    if view.status is Status.UNKNOWN:
        if availability.error is not None:
            error = availability.error
            return ERROR_WORDS.get(error.code) or error.message or error.code
        if view.current is None:
            return "No data for this time"
    current = view.current
    if current is None or current.busy_type is BusyType.FREE:
        return ""
    return fmt.event_words(current, availability.mailbox)


def tooltip_text(
    availability: Availability,
    view: StatusView,
    column: int,
    now: datetime,
    tz: tzinfo | None,
) -> str | None:
    """The full-date tooltip of the Status, Until, Next free and Now cells."""
    if view.status is Status.UNKNOWN:
        error = availability.error
        if error is not None:
            return f"No free/busy data: {error.message}\n({error.code})"
        return "No free/busy data covers this time."
    if column == Column.STATUS:
        words = fmt.STATUS_WORDS[view.status]
        if view.until is None:
            return f"{words} for the rest of the data"
        return f"{words} until {fmt.long_time(view.until, tz)}"
    if column == Column.UNTIL:
        if view.until is None:
            return "No change before the end of the data"
        return fmt.long_time(view.until, tz)
    if column == Column.NEXT_FREE:
        if view.status is Status.FREE:
            return "Free now"
        if view.next_free is None:
            return "Not free again before the end of the data"
        return fmt.long_time(view.next_free, tz)
    current = view.current
    if current is None or current.busy_type is BusyType.FREE:
        return None
    span = fmt.event_span(current, now, tz)
    return f"{span}  {fmt.event_words(current, availability.mailbox)}"


def name_key(mailbox: Mailbox) -> str:
    return f"{mailbox.display_name.casefold()}\x00{mailbox.key}"


def sort_key(availability: Availability, view: StatusView, column: int) -> Any:
    """A key that sorts by ``column`` and then by name; soonest first for times."""
    name = name_key(availability.mailbox)
    if column == Column.NAME:
        return name
    if column in CONTACT_COLUMNS:
        value = getattr(availability.mailbox, CONTACT_COLUMNS[Column(column)], None)
        return (value.casefold() if value else _LAST, name)
    rank = STATUS_RANK[view.status]
    unknown = view.status is Status.UNKNOWN
    if column == Column.UNTIL:
        until = view.until.timestamp() if view.until is not None and not unknown else _NEVER
        return (until, rank, name)
    if column == Column.NEXT_FREE:
        if unknown or view.next_free is None:
            return (_NEVER, rank, name)
        return (view.next_free.timestamp(), rank, name)
    if column == Column.NOW:
        return (now_text(availability, view).casefold() or _LAST, name)
    return (rank, name)


def timeline_header_tooltip(span: tuple[datetime, datetime] | None, tz: tzinfo | None) -> str:
    """The "Today" header's tooltip: the span drawn and how to read the fills."""
    words = ""
    if span is not None:
        start, end = span
        words = f" from {fmt.clock_time(start, tz)} to {fmt.clock_time(end, tz)}"
    return (
        f"The day{words} at a glance, one tick an hour; the dark line is now.\n"
        "Solid red: busy · hatched amber: tentative · cross-hatched purple: out of office\n"
        "· dotted blue: working elsewhere · grey stipple: no data"
    )


_UNKNOWN_VIEW = StatusView(Status.UNKNOWN, None, None, None)


def status_at(availability: Availability, snapshot: Snapshot | None, now: datetime) -> StatusView:
    """The row's status at ``now``; unknown where the data does not cover it, never a guess."""
    if availability.error is not None or snapshot is None:
        return _UNKNOWN_VIEW
    window = snapshot.window
    if not window.start <= now < window.end:
        return _UNKNOWN_VIEW  # the data does not cover "now": say so rather than guess "free"
    return evaluate(availability, now, window.end)
