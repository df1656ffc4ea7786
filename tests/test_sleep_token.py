"""After a sleep longer than the access token's life, the token is renewed before it is used.

A laptop closed at lunch wakes with a token that expired while it slept. The wall clock of the
whole process (the real msal, the fake Entra ID and the fakes of Graph and Exchange, which all
judge expiry by it) jumps two hours while the monotonic clock stands still: that is what a
sleep looks like to a program. The wake watch notices the gap between the clocks, the refresh
service refreshes at once, and msal renews the token with the refresh token before anything
is sent: no request carries the expired token (the fakes answer such a request 401), there is
no 401 round trip, no sign-in prompt and no failed logon.
"""

from __future__ import annotations

import asyncio
import io
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from attendant.domain import WatchList
from attendant.providers.base import FreeBusyProvider
from attendant.providers.graph import scopes_for
from attendant.providers.graph.provider import GraphProvider
from attendant.providers.graph.transport import GraphTransport, make_session
from attendant.providers.office365 import Office365Provider
from attendant.providers.signin import MsalSignIn
from attendant.providers.tls import trust_context
from attendant.services.lockout import LockoutGuard
from attendant.services.refresh import RefreshService
from attendant.services.state import FeedHealth, RefreshState
from attendant.ui.window.wakeup import WakeWatch
from tests.fakes.entra import FakeEntraAuthority
from tests.fakes.graph import FakeGraph
from tests.fakes.helpers import seed_contoso

pytest_plugins = ("tests.fakes.fixtures",)  # ca_file, make_entra, make_ews

ROME = ZoneInfo("Europe/Rome")
USER = "reception@contoso.com"
CLIENT_ID = "0f2c1a6e-7d4b-4e8a-9c3f-2b1d0e9a8c7f"
LIFETIME = 3600  # Entra ID's usual access token
ASLEEP = 2 * LIFETIME + 600  # the lunch break and the afternoon meeting


class Approving(io.StringIO):
    """A device-code sign-in's ``out``: the person enters the printed code at once."""

    def __init__(self, authority: FakeEntraAuthority) -> None:
        super().__init__()
        self.authority = authority

    def write(self, text: str) -> int:
        found = re.search(r"enter the code (\w+)", text)
        if found:
            self.authority.approve(found.group(1), USER)
        return super().write(text)


@dataclass
class World:
    provider: FreeBusyProvider
    authority: FakeEntraAuthority
    #: Requests the calendar server refused for their token (401), so far.
    refused: Callable[[], int]
    #: Requests the calendar server received, so far.
    received: Callable[[], int]
    stop: Callable[[], None] = lambda: None


def graph_world(
    make_entra: Callable[..., FakeEntraAuthority], ca_file: Path, tmp_path: Path
) -> World:
    authority = make_entra(access_token_lifetime=LIFETIME)
    graph = FakeGraph(token_validator=authority.valid_access_token).start()
    for address in ("alice@contoso.com", "bob@contoso.com"):
        graph.add_mailbox(address)
    signin = MsalSignIn(
        authority=authority.base_url,
        tenant_id=authority.tenant_id,
        client_id=CLIENT_ID,
        scopes=scopes_for(graph.base_url),
        cache_path=tmp_path / "token_cache.bin",
        timeout=10,
        trust=trust_context(str(ca_file)),
    )
    transport = GraphTransport(
        graph.base_url, signin, session=make_session(trust_context(str(ca_file))), timeout=10
    )
    provider = GraphProvider(transport, signin)
    assert provider.sign_in(device_code=True, out=Approving(authority)) == USER
    return World(
        provider,
        authority,
        lambda: sum(record.status == 401 for record in graph.request_log),
        lambda: graph.requests_total,
        graph.stop,
    )


def office365_world(
    make_entra: Callable[..., FakeEntraAuthority],
    make_ews: Callable[..., Any],
    ca_file: Path,
    tmp_path: Path,
) -> World:
    authority = make_entra(access_token_lifetime=LIFETIME)
    ews = make_ews(
        auth=("bearer",), bearer_validator=authority.valid_access_token, version="Exchange2016"
    )
    seed_contoso(ews, date.today(), tz=ROME)
    provider = Office365Provider(
        tenant_id=authority.tenant_id,
        client_id=CLIENT_ID,
        authority=authority.base_url,
        ews_url=ews.url,
        token_cache=tmp_path / "token_cache.bin",
        ca_bundle=str(ca_file),
        timeout_seconds=10,
        zone=ROME,
    )
    assert provider.sign_in(device_code=True, out=Approving(authority)) == USER
    # A bearer token the fake refuses is a failed logon.
    return World(provider, authority, lambda: int(ews.failed_logons), lambda: ews.requests_total)


@pytest.mark.timeout(60)
@pytest.mark.parametrize("kind", ["graph", "office365"])
def test_a_token_that_expired_during_a_sleep_is_renewed_before_it_is_used(
    kind: str, qtbot, make_entra, make_ews, ca_file: Path, tmp_path: Path
) -> None:
    if kind == "graph":
        world = graph_world(make_entra, ca_file, tmp_path)
    else:
        world = office365_world(make_entra, make_ews, ca_file, tmp_path)
    provider, authority = world.provider, world.authority
    watch = WatchList(people=("alice@contoso.com", "bob@contoso.com"))
    states: list[RefreshState] = []

    async def go() -> tuple[int, int, int]:
        service = RefreshService(
            provider, watch, interval_seconds=3600, guard=LockoutGuard(tmp_path / "state")
        )
        service.subscribe(states.append)
        woken = WakeWatch(service.wake, network=False)  # the real clocks
        service.start()
        try:
            while service.state.health is not FeedHealth.OK:
                assert service.state.health in (FeedHealth.STARTING,), service.state
                await asyncio.sleep(0.01)
            # The machine goes to sleep when nothing is on its way (presence and the like
            # follow a refresh): a request in flight across a sleep is another matter.
            quiet_since, seen = time.monotonic(), world.received()
            while time.monotonic() - quiet_since < 0.5:
                await asyncio.sleep(0.02)
                if world.received() != seen:
                    quiet_since, seen = time.monotonic(), world.received()
            before = service.state.last_success
            grants = sum(1 for r in authority.request_log if r.grant_type == "refresh_token")
            refused = world.refused()
            with time_machine.travel(time.time() + ASLEEP, tick=True):
                woken.check_clocks()  # what its timer does every few seconds
                deadline = time.monotonic() + 20
                while service.state.last_success == before:
                    assert time.monotonic() < deadline, service.state
                    await asyncio.sleep(0.01)
                assert service.state.last_success is not None
                assert service.state.last_success.timestamp() >= datetime.now().timestamp() - 60
            renewed = sum(1 for r in authority.request_log if r.grant_type == "refresh_token")
            return grants, renewed, world.refused() - refused
        finally:
            woken.stop()
            await service.aclose()

    try:
        grants, renewed, refused = asyncio.run(go())
    finally:
        provider.close()
        world.stop()
    assert grants == 0  # until the sleep, the token of the sign-in did
    assert renewed == 1  # renewed once, with the refresh token, before the first request
    assert refused == 0  # no request carried the expired token
    assert authority.grant_errors == {}  # no failed logon at the authority
    shown = {state.health for state in states}
    assert shown <= {FeedHealth.STARTING, FeedHealth.OK}, shown  # no sign-in prompt, no error
