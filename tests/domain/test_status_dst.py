"""Status arithmetic on the days the clocks change (Europe/Rome and America/New_York, 2026).

Rome springs forward on 2026-03-29 (02:00 CET → 03:00 CEST, a 23-hour day) and falls back
on 2026-10-25 (03:00 CEST → 02:00 CET, 25 hours). New York springs forward on 2026-03-08
(02:00 EST → 03:00 EDT) and falls back on 2026-11-01 (02:00 EDT → 01:00 EST).

Instants are compared after conversion to UTC: Python compares two datetimes that share a
tzinfo by wall clock, so ``==`` alone would not prove the absolute instant is right.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from attendant.domain import Availability, BusyType, Event, Mailbox, Status, Window, evaluate
from attendant.services.clock import day_window

ROME = ZoneInfo("Europe/Rome")
NEW_YORK = ZoneInfo("America/New_York")
ROOM = Mailbox("room.4@contoso.com", "Room 4")


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def as_utc(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone(UTC)


def busy(start: datetime, end: datetime, kind: BusyType = BusyType.BUSY) -> Event:
    return Event(start, end, kind)


def run(events: list[Event], at: datetime) -> tuple[Status, datetime | None, datetime | None]:
    """(status, until, next_free) at ``at`` over ``at``'s local day, instants in UTC."""
    result = evaluate(Availability(ROOM, tuple(events)), at, day_window(at).end)
    return result.status, as_utc(result.until), as_utc(result.next_free)


# -- the day window ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "day", "hours"),
    [
        (ROME, date(2026, 3, 29), 23),
        (ROME, date(2026, 10, 25), 25),
        (ROME, date(2026, 10, 26), 24),
        (NEW_YORK, date(2026, 3, 8), 23),
        (NEW_YORK, date(2026, 11, 1), 25),
        (NEW_YORK, date(2026, 11, 2), 24),
    ],
)
def test_day_window_has_the_real_length_of_the_day(zone: ZoneInfo, day: date, hours: int) -> None:
    for hour in (0, 1, 12, 23):
        window = day_window(datetime(day.year, day.month, day.day, hour, 30, tzinfo=zone))
        start, end = window.start.astimezone(UTC), window.end.astimezone(UTC)
        assert end - start == timedelta(hours=hours)
        assert (window.start.date(), window.start.hour, window.start.minute) == (day, 0, 0)
        assert window.end.date() == day + timedelta(days=1)
        assert window.end.hour == 0


def test_day_window_of_an_instant_in_the_repeated_hour() -> None:
    second_one_thirty = datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=NEW_YORK)
    window = day_window(second_one_thirty)
    assert as_utc(window.start) == utc(2026, 11, 1, 4)
    assert as_utc(window.end) == utc(2026, 11, 2, 5)


# -- Rome, spring forward ----------------------------------------------------------------------


def test_rome_spring_forward_meeting_over_the_missing_hour() -> None:
    day = date(2026, 3, 29)
    # 01:30 CET to 03:30 CEST is one hour of real time.
    meeting = busy(
        datetime(2026, 3, 29, 1, 30, tzinfo=ROME), datetime(2026, 3, 29, 3, 30, tzinfo=ROME)
    )
    assert meeting.end.astimezone(UTC) - meeting.start.astimezone(UTC) == timedelta(hours=1)

    at = datetime(2026, 3, 29, 1, 45, tzinfo=ROME)
    assert run([meeting], at) == (Status.BUSY, utc(2026, 3, 29, 1, 30), utc(2026, 3, 29, 1, 30))
    just_after_jump = datetime(2026, 3, 29, 3, 0, tzinfo=ROME)  # 01:00 UTC
    assert run([meeting], just_after_jump)[0] is Status.BUSY
    before = datetime(2026, 3, 29, 1, 0, tzinfo=ROME)
    assert run([meeting], before) == (Status.FREE, utc(2026, 3, 29, 0, 30), as_utc(before))
    assert day_window(at).start.date() == day


def test_rome_spring_forward_until_is_the_absolute_instant() -> None:
    night = busy(
        datetime(2026, 3, 29, 0, 0, tzinfo=ROME),  # 23:00 UTC the day before
        datetime(2026, 3, 29, 4, 0, tzinfo=ROME),  # 02:00 UTC: three real hours
        BusyType.OOF,
    )
    early = busy(datetime(2026, 3, 29, 4, 0, tzinfo=ROME), datetime(2026, 3, 29, 5, 0, tzinfo=ROME))
    at = datetime(2026, 3, 29, 1, 59, tzinfo=ROME)
    assert run([night, early], at) == (
        Status.OOF,
        utc(2026, 3, 29, 2),
        utc(2026, 3, 29, 3),
    )


