"""``GetUserAvailability``: one request per 100 mailboxes, answers mapped to the domain.

The stock exchangelib service aborts a whole batch when one mailbox answers
``ErrorNoFreeBusyAccess`` and sends ``GetServerTimeZones`` first; :class:`AvailabilityService`
keeps every per-mailbox error as data and takes a time zone built locally
(:mod:`attendant.providers.ews.timezone`). Throttling errors are never per-mailbox data: they
stop the refresh, so that nothing more is sent before the back-off ends.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from exchangelib import EWSDateTime, EWSTimeZone
from exchangelib.errors import (
    ErrorExceededConnectionCount,
    ErrorServerBusy,
    ErrorTooManyObjectsOpened,
    TransportError,
)
from exchangelib.properties import FreeBusyViewOptions, MailboxData, TimeWindow
from exchangelib.services import GetUserAvailability
from exchangelib.util import MNS
from loguru import logger

from attendant.domain import Availability, BusyType, Event, Mailbox, Window
from attendant.providers.errors import BadResponse
from attendant.providers.ews.protocol import SingleAttempt
from attendant.providers.ews.timezone import aware, request_timezone

#: Mailboxes a GetUserAvailability request may carry (Exchange's limit).
BATCH_SIZE = 100

BUSY_TYPES: dict[str, BusyType] = {
    "Free": BusyType.FREE,
    "Tentative": BusyType.TENTATIVE,
    "Busy": BusyType.BUSY,
    "OOF": BusyType.OOF,
    "WorkingElsewhere": BusyType.WORKING_ELSEWHERE,
    "NoData": BusyType.NO_DATA,
}

_THROTTLING = (ErrorServerBusy, ErrorExceededConnectionCount, ErrorTooManyObjectsOpened)


class AvailabilityService(SingleAttempt, GetUserAvailability):  # type: ignore[misc]
    """GetUserAvailability with per-mailbox errors as values and no TimeZoneContext header.

    The header is not needed (the request carries its own ``t:TimeZone``) and Exchange 2007
    does not know it.
    """

    @property
    def _timezone(self) -> None:
        return None

    def _get_elements_in_response(self, response: Any) -> Iterator[Any]:
        for message in response:
            try:
                found = self._get_element_container(
                    message=message.find(f"{{{MNS}}}ResponseMessage")
                )
            except _THROTTLING:
                raise
            except TransportError as error:  # this mailbox's error: data, not a failure
                yield error
                continue
            if isinstance(found, Exception):
                yield found
            else:
                yield from self._get_elements_in_container(container=message)


def batches(mailboxes: Sequence[Mailbox]) -> list[list[Mailbox]]:
    """Distinct mailboxes (by address) in chunks of :data:`BATCH_SIZE`, first-seen order."""
    seen: dict[str, Mailbox] = {}
    for mailbox in mailboxes:
        seen.setdefault(mailbox.key, mailbox)
    unique = list(seen.values())
    return [unique[i : i + BATCH_SIZE] for i in range(0, len(unique), BATCH_SIZE)]


def fetch_batch(
    protocol: Any, batch: Sequence[Mailbox], window: Window, zone: ZoneInfo, ews_zone: EWSTimeZone
) -> list[Availability]:
    """One GetUserAvailability round trip for ``batch`` (blocking; raises exchangelib errors)."""
    start = EWSDateTime.from_datetime(window.start.astimezone(zone))
    end = EWSDateTime.from_datetime(window.end.astimezone(zone))
    service = AvailabilityService(protocol=protocol)
    answers = list(
        service.call(
            tzinfo=ews_zone,
            mailbox_data=[
                MailboxData(email=m.address, attendee_type="Required", exclude_conflicts=False)
                for m in batch
            ],
            timezone=request_timezone(zone, start.year),
            free_busy_view_options=FreeBusyViewOptions(
                time_window=TimeWindow(start=start, end=end),
                merged_free_busy_interval=30,
                requested_view="Detailed",
            ),
        )
    )
    if len(answers) != len(batch):
        raise BadResponse(
            f"Exchange answered {len(answers)} free/busy results for {len(batch)} mailboxes.",
            hint="The server is failing; the log file has the details.",
        )
    return [to_availability(m, answer, zone) for m, answer in zip(batch, answers, strict=True)]


def to_availability(mailbox: Mailbox, answer: Any, zone: ZoneInfo) -> Availability:
    """A FreeBusyView (or a per-mailbox exception) as the domain's Availability."""
    if isinstance(answer, Exception):
        code = type(answer).__name__
        message = str(answer).strip() or code
        return Availability.failed(mailbox, code, message)
    if answer.view_type in (None, "None"):
        return Availability.failed(mailbox, "NoData", "Exchange has no free/busy for this mailbox.")
    events = []
    for item in answer.calendar_events or ():
        if item.start is None or item.end is None:
            continue
        busy = BUSY_TYPES.get(item.busy_type)
        if busy is None:
            logger.warning("Unknown busy type {!r} for {}", item.busy_type, mailbox.address)
            busy = BusyType.NO_DATA
        details = item.details
        start, end = aware(item.start, zone), aware(item.end, zone)
        events.append(
            Event(
                start,
                max(start, end),
                busy,
                (details.subject or None) if details is not None else None,
                (details.location or None) if details is not None else None,
            )
        )
    events.sort(key=lambda e: (e.start, e.end))
    return Availability(mailbox, tuple(events))


def ordered(mailboxes: Sequence[Mailbox], answered: Sequence[Availability]) -> list[Availability]:
    """One answer per mailbox asked for, in the order asked (duplicates answered twice)."""
    by_key = {a.mailbox.key: a for a in answered}
    result = []
    for mailbox in mailboxes:
        found = by_key[mailbox.key]
        result.append(found if found.mailbox == mailbox else _for(mailbox, found))
    return result


def _for(mailbox: Mailbox, found: Availability) -> Availability:
    return Availability(mailbox, found.events, found.error, found.working_hours)
