"""The EWS operations both EWS providers need, over one pinned exchangelib protocol.

:class:`EwsClient` is not a provider: the ``exchange`` and ``office365`` providers each own
one and give it their credentials (a password, or an OAuth token from msal). Every method
blocks, sends only what it must, and raises only :mod:`attendant.providers.errors`.
"""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Callable, Sequence
from datetime import timedelta, tzinfo
from typing import Any, TypeVar
from urllib.parse import urlsplit

from exchangelib import NTLM, Version
from exchangelib.errors import ErrorNameResolutionNoResults
from exchangelib.properties import RoomList as EwsRoomList
from loguru import logger

from attendant.domain import (
    AutoReply,
    Availability,
    Mailbox,
    MailboxError,
    MailboxKind,
    RoomList,
    Window,
)
from attendant.providers.base import OnRead
from attendant.providers.errors import CredentialsRejected, ProviderError, SettingsInvalid
from attendant.providers.ews import mailtips
from attendant.providers.ews.availability import batches, ordered, send_batch
from attendant.providers.ews.contact import with_contact
from attendant.providers.ews.errors import NoRetryPolicy, provider_error
from attendant.providers.ews.fanout import DEFAULT_CONCURRENCY, run_bounded, run_read_here
from attendant.providers.ews.freebusy_request import RequestWriter
from attendant.providers.ews.protocol import (
    EwsProtocol,
    ResolveNamesService,
    RoomListsService,
    RoomsService,
    make_protocol,
)
from attendant.providers.ews.timezone import request_zone
from attendant.providers.windows import checked_window

T = TypeVar("T")

#: The longest window GetUserAvailability answers (Exchange's documented limit).
MAX_WINDOW = timedelta(days=42)

#: How long a display name found by ResolveNames is reused.
RESOLVE_TTL_SECONDS = 12 * 3600.0


def require_https(url: str, key: str) -> str:
    """``url`` if it is an https URL with a host; SettingsInvalid (nothing sent) otherwise."""
    parts = urlsplit(url.strip())
    if not url.strip():
        raise SettingsInvalid(f"{key} is empty.", hint="Enter the EWS URL in Settings.")
    if parts.scheme.lower() == "http":
        raise SettingsInvalid(
            f"{key} starts with http://; Attendant never sends credentials over plain http.",
            hint="Use the https:// address of the server.",
        )
    if parts.scheme.lower() != "https" or not parts.hostname:
        raise SettingsInvalid(
            f"{key} must be an https:// URL like https://mail.contoso.com/EWS/Exchange.asmx.",
        )
    return url.strip()


