"""Time zones as Graph speaks them: Windows names out, anything sensible back in.

Graph's ``dateTimeTimeZone`` accepts every Windows zone name but only a short list of IANA
names (Europe/Rome, for one, is not on it), so requests name the desk's zone by its Windows
name from the CLDR mapping that tzlocal ships ("W. Europe Standard Time" for Europe/Rome) and
fall back to UTC when a zone has none (a fixed offset). Answers carry a naive ``dateTime``
(seven fractional digits) and a ``timeZone`` that may be a Windows name, an IANA name, "UTC"
or "tzone://Microsoft/Utc"; they are read back into aware datetimes. A wall-clock time in the
repeated hour of a DST change is ambiguous; it is read as its first occurrence.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tzlocal.windows_tz import tz_win, win_tz

_UTC_NAMES = frozenset({"utc", "etc/utc", "tzone://microsoft/utc", "gmt", "etc/gmt", "z"})
_FRACTION = re.compile(r"(\.\d{1,6})\d*")


def zone_key(zone: tzinfo | None) -> str | None:
    """The IANA key of ``zone`` (a ZoneInfo), "UTC" for UTC, None for a bare offset."""
    if zone is None:
        return None
    if zone is UTC:
        return "UTC"
    key = getattr(zone, "key", None) or getattr(zone, "zone", None)
    return str(key) if key else None


def windows_name(zone: tzinfo | None) -> str:
    """The Windows zone name for ``zone``; "UTC" when it has none (requests are then in UTC)."""
    key = zone_key(zone)
    if key is None or key.casefold() in _UTC_NAMES:
        return "UTC"
    return tz_win.get(key, "UTC")


def zone_for(name: str) -> tzinfo | None:
    """The zone a Graph ``timeZone`` value names, or None when it names nothing known."""
    text = name.strip()
    if not text:
        return None
    if text.casefold() in _UTC_NAMES:
        return UTC
    if text in win_tz:
        return ZoneInfo(win_tz[text])
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def parse_graph_datetime(value: object, fallback: tzinfo) -> datetime:
    """An aware datetime from ``{"dateTime": ..., "timeZone": ...}``.

    An offset in ``dateTime`` wins; else ``timeZone``; else ``fallback`` (the zone asked
    for in ``Prefer``). ValueError for anything that is not a date and time.
    """
    if not isinstance(value, dict):
        raise ValueError(f"not a dateTimeTimeZone: {value!r}")
    text = str(value.get("dateTime") or "").strip()
    if not text:
        raise ValueError("dateTimeTimeZone without dateTime")
    text = _FRACTION.sub(r"\1", text)
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is not None:
        return moment
    zone = zone_for(str(value.get("timeZone") or "")) or fallback
    return moment.replace(tzinfo=zone)
