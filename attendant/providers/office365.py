"""Exchange Online through EWS with a delegated OAuth 2.0 token (EWS.AccessAsUser.All).

Microsoft has been switching EWS off in Exchange Online since 1 October 2026 and shuts it
down on 1 April 2027; ``attendant check`` says so and points to the Graph provider. Until
then this provider reads free/busy as the signed-in receptionist: msal (shared with Graph
through :mod:`attendant.providers.signin`) keeps the token fresh, and a token that cannot be
renewed means "sign in again", never a retry loop. Exchange Online no longer takes passwords
(Basic authentication), so only modern authentication is offered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from typing import TextIO, TypeVar
from urllib.parse import urlsplit

from exchangelib import OAUTH2, Version
from exchangelib import version as ews_version

from attendant.domain import AutoReply, Availability, Mailbox, MeetingDetails, RoomList, Window
from attendant.providers.base import CheckStep, OnRead, ProviderContext, StepResult
from attendant.providers.errors import CredentialsRejected, ProviderError, SettingsInvalid
from attendant.providers.ews.client import EwsClient, require_https
from attendant.providers.ews.diagnose import reachable_step, tls_step
from attendant.providers.ews.fanout import DEFAULT_CONCURRENCY
from attendant.providers.ews.oauth import TokenCredentials
from attendant.providers.signin import AccessToken, MsalSignIn, RefreshTokenRejected
from attendant.providers.tls import trust_context

T = TypeVar("T")

EWS_SWITCH_OFF_STARTS = date(2026, 10, 1)
EWS_SHUTDOWN = date(2027, 4, 1)


def ews_scope(ews_url: str) -> str:
    """``https://<EWS host>/EWS.AccessAsUser.All``: the resource is the EWS server itself."""
    return f"https://{urlsplit(ews_url).hostname}/EWS.AccessAsUser.All"


