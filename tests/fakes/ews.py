"""A fake Exchange Web Services endpoint that speaks SOAP 1.1 over loopback HTTPS.

Real clients (exchangelib over requests, requests_ntlm) talk to it exactly as to Exchange:
``POST /EWS/Exchange.asmx`` with Basic, NTLM or Bearer authentication, requests validated
against Microsoft's messages.xsd/types.xsd, answers in Exchange's shapes, and throttling or
broken responses injected on demand. Counters and a request log let tests assert what the
program sent — e.g. that a rejected password was sent exactly once.

Example::

    with FakeEWS(version="Exchange2013_SP1") as ews:
        ews.add_mailbox("alice@contoso.com", "Alice Example",
                        events=[FakeEvent(start, end, "Busy", subject="Budget review")])
        ews.inject(Fault.server_busy(back_off_ms=2000))
        ...  # point the program at ews.url, trusting tls.write_ca_pem(...)
        assert ews.schema_errors == []
"""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from xml.etree import ElementTree as ET

from . import ews_mailtips, ews_ops
from .ews_auth import LOCKED_OUT_HTML, UNAUTHORIZED_HTML, AuthConfig, Authenticator
from .ews_model import (
    LEGACY_2007,
    NOT_IN_2007,
    REQUEST_VERSIONS,
    SERVER_BUILDS,
    FakeEvent,
    FakeMailbox,
    FakeRoomList,
    Fault,
    RequestRecord,
)
from .ews_schema import Validator, find_schema_dir
from .ews_soap import (
    SOAPNS,
    TNS,
    XML_CONTENT_TYPE,
    EnvelopeError,
    ParsedRequest,
    back_off_xml,
    envelope,
    parse_request,
    schema_violation_xml,
    soap_fault,
)
from .httpsserver import ConnectionState, LoopbackHTTPSServer, Request, Response

EWS_PATH = "/EWS/Exchange.asmx"

HTML_500 = (
    b"<!DOCTYPE html><html><head><title>500 - Internal server error.</title></head><body>"
    b"<h2>500 - Internal server error.</h2><h3>There is a problem with the resource you are "
    b"looking for, and it cannot be displayed.</h3></body></html>"
)
HTML_503 = b"<html><body><h1>Service Unavailable</h1><p>HTTP Error 503.</p></body></html>"