def test_rome_spring_forward_events_given_in_utc() -> None:
    # A server reports UTC; the desk asks in local time across the jump.
    meeting = busy(utc(2026, 3, 29, 0, 30), utc(2026, 3, 29, 2, 0))  # 01:30 CET - 04:00 CEST
    assert run([meeting], datetime(2026, 3, 29, 3, 15, tzinfo=ROME)) == (
        Status.BUSY,
        utc(2026, 3, 29, 2),
        utc(2026, 3, 29, 2),
    )
    assert run([meeting], datetime(2026, 3, 29, 4, 0, tzinfo=ROME))[0] is Status.FREE


# -- Rome, fall back ---------------------------------------------------------------------------


def test_rome_fall_back_meeting_over_the_repeated_hour() -> None:
    # 01:00 CEST (23:00 UTC) to 04:00 CET (03:00 UTC): four real hours.
    meeting = busy(
        datetime(2026, 10, 25, 1, 0, tzinfo=ROME), datetime(2026, 10, 25, 4, 0, tzinfo=ROME)
    )
    assert meeting.end.astimezone(UTC) - meeting.start.astimezone(UTC) == timedelta(hours=4)
    end = utc(2026, 10, 25, 3)
    for at in (
        datetime(2026, 10, 25, 1, 30, tzinfo=ROME),
        datetime(2026, 10, 25, 2, 30, fold=0, tzinfo=ROME),  # first 02:30, CEST
        datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=ROME),  # second 02:30, CET
        datetime(2026, 10, 25, 3, 30, tzinfo=ROME),
    ):
        assert run([meeting], at) == (Status.BUSY, end, end), at
    assert run([meeting], datetime(2026, 10, 25, 4, 0, tzinfo=ROME))[0] is Status.FREE


def test_rome_fall_back_events_given_in_utc_asked_in_either_repeated_hour() -> None:
    first_hour = busy(utc(2026, 10, 25, 0), utc(2026, 10, 25, 1))  # 02:00-03:00 CEST
    second_hour = busy(utc(2026, 10, 25, 1), utc(2026, 10, 25, 2), BusyType.TENTATIVE)  # CET
    events = [first_hour, second_hour]
    first = datetime(2026, 10, 25, 2, 15, fold=0, tzinfo=ROME)
    second = datetime(2026, 10, 25, 2, 15, fold=1, tzinfo=ROME)
    assert run(events, first) == (Status.BUSY, utc(2026, 10, 25, 1), utc(2026, 10, 25, 2))
    assert run(events, second) == (Status.TENTATIVE, utc(2026, 10, 25, 2), utc(2026, 10, 25, 2))


# -- New York ----------------------------------------------------------------------------------


def test_new_york_spring_forward() -> None:
    # 01:00 EST (06:00 UTC) to 04:00 EDT (08:00 UTC): two real hours.
    meeting = busy(
        datetime(2026, 3, 8, 1, 0, tzinfo=NEW_YORK), datetime(2026, 3, 8, 4, 0, tzinfo=NEW_YORK)
    )
    after = busy(
        datetime(2026, 3, 8, 4, 0, tzinfo=NEW_YORK),
        datetime(2026, 3, 8, 5, 0, tzinfo=NEW_YORK),
        BusyType.TENTATIVE,
    )
    at = datetime(2026, 3, 8, 1, 30, tzinfo=NEW_YORK)
    assert run([meeting, after], at) == (Status.BUSY, utc(2026, 3, 8, 8), utc(2026, 3, 8, 9))
    assert run([meeting, after], datetime(2026, 3, 8, 3, 0, tzinfo=NEW_YORK))[0] is Status.BUSY
    assert run([meeting], datetime(2026, 3, 8, 0, 59, tzinfo=NEW_YORK)) == (
        Status.FREE,
        utc(2026, 3, 8, 6),
        utc(2026, 3, 8, 5, 59),
    )


def test_new_york_fall_back() -> None:
    # 00:30 EDT (04:30 UTC) to 03:00 EST (08:00 UTC): three and a half real hours.
    meeting = busy(
        datetime(2026, 11, 1, 0, 30, tzinfo=NEW_YORK), datetime(2026, 11, 1, 3, 0, tzinfo=NEW_YORK)
    )
    for at in (
        datetime(2026, 11, 1, 0, 45, tzinfo=NEW_YORK),
        datetime(2026, 11, 1, 1, 30, fold=0, tzinfo=NEW_YORK),
        datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=NEW_YORK),
        datetime(2026, 11, 1, 2, 30, tzinfo=NEW_YORK),
    ):
        assert run([meeting], at) == (Status.BUSY, utc(2026, 11, 1, 8), utc(2026, 11, 1, 8)), at
    assert run([meeting], datetime(2026, 11, 1, 3, 0, tzinfo=NEW_YORK))[0] is Status.FREE


