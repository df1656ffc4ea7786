"""Property-based checks of ``evaluate`` against a brute-force oracle.

Events lie on a 5-minute grid inside one local day, so the status can only change on grid
points; sampling every grid point is therefore exhaustive, and the oracle's first change and
first free point are the exact answers. The oracle compares instants as UTC timestamps, never
by wall clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from attendant.domain import Availability, BusyType, Event, Mailbox, Status, evaluate
from attendant.services.clock import day_window

STEP = timedelta(minutes=5)
BOX = Mailbox("someone@contoso.com")

#: INTERFACES.md §1: oof > busy > tentative > working elsewhere > (no data) > free.
RANK = [
    BusyType.FREE,
    BusyType.NO_DATA,
    BusyType.WORKING_ELSEWHERE,
    BusyType.TENTATIVE,
    BusyType.BUSY,
    BusyType.OOF,
]
SHOWN = {
    BusyType.FREE: Status.FREE,
    BusyType.NO_DATA: Status.UNKNOWN,
    BusyType.WORKING_ELSEWHERE: Status.WORKING_ELSEWHERE,
    BusyType.TENTATIVE: Status.TENTATIVE,
    BusyType.BUSY: Status.BUSY,
    BusyType.OOF: Status.OOF,
}

ORDINARY_DAYS = [
    (ZoneInfo("UTC"), date(2026, 6, 15)),
    (ZoneInfo("Europe/Rome"), date(2026, 11, 23)),
    (ZoneInfo("America/New_York"), date(2026, 7, 1)),
    (ZoneInfo("Asia/Kolkata"), date(2026, 2, 27)),
]
DST_DAYS = [
    (ZoneInfo("Europe/Rome"), date(2026, 3, 29)),
    (ZoneInfo("Europe/Rome"), date(2026, 10, 25)),
    (ZoneInfo("America/New_York"), date(2026, 3, 8)),
    (ZoneInfo("America/New_York"), date(2026, 11, 1)),
]


@dataclass(frozen=True)
class Case:
    events: tuple[Event, ...]
    grid: tuple[datetime, ...]  # every 5 minutes of the day, in UTC, plus the day's end
    at: datetime
    end: datetime


def oracle(events: tuple[Event, ...], instant: datetime) -> Status:
    """The strongest covering event's status, by brute force over UTC timestamps."""
    now = instant.timestamp()
    covering = [e.busy_type for e in events if e.start.timestamp() <= now < e.end.timestamp()]
    if not covering:
        return Status.FREE
    return SHOWN[max(covering, key=RANK.index)]


@st.composite
def cases(draw: st.DrawFn, days: list[tuple[ZoneInfo, date]], local_events: bool) -> Case:
    zone, day = draw(st.sampled_from(days))
    window = day_window(datetime(day.year, day.month, day.day, 12, tzinfo=zone))
    start = window.start.astimezone(UTC)
    slots = int((window.end.astimezone(UTC) - start) / STEP)  # 276, 288 or 300
    grid = tuple(start + i * STEP for i in range(slots + 1))

    def shown(instant: datetime) -> datetime:
        """An event end as a provider might give it: in UTC, or in the local zone."""
        in_local = local_events and draw(st.booleans())
        return instant.astimezone(zone) if in_local else instant

    # Crowd the events into a stretch of the day now and then, so overlaps are common.
    low = draw(st.integers(0, slots - 1))
    high = min(slots, low + draw(st.sampled_from((6, 24, 72, slots))))
    events = []
    starts = []
    for _ in range(draw(st.integers(0, 10))):
        first = draw(st.integers(low, high))
        starts.append(first)
        length = draw(st.sampled_from((0, 1, 3, 6, 12, 24, slots)))
        busy = draw(st.sampled_from(RANK))
        events.append(Event(shown(grid[first]), shown(grid[min(slots, first + length)]), busy))
    # ``at`` often at or just inside an event's start, where statuses stack up.
    starts = [i for i in starts if i < slots] or [low]
    at_index = draw(
        st.one_of(
            st.integers(low, max(low, high - 1)),
            st.sampled_from(starts),
            st.sampled_from(starts).map(lambda i: min(slots - 1, i + 1)),
        )
    )
    end_index = draw(st.one_of(st.just(slots), st.integers(at_index + 1, slots)))
    at = grid[at_index] + draw(st.sampled_from((timedelta(0), timedelta(minutes=2))))
    # ``at`` as the desk gives it: local time (fold set by astimezone).
    return Case(tuple(events), grid[: end_index + 1], at.astimezone(zone), grid[end_index])


