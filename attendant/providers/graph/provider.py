"""Exchange Online through Microsoft Graph, for tenants where EWS is switched off.

Delegated permissions, the least that work (the signed-in receptionist's own rights decide
what is seen, as in Outlook):

- ``Calendars.ReadBasic`` for ``calendar: getSchedule``. Graph's permissions table for
  getSchedule lists it as the least privileged delegated permission, Calendars.Read and
  Calendars.ReadWrite as higher (older revisions of the page named Calendars.Read the least;
  a token carrying it is accepted too). Whether subject and location come back is decided by
  each owner's calendar sharing ("can view titles and locations", Exchange Online's default
  inside the organisation) and the item's privacy, not by the scope: ReadBasic withholds only
  bodies, attachments and extensions, which getSchedule never returns anyway.
  ``Calendars.Read.Shared`` is not among the permissions getSchedule accepts, and it would
  let the app read every calendar shared with the receptionist, which free/busy never needs.
- ``Place.Read.All`` for room lists and rooms; it needs an administrator's consent.
- ``User.ReadBasic.All`` for searching colleagues and showing display names. Phones,
  department and job title come only where an administrator has also consented to
  ``User.Read.All`` (see :mod:`attendant.providers.graph.directory`); without it the board
  shows what the watch list says.
- ``Mail.Read`` for ``getMailTips``, the automatic reply of the person selected on the board
  (Graph lists no smaller permission for it); without it the details pane shows no reply.
- ``Presence.Read.All`` for Teams presence beside the calendar (no administrator needed);
  without it the board simply shows no presence, and Test Settings says so.

Scopes are named on the host of ``graph_url`` (``https://graph.microsoft.com/Calendars.ReadBasic``),
so national clouds and the test fake work alike. Sign-in, the token cache and "sign in again"
are the shared :mod:`attendant.providers.signin`, the same as the Office 365 EWS provider's.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any, Protocol, TextIO
from urllib.parse import urlsplit

from attendant.domain import AutoReply, Availability, Mailbox, Presence, RoomList, Window
from attendant.providers.base import CheckStep, ProviderContext, StepResult
from attendant.providers.errors import ProviderError, SettingsInvalid
from attendant.providers.graph import directory, mailtips, places, presence, schedule
from attendant.providers.graph.fanout import run_all
from attendant.providers.graph.timezones import windows_name, zone_for
from attendant.providers.graph.transport import (
    MAX_IN_FLIGHT,
    ConsentMissing,
    GraphTransport,
    TokenSource,
    make_session,
    require_https,
)
from attendant.providers.signin import MsalSignIn
from attendant.providers.tls import trust_context
from attendant.providers.windows import checked_window

CALENDAR_PERMISSION = "Calendars.ReadBasic"
PERMISSIONS = (
    CALENDAR_PERMISSION,
    places.PERMISSION,
    directory.PERMISSION,
    presence.PERMISSION,
    mailtips.PERMISSION,
)
#: Permissions at least as strong as each one we ask for (an admin may have granted more).
_SATISFIED_BY = {
    CALENDAR_PERMISSION: {"Calendars.ReadBasic", "Calendars.Read", "Calendars.ReadWrite"},
    places.PERMISSION: {"Place.Read.All", "Place.ReadWrite.All"},
    directory.PERMISSION: {"User.ReadBasic.All", "User.Read.All", "Directory.Read.All"},
    presence.PERMISSION: {"Presence.Read.All", "Presence.ReadWrite.All"},
    mailtips.PERMISSION: {"Mail.Read", "Mail.ReadWrite"},
}


def scopes_for(graph_url: str) -> list[str]:
    """The delegated scopes, named on ``graph_url``'s host."""
    parts = urlsplit(graph_url)
    return [f"{parts.scheme}://{parts.netloc}/{p}" for p in PERMISSIONS]


#: The longest window getSchedule answers (Graph's documented limit).
MAX_WINDOW = timedelta(days=62)


def permission_name(scope: str) -> str:
    """``Calendars.ReadBasic`` for ``https://graph.microsoft.com/Calendars.ReadBasic`` or
    ``calendars.readbasic``: permissions compare by name, whatever the resource prefix, and
    Microsoft treats their case as insignificant."""
    return scope.rsplit("/", 1)[-1].casefold()


