"""The refresh service applies ``[privacy]`` where the snapshot is made."""

from __future__ import annotations

import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from attendant.domain import MeetingDetails, WatchList
from attendant.providers.demo import DemoProvider
from attendant.services.refresh import RefreshService

LONDON = ZoneInfo("Europe/London")


def snapshot_with(details: MeetingDetails):
    provider = DemoProvider()
    service = RefreshService(
        provider,
        WatchList(people=tuple(m.address for m in provider.directory.people[:12])),
        interval_seconds=60,
        clock=lambda: datetime(2026, 11, 24, 10, 15, tzinfo=LONDON),
        meeting_details=details,
    )
    state = asyncio.run(service.refresh_once())
    assert state.snapshot is not None
    return state.snapshot


@pytest.mark.parametrize("details", [MeetingDetails.BUSY_ONLY, MeetingDetails.HIDE])
def test_no_subject_or_location_leaves_the_service(details: MeetingDetails) -> None:
    events = [e for a in snapshot_with(details).entries for e in a.events]
    assert len(events) > 20
    assert all(e.subject is None and e.location is None for e in events)


def test_show_keeps_subjects_but_not_of_private_meetings() -> None:
    events = [e for a in snapshot_with(MeetingDetails.SHOW).entries for e in a.events]
    assert any(e.subject for e in events)
    assert all(e.subject is None for e in events if e.private)