def check(case: Case) -> None:
    view = evaluate(Availability(BOX, case.events), case.at, case.end)
    at = case.at.astimezone(UTC)
    status = oracle(case.events, at)
    later = [g for g in case.grid if at < g < case.end]  # points where a change can happen
    ahead = [at, *later]  # [at, end) sampled on the grid

    # (1) the status is the strongest covering event's
    assert view.status is status
    if view.current is None:
        assert not any(e.start <= at < e.end for e in case.events)
    else:
        assert view.current in case.events
        assert view.current.start <= at < view.current.end
        assert SHOWN[view.current.busy_type] is status

    # (2) until: constant on [at, until), different at until; exact first change
    expected_until = next((g for g in later if oracle(case.events, g) is not status), None)
    if view.until is not None:
        until = view.until.astimezone(UTC)
        assert at < until < case.end
        assert all(oracle(case.events, g) is status for g in ahead if g < until)
        assert oracle(case.events, until) is not status
        assert until == expected_until
    else:
        # (4) no change of status on the grid up to the end
        assert all(oracle(case.events, g) is status for g in ahead)
        assert expected_until is None

    # (3) next free: free there, not free anywhere on the grid before it
    expected_free = next((g for g in ahead if oracle(case.events, g) is Status.FREE), None)
    if view.next_free is not None:
        next_free = view.next_free.astimezone(UTC)
        assert at <= next_free < case.end
        assert oracle(case.events, next_free) is Status.FREE
        assert all(oracle(case.events, g) is not Status.FREE for g in ahead if g < next_free)
        assert next_free == expected_free
    else:
        assert expected_free is None
        assert all(oracle(case.events, g) is not Status.FREE for g in ahead)
    if status is Status.FREE:
        assert view.next_free == case.at


@settings(max_examples=200, deadline=None)
@given(cases(ORDINARY_DAYS, local_events=True))
def test_evaluate_matches_the_oracle_on_ordinary_days(case: Case) -> None:
    check(case)


@settings(max_examples=200, deadline=None)
@given(cases(DST_DAYS, local_events=False))
def test_evaluate_matches_the_oracle_on_dst_days_with_utc_events(case: Case) -> None:
    # Events in UTC, ``at`` in the local zone: absolute comparisons throughout. (Events in
    # the local zone on fall-back days are covered by the test below.)
    check(case)


@settings(max_examples=200, deadline=None)
@given(cases(DST_DAYS[::2], local_events=True))
def test_evaluate_matches_the_oracle_on_spring_forward_days_with_local_events(case: Case) -> None:
    # A spring-forward day repeats no wall-clock time, so local events compare correctly.
    check(case)


@settings(max_examples=200, deadline=None)
@given(cases(ORDINARY_DAYS, local_events=True), st.data())
def test_order_and_duplicates_of_events_do_not_matter(case: Case, data: st.DataObject) -> None:
    shuffled = data.draw(st.permutations(case.events))
    doubled = (*shuffled, *case.events)
    once = evaluate(Availability(BOX, case.events), case.at, case.end)
    for events in (tuple(shuffled), doubled):
        again = evaluate(Availability(BOX, events), case.at, case.end)
        assert (again.status, again.until, again.next_free) == (
            once.status,
            once.until,
            once.next_free,
        )


@settings(max_examples=200, deadline=None, derandomize=True, phases=[Phase.generate])
@given(cases(DST_DAYS[1::2], local_events=True))
def test_evaluate_matches_the_oracle_on_fall_back_days_with_local_events(case: Case) -> None:
    check(case)