def token_scopes(token: str) -> set[str] | None:
    """The permissions in the ``scp`` claim of a JWT access token, by :func:`permission_name`
    (not verified: only for "Test Settings")."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return {permission_name(scope) for scope in str(claims["scp"]).split()}
    except (IndexError, ValueError, KeyError, TypeError):
        return None


class SignIn(TokenSource, Protocol):
    """What the provider needs of :class:`attendant.providers.signin.MsalSignIn`."""

    authority_url: str
    cache_encrypted: bool

    def sign_in_interactive(self) -> str: ...

    def sign_in_device_code(self, out: TextIO) -> str: ...

    def sign_out(self) -> None: ...

    def account(self) -> str | None: ...

    def credential_material(self) -> bytes | None: ...

    def close(self) -> None: ...


class GraphProvider:
    """Free/busy, rooms and people from Microsoft Graph (blocking; at most 4 requests in flight)."""

    name = "graph"

    def __init__(
        self, transport: GraphTransport, signin: SignIn, *, state_dir: Path | None = None
    ) -> None:
        self._transport = transport
        self.signin = signin
        self._user_ids = presence.UserIds(state_dir)
        self._pool: ThreadPoolExecutor | None = None
        self._room_keys: frozenset[str] = frozenset()

    @classmethod
    def from_context(cls, context: ProviderContext) -> GraphProvider:
        """The provider as the settings describe it; SettingsInvalid before anything is sent."""
        settings = context.settings
        section = settings.calendar.graph
        if not settings.calendar.grant_modern_auth:
            raise SettingsInvalid(
                "Microsoft Graph needs an OAuth 2.0 sign-in, and Modern Authentication is not "
                "granted.",
                hint='Tick "Grant Modern Authentication" in Settings.',
            )
        graph_url = require_https(
            section.graph_url, "Microsoft Graph URL", "calendar.graph.graph_url"
        )
        authority = require_https(
            section.authority, "sign-in authority", "calendar.graph.authority"
        )
        timeout = float(settings.network.timeout_seconds)
        trust = trust_context(settings.network.ca_bundle)
        signin = MsalSignIn(
            authority=authority,
            tenant_id=section.tenant_id,
            client_id=section.client_id,
            scopes=scopes_for(graph_url),
            cache_path=context.token_cache,
            timeout=timeout,
            trust=trust,
        )
        transport = GraphTransport(graph_url, signin, session=make_session(trust), timeout=timeout)
        return cls(transport, signin, state_dir=context.state_dir)

    def _workers(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(MAX_IN_FLIGHT, thread_name_prefix="graph")
        return self._pool

    # -- FreeBusyProvider --------------------------------------------------------------

    def get_availability(self, mailboxes: Sequence[Mailbox], window: Window) -> list[Availability]:
        asked = checked_window(window, MAX_WINDOW, "Microsoft Graph")
        answers = self._schedules(mailboxes, asked)
        return answers if asked == window else [a.clipped(window) for a in answers]

    def _schedules(self, mailboxes: Sequence[Mailbox], window: Window) -> list[Availability]:
        zone_name = windows_name(window.start.tzinfo)
        zone = zone_for(zone_name) or window.start.tzinfo
        assert zone is not None
        unique: dict[str, str] = {}  # each address asked once, however often it is listed
        for mailbox in mailboxes:
            unique.setdefault(mailbox.key, mailbox.address)

        def ask(batch: list[str]) -> dict[str, dict[str, Any]]:
            data = self._transport.post(
                schedule.GET_SCHEDULE,
                schedule.request_body(batch, window),
                permission=CALENDAR_PERMISSION,
                headers=schedule.prefer_header(zone_name),
            )
            return schedule.match_answers(batch, data.get("value"))

        calls = [partial(ask, batch) for batch in schedule.batches(list(unique.values()))]
        answers: dict[str, dict[str, Any]] = {}
        for found in run_all(self._workers(), calls):
            answers.update(found)
        return [schedule.availability_from(m, answers.get(m.key), window, zone) for m in mailboxes]

    def credential_material(self) -> bytes | None:
        """The signed-in account and its refresh token: a new sign-in lifts a lockout."""
        return self.signin.credential_material()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
        self._transport.close()
        self.signin.close()

    # -- capabilities ------------------------------------------------------------------

    def room_lists(self) -> list[RoomList]:
        lists = places.room_lists(self._transport, self._workers())
        self._room_keys = frozenset(r.key for rl in lists for r in rl.rooms)
        return lists

    def search(self, query: str, limit: int = 20) -> list[Mailbox]:
        return directory.search(self._transport, query, limit, self._room_keys)

    def resolve(self, addresses: Sequence[str]) -> list[Mailbox]:
        return directory.resolve(self._transport, addresses, self._room_keys)

    def presences(self, mailboxes: Sequence[Mailbox]) -> dict[str, Presence]:
        """Teams presence (see :mod:`attendant.providers.graph.presence`)."""
        return presence.presences(self._transport, mailboxes, self._user_ids)

    def auto_replies(self, addresses: Sequence[str]) -> dict[str, AutoReply | None]:
        """Automatic replies (see :mod:`attendant.providers.graph.mailtips`)."""
        return mailtips.auto_replies(self._transport, addresses)

    def sign_in(self, *, device_code: bool = False, out: TextIO) -> str:
        """``attendant signin [--device-code]``: sign in and keep the token in the cache."""
        if device_code:
            return self.signin.sign_in_device_code(out)
        out.write("A browser window opens for signing in to Microsoft 365…\n")
        out.flush()
        return self.signin.sign_in_interactive()

    def sign_out(self) -> None:
        self.signin.sign_out()

    # -- Test Settings -----------------------------------------------------------------

    def diagnose(self) -> Iterator[CheckStep]:
        step = self._authority_step(self.signin.authority_url)
        yield step
        if step.result is StepResult.FAIL:
            return
        try:
            token = self.signin.access_token()
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
        account = self.signin.account()
        who = f"as {account}" if account else "with a cached token"
        who += (
            " (token cache encrypted)"
            if self.signin.cache_encrypted
            else " (token cache NOT encrypted: a file only this user may read)"
        )
        granted = token_scopes(token)
        if granted is None:
            yield CheckStep(
                "Signed in",
                StepResult.WARN,
                f"Signed in {who}; the token's permissions cannot be read.",
            )
            return
        missing = [
            p for p in PERMISSIONS if not granted & {permission_name(s) for s in _SATISFIED_BY[p]}
        ]
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
                "Add them to the app registration's delegated permissions; Place.Read.All "
                "needs an administrator's consent (Entra ID ▸ App registrations ▸ API "
                "permissions ▸ Grant admin consent). Then sign in again.",
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
        value = page.get("value")
        shown = len(value) if isinstance(value, list) else 0
        return CheckStep(name, StepResult.PASS, f"Consent granted ({shown} room list shown)")