class FakeEWS(LoopbackHTTPSServer):
    """The fake server. Configure the directory, start it (``with``), point clients at :attr:`url`.

    Arguments: ``username``/``password`` (the one good account; ``DOMAIN\\user`` form),
    ``version`` (an API version name, e.g. ``"Exchange2007_SP1"``: it sets ServerVersionInfo and
    which operations/RequestServerVersions are refused), ``auth`` (any of ``"basic"``,
    ``"ntlm"``, ``"bearer"``), ``bearer_validator`` (token -> bool, e.g.
    ``FakeEntraAuthority.valid_access_token``), ``lockout_threshold`` (bad passwords before
    the account locks), ``validate``/``validate_responses``/``schema_dir`` (XSD checks),
    ``latency`` (seconds from a request to its answer: the fake's own work is done within
    them, as a server's is within its response time), ``trusted=False`` (certificate from the
    untrusted CA).

    Counters (all read-only for tests): ``requests_total``, ``failed_logons``,
    ``successful_logons``, ``anonymous_requests``, ``locked_out``, ``request_log``
    (:class:`RequestRecord` per HTTP request), ``schema_errors`` (invalid requests),
    ``response_schema_errors`` (the fake's own mistakes), ``version_errors`` (operations or
    versions the configured server version refuses), ``operations`` (count by name).
    """

    def __init__(
        self,
        *,
        username: str = "CONTOSO\\reception",
        password: str = "Corr3ct-Horse",
        version: str = "Exchange2013_SP1",
        auth: Iterable[str] = ("basic",),
        bearer_validator: Callable[[str], bool] | None = None,
        lockout_threshold: int | None = None,
        validate: bool = True,
        validate_responses: bool = True,
        schema_dir: str | Path | None = None,
        realm: str = "mail.contoso.com",
        ntlm_domain: str = "CONTOSO",
        latency: float = 0.0,
        trusted: bool = True,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        super().__init__(ssl_context=ssl_context, trusted=trusted)
        if version not in SERVER_BUILDS:
            raise ValueError(f"version must be one of {sorted(SERVER_BUILDS)}")
        schemes = tuple(a.lower() for a in auth)
        if "bearer" in schemes and bearer_validator is None:
            raise ValueError(
                "auth 'bearer' needs a bearer_validator (e.g. authority.valid_access_token)"
            )
        self.version = version
        self.latency = latency
        #: Say so in the 401 page when the account is locked (IIS with detailed errors does;
        #: by default a locked account gets the same 401 as a bad password, as in AD).
        self.tells_lockout = False
        self.authenticator = Authenticator(
            AuthConfig(
                username=username,
                password=password,
                schemes=schemes,
                bearer_validator=bearer_validator,
                lockout_threshold=lockout_threshold,
                realm=realm,
                ntlm_domain=ntlm_domain,
            )
        )
        folder = Path(schema_dir) if schema_dir else (find_schema_dir() if validate else None)
        self._validator = Validator(folder if validate else None)
        self._validate_responses = validate_responses
        self.directory = ews_ops.Directory(mailboxes={}, room_lists=[])
        self._faults: list[Fault] = []
        self._lock = threading.Lock()
        self.requests_total = 0
        self.request_log: list[RequestRecord] = []
        self.schema_errors: list[str] = []
        self.response_schema_errors: list[str] = []
        self.version_errors: list[str] = []
        self.unsupported_operations: list[str] = []
        self.operations: dict[str, int] = {}

    # -- configuration -----------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"{self.base_url}{EWS_PATH}"

    @property
    def schema_validation(self) -> bool:
        """False when the EWS schema folder was not found: requests are then not validated."""
        return self._validator.enabled

    def add_mailbox(
        self, address: str, name: str = "", events: Iterable[FakeEvent] = (), **kw: object
    ) -> FakeMailbox:
        mailbox = FakeMailbox(address, name, list(events), **kw)  # type: ignore[arg-type]
        self.directory.mailboxes[address.lower()] = mailbox
        return mailbox

    def add_room_list(self, address: str, name: str, rooms: Iterable[str]) -> FakeRoomList:
        room_list = FakeRoomList(address, name, list(rooms))
        self.directory.room_lists.append(room_list)
        return room_list

    def set_password(self, password: str) -> None:
        self.authenticator.config.password = password

    def lock_out(self) -> None:
        self.authenticator.lock_out()

    def unlock(self) -> None:
        self.authenticator.unlock()

    def inject(self, fault: Fault, count: int = 1) -> None:
        """The next *count* authenticated requests (of ``fault.operation``, if set) fail so."""
        with self._lock:
            self._faults.extend([fault] * count)

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    @property
    def pending_faults(self) -> int:
        return len(self._faults)

    # -- counters ----------------------------------------------------------------------------
    @property
    def failed_logons(self) -> int:
        return self.authenticator.counters.failed_logons

    @property
    def successful_logons(self) -> int:
        return self.authenticator.counters.successful_logons

    @property
    def anonymous_requests(self) -> int:
        return self.authenticator.counters.anonymous_requests

    @property
    def locked_out(self) -> bool:
        return self.authenticator.counters.locked_out

    def reset_counters(self) -> None:
        """Forget the request log and counters (not the lockout state), e.g. after test setup."""
        with self._lock:
            self.requests_total = 0
            self.request_log.clear()
            self.operations.clear()
            self.schema_errors.clear()
            self.response_schema_errors.clear()
            self.version_errors.clear()
        c = self.authenticator.counters
        c.failed_logons = c.successful_logons = c.anonymous_requests = 0
        c.failed_by_scheme.clear()
        c.succeeded_by_scheme.clear()

    def requests_for(self, operation: str) -> list[RequestRecord]:
        return [r for r in self.request_log if r.operation == operation]

    # -- request handling --------------------------------------------------------------------
    def handle_request(self, request: Request, conn: ConnectionState) -> Response:
        arrived = time.monotonic()
        record = RequestRecord(time.time(), None, 0, None, None, body=request.body)
        with self._lock:
            self.requests_total += 1
            self.request_log.append(record)
        response = self._handle(request, conn, record, arrived)
        record.status = response.status
        return response

    def _handle(
        self, request: Request, conn: ConnectionState, record: RequestRecord, arrived: float
    ) -> Response:
        if request.path.split("?")[0].lower() != EWS_PATH.lower():
            return Response(404, [("Content-Type", "text/html")], b"<h1>404 - Not Found</h1>")
        parsed: ParsedRequest | None = None
        parse_error: Exception | None = None
        if request.method == "POST":
            try:
                parsed = parse_request(request.body)
            except (ET.ParseError, EnvelopeError) as exc:
                parse_error = exc
            else:
                record.operation = parsed.operation
                record.requested_version = parsed.requested_version
                if record.operation == "GetUserAvailability":
                    record.mailboxes = len(ews_ops.availability_addresses(parsed.payload))
        outcome = self.authenticator.authenticate(request, conn)
        record.auth_scheme, record.username = outcome.scheme, outcome.username
        if not outcome.ok:
            challenges = outcome.challenge or self.authenticator.default_challenges()
            headers = [("WWW-Authenticate", c) for c in challenges]
            headers.append(("Content-Type", "text/html"))
            record.auth_error = outcome.reason
            if outcome.reason == "account locked out" and self.tells_lockout:
                return Response(401, headers, LOCKED_OUT_HTML)
            return Response(401, headers, UNAUTHORIZED_HTML)
        if request.method != "POST":
            page = b"<html><body>You have created a service.</body></html>"
            return Response(200, [("Content-Type", "text/html")], page)

        fault = self._take_fault(record.operation)
        if fault is not None:
            record.fault = fault.kind
            early = self._fault_response(fault)
            if early is not None:
                return early
        response = self._answer(parsed, parse_error, record, fault)
        if self.latency:  # the answer leaves ``latency`` after the request came
            self.stopping.wait(max(0.0, arrived + self.latency - time.monotonic()))
        return response

    def _answer(
        self,
        parsed: ParsedRequest | None,
        parse_error: Exception | None,
        record: RequestRecord,
        fault: Fault | None,
    ) -> Response:
        if parsed is None:
            msg = f"The request is not a valid SOAP envelope: {parse_error}"
            self._note(self.schema_errors, msg)
            return self._fault("ErrorSchemaValidation", msg, schema_violation_xml(str(parse_error)))
        response = self._dispatch(parsed, record)
        if fault is not None and fault.kind in ("truncated_xml", "dropped_connection"):
            cut = max(1, len(response.body) // 2)
            if fault.kind == "truncated_xml":
                response.body = response.body[:cut]
            else:
                response.mode, response.truncate_at = "truncate_body", cut
        return response

    def _take_fault(self, operation: str | None) -> Fault | None:
        with self._lock:
            for i, fault in enumerate(self._faults):
                if fault.operation is None or fault.operation == operation:
                    return self._faults.pop(i)
        return None

    def _fault_response(self, fault: Fault) -> Response | None:
        kind = fault.kind
        if kind == "delay":
            self.stopping.wait(fault.seconds)
            return None
        if kind == "hang":
            return Response(mode="hang", hang_seconds=fault.seconds)
        if kind in ("http_503", "http_429"):
            status = 503 if kind == "http_503" else 429
            headers = [("Content-Type", "text/html")]
            if fault.retry_after is not None:
                headers.append(("Retry-After", str(fault.retry_after)))
            return Response(status, headers, HTML_503)
        if kind == "html_500":
            return Response(500, [("Content-Type", "text/html")], HTML_500)
        if kind == "malformed_xml":
            return Response(200, [("Content-Type", XML_CONTENT_TYPE)], b"this is not XML <<<")
        if kind == "raw":
            return Response(fault.status, [("Content-Type", XML_CONTENT_TYPE)], fault.body)
        if kind == "server_busy":
            return self._fault("ErrorServerBusy", None, back_off_xml(fault.back_off_ms))
        if kind == "exceeded_connection_count":
            return self._fault("ErrorExceededConnectionCount")
        return None  # truncated_xml / dropped_connection damage the normal answer

    def _fault(self, code: str, message: str | None = None, message_xml: str = "") -> Response:
        body = soap_fault(code, message, message_xml)
        return Response(500, [("Content-Type", XML_CONTENT_TYPE)], body)

    def _note(self, target: list[str], message: str) -> None:
        with self._lock:
            target.append(message)

    def _dispatch(self, parsed: ParsedRequest, record: RequestRecord) -> Response:
        refusal = self._version_refusal(parsed)
        if refusal is not None:
            return refusal
        errors = []
        for header in parsed.headers:
            if header.tag.startswith(f"{{{TNS}}}"):
                errors += self._validator.errors(header)
        errors += self._validator.errors(parsed.payload)
        if errors:
            for e in errors:
                self._note(self.schema_errors, e)
            return self._fault("ErrorSchemaValidation", errors[0], schema_violation_xml(errors[0]))
        op = parsed.operation
        refusal = self._legacy_refusal(parsed)
        if refusal is not None:
            return refusal
        with self._lock:
            self.operations[op] = self.operations.get(op, 0) + 1
        try:
            payload, code = self._run(op, parsed.payload)
        except ews_ops.SoapFault as fault:
            record.response_code = fault.code
            return self._fault(fault.code, fault.message, fault.message_xml)
        record.response_code = code
        body = envelope(payload, self.version)
        if self._validate_responses and self._validator.enabled:
            root = ET.fromstring(body)
            parts = [*root.find(f"{{{SOAPNS}}}Header"), *root.find(f"{{{SOAPNS}}}Body")]  # type: ignore[misc]
            for elem in parts:
                for e in self._validator.errors(elem):
                    self._note(self.response_schema_errors, e)
        return Response(200, [("Content-Type", XML_CONTENT_TYPE)], body)

    def _version_refusal(self, parsed: ParsedRequest) -> Response | None:
        """RequestServerVersion unknown, or newer than this server: ErrorInvalidServerVersion."""
        requested = parsed.requested_version
        if requested is None:
            return None
        known = requested in REQUEST_VERSIONS
        if known and REQUEST_VERSIONS.index(requested) <= REQUEST_VERSIONS.index(self.version):
            return None
        self._note(
            self.version_errors,
            f"{parsed.operation}: RequestServerVersion {requested!r} refused by {self.version}",
        )
        return self._fault("ErrorInvalidServerVersion")

    def _legacy_refusal(self, parsed: ParsedRequest) -> Response | None:
        op = parsed.operation
        if self.version in LEGACY_2007 and op in NOT_IN_2007:
            # Exchange 2007's schema has no such element: it fails schema validation there.
            violation = (
                f"The element 'Body' in namespace '{SOAPNS}' has invalid child element "
                f"'{parsed.payload.tag.rpartition('}')[2]}' in namespace "
                "'http://schemas.microsoft.com/exchange/services/2006/messages'."
            )
            self._note(self.version_errors, f"{op}: not available in {self.version}")
            return self._fault("ErrorSchemaValidation", violation, schema_violation_xml(violation))
        return None

    def _run(self, op: str, payload: ET.Element) -> tuple[str, str]:
        d = self.directory
        if op == "GetUserAvailability":
            xml, codes = ews_ops.get_user_availability(payload, d)
            return xml, ",".join(codes)
        if op == "GetRoomLists":
            return ews_ops.get_room_lists(d), "NoError"
        if op == "GetRooms":
            return ews_ops.get_rooms(payload, d)
        if op == "ResolveNames":
            return ews_ops.resolve_names(payload, d)
        if op == "GetMailTips":
            return ews_mailtips.get_mail_tips(payload, d)
        if op == "GetServerTimeZones":
            return ews_ops.get_server_time_zones(payload)
        self._note(self.unsupported_operations, op)
        raise ews_ops.SoapFault("ErrorInvalidRequest", f"The fake does not implement {op}.")
