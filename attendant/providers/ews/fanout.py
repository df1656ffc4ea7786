"""Bounded concurrency for many EWS requests, without multiplying a rejected password.

A watch list of 1,000 mailboxes is ten GetUserAvailability requests; sent one after another
they cost ten round trips. :func:`run_bounded` sends them over a few connections at once, with
two rules that keep the lockout promise:

- until the server has accepted the current credentials once, the first request goes alone
  (a wrong password costs one failed logon, not one per connection);
- the first failure stops the rest: requests not yet sent are not sent.

Workers are daemon threads, so an abandoned refresh (the refresh service's timeout) cannot
keep the program from quitting; each request is bounded by the HTTP timeout anyway.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from queue import SimpleQueue
from typing import TypeVar

from attendant.providers.errors import (
    CredentialsRejected,
    ProviderError,
    SignInRequired,
    Throttled,
)

T = TypeVar("T")

#: Requests in flight at once by default. Four keeps within Exchange's default throttling
#: policy (EWSMaxConcurrency is 10 per user) with room for Outlook on the same account.
DEFAULT_CONCURRENCY = 4


def run_bounded(tasks: Sequence[Callable[[], T]], *, concurrency: int, lead_alone: bool) -> list[T]:
    """Run ``tasks`` with at most ``concurrency`` at a time; results in task order.

    ``lead_alone``: run the first task on its own before the others start. Raises the most
    telling error when any task fails (credentials, then back-off, then the first other).
    """
    if not tasks:
        return []
    lead = [tasks[0]()] if lead_alone or concurrency <= 1 or len(tasks) == 1 else []
    rest = tasks[len(lead) :]
    return lead + run_read_here([_read_at_once(task) for task in rest], concurrency=concurrency)


def run_read_here(tasks: Sequence[Callable[[], Callable[[], T]]], *, concurrency: int) -> list[T]:
    """Like :func:`run_bounded` without a lead, for tasks that split in two: each sends and
    receives on a worker and returns the reading of its answer, which runs here, on the
    calling thread, while the workers' next requests are on the network (a worker that
    parsed its answer before sending the next request would hold that request back).
    """
    if not tasks:
        return []
    results: list[T | None] = [None] * len(tasks)
    lock = threading.Lock()
    queue = iter(range(len(tasks)))
    stop = threading.Event()
    done: SimpleQueue[tuple[int, Callable[[], T] | None, BaseException | None] | None]
    done = SimpleQueue()

    def worker() -> None:
        try:
            while not stop.is_set():
                with lock:
                    index = next(queue, None)
                if index is None:
                    return
                try:
                    done.put((index, tasks[index](), None))
                except BaseException as error:
                    stop.set()
                    done.put((index, None, error))
                    return
        finally:
            done.put(None)

    threads = [
        threading.Thread(target=worker, name=f"attendant-ews-{i}", daemon=True)
        for i in range(min(max(1, concurrency), len(tasks)))
    ]
    for thread in threads:
        thread.start()
    failures: list[tuple[int, BaseException]] = []
    running = len(threads)
    while running:
        item = done.get()
        if item is None:
            running -= 1
            continue
        index, read, error = item
        if read is not None and not failures:
            try:
                results[index] = read()
            except BaseException as failure:
                error = failure
        if error is not None:
            stop.set()  # requests not yet sent are not sent
            failures.append((index, error))
    if failures:
        raise _most_telling(failures)
    return [r for r in results]  # type: ignore[misc]  # every slot is filled when no error


def _read_at_once(task: Callable[[], T]) -> Callable[[], Callable[[], T]]:
    """``task`` as a task of :func:`run_read_here` whose reading is already done."""

    def send() -> Callable[[], T]:
        value = task()
        return lambda: value

    return send


def _most_telling(failures: list[tuple[int, BaseException]]) -> BaseException:
    errors = [error for _, error in sorted(failures, key=lambda f: f[0])]
    for error in errors:
        if not isinstance(error, ProviderError):
            return error  # a bug: let it reach the crash handler
    for error in errors:
        if isinstance(error, CredentialsRejected | SignInRequired):
            return error
    throttles = [e for e in errors if isinstance(e, Throttled)]
    if throttles:
        return max(throttles, key=lambda e: e.retry_after_seconds)
    return errors[0]
