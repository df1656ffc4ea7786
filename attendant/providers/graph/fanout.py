"""Run a handful of blocking Graph calls side by side, and stop early when one fails.

The transport already bounds how many requests are in flight; this only spreads the calls
over worker threads. After the first failure no further call is started (a 429 means
"send nothing more", a rejected sign-in must not be tried again), and once the calls in
flight are done the most consequential error is raised: credentials before a back-off
before anything else, so that the lockout guard records what matters.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from attendant.providers.errors import CredentialsRejected, ProviderError, SignInRequired, Throttled

T = TypeVar("T")


def _rank(error: ProviderError) -> int:
    if isinstance(error, CredentialsRejected):
        return 3
    if isinstance(error, SignInRequired):
        return 2
    if isinstance(error, Throttled):
        return 1
    return 0


class _Skipped(ProviderError):
    """A call not started because an earlier one failed."""


def run_all(pool: ThreadPoolExecutor | None, calls: Sequence[Callable[[], T]]) -> list[T]:
    """The results of ``calls`` in order; a ProviderError stops the calls not yet started."""
    if pool is None or len(calls) <= 1:
        return [call() for call in calls]
    stop = threading.Event()

    def run(call: Callable[[], T]) -> T:
        if stop.is_set():
            raise _Skipped("not started after an earlier failure")
        try:
            return call()
        except BaseException:
            stop.set()
            raise

    futures = [pool.submit(run, call) for call in calls]
    results: list[T] = []
    errors: list[ProviderError] = []
    for future in futures:
        try:
            results.append(future.result())
        except _Skipped:
            continue
        except ProviderError as error:
            errors.append(error)
    if errors:
        worst = max(errors, key=_rank)
        try:
            raise worst
        finally:
            # The error's traceback holds this frame: without these, the frame, the futures
            # and the errors form a cycle that keeps every error (and what it holds) alive
            # until a full garbage collection.
            del worst, errors, futures, future
    return results
