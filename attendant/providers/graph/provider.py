"""Exchange Online through Microsoft Graph, for tenants where EWS is switched off.

Delegated permissions, the least that work (the signed-in receptionist's own rights decide
what is seen, as in Outlook):

- ``Calendars.ReadBasic`` for ``calendar: getSchedule``. Graph's permissions table for
  getSchedule lists it as the least privileged delegated permission (Calendars.Read and
  Calendars.ReadWrite as higher). Whether subject and location come back is decided by each
  owner's calendar sharing ("can view titles and locations", Exchange Online's default inside
  the organisation), not by the scope: ReadBasic withholds only bodies, attachments and
  extensions, which getSchedule never returns. ``Calendars.Read.Shared`` is not among the
  permissions getSchedule accepts, and would let the app read whole shared calendars.
- ``Place.Read.All`` for room lists and rooms; it needs an administrator's consent.
- ``User.ReadBasic.All`` for searching colleagues and showing display names.

Scopes are named on the host of ``graph_url`` (``https://graph.microsoft.com/Calendars.ReadBasic``),
so national clouds and the test fake work alike. Sign-in, the token cache and "sign in again"
are the shared :mod:`attendant.providers.signin`, the same as the Office 365 EWS provider's.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any, Protocol, TextIO
from urllib.parse import urlsplit

from attendant.domain import Availability, Mailbox, RoomList, Window
from attendant.providers.base import CheckStep, StepResult
from attendant.providers.errors import ProviderError
from attendant.providers.graph import directory, places, schedule
from attendant.providers.graph.fanout import run_all
from attendant.providers.graph.timezones import windows_name, zone_for
from attendant.providers.graph.transport import (
    MAX_IN_FLIGHT,
    ConsentMissing,
    GraphTransport,
    TokenSource,
)

CALENDAR_PERMISSION = "Calendars.ReadBasic"
PERMISSIONS = (CALENDAR_PERMISSION, places.PERMISSION, directory.PERMISSION)
#: Permissions at least as strong as each one we ask for (an admin may have granted more).
_SATISFIED_BY = {
    CALENDAR_PERMISSION: {"Calendars.ReadBasic", "Calendars.Read", "Calendars.ReadWrite"},
    places.PERMISSION: {"Place.Read.All", "Place.ReadWrite.All"},
    directory.PERMISSION: {"User.ReadBasic.All", "User.Read.All", "Directory.Read.All"},
}


def scopes_for(graph_url: str) -> list[str]:
    """The delegated scopes, named on ``graph_url``'s host."""
    parts = urlsplit(graph_url)
    return [f"{parts.scheme}://{parts.netloc}/{p}" for p in PERMISSIONS]


