# ruff: noqa: F811 - the fixtures of test_graph.py are imported by name
"""A provider that is closed leaves no connection open: to the authority, Graph or Exchange.

The console opens a new provider at every settings change and sign-in. Found by the soak:
each old provider kept its connection to the sign-in authority (msal's session), so the
console's sockets grew by one at every password change. And urllib3 2 forgets the pools of
a closed session without closing them: their connections stayed open until the collector
freed the pools, which the fan-out's reference cycles put off until a full collection (held
back by the console, services/collector.py).
"""

from __future__ import annotations

import gc
import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from attendant.domain import Mailbox, Window
from tests.fakes.helpers import exchange_provider
from tests.providers.test_graph import (  # noqa: F401 - fixtures by name
    World,
    boxes,
    make_world,
    rome_day,
    world,
)

pytest_plugins = ("tests.fakes.fixtures",)


def connections_to(port: int) -> int:
    """This process's TCP connections whose far end is ``port`` on loopback (Linux)."""
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[2].rsplit(":", 1)[1], 16) == port and fields[3] in ("01", "08"):
                inodes.add(fields[9])  # established, or closed by the server (close-wait)
    mine = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        mine += target.startswith("socket:") and target[8:-1] in inodes
    return mine


def test_a_closed_graph_provider_keeps_no_connection_open(world: World) -> None:
    provider = world.provider()
    provider.get_availability(boxes("alice@contoso.com"), rome_day())
    world.signin.access_token(force_refresh=True)  # a renewal: msal's session is used
    assert connections_to(world.entra.port) >= 1
    assert connections_to(world.graph.port) >= 1
    provider.close()
    assert connections_to(world.entra.port) == 0
    assert connections_to(world.graph.port) == 0


def test_a_closed_exchange_provider_keeps_no_connection_open_without_a_collection(
    make_ews, ca_file
) -> None:
    rome = ZoneInfo("Europe/Rome")
    day = Window(datetime(2026, 11, 23, tzinfo=rome), datetime(2026, 11, 24, tzinfo=rome))
    ews = make_ews(validate=False, validate_responses=False)
    addresses = [f"person{i}@contoso.com" for i in range(300)]
    for address in addresses:
        ews.add_mailbox(address, address)
    ews.latency = 0.1  # the three batches side by side (after one GET alone): three connections
    gc.disable()  # as the console holds full collections back
    try:
        provider = exchange_provider(ews, ca_file, zone=rome)
        answers = provider.get_availability([Mailbox(a) for a in addresses], day)
        assert len(answers) == 300
        assert connections_to(ews.port) >= 2
        provider.close()
        assert connections_to(ews.port) == 0
    finally:
        gc.enable()
