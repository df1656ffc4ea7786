"""Free/busy through ``POST /me/calendar/getSchedule``: requests out, Availability values back.

Graph takes at most 20 schedules a request. Each answer item is either data (scheduleItems,
an availabilityView string, working hours) or an ``error`` ({message, responseCode}) that
becomes :meth:`Availability.failed` for that mailbox alone. Times come back in the zone named
by ``Prefer: outlook.timezone`` (the desk's zone), the window goes out in UTC.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import Any

from attendant.domain import Availability, BusyType, Event, Mailbox, Window
from attendant.providers.graph.timezones import parse_graph_datetime, zone_for

#: Graph's limit of schedules per getSchedule request.
BATCH_SIZE = 20
#: Slot length of availabilityView: the board's quarter hours.
VIEW_INTERVAL_MINUTES = 15
#: Path of the action; every request runs against the signed-in user's mailbox.
GET_SCHEDULE = "v1.0/me/calendar/getSchedule"

STATUS: dict[str, BusyType] = {
    "free": BusyType.FREE,
    "tentative": BusyType.TENTATIVE,
    "busy": BusyType.BUSY,
    "oof": BusyType.OOF,
    "workingelsewhere": BusyType.WORKING_ELSEWHERE,
    "unknown": BusyType.NO_DATA,
}
#: availabilityView digits (Graph reports working elsewhere as 0, older servers as 4).
VIEW_DIGITS: dict[str, BusyType] = {
    "1": BusyType.TENTATIVE,
    "2": BusyType.BUSY,
    "3": BusyType.OOF,
    "4": BusyType.WORKING_ELSEWHERE,
}
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def batches(addresses: Sequence[str], size: int = BATCH_SIZE) -> list[list[str]]:
    return [list(addresses[i : i + size]) for i in range(0, len(addresses), size)]


def _utc(moment: datetime) -> dict[str, str]:
    return {"dateTime": moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S"), "timeZone": "UTC"}


def request_body(addresses: Sequence[str], window: Window) -> dict[str, Any]:
    return {
        "schedules": list(addresses),
        "startTime": _utc(window.start),
        "endTime": _utc(window.end),
        "availabilityViewInterval": VIEW_INTERVAL_MINUTES,
    }


def prefer_header(zone_name: str) -> dict[str, str]:
    return {"Prefer": f'outlook.timezone="{zone_name}"'}


def match_answers(addresses: Sequence[str], value: object) -> dict[str, dict[str, Any]]:
    """The answer item of each asked address (by scheduleId, else by position), by key."""
    if not isinstance(value, list):
        return {}
    found: dict[str, dict[str, Any]] = {}
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            continue
        schedule_id = item.get("scheduleId")
        if isinstance(schedule_id, str) and schedule_id:
            found[schedule_id.casefold()] = item
        elif index < len(addresses):
            found.setdefault(addresses[index].casefold(), item)
    return found


def availability_from(
    mailbox: Mailbox, item: dict[str, Any] | None, window: Window, zone: tzinfo
) -> Availability:
    """One mailbox's Availability from its scheduleInformation (or its absence)."""
    if item is None:
        return Availability.failed(
            mailbox, "ErrorNoFreeBusyData", "Microsoft Graph sent no schedule for this mailbox."
        )
    error = item.get("error")
    if isinstance(error, dict) and (error.get("responseCode") or error.get("message")):
        return Availability.failed(
            mailbox,
            str(error.get("responseCode") or "ErrorNoFreeBusyData"),
            str(error.get("message") or "Microsoft Graph gave no free/busy for this mailbox."),
        )
    try:
        items = item.get("scheduleItems")
        if isinstance(items, list):
            events = [_event(entry, zone) for entry in items if isinstance(entry, dict)]
        else:
            events = _view_events(str(item.get("availabilityView") or ""), window)
    except (ValueError, TypeError, KeyError) as problem:
        return Availability.failed(
            mailbox,
            "ErrorInvalidScheduleItem",
            f"Microsoft Graph sent an unreadable item: {problem}",
        )
    events.sort(key=lambda e: (e.start, e.end))
    return Availability(mailbox, tuple(events), working_hours=_working_hours(item, window))


def _text(value: object) -> str | None:
    return (value.strip() or None) if isinstance(value, str) else None


def _event(entry: dict[str, Any], zone: tzinfo) -> Event:
    start = parse_graph_datetime(entry.get("start"), zone)
    end = parse_graph_datetime(entry.get("end"), zone)
    busy = STATUS.get(str(entry.get("status") or "").casefold(), BusyType.NO_DATA)
    subject, location = _text(entry.get("subject")), _text(entry.get("location"))
    return Event(start, end, busy, subject, location, entry.get("isPrivate") is True)


def _view_events(view: str, window: Window) -> list[Event]:
    """Events from the availabilityView digits, for answers without scheduleItems."""
    step = timedelta(minutes=VIEW_INTERVAL_MINUTES)
    events: list[Event] = []
    start = window.start.astimezone(UTC)
    for index, digit in enumerate(view):
        busy = VIEW_DIGITS.get(digit)
        if busy is None:
            continue
        slot = start + index * step
        last = events[-1] if events else None
        if last is not None and last.busy_type is busy and last.end == slot:
            events[-1] = Event(last.start, slot + step, busy)
        else:
            events.append(Event(slot, min(slot + step, window.end), busy))
    return events


def _working_hours(item: dict[str, Any], window: Window) -> tuple[datetime, datetime] | None:
    hours = item.get("workingHours")
    if not isinstance(hours, dict):
        return None
    zone_info = hours.get("timeZone")
    zone = zone_for(str(zone_info.get("name") or "")) if isinstance(zone_info, dict) else None
    day = window.start.date()
    listed = hours.get("daysOfWeek")
    days = [str(d).casefold() for d in listed] if isinstance(listed, list) else []
    if zone is None or _WEEKDAYS[day.weekday()] not in days:
        return None
    try:
        begin = time.fromisoformat(str(hours["startTime"])[:8])
        finish = time.fromisoformat(str(hours["endTime"])[:8])
    except (KeyError, ValueError):
        return None
    start = datetime.combine(day, begin, tzinfo=zone)
    end = datetime.combine(day, finish, tzinfo=zone)
    return (start, end) if end > start else None