def token_scopes(token: str) -> set[str] | None:
    """The ``scp`` claim of a JWT access token (not verified: only for "Test Settings")."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return set(str(claims["scp"]).split())
    except (IndexError, ValueError, KeyError, TypeError):
        return None


class SignIn(Protocol):
    """What the provider needs of :class:`attendant.providers.signin.MsalSignIn`."""

    def sign_in_interactive(self) -> Any: ...

    def sign_in_device_code(self, out: TextIO) -> Any: ...

    def account(self) -> Any: ...


class GraphProvider:
    """Free/busy, rooms and people from Microsoft Graph (blocking; at most 4 requests in flight)."""

    name = "graph"

    def __init__(
        self,
        transport: GraphTransport,
        tokens: TokenSource,
        *,
        signin: SignIn | None = None,
        authority_url: str | None = None,
    ) -> None:
        self._transport = transport
        self._tokens = tokens
        self._signin = signin
        self._authority_url = authority_url
        self._pool: ThreadPoolExecutor | None = None
        self._room_keys: frozenset[str] = frozenset()

    def _workers(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(MAX_IN_FLIGHT, thread_name_prefix="graph")
        return self._pool

    # -- FreeBusyProvider --------------------------------------------------------------

    def get_availability(self, mailboxes: Sequence[Mailbox], window: Window) -> list[Availability]:
        zone_name = windows_name(window.start.tzinfo)
        zone = zone_for(zone_name) or window.start.tzinfo
        assert zone is not None
        unique: dict[str, str] = {}  # each address asked once, however often it is listed
        for mailbox in mailboxes:
            unique.setdefault(mailbox.key, mailbox.address)
        answers: dict[str, dict[str, Any]] = {}

        def ask(batch: list[str]) -> None:
            data = self._transport.post(
                schedule.GET_SCHEDULE,
                schedule.request_body(batch, window),
                permission=CALENDAR_PERMISSION,
                headers=schedule.prefer_header(zone_name),
            )
            answers.update(schedule.match_answers(batch, data.get("value")))

        calls = [partial(ask, batch) for batch in schedule.batches(list(unique.values()))]
        run_all(self._workers(), calls)
        return [schedule.availability_from(m, answers.get(m.key), window, zone) for m in mailboxes]

    def credential_material(self) -> bytes | None:
        material = getattr(self._signin, "credential_material", None)
        if callable(material):
            value = material()
            return value if isinstance(value, bytes) or value is None else str(value).encode()
        return None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
        self._transport.close()

    # -- capabilities ------------------------------------------------------------------

    def room_lists(self) -> list[RoomList]:
        lists = places.room_lists(self._transport, self._workers())
        self._room_keys = frozenset(r.key for rl in lists for r in rl.rooms)
        return lists

    def search(self, query: str, limit: int = 20) -> list[Mailbox]:
        return directory.search(self._transport, query, limit, self._room_keys)

    def resolve(self, addresses: Sequence[str]) -> list[Mailbox]:
        return directory.resolve(self._transport, addresses, self._room_keys)

    def sign_in(self, *, device_code: bool = False, out: TextIO) -> str:
        """Sign in (browser, or a device code printed to ``out``); the account's name."""
        if self._signin is None:
            raise ProviderError("This Graph provider was built without a sign-in.")
        if device_code:
            return str(self._signin.sign_in_device_code(out))
        return str(self._signin.sign_in_interactive())

    # -- Test Settings -----------------------------------------------------------------

    def diagnose(self) -> Iterator[CheckStep]:
        if self._authority_url is not None:
            yield self._authority_step(self._authority_url)
        try:
            token = self._tokens.access_token()
        except ProviderError as error:
            yield CheckStep("Signed in", StepResult.FAIL, error.message, error.hint, error)
            return
        yield from self._scope_steps(token)
        yield self._places_step()

    def _authority_step(self, authority_url: str) -> CheckStep:
        url = f"{authority_url}/v2.0/.well-known/openid-configuration"
        try:
            status = self._transport.probe(url)
        except ProviderError as error:
            return CheckStep("Sign-in authority", StepResult.FAIL, error.message, error.hint, error)
        if status != 200:
            return CheckStep(
                "Sign-in authority",
                StepResult.FAIL,
                f"{authority_url} answered {status} to its OpenID discovery.",
                "Check calendar.graph.authority and calendar.graph.tenant_id.",
            )
        return CheckStep("Sign-in authority", StepResult.PASS, f"{authority_url} is reachable")

    def _scope_steps(self, token: str) -> Iterator[CheckStep]:
        account = self._signin.account() if self._signin is not None else None
        who = f"as {account}" if account else "with a cached token"
        granted = token_scopes(token)
        if granted is None:
            yield CheckStep(
                "Signed in",
                StepResult.WARN,
                f"Signed in {who}; the token's permissions cannot be read.",
            )
            return
        missing = [p for p in PERMISSIONS if not granted & _SATISFIED_BY[p]]
        if CALENDAR_PERMISSION in missing:
            error = ConsentMissing(
                f"Signed in {who}, but the token lacks {CALENDAR_PERMISSION}: free/busy "
                "cannot be read.",
                permission=CALENDAR_PERMISSION,
                hint=f"Add the delegated permission {CALENDAR_PERMISSION} to the app "
                "registration, grant consent, then sign in again.",
            )
            yield CheckStep("Signed in", StepResult.FAIL, error.message, error.hint, error)
            return
        if missing:
            yield CheckStep(
                "Signed in",
                StepResult.WARN,
                f"Signed in {who}; the token lacks {', '.join(missing)}.",
                "Place.Read.All and User.ReadBasic.All need an administrator's consent for "
                "the app (Entra ID ▸ App registrations ▸ API permissions ▸ Grant admin "
                "consent); then sign in again.",
            )
            return
        yield CheckStep(
            "Signed in", StepResult.PASS, f"Signed in {who} with {', '.join(PERMISSIONS)}"
        )

    def _places_step(self) -> CheckStep:
        name = "Room list permission (Place.Read.All)"
        try:
            page = self._transport.get(
                places.ROOM_LISTS, permission=places.PERMISSION, params={"$top": "1"}
            )
        except ConsentMissing as error:
            return CheckStep(
                name,
                StepResult.WARN,
                "Microsoft Graph refuses the room lists: no administrator has consented to "
                "Place.Read.All for this app.",
                error.hint,
            )
        except ProviderError as error:
            return CheckStep(name, StepResult.FAIL, error.message, error.hint, error)
        shown = len(page.get("value") or [])
        return CheckStep(name, StepResult.PASS, f"Consent granted ({shown} room list shown)")
