"""``GetUserAvailability``: one request per 100 mailboxes, answers mapped to the domain.

The stock exchangelib service aborts a whole batch when one mailbox answers
``ErrorNoFreeBusyAccess`` and sends ``GetServerTimeZones`` first; :class:`AvailabilityService`
keeps every per-mailbox error as data and takes a time zone built locally
(:mod:`attendant.providers.ews.timezone`). Throttling errors are never per-mailbox data: they
stop the refresh, so that nothing more is sent before the back-off ends.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import lxml.etree
from exchangelib import EWSDateTime, EWSTimeZone
from exchangelib.errors import (
    ErrorExceededConnectionCount,
    ErrorServerBusy,
    ErrorTooManyObjectsOpened,
    TransportError,
)
from exchangelib.properties import FreeBusyViewOptions, TimeWindow
from exchangelib.services import GetUserAvailability
from exchangelib.util import MNS, TNS, create_element, set_xml_value
from loguru import logger

from attendant.domain import Availability, BusyType, Event, Mailbox, Window
from attendant.providers.errors import BadResponse
from attendant.providers.ews.protocol import SingleAttempt
from attendant.providers.ews.timezone import request_timezone

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

_T = f"{{{TNS}}}"
_EVENTS = f"{_T}CalendarEventArray"
_START, _END, _BUSY = f"{_T}StartTime", f"{_T}EndTime", f"{_T}BusyType"
_DETAILS, _SUBJECT, _LOCATION = f"{_T}CalendarEventDetails", f"{_T}Subject", f"{_T}Location"
_PRIVATE = f"{_T}IsPrivate"
_THROTTLING = (ErrorServerBusy, ErrorExceededConnectionCount, ErrorTooManyObjectsOpened)
_THROTTLING_CODES = frozenset(error.__name__ for error in _THROTTLING)
_CODE = f"{{{MNS}}}ResponseMessage/{{{MNS}}}ResponseCode"


@dataclass(frozen=True, slots=True)
class View:
    """One mailbox's FreeBusyView, read straight from the XML."""

    view_type: str
    events: tuple[Event, ...]


class AvailabilityService(SingleAttempt, GetUserAvailability):  # type: ignore[misc]
    """GetUserAvailability with per-mailbox errors as values and no TimeZoneContext header.

    The header is not needed (the request carries its own ``t:TimeZone``) and Exchange 2007
    does not know it. Answers are read into :class:`View` directly: exchangelib's generic
    element mapping costs about a millisecond a mailbox, ten times the XML itself.
    """

    #: The zone the request was made in: Exchange answers in its local wall-clock time.
    zone: ZoneInfo = ZoneInfo("UTC")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._times: dict[str | None, datetime | None] = {}  # calendars share their hours

    def _when(self, text: str | None) -> datetime | None:
        self._times[text] = found = _when(text, self.zone)
        return found

    @property
    def _timezone(self) -> None:
        return None

    def get_payload(
        self, mailbox_data: Sequence[str], timezone: Any, free_busy_view_options: Any
    ) -> Any:
        # The same XML exchangelib builds, without building a MailboxData object per mailbox
        # (which is most of the client's CPU time for a batch of 100).
        version = self.protocol.version
        payload = create_element(f"m:{self.SERVICE_NAME}Request")
        set_xml_value(payload, timezone, version=version)
        array = lxml.etree.SubElement(payload, f"{{{MNS}}}MailboxDataArray")
        for address in mailbox_data:
            data = lxml.etree.SubElement(array, f"{_T}MailboxData")
            email = lxml.etree.SubElement(data, f"{_T}Email")
            lxml.etree.SubElement(email, f"{_T}Address").text = address
            lxml.etree.SubElement(email, f"{_T}RoutingType").text = "SMTP"
            lxml.etree.SubElement(data, f"{_T}AttendeeType").text = "Required"
            lxml.etree.SubElement(data, f"{_T}ExcludeConflicts").text = "false"
        return set_xml_value(payload, free_busy_view_options, version=version)

    def _get_elements_in_response(self, response: Any) -> Iterator[Any]:
        messages = list(response)
        # The answer is read off the network's path (see send_batch), but a throttled one
        # stops the refresh here, before another request is sent.
        for message in messages:
            code = message.findtext(_CODE)
            if code == "ErrorServerBusy":
                raise _server_busy(message)
            if code in _THROTTLING_CODES:
                self._get_element_container(message=message.find(f"{{{MNS}}}ResponseMessage"))
        for message in messages:
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

    def _elem_to_obj(self, elem: Any) -> View:
        when = self._times
        events = []
        array = elem.find(_EVENTS)
        for item in array if array is not None else ():
            start = end = subject = location = None
            kind = "Busy"
            private = False
            for child in item:
                tag = child.tag
                if tag == _START:
                    start = when[child.text] if child.text in when else self._when(child.text)
                elif tag == _END:
                    end = when[child.text] if child.text in when else self._when(child.text)
                elif tag == _BUSY:
                    kind = (child.text or "Busy").strip()
                elif tag == _DETAILS:
                    for detail in child:
                        if detail.tag == _SUBJECT:
                            subject = detail.text or None
                        elif detail.tag == _LOCATION:
                            location = detail.text or None
                        elif detail.tag == _PRIVATE:
                            private = (detail.text or "").strip().lower() in ("true", "1")
            if start is None or end is None:
                continue
            busy = BUSY_TYPES.get(kind)
            if busy is None:
                logger.warning("Unknown busy type {!r} in a free/busy answer", kind)
                busy = BusyType.NO_DATA
            events.append(Event(start, max(start, end), busy, subject, location, private))
        events.sort(key=lambda e: (e.start, e.end))
        view_type = (elem.findtext(f"{_T}FreeBusyViewType") or "None").strip()
        return View(view_type, tuple(events))