class Office365Provider:
    """Free/busy, room lists, names and search from Exchange Online, as the signed-in user."""

    name = "office365"

    def __init__(
        self,
        *,
        tenant_id: str,
        client_id: str,
        authority: str,
        ews_url: str,
        token_cache: Path | None,
        ca_bundle: str = "",
        timeout_seconds: float = 30.0,
        concurrency: int = DEFAULT_CONCURRENCY,
        zone: tzinfo | None = None,
        details: bool = True,
        grant_modern_auth: bool = True,
        grant_basic_auth: bool = False,
        today: Callable[[], date] = lambda: datetime.now(UTC).date(),
    ) -> None:
        if not grant_modern_auth:
            if grant_basic_auth:
                raise SettingsInvalid(
                    "Exchange Online no longer accepts Basic authentication (user name and "
                    "password); the office365 provider signs in with OAuth 2.0 only.",
                    hint='Tick "Grant Modern Authentication" in Settings.',
                )
            raise SettingsInvalid(
                "No authentication is granted for Office 365.",
                hint='Tick "Grant Modern Authentication" in Settings.',
            )
        endpoint = require_https(ews_url, "calendar.office365.ews_url")
        self._timeout = float(timeout_seconds)
        self._trust = trust_context(ca_bundle)
        self._today = today
        self.signin = MsalSignIn(
            authority=authority,
            tenant_id=tenant_id,
            client_id=client_id,
            scopes=[ews_scope(endpoint)],
            cache_path=token_cache,
            timeout=self._timeout,
            trust=self._trust,
        )
        self._client = EwsClient(
            endpoint=endpoint,
            version=Version(build=ews_version.EXCHANGE_2016),
            auth_type=OAUTH2,
            trust=self._trust,
            timeout=self._timeout,
            concurrency=concurrency,
            zone=zone,
            details=details,
        )
        self._credentials = TokenCredentials(self.signin.client_id, self._fetch)

    @classmethod
    def from_context(cls, context: ProviderContext) -> Office365Provider:
        settings = context.settings
        section = settings.calendar.office365
        return cls(
            tenant_id=section.tenant_id,
            client_id=section.client_id,
            authority=section.authority,
            ews_url=section.ews_url,
            token_cache=context.token_cache,
            ca_bundle=settings.network.ca_bundle,
            timeout_seconds=settings.network.timeout_seconds,
            details=settings.privacy.details is MeetingDetails.SHOW,
            grant_modern_auth=settings.calendar.grant_modern_auth,
            grant_basic_auth=settings.calendar.grant_basic_auth,
        )

    # -- tokens ------------------------------------------------------------------------

    def credential_material(self) -> bytes | None:
        return self.signin.credential_material()

    def _fetch(self, force_refresh: bool = False) -> AccessToken:
        return self.signin.acquire_silent(force_refresh=force_refresh)

    def _ready(self, *, force_refresh: bool = False) -> EwsClient:
        """The client holding a fresh token (msal renews it silently when it is due)."""
        return self._with_token(self._fetch(force_refresh))

    def _with_token(self, token: AccessToken) -> EwsClient:
        self._client.use_credentials(self._credentials, (token.account or "?").encode())
        if self._credentials.set_token(token):
            self._client.drop_idle_sessions()
        return self._client

    def _run(self, operation: Callable[[EwsClient], T]) -> T:
        """Run ``operation``; when EWS refuses a token msal still thought valid (revoked or
        expired early), get a *new* one and try once more. A second refusal is final."""
        try:
            return operation(self._ready())
        except RefreshTokenRejected:
            raise
        except CredentialsRejected:
            client = self._ready(force_refresh=True)
            return operation(client)

    # -- FreeBusyProvider and capabilities ---------------------------------------------

    def get_availability(self, mailboxes: Sequence[Mailbox], window: Window) -> list[Availability]:
        if not mailboxes:
            return []
        return self._run(lambda c: c.availability(mailboxes, window))

    def get_availability_as_read(
        self, mailboxes: Sequence[Mailbox], window: Window, on_read: OnRead
    ) -> list[Availability]:
        if not mailboxes:
            return []
        return self._run(lambda c: c.availability(mailboxes, window, on_read))

    def room_lists(self) -> list[RoomList]:
        return self._run(lambda c: c.room_lists())

    def resolve(self, addresses: Sequence[str]) -> list[Mailbox]:
        if not addresses:
            return []
        return self._run(lambda c: c.resolve(addresses))

    def auto_replies(self, addresses: Sequence[str]) -> dict[str, AutoReply | None]:
        """Automatic replies (GetMailTips), sent as the signed-in account."""
        return self._run(lambda c: c.auto_replies(addresses, self.signin.account()))

    def search(self, query: str, limit: int = 20) -> list[Mailbox]:
        return self._run(lambda c: c.search(query, limit))

    def sign_in(self, *, device_code: bool = False, out: TextIO) -> str:
        """``attendant signin [--device-code]``: sign in and keep the token in the cache."""
        if device_code:
            return self.signin.sign_in_device_code(out)
        out.write("A browser window opens for signing in to Office 365…\n")
        out.flush()
        return self.signin.sign_in_interactive()

    def sign_out(self) -> None:
        self.signin.sign_out()
        self._client.close()

    def close(self) -> None:
        self._client.close()
        self.signin.close()

    # -- Diagnosable -------------------------------------------------------------------

    def diagnose(self) -> Iterator[CheckStep]:
        """EWS retirement, reachable, TLS, sign-in, credentials (one request), version."""
        yield self._retirement_step()
        urls = [self._client.endpoint, self.signin.authority_url]
        for step in (
            reachable_step(urls, self._timeout),
            tls_step(urls, self._trust, self._timeout),
        ):
            yield step
            if step.result is StepResult.FAIL:
                return
        try:
            token = self._fetch()
        except ProviderError as error:
            yield CheckStep("Sign-in", StepResult.FAIL, error.message, error.hint, error)
            return
        storage = (
            "token cache encrypted"
            if self.signin.cache_encrypted
            else "token cache NOT encrypted (a file only this user may read)"
        )
        yield CheckStep("Sign-in", StepResult.PASS, f"signed in as {token.account}; {storage}")
        try:
            server = self._with_token(token).probe(
                f"smtp:{token.account}" if token.account else "a"
            )
        except ProviderError as error:
            yield CheckStep("Credentials", StepResult.FAIL, error.message, error.hint, error)
            return
        yield CheckStep("Credentials", StepResult.PASS, "Exchange Online accepted the token")
        version = f"{server.fullname} (build {server.build})" if server and server.build else "?"
        yield CheckStep("Server version", StepResult.PASS, version)

    def _retirement_step(self) -> CheckStep:
        today = self._today()
        if today < EWS_SWITCH_OFF_STARTS:
            detail = (
                "Microsoft starts switching EWS off in Exchange Online on 1 October 2026 and "
                "shuts it down on 1 April 2027."
            )
        elif today < EWS_SHUTDOWN:
            detail = (
                "Exchange Online has been switching EWS off since 1 October 2026 and shuts it "
                "down on 1 April 2027."
            )
        else:
            detail = "Exchange Online shut EWS down on 1 April 2027."
        return CheckStep(
            "EWS in Exchange Online",
            StepResult.WARN,
            detail,
            'Move to the Microsoft Graph provider (provider = "graph" in Settings).',
        )
