"""The soak's Graph pass: the console on the Graph provider, signed in with the real msal.

    python bench/soak.py --provider graph [--minutes 5]

The fake Entra ID and the fake Graph run in a process of their own. The authority issues
access tokens that msal keeps for five seconds (it renews a token five minutes before it
ends; these live five minutes and five seconds), so a token ends every "hour" of compressed
time and is renewed silently all through the pass. Each cycle goes through:

    baseline, Graph down, 429 with Retry-After, 503 with Retry-After, malformed JSON,
    token expiry (a renewal in the middle of the refreshes), token ended early (Graph refuses
    every token issued so far: one 401, one renewal), password changed (the refresh tokens
    are revoked: one invalid_grant, then nothing until the receptionist signs in again)

and prints each phase's figures as the Exchange pass does, with the tokens renewed and
Graph's 401 answers. Out of bounds: a 401 outside the two phases that end tokens on purpose,
a sign-in prompt or a failed logon (invalid_grant) outside the password change, more than one
failed logon at it.
"""

from __future__ import annotations

import asyncio
import io
import re
import tempfile
import time
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from soak import (
    BUSY,
    BUSY_PEOPLE,
    FREE_PEOPLE,
    INTERVAL,
    PORT_NAMES,
    ROOM_LIST,
    ROOMS,
    SERVER_IDLE_TIMEOUT,
    Soak,
)

CLIENT_ID = "5a1c3e2d-7b4f-4e6a-9c8d-0f1e2d3c4b5a"
RECEPTION = "reception@contoso.com"
#: msal renews a token 5 minutes before it ends: these are renewed after 5 s of use.
TOKEN_LIFETIME = 300 + 5
INVALID_GRANT = ("refresh_token", "invalid_grant")


def fake_graph(conn: Connection) -> None:
    """The fake Entra ID and Graph, driven through ``conn`` by the soak."""
    from tests.fakes import tls
    from tests.fakes.entra import FakeEntraAuthority
    from tests.fakes.graph import FakeGraph, GraphEvent
    from tests.fakes.httpsserver import LoopbackHTTPSServer, Response

    ca_file = Path(tempfile.mkdtemp(prefix="soak-ca-")) / "ca.pem"
    tls.write_ca_pem(ca_file)
    entra = FakeEntraAuthority(client_id=CLIENT_ID, access_token_lifetime=TOKEN_LIFETIME)
    entra.idle_timeout = SERVER_IDLE_TIMEOUT
    entra.start()
    graph = FakeGraph(token_validator=entra.valid_access_token)
    graph.idle_timeout = SERVER_IDLE_TIMEOUT
    graph.start()
    port = graph.port
    day = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    all_day = [GraphEvent(day - timedelta(days=1), day + timedelta(days=2), "busy", "All day")]
    for address in BUSY_PEOPLE + FREE_PEOPLE:
        graph.add_mailbox(address, events=list(all_day) if address in BUSY else [])
    for i, address in enumerate(ROOMS):
        events = list(all_day) if address in BUSY else []
        graph.add_room(address, f"Room {i}", capacity=4 + i, events=events)
    graph.add_room_list(ROOM_LIST, "HQ rooms", ROOMS)
    conn.send((graph.base_url, str(ca_file), entra.base_url, entra.tenant_id))
    malformed = Response(200, [("Content-Type", "application/json")], b'{"value": [{"schedu')
    while True:
        command, *args = conn.recv()
        reply: Any = None
        if command == "quit":
            graph.stop()
            entra.stop()
            conn.send(None)
            return
        if command == "stop":
            graph.stop()
        elif command == "start":
            LoopbackHTTPSServer.start(graph, port=port)  # the same address again
        elif command == "throttle":
            graph.throttle(count=1, retry_after=args[1], status=args[0])
        elif command == "malformed":
            graph.inject(malformed, count=args[0])
        elif command == "pending":
            reply = len(graph._injected)
        elif command == "end_tokens":
            entra.expire_access_tokens()
        elif command == "password":
            entra.revoke_refresh_tokens()
            entra.expire_access_tokens()  # Graph ends the sessions at once (CAE)
        elif command == "approve":
            for code in entra.pending_user_codes:
                if code == args[0]:
                    entra.approve(code, RECEPTION, "Reception Desk")
        elif command == "counters":
            reply = {
                "failed_logons": entra.grant_errors[INVALID_GRANT],
                "token_renewals": entra.grants["refresh_token"],
                "unauthorized": sum(r.status == 401 for r in graph.request_log),
                "requests": graph.requests_total,
            }
        conn.send(reply)


class Approving(io.StringIO):
    """A device-code sign-in's ``out``: the receptionist enters the code at once."""

    def __init__(self, approve: Any) -> None:
        super().__init__()
        self._approve = approve

    def write(self, text: str) -> int:
        found = re.search(r"enter the code (\w+)", text)
        if found:
            self._approve(found.group(1))
        return super().write(text)


