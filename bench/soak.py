"""Soak: the console that is never restarted, with days compressed into minutes.

    python bench/soak.py [--minutes 10] [--provider both|exchange|graph] [--json FILE]
                         [--trace] [--explain]

Two passes, each in a process of its own, share the minutes: the Exchange pass (below) and
the Graph pass (bench/soak_graph.py: the real msal against a fake Entra ID whose tokens end
every few seconds; Graph down, 429/503 with Retry-After, malformed JSON, token expiry, tokens
ended early, a password change). Each prints its phases and figures and says whether they are
within bounds; the command fails when either is not.

The Exchange pass drives the real console (offscreen: the real main window, the qasync loop,
the real refresh service, the exchange provider with the real exchangelib, the settings flow,
the crash funnel) against the fake Exchange, which runs in a process of its own so that the
console's threads, file descriptors and memory are measured alone. Time is compressed: a
refresh every second stands for one a minute, the watch list's room lists are expanded
again every 5 s instead of every hour, and the servers close a keep-alive connection idle for
2 s, as IIS closes one idle for 2 minutes. Each cycle flaps the server through every fault
once:

    baseline, down, slow (5 s answers), 503 with Retry-After, ErrorServerBusy with
    BackOffMilliseconds, malformed XML, truncated XML, certificate renewed, certificate from
    an unknown CA, password changed (401 once, then the admin enters the new one), room list
    emptied, mailbox deleted

and prints per phase, then for the whole run (with its bound):

- worst GUI stall: the largest lateness of a 10 ms timer on the GUI thread (≤ 16 ms), from
  the first phase on (the start-up, until the console shows its first data and has settled,
  is not a phase); with ``--explain``, every stall over 16 ms is explained at the end
  (bench/stalls.py): the GUI thread's time on a CPU, waiting for one and asleep, the other
  threads' CPU time, garbage collections, and where the GUI thread's stack was;
- RSS, threads, open file descriptors and sockets: the floor of each (the least of four
  readings a second apart) in the second cycle's baseline and in the last one's (growth
  ≤ 5 %), and at every baseline;
- log size: every log file together, never over what rotation keeps;
- recovery: from the moment the server is back (its back-off over) to fresh data on the board
  (≤ one refresh interval plus one answer);
- statuses shown as free while no fresh data said so: mailboxes whose truth is busy, deleted
  mailboxes in data fetched after the deletion, free rows while the feed failed and the board
  said nothing (0);
- failed logons sent: one per password change, then none; none (and no sign-in prompt) in
  any other phase;
- crash reports from the crash funnel (0).

The console is built as ``attendant`` builds it (ui/window/console.py), with the same
garbage-collection policy (services/collector.py). At the end, the connections still open
after the console closed its feed are listed with what holds them.

The test suite runs one short cycle (tests/test_soak.py) and asserts what a loaded machine
keeps reliably; the stall bound belongs to this command's figures.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import concurrent.futures
import contextlib
import dataclasses
import json
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

INTERVAL = 1.0
WATCH_TTL = 5.0
#: The servers close a keep-alive connection idle for 2 minutes (IIS: 120 s), compressed.
SERVER_IDLE_TIMEOUT = 2 * INTERVAL
#: From the first data on the board to the first phase.
SETTLE_SECONDS = 3 * INTERVAL
PASSWORD, NEW_PASSWORD = "Corr3ct-Horse", "N3w-Spring"
USERNAME = "CONTOSO\\reception"
BUSY_PEOPLE = [f"busy.{i}@contoso.com" for i in range(8)]
FREE_PEOPLE = [f"free.{i}@contoso.com" for i in range(8)]
ROOMS = [f"room.{i}@contoso.com" for i in range(6)]
BUSY = set(BUSY_PEOPLE) | set(ROOMS[::2])
DELETED = FREE_PEOPLE[3]
ROOM_LIST = "rooms-hq@contoso.com"
LOG_MAX_BYTES, LOG_BACKUPS = 200_000, 3


# -- the fake Exchange, in a process of its own ----------------------------------------


def _fake_exchange(conn: Connection) -> None:
    from tests.fakes import FakeEvent, FakeEWS, Fault, tls

    ca_file = Path(tempfile.mkdtemp(prefix="soak-ca-")) / "ca.pem"
    tls.write_ca_pem(ca_file)
    ews = FakeEWS(username=USERNAME, password=PASSWORD, validate=False, validate_responses=False)
    ews.idle_timeout = SERVER_IDLE_TIMEOUT
    ews.start()
    port = ews.port
    day = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)

    def seed(address: str) -> None:
        events = (
            [FakeEvent(day - timedelta(days=1), day + timedelta(days=2), "Busy", subject="All day")]
            if address in BUSY
            else []
        )
        ews.add_mailbox(address, address.split("@")[0].replace(".", " ").title(), events=events)

    for address in BUSY_PEOPLE + FREE_PEOPLE + ROOMS:
        seed(address)
    ews.add_room_list(ROOM_LIST, "HQ rooms", ROOMS)
    conn.send((ews.url, str(ca_file)))
    while True:
        command, *args = conn.recv()
        reply: Any = None
        if command == "quit":
            ews.stop()
            conn.send(None)
            return
        if command == "stop":
            ews.stop()
        elif command == "start":
            ews.start(port=port)
        elif command == "latency":
            ews.latency = args[0]
        elif command == "inject":
            ews.inject(getattr(Fault, args[0])(**args[2]), count=args[1])
        elif command == "pending":
            reply = ews.pending_faults
        elif command == "certificate":
            trusted = args[0] == "renewed"
            if trusted:
                import ssl

                context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
                tls.trusted_ca().issue_cert(*tls.SERVER_IDENTITIES).configure_cert(context)
            else:
                context = tls.server_ssl_context(trusted=False)
            ews.replace_certificate(context)
        elif command == "password":
            ews.set_password(args[0])
        elif command == "room_list":
            ews.directory.room_lists[0].rooms = list(args[0])
        elif command == "delete":
            ews.directory.mailboxes.pop(args[0].lower(), None)
        elif command == "restore":
            seed(args[0])
        elif command == "counters":
            reply = {"failed_logons": ews.failed_logons, "requests": ews.requests_total}
        conn.send(reply)


class Exchange:
    """The console's side of the pipe to the fake servers (Exchange, or Entra ID and Graph)."""

    def __init__(self, target: Callable[[Connection], None] = _fake_exchange) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self.process = context.Process(target=target, args=(child,), daemon=True)
        self.process.start()
        self.url, self.ca_file, *more = self._conn.recv()
        self.more: list[Any] = more
        self._thread = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="soak")
        self._thread.submit(lambda: None).result()

    def call(self, *command: Any) -> Any:
        self._conn.send(command)
        return self._conn.recv()

    async def __call__(self, *command: Any) -> Any:
        # One thread of the soak's own, made at the start: the loop's default executor (ten
        # threads, made at its first use) belongs to the console and is measured with it.
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._thread, self.call, *command)

    def close(self) -> None:
        with contextlib.suppress(OSError, EOFError):
            self.call("quit")
        self.process.join(timeout=5)
        self._thread.shutdown()


