"""Benchmark: free/busy of 1,000 mailboxes from the Graph provider against the fake Graph.

Not a test: ``python bench/bench_graph.py [--mailboxes N] [--latency SECONDS]``. The fake
answers every request after ``latency`` seconds; it measures what ``attendant availability``
does with a watch list of N people (the list expanded with no name lookup, then getSchedule),
20 mailboxes a request with at most 4 requests in flight. The ideal wall time is
ceil(N / 20) round trips times the latency, divided by the concurrency actually used; the
goal is at most 1.3 times that.
"""

from __future__ import annotations

import argparse
import io
import math
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from loguru import logger

from attendant.domain import WatchList, Window
from attendant.providers.graph import scopes_for
from attendant.providers.graph.provider import GraphProvider
from attendant.providers.graph.transport import GraphTransport, make_session
from attendant.providers.signin import MsalSignIn
from attendant.providers.tls import trust_context
from attendant.services.watch import watched_mailboxes
from tests.fakes import tls
from tests.fakes.entra import FakeEntraAuthority
from tests.fakes.graph import FakeGraph, GraphEvent

ROME = ZoneInfo("Europe/Rome")
DAY = date(2026, 11, 23)


class _Approver(io.StringIO):
    """Approves the device code as soon as the sign-in prints it."""

    def __init__(self, entra: FakeEntraAuthority) -> None:
        super().__init__()
        self.entra = entra

    def write(self, text: str) -> int:
        for code in self.entra.pending_user_codes:
            self.entra.approve(code, "reception@contoso.com")
        return super().write(text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mailboxes", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=0.1)
    args = parser.parse_args()
    logger.remove()  # the figures only
    folder = Path(tempfile.mkdtemp(prefix="attendant-bench-"))
    ca_file = tls.write_ca_pem(folder / "ca.pem")
    entra = FakeEntraAuthority().start()
    graph = FakeGraph(token_validator=entra.valid_access_token).start()
    try:
        addresses = [f"person{i:05d}@contoso.com" for i in range(args.mailboxes)]
        start = datetime.combine(DAY, dtime(9), tzinfo=ROME)
        for i, address in enumerate(addresses):
            graph.add_mailbox(
                address,
                events=[
                    GraphEvent(
                        start + timedelta(minutes=30 * (i % 16)),
                        start + timedelta(minutes=30 * (i % 16) + 45),
                        "busy",
                        f"Meeting {i}",
                    ),
                ],
            )
        trust = trust_context(str(ca_file))
        signin = MsalSignIn(
            authority=entra.base_url,
            tenant_id=entra.tenant_id,
            client_id="5a1c3e2d-7b4f-4e6a-9c8d-0f1e2d3c4b5a",
            scopes=scopes_for(graph.base_url),
            cache_path=None,
            trust=trust,
        )
        signin.sign_in_device_code(_Approver(entra))
        transport = GraphTransport(graph.base_url, signin, session=make_session(trust))
        provider = GraphProvider(transport, signin)
        window = Window(
            datetime.combine(DAY, dtime(0), tzinfo=ROME),
            datetime.combine(DAY + timedelta(days=1), dtime(0), tzinfo=ROME),
        )
        graph.latency = args.latency
        # What `attendant availability` does with a watch list of N people: expand it (no
        # display-name lookup: names never sit on the statuses' path), then ask getSchedule.
        watch = WatchList(people=tuple(addresses))
        began = time.perf_counter()
        mailboxes = watched_mailboxes(provider, watch, None)
        answers = provider.get_availability(mailboxes, window)
        wall = time.perf_counter() - began
        provider.close()
    finally:
        graph.stop()
        entra.stop()
    errors = sum(1 for a in answers if a.error is not None)
    events = sum(len(a.events) for a in answers)
    round_trips = math.ceil(args.mailboxes / 20)
    concurrency = graph.max_in_flight
    ideal = round_trips * args.latency / concurrency
    print(f"mailboxes            {args.mailboxes}  ({errors} with errors, {events} events)")
    print(f"latency per response {args.latency * 1000:.0f} ms")
    print(
        f"requests sent        {graph.requests_total} (getSchedule {graph.routes['getSchedule']}, "
        f"users {graph.routes['users']})"
    )
    print(f"largest batch        {max(len(b) for b in graph.schedule_batches)} schedules")
    print(f"concurrency used     {concurrency} requests in flight at most")
    print(f"wall time            {wall:.3f} s")
    print(
        f"ideal                {ideal:.3f} s  (ceil({args.mailboxes}/20) = {round_trips} round "
        f"trips x {args.latency * 1000:.0f} ms / {concurrency})"
    )
    print(f"ratio to ideal       {wall / ideal:.2f}x  (goal <= 1.30x)")
    return 0 if wall / ideal <= 1.3 else 1


if __name__ == "__main__":
    raise SystemExit(main())
