"""Blocking work for the settings dialog, off the GUI thread, answered on the GUI thread.

Test Settings, sign-in, directory search and room discovery block on the network (exchangelib,
msal). Each runs in its own daemon thread; what it reports comes back through a queued Qt
signal of a small QObject that lives on the GUI thread, so no widget is ever touched from the
worker. When the widget that asked is gone (the dialog was closed), the answers are dropped;
the thread ends by itself when its network call does, and being a daemon it never keeps the
program from quitting.

An expected failure (a :class:`ProviderError`) is an answer like any other. Anything else is a
bug: it goes to ``sys.excepthook``, the one crash handler, on the GUI thread.
"""

from __future__ import annotations

import gc
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, Slot

from attendant.providers.base import FreeBusyProvider, ProviderContext
from attendant.providers.errors import ProviderError
from attendant.providers.registry import ProviderRegistry
from attendant.services.guarded import GuardedProvider
from attendant.services.lockout import LockoutGuard
from attendant.services.logtext import identity
from attendant.settings import Settings, get_password


class _Hub(QObject):
    """Carries every worker's reports to the GUI thread; one for the program's life.

    Workers hold only this object (which is never deleted) and a number, never a widget or
    a per-job QObject: the last reference to a Qt object must not be dropped on a worker
    thread, where Python would delete it.
    """

    progress = Signal(int, object)
    finished = Signal(int, object, object)  # job, result, error

    def __init__(self) -> None:
        super().__init__()
        self._jobs: dict[int, _Job] = {}
        self._next = 0
        self.progress.connect(self._deliver_progress, Qt.ConnectionType.QueuedConnection)
        self.finished.connect(self._deliver_finished, Qt.ConnectionType.QueuedConnection)

    def add(self, job: _Job) -> int:
        self._next += 1
        self._jobs[self._next] = job
        return self._next

    def forget_owner(self, owner_id: int) -> None:
        for job in self._jobs.values():
            if job.owner_id == owner_id:
                job.alive = False

    @Slot(int, object)
    def _deliver_progress(self, number: int, item: object) -> None:
        job = self._jobs.get(number)
        if job is not None and job.alive and job.on_progress is not None:
            job.on_progress(item)

    @Slot(int, object, object)
    def _deliver_finished(self, number: int, result: object, error: object) -> None:
        job = self._jobs.pop(number, None)
        if job is None or not job.alive:
            return
        if isinstance(error, BaseException):
            if job.on_error is not None:
                job.on_error(error)
            if not isinstance(error, ProviderError):  # a bug: to the one crash handler
                sys.excepthook(type(error), error, error.__traceback__)
            return
        job.on_done(result)


@dataclass
class _Job:
    owner_id: int
    on_done: Callable[[Any], None]
    on_error: Callable[[BaseException], None] | None
    on_progress: Callable[[Any], None] | None
    alive: bool = True


_hub: _Hub | None = None


def _the_hub() -> _Hub:
    global _hub
    if _hub is None:
        _hub = _Hub()
    return _hub


def run_in_thread(
    owner: QObject,
    job: Callable[[Callable[[Any], None]], Any],
    *,
    on_done: Callable[[Any], None],
    on_error: Callable[[BaseException], None] | None = None,
    on_progress: Callable[[Any], None] | None = None,
    name: str = "settings",
) -> None:
    """Run ``job(report)`` in a daemon thread; ``report(item)`` reaches ``on_progress``.

    Call it on the GUI thread. ``on_done(result)``, ``on_error(error)`` and
    ``on_progress(item)`` are called on the GUI thread, and only while ``owner`` exists.
    ``job`` must not hold widgets: give it plain values.
    """
    hub = _the_hub()
    owner_id = id(owner)
    number = hub.add(_Job(owner_id, on_done, on_error, on_progress))
    if not owner.property("_attendant_worker_owner"):
        owner.setProperty("_attendant_worker_owner", True)
        owner.destroyed.connect(lambda *_: hub.forget_owner(owner_id))

    def report(item: Any) -> None:
        hub.progress.emit(number, item)

    def work() -> None:
        try:
            result = job(report)
        except BaseException as error:
            hub.finished.emit(number, None, error)
        else:
            hub.finished.emit(number, result, None)
        finally:
            with _THREADS_LOCK:
                _THREADS.discard(threading.current_thread())

    # Python's cycle collector runs on whichever thread happens to allocate. Garbage that
    # holds a Qt object must not be collected on the worker (Qt objects are deleted on the
    # GUI thread), so collect what is already garbage here, on the GUI thread, first.
    gc.collect()
    thread = threading.Thread(target=work, name=f"attendant-{name}", daemon=True)
    with _THREADS_LOCK:
        _THREADS.add(thread)
    thread.start()


_THREADS: set[threading.Thread] = set()
_THREADS_LOCK = threading.Lock()


def running_workers() -> int:
    """How many worker threads are still running (tests wait for none)."""
    with _THREADS_LOCK:
        return len(_THREADS)


@dataclass(frozen=True)
class ProviderAccess:
    """How the dialog builds a provider from its edited copy, for Test Settings and friends.

    The typed password (not yet stored) goes in through the context's password callable,
    ahead of the keyring. Every call that may carry credentials goes through the same lockout
    guard (same state folder) as the board's, so a rejected password is recorded once.
    """

    registry: ProviderRegistry
    token_cache: Path | None = None
    state_dir: Path | None = None

    def open(self, settings: Settings, typed_password: str | None = None) -> FreeBusyProvider:
        """The provider ``settings`` name (blocking; raises ProviderError)."""
        username = settings.calendar.exchange.username

        def password() -> str | None:
            if typed_password:
                return typed_password
            return get_password(username) if username else None

        context = ProviderContext(
            settings=settings,
            token_cache=self.token_cache,
            state_dir=self.state_dir,
            password=password,
        )
        return self.registry.create(context)

    def guard(self) -> LockoutGuard:
        return LockoutGuard(self.state_dir)

    def guarded(
        self, provider: FreeBusyProvider, settings: Settings | None = None
    ) -> GuardedProvider:
        who = identity(settings) if settings is not None else None
        return GuardedProvider(provider, self.guard(), who=who)