# -- what is measured ------------------------------------------------------------------


#: The fakes' ports by name ("graph", "authority", "exchange"), to name connections.
PORT_NAMES: dict[int, str] = {}


def fd_kinds() -> collections.Counter[str]:
    """Open file descriptors by what they are: a TCP connection (by remote port and state),
    another socket, a pipe, anon_inode:[eventfd], a path."""
    tcp = _tcp_sockets()
    kinds: collections.Counter[str] = collections.Counter()
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            target = os.readlink(f"/proc/self/fd/{fd}")
            if target.startswith("socket:"):
                kinds[tcp.get(target[8:-1], "socket (not TCP)")] += 1
            elif target.endswith("/schedstat"):
                continue  # the stall profiler's own (bench/stalls.py)
            else:
                kinds[target.split("[")[0] if target.startswith("pipe:") else target] += 1
    return kinds


def _tcp_sockets() -> dict[str, str]:
    """TCP sockets of this process's network namespace: inode -> "tcp to :PORT STATE"."""
    states = {"01": "established", "06": "time-wait", "08": "close-wait", "0A": "listening"}
    found: dict[str, str] = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                port = int(fields[2].rsplit(":", 1)[1], 16)
                state = states.get(fields[3], fields[3])
                found[fields[9]] = f"tcp to {PORT_NAMES.get(port, '')}:{port} {state}"
    return found


def connection_holders() -> list[str]:
    """Every requests session still holding connections, who holds the session, and the
    state of each connection (the console has closed its feed when this is asked)."""
    import gc

    import requests

    tcp = _tcp_sockets()
    lines = []
    for session in [o for o in gc.get_objects() if isinstance(o, requests.Session)]:
        held: collections.Counter[str] = collections.Counter()
        for adapter in session.adapters.values():
            manager = getattr(adapter, "poolmanager", None)
            for pool in list(manager.pools._container.values()) if manager else []:
                idle = getattr(pool, "pool", None)
                for conn in list(idle.queue) if idle is not None else []:
                    sock = getattr(conn, "sock", None)
                    if sock is not None:
                        with contextlib.suppress(OSError):
                            inode = str(os.fstat(sock.fileno()).st_ino)
                            held[tcp.get(inode, "not TCP")] += 1
        if held:
            owners = set()
            for referrer in gc.get_referrers(session):
                if isinstance(referrer, dict):
                    owners.update(
                        type(o).__qualname__
                        for o in gc.get_referrers(referrer)
                        if getattr(o, "__dict__", None) is referrer
                    )
                elif not isinstance(referrer, list):
                    owners.add(type(referrer).__qualname__)
            lines.append(f"  a session of {sorted(owners) or '?'} holds {dict(held)}")
    import socket

    sockets = tuple(o for o in gc.get_objects() if isinstance(o, socket.socket))
    for index in range(len(sockets)):
        with contextlib.suppress(OSError):
            state = tcp.get(str(os.fstat(sockets[index].fileno()).st_ino))
            if state is not None:
                chain = _holders(sockets[index], ignore={id(sockets)})
                lines.append(f"  {state}: held by {' < '.join(chain)}")
    return lines


def _holders(obj: Any, ignore: set[int], depth: int = 12) -> list[str]:
    """The chain of objects that keep ``obj`` alive (the first referrer at each step)."""
    import gc
    import types

    chain: list[str] = []
    ignore = ignore | {id(chain), id(ignore)}
    for _ in range(depth):
        found = None
        for referrer in gc.get_referrers(obj):
            if id(referrer) in ignore or isinstance(referrer, types.FrameType):
                continue
            found = referrer
            break
        if found is None:
            break
        ignore.add(id(obj))
        obj = found
        name = f"{type(obj).__module__}.{type(obj).__qualname__}"
        if isinstance(obj, dict):
            for owner in gc.get_referrers(obj):
                if getattr(owner, "__dict__", None) is obj:
                    ignore.add(id(obj))
                    obj = owner
                    name = f"{type(obj).__module__}.{type(obj).__qualname__}"
                    break
            else:
                name = f"dict{sorted(map(str, obj))[:4]}"
        chain.append(name)
    return chain