class EwsClient:
    """Free/busy, room lists and name resolution through EWS for one set of credentials."""

    def __init__(
        self,
        *,
        endpoint: str,
        version: Version,
        auth_type: str,
        trust: ssl.SSLContext,
        timeout: float,
        concurrency: int = DEFAULT_CONCURRENCY,
        zone: tzinfo | None = None,
        details: bool = True,
    ) -> None:
        self.endpoint = endpoint
        self.version = version
        self.auth_type = auth_type
        self.server = urlsplit(endpoint).hostname or endpoint
        self._trust = trust
        self._timeout = float(timeout)
        self.concurrency = max(1, int(concurrency))
        self.zone, self.ews_zone = request_zone(zone)
        #: Whether free/busy asks for subjects and locations (see RequestWriter).
        self.details = details
        self._lock = threading.Lock()
        self._protocol: EwsProtocol | None = None
        self._credentials_key: bytes | None = None
        #: True once the server accepted the current credentials.
        self.proven = False
        self._names: dict[str, tuple[float, Mailbox | None]] = {}
        self._kept_writer: tuple[EwsProtocol | None, Window, RequestWriter] | None = None

    # -- credentials -------------------------------------------------------------------

    def use_credentials(self, credentials: Any, key: bytes) -> None:
        """Use ``credentials`` from now on; a new ``key`` means new sessions (and no proof)."""
        with self._lock:
            if self._protocol is not None and key == self._credentials_key:
                return
            self._close_protocol()
            self._protocol = make_protocol(
                endpoint=self.endpoint,
                credentials=credentials,
                auth_type=self.auth_type,
                version=self.version,
                trust=self._trust,
                timeout=self._timeout,
                max_connections=self.concurrency,
            )
            self._credentials_key = key
            self.proven = False

    def drop_idle_sessions(self) -> None:
        """Close pooled sessions (after an OAuth token changed; new ones carry the new one)."""
        with self._lock:
            if self._protocol is not None:
                self._protocol.close()

    @property
    def server_version(self) -> Version | None:
        return None if self._protocol is None else self._protocol.server_version

    def close(self) -> None:
        with self._lock:
            self._close_protocol()

    def _close_protocol(self) -> None:
        if self._protocol is not None:
            self._protocol.close()
            self._protocol = None
            self._credentials_key = None

    def _call(self, operation: Callable[[EwsProtocol], T]) -> T:
        """Run one request; map what it raises; remember that the credentials worked."""
        protocol = self._protocol
        if protocol is None:  # pragma: no cover - the providers set credentials first
            raise RuntimeError("EwsClient used before use_credentials()")
        try:
            result = operation(protocol)
        except Exception as error:
            mapped = provider_error(error, server=self.server, timeout=self._timeout)
            if isinstance(mapped, CredentialsRejected):
                self.proven = False
            if mapped is error:
                raise
            if not isinstance(mapped, ProviderError):  # pragma: no cover - defensive
                raise mapped from error
            logger.debug("EWS request to {} failed: {}", self.server, repr(error)[:500])
            raise mapped from error
        self.proven = True
        return result

    def _fan_out(self, tasks: Sequence[Callable[[], T]]) -> list[T]:
        # The first task goes alone: a wrong or changed password costs one failed logon,
        # and a busy server (ErrorServerBusy) is met with one request.
        self._new_round()
        return run_bounded(tasks, concurrency=self.concurrency, lead_alone=True)

    def _free_busy_fan_out(self, tasks: Sequence[Callable[[], Callable[[], T]]]) -> list[T]:
        """Free/busy side by side at once, each answer read on this thread (see fanout).

        A password changed on the server while the console runs (or a wrong one at the
        first start) must cost one failed logon, not one per request in flight (accounts
        with a lockout threshold of 3 exist), even when it succeeded a minute ago:

        - Basic sends the password with every request, so one request goes alone first,
          every time: an authenticated GET of the EWS URL; the server checks the
          credentials and answers with its service page without any EWS work.
        - NTLM sends it only when a connection signs in; the sign-in gate lets the first
          sign-in of this round go alone (a lone request would prove nothing when it rides
          a connection still signed in while the others sign in again).
        """
        if len(tasks) == 1 or self.concurrency == 1:
            return self._fan_out([_whole(t) for t in tasks])
        self._new_round()
        if self.auth_type != NTLM:
            self.prove_credentials()
        return run_read_here(tasks, concurrency=self.concurrency)

    def _new_round(self) -> None:
        protocol = self._protocol
        if protocol is not None:
            protocol.sign_in_gate.new_round()

    def prove_credentials(self) -> None:
        """One authenticated GET of the EWS URL, alone: rejected credentials fail here."""
        self._call(lambda p: _get_service_page(p, self._timeout))

    # -- operations --------------------------------------------------------------------

    def availability(
        self, mailboxes: Sequence[Mailbox], window: Window, on_read: OnRead | None = None
    ) -> list[Availability]:
        """Free/busy of every mailbox in the order asked; per-mailbox errors as values.

        The server is asked for the whole local days that cover ``window`` (at most
        :data:`MAX_WINDOW`, checked before anything is sent) and the answer is clipped back.
        ``on_read`` is given each request's answers (clipped) as soon as they are read, on
        this thread, while later requests are still on the network.
        """
        asked = checked_window(window, MAX_WINDOW, "Exchange")
        writer = self._writer(asked)

        def task(chunk: list[Mailbox]) -> Callable[[], Callable[[], list[Availability]]]:
            body = writer.body([m.address for m in chunk])  # all written before any is sent

            def send() -> Callable[[], list[Availability]]:
                read = self._call(lambda p: send_batch(p, body, chunk, self.zone))
                return lambda: delivered(self._call(lambda _: read()))

            return send

        def delivered(part: list[Availability]) -> list[Availability]:
            if asked != window:
                part = [a.clipped(window) for a in part]
            if on_read is not None:
                on_read(part)
            return part

        tasks = [task(chunk) for chunk in batches(mailboxes)]
        answered = [a for part in self._free_busy_fan_out(tasks) for a in part]
        return ordered(mailboxes, answered)

    def _writer(self, window: Window) -> RequestWriter:
        """The request writer for ``window``, kept while the protocol and window stay."""
        protocol = self._protocol
        kept = self._kept_writer
        if kept is not None and kept[0] is protocol and kept[1] == window:
            return kept[2]
        writer = RequestWriter(protocol, window, self.zone, details=self.details)
        self._kept_writer = (protocol, window, writer)
        return writer

    def probe(self, entry: str) -> Version | None:
        """One cheap authenticated request (ResolveNames); the server's version it reported."""
        self._new_round()
        self._call(lambda p: list(ResolveNamesService(protocol=p, chunk_size=1).call([entry])))
        return self.server_version

    def room_lists(self) -> list[RoomList]:
        """Every room list with its rooms (GetRoomLists, then GetRooms per list)."""
        self._new_round()
        lists: list[EwsRoomList] = self._call(lambda p: list(RoomListsService(protocol=p).call()))

        def rooms_of(room_list: EwsRoomList) -> Callable[[], RoomList]:
            def fetch(protocol: EwsProtocol) -> RoomList:
                try:
                    found = list(
                        RoomsService(protocol=protocol).call(
                            room_list=EwsRoomList(email_address=room_list.email_address)
                        )
                    )
                except ErrorNameResolutionNoResults as error:
                    # Exchange's answer for a list without rooms (or one it cannot expand):
                    # data about this list, not a failure of the others.
                    return RoomList(
                        room_list.email_address,
                        room_list.name or None,
                        error=MailboxError(type(error).__name__, str(error) or "no rooms"),
                    )
                rooms = tuple(
                    Mailbox(address=r.email_address, name=r.name or None, kind=MailboxKind.ROOM)
                    for r in found
                    if not isinstance(r, Exception) and r.email_address
                )
                return RoomList(room_list.email_address, room_list.name or None, rooms)

            return lambda: self._call(fetch)

        return self._fan_out([rooms_of(rl) for rl in lists if rl.email_address])

    def resolve(self, addresses: Sequence[str]) -> list[Mailbox]:
        """Display names, phones, departments and job titles for the addresses the server
        knows (cached for some hours)."""
        now = time.monotonic()
        wanted = list(dict.fromkeys(a.strip() for a in addresses if "@" in a))
        missing = [
            a
            for a in wanted
            if a.casefold() not in self._names
            or now - self._names[a.casefold()][0] > RESOLVE_TTL_SECONDS
        ]

        def task(address: str) -> Callable[[], Mailbox | None]:
            return lambda: self._resolve_one(address)

        for address, found in zip(missing, self._fan_out([task(a) for a in missing]), strict=True):
            self._names[address.casefold()] = (now, found)
        known = (self._names.get(a.casefold(), (now, None))[1] for a in wanted)
        return [m for m in known if m is not None]

    def _resolve_one(self, address: str) -> Mailbox | None:
        for found in self._resolve_names(f"smtp:{address}"):
            if found.key == address.casefold():
                return found
        return None

    def auto_replies(
        self, addresses: Sequence[str], sending_as: str | None
    ) -> dict[str, AutoReply | None]:
        """Automatic replies by folded address (GetMailTips, Exchange 2010 and later)."""
        self._new_round()
        return self._call(lambda p: mailtips.auto_replies(p, addresses, sending_as))

    def search(self, query: str, limit: int = 20) -> list[Mailbox]:
        """People and rooms whose name or address starts with ``query`` (ResolveNames)."""
        if not query.strip():
            return []
        self._new_round()
        return self._resolve_names(query.strip())[:limit]

    def _resolve_names(self, entry: str) -> list[Mailbox]:
        """ResolveNames with the directory's contact data (phones, department, job title)."""
        answers = self._call(
            lambda p: list(
                ResolveNamesService(protocol=p, chunk_size=1).call(
                    [entry], return_full_contact_data=True
                )
            )
        )
        found = []
        for answer in answers:
            if isinstance(answer, ErrorNameResolutionNoResults):
                continue
            if isinstance(answer, Exception):
                logger.debug("ResolveNames {!r}: {}", entry, answer)
                continue
            mailbox, contact = answer if isinstance(answer, tuple) else (answer, None)
            address = getattr(mailbox, "email_address", None)
            if isinstance(address, str) and "@" in address:
                named = Mailbox(address=address, name=mailbox.name or None)
                found.append(with_contact(named, contact))
        return found


def _whole(task: Callable[[], Callable[[], T]]) -> Callable[[], T]:
    """A two-part task as one: send, then read, on the same thread."""
    return lambda: task()()


def _get_service_page(protocol: EwsProtocol, timeout: float) -> int:
    """GET the EWS URL with the protocol's credentials; the status, or what it means.

    IIS checks the credentials first (401 when rejected) and then answers a GET of
    Exchange.asmx with its "You have created a service" page; any answer other than a 401 or
    a back-off means the credentials were accepted.
    """
    session = protocol.get_session()
    try:
        response = session.get(protocol.service_endpoint, timeout=timeout, allow_redirects=False)
        status = int(response.status_code)
        if status in (401, 429) or (status == 503 and response.headers.get("Retry-After")):
            NoRetryPolicy().raise_response_errors(response)
        return status
    finally:
        protocol.release_session(session)
