"""What the fake Exchange knows: mailboxes, their calendars, room lists, versions, and faults.

Calendar data is defined with timezone-aware datetimes and kept in UTC; the server converts to
the requester's time zone when it answers, as Exchange does.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime

BUSY_TYPES = ("Free", "Tentative", "Busy", "OOF", "WorkingElsewhere", "NoData")
#: MergedFreeBusy digits, by LegacyFreeBusyType.
MERGED_DIGIT = {"Free": "0", "Tentative": "1", "Busy": "2", "OOF": "3", "WorkingElsewhere": "4"}
#: Which busy type wins where events overlap (INTERFACES.md: oof > busy > tentative > elsewhere).
STRENGTH = {"Free": 0, "WorkingElsewhere": 1, "Tentative": 2, "Busy": 3, "OOF": 4}

#: API version name -> (MajorVersion, MinorVersion, MajorBuildNumber, MinorBuildNumber).
SERVER_BUILDS = {
    "Exchange2007": (8, 0, 685, 24),
    "Exchange2007_SP1": (8, 1, 240, 6),
    "Exchange2010": (14, 0, 639, 21),
    "Exchange2010_SP1": (14, 1, 218, 15),
    "Exchange2010_SP2": (14, 2, 247, 5),
    "Exchange2013": (15, 0, 516, 32),
    "Exchange2013_SP1": (15, 0, 847, 32),
    "Exchange2016": (15, 1, 225, 42),
}
#: t:ExchangeVersionType (types.xsd), oldest first.
REQUEST_VERSIONS = (
    "Exchange2007",
    "Exchange2007_SP1",
    "Exchange2009",
    "Exchange2010",
    "Exchange2010_SP1",
    "Exchange2010_SP2",
    "Exchange2012",
    "Exchange2013",
    "Exchange2013_SP1",
    "Exchange2015",
    "Exchange2016",
    "V2015_10_05",
    "V2016_01_06",
    "V2016_04_13",
    "V2016_07_13",
    "V2016_10_10",
    "V2017_01_07",
    "V2017_04_14",
    "V2017_07_11",
)
LEGACY_2007 = ("Exchange2007", "Exchange2007_SP1")
#: Operations that a 2007 server's schema does not have.
NOT_IN_2007 = ("GetRoomLists", "GetRooms", "GetServerTimeZones", "GetMailTips")

_ids = itertools.count(1)


def _utc(value: datetime, what: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got naive {value!r}")
    return value.astimezone(UTC)


@dataclass
class FakeEvent:
    """One calendar event of a mailbox (times are aware; stored in UTC)."""

    start: datetime
    end: datetime
    busy_type: str = "Busy"
    subject: str | None = None
    location: str | None = None
    is_private: bool = False
    #: Send the subject and location of a private item anyway, as Exchange does for a delegate
    #: allowed to see private items: the client must still not show them.
    discloses_private: bool = False
    is_meeting: bool = True
    is_recurring: bool = False
    is_exception: bool = False
    is_reminder_set: bool = False
    id: str = field(default_factory=lambda: f"AAMkAGFake{next(_ids):06d}")

    def __post_init__(self) -> None:
        self.start = _utc(self.start, "FakeEvent.start")
        self.end = _utc(self.end, "FakeEvent.end")
        if self.end <= self.start:
            raise ValueError("FakeEvent.end must be after start")
        if self.busy_type not in BUSY_TYPES:
            raise ValueError(f"busy_type must be one of {BUSY_TYPES}")


@dataclass
class FakeMailbox:
    """A directory entry with a calendar.

    ``access``: what the caller may see of the calendar — ``"details"`` (times and
    subject/location), ``"freebusy"`` (times only), or ``"none"`` (every free/busy request for
    it fails with ``ErrorNoFreeBusyAccess``).
    """

    address: str
    name: str = ""
    events: list[FakeEvent] = field(default_factory=list)
    access: str = "details"
    mailbox_type: str = "Mailbox"
    working_time_zone: str = "W. Europe Standard Time"
    working_days: tuple[str, ...] = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
    working_start_minutes: int = 8 * 60
    working_end_minutes: int = 17 * 60
    #: The automatic reply (HTML, as Exchange keeps it; "" when off) and its schedule.
    auto_reply: str = ""
    auto_reply_window: tuple[datetime, datetime] | None = None
    #: What the directory holds of the person, as ResolveNames with ReturnFullContactData
    #: reports it in its Contact element ("" = the field is empty in Active Directory).
    phone: str = ""
    mobile: str = ""
    department: str = ""
    job_title: str = ""
    #: More PhoneNumbers entries by key (HomePhone, Pager, BusinessMobile…), sent as given.
    phones: dict[str, str] = field(default_factory=dict)
    #: Exchange lists the usual keys with empty entries where the directory has no number;
    #: False sends only the numbers there are (and no PhoneNumbers element without any).
    empty_phone_entries: bool = True
    #: False: the resolution carries no Contact element at all (a public folder, a contact
    #: the server cannot expand), as the schema allows.
    contact: bool = True

    def __post_init__(self) -> None:
        if self.access not in ("details", "freebusy", "none"):
            raise ValueError("access must be 'details', 'freebusy' or 'none'")
        self.name = self.name or self.address.split("@")[0]


@dataclass
class FakeRoomList:
    address: str
    name: str
    rooms: list[str] = field(default_factory=list)  # addresses of FakeMailbox entries


@dataclass(frozen=True)
class Fault:
    """A deliberate failure for the next request(s). Build with the class methods."""

    kind: str
    back_off_ms: int = 0
    retry_after: int | None = None
    seconds: float = 0.0
    operation: str | None = None  # only requests of this EWS operation consume the fault
    status: int = 200
    body: bytes = b""

    @classmethod
    def server_busy(cls, back_off_ms: int = 30_000, **kw: object) -> Fault:
        """SOAP fault ``ErrorServerBusy`` with ``BackOffMilliseconds`` in ``MessageXml``."""
        return cls("server_busy", back_off_ms=back_off_ms, **kw)  # type: ignore[arg-type]

    @classmethod
    def http_503(cls, retry_after: int | None = 30, **kw: object) -> Fault:
        return cls("http_503", retry_after=retry_after, **kw)  # type: ignore[arg-type]

    @classmethod
    def http_429(cls, retry_after: int | None = 30, **kw: object) -> Fault:
        return cls("http_429", retry_after=retry_after, **kw)  # type: ignore[arg-type]

    @classmethod
    def exceeded_connection_count(cls, **kw: object) -> Fault:
        return cls("exceeded_connection_count", **kw)  # type: ignore[arg-type]

    @classmethod
    def hang(cls, seconds: float = 30.0, **kw: object) -> Fault:
        """No answer for *seconds* (or until the server stops), then the connection drops."""
        return cls("hang", seconds=seconds, **kw)  # type: ignore[arg-type]

    @classmethod
    def delay(cls, seconds: float, **kw: object) -> Fault:
        """Answer normally, *seconds* late."""
        return cls("delay", seconds=seconds, **kw)  # type: ignore[arg-type]

    @classmethod
    def truncated_xml(cls, **kw: object) -> Fault:
        """HTTP 200 whose XML body stops halfway (Content-Length matches what is sent)."""
        return cls("truncated_xml", **kw)  # type: ignore[arg-type]

    @classmethod
    def dropped_connection(cls, **kw: object) -> Fault:
        """Headers announce the full body, half is sent, then the connection drops."""
        return cls("dropped_connection", **kw)  # type: ignore[arg-type]

    @classmethod
    def malformed_xml(cls, **kw: object) -> Fault:
        """HTTP 200, ``text/xml``, but the body is not XML at all."""
        return cls("malformed_xml", **kw)  # type: ignore[arg-type]

    @classmethod
    def raw(cls, body: bytes, status: int = 200, **kw: object) -> Fault:
        """HTTP ``status``, ``text/xml``, with exactly ``body`` (garbage, cut or odd XML)."""
        return cls("raw", status=status, body=body, **kw)  # type: ignore[arg-type]

    @classmethod
    def html_500(cls, **kw: object) -> Fault:
        """HTTP 500 with an IIS-style HTML error page."""
        return cls("html_500", **kw)  # type: ignore[arg-type]


@dataclass
class RequestRecord:
    """One entry of :attr:`FakeEWS.request_log`."""

    time: float
    operation: str | None
    mailboxes: int
    auth_scheme: str | None
    username: str | None
    status: int = 0
    fault: str | None = None  # the injected Fault.kind this request consumed
    auth_error: str | None = None  # why authentication failed (401), e.g. "challenge"
    requested_version: str | None = None
    response_code: str | None = None
    body: bytes = b""  # the SOAP request as received (never holds credentials)
