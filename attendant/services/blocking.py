"""The one seam through which blocking provider calls leave the event loop.

exchangelib and msal block. Each call runs in its own daemon thread and is awaited with a
timeout; a call that outlives its timeout is abandoned (its result is dropped when it comes)
and, being a daemon, cannot keep the program from quitting. A thread per call is cheap at
the rate a console refreshes (once a minute) and needs no pool to size or drain.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class CallTimedOut(TimeoutError):
    """A blocking call did not finish within its timeout."""


async def run_blocking(func: Callable[[], T], *, timeout: float, name: str = "provider") -> T:
    """Run ``func`` in a daemon thread; raise :class:`CallTimedOut` after ``timeout`` s."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def deliver_result(value: T) -> None:
        if not future.done():
            future.set_result(value)

    def deliver_error(error: BaseException) -> None:
        if not future.done():
            future.set_exception(error)

    def hand_over(callback: Callable[..., None], payload: object) -> None:
        # The loop may have closed while the call ran: then nobody is waiting.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(callback, payload)

    def work() -> None:
        try:
            value = func()
        except BaseException as error:
            hand_over(deliver_error, error)
        else:
            hand_over(deliver_result, value)

    threading.Thread(target=work, name=f"attendant-{name}", daemon=True).start()
    try:
        return await asyncio.wait_for(asyncio.shield(future), timeout)
    except TimeoutError as error:
        future.cancel()
        raise CallTimedOut(f"no answer within {timeout:g} s") from error