def test_new_york_fall_back_all_day_out_of_office_lasts_25_hours() -> None:
    leave = busy(
        datetime(2026, 11, 1, 0, 0, tzinfo=NEW_YORK),
        datetime(2026, 11, 2, 0, 0, tzinfo=NEW_YORK),
        BusyType.OOF,
    )
    at = datetime(2026, 11, 1, 12, 0, tzinfo=NEW_YORK)
    assert run([leave], at) == (Status.OOF, None, None)
    longer = evaluate(Availability(ROOM, (leave,)), at, utc(2026, 11, 3, 0))
    assert as_utc(longer.until) == utc(2026, 11, 2, 5)
    assert as_utc(longer.next_free) == utc(2026, 11, 2, 5)


def test_new_york_fall_back_events_given_in_utc_asked_in_the_second_one_oclock() -> None:
    first = busy(utc(2026, 11, 1, 5), utc(2026, 11, 1, 6))  # 01:00-02:00 EDT
    second = busy(utc(2026, 11, 1, 6), utc(2026, 11, 1, 6, 30), BusyType.OOF)  # 01:00-01:30 EST
    events = [first, second]
    assert run(events, datetime(2026, 11, 1, 1, 45, fold=0, tzinfo=NEW_YORK)) == (
        Status.BUSY,
        utc(2026, 11, 1, 6),
        utc(2026, 11, 1, 6, 30),
    )
    assert run(events, datetime(2026, 11, 1, 1, 15, fold=1, tzinfo=NEW_YORK)) == (
        Status.OOF,
        utc(2026, 11, 1, 6, 30),
        utc(2026, 11, 1, 6, 30),
    )
    assert run(events, datetime(2026, 11, 1, 1, 45, fold=1, tzinfo=NEW_YORK))[0] is Status.FREE


# -- instants inside the repeated hour, expressed in the local zone ------------------------------
#
# ``Event``, ``Window`` and ``evaluate`` compare datetimes with ``<``/``<=``. When both sides
# share one tzinfo, Python compares their wall clocks and ignores ``fold`` and the UTC offset,
# so inside the repeated hour of a fall-back day a naive comparison mis-orders instants. Events
# a provider converted from UTC to the desk's zone (``astimezone``) must still evaluate right.


def local(instant: datetime, zone: ZoneInfo) -> datetime:
    """``instant`` as a provider would hand it over: converted to the desk's zone."""
    return instant.astimezone(zone)


def test_new_york_meeting_in_the_repeated_hour_expressed_locally() -> None:
    # 05:30-06:30 UTC = 01:30 EDT to 01:30 EST: one hour, both ends read "01:30".
    meeting = busy(
        local(utc(2026, 11, 1, 5, 30), NEW_YORK), local(utc(2026, 11, 1, 6, 30), NEW_YORK)
    )
    at = local(utc(2026, 11, 1, 6), NEW_YORK)  # 01:00 EST, inside the meeting
    assert run([meeting], at) == (
        Status.BUSY,
        utc(2026, 11, 1, 6, 30),
        utc(2026, 11, 1, 6, 30),
    )


def test_rome_meeting_in_the_repeated_hour_expressed_locally() -> None:
    # 00:45-01:45 UTC = 02:45 CEST to 02:45 CET.
    meeting = busy(local(utc(2026, 10, 25, 0, 45), ROME), local(utc(2026, 10, 25, 1, 45), ROME))
    at = local(utc(2026, 10, 25, 1, 15), ROME)  # 02:15 CET
    assert run([meeting], at)[0] is Status.BUSY


def test_event_across_the_fall_back_expressed_locally_is_accepted() -> None:
    # 05:45-06:15 UTC = 01:45 EDT to 01:15 EST: thirty minutes, refused as "end before start".
    event = busy(local(utc(2026, 11, 1, 5, 45), NEW_YORK), local(utc(2026, 11, 1, 6, 15), NEW_YORK))
    assert event.end.astimezone(UTC) - event.start.astimezone(UTC) == timedelta(minutes=30)


def test_window_across_the_fall_back_expressed_locally_is_accepted() -> None:
    window = Window(
        local(utc(2026, 11, 1, 5, 45), NEW_YORK), local(utc(2026, 11, 1, 6, 15), NEW_YORK)
    )
    assert window.end.astimezone(UTC) - window.start.astimezone(UTC) == timedelta(minutes=30)


def test_event_ending_before_it_starts_in_the_repeated_hour_is_refused() -> None:
    # 01:15 EST (06:15 UTC) to 01:45 EDT (05:45 UTC): the end is half an hour before the start.
    with pytest.raises(ValueError, match="before its start"):
        busy(local(utc(2026, 11, 1, 6, 15), NEW_YORK), local(utc(2026, 11, 1, 5, 45), NEW_YORK))