def _server_busy(message: Any) -> ErrorServerBusy:
    """A mailbox's ErrorServerBusy with the back-off its MessageXml asks for (exchangelib
    reads BackOffMilliseconds only from a SOAP fault)."""
    reply = message.find(f"{{{MNS}}}ResponseMessage")
    text = (reply.findtext(f"{{{MNS}}}MessageText") or "").strip() if reply is not None else ""
    back_off = None
    for value in message.iter(f"{_T}Value"):
        if value.get("Name") == "BackOffMilliseconds":
            try:
                back_off = max(0.0, float((value.text or "").strip())) / 1000
            except ValueError:
                back_off = None
    return ErrorServerBusy(text or "The server is busy.", back_off=back_off)


def _when(text: str | None, zone: ZoneInfo) -> datetime | None:
    """An EWS time: local wall-clock time in the request's zone, or with an offset."""
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        logger.warning("Unreadable time {!r} in a free/busy answer", text)
        value = None
    if value is None:
        return None
    return value.replace(tzinfo=zone) if value.tzinfo is None else value.astimezone(zone)


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
    return send_batch(protocol, batch, window, zone, ews_zone)()


def send_batch(
    protocol: Any, batch: Sequence[Mailbox], window: Window, zone: ZoneInfo, ews_zone: EWSTimeZone
) -> Callable[[], list[Availability]]:
    """The round trip of :func:`fetch_batch`; returns the reading of its answer, to be done
    while the next requests are on the network (it raises what reading raises)."""
    start = EWSDateTime.from_datetime(window.start.astimezone(zone))
    end = EWSDateTime.from_datetime(window.end.astimezone(zone))
    service = AvailabilityService(protocol=protocol)
    service.zone = zone
    found = iter(
        service.call(
            tzinfo=ews_zone,
            mailbox_data=[m.address for m in batch],
            timezone=request_timezone(zone, start.year),
            free_busy_view_options=FreeBusyViewOptions(
                time_window=TimeWindow(start=start, end=end),
                merged_free_busy_interval=30,
                requested_view="Detailed",
            ),
        )
    )
    head = list(itertools.islice(found, 1))  # sends, and reads the envelope and faults

    def read() -> list[Availability]:
        answers = [*head, *found]
        if len(answers) != len(batch):
            raise BadResponse(
                f"Exchange answered {len(answers)} free/busy results for {len(batch)} mailboxes.",
                hint="The server is failing; the log file has the details.",
            )
        return [to_availability(m, answer) for m, answer in zip(batch, answers, strict=True)]

    return read


def to_availability(mailbox: Mailbox, answer: View | Exception | None) -> Availability:
    """A View (or a per-mailbox exception) as the domain's Availability."""
    if isinstance(answer, Exception):
        code = type(answer).__name__
        message = str(answer).strip() or code
        return Availability.failed(mailbox, code, message)
    if not isinstance(answer, View):  # a response message without a FreeBusyView
        return Availability.failed(
            mailbox, "NoData", "Exchange sent no free/busy view for this mailbox."
        )
    if answer.view_type == "None":
        return Availability.failed(mailbox, "NoData", "Exchange has no free/busy for this mailbox.")
    return Availability(mailbox, answer.events)


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
