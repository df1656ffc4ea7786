"""The ``[privacy] meeting_details`` filter: what of a meeting may be shown."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from attendant.domain import (
    Availability,
    BusyType,
    Event,
    Mailbox,
    MeetingDetails,
    evaluate,
    redact,
    redact_all,
    visible_events,
)

TZ = timezone(timedelta(hours=1))


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 23, hour, minute, tzinfo=TZ)


OPEN = Event(at(10), at(11), BusyType.BUSY, "Budget review", "Room 4")
PRIVATE = Event(at(14), at(15), BusyType.BUSY, "Doctor", "Clinic", private=True)
ALICE = Availability(Mailbox("alice@contoso.com", "Alice"), (OPEN, PRIVATE))


def test_show_keeps_what_the_server_disclosed_but_never_a_private_subject() -> None:
    shown = redact(ALICE, MeetingDetails.SHOW)
    assert shown.events[0] == OPEN
    assert (shown.events[1].subject, shown.events[1].location) == (None, None)
    assert shown.events[1].private and shown.events[1].start == at(14)


@pytest.mark.parametrize("details", [MeetingDetails.BUSY_ONLY, MeetingDetails.HIDE])
def test_busy_only_and_hide_keep_times_and_busy_types_only(details: MeetingDetails) -> None:
    redacted = redact(ALICE, details)
    assert [(e.start, e.end, e.busy_type) for e in redacted.events] == [
        (e.start, e.end, e.busy_type) for e in ALICE.events
    ]
    assert all(e.subject is None and e.location is None for e in redacted.events)


@pytest.mark.parametrize("details", list(MeetingDetails))
def test_statuses_do_not_change(details: MeetingDetails) -> None:
    redacted = redact(ALICE, details)
    for instant in (at(9), at(10, 30), at(14, 30)):
        view, original = evaluate(redacted, instant, at(23)), evaluate(ALICE, instant, at(23))
        assert (view.status, view.until, view.next_free) == (
            original.status,
            original.until,
            original.next_free,
        )


def test_hide_lists_no_events_at_all() -> None:
    assert visible_events(ALICE, MeetingDetails.HIDE) == ()
    assert len(visible_events(ALICE, MeetingDetails.BUSY_ONLY)) == 2
    assert visible_events(ALICE, MeetingDetails.SHOW)[0].subject == "Budget review"
    assert visible_events(ALICE, MeetingDetails.SHOW)[1].subject is None


def test_nothing_to_hide_is_the_same_object() -> None:
    plain = Availability(Mailbox("bob@contoso.com"), (OPEN,))
    assert redact(plain, MeetingDetails.SHOW) is plain
    failed = Availability.failed(Mailbox("x@contoso.com"), "ErrorNoFreeBusyAccess", "no")
    assert redact_all([failed], MeetingDetails.HIDE) == (failed,)
