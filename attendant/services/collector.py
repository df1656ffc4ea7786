"""The GUI thread's share of the interpreter while a refresh runs in a thread of its own.

The window and a provider call (exchangelib parsing XML, the demo building calendars) run
Python under one interpreter lock. Two things of the interpreter's own, not of the board,
stalled the window for 50–120 ms in a refresh of 5,000 mailboxes (``bench/bench_board.py``):

* **Full collections of the cyclic garbage collector.** A refresh builds tens of thousands
  of long-lived objects (events, mailboxes), which is what sets off a full collection: a
  pass over every object of the program, the lock held throughout, in the middle of the
  refresh. Young collections stay as they are (each looks at a few thousand new objects and
  takes a millisecond); the full ones are held for a quiet moment, when no refresh is under
  way, at most every :data:`FULL_COLLECTION_SECONDS` (:class:`QuietCollector`). The data
  of a refresh holds no reference cycles (values are frozen, and dropped by reference
  counting when the next refresh replaces them), so little waits for that moment.
* **The lock's hand-over.** A thread that wants the lock waits until the one holding it has
  run for the switch interval (5 ms by default). The window takes the lock afresh each time
  Qt calls into Python (a timer, a paint event, a delegate), many times in one turn, so while
  a provider's thread runs Python (the demo building 5,000 calendars, exchangelib reading an
  answer) a turn that takes 10 ms of the processor took 60-90 ms at 1 ms (measured with
  ``bench/bench_looks.py``: the worst stall of the refresh after a change of looks, the
  window's thread idle, waiting for the lock). At 0.1 ms the same turn takes 20 ms, and the
  demo's 5,000 calendars beside a window busy a fifth of the time take 3 % longer (1.14 s
  against 1.10 s); alone, no longer.

The objects made while the console starts (modules, classes, widgets' wrappers) live as long
as the program: :func:`share_with_the_window` freezes them out of every later collection.
The composition root calls it once; nothing happens at import.
"""

from __future__ import annotations

import gc
import sys
import time
from collections.abc import Callable

#: The interpreter's lock is handed over after this long (seconds; Python's default is 5 ms).
SWITCH_INTERVAL_SECONDS = 0.0001
#: A full collection runs at most this often, and only when no refresh is under way.
FULL_COLLECTION_SECONDS = 600.0
#: Young collections every 700 allocations, the middle generation every 10 of them (Python's
#: own figures); a full collection never by itself.
_THRESHOLDS = (700, 10, 2**31 - 1)


def share_with_the_window() -> None:
    """Hold full collections for :class:`QuietCollector`, and hand the lock over sooner.

    Call once, when the console has started and before the first refresh: what is alive
    then is frozen out of every collection (it lives as long as the program).
    """
    sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)
    gc.collect()
    gc.freeze()
    gc.set_threshold(*_THRESHOLDS)


class QuietCollector:
    """Runs the full collections that :func:`share_with_the_window` holds back.

    :meth:`collect_if_due` is called now and then (the console: every few seconds); it
    collects when :data:`FULL_COLLECTION_SECONDS` have passed since the last collection and
    ``busy()`` says no refresh is under way.
    """

    def __init__(
        self,
        busy: Callable[[], bool],
        *,
        every_seconds: float = FULL_COLLECTION_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._busy = busy
        self._every = every_seconds
        self._clock = clock
        self._last = clock()
        #: Full collections run so far (for diagnostics and tests).
        self.collections = 0

    def collect_if_due(self) -> bool:
        """Run a full collection if one is due and nothing is refreshing; say whether it ran."""
        now = self._clock()
        if now - self._last < self._every or self._busy():
            return False
        gc.collect()
        self._last = self._clock()
        self.collections += 1
        return True
