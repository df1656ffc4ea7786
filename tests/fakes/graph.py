"""A fake Microsoft Graph (v1.0) on loopback HTTPS: getSchedule, places and users.

Enough of Graph for Attendant's ``graph`` provider, behaving as the real service does where
the provider depends on it:

- Bearer tokens are checked with the fake authority's ``valid_access_token`` (401
  ``InvalidAuthenticationToken`` for a missing or expired one) and each endpoint needs its
  permission in the token (403 ``ErrorAccessDenied`` otherwise): getSchedule one of
  Calendars.ReadBasic/Read/ReadWrite, places Place.Read.All, users User.ReadBasic.All/Read.All.
- ``POST /v1.0/me/calendar/getSchedule`` takes at most 20 schedules (400 beyond), reads
  ``startTime``/``endTime`` in any Windows or supported IANA zone, answers in the zone of
  ``Prefer: outlook.timezone`` (UTC without one) with ``dateTime`` local to that zone and
  ``timeZone`` set to its name, an ``availabilityView`` string of digits, ``scheduleItems``
  (subject and location only where the owner shares them and the item is not private), and an
  ``error`` item for an address it cannot resolve.
- ``/v1.0/places/microsoft.graph.roomlist``, ``…/{list}/microsoft.graph.roomlist/rooms`` and
  ``/v1.0/places/microsoft.graph.room`` page with ``@odata.nextLink``.
- ``/v1.0/users`` with ``$search`` (only with ``ConsistencyLevel: eventual``) or
  ``$filter=mail in (…)`` / ``id in (…)`` (at most 15 values, 400 beyond).
- Teams presence (``getPresencesByUserId``) and ``$batch``: see :mod:`.graph_presence`.
- Graph's limit of 4 concurrent requests per mailbox: a fifth in flight gets 429
  ``MailboxConcurrency``. Injected 429/503 with ``Retry-After`` via :meth:`throttle`.

Counters: ``requests_total``, ``routes``, ``max_in_flight``, ``schedule_batches``,
``request_log``. ``latency`` (seconds) delays every Graph answer but injected ones, for
benchmarks and to order concurrent requests in tests.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from urllib.parse import parse_qs, quote, unquote, urlsplit
from zoneinfo import ZoneInfo

from tzlocal.windows_tz import win_tz

from . import graph_presence
from .httpsserver import ConnectionState, LoopbackHTTPSServer, Request, Response

CALENDAR_PERMISSIONS = ("Calendars.ReadBasic", "Calendars.Read", "Calendars.ReadWrite")
PLACE_PERMISSIONS = ("Place.Read.All",)
USER_PERMISSIONS = ("User.ReadBasic.All", "User.Read.All")
FULL_PROFILE_PERMISSIONS = ("User.Read.All", "Directory.Read.All")
#: The user properties User.ReadBasic.All reads; others need User.Read.All.
BASIC_PROPERTIES = ("id", "displayName", "mail", "userPrincipalName", "givenName", "surname")
#: IANA names Graph accepts besides Windows names (a sample of the documented list).
GRAPH_IANA_NAMES = frozenset(
    {
        "Etc/GMT",
        "Europe/London",
        "Europe/Berlin",
        "Europe/Paris",
        "America/New_York",
        "America/Los_Angeles",
        "Asia/Tokyo",
        "Australia/Sydney",
    }
)
_DIGITS = {"free": 0, "workingElsewhere": 0, "tentative": 1, "busy": 2, "oof": 3}


@dataclass
class GraphEvent:
    start: datetime  # aware
    end: datetime
    status: str = "busy"  # free | tentative | busy | oof | workingElsewhere | unknown
    subject: str | None = None
    location: str | None = None
    is_private: bool = False
    #: Send subject and location of a private item anyway (a delegate's view).
    discloses_private: bool = False


@dataclass
class GraphMailbox:
    address: str
    name: str
    events: list[GraphEvent] = field(default_factory=list)
    #: The owner shares subject and location (Exchange Online's default "limited details").
    details: bool = True
    #: A per-schedule error instead of data, e.g. ("ErrorNoFreeBusyAccess", "…").
    error: tuple[str, str] | None = None
    room: dict[str, object] | None = None  # capacity, building, floorNumber, floorLabel
    #: Teams presence: (availability, activity) as getPresencesByUserId reports it.
    presence: tuple[str, str] = ("Available", "Available")
    #: The automatic reply (HTML, as Exchange keeps it; "" when off) and its schedule.
    auto_reply: str = ""
    auto_reply_window: tuple[datetime, datetime] | None = None
    #: The user's profile beyond the basic one, as Graph stores it (sent as given, so a test
    #: can put odd types here); Graph returns it only to a token with User.Read.All.
    business_phones: object = field(default_factory=list)
    mobile_phone: object = None
    department: object = None
    job_title: object = None
    id: str = field(default_factory=lambda: str(uuid.uuid4()))


@dataclass
class GraphRecord:
    method: str
    path: str
    status: int = 0
    prefer: str = ""
    schedules: int = 0


def _error(
    status: int, code: str, message: str, headers: list[tuple[str, str]] | None = None
) -> Response:
    body = {
        "error": {
            "code": code,
            "message": message,
            "innerError": {"request-id": str(uuid.uuid4()), "date": _now_text()},
        }
    }
    all_headers = [("Content-Type", "application/json"), *(headers or [])]
    return Response(status, all_headers, json.dumps(body).encode())


def _now_text() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def graph_zone(name: str) -> tzinfo | None:
    """The zone Graph means by ``name`` (a Windows name, a supported IANA name or UTC)."""
    if name in ("UTC", "tzone://Microsoft/Utc", "Etc/UTC"):
        return UTC
    if name in win_tz:
        return ZoneInfo(win_tz[name])
    if name in GRAPH_IANA_NAMES:
        return ZoneInfo(name)
    return None


class FakeGraph(LoopbackHTTPSServer):
    """The fake Graph; ``token_validator`` is ``FakeEntraAuthority.valid_access_token``.

    Scopes are checked as ``{scope_base}/{permission}``; ``scope_base`` defaults to this
    server's own URL, which is what a client derives from ``graph_url``.
    """

    def __init__(
        self,
        *,
        token_validator: Callable[[str, str | None], bool],
        latency: float = 0.0,
        page_size: int = 100,
        concurrency_limit: int | None = 4,
        max_schedules: int = 20,
        trusted: bool = True,
    ) -> None:
        super().__init__(trusted=trusted)
        self.token_validator = token_validator
        self.latency = latency
        self.page_size = page_size
        self.concurrency_limit = concurrency_limit
        self.max_schedules = max_schedules
        self.mailboxes: dict[str, GraphMailbox] = {}
        self.room_lists: dict[str, tuple[str, list[str], str]] = {}  # key -> (name, rooms, id)
        self._injected: list[Response] = []
        self._lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0
        self.requests_total = 0
        self.routes: Counter[str] = Counter()
        self._refused: dict[str, Response] = {}
        self.schedule_batches: list[list[str]] = []
        #: (startTime, endTime) of each getSchedule, as sent.
        self.schedule_windows: list[tuple[str, str]] = []
        self.request_log: list[GraphRecord] = []
        #: Answer 401 "Unauthorized" to presence with a token that works everywhere else.
        self.presence_unauthorized = False
        self.presence_batches: list[int] = []
        self.batch_sizes: list[int] = []
        self.filter_values: list[int] = []
        self.mail_tips_asked: list[list[str]] = []
        #: Without User.Read.All: "null" sends the fuller profile's fields as null, "omit"
        #: leaves them out.
        self.basic_profile = "null"

    def start(self) -> FakeGraph:
        super().start()
        assert self._server is not None
        return self

    @property
    def scope_base(self) -> str:
        return self.base_url

    # -- directory -------------------------------------------------------------------------
    def add_mailbox(self, address: str, name: str = "", **kwargs: object) -> GraphMailbox:
        box = GraphMailbox(address, name or address.split("@")[0], **kwargs)  # type: ignore[arg-type]
        self.mailboxes[address.casefold()] = box
        return box

    def add_room(
        self,
        address: str,
        name: str,
        *,
        capacity: int | str | None = None,  # some tenants send a numeric string
        building: str | None = None,
        floor: int | None = None,
        floor_label: str | None = None,
        **kwargs: object,
    ) -> GraphMailbox:
        room = {
            "capacity": capacity,
            "building": building,
            "floorNumber": floor,
            "floorLabel": floor_label,
        }
        return self.add_mailbox(address, name, room=room, **kwargs)

    def add_room_list(self, address: str, name: str, rooms: list[str]) -> None:
        self.room_lists[address.casefold()] = (name, list(rooms), str(uuid.uuid4()))
        self.mailboxes.setdefault(address.casefold(), GraphMailbox(address, name))

    def throttle(self, count: int = 1, retry_after: int = 30, status: int = 429) -> None:
        """The next ``count`` Graph requests get ``status`` with ``Retry-After``."""
        code = "TooManyRequests" if status == 429 else "ServiceUnavailable"
        response = _error(status, code, "Too many requests.", [("Retry-After", str(retry_after))])
        with self._lock:
            self._injected.extend([response] * count)

    def refuse(self, route: str, status: int, code: str, message: str) -> None:
        """Every request to ``route`` ("users", "places", "getSchedule", "presence") gets
        this error."""
        with self._lock:
            self._refused[route] = _error(status, code, message)

    def inject(self, response: Response, count: int = 1) -> None:
        with self._lock:
            self._injected.extend([response] * count)

    # -- HTTP --------------------------------------------------------------------------------
    def handle_request(self, request: Request, conn: ConnectionState) -> Response:
        record = GraphRecord(request.method, request.path, prefer=request.header("prefer"))
        with self._lock:
            self.requests_total += 1
            self.request_log.append(record)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            crowded = self.concurrency_limit is not None and self.in_flight > self.concurrency_limit
            injected = self._injected.pop(0) if self._injected else None
        try:
            if self.latency and injected is None:  # injected answers come at once
                time.sleep(self.latency)
            if injected is not None:
                response = injected
            elif crowded:
                response = _error(
                    429,
                    "ApplicationThrottled",
                    "Application is over its MailboxConcurrency limit.",
                    [("Retry-After", "1")],
                )
            else:
                response = self._route(request, record)
        finally:
            with self._lock:
                self.in_flight -= 1
        record.status = response.status
        return response

    def _route(self, request: Request, record: GraphRecord) -> Response:
        parts = urlsplit(request.path)
        path = unquote(parts.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        auth = request.header("authorization")
        token = auth[7:] if auth[:7].lower() == "bearer " else ""
        if not token or not self.token_validator(token, None):
            return _error(
                401,
                "InvalidAuthenticationToken",
                "Access token has expired or is not yet valid.",
                [("WWW-Authenticate", 'Bearer realm="", error="invalid_token"')],
            )

        def allowed(permissions: tuple[str, ...]) -> bool:
            return any(self.token_validator(token, f"{self.scope_base}/{p}") for p in permissions)

        denied = _error(
            403, "ErrorAccessDenied", "Access is denied. Check credentials and try again."
        )
        if request.method == "POST" and path.casefold() == "/v1.0/me/calendar/getschedule":
            self.routes["getSchedule"] += 1
            if "getSchedule" in self._refused:
                return self._refused["getSchedule"]
            if not allowed(CALENDAR_PERMISSIONS):
                return denied
            return self._get_schedule(request, record)
        if request.method == "GET" and path.startswith("/v1.0/places/"):
            self.routes["places"] += 1
            if "places" in self._refused:
                return self._refused["places"]
            if not allowed(PLACE_PERMISSIONS):
                return denied
            return self._places(path[len("/v1.0/places/") :], query)
        if request.method == "GET" and path == "/v1.0/users":
            self.routes["users"] += 1
            if "users" in self._refused:
                return self._refused["users"]
            if not allowed(USER_PERMISSIONS):
                return denied
            return self._users(request, query, full=allowed(FULL_PROFILE_PERMISSIONS))
        if request.method == "POST" and path == "/v1.0/communications/getPresencesByUserId":
            self.routes["presence"] += 1
            if "presence" in self._refused:
                return self._refused["presence"]
            if not allowed(graph_presence.PRESENCE_PERMISSIONS):
                return denied
            return graph_presence.presences(self, request)
        if request.method == "POST" and path.casefold() == "/v1.0/me/getmailtips":
            self.routes["mailTips"] += 1
            if not allowed(graph_presence.MAIL_PERMISSIONS):
                return denied
            return graph_presence.mail_tips(self, request)
        if request.method == "POST" and path == "/v1.0/$batch":
            self.routes["batch"] += 1
            return graph_presence.batch(self, request, record)
        return _error(404, "ResourceNotFound", f"Resource not found for the segment '{path}'.")

    def _json(self, payload: dict[str, object]) -> Response:
        headers = [("Content-Type", "application/json;odata.metadata=minimal;charset=utf-8")]
        return Response(200, headers, json.dumps(payload).encode())

    # -- getSchedule ---------------------------------------------------------------------------
    def _get_schedule(self, request: Request, record: GraphRecord) -> Response:
        try:
            body = json.loads(request.body)
            schedules = [str(s) for s in body["schedules"]]
            start = self._instant(body["startTime"])
            end = self._instant(body["endTime"])
            interval = int(body.get("availabilityViewInterval") or 30)
        except (ValueError, KeyError, TypeError) as exc:
            return _error(400, "RequestBodyRead", f"Invalid request body: {exc}")
        record.schedules = len(schedules)
        if len(schedules) > self.max_schedules:
            return _error(
                400,
                "ErrorInvalidParameter",
                f"The number of schedules exceeds the limit of {self.max_schedules}.",
            )
        if not 5 <= interval <= 1440 or end <= start:
            return _error(400, "ErrorInvalidParameter", "Invalid time window or interval.")
        if end - start > timedelta(days=62):  # Graph's documented limit
            return _error(400, "ErrorInvalidParameter", "The time window exceeds 62 days.")
        with self._lock:
            self.schedule_batches.append(schedules)
            self.schedule_windows.append(
                (str(body["startTime"]["dateTime"])[:19], str(body["endTime"]["dateTime"])[:19])
            )
        match = re.search(r'outlook\.timezone="([^"]*)"', request.header("prefer"))
        zone_name = match.group(1) if match else "UTC"
        zone = graph_zone(zone_name)
        if zone is None:
            zone, zone_name = UTC, "UTC"
        values = [self._schedule(s, start, end, interval, zone, zone_name) for s in schedules]
        return self._json(
            {
                "@odata.context": "https://graph.microsoft.com/v1.0/$metadata"
                "#Collection(microsoft.graph.scheduleInformation)",
                "value": values,
            }
        )

    @staticmethod
    def _instant(value: dict[str, str]) -> datetime:
        zone = graph_zone(value["timeZone"])
        if zone is None:
            raise ValueError(f"time zone {value['timeZone']!r} is not supported")
        return datetime.fromisoformat(value["dateTime"][:19]).replace(tzinfo=zone)

    def _schedule(
        self,
        address: str,
        start: datetime,
        end: datetime,
        interval: int,
        zone: tzinfo,
        zone_name: str,
    ) -> dict[str, object]:
        box = self.mailboxes.get(address.casefold())
        if box is None:
            message = f"Unable to resolve e-mail address {address} to an Active Directory object."
            return {"scheduleId": address, "error": {"message": message, "responseCode": "5009"}}
        if box.error is not None:
            return {
                "scheduleId": address,
                "availabilityView": "",
                "error": {"responseCode": box.error[0], "message": box.error[1]},
                "scheduleItems": [],
            }
        events = sorted(
            (e for e in box.events if e.start < end and e.end > start), key=lambda e: e.start
        )

        def local(moment: datetime) -> dict[str, str]:
            text = moment.astimezone(zone).strftime("%Y-%m-%dT%H:%M:%S.0000000")
            return {"dateTime": text, "timeZone": zone_name}

        items: list[dict[str, object]] = []
        for event in events:
            item: dict[str, object] = {"isPrivate": event.is_private, "status": event.status}
            if box.details and (not event.is_private or event.discloses_private):
                item.update(subject=event.subject or "", location=event.location or "")
            item.update(start=local(event.start), end=local(event.end))
            items.append(item)
        # In whole seconds from the start: cheap enough for a thousand schedules a second.
        step = interval * 60
        slots = [0] * -(-int((end - start).total_seconds()) // step)
        for e in events:
            first = max(0, int((e.start - start).total_seconds()))
            last = min(len(slots) * step, int((e.end - start).total_seconds()))
            for index in range(first // step, -(-last // step)):
                slots[index] = max(slots[index], _DIGITS.get(e.status, 0))
        view = [str(digit) for digit in slots]
        return {
            "scheduleId": address,
            "availabilityView": "".join(view),
            "scheduleItems": items,
            "workingHours": {
                "daysOfWeek": ["monday", "tuesday", "wednesday", "thursday", "friday"],
                "startTime": "08:00:00.0000000",
                "endTime": "17:00:00.0000000",
                "timeZone": {"name": zone_name},
            },
        }

    # -- places ----------------------------------------------------------------------------------
    def _places(self, rest: str, query: dict[str, str]) -> Response:
        if rest == "microsoft.graph.roomlist":
            lists = [
                {
                    "id": list_id,
                    "displayName": name,
                    "emailAddress": self.mailboxes[key].address,
                    "phone": None,
                    "address": None,
                    "geoCoordinates": None,
                }
                for key, (name, _, list_id) in self.room_lists.items()
            ]
            return self._page(lists, f"places/{rest}", query)
        if rest == "microsoft.graph.room":
            rooms = [self._room(b) for b in self.mailboxes.values() if b.room is not None]
            return self._page(rooms, f"places/{rest}", query)
        match = re.fullmatch(r"([^/]+)/microsoft\.graph\.roomlist/rooms", rest)
        if match:
            entry = self.room_lists.get(match.group(1).casefold())
            if entry is None:
                return _error(404, "ErrorItemNotFound", "The specified object was not found.")
            rooms = [self._room(self.mailboxes[a.casefold()]) for a in entry[1]]
            return self._page(
                rooms, f"places/{quote(match.group(1))}/{rest.split('/', 1)[1]}", query
            )
        return _error(400, "BadRequest", f"Unsupported places segment '{rest}'.")

    @staticmethod
    def _room(box: GraphMailbox) -> dict[str, object]:
        room = dict(box.room or {})
        return {
            "id": box.id,
            "emailAddress": box.address,
            "displayName": box.name,
            "nickname": box.name,
            "bookingType": "standard",
            "isWheelChairAccessible": False,
            "tags": [],
            "audioDeviceName": None,
            "displayDeviceName": None,
            **room,
        }

    def _page(self, items: list[dict[str, object]], path: str, query: dict[str, str]) -> Response:
        top = min(int(query.get("$top", self.page_size)), self.page_size)
        skip = int(query.get("$skiptoken", "0"))
        payload: dict[str, object] = {"value": items[skip : skip + top]}
        if skip + top < len(items):
            payload["@odata.nextLink"] = (
                f"{self.base_url}/v1.0/{path}?$top={top}&$skiptoken={skip + top}"
            )
        return self._json(payload)

    # -- users --------------------------------------------------------------------------------
    def _users(self, request: Request, query: dict[str, str], *, full: bool) -> Response:
        people = [b for b in self.mailboxes.values() if b.address.casefold() not in self.room_lists]
        if "$search" in query:
            if request.header("consistencylevel").lower() != "eventual":
                return _error(
                    400,
                    "Request_UnsupportedQuery",
                    "Request with $search query parameter only works through MSGraph "
                    "with a special request header: 'ConsistencyLevel: eventual'",
                )
            terms = re.findall(r'"(\w+):([^"]*)"', query["$search"])
            if not terms:
                return _error(400, "Request_BadRequest", "Invalid $search expression.")

            def hit(box: GraphMailbox) -> bool:
                # Graph tokenizes both sides: every word searched must start a word of the field.
                fields = {"displayName": box.name, "mail": box.address}
                for name, value in terms:
                    words = [w.casefold() for w in re.split(r"[\s.@]", fields.get(name, "")) if w]
                    wanted = value.casefold().split()
                    if wanted and all(any(w.startswith(t) for w in words) for t in wanted):
                        return True
                return False

            people = [b for b in people if hit(b)]
        elif "$filter" in query:
            values = re.findall(r"'([^']*)'", query["$filter"])
            if len(values) > 15:
                return _error(
                    400,
                    "Request_UnsupportedQuery",
                    "Too many child clauses specified in search filter expression containing "
                    "'OR' operators: 16. Max allowed: 15.",
                )
            with self._lock:
                self.filter_values.append(len(values))
            wanted = {a.casefold() for a in values}
            by_id = query["$filter"].lstrip("(").startswith("id ")
            people = [b for b in people if (b.id if by_id else b.address).casefold() in wanted]
        top = int(query.get("$top", "100"))
        selected = [p for p in query.get("$select", "").split(",") if p] or list(BASIC_PROPERTIES)
        value = []
        for box in people[:top]:
            profile: dict[str, object] = {
                "id": box.id,
                "displayName": box.name,
                "mail": box.address,
                "userPrincipalName": box.address,
                "businessPhones": box.business_phones,
                "mobilePhone": box.mobile_phone,
                "department": box.department,
                "jobTitle": box.job_title,
            }
            user: dict[str, object] = {}
            for name in selected:
                if name in BASIC_PROPERTIES or full:
                    user[name] = profile.get(name)
                elif self.basic_profile == "null":
                    user[name] = [] if name == "businessPhones" else None
            value.append(user)
        return self._json({"value": value})
