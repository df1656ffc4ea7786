"""``GetUserAvailability``: one request per 100 mailboxes, answers mapped to the domain.

The stock exchangelib service aborts a whole batch when one mailbox answers
``ErrorNoFreeBusyAccess`` and sends ``GetServerTimeZones`` first; :class:`AvailabilityService`
keeps every per-mailbox error as data and takes a time zone built locally
(:mod:`attendant.providers.ews.timezone`). Throttling errors are never per-mailbox data: they
stop the refresh, so that nothing more is sent before the back-off ends.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import lxml.etree
from exchangelib.errors import (
    ErrorExceededConnectionCount,
    ErrorServerBusy,
    ErrorTooManyObjectsOpened,
    TransportError,
)
from exchangelib.services import GetUserAvailability
from exchangelib.util import MNS, TNS, create_element, set_xml_value
from loguru import logger

from attendant.domain import Availability, BusyType, Event, Mailbox
from attendant.providers.errors import BadResponse
from attendant.providers.ews.protocol import SingleAttempt

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
_EVENTS, _EVENT = f"{_T}CalendarEventArray", f"{_T}CalendarEvent"
_START, _END, _BUSY = f"{_T}StartTime", f"{_T}EndTime", f"{_T}BusyType"
_SUBJECT, _LOCATION = f"{_T}Subject", f"{_T}Location"
_PRIVATE, _VIEW_TYPE = f"{_T}IsPrivate", f"{_T}FreeBusyViewType"
_THROTTLING = (ErrorServerBusy, ErrorExceededConnectionCount, ErrorTooManyObjectsOpened)
_THROTTLING_CODES = frozenset(error.__name__ for error in _THROTTLING)
_REPLY, _VIEW = f"{{{MNS}}}ResponseMessage", f"{{{MNS}}}FreeBusyView"
_CODE = f"{_REPLY}/{{{MNS}}}ResponseCode"


class _AnswerIn:
    """The type of :data:`ANSWER_IN`."""


#: What sending yields first when the answer may be read on another thread (see send_batch).
ANSWER_IN = _AnswerIn()

#: Codes that stop a refresh when any mailbox of an answer carries them.
_THROTTLING_BYTES = tuple(code.encode() for code in sorted(_THROTTLING_CODES))


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
        self._received: Any = None  # the answer sent for, not yet read

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

    def wrap(self, content: Any, api_version: str | None = None) -> Any:
        if isinstance(content, bytes):
            return content  # a whole request written by RequestWriter
        return super().wrap(content=content, api_version=api_version)

    def _response_generator(self, payload: Any) -> Iterator[Any]:
        """Send, then yield :data:`ANSWER_IN` before reading unless the answer must be read
        by the thread that sent it, before it sends again: one that is not a plain 200, that
        names a throttling code anywhere (a throttled answer stops the refresh before another
        request goes) or that is cut off (it does not end with the envelope)."""
        version = self._api_versions_to_try()[0]
        received = super()._get_response(payload=payload, api_version=version)
        content = received.content
        if (
            received.status_code == 200
            and content.rstrip().endswith(b"Envelope>")
            and not any(code in content for code in _THROTTLING_BYTES)
        ):
            yield ANSWER_IN
        self._received = received
        yield from super()._response_generator(payload=payload)

    def _get_response(self, payload: Any, api_version: str) -> Any:
        received, self._received = self._received, None
        if received is not None:  # exchangelib reading the answer _response_generator got
            return received
        return super()._get_response(payload=payload, api_version=api_version)

    def _get_elements_in_response(self, response: Any) -> Iterator[Any]:
        messages = list(response)
        codes = [message.findtext(_CODE) for message in messages]
        # The answer is read off the network's path (see send_batch), but a throttled one
        # stops the refresh here, before another request is sent.
        for message, code in zip(messages, codes, strict=True):
            if code == "ErrorServerBusy":
                raise _server_busy(message)
            if code in _THROTTLING_CODES:
                self._get_element_container(message=message.find(_REPLY))
        for message, code in zip(messages, codes, strict=True):
            reply = message.find(_REPLY)
            if code == "NoError" and reply.get("ResponseClass") == "Success":
                yield message.find(_VIEW)  # most mailboxes: no need for the generic checks
                continue
            try:
                found = self._get_element_container(message=reply)
            except _THROTTLING:
                raise
            except TransportError as error:  # this mailbox's error: data, not a failure
                yield error
                continue
            if isinstance(found, Exception):
                yield found
            else:
                yield from self._get_elements_in_container(container=message)

    def _elem_to_obj(self, elem: Any) -> View | _AnswerIn:
        if isinstance(elem, _AnswerIn):
            return elem
        when = self._times
        events = []
        array = elem.find(_EVENTS)
        for item in array.iterchildren(_EVENT) if array is not None else ():
            start = end = subject = location = None
            kind = "Busy"
            private = False
            # Only the elements read, in one pass (Subject, Location and IsPrivate are in
            # the event's CalendarEventDetails).
            for child in item.iter(_START, _END, _BUSY, _SUBJECT, _LOCATION, _PRIVATE):
                tag, text = child.tag, child.text
                if tag == _START:
                    start = when[text] if text in when else self._when(text)
                elif tag == _END:
                    end = when[text] if text in when else self._when(text)
                elif tag == _BUSY:
                    kind = (text or "Busy").strip()
                elif tag == _SUBJECT:
                    subject = text or None
                elif tag == _LOCATION:
                    location = text or None
                else:
                    private = (text or "").strip().lower() in ("true", "1")
            if start is None or end is None:
                continue
            busy = BUSY_TYPES.get(kind)
            if busy is None:
                logger.warning("Unknown busy type {!r} in a free/busy answer", kind)
                busy = BusyType.NO_DATA
            events.append(Event(start, max(start, end), busy, subject, location, private))
        if len(events) > 1:
            events.sort(key=lambda e: (e.start, e.end))
        view_type = (elem.findtext(_VIEW_TYPE) or "None").strip()
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


def send_batch(
    protocol: Any, body: bytes, batch: Sequence[Mailbox], zone: ZoneInfo
) -> Callable[[], list[Availability]]:
    """One GetUserAvailability round trip for ``batch`` (``body``, from RequestWriter); returns
    the reading of its answer, which may be done on another thread while the next requests
    are on the network (it raises what reading raises). Blocking; raises exchangelib errors,
    and a throttled answer raises here."""
    service = AvailabilityService(protocol=protocol)
    service.zone = zone
    found = service._elems_to_objs(service._get_elements(payload=body))
    first = next(found, ANSWER_IN)  # sends; reads now only what must be read now
    head = [] if first is ANSWER_IN else [first]

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