class Tracer:
    """With ``--trace``: what the process holds at each baseline, to tell growth from noise.

    Keeps the open descriptors by kind and a tracemalloc snapshot at every baseline; the
    report names the descriptors and the allocation sites that grew from the second baseline
    (the first "hour") to the last."""

    def __init__(self) -> None:
        import tracemalloc

        tracemalloc.start(8)
        self.fds: list[collections.Counter[str]] = []
        self.snapshots: list[Any] = []

    def sample(self) -> None:
        import tracemalloc

        self.fds.append(fd_kinds())
        self.snapshots.append(tracemalloc.take_snapshot())
        if len(self.snapshots) > 2:
            del self.snapshots[2:-1]  # keep the first, the second and the newest

    def report(self) -> list[str]:
        if len(self.fds) < 3:
            return []
        first, last = self.fds[1], self.fds[-1]
        lines = ["descriptors that grew (second baseline -> last):"]
        for kind in sorted(set(first) | set(last)):
            if last[kind] != first[kind]:
                lines.append(f"  {kind}: {first[kind]} -> {last[kind]}")
        lines.append("allocation sites that grew most (second baseline -> last):")
        stats = self.snapshots[-1].compare_to(self.snapshots[1], "traceback")
        for stat in stats[:12]:
            frames = " < ".join(
                f"{Path(f.filename).name}:{f.lineno}" for f in reversed(stat.traceback[-4:])
            )
            lines.append(f"  {stat.size_diff / 1024:+8.1f} KiB {stat.count_diff:+6d}  {frames}")
        return lines


def resources() -> dict[str, float]:
    status = Path("/proc/self/status").read_text().splitlines()
    fields = dict(line.split(":", 1) for line in status if ":" in line)
    fds, sockets = 0, 0
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            target = os.readlink(f"/proc/self/fd/{fd}")
            if not target.endswith("/schedstat"):  # the stall profiler's own
                fds += 1
                sockets += target.startswith("socket:")
    return {
        "rss_mb": int(fields["VmRSS"].split()[0]) / 1024,
        "threads": int(fields["Threads"]),
        "fds": fds,
        "sockets": sockets,
    }


@dataclass
class Phase:
    name: str
    worst_stall_ms: float = 0.0
    p99_stall_ms: float = 0.0
    recovery_s: float | None = None
    recovery_bound_s: float | None = None
    failed_refreshes: int = 0
    #: Refreshes that ended with the credentials blocked: the window asks for a person.
    blocked_refreshes: int = 0
    free_without_data: int = 0
    #: Logons the server refused during the phase (EWS 401s; Graph: invalid_grant answers).
    failed_logons: int = 0
    #: Graph pass: access tokens renewed by msal, and Graph's 401 answers, during the phase.
    token_renewals: int | None = None
    unauthorized: int | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class Figures:
    phases: list[Phase] = field(default_factory=list)
    samples: list[dict[str, float]] = field(default_factory=list)
    free_without_data: list[str] = field(default_factory=list)
    failed_logons: list[int] = field(default_factory=list)  # per password change, and after
    log_bytes_max: int = 0
    log_bound: int = (LOG_BACKUPS + 1) * LOG_MAX_BYTES
    crashes: list[str] = field(default_factory=list)
    #: Token figures out of bounds: a 401 where msal should have renewed first, a sign-in
    #: prompt, a failed logon outside a password change.
    token_problems: list[str] = field(default_factory=list)
    cycles: int = 0
    #: The worst stall of the start-up: until the first data is shown and settled.
    startup_stall_ms: float = 0.0
    stall_places: list[tuple[str, int]] = field(default_factory=list)
    #: TCP connections open after the console closed its feed, and who holds them.
    left_open: list[str] = field(default_factory=list)
    #: Open descriptors by kind (TCP connections by remote port and state) at each baseline.
    descriptors: list[dict[str, int]] = field(default_factory=list)
    #: The stalls over 16 ms explained (bench/stalls.py).
    stalls: list[str] = field(default_factory=list)
    load_average: float = 0.0
    trace: list[str] = field(default_factory=list)

    @property
    def compared(self) -> tuple[dict[str, float], dict[str, float]] | None:
        """The first "hour" after start-up (the second cycle's baseline) and the last one.

        The first cycle warms up what is made once (the loop's executor, caches, pools)."""
        if len(self.samples) < 3:
            return None
        return self.samples[1], self.samples[-1]

    def growth(self, key: str) -> float:
        if self.compared is None:
            return 0.0
        first, last = self.compared[0][key], self.compared[1][key]
        return (last - first) / first if first else 0.0

    @property
    def worst_stall_ms(self) -> float:
        return max((p.worst_stall_ms for p in self.phases), default=0.0)

    @property
    def fault_phases(self) -> list[Phase]:
        """Every phase but the baselines: each must measure how long recovery took."""
        return [p for p in self.phases if p.name != "baseline"]

    def unmeasured(self) -> list[Phase]:
        """Fault phases that produced no recovery figure (a bound never set, or never met)."""
        return [p for p in self.fault_phases if p.recovery_bound_s is None or p.recovery_s is None]

    @property
    def recoveries_checked(self) -> int:
        """Recoveries measured against their bound; an empty or broken run checks none."""
        return len(self.fault_phases) - len(self.unmeasured())

    def late_recoveries(self) -> list[Phase]:
        return [
            p
            for p in self.phases
            if p.recovery_bound_s is not None
            and (p.recovery_s is None or p.recovery_s > p.recovery_bound_s)
        ]


