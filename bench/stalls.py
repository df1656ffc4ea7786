"""What the GUI thread did while the event loop stalled: the soak's stall profiler.

A thread of its own reads, every millisecond, how long each thread of the process has run on
a CPU and waited for one (``/proc/self/task/TID/schedstat``, nanoseconds), and while the GUI
thread is late it samples the GUI thread's Python stack. When a stall ends (the lag probe
beats again) it keeps one :class:`Stall`: its phase, its length, and how the GUI thread spent
it:

- **on a CPU**: working — in Python (the stack names it) or in Qt's C++ (painting, layout;
  the stack then ends in the event loop's ``run_forever``);
- **waiting for a CPU**: the machine was busy (other processes; the load average says so);
- **neither**: the thread slept — waiting for the interpreter lock while another thread held
  it (that thread's CPU time in the same window names it), for another lock, or for a file.

Garbage collections are timed through ``gc.callbacks`` (which thread, which generation, how
long), so a stall a collection made is named as such.

Reading the counters costs a few microseconds a thread; the soak's figures include it.
"""

from __future__ import annotations

import collections
import contextlib
import gc
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: A beat this late is a stall worth explaining (the issue's bound).
STALL_S = 0.016


@dataclass
class Collection:
    thread: str
    generation: int
    start: float
    seconds: float
    #: The collecting thread's CPU time in it (the rest it waited for a CPU), objects freed.
    cpu: float = 0.0
    collected: int = 0


@dataclass
class Stall:
    phase: str
    start: float
    seconds: float
    #: The GUI thread's time on a CPU and waiting for one, in the stall.
    gui_cpu: float = 0.0
    gui_runqueue: float = 0.0
    #: Other threads' CPU time in the stall, by name (the busiest first).
    others: list[tuple[str, float]] = field(default_factory=list)
    #: Where the GUI thread's stack was, sampled every millisecond, by count.
    places: collections.Counter[str] = field(default_factory=collections.Counter)
    collections: list[Collection] = field(default_factory=list)

    @property
    def asleep(self) -> float:
        return max(0.0, self.seconds - self.gui_cpu - self.gui_runqueue)

    def cause(self) -> str:
        """The largest share of the stall, in a word or two."""
        full = [c for c in self.collections if c.generation == 2 and c.seconds > 0.005]
        if full and sum(c.seconds for c in full) > self.seconds / 3:
            return "full garbage collection"
        shares = {
            "GUI thread working": self.gui_cpu,
            "waiting for a CPU": self.gui_runqueue,
            "GUI thread asleep": self.asleep,
        }
        return max(shares, key=shares.__getitem__)

    def describe(self) -> str:
        others = ", ".join(f"{name} {cpu * 1000:.0f}" for name, cpu in self.others[:3] if cpu)
        gcs = ", ".join(
            f"gen{c.generation} {c.seconds * 1000:.0f} ms (on a CPU {c.cpu * 1000:.0f}, "
            f"{c.collected} freed) on {c.thread}"
            for c in self.collections
            if c.seconds >= 0.001
        )
        places = "; ".join(f"{n}× {where}" for where, n in self.places.most_common(3))
        return (
            f"  {self.phase:<20} {self.seconds * 1000:6.1f} ms: {self.cause()} (GUI on CPU "
            f"{self.gui_cpu * 1000:.0f}, waiting for CPU {self.gui_runqueue * 1000:.0f}, asleep "
            f"{self.asleep * 1000:.0f} ms)\n"
            f"      other threads' CPU ms: {others or '-'}\n"
            f"      collections: {gcs or '-'}\n"
            f"      GUI stack: {places or '-'}"
        )


def _thread_names() -> dict[int, str]:
    names = {t.native_id: t.name for t in threading.enumerate() if t.native_id is not None}
    for tid in os.listdir("/proc/self/task"):
        if int(tid) not in names:
            with contextlib.suppress(OSError):
                names[int(tid)] = Path(f"/proc/self/task/{tid}/comm").read_text().strip()
    return names


class StallProfiler(threading.Thread):
    """Explains the stalls of the GUI thread (see the module's docstring).

    ``due()``: when the lag probe's next beat is due (perf_counter seconds); ``phase()``: the
    name of the phase under way.
    """

    TICK = 0.001

    def __init__(self, due: Callable[[], float], phase: Callable[[], str]) -> None:
        super().__init__(name="stall-profiler", daemon=True)
        self._due = due
        self._phase = phase
        self._gui = threading.main_thread()
        self._stopped = threading.Event()
        #: (perf_counter, {tid: (cpu_ns, runqueue_ns)}), the last two seconds.
        self._ring: collections.deque[tuple[float, dict[int, tuple[int, int]]]] = collections.deque(
            maxlen=int(2 / self.TICK)
        )
        self._files: dict[int, int] = {}
        self._names: dict[int, str] = {}
        self.stalls: list[Stall] = []
        self.collections: list[Collection] = []
        self._gc_started: dict[int, tuple[float, float]] = {}
        gc.callbacks.append(self._collected)
        self.start()

    # -- garbage collections (called on whichever thread collects) -----------------------

    def _collected(self, what: str, info: dict[str, Any]) -> None:
        ident = threading.get_ident()
        if what == "start":
            self._gc_started[ident] = (time.perf_counter(), time.thread_time())
            return
        started = self._gc_started.pop(ident, None)
        if started is not None:
            began, cpu = started
            seconds = time.perf_counter() - began
            if seconds >= 0.001:
                name = threading.current_thread().name
                cpu = time.thread_time() - cpu
                collection = Collection(
                    name, info["generation"], began, seconds, cpu, info["collected"]
                )
                self.collections.append(collection)

    # -- the sampling thread --------------------------------------------------------------

    def _read(self) -> dict[int, tuple[int, int]]:
        found: dict[int, tuple[int, int]] = {}
        for tid, fd in list(self._files.items()):
            try:
                fields = os.pread(fd, 128, 0).split()
                found[tid] = (int(fields[0]), int(fields[1]))
            except (OSError, IndexError, ValueError):
                os.close(fd)
                del self._files[tid]
        return found

    def _open_threads(self) -> None:
        for tid in os.listdir("/proc/self/task"):
            if int(tid) not in self._files:
                with contextlib.suppress(OSError):
                    self._files[int(tid)] = os.open(f"/proc/self/task/{tid}/schedstat", os.O_RDONLY)
        self._names = _thread_names()

    def _stack(self) -> str:
        frame = sys._current_frames().get(self._gui.ident or 0)
        if frame is None:
            return "-"
        # Without source lines: reading them (linecache) would grow the measured process.
        stack = list(
            reversed(
                traceback.StackSummary.extract(
                    traceback.walk_stack(frame), limit=16, lookup_lines=False
                )
            )
        )
        mine = [f for f in stack if "attendant" in f.filename or "soak" in f.filename]
        top = stack[-1] if stack else None
        where = " < ".join(f"{Path(f.filename).stem}:{f.name}" for f in reversed(mine[-3:]))
        return f"{Path(top.filename).stem}:{top.name} | {where}" if top is not None else where

    def run(self) -> None:
        opened = 0.0
        stalled_due: float | None = None
        places: collections.Counter[str] = collections.Counter()
        while not self._stopped.wait(self.TICK):
            now = time.perf_counter()
            if now - opened > 1.0:
                self._open_threads()
                opened = now
            self._ring.append((now, self._read()))
            due = self._due()
            if stalled_due is not None and due != stalled_due:
                self._keep(stalled_due, due - self._gui_period(), places)
                stalled_due, places = None, collections.Counter()
            if now - due >= STALL_S - self._gui_period():
                stalled_due = due
                places[self._stack()] += 1

    def _gui_period(self) -> float:
        return 0.010  # the lag probe's period: a beat is late by (now - due)

    def _keep(self, due: float, end: float, places: collections.Counter[str]) -> None:
        if end - due < STALL_S:
            return  # late, but within the bound
        start = due - self._gui_period()
        before = next((r for r in reversed(self._ring) if r[0] <= start), self._ring[0])
        after = self._ring[-1]
        gui = self._gui.native_id or 0
        deltas = {
            tid: (after[1][tid][0] - was[0], after[1][tid][1] - was[1])
            for tid, was in before[1].items()
            if tid in after[1]
        }
        cpu, queue = deltas.get(gui, (0, 0))
        others = sorted(
            (
                (self._names.get(tid, str(tid)), d[0] / 1e9)
                for tid, d in deltas.items()
                if tid != gui
            ),
            key=lambda item: -item[1],
        )
        stall = Stall(
            self._phase(),
            start,
            end - start,
            gui_cpu=cpu / 1e9,
            gui_runqueue=queue / 1e9,
            others=others,
            places=places,
        )
        self.stalls.append(stall)

    def stop(self) -> None:
        self._stopped.set()
        with contextlib.suppress(ValueError):
            gc.callbacks.remove(self._collected)
        self.join(timeout=1)
        for fd in self._files.values():
            os.close(fd)
        self._files.clear()

    # -- the report -----------------------------------------------------------------------

    def finished(self) -> list[Stall]:
        """The stalls, each with the garbage collections that overlapped it."""
        for stall in self.stalls:
            stall.collections = [
                c
                for c in self.collections
                if c.start < stall.start + stall.seconds and c.start + c.seconds > stall.start
            ]
        return self.stalls

    @property
    def places(self) -> collections.Counter[str]:
        total: collections.Counter[str] = collections.Counter()
        for stall in self.stalls:
            total.update(stall.places)
        return total


def report(stalls: list[Stall], worst: int = 12) -> list[str]:
    """The worst stalls explained, and what made the stalls over the bound, by cause."""
    if not stalls:
        return ["stalls over 16 ms: none"]
    by_cause: collections.Counter[str] = collections.Counter()
    time_by_cause: collections.Counter[str] = collections.Counter()
    for stall in stalls:
        by_cause[stall.cause()] += 1
        time_by_cause[stall.cause()] += stall.seconds
    lines = [
        f"stalls over 16 ms: {len(stalls)}; by cause: "
        + ", ".join(
            f"{cause} {n} ({time_by_cause[cause] * 1000:.0f} ms)"
            for cause, n in by_cause.most_common()
        ),
        f"the {min(worst, len(stalls))} worst:",
    ]
    for stall in sorted(stalls, key=lambda s: -s.seconds)[:worst]:
        lines.append(stall.describe())
    return lines
