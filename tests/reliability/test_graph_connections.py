# ruff: noqa: F811 - the fixtures of test_graph.py are imported by name
"""Connections to Graph are closed or reused, however often Graph goes down and comes back.

Found by the soak (bench/soak_graph.py): the console's sockets went from 6 to 12 over a few
"days" of Graph going down and coming back. A server that goes away closes its end of every
connection; urllib3 takes the newest idle connection for the next request and notices only
that one, so the others stayed half closed (CLOSE_WAIT) in the pool, one more after each
outage that came after a burst of requests. And a call still running in a thread when its
provider was closed (new settings, a sign-in) opened new connections in the closed session,
which nothing closed again. Counted here from the process's own descriptors (Linux).
"""

from __future__ import annotations

import collections
import gc
import os
import weakref
from pathlib import Path

import pytest

from attendant.providers.errors import ProviderError, Unreachable
from attendant.providers.graph.transport import MAX_IN_FLIGHT
from tests.fakes.httpsserver import LoopbackHTTPSServer
from tests.providers.test_graph import (  # noqa: F401 - fixtures by name
    World,
    boxes,
    make_world,
    rome_day,
    world,
)

pytest_plugins = ("tests.fakes.fixtures",)

#: Four getSchedule batches of 20, sent side by side: the pool holds up to four connections.
MANY = boxes(*(f"person.{i}@contoso.com" for i in range(4 * 20)))


def connections_to(port: int) -> collections.Counter[str]:
    """This process's TCP connections to ``port`` on loopback, by state."""
    states = {"01": "established", "08": "close-wait"}
    found: dict[str, str] = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[2].rsplit(":", 1)[1], 16) == port:
                found[fields[9]] = states.get(fields[3], fields[3])
    mine: collections.Counter[str] = collections.Counter()
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:") and target[8:-1] in found:
            mine[found[target[8:-1]]] += 1
    return mine


@pytest.fixture
def graph_world(world: World):
    world.graph.latency = 0.2  # the four batches overlap: four connections in the pool
    return world


def test_graph_going_down_and_back_leaves_no_half_closed_connection(graph_world: World) -> None:
    graph = graph_world.graph
    port = graph.port
    provider = graph_world.provider()
    gc.disable()  # as the console holds full collections back (services/collector.py)
    try:
        provider.get_availability(MANY, rome_day())
        assert connections_to(port)["established"] >= 2  # a pool of several connections
        seen = []
        for _ in range(3):
            graph.stop()  # closes its end of every connection
            with pytest.raises(ProviderError):
                provider.get_availability(boxes("alice@contoso.com"), rome_day())
            LoopbackHTTPSServer.start(graph, port=port)
            provider.get_availability(boxes("alice@contoso.com"), rome_day())
            held = connections_to(port)
            assert held["close-wait"] == 0, held
            provider.get_availability(MANY, rome_day())
            seen.append(sum(connections_to(port).values()))
        assert max(seen) <= MAX_IN_FLIGHT, seen
        provider.close()
        # At once: the fan-out's finished threads and their last requests sit in reference
        # cycles that hold the pool until a full collection, which used to close its
        # connections (urllib3 2 forgets the pools of a closed session without closing them).
        assert sum(connections_to(port).values()) == 0
    finally:
        provider.close()  # again, when an assertion failed before the first (it is idempotent)
        gc.enable()


def test_connections_the_server_closed_while_idle_are_closed_at_the_next_request(
    graph_world: World,
) -> None:
    """No request while Graph was away (the console between two refreshes): the next one
    still finds every half-closed connection and closes it."""
    graph = graph_world.graph
    port = graph.port
    provider = graph_world.provider()
    try:
        provider.get_availability(MANY, rome_day())
        graph.stop()
        LoopbackHTTPSServer.start(graph, port=port)
        assert connections_to(port)["close-wait"] >= 2
        provider.get_availability(boxes("alice@contoso.com"), rome_day())
        held = connections_to(port)
        assert held["close-wait"] == 0 and held["established"] == 1, held
    finally:
        provider.close()


def test_a_closed_provider_opens_no_new_connection(graph_world: World) -> None:
    """A call still running in a thread when the provider is closed sends nothing more."""
    provider = graph_world.provider()
    provider.get_availability(boxes("alice@contoso.com"), rome_day())
    provider.close()
    assert sum(connections_to(graph_world.graph.port).values()) == 0
    with pytest.raises(ProviderError, match="closed"):
        provider.get_availability(boxes("alice@contoso.com"), rome_day())
    assert sum(connections_to(graph_world.graph.port).values()) == 0


def test_a_failure_of_graph_keeps_no_connection_alive(graph_world: World) -> None:
    """A failure is kept a while (in futures, in the state the window shows): it must not keep
    urllib3's pool, and the connections in it, alive with it. Found by the soak: after the
    feed was closed, sockets were still held by Unreachable errors through their requests
    cause, in a reference cycle of the fan-out that only a full collection frees."""
    provider = graph_world.provider()
    try:
        provider.get_availability(MANY, rome_day())
        graph_world.graph.stop()
        gc.disable()  # as the console holds full collections back (services/collector.py)
        try:
            with pytest.raises(Unreachable) as caught:
                provider.get_availability(MANY, rome_day())  # four batches side by side
            error = caught.value
            assert error.__cause__ is None and error.__context__ is None
            gone = weakref.ref(error)
            del error, caught
            assert gone() is None  # freed at once, not when the collector gets to it
        finally:
            gc.enable()
    finally:
        provider.close()