class LagProbe:
    """A 10 ms timer on the GUI thread; its lateness is how long the event loop stalled."""

    PERIOD = 0.010

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.worst = 0.0
        self.lates: list[float] = []
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(round(self.PERIOD * 1000))
        self._timer.timeout.connect(self._beat)
        self._timer.start()
        #: With ``--explain`` (:meth:`watch`): what the GUI thread did in each stall.
        self.stalls: Any = None

    def _beat(self) -> None:
        now = time.perf_counter()
        late = now - self._last - self.PERIOD
        self.worst = max(self.worst, late)
        self.lates.append(late)
        self._last = now

    def take(self) -> tuple[float, float]:
        """The worst lateness since the last call, and the 99th percentile."""
        lates, self.lates = sorted(self.lates), []
        worst, self.worst = self.worst, 0.0
        p99 = lates[int(len(lates) * 0.99)] if lates else 0.0
        return worst, p99

    def stop(self) -> None:
        self._timer.stop()
        if self.stalls is not None:
            self.stalls.stop()

    def watch(self, phase: Callable[[], str]) -> None:
        """Explain every beat over 16 ms late: what the GUI thread and the others did.

        The profiler's thread takes the interpreter lock every millisecond, and the GUI
        thread waits for it (about a fifth more time in a stall that runs Python): the
        figures of a run that explains its stalls are a little worse than the console's.
        """
        from stalls import StallProfiler

        self.stalls = StallProfiler(lambda: self._last + self.PERIOD, phase)


# -- the console and the phases --------------------------------------------------------


