"""The EWS operations the fake answers, each turning a request payload into a response payload.

Response shapes follow Microsoft's EWS reference and are checked against messages.xsd in the
self-tests. Request-level errors are raised as :class:`SoapFault`; per-mailbox errors are part
of the response, as on a real server.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape

from .ews_contact import contact_xml
from .ews_model import MERGED_DIGIT, STRENGTH, FakeEvent, FakeMailbox, FakeRoomList
from .ews_tz import SERVER_TIME_ZONES, UTC_ZONE, SerializableTimeZone

MNS = "http://schemas.microsoft.com/exchange/services/2006/messages"
TNS = "http://schemas.microsoft.com/exchange/services/2006/types"

MAX_AVAILABILITY_MAILBOXES = 100
#: GetUserAvailability answers at most 42 days (Exchange's documented limit).
MAX_AVAILABILITY_WINDOW = timedelta(days=42)
VIEWS = ("MergedOnly", "FreeBusy", "FreeBusyMerged", "Detailed", "DetailedMerged")


class SoapFault(Exception):
    """A request-level EWS error, sent as a SOAP fault with HTTP 500."""

    def __init__(self, code: str, message: str, message_xml: str = "") -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.message_xml = message_xml


@dataclass
class Directory:
    """The data the operations read (owned and mutated by the server and tests)."""

    mailboxes: dict[str, FakeMailbox]  # keyed by lower-cased address
    room_lists: list[FakeRoomList]

    def mailbox(self, address: str) -> FakeMailbox | None:
        return self.mailboxes.get(address.strip().lower())


def _t(tag: str, text: object | None = None) -> str:
    if text is None:
        return f"<t:{tag}/>"
    return f"<t:{tag}>{escape(str(text))}</t:{tag}>"


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _parse_dt(text: str, tz: SerializableTimeZone) -> datetime:
    value = datetime.fromisoformat(text.strip())
    if value.tzinfo is None:  # wall-clock time in the request's time zone
        return tz.to_utc(value)
    return value.astimezone(UTC)


def response_message(code: str = "NoError", text: str = "", xml: str = "") -> str:
    """Body of a ResponseMessageType (messages namespace)."""
    if code == "NoError":
        return "<m:ResponseCode>NoError</m:ResponseCode>"
    out = f"<m:MessageText>{escape(text)}</m:MessageText>" if text else ""
    out += f"<m:ResponseCode>{code}</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>"
    return out + (f"<m:MessageXml>{xml}</m:MessageXml>" if xml else "")


def _email_address(name: str, address: str, mailbox_type: str = "Mailbox") -> str:
    return (
        _t("Name", name)
        + _t("EmailAddress", address)
        + _t("RoutingType", "SMTP")
        + _t("MailboxType", mailbox_type)
    )


# --------------------------------------------------------------------------------------------
# GetUserAvailability
# --------------------------------------------------------------------------------------------
def availability_addresses(payload: ET.Element) -> list[str]:
    return [
        (md.findtext(f"{{{TNS}}}Email/{{{TNS}}}Address") or "").strip()
        for md in payload.iterfind(f"{{{MNS}}}MailboxDataArray/{{{TNS}}}MailboxData")
    ]


def get_user_availability(payload: ET.Element, directory: Directory) -> tuple[str, list[str]]:
    """Return ``(response_payload, per_mailbox_response_codes)``."""
    addresses = availability_addresses(payload)
    if not addresses:
        raise SoapFault("ErrorMailboxDataArrayEmpty", "MailboxDataArray is empty.")
    if len(addresses) > MAX_AVAILABILITY_MAILBOXES:
        raise SoapFault(
            "ErrorMailboxDataArrayTooBig",
            f"Too many mailboxes in MailboxDataArray: {len(addresses)}; "
            f"the maximum is {MAX_AVAILABILITY_MAILBOXES}.",
            f'<t:Value Name="MaximumMailboxCount">{MAX_AVAILABILITY_MAILBOXES}</t:Value>',
        )
    tz_elem = payload.find(f"{{{TNS}}}TimeZone")
    tz = SerializableTimeZone.from_element(tz_elem) if tz_elem is not None else UTC_ZONE
    options = payload.find(f"{{{TNS}}}FreeBusyViewOptions")
    if options is None:
        raise SoapFault("ErrorInvalidRequest", "Only FreeBusyViewOptions requests are supported.")
    window = options.find(f"{{{TNS}}}TimeWindow")
    assert window is not None  # schema-required
    start = _parse_dt(window.findtext(f"{{{TNS}}}StartTime") or "", tz)
    end = _parse_dt(window.findtext(f"{{{TNS}}}EndTime") or "", tz)
    if end <= start:
        raise SoapFault("ErrorInvalidTimeInterval", "EndTime must be after StartTime.")
    if end - start > MAX_AVAILABILITY_WINDOW:
        raise SoapFault("ErrorTimeIntervalTooBig", "The time window exceeds the allowed maximum.")
    interval = int(options.findtext(f"{{{TNS}}}MergedFreeBusyIntervalInMinutes") or 30)
    if not 5 <= interval <= 1440:
        raise SoapFault(
            "ErrorInvalidMergedFreeBusyInterval",
            "MergedFreeBusyIntervalInMinutes must be between 5 and 1440.",
        )
    view = (options.findtext(f"{{{TNS}}}RequestedView") or "FreeBusy").strip()
    if view not in VIEWS:
        raise SoapFault("ErrorInvalidFreeBusyViewType", f"Unsupported RequestedView {view!r}.")

    parts, codes = [], []
    for address in addresses:
        mailbox = directory.mailbox(address)
        if mailbox is None:
            code = "ErrorMailRecipientNotFound"
            text = (
                f"Unable to resolve e-mail address {address} to an Active Directory object., "
                "Microsoft.Exchange.InfoWorker.Common.Availability.MailRecipientNotFoundException"
            )
            body = _error_view(code, text)
        elif mailbox.access == "none":
            code = "ErrorNoFreeBusyAccess"
            text = (
                "Microsoft.Exchange.InfoWorker.Common.Availability.NoFreeBusyAccessException: "
                f"No free/busy access to {address}."
            )
            body = _error_view(code, text)
        else:
            code = "NoError"
            body = (
                f'<m:ResponseMessage ResponseClass="Success">{response_message()}'
                f"</m:ResponseMessage>"
                f"{_free_busy_view(mailbox, view, start, end, interval, tz)}"
            )
        codes.append(code)
        parts.append(f"<m:FreeBusyResponse>{body}</m:FreeBusyResponse>")
    xml = (
        "<m:GetUserAvailabilityResponse>"
        f"<m:FreeBusyResponseArray>{''.join(parts)}</m:FreeBusyResponseArray>"
        "</m:GetUserAvailabilityResponse>"
    )
    return xml, codes


def _error_view(code: str, text: str) -> str:
    return (
        f'<m:ResponseMessage ResponseClass="Error">{response_message(code, text)}'
        "</m:ResponseMessage>"
        "<m:FreeBusyView><t:FreeBusyViewType>None</t:FreeBusyViewType></m:FreeBusyView>"
    )


def _overlapping(mailbox: FakeMailbox, start: datetime, end: datetime) -> list[FakeEvent]:
    events = [e for e in mailbox.events if e.start < end and e.end > start]
    return sorted(events, key=lambda e: (e.start, e.end))


def merged_free_busy(events: list[FakeEvent], start: datetime, end: datetime, minutes: int) -> str:
    slots = math.ceil((end - start) / timedelta(minutes=minutes))
    out = []
    for i in range(slots):
        s = start + timedelta(minutes=minutes * i)
        e = s + timedelta(minutes=minutes)
        busy = [ev.busy_type for ev in events if ev.start < e and ev.end > s]
        known = [b for b in busy if b in STRENGTH]
        if known:
            out.append(MERGED_DIGIT[max(known, key=STRENGTH.__getitem__)])
        else:
            out.append("5" if busy else "0")  # only NoData events -> 5 (NoData)
    return "".join(out)


def _free_busy_view(
    mailbox: FakeMailbox,
    requested: str,
    start: datetime,
    end: datetime,
    interval: int,
    tz: SerializableTimeZone,
) -> str:
    view = requested
    if mailbox.access == "freebusy" and view.startswith("Detailed"):
        view = view.replace("Detailed", "FreeBusy")  # downgraded, as Exchange does
    events = _overlapping(mailbox, start, end)
    out = [_t("FreeBusyViewType", view)]
    if view.endswith("Merged") or view == "MergedOnly":
        out.append(_t("MergedFreeBusy", merged_free_busy(events, start, end, interval)))
    if view != "MergedOnly":
        out.append("<t:CalendarEventArray>")
        for ev in events:
            out.append(_calendar_event(ev, tz, detailed=view.startswith("Detailed")))
        out.append("</t:CalendarEventArray>")
    out.append(_working_hours(mailbox))
    return f"<m:FreeBusyView>{''.join(out)}</m:FreeBusyView>"


def _calendar_event(ev: FakeEvent, tz: SerializableTimeZone, *, detailed: bool) -> str:
    fmt = "%Y-%m-%dT%H:%M:%S"  # local wall-clock time, no offset: what Exchange sends
    out = (
        _t("StartTime", tz.to_local(ev.start).strftime(fmt))
        + _t("EndTime", tz.to_local(ev.end).strftime(fmt))
        + _t("BusyType", ev.busy_type)
    )
    if detailed:
        details = _t("ID", ev.id)
        if not ev.is_private or ev.discloses_private:
            if ev.subject is not None:
                details += _t("Subject", ev.subject)
            if ev.location is not None:
                details += _t("Location", ev.location)
        details += (
            _t("IsMeeting", _bool(ev.is_meeting))
            + _t("IsRecurring", _bool(ev.is_recurring))
            + _t("IsException", _bool(ev.is_exception))
            + _t("IsReminderSet", _bool(ev.is_reminder_set))
            + _t("IsPrivate", _bool(ev.is_private))
        )
        out += f"<t:CalendarEventDetails>{details}</t:CalendarEventDetails>"
    return f"<t:CalendarEvent>{out}</t:CalendarEvent>"


def _working_hours(mailbox: FakeMailbox) -> str:
    zone = SERVER_TIME_ZONES.get(mailbox.working_time_zone)
    rules = zone.rules if zone else UTC_ZONE
    period = (
        _t("DayOfWeek", " ".join(mailbox.working_days))
        + _t("StartTimeInMinutes", mailbox.working_start_minutes)
        + _t("EndTimeInMinutes", mailbox.working_end_minutes)
    )
    return (
        f"<t:WorkingHours>{rules.to_xml('TimeZone')}"
        f"<t:WorkingPeriodArray><t:WorkingPeriod>{period}</t:WorkingPeriod></t:WorkingPeriodArray>"
        "</t:WorkingHours>"
    )


# --------------------------------------------------------------------------------------------
# Directory operations
# --------------------------------------------------------------------------------------------
def get_room_lists(directory: Directory) -> str:
    lists = "".join(
        f"<t:Address>{_email_address(rl.name, rl.address, 'PublicDL')}</t:Address>"
        for rl in directory.room_lists
    )
    return (
        f'<m:GetRoomListsResponse ResponseClass="Success">{response_message()}'
        f"<m:RoomLists>{lists}</m:RoomLists></m:GetRoomListsResponse>"
    )


def get_rooms(payload: ET.Element, directory: Directory) -> tuple[str, str]:
    address = (payload.findtext(f"{{{MNS}}}RoomList/{{{TNS}}}EmailAddress") or "").strip()
    room_list = next(
        (rl for rl in directory.room_lists if rl.address.lower() == address.lower()), None
    )
    if room_list is None or not room_list.rooms:
        # Exchange answers a room list without rooms as it answers an unknown address.
        code = "ErrorNameResolutionNoResults"
        xml = (
            f'<m:GetRoomsResponse ResponseClass="Error">'
            f"{response_message(code, f'No results were found for {address}.')}"
            "</m:GetRoomsResponse>"
        )
        return xml, code
    rooms = []
    for room_address in room_list.rooms:
        mailbox = directory.mailbox(room_address)
        name = mailbox.name if mailbox else room_address
        rooms.append(f"<t:Room><t:Id>{_email_address(name, room_address)}</t:Id></t:Room>")
    xml = (
        f'<m:GetRoomsResponse ResponseClass="Success">{response_message()}'
        f"<m:Rooms>{''.join(rooms)}</m:Rooms></m:GetRoomsResponse>"
    )
    return xml, "NoError"


def resolve_names(payload: ET.Element, directory: Directory) -> tuple[str, str]:
    entry = (payload.findtext(f"{{{MNS}}}UnresolvedEntry") or "").strip()
    full = (payload.get("ReturnFullContactData") or "").strip().lower() in ("true", "1")
    needle = entry.lower().removeprefix("smtp:")
    matches = [
        m
        for m in directory.mailboxes.values()
        if m.address.lower().startswith(needle)
        or m.name.lower().startswith(needle)
        or any(part.startswith(needle) for part in m.name.lower().split())
    ]
    matches.sort(key=lambda m: m.name.lower())
    if not matches:
        code = "ErrorNameResolutionNoResults"
        msg = response_message(code, "No results were found.")
        xml = (
            "<m:ResolveNamesResponse><m:ResponseMessages>"
            f'<m:ResolveNamesResponseMessage ResponseClass="Error">{msg}'
            "</m:ResolveNamesResponseMessage></m:ResponseMessages></m:ResolveNamesResponse>"
        )
        return xml, code
    code = "NoError" if len(matches) == 1 else "ErrorNameResolutionMultipleResults"
    resolutions = "".join(
        f"<t:Resolution><t:Mailbox>{_email_address(m.name, m.address, m.mailbox_type)}"
        f"</t:Mailbox>{contact_xml(m) if full else ''}</t:Resolution>"
        for m in matches[:100]
    )
    text = "Multiple results were found." if code != "NoError" else ""
    response_class = "Success" if code == "NoError" else "Warning"
    set_attrs = (
        f'IndexedPagingOffset="{len(matches[:100])}" TotalItemsInView="{len(matches[:100])}" '
        'IncludesLastItemInRange="true"'
    )
    xml = (
        "<m:ResolveNamesResponse><m:ResponseMessages>"
        f'<m:ResolveNamesResponseMessage ResponseClass="{response_class}">'
        f"{response_message(code, text)}"
        f"<m:ResolutionSet {set_attrs}>{resolutions}</m:ResolutionSet>"
        "</m:ResolveNamesResponseMessage></m:ResponseMessages></m:ResolveNamesResponse>"
    )
    return xml, code


def get_server_time_zones(payload: ET.Element) -> tuple[str, str]:
    full = (payload.get("ReturnFullTimeZoneData") or "true").strip().lower() in ("true", "1")
    ids = [i.text.strip() for i in payload.iterfind(f"{{{MNS}}}Ids/{{{TNS}}}Id") if i.text]
    unknown = [i for i in ids if i not in SERVER_TIME_ZONES]
    if unknown:
        code = "ErrorTimeZone"
        xml = (
            "<m:GetServerTimeZonesResponse><m:ResponseMessages>"
            f'<m:GetServerTimeZonesResponseMessage ResponseClass="Error">'
            f"{response_message(code, f'Unknown time zone id: {unknown[0]}')}"
            "<m:TimeZoneDefinitions/></m:GetServerTimeZonesResponseMessage>"
            "</m:ResponseMessages></m:GetServerTimeZonesResponse>"
        )
        return xml, code
    zones = [SERVER_TIME_ZONES[i] for i in ids] if ids else list(SERVER_TIME_ZONES.values())
    defs = "".join(z.definition_xml(full=full) for z in zones)
    xml = (
        "<m:GetServerTimeZonesResponse><m:ResponseMessages>"
        f'<m:GetServerTimeZonesResponseMessage ResponseClass="Success">{response_message()}'
        f"<m:TimeZoneDefinitions>{defs}</m:TimeZoneDefinitions>"
        "</m:GetServerTimeZonesResponseMessage></m:ResponseMessages>"
        "</m:GetServerTimeZonesResponse>"
    )
    return xml, "NoError"


__all__ = [
    "Directory",
    "SoapFault",
    "get_room_lists",
    "get_rooms",
    "get_server_time_zones",
    "get_user_availability",
    "merged_free_busy",
    "resolve_names",
]
