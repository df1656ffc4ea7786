"""Local time as the receptionist's desk sees it, and the day the board shows."""

from __future__ import annotations

import os
from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import tzlocal

from attendant.domain import Window


def local_zone() -> tzinfo:
    """The desk's IANA time zone (so DST days have the right length), UTC if unknown.

    ``TZ`` is read on every call (tzlocal would keep the first answer for the process).
    """
    name = os.environ.get("TZ", "").lstrip(":")
    if name:
        try:
            return ZoneInfo(name)
        except (ValueError, ZoneInfoNotFoundError):
            pass  # a POSIX rule like "CET-1CEST": tzlocal understands more
    try:
        zone = tzlocal.get_localzone()
    except Exception:
        return ZoneInfo("UTC")
    return zone


def local_now() -> datetime:
    return datetime.now(local_zone())


def day_window(at: datetime) -> Window:
    """Midnight to midnight of ``at``'s local day, in ``at``'s time zone (DST aware)."""
    zone = at.tzinfo
    day: date = at.date()
    start = datetime.combine(day, time(0), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return Window(start, end)
