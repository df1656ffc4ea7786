"""The time zone a free/busy request carries, built from the desk's zone without asking.

``GetUserAvailability`` needs a ``t:TimeZone``: a base bias and the rules "the n-th weekday
of a month at a wall-clock time" for the switch to and from daylight saving time. exchangelib
gets those rules from ``GetServerTimeZones`` on every call, which costs a round trip and does
not exist on Exchange 2007. Here they are read off the IANA zone itself (its actual offset
changes in the year asked about), once per zone and year, and reused for every request.
"""

from __future__ import annotations

import calendar
import threading
from datetime import UTC, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

import tzlocal
from exchangelib import EWSTimeZone
from exchangelib.errors import UnknownTimeZone
from exchangelib.properties import DaylightTime, StandardTime, TimeZone
from loguru import logger

_cache: dict[tuple[str, int], TimeZone] = {}
_lock = threading.Lock()

#: A zone without daylight saving time: the dummy rules exchangelib itself sends (bias 0).
_NO_DST = (
    StandardTime(bias=0, time=time(0), occurrence=1, iso_month=1, weekday=1),
    DaylightTime(bias=0, time=time(0), occurrence=5, iso_month=12, weekday=7),
)


def request_zone(zone: tzinfo | None) -> tuple[ZoneInfo, EWSTimeZone]:
    """The IANA zone requests are made in and exchangelib's twin of it (UTC as a fallback).

    ``None`` means the desk's own zone. The zone needs a Windows name for exchangelib; a
    zone without one, or a fixed offset, falls back to UTC, which is always right because
    every answer is converted to an aware datetime anyway.
    """
    if zone is None:
        try:
            zone = tzlocal.get_localzone()
        except Exception:  # an unreadable system setting: UTC is always correct
            zone = None
    if isinstance(zone, ZoneInfo) and zone.key:
        try:
            return zone, EWSTimeZone(zone.key)
        except UnknownTimeZone:
            logger.info("Time zone {} has no Windows name; asking Exchange in UTC", zone.key)
    return ZoneInfo("UTC"), EWSTimeZone("UTC")


def request_timezone(zone: ZoneInfo, year: int) -> TimeZone:
    """The ``t:TimeZone`` element for ``zone`` in ``year`` (cached)."""
    key = (zone.key, year)
    with _lock:
        cached = _cache.get(key)
    if cached is not None:
        return cached
    built = _build(zone, year)
    with _lock:
        _cache[key] = built
    return built


def _offset_minutes(zone: ZoneInfo, instant: datetime) -> int:
    offset = instant.astimezone(zone).utcoffset()
    assert offset is not None
    return int(offset.total_seconds() // 60)


def _transitions(zone: ZoneInfo, year: int) -> list[tuple[datetime, int, int]]:
    """``(utc instant, offset before, offset after)`` for every offset change in ``year``."""
    found = []
    day = datetime(year, 1, 1, tzinfo=UTC)
    end = datetime(year + 1, 1, 1, tzinfo=UTC)
    before = _offset_minutes(zone, day)
    while day < end:
        following = day + timedelta(days=1)
        after = _offset_minutes(zone, following)
        if after != before:
            low, high = day, following  # the change lies in (low, high]: bisect to the minute
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) / 2
                if _offset_minutes(zone, middle) == before:
                    low = middle
                else:
                    high = middle
            instant = high.replace(second=0, microsecond=0)
            found.append((instant, before, after))
            before = after
        day = following
    return found


def _rule(local: datetime) -> tuple[time, int, int, int]:
    """(wall-clock time, day order 1-4 or 5 = last, month, ISO weekday) of a local instant."""
    days_in_month = calendar.monthrange(local.year, local.month)[1]
    order = 5 if local.day + 7 > days_in_month else (local.day - 1) // 7 + 1
    return local.time(), order, local.month, local.isoweekday()


def _build(zone: ZoneInfo, year: int) -> TimeZone:
    changes = _transitions(zone, year)
    offsets = {after for _, _, after in changes} | {before for _, before, _ in changes}
    if len(changes) != 2 or len(offsets) != 2:
        # No daylight saving time this year (or a one-off change of the standard offset).
        bias = -_offset_minutes(zone, datetime(year, 7, 1, tzinfo=UTC))
        if changes:
            logger.info("Time zone {} changes its offset irregularly in {}", zone.key, year)
        return TimeZone(bias=bias, standard_time=_NO_DST[0], daylight_time=_NO_DST[1])
    standard, daylight = min(offsets), max(offsets)
    to_daylight = next(c for c in changes if c[2] == daylight)
    to_standard = next(c for c in changes if c[2] == standard)
    # Each switch happens at a wall-clock time of the period being left.
    start_time, start_order, start_month, start_day = _rule(
        (to_daylight[0] + timedelta(minutes=standard)).replace(tzinfo=None)
    )
    end_time, end_order, end_month, end_day = _rule(
        (to_standard[0] + timedelta(minutes=daylight)).replace(tzinfo=None)
    )
    return TimeZone(
        bias=-standard,
        standard_time=StandardTime(
            bias=0, time=end_time, occurrence=end_order, iso_month=end_month, weekday=end_day
        ),
        daylight_time=DaylightTime(
            bias=standard - daylight,
            time=start_time,
            occurrence=start_order,
            iso_month=start_month,
            weekday=start_day,
        ),
    )
