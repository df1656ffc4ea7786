"""Automatic replies for the person the receptionist selects, within the throttle budget.

Asked on selection, never in the refresh loop: one address at a time, at most one request
every two seconds, through the lockout guard (so a back-off or rejected credentials send
nothing), and each answer kept for ten minutes. A refusal (no consent for the permission
MailTips need) is believed for a quarter of an hour.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from loguru import logger

from attendant.domain import AutoReply
from attendant.providers.base import MailTipsSource
from attendant.providers.errors import NotSupported, ProviderError
from attendant.services.blocking import CallTimedOut, run_blocking
from attendant.services.guarded import GuardedProvider

MIN_INTERVAL_SECONDS = 2.0
KEEP_SECONDS = 600.0
REFUSAL_SECONDS = 900.0


@dataclass(frozen=True, slots=True)
class ReplyLookup:
    """What the details pane shows: the reply (None: none is on) or why it is not known."""

    reply: AutoReply | None = None
    known: bool = True
    note: str = ""


class AutoReplies:
    """Blocking lookups of automatic replies, cached and spaced out."""

    def __init__(
        self, guarded: GuardedProvider, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._guarded = guarded
        self._clock = clock
        self._cache: dict[str, tuple[float, ReplyLookup]] = {}
        self._last_request = float("-inf")
        self._refused: tuple[float, str] | None = None
        self.requests = 0

    @property
    def available(self) -> bool:
        return isinstance(self._guarded.provider, MailTipsSource)

    def cached(self, address: str) -> ReplyLookup | None:
        kept = self._cache.get(address.casefold())
        if kept is not None and self._clock() - kept[0] < KEEP_SECONDS:
            return kept[1]
        return None

    async def ask(self, address: str, timeout: float, *, closed: bool = False) -> ReplyLookup:
        """:meth:`lookup` from the event loop, in a worker thread, within ``timeout``."""
        kept = self.cached(address)
        if kept is not None or not self.available or closed:
            return kept or ReplyLookup(known=False)
        try:
            return await run_blocking(
                lambda: self.lookup(address), timeout=timeout, name="mailtips"
            )
        except CallTimedOut:
            return ReplyLookup(known=False, note="Automatic reply: the server did not answer.")

    def lookup(self, address: str) -> ReplyLookup:
        """The automatic reply of ``address`` (blocking; never raises)."""
        if not self.available:
            return ReplyLookup(known=False, note="")
        key = address.casefold()
        kept = self.cached(key)
        if kept is not None:
            return kept
        now = self._clock()
        if self._refused is not None and now - self._refused[0] < REFUSAL_SECONDS:
            return ReplyLookup(known=False, note=self._refused[1])
        if now - self._last_request < MIN_INTERVAL_SECONDS:
            return ReplyLookup(known=False, note="Automatic reply: asking again in a moment")
        self._last_request = now
        self.requests += 1
        try:
            found = self._guarded.call(lambda p: p.auto_replies([address]))  # type: ignore[attr-defined]
        except NotSupported as error:
            note = f"Automatic reply not available: {error.message}"
            logger.info("{}", note)
            self._refused = (now, note)
            return ReplyLookup(known=False, note=note)
        except ProviderError as error:
            return ReplyLookup(known=False, note=f"Automatic reply not read: {error.message}")
        except Exception:
            logger.exception("Automatic reply lookup failed with an internal error")
            return ReplyLookup(known=False, note="Automatic reply not read (see the log).")
        self._refused = None
        result = ReplyLookup(reply=found.get(key)) if key in found else ReplyLookup(known=False)
        self._cache[key] = (now, result)
        return result