class GraphSoak(Soak):
    """The console on the Graph provider; the faults are Graph's and the authority's."""

    def settings_text(self) -> str:
        graph_url, ca_file, authority, tenant = (
            self.exchange.url,
            self.exchange.ca_file,
            *(self.exchange.more),
        )
        people = ", ".join(f'"{a}"' for a in BUSY_PEOPLE + FREE_PEOPLE)
        return f"""schema_version = 1
[calendar]
provider = "graph"
refresh_interval_seconds = 15
grant_modern_auth = true
[calendar.graph]
tenant_id = "{tenant}"
client_id = "{CLIENT_ID}"
authority = "{authority}"
graph_url = "{graph_url}"
[network]
ca_bundle = '{ca_file}'
timeout_seconds = 30
[watch]
people = [{people}]
room_lists = ["{ROOM_LIST}"]
"""

    def name_ports(self) -> None:
        from urllib.parse import urlsplit

        PORT_NAMES[urlsplit(self.exchange.url).port or 443] = "graph"
        PORT_NAMES[urlsplit(self.exchange.more[0]).port or 443] = "authority"

    def prepare(self, settings: Any, registry: Any) -> None:
        self.sign_in(settings, registry)

    def sign_in(self, settings: Any, registry: Any) -> None:
        """``attendant signin --device-code``, into the console's token cache (blocking)."""
        from attendant.services.setup import open_provider

        provider = open_provider(
            settings, registry, token_cache=self.paths.token_cache, state_dir=self.paths.state_dir
        )
        try:
            out = Approving(lambda code: self.exchange.call("approve", code))
            assert provider.sign_in(device_code=True, out=out) == RECEPTION  # type: ignore[attr-defined]
        finally:
            provider.close()

    async def renewal(self, timeout: float) -> float | None:
        """When msal next renews the access token (seconds since the epoch), or None."""
        start = (await self.exchange("counters"))["token_renewals"]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if (await self.exchange("counters"))["token_renewals"] > start:
                return time.time()
            await asyncio.sleep(0.05)
        return None

    async def cycle(self) -> None:
        from attendant.services.state import FeedHealth
        from attendant.ui.settings.dialog import SettingsOutcome

        bound = INTERVAL + 0.5

        async def baseline() -> None:
            await self.sample(4 * INTERVAL)

        async def down() -> None:
            await self.exchange("stop")
            await asyncio.sleep(3 * INTERVAL)
            await self.exchange("start")
            await self.recovered(time.time(), bound)

        async def throttled(status: int) -> None:
            # The answer goes to whichever request comes next; when that is presence (held
            # back by itself, the statuses go on) the server throttles the next one again.
            resume, answers = None, 0
            while resume is None and answers < 3:
                answers += 1
                await self.exchange("throttle", status, 3)
                resume = await self.throttled_resume(6)
                if resume is None:
                    await self.consumed(10)
            self.phase_note(f"throttled answers sent: {answers}")
            await self.recovered(resume or time.time(), bound)

        async def too_many() -> None:
            await throttled(429)

        async def unavailable() -> None:
            await throttled(503)

        async def malformed() -> None:
            await self.exchange("malformed", 3)
            await self.recovered(await self.consumed(20), bound)

        async def token_expiry() -> None:
            # The token in use ends while the board refreshes every second: msal renews it
            # before it is sent, and the next refresh has fresh data with the new one.
            renewed = await self.renewal(3 * TOKEN_LIFETIME - 600)
            self.phase_note("renewed" if renewed is not None else "no renewal seen")
            await self.recovered(renewed or time.time(), bound)

        async def ended_early() -> None:
            await self.exchange("end_tokens")
            await self.recovered(time.time(), bound)

        async def password_changed() -> None:
            loop = asyncio.get_running_loop()
            before = (await self.exchange("counters"))["failed_logons"]
            await self.exchange("password")
            await self.wait_for(lambda: self.service.state.health is FeedHealth.BLOCKED, 15)
            await asyncio.sleep(4 * INTERVAL)  # blocked: nothing more may be sent
            failed = (await self.exchange("counters"))["failed_logons"] - before
            shown = self.service.state.error
            self.phase_note(f"the window said: {shown.message if shown else None}")
            self.figures.failed_logons.append(failed)
            loaded = self.flow.loaded
            assert loaded is not None
            # The receptionist signs in again in the settings dialog and presses OK.
            settings, registry = loaded.settings, self.registry
            await loop.run_in_executor(
                self.exchange._thread, lambda: self.sign_in(settings, registry)
            )
            self.flow.apply(SettingsOutcome(settings))
            await self.recovered(time.time(), bound)
            await asyncio.sleep(3 * INTERVAL)
            after = (await self.exchange("counters"))["failed_logons"] - before - failed
            self.figures.failed_logons.append(after)
            self.phase_note(f"failed logons: {failed} at the change, {after} after")

        for name, body in (
            ("baseline", baseline),
            ("down", down),
            ("429 Retry-After", too_many),
            ("503 Retry-After", unavailable),
            ("malformed JSON", malformed),
            ("token expiry", token_expiry),
            ("token ended early", ended_early),
            ("password changed", password_changed),
        ):
            await self.run_phase(name, body)
        self.end_cycle()
