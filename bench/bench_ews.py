"""Benchmark: free/busy of many mailboxes from the exchange provider against the fake Exchange.

Not a test: ``python bench/bench_ews.py [--mailboxes 1000 5000] [--latency 0.1]
[--concurrency 4] [--fake-cpu memoised|full]``. The fake runs in its own process and answers
every request ``latency`` seconds after it came (it checks the credentials first, as IIS does
before EWS runs, and then does its own work within that time, as a server's response time
includes the server's work); memoised, it has computed every answer asked for below before
the first run.
For each size it measures, from one run:

- a cold ``attendant availability --json`` on a watch list of N people, with an empty state
  folder (no name cache, credentials never proven), run in-process through the CLI's ``main``
  (the interpreter and imports are warm: what is measured is the command's own work), the
  desk in Rome;
- the provider's first refresh (credentials not yet proven in this process),
- the provider's steady refresh (the median of three),
- the floor: the same GetUserAvailability bytes sent again by the thinnest client (requests
  over ``concurrency`` kept-alive connections, answers read, not parsed): what the transport
  and the fake cost on this machine, below which no client can go;
- the same floor on connections each run opens (TLS handshakes, as a cold command's): below
  it no cold command can go, whatever it does before its first request;
- the steady refresh with NTLM (connections signed in; no request goes alone first),
- the naive baseline, exchangelib's ``protocol.get_free_busy_info`` as documented (one
  GetUserAvailability per 100 mailboxes, one after another, after a GetServerTimeZones).

With Basic, every fan-out first sends one authenticated GET of the EWS URL alone (the lockout
promise: a wrong or changed password costs one failed logon); the fake answers it without
the latency, which stands for the server's EWS work (on a LAN the GET costs about a
millisecond; over a WAN a round trip). With NTLM a connection signs in once and then sends no
password, so only a connection that has to sign in again waits for the first one to succeed.
Then up to ``concurrency`` GetUserAvailability requests go at once. It prints requests sent,
wall time and two ratios: to the ideal wall time, ceil(N / 100) round trips times the latency
divided by the concurrency (10 round trips at 4 in flight: 0.25 s at 1,000 mailboxes and
100 ms), and to the least wall time those requests can take, whole rounds of ``concurrency``
(3 rounds, 0.3 s: 1.2 times the ideal). Goal: cold and steady at most 1.3 times the ideal.
Then it shows what the concurrency buys: the steady refresh of the first size at 1, 2, 4 and
8 requests in flight.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from exchangelib import BASIC, Configuration, Credentials, EWSDateTime, EWSTimeZone, Version
from exchangelib.protocol import BaseProtocol, Protocol, close_connections
from exchangelib.version import EXCHANGE_2013_SP1
from loguru import logger

from attendant.domain import Mailbox, Window
from attendant.providers.ews.fanout import DEFAULT_CONCURRENCY
from attendant.providers.exchange import ExchangeProvider
from tests.fakes import FakeEvent, FakeEWS, tls
from tests.fakes.ews_model import FakeMailbox
from tests.fakes.helpers import DEFAULT_PASSWORD, DEFAULT_USERNAME, ca_trusting_adapter

ROME = ZoneInfo("Europe/Rome")
#: Runs a steady figure is the median of.
STEADY_RUNS = 3
DAY = date(2026, 11, 23)


def seed(ews: FakeEWS, count: int) -> list[str]:
    """``count`` mailboxes with a believable day each (three meetings)."""
    addresses = []
    for i in range(count):
        address = f"person{i:05d}@contoso.com"
        hour = 8 + i % 8
        start = datetime(DAY.year, DAY.month, DAY.day, hour, tzinfo=ROME)
        ews.add_mailbox(
            address,
            f"Person {i}",
            events=[
                FakeEvent(start, start + timedelta(minutes=30), "Busy", subject="Stand-up"),
                FakeEvent(start + timedelta(hours=1), start + timedelta(hours=2), "Tentative"),
                FakeEvent(start + timedelta(hours=4), start + timedelta(hours=5), "Busy"),
            ],
        )
        addresses.append(address)
    return addresses


def serve(conn: Connection, latency: float, count: int, memoise: bool) -> None:
    """The fake Exchange in its own process, so that its CPU time does not compete with the
    client's for one interpreter lock (as a real server's does not)."""
    if memoise:
        _memoise_fake()
    fake = FakeEWS(
        latency=latency, auth=("basic", "ntlm"), validate=False, validate_responses=False
    )
    with fake as ews:
        conn.send((ews.url, seed(ews, count)))
        while (command := conn.recv()) != "stop":
            if isinstance(command, tuple):  # ("bodies", n): the last n free/busy requests
                asked = [r.body for r in ews.request_log if r.operation == "GetUserAvailability"]
                conn.send(asked[-command[1] :])
                continue
            conn.send([_label(r.operation, r.status) for r in ews.request_log[command:]])


def _label(operation: str | None, status: int) -> str:
    if status == 401:
        return "401 (sign-in)"
    return "GET (credentials)" if operation is None else operation


def _memoise_fake() -> None:
    """Make the fake's answers nearly free to compute (in the server process only).

    The fake builds each answer in Python, about 15 ms for 100 mailboxes, and one interpreter
    builds the answers to concurrent requests one after another; a real Exchange builds them
    on several cores at once. Without this, four requests in flight wait some 60 ms for the
    fake itself and the figures measure the fake, not Attendant. Each mailbox's part of the
    answer is a pure function of the mailbox and the window, so it is computed once.
    """
    from tests.fakes import ews_ops

    build = ews_ops._free_busy_view
    memo: dict[tuple[object, ...], str] = {}

    def remembered(mailbox: FakeMailbox, *args: object) -> str:
        key = (id(mailbox), *args)
        if key not in memo:
            memo[key] = build(mailbox, *args)
        return memo[key]

    ews_ops._free_busy_view = remembered


class Server:
    """The fake in a child process: its URL, seeded addresses and a request log to ask."""

    def __init__(self, latency: float, count: int, memoise: bool) -> None:
        self._conn, child = multiprocessing.Pipe()
        self._process = multiprocessing.Process(
            target=serve, args=(child, latency, count, memoise), daemon=True
        )
        self._process.start()
        child.close()  # so that a crashed server is an EOFError here, not a hang
        self.url, self.addresses = self._conn.recv()
        self._seen = 0

    def operations_since_last(self) -> Counter[str]:
        self._conn.send(self._seen)
        operations = self._conn.recv()
        self._seen += len(operations)
        return Counter(operations)

    def bodies(self, count: int) -> list[bytes]:
        """The last ``count`` GetUserAvailability requests as the fake received them."""
        self._conn.send(("bodies", count))
        bodies: list[bytes] = self._conn.recv()
        return bodies

    def stop(self) -> None:
        self._conn.send("stop")
        self._process.join(10)


def warm_fake(server: Server, ca_file: Path, window: Window) -> None:
    """Have the memoised fake compute every answer the runs will ask for, before anything
    is measured: otherwise the first run to ask (the cold command, then the first refresh)
    waits for the fake's single-process answer building, some 60 ms a round of four, which
    is what memoising is there to leave out. The requests are Attendant's own bytes, built
    without Attendant's trust store (the cold run must build that itself) and sent by the
    thinnest client."""
    import ssl

    from attendant.providers.ews.freebusy_request import RequestWriter
    from attendant.providers.ews.protocol import make_protocol

    protocol = make_protocol(
        endpoint=server.url,
        credentials=Credentials(DEFAULT_USERNAME, DEFAULT_PASSWORD),
        auth_type=BASIC,
        version=Version(build=EXCHANGE_2013_SP1),
        trust=ssl.create_default_context(),
        timeout=30,
        max_connections=1,
    )
    writer = RequestWriter(protocol, window, ROME)
    addresses = server.addresses
    bodies = [writer.body(addresses[i : i + 100]) for i in range(0, len(addresses), 100)]
    protocol.close()
    floor(server.url, ca_file, bodies, DEFAULT_CONCURRENCY)()
    server.operations_since_last()


def measure(
    server: Server, run: Callable[[], int | Callable[[], int]]
) -> tuple[Counter[str], float, int]:
    """Requests sent, wall time and answers of one ``run``. A run may return how to count
    its answers instead of the count (the command's output is read after the clock stops)."""
    server.operations_since_last()
    began = time.perf_counter()
    answered = run()
    elapsed = time.perf_counter() - began
    return server.operations_since_last(), elapsed, answered() if callable(answered) else answered


def attendant(url: str, ca_file: Path, concurrency: int, auth: str = "basic") -> ExchangeProvider:
    return ExchangeProvider(
        ews_url=url,
        version="Exchange2013_SP1",
        username=DEFAULT_USERNAME,
        auth=auth,
        password=lambda: DEFAULT_PASSWORD,
        ca_bundle=str(ca_file),
        concurrency=concurrency,
        zone=ROME,
    )


def baseline(url: str, addresses: list[str]) -> int:
    """exchangelib's documented way: Protocol.get_free_busy_info (sequential 100-batches)."""
    close_connections()
    protocol = Protocol(
        config=Configuration(
            service_endpoint=url,
            credentials=Credentials(DEFAULT_USERNAME, DEFAULT_PASSWORD),
            auth_type=BASIC,
            version=Version(build=EXCHANGE_2013_SP1),
        )
    )
    start = EWSDateTime(DAY.year, DAY.month, DAY.day, tzinfo=EWSTimeZone("Europe/Rome"))
    views = protocol.get_free_busy_info(
        [(a, "Required", False) for a in addresses], start, start + timedelta(days=1)
    )
    return sum(1 for _ in views)


def floor(
    url: str, ca_file: Path, bodies: list[bytes], concurrency: int, *, new_connections: bool = False
) -> Callable[[], int]:
    """The same request bytes Attendant sent, over ``concurrency`` kept-alive connections, by
    the thinnest client (requests, Basic, answers read but not parsed): what the transport
    and the fake cost on this machine, which no client can go below.

    ``new_connections``: every run opens its connections (TLS handshakes), as a cold command
    must; the sessions are made before the clock starts."""
    import threading

    import requests

    def connections() -> list[requests.Session]:
        sessions = []
        for _ in range(concurrency):
            session = requests.Session()
            session.mount("https://", ca_trusting_adapter(ca_file)())
            session.auth = (DEFAULT_USERNAME, DEFAULT_PASSWORD)
            session.headers["Content-Type"] = "text/xml; charset=utf-8"
            sessions.append(session)
        return sessions

    # New connections: one unused set for each run steady() makes.
    sets = [connections() for _ in range(STEADY_RUNS if new_connections else 1)]

    def run() -> int:
        sessions = sets.pop() if new_connections else sets[0]
        queue = iter(bodies)
        lock = threading.Lock()
        answered = [0]

        def worker(session: requests.Session) -> None:
            while True:
                with lock:
                    body = next(queue, None)
                if body is None:
                    return
                response = session.post(url, data=body, timeout=30)
                assert response.status_code == 200, response.status_code
                with lock:
                    answered[0] += response.content.count(b"<m:FreeBusyResponse>")

        threads = [threading.Thread(target=worker, args=(s,)) for s in sessions]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return answered[0]

    return run


def cold_cli(
    url: str, ca_file: Path, addresses: list[str], folder: Path
) -> Callable[[], Callable[[], int]]:
    """``attendant availability --json`` on a fresh per-user folder: nothing cached, nothing
    proven. Returns the run, which returns how to count the entries the command printed."""
    import contextlib
    import io
    import json
    import os

    from attendant.cli import main as cli_main
    from attendant.log import shutdown_logging

    people = ",\n".join(f'    "{a}"' for a in addresses)
    config = folder / "settings.toml"
    config.write_text(
        f"""schema_version = 2
[calendar]
provider = "exchange"
[calendar.exchange]
ews_url = "{url}"
version = "Exchange2013_SP1"
username = '{DEFAULT_USERNAME}'
auth = "basic"
[network]
ca_bundle = '{ca_file}'
[watch]
people = [
{people}
]
""",
        encoding="utf-8",
    )
    runs = [0]

    def run() -> Callable[[], int]:
        runs[0] += 1
        home = folder / f"user{runs[0]}"
        for name, sub in (
            ("XDG_CONFIG_HOME", "config"),
            ("XDG_DATA_HOME", "data"),
            ("XDG_STATE_HOME", "state"),
            ("XDG_CACHE_HOME", "cache"),
        ):
            os.environ[name] = str(home / sub)
        os.environ["ATTENDANT_PASSWORD"] = DEFAULT_PASSWORD
        os.environ["TZ"] = "Europe/Rome"  # the desk's day, as the provider runs ask for it
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = cli_main(
                [
                    "availability",
                    "--config",
                    str(config),
                    "--json",
                    "--at",
                    "2026-11-23T10:15:00+01:00",
                ]
            )
        shutdown_logging()
        assert code == 0, code
        output = out.getvalue()
        return lambda: len(json.loads(output)["entries"])  # read after the clock stops

    return run  # fmt: skip


def steady(server: Server, run: Callable[[], int]) -> Row:
    """The median of three refreshes with proven credentials."""
    runs = sorted((measure(server, run) for _ in range(STEADY_RUNS)), key=lambda r: r[1])
    return runs[STEADY_RUNS // 2]


Row = tuple[Counter[str], float, int]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mailboxes", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--concurrency", type=int, default=DEFAULT_CONCURRENCY)
    parser.add_argument(
        "--fake-cpu",
        choices=("memoised", "full"),
        default="memoised",
        help="memoised: the fake computes each mailbox's answer once (a multi-core server); "
        "full: every answer is built again by the single-process fake",
    )
    args = parser.parse_args()
    logger.remove()  # the figures only
    folder = Path(tempfile.mkdtemp(prefix="attendant-bench-"))
    ca_file = tls.write_ca_pem(folder / "ca.pem")
    BaseProtocol.HTTP_ADAPTER_CLS = ca_trusting_adapter(ca_file)  # the baseline's trust
    start = datetime(DAY.year, DAY.month, DAY.day, tzinfo=ROME)
    window = Window(start, start + timedelta(days=1))
    rows: list[tuple[int, str, Row, float]] = []
    sweep: list[tuple[int, Row]] = []
    # The tests validate every request against the schema; the benchmark measures round
    # trips, so the fake (in its own process) skips validation.
    server = Server(args.latency, max(args.mailboxes), args.fake_cpu == "memoised")
    try:
        if args.fake_cpu == "memoised":
            warm_fake(server, ca_file, window)
        for count in args.mailboxes:
            mailboxes = [Mailbox(a) for a in server.addresses[:count]]
            ideal = math.ceil(count / 100) * args.latency / args.concurrency
            cli = cold_cli(server.url, ca_file, server.addresses[:count], folder)
            rows.append((count, "attendant availability, cold", measure(server, cli), ideal))
            provider = attendant(server.url, ca_file, args.concurrency)

            def ours(p: ExchangeProvider = provider, m: list[Mailbox] = mailboxes) -> int:
                return len(p.get_availability(m, window))

            rows.append((count, "attendant, first refresh", measure(server, ours), ideal))
            rows.append((count, "attendant, steady refresh", steady(server, ours), ideal))
            provider.close()
            bodies = server.bodies(math.ceil(count / 100))
            thin = floor(server.url, ca_file, bodies, args.concurrency)
            thin()  # connections open, as the steady refresh's are
            rows.append((count, "floor: same bytes, raw HTTP", steady(server, thin), ideal))
            thin = floor(server.url, ca_file, bodies, args.concurrency, new_connections=True)
            rows.append((count, "floor, new connections", steady(server, thin), ideal))
            ntlm = attendant(server.url, ca_file, args.concurrency, auth="ntlm")
            ntlm.get_availability(mailboxes, window)  # connections signed in

            def ours_ntlm(p: ExchangeProvider = ntlm, m: list[Mailbox] = mailboxes) -> int:
                return len(p.get_availability(m, window))

            rows.append((count, "attendant, steady (NTLM)", steady(server, ours_ntlm), ideal))
            ntlm.close()
            addresses = server.addresses[:count]
            rows.append(
                (
                    count,
                    "baseline get_free_busy_info",
                    measure(server, lambda a=addresses: baseline(server.url, a)),
                    ideal,
                )
            )
        count = args.mailboxes[0]
        mailboxes = [Mailbox(a) for a in server.addresses[:count]]
        for concurrency in (1, 2, 4, 8):
            provider = attendant(server.url, ca_file, concurrency)
            provider.get_availability(mailboxes[:1], window)  # proves the password

            def at(p: ExchangeProvider = provider) -> int:
                return len(p.get_availability(mailboxes, window))

            sweep.append((concurrency, steady(server, at)))
            provider.close()
    finally:
        server.stop()
    report(args, rows, sweep)
    return 0


def report(
    args: argparse.Namespace, rows: list[tuple[int, str, Row, float]], sweep: list[tuple[int, Row]]
) -> None:
    print(
        f"latency {args.latency * 1000:.0f} ms per answer; fake CPU {args.fake_cpu}; attendant "
        f"concurrency {args.concurrency}; ideal = ceil(N/100) x latency / {args.concurrency}; "
        f"min = ceil(ceil(N/100) / {args.concurrency}) x latency, the fewest round trips one "
        "after another that many requests need at that concurrency\n"
    )
    print(
        f"{'mailboxes':>9}  {'run':<30} {'requests sent':<44} {'wall':>8} {'x ideal':>8} "
        f"{'x min':>6}"
    )
    fastest: dict[int, float] = {}
    base: dict[int, float] = {}
    for count, name, (sent, elapsed, answered), ideal in rows:
        assert answered == count, f"{name}: {answered} answers for {count} mailboxes"
        requests = ", ".join(f"{n} {op}" for op, n in sorted(sent.items()))
        least = math.ceil(math.ceil(count / 100) / args.concurrency) * args.latency
        print(
            f"{count:>9}  {name:<30} {requests:<44} {elapsed:>7.3f}s {elapsed / ideal:>7.2f}x "
            f"{elapsed / least:>5.2f}x"
        )
        if name.endswith("steady refresh"):
            fastest[count] = elapsed
        if name.startswith("baseline"):
            base[count] = elapsed
    print()
    for count in args.mailboxes:
        print(
            f"{count:>9} mailboxes: attendant (steady) is {base[count] / fastest[count]:.1f}x "
            f"faster than the baseline ({fastest[count]:.3f}s against {base[count]:.3f}s)"
        )
    count = args.mailboxes[0]
    requests = math.ceil(count / 100)
    print(f"\nwhat concurrency buys at {count} mailboxes (steady refresh, median of 3):")
    serial = sweep[0][1][1]
    for concurrency, (_, elapsed, _) in sweep:
        ideal = requests * args.latency / concurrency
        print(
            f"  {concurrency} at once: {elapsed:.3f}s, {elapsed / ideal:.2f}x its ideal, "
            f"{serial / elapsed:.1f}x faster than one at a time"
        )


if __name__ == "__main__":
    raise SystemExit(main())
