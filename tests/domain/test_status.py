"""Status, until and next free at one instant (INTERFACES.md §1), on ordinary days.

Everything here happens in Europe/Rome in late November 2026 (no DST change nearby);
DST days live in ``test_status_dst.py``, random event sets in ``test_status_properties.py``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from attendant.domain import (
    Availability,
    BusyType,
    Event,
    Mailbox,
    Status,
    StatusView,
    Window,
    evaluate,
    status_at,
    strongest_at,
)
from attendant.services.clock import day_window

ROME = ZoneInfo("Europe/Rome")
ALICE = Mailbox("alice@contoso.com", "Alice Example")


def t(hour: int, minute: int = 0, day: int = 23) -> datetime:
    """A wall-clock instant in Rome, November 2026 (the 23rd is a Monday)."""
    return datetime(2026, 11, day, hour, minute, tzinfo=ROME)


def ev(
    start: datetime, end: datetime, busy: BusyType = BusyType.BUSY, subject: str | None = None
) -> Event:
    return Event(start, end, busy, subject)


def view(events: list[Event], at: datetime, end: datetime | None = None) -> StatusView:
    """Evaluate ``events`` at ``at``, looking up to ``end`` (default: the end of at's day)."""
    horizon = end if end is not None else day_window(at).end
    return evaluate(Availability(ALICE, tuple(events)), at, horizon)


# -- one mailbox, one meeting ------------------------------------------------------------------


def test_free_with_no_events() -> None:
    result = view([], t(10, 15))
    assert result == StatusView(Status.FREE, None, t(10, 15), None)


def test_inside_a_meeting_is_busy_until_its_end() -> None:
    meeting = ev(t(10), t(11), subject="Budget review")
    result = view([meeting], t(10, 15))
    assert result.status is Status.BUSY
    assert result.until == t(11)
    assert result.next_free == t(11)
    assert result.current == meeting


def test_before_a_meeting_is_free_until_it_starts() -> None:
    result = view([ev(t(10), t(11))], t(9))
    assert result.status is Status.FREE
    assert result.until == t(10)
    assert result.next_free == t(9)
    assert result.current is None


def test_the_start_instant_belongs_to_the_meeting() -> None:
    result = view([ev(t(10), t(11))], t(10))
    assert (result.status, result.until, result.next_free) == (Status.BUSY, t(11), t(11))


def test_the_end_instant_does_not_belong_to_the_meeting() -> None:
    result = view([ev(t(10), t(11))], t(11))
    assert result == StatusView(Status.FREE, None, t(11), None)


def test_one_microsecond_before_the_end_is_still_busy() -> None:
    result = view([ev(t(10), t(11))], t(11) - timedelta(microseconds=1))
    assert (result.status, result.until) == (Status.BUSY, t(11))


def test_a_meeting_already_over_does_not_matter() -> None:
    result = view([ev(t(8), t(9))], t(10))
    assert result == StatusView(Status.FREE, None, t(10), None)


@pytest.mark.parametrize(
    ("busy", "status"),
    [
        (BusyType.FREE, Status.FREE),
        (BusyType.TENTATIVE, Status.TENTATIVE),
        (BusyType.BUSY, Status.BUSY),
        (BusyType.OOF, Status.OOF),
        (BusyType.WORKING_ELSEWHERE, Status.WORKING_ELSEWHERE),
        (BusyType.NO_DATA, Status.UNKNOWN),
    ],
)
def test_each_busy_type_shows_as_its_status(busy: BusyType, status: Status) -> None:
    event = ev(t(10), t(11), busy)
    result = view([event], t(10, 30))
    assert result.status is status
    assert result.current == event
    assert status_at([event], t(10, 30)) is status
    assert status_at([event], t(11)) is Status.FREE


def test_a_zero_length_event_covers_no_instant() -> None:
    instant = ev(t(10), t(10))
    assert view([instant], t(10)) == StatusView(Status.FREE, None, t(10), None)
    assert strongest_at([instant], t(10)) is None


# -- overlapping events: the strongest wins ----------------------------------------------------


def test_busy_inside_out_of_office_shows_out_of_office() -> None:
    leave = ev(t(8), t(17), BusyType.OOF, "Annual leave")
    meeting = ev(t(10), t(11))
    result = view([meeting, leave], t(10, 30))
    assert result.status is Status.OOF
    assert result.current == leave
    assert result.until == t(17)
    assert result.next_free == t(17)


def test_tentative_overlapping_busy_is_busy_during_the_overlap_and_tentative_after() -> None:
    maybe = ev(t(10), t(12), BusyType.TENTATIVE)
    sure = ev(t(10, 30), t(11))
    events = [maybe, sure]

    before = view(events, t(10, 15))
    assert (before.status, before.until, before.next_free) == (Status.TENTATIVE, t(10, 30), t(12))

    during = view(events, t(10, 45))
    assert (during.status, during.until, during.next_free) == (Status.BUSY, t(11), t(12))
    assert during.current == sure

    after = view(events, t(11))
    assert (after.status, after.until, after.next_free) == (Status.TENTATIVE, t(12), t(12))
    assert after.current == maybe


def test_tentative_over_an_explicit_free_event() -> None:
    open_door = ev(t(9), t(17), BusyType.FREE, "Office hours")
    maybe = ev(t(10), t(11), BusyType.TENTATIVE)
    events = [open_door, maybe]

    inside = view(events, t(10, 30))
    assert (inside.status, inside.until, inside.next_free) == (Status.TENTATIVE, t(11), t(11))

    # The free event's own edges are not changes of status.
    before = view(events, t(8))
    assert (before.status, before.until, before.next_free) == (Status.FREE, t(10), t(8))
    after = view(events, t(11))
    assert after == StatusView(Status.FREE, None, t(11), open_door)


def test_working_elsewhere_all_day_with_a_meeting_inside() -> None:
    elsewhere = ev(t(0), t(0, day=24), BusyType.WORKING_ELSEWHERE, "Customer site")
    meeting = ev(t(14), t(15))
    events = [elsewhere, meeting]

    morning = view(events, t(10))
    assert (morning.status, morning.until, morning.next_free) == (
        Status.WORKING_ELSEWHERE,
        t(14),
        None,
    )
    during = view(events, t(14, 30))
    assert (during.status, during.until, during.next_free) == (Status.BUSY, t(15), None)
    after = view(events, t(15))
    assert (after.status, after.until, after.next_free) == (Status.WORKING_ELSEWHERE, None, None)


def test_no_data_ranks_between_free_and_working_elsewhere() -> None:
    unknown = ev(t(9), t(17), BusyType.NO_DATA)
    elsewhere = ev(t(10), t(11), BusyType.WORKING_ELSEWHERE)
    free = ev(t(12), t(13), BusyType.FREE)
    events = [unknown, elsewhere, free]
    assert view(events, t(9, 30)).status is Status.UNKNOWN
    assert view(events, t(10, 30)).status is Status.WORKING_ELSEWHERE
    assert view(events, t(12, 30)).status is Status.UNKNOWN
    first = view(events, t(9, 30))
    assert (first.until, first.next_free) == (t(10), t(17))


def test_all_five_kinds_stacked() -> None:
    events = [
        ev(t(8), t(18), BusyType.FREE),
        ev(t(9), t(17), BusyType.WORKING_ELSEWHERE),
        ev(t(10), t(16), BusyType.TENTATIVE),
        ev(t(11), t(15), BusyType.BUSY),
        ev(t(12), t(14), BusyType.OOF),
    ]
    expected = {
        t(8): Status.FREE,
        t(9): Status.WORKING_ELSEWHERE,
        t(10): Status.TENTATIVE,
        t(11): Status.BUSY,
        t(12): Status.OOF,
        t(14): Status.BUSY,
        t(15): Status.TENTATIVE,
        t(16): Status.WORKING_ELSEWHERE,
        t(17): Status.FREE,
    }
    instants = sorted(expected)
    for here, after in zip(instants, [*instants[1:], None], strict=True):
        result = view(events, here)
        assert result.status is expected[here], here
        assert result.until == after, here
        assert result.next_free == (here if expected[here] is Status.FREE else t(17)), here


# -- until is the first change of *status*; next free skips chains -----------------------------


def test_back_to_back_busy_meetings_are_one_stretch() -> None:
    events = [ev(t(10), t(11)), ev(t(11), t(12))]
    result = view(events, t(10, 30))
    assert (result.status, result.until, result.next_free) == (Status.BUSY, t(12), t(12))


def test_busy_then_tentative_back_to_back_changes_at_the_first_end() -> None:
    events = [ev(t(10), t(11)), ev(t(11), t(12), BusyType.TENTATIVE)]
    result = view(events, t(10, 30))
    assert (result.status, result.until, result.next_free) == (Status.BUSY, t(11), t(12))


def test_overlapping_busy_meetings_until_the_last_one_ends() -> None:
    events = [ev(t(10), t(11, 30)), ev(t(11), t(12)), ev(t(9), t(10, 15))]
    result = view(events, t(9, 30))
    assert (result.status, result.until, result.next_free) == (Status.BUSY, t(12), t(12))


def test_next_free_skips_a_chain_of_back_to_back_meetings() -> None:
    events = [
        ev(t(9), t(10)),
        ev(t(10), t(10, 30), BusyType.TENTATIVE),
        ev(t(10, 30), t(11, 30)),
        ev(t(11, 30), t(12), BusyType.WORKING_ELSEWHERE),
        ev(t(12), t(13), BusyType.OOF),
        ev(t(14), t(15)),
    ]
    result = view(events, t(9, 15))
    assert (result.status, result.until, result.next_free) == (Status.BUSY, t(10), t(13))


def test_no_free_time_before_the_end() -> None:
    events = [ev(t(9), t(12)), ev(t(12), t(0, day=24), BusyType.TENTATIVE)]
    result = view(events, t(10))
    assert (result.status, result.until, result.next_free) == (Status.BUSY, t(12), None)


def test_a_meeting_ending_exactly_at_the_horizon_changes_nothing_before_it() -> None:
    result = view([ev(t(10), t(12))], t(10, 30), end=t(12))
    assert (result.status, result.until, result.next_free) == (Status.BUSY, None, None)


def test_status_not_changing_before_the_horizon() -> None:
    result = view([ev(t(10), t(12))], t(10, 30), end=t(11, 30))
    assert (result.status, result.until, result.next_free) == (Status.BUSY, None, None)
    free = view([ev(t(12), t(13))], t(9), end=t(11))
    assert (free.status, free.until, free.next_free) == (Status.FREE, None, t(9))


def test_until_and_next_free_never_look_back() -> None:
    events = [ev(t(8), t(9)), ev(t(9, 30), t(10, 30))]
    result = view(events, t(10))
    assert (result.until, result.next_free) == (t(10, 30), t(10, 30))


# -- events across midnight and over several days ----------------------------------------------


def test_late_meeting_across_midnight_seen_from_both_days() -> None:
    late = ev(t(23), t(1, day=24), subject="Release night")
    events = [late]

    monday = day_window(t(12))
    tuesday = day_window(t(12, day=24))
    assert Availability(ALICE, (late,)).clipped(monday).events == (late,)
    assert Availability(ALICE, (late,)).clipped(tuesday).events == (late,)

    evening = view(events, t(22), end=monday.end)
    assert (evening.status, evening.until, evening.next_free) == (Status.FREE, t(23), t(22))
    night = view(events, t(23, 30), end=monday.end)
    assert (night.status, night.until, night.next_free) == (Status.BUSY, None, None)

    midnight = view(events, tuesday.start, end=tuesday.end)
    assert (midnight.status, midnight.until, midnight.next_free) == (
        Status.BUSY,
        t(1, day=24),
        t(1, day=24),
    )
    assert midnight.current == late
    small_hours = view(events, t(0, 30, day=24), end=tuesday.end)
    assert (small_hours.status, small_hours.until) == (Status.BUSY, t(1, day=24))


def test_multi_day_out_of_office_asked_in_the_middle() -> None:
    leave = ev(t(0, day=23), t(0, day=26), BusyType.OOF, "Annual leave")  # Mon-Wed
    tuesday = t(10, day=24)
    result = view([leave], tuesday)
    assert (result.status, result.until, result.next_free) == (Status.OOF, None, None)
    assert result.current == leave

    wednesday = view([leave], t(16, day=25))  # ends exactly at the window's end
    assert (wednesday.status, wednesday.until, wednesday.next_free) == (Status.OOF, None, None)

    two_days = view([leave], tuesday, end=t(0, day=27))
    assert (two_days.until, two_days.next_free) == (t(0, day=26), t(0, day=26))


# -- unknown -----------------------------------------------------------------------------------


def test_no_data_events_show_as_unknown() -> None:
    gap = ev(t(0), t(0, day=24), BusyType.NO_DATA)
    result = view([gap], t(10))
    assert (result.status, result.until, result.next_free) == (Status.UNKNOWN, None, None)


def test_a_failed_mailbox_is_unknown_without_times() -> None:
    failed = Availability.failed(ALICE, "ErrorMailRecipientNotFound", "No such mailbox")
    assert evaluate(failed, t(10), t(0, day=24)) == StatusView(Status.UNKNOWN, None, None, None)


def test_an_error_wins_over_any_events_it_carries() -> None:
    broken = Availability.failed(ALICE, "ErrorNoFreeBusyAccess", "Access denied")
    with_events = Availability(ALICE, (ev(t(9), t(17)),), broken.error)
    for at in (t(8), t(10), t(18)):
        assert evaluate(with_events, at, t(0, day=24)) == StatusView(
            Status.UNKNOWN, None, None, None
        )


# -- time zones mixed --------------------------------------------------------------------------


def test_events_in_utc_asked_in_local_time() -> None:
    meeting = Event(
        datetime(2026, 11, 23, 9, 0, tzinfo=UTC),  # 10:00 in Rome
        datetime(2026, 11, 23, 10, 0, tzinfo=UTC),
        BusyType.BUSY,
    )
    result = view([meeting], t(10, 30))
    assert (result.status, result.until, result.next_free) == (Status.BUSY, t(11), t(11))
    assert view([meeting], t(9, 30)).until == t(10)
    # Two representations of the same instant are one boundary, not two.
    same = Event(t(11), t(12), BusyType.BUSY)
    assert view([meeting, same], t(10, 30)).until == t(12)


# -- naive datetimes are bugs ------------------------------------------------------------------


NAIVE = datetime(2026, 11, 23, 10, 0)


def test_event_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        Event(NAIVE, t(11), BusyType.BUSY)
    with pytest.raises(ValueError, match="timezone-aware"):
        Event(t(9), NAIVE, BusyType.BUSY)


def test_window_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        Window(NAIVE, t(23))
    with pytest.raises(ValueError, match="timezone-aware"):
        Window(t(0), NAIVE + timedelta(hours=2))


def test_evaluate_refuses_naive_datetimes() -> None:
    availability = Availability(ALICE, (ev(t(10), t(11)),))
    with pytest.raises(ValueError, match="timezone-aware"):
        evaluate(availability, NAIVE, t(0, day=24))
    with pytest.raises(ValueError, match="timezone-aware"):
        evaluate(availability, t(10), NAIVE + timedelta(days=1))
    failed = Availability.failed(ALICE, "ErrorMailRecipientNotFound", "gone")
    with pytest.raises(ValueError, match="timezone-aware"):
        evaluate(failed, NAIVE, t(0, day=24))


def test_a_tzinfo_without_an_offset_counts_as_naive() -> None:
    from datetime import tzinfo

    class Blank(tzinfo):
        def utcoffset(self, dt: datetime | None) -> timedelta | None:
            return None

        def dst(self, dt: datetime | None) -> timedelta | None:
            return None

        def tzname(self, dt: datetime | None) -> str | None:
            return None

    with pytest.raises(ValueError, match="timezone-aware"):
        Event(datetime(2026, 11, 23, 10, tzinfo=Blank()), t(11), BusyType.BUSY)
