"""What of a meeting may be shown: the ``[privacy] meeting_details`` setting as pure functions.

A receptionist's screen faces visitors, so some desks must not show meeting subjects. The
filter runs once, where a snapshot or a command's answer is made, so nothing downstream (the
board, its tooltips, the details pane, JSON output) can show what it should not:

- ``show``: subject and location as the server discloses them;
- ``busy_only``: times and busy type only;
- ``hide``: no events at all; status, until and next free only (:func:`visible_events`).

An event the server marks private never keeps its subject or location, whatever the setting.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from enum import StrEnum

from attendant.domain.model import Availability, Event


class MeetingDetails(StrEnum):
    """How much of a meeting the board and every command show."""

    SHOW = "show"
    BUSY_ONLY = "busy_only"
    HIDE = "hide"


def redact_event(event: Event, details: MeetingDetails) -> Event:
    """``event`` without the subject and location ``details`` (or its private mark) forbid."""
    if details is MeetingDetails.SHOW and not event.private:
        return event
    if event.subject is None and event.location is None:
        return event
    return replace(event, subject=None, location=None)


def redact(availability: Availability, details: MeetingDetails) -> Availability:
    """``availability`` with every event redacted; the times stay, so statuses are unchanged."""
    events = availability.events
    if details is MeetingDetails.SHOW and not any(e.private for e in events):
        return availability
    redacted = tuple(redact_event(e, details) for e in events)
    if all(new is old for new, old in zip(redacted, events, strict=True)):
        return availability
    return replace(availability, events=redacted)


def redact_all(
    entries: Iterable[Availability], details: MeetingDetails
) -> tuple[Availability, ...]:
    """Every entry redacted (see :func:`redact`)."""
    return tuple(redact(entry, details) for entry in entries)


def visible_events(availability: Availability, details: MeetingDetails) -> tuple[Event, ...]:
    """The events that may be listed or drawn: none with ``hide``, else redacted ones."""
    if details is MeetingDetails.HIDE:
        return ()
    return tuple(redact_event(e, details) for e in availability.events)
