"""On-premises Exchange through EWS, with a user name and password (Basic or NTLM).

Everything is pinned from the settings so that nothing is probed: the EWS URL (https only),
the Exchange version (requests are built for it, down to Exchange 2007 SP1) and the
authentication method. The password is read from the keyring (or ``ATTENDANT_PASSWORD``) for
every call, so a new password takes effect at the next refresh and lifts the lockout guard's
block on the old one. Room lists need Exchange 2010; on 2007 rooms are listed by hand.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from datetime import tzinfo

from exchangelib import BASIC, NTLM, Credentials, Version
from exchangelib import version as ews_version

from attendant.domain import AutoReply, Availability, Mailbox, MeetingDetails, RoomList, Window
from attendant.providers.base import CheckStep, OnRead, ProviderContext, StepResult
from attendant.providers.errors import NotSupported, ProviderError, SettingsInvalid, SignInRequired
from attendant.providers.ews.client import EwsClient, require_https
from attendant.providers.ews.diagnose import reachable_step, tls_step
from attendant.providers.ews.fanout import DEFAULT_CONCURRENCY
from attendant.providers.tls import trust_context

#: Settings value -> the build exchangelib pins requests to.
VERSIONS = {
    "Exchange2007_SP1": ews_version.EXCHANGE_2007_SP1,
    "Exchange2010": ews_version.EXCHANGE_2010,
    "Exchange2010_SP1": ews_version.EXCHANGE_2010_SP1,
    "Exchange2010_SP2": ews_version.EXCHANGE_2010_SP2,
    "Exchange2013": ews_version.EXCHANGE_2013,
    "Exchange2013_SP1": ews_version.EXCHANGE_2013_SP1,
    "Exchange2016": ews_version.EXCHANGE_2016,
}
AUTH_TYPES = {"basic": BASIC, "ntlm": NTLM}


class ExchangeProvider:
    """Free/busy, room lists, name resolution and search from on-premises Exchange."""

    name = "exchange"

    def __init__(
        self,
        *,
        ews_url: str,
        version: str,
        username: str,
        auth: str,
        password: Callable[[], str | None],
        ca_bundle: str = "",
        timeout_seconds: float = 30.0,
        concurrency: int = DEFAULT_CONCURRENCY,
        zone: tzinfo | None = None,
        details: bool = True,
    ) -> None:
        # On-premises Exchange has one way in, a user name and password (Basic or NTLM):
        # the "Grant Basic/Modern Authentication" choice is Office 365's, not this one's.
        endpoint = require_https(ews_url, "calendar.exchange.ews_url")
        if version not in VERSIONS:
            raise SettingsInvalid(
                f"calendar.exchange.version {version!r} is not a known Exchange version.",
                hint=f"Choose one of: {', '.join(VERSIONS)}.",
            )
        if auth.lower() not in AUTH_TYPES:
            raise SettingsInvalid(
                f"calendar.exchange.auth {auth!r} is not basic or ntlm.",
                hint="On-premises Exchange takes basic or ntlm.",
            )
        if not username.strip():
            raise SettingsInvalid(
                "calendar.exchange.username is empty.",
                hint="Enter the account that reads free/busy, e.g. CONTOSO\\reception.",
            )
        self.version_name = version
        self.build = VERSIONS[version]
        self.username = username.strip()
        self.auth = auth.lower()
        self._password = password
        self._timeout = float(timeout_seconds)
        self._trust = trust_context(ca_bundle)
        self._client = EwsClient(
            endpoint=endpoint,
            version=Version(build=self.build),
            auth_type=AUTH_TYPES[self.auth],
            trust=self._trust,
            timeout=self._timeout,
            concurrency=concurrency,
            zone=zone,
            details=details,
        )

    @classmethod
    def from_context(cls, context: ProviderContext) -> ExchangeProvider:
        settings = context.settings
        section = settings.calendar.exchange
        return cls(
            ews_url=section.ews_url,
            version=section.version,
            username=section.username,
            auth=section.auth,
            password=context.password,
            ca_bundle=settings.network.ca_bundle,
            timeout_seconds=settings.network.timeout_seconds,
            details=settings.privacy.details is MeetingDetails.SHOW,
        )

    # -- credentials -------------------------------------------------------------------

    def credential_material(self) -> bytes | None:
        password = self._password()
        if not password:
            return None
        return f"{self.username}\0{password}".encode()

    def _ready(self) -> EwsClient:
        """The client with the current password (read now); SignInRequired without one."""
        password = self._password()
        if not password:
            raise SignInRequired(
                f"No password is stored for {self.username}.",
                hint="Enter it in Settings (it is kept in the keyring), or set "
                "ATTENDANT_PASSWORD for headless use.",
            )
        key = hashlib.sha256(f"{self.username}\0{password}".encode()).digest()
        self._client.use_credentials(Credentials(self.username, password), key)
        return self._client

    # -- FreeBusyProvider and capabilities ---------------------------------------------

    def get_availability(self, mailboxes: Sequence[Mailbox], window: Window) -> list[Availability]:
        if not mailboxes:
            return []
        return self._ready().availability(mailboxes, window)

    def get_availability_as_read(
        self, mailboxes: Sequence[Mailbox], window: Window, on_read: OnRead
    ) -> list[Availability]:
        if not mailboxes:
            return []
        return self._ready().availability(mailboxes, window, on_read)

    def room_lists(self) -> list[RoomList]:
        if self.build < ews_version.EXCHANGE_2010:
            raise NotSupported(
                f"{self.version_name} has no room lists (GetRoomLists needs Exchange 2010 or "
                "later).",
                hint="List the rooms by hand in the watch list (Settings ▸ Watch list ▸ Rooms).",
            )
        return self._ready().room_lists()

    def resolve(self, addresses: Sequence[str]) -> list[Mailbox]:
        if not addresses:
            return []
        return self._ready().resolve(addresses)

    def auto_replies(self, addresses: Sequence[str]) -> dict[str, AutoReply | None]:
        if self.build < ews_version.EXCHANGE_2010:
            raise NotSupported(
                f"{self.version_name} has no MailTips (GetMailTips needs Exchange 2010 or later)."
            )
        return self._ready().auto_replies(addresses, self.username)

    def search(self, query: str, limit: int = 20) -> list[Mailbox]:
        return self._ready().search(query, limit)

    def close(self) -> None:
        self._client.close()

    # -- Diagnosable -------------------------------------------------------------------

    def diagnose(self) -> Iterator[CheckStep]:
        """Reachable, TLS, credentials (one logon), server version."""
        urls = [self._client.endpoint]
        for step in (
            reachable_step(urls, self._timeout),
            tls_step(urls, self._trust, self._timeout),
        ):
            yield step
            if step.result is StepResult.FAIL:
                return
        method = "NTLM" if self.auth == "ntlm" else "Basic"
        try:
            server = self._ready().probe(self.username.rpartition("\\")[2])
        except ProviderError as error:
            yield CheckStep("Credentials", StepResult.FAIL, error.message, error.hint, error)
            return
        yield CheckStep(
            "Credentials", StepResult.PASS, f"Exchange accepted {self.username} ({method})"
        )
        yield version_step(server, self.version_name, self.build)


def version_step(server: Version | None, configured: str, build: object) -> CheckStep:
    """What the server reported, against what requests are built for."""
    if server is None or server.build is None:
        return CheckStep(
            "Server version",
            StepResult.WARN,
            f"The server did not report its version; requests are built for {configured}.",
        )
    found = f"{server.fullname} (build {server.build})"
    if server.build.major_version < build.major_version:  # type: ignore[attr-defined]
        return CheckStep(
            "Server version",
            StepResult.WARN,
            f"The server is {found}, older than the configured {configured}.",
            "Set calendar.exchange.version to the server's version.",
        )
    return CheckStep(
        "Server version", StepResult.PASS, f"{found}; requests are built for {configured}"
    )