class Soak:
    def __init__(self, exchange: Exchange, home: Path, figures: Figures) -> None:
        import keyring
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication

        from attendant.log import configure_logging
        from attendant.paths import AppPaths, ensure_dirs
        from attendant.providers.registry import ProviderRegistry
        from attendant.services import refresh
        from attendant.services.clock import local_now, local_zone
        from attendant.settings import load_settings
        from attendant.ui.settings.dialog import SettingsOutcome  # noqa: F401 - imported now
        from attendant.ui.window import state as window_state
        from attendant.ui.window.console import SettingsFlow, build_service, collect_quietly
        from attendant.ui.window.crash import CrashFunnel
        from attendant.ui.window.main_window import MainWindow
        from tests.fakes.keyring import MemoryKeyring

        self.exchange, self.figures = exchange, figures
        self.name_ports()
        self.paths = AppPaths(
            config_file=home / "config" / "settings.toml",
            site_config_file=home / "site" / "settings.toml",
            log_file=home / "log" / "ApplicationLogFile.txt",
            token_cache=home / "data" / "token_cache.bin",
            state_dir=home / "state",
        )
        ensure_dirs(self.paths)
        configure_logging(
            self.paths.log_file, console=False, max_bytes=LOG_MAX_BYTES, backups=LOG_BACKUPS
        )
        keyring.set_keyring(MemoryKeyring())
        self.paths.config_file.write_text(self.settings_text(), encoding="utf-8")
        refresh.WATCH_TTL_SECONDS = WATCH_TTL  # time compression: an hour in 5 s
        self.app = QApplication.instance() or QApplication([])
        loaded = load_settings(self.paths.config_file)
        registry = self.registry = ProviderRegistry.discover()
        self.prepare(loaded.settings, registry)
        service, title = build_service(compressed(loaded.settings), registry, self.paths)
        self.window = MainWindow(
            service,
            clock=local_now,
            provider_title=title,
            log_folder=self.paths.log_file.parent,
            tz=local_zone(),
            geometry_file=self.paths.state_dir / "window.ini",
        )
        self.window.show()

        class CompressedFlow(SettingsFlow):
            async def _switch(self, settings: Any) -> None:
                await super()._switch(compressed(settings))

        self.flow = CompressedFlow(self.window, registry, self.paths, service, loaded)
        # As ``attendant`` starts it: full collections wait for a moment without a refresh.
        self.collector = collect_quietly(self.window, self.flow)
        self.funnel = CrashFunnel(
            self.paths.log_file,
            save_state=lambda: window_state.save(
                self.window, self.window.splitter, self.paths.state_dir / "window.ini"
            ),
        )
        self.funnel.crashed.connect(figures.crashes.append)
        self.probe = LagProbe()
        #: At a deletion: the snapshot shown, how many later ones may predate it, those seen.
        self.deleted: tuple[object, int, list[object]] | None = None
        self.watchdog = QTimer()
        self.watchdog.setInterval(100)
        self.watchdog.timeout.connect(self.check_board)
        self.watchdog.start()
        self.phase: Phase | None = None
        self._seen_failure: object = None
        self.tracer: Tracer | None = None

    def settings_text(self) -> str:
        """The settings file the admin wrote (the refresh interval is compressed after)."""
        from attendant.settings import set_password

        set_password(USERNAME, PASSWORD)
        people = ", ".join(f'"{a}"' for a in BUSY_PEOPLE + FREE_PEOPLE)
        return f"""schema_version = 1
[calendar]
provider = "exchange"
refresh_interval_seconds = 15
[calendar.exchange]
ews_url = "{self.exchange.url}"
version = "Exchange2013_SP1"
username = 'CONTOSO\\reception'
auth = "basic"
[network]
ca_bundle = '{self.exchange.ca_file}'
timeout_seconds = 30
[watch]
people = [{people}]
room_lists = ["{ROOM_LIST}"]
"""

    def name_ports(self) -> None:
        from urllib.parse import urlsplit

        PORT_NAMES[urlsplit(self.exchange.url).port or 443] = "exchange"

    def prepare(self, settings: Any, registry: Any) -> None:
        """What happens before the console starts (the Graph pass signs in here)."""

    @property
    def service(self) -> Any:
        return self.flow.service

    # -- the truth, checked ten times a second -----------------------------------------

    def check_board(self) -> None:
        from attendant.domain import Status
        from attendant.services.state import FeedHealth

        state = self.service.state
        if state.error is not None and state.last_attempt is not self._seen_failure:
            if state.health is not FeedHealth.OK and self.phase is not None:
                self.phase.failed_refreshes += 1
                self.phase.blocked_refreshes += state.health is FeedHealth.BLOCKED
            self._seen_failure = state.last_attempt
        model = self.window.model
        snapshot = model.snapshot
        if snapshot is None:
            return
        for row in range(model.rowCount()):
            if model.view(row).status is not Status.FREE:
                continue
            address = model.availability(row).mailbox.address.lower()
            where = self.phase.name if self.phase else "start"
            if address in BUSY:
                self.wrong(f"{where}: {address} is busy")
            if address == DELETED and self.deleted is not None:
                # Data fetched before the deletion may still come (one refresh in flight);
                # any later snapshot must not show the deleted mailbox as free.
                previous, allowed, seen = self.deleted
                if snapshot is not previous and snapshot not in seen:
                    seen.append(snapshot)
                if len(seen) > allowed:
                    self.wrong(f"{where}: {address} was deleted")
            if state.health is not FeedHealth.OK and not self.window.banner.isVisible():
                self.wrong(f"{where}: {address} unmarked stale")

    #: Phases in which the server refuses the credentials on purpose.
    REFUSING = frozenset({"password changed"})
    #: Phases in which Graph may answer 401 (a token it ended before msal expected).
    UNAUTHORIZED = frozenset({"password changed", "token ended early"})

    def judge(self, phase: Phase) -> None:
        """Failed logons and sign-in prompts belong to a password change, nowhere else."""
        problems = self.figures.token_problems
        if phase.name not in self.REFUSING:
            if phase.failed_logons:
                problems.append(f"{phase.name}: {phase.failed_logons} failed logon(s)")
            if phase.blocked_refreshes:
                problems.append(f"{phase.name}: {phase.blocked_refreshes} sign-in prompt(s)")
        if phase.unauthorized and phase.name not in self.UNAUTHORIZED:
            problems.append(f"{phase.name}: {phase.unauthorized} 401(s) from Graph")

    def wrong(self, what: str) -> None:
        """A status shown as free while no fresh data said so."""
        self.figures.free_without_data.append(what)
        if self.phase is not None:
            self.phase.free_without_data += 1

    # -- helpers -----------------------------------------------------------------------

    async def wait_for(self, condition: Callable[[], bool], timeout: float) -> float | None:
        """Seconds until ``condition`` holds (checked every 10 ms), None after ``timeout``."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if condition():
                return time.monotonic() - start
            await asyncio.sleep(0.01)
        return None

    def fresh_since(self, moment: float) -> Callable[[], bool]:
        from attendant.services.state import FeedHealth

        def fresh() -> bool:
            # A refresh that started after ``moment`` and finished well: the state published
            # when a refresh starts (``refreshing``) still holds the data from before.
            state = self.service.state
            return (
                state.health is FeedHealth.OK
                and not state.refreshing
                and state.last_success is not None
                and state.last_attempt is not None
                and state.last_attempt.timestamp() >= moment
                and self.window.model.snapshot is state.snapshot
            )

        return fresh

    async def recovered(self, back: float, bound: float) -> None:
        assert self.phase is not None
        self.phase.recovery_bound_s = bound
        took = await self.wait_for(self.fresh_since(back), timeout=bound + 30)
        self.phase.recovery_s = None if took is None else (time.time() - back)

    async def throttled_resume(self, timeout: float) -> float | None:
        from attendant.services.state import FeedHealth

        found = await self.wait_for(
            lambda: self.service.state.health is FeedHealth.THROTTLED, timeout
        )
        resume = self.service.state.resume_at
        return None if found is None or resume is None else resume.timestamp()

    async def consumed(self, timeout: float) -> float:
        start = time.monotonic()
        while time.monotonic() - start < timeout and await self.exchange("pending"):
            await asyncio.sleep(0.05)
        return time.time()

    # -- the phases --------------------------------------------------------------------

    async def run_phase(self, name: str, body: Callable[[], Any]) -> None:
        self.phase = Phase(name)
        self.probe.take()
        before = await self.exchange("counters")
        await body()
        after = await self.exchange("counters")
        self.phase.failed_logons = after["failed_logons"] - before["failed_logons"]
        if "token_renewals" in after:
            self.phase.token_renewals = after["token_renewals"] - before["token_renewals"]
            self.phase.unauthorized = after["unauthorized"] - before["unauthorized"]
        self.judge(self.phase)
        worst, p99 = self.probe.take()
        self.phase.worst_stall_ms, self.phase.p99_stall_ms = worst * 1000, p99 * 1000
        self.figures.phases.append(self.phase)
        print(format_phase(self.phase), flush=True)

    async def cycle(self) -> None:
        answer = 0.5  # one answer's time: the bound allows it on top of the interval
        bound = INTERVAL + answer

        async def baseline() -> None:
            await self.sample(4 * INTERVAL)

        async def down() -> None:
            await self.exchange("stop")
            await asyncio.sleep(3 * INTERVAL)
            await self.exchange("start")
            await self.recovered(time.time(), bound)

        async def slow() -> None:
            await self.exchange("latency", 5.0)
            await asyncio.sleep(11)
            await self.exchange("latency", 0.0)
            # An answer already on its way still takes its 5 s.
            await self.recovered(time.time(), bound + 5)

        async def retry_after() -> None:
            await self.exchange("inject", "http_503", 1, {"retry_after": 3})
            resume = await self.throttled_resume(10)
            await self.recovered(resume or time.time(), bound)

        async def server_busy() -> None:
            await self.exchange("inject", "server_busy", 1, {"back_off_ms": 3000})
            resume = await self.throttled_resume(10)
            await self.recovered(resume or time.time(), bound)

        async def malformed() -> None:
            await self.exchange("inject", "malformed_xml", 3, {})
            await self.recovered(await self.consumed(20), bound)

        async def truncated() -> None:
            await self.exchange("inject", "truncated_xml", 2, {})
            await self.recovered(await self.consumed(20), bound)

        async def certificate_renewed() -> None:
            await self.exchange("certificate", "renewed")
            await self.recovered(time.time(), bound)

        async def unknown_ca() -> None:
            await self.exchange("certificate", "unknown CA")
            await asyncio.sleep(3 * INTERVAL)
            await self.exchange("certificate", "renewed")
            await self.recovered(time.time(), bound)

        async def password_changed() -> None:
            from attendant.services.state import FeedHealth
            from attendant.ui.settings.dialog import SettingsOutcome

            new_password = f"{NEW_PASSWORD}-{self.figures.cycles}"
            before = (await self.exchange("counters"))["failed_logons"]
            await self.exchange("password", new_password)
            await self.wait_for(lambda: self.service.state.health is FeedHealth.BLOCKED, 15)
            await asyncio.sleep(4 * INTERVAL)  # blocked: nothing more may be sent
            failed = (await self.exchange("counters"))["failed_logons"] - before
            self.figures.failed_logons.append(failed)
            loaded = self.flow.loaded
            assert loaded is not None
            # The admin types the new password into the settings dialog and presses OK.
            self.flow.apply(SettingsOutcome(loaded.settings, password=new_password))
            await self.recovered(time.time(), bound)
            await asyncio.sleep(3 * INTERVAL)
            after = (await self.exchange("counters"))["failed_logons"] - before - failed
            self.figures.failed_logons.append(after)
            self.phase_note(f"failed logons: {failed} at the change, {after} after")

        async def room_list_emptied() -> None:
            await self.wait_for(lambda: self.window.rooms.proxy.rowCount() == len(ROOMS), 30)
            await self.exchange("room_list", [])
            gone = await self.wait_for(lambda: self.window.rooms.proxy.rowCount() == 0, 30)
            assert self.phase is not None
            self.phase.recovery_bound_s = WATCH_TTL + bound
            self.phase.recovery_s = gone
            self.phase_note("rooms left the board" if gone is not None else "rooms stayed")
            await self.exchange("room_list", ROOMS)
            await self.wait_for(lambda: self.window.rooms.proxy.rowCount() == len(ROOMS), 30)

        async def mailbox_deleted() -> None:
            state = self.service.state
            self.deleted = (self.window.model.snapshot, 1 if state.refreshing else 0, [])
            await self.exchange("delete", DELETED)
            if self.service.state.refreshing:
                self.deleted = (self.deleted[0], 1, [])
            took = await self.wait_for(lambda: self.shown_unknown(DELETED), 30)
            assert self.phase is not None

            self.phase.recovery_bound_s = bound
            self.phase.recovery_s = took
            await self.exchange("restore", DELETED)
            self.deleted = None
            await self.wait_for(lambda: not self.shown_unknown(DELETED), 15)

        for name, body in (
            ("baseline", baseline),
            ("down", down),
            ("slow 5 s", slow),
            ("503 Retry-After", retry_after),
            ("ErrorServerBusy", server_busy),
            ("malformed XML", malformed),
            ("truncated XML", truncated),
            ("certificate renewed", certificate_renewed),
            ("unknown CA", unknown_ca),
            ("password changed", password_changed),
            ("room list emptied", room_list_emptied),
            ("mailbox deleted", mailbox_deleted),
        ):
            await self.run_phase(name, body)
        self.end_cycle()

    async def sample(self, seconds: float) -> None:
        """What a baseline measures: resources, log size (and, with --trace, what grew).

        Resources are read once a second while the board refreshes calmly, and the least of
        each kept: what the console holds shows in that floor and grows with a leak, while a
        socket or a buffer of the refresh that happens to be in flight does not."""
        readings: list[dict[str, float]] = []
        for _ in range(max(1, round(seconds))):
            await asyncio.sleep(seconds / max(1, round(seconds)))
            readings.append(resources())
        self.figures.samples.append({k: min(r[k] for r in readings) for k in readings[0]})
        self.figures.descriptors.append(dict(fd_kinds()))
        if self.tracer is not None:
            self.tracer.sample()
        self.figures.log_bytes_max = max(self.figures.log_bytes_max, log_bytes(self.paths))

    def end_cycle(self) -> None:
        self.figures.log_bytes_max = max(self.figures.log_bytes_max, log_bytes(self.paths))
        self.figures.cycles += 1

    def phase_note(self, text: str) -> None:
        if self.phase is not None:
            self.phase.notes.append(text)

    def shown_unknown(self, address: str) -> bool:
        from attendant.domain import Status

        model = self.window.model
        for row in range(model.rowCount()):
            if model.availability(row).mailbox.address.lower() == address:
                return model.view(row).status is Status.UNKNOWN
        return False

    async def run(self, seconds: float) -> None:
        from attendant.services.state import FeedHealth

        self.service.start()
        await self.wait_for(lambda: self.service.state.health is FeedHealth.OK, 30)
        # The first data is painted (text laid out for the first time) and the names come;
        # that is the start-up, not a phase of the day.
        await asyncio.sleep(SETTLE_SECONDS)
        self.figures.startup_stall_ms = self.probe.take()[0] * 1000
        started = time.monotonic()
        while True:
            await self.cycle()
            if time.monotonic() - started >= seconds:
                break
        await self.flow.aclose()


def compressed(settings: Any) -> Any:
    calendar = dataclasses.replace(settings.calendar, refresh_interval_seconds=INTERVAL)
    return dataclasses.replace(settings, calendar=calendar)


def log_bytes(paths: Any) -> int:
    folder = paths.log_file.parent
    return sum(p.stat().st_size for p in folder.iterdir() if p.is_file())


def format_phase(phase: Phase) -> str:
    recovery = (
        "-"
        if phase.recovery_bound_s is None
        else f"{phase.recovery_s:.2f} s (≤ {phase.recovery_bound_s:.1f})"
        if phase.recovery_s is not None
        else f"never (≤ {phase.recovery_bound_s:.1f})"
    )
    notes = f"  {'; '.join(phase.notes)}" if phase.notes else ""
    tokens = (
        ""
        if phase.token_renewals is None
        else f"  tokens renewed {phase.token_renewals}, Graph 401s {phase.unauthorized}"
    )
    return (
        f"  {phase.name:<20} stall {phase.worst_stall_ms:6.1f} ms (p99 "
        f"{phase.p99_stall_ms:4.1f})  recovery {recovery:<20} "
        f"failed refreshes {phase.failed_refreshes} (blocked {phase.blocked_refreshes})  "
        f"free without data {phase.free_without_data}  failed logons "
        f"{phase.failed_logons}{tokens}{notes}"
    )


def report(figures: Figures) -> str:
    lines = [f"== soak: {figures.cycles} cycle(s), refresh every {INTERVAL:g} s =="]
    stalls = [p.worst_stall_ms for p in figures.phases]
    lines.append(
        f"worst GUI stall: {figures.worst_stall_ms:.1f} ms (bound 16 ms; median phase "
        f"{statistics.median(stalls) if stalls else 0:.1f} ms; worst phase p99 "
        f"{max((p.p99_stall_ms for p in figures.phases), default=0):.1f} ms)"
    )
    over = sum(p.worst_stall_ms > 16 for p in figures.phases)
    lines.append(f"phases with a stall over 16 ms: {over} of {len(figures.phases)}")
    lines.append(f"start-up (not a phase): worst stall {figures.startup_stall_ms:.1f} ms")
    if figures.samples:
        start = figures.samples[0]
        lines.append("at start: " + ", ".join(f"{k} {v:.1f}" for k, v in start.items()))
    if figures.compared is not None:
        first, last = figures.compared
        for key in ("rss_mb", "fds"):
            series = ", ".join(f"{sample[key]:.0f}" for sample in figures.samples)
            lines.append(f"{key} at each baseline: {series}")
        for key in ("rss_mb", "threads", "fds", "sockets"):
            lines.append(
                f"{key:<8} first {first[key]:8.1f}  last {last[key]:8.1f}  growth "
                f"{figures.growth(key) * 100:+.1f} % (bound +5 %)"
            )
    lines.append(
        f"log size: at most {figures.log_bytes_max} bytes (rotation keeps ≤ {figures.log_bound})"
    )
    late = figures.late_recoveries()
    worst = max(
        (
            p.recovery_s / p.recovery_bound_s
            for p in figures.phases
            if p.recovery_s and p.recovery_bound_s
        ),
        default=0.0,
    )
    names = [p.name for p in late]
    lines.append(
        f"recoveries checked: {figures.recoveries_checked} of {len(figures.fault_phases)} "
        f"fault phases; unmeasured: {[p.name for p in figures.unmeasured()]}"
    )
    lines.append(f"recoveries late: {len(late)} {names} (worst at {worst:.0%} of its bound)")
    wrong = figures.free_without_data
    lines.append(f"statuses shown free without fresh data: {len(wrong)} {wrong[:5]}")
    lines.append(f"failed logons per password change, then after: {figures.failed_logons}")
    lines.append(f"token problems: {len(figures.token_problems)} {figures.token_problems[:5]}")
    lines.append(f"crash reports: {len(figures.crashes)} {figures.crashes[:3]}")
    lines.append(f"load average at the end: {figures.load_average:.1f} (2 cores)")
    if len(figures.descriptors) >= 3:
        first, last = figures.descriptors[1], figures.descriptors[-1]
        grew = [
            f"{kind}: {first.get(kind, 0)} -> {last.get(kind, 0)}"
            for kind in sorted(set(first) | set(last))
            if first.get(kind, 0) != last.get(kind, 0)
        ]
        lines.append(f"descriptors that changed (second baseline -> last): {grew or 'none'}")
    lines.append(f"connections left open after the feed was closed: {figures.left_open or 0}")
    lines.extend(figures.stalls)
    lines.extend(figures.trace)
    return "\n".join(lines)


def run(
    seconds: float, *, trace: bool = False, explain: bool = False, provider: str = "exchange"
) -> Figures:
    """Soak for about ``seconds`` (whole cycles, at least one); returns the figures."""
    import qasync
    from PySide6.QtWidgets import QApplication
    from stalls import report as stall_report

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    figures = Figures()
    if provider == "graph":
        from soak_graph import GraphSoak, fake_graph

        exchange, kind = Exchange(fake_graph), GraphSoak
    else:
        exchange, kind = Exchange(), Soak
    try:
        with tempfile.TemporaryDirectory(prefix="attendant-soak-") as home:
            app = QApplication.instance() or QApplication([])
            loop = qasync.QEventLoop(app)
            asyncio.set_event_loop(loop)
            soak = kind(exchange, Path(home), figures)
            if explain:
                soak.probe.watch(lambda: soak.phase.name if soak.phase else "start")
            soak.funnel.install(loop)
            if trace:
                soak.tracer = Tracer()
            try:
                with loop:
                    loop.run_until_complete(soak.run(seconds))
            finally:
                soak.funnel.uninstall()
                soak.probe.stop()
                # The feed is closed: a connection still open now was never going to be.
                figures.left_open = [f"{k}: {n}" for k, n in fd_kinds().items() if "tcp to" in k]
                figures.left_open += connection_holders()
                if soak.probe.stalls is not None:
                    figures.stall_places = soak.probe.stalls.places.most_common(5)
                    figures.stalls = stall_report(soak.probe.stalls.finished())
                figures.load_average = os.getloadavg()[0]
                if soak.tracer is not None:
                    figures.trace = soak.tracer.report()
                soak.watchdog.stop()
                soak.window.close()
                from attendant.log import shutdown_logging

                shutdown_logging()
    finally:
        exchange.close()
    return figures


def within_bounds(figures: Figures) -> bool:
    return (
        figures.worst_stall_ms <= 16
        and all(figures.growth(k) <= 0.05 for k in ("rss_mb", "threads", "fds", "sockets"))
        and figures.log_bytes_max <= figures.log_bound
        and figures.cycles >= 1
        and figures.recoveries_checked == len(figures.fault_phases) > 0
        and not figures.late_recoveries()
        and not figures.free_without_data
        and all(n == 1 for n in figures.failed_logons[::2])
        and not any(figures.failed_logons[1::2])
        and not figures.token_problems
        and not figures.crashes
    )


def both_passes(args: argparse.Namespace) -> int:
    """The Exchange pass, then the Graph pass, each in a process of its own (measured alone)."""
    import subprocess

    passes: dict[str, Any] = {}
    failed = False
    with tempfile.TemporaryDirectory(prefix="attendant-soak-figures-") as folder:
        for provider in ("exchange", "graph"):
            figures_file = Path(folder) / f"{provider}.json"
            command = [
                sys.executable,
                str(Path(__file__).resolve()),
                "--provider",
                provider,
                "--minutes",
                str(args.minutes / 2),
                "--json",
                str(figures_file),
            ]
            command += ["--trace"] if args.trace else []
            command += ["--explain"] if args.explain else []
            print(f"== {provider} pass ==", flush=True)
            done = subprocess.run(command, check=False)
            failed = failed or done.returncode != 0
            passes[provider] = (
                json.loads(figures_file.read_text(encoding="utf-8"))
                if figures_file.exists()
                else None
            )
    if args.json:
        args.json.write_text(json.dumps({"passes": passes}, indent=2), encoding="utf-8")
    print("both passes " + ("OUT OF BOUNDS" if failed else "within bounds"), flush=True)
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--minutes",
        type=float,
        default=10.0,
        help="both passes together (each runs whole cycles, at least one)",
    )
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--provider",
        choices=("both", "exchange", "graph"),
        default="both",
        help="the Exchange pass, the Graph pass, or both one after the other (default)",
    )
    parser.add_argument(
        "--trace",
        action="store_true",
        help="name the descriptors and allocation sites that grew (slower: tracemalloc)",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="explain every stall over 16 ms (a profiler thread: the stalls grow a little)",
    )
    args = parser.parse_args()
    if args.provider == "both":
        return both_passes(args)
    figures = run(args.minutes * 60, trace=args.trace, explain=args.explain, provider=args.provider)
    print(report(figures), flush=True)
    if args.json:
        data = dataclasses.asdict(figures)
        data["recoveries_checked"] = figures.recoveries_checked
        data["fault_phases"] = len(figures.fault_phases)
        args.json.write_text(json.dumps(data, indent=2), encoding="utf-8")
    within = within_bounds(figures)
    print("within bounds" if within else "OUT OF BOUNDS", flush=True)
    return 0 if within else 1


if __name__ == "__main__":
    # Known as ``soak`` too: bench/soak_graph.py extends these very classes.
    sys.modules.setdefault("soak", sys.modules["__main__"])
    sys.exit(main())
