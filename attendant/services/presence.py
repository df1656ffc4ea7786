"""Teams presence beside the statuses: asked after each refresh, never in its way.

Presence never fails, delays or changes the statuses: it is asked in its own call after a
refresh has published the calendar, and every failure becomes at most a hint. Two failures
are remembered so that nothing is sent in vain: Graph's ``Retry-After`` holds presence back
(and presence only) until it ends, and a refusal (no consent for Presence.Read.All, or the
401 Graph has been seen to give a working token) is asked again only every quarter hour.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from loguru import logger

from attendant.domain import Mailbox, MailboxKind, Presence
from attendant.providers.base import PresenceSource
from attendant.providers.errors import NotSupported, ProviderError
from attendant.services.blocking import CallTimedOut, run_blocking
from attendant.services.guarded import GuardedProvider

#: How long a refusal (no consent) is believed before presence is asked again.
REFUSAL_PAUSE = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class PresenceResult:
    """Presence by mailbox key, and why there is none where that is worth saying."""

    presences: Mapping[str, Presence] = field(default_factory=dict)
    hint: str = ""


class PresencePoller:
    """Blocking: one presence fetch for a snapshot's people, through the lockout guard."""

    def __init__(self, guarded: GuardedProvider, clock: Callable[[], datetime]) -> None:
        self._guarded = guarded
        self._clock = clock
        self._resume_at: datetime | None = None
        self._refused: tuple[datetime, str] | None = None
        self._task: asyncio.Task[None] | None = None

    def start(
        self,
        mailboxes: Sequence[Mailbox],
        timeout: float,
        deliver: Callable[[PresenceResult], None],
    ) -> None:
        """Fetch in a worker thread and ``deliver`` on the loop; one fetch out at a time."""
        if not self.available or (self._task is not None and not self._task.done()):
            return  # none, or the last one is still out: no pile-up behind a slow server
        self._task = asyncio.get_running_loop().create_task(
            self._run(list(mailboxes), timeout, deliver), name="presence"
        )

    def cancel(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()

    async def _run(
        self, mailboxes: list[Mailbox], timeout: float, deliver: Callable[[PresenceResult], None]
    ) -> None:
        try:
            result = await run_blocking(
                lambda: self.fetch(mailboxes), timeout=timeout, name="presence"
            )
        except CallTimedOut:
            logger.info("Teams presence did not come within {:.0f} s", timeout)
            return
        if result is not None:
            deliver(result)

    @property
    def available(self) -> bool:
        """Whether the provider has presence at all (Graph does; EWS providers do not)."""
        return isinstance(self._guarded.provider, PresenceSource)

    def fetch(self, mailboxes: Sequence[Mailbox]) -> PresenceResult | None:
        """Presence of the people among ``mailboxes``; None: nothing new (keep what is shown)."""
        if not self.available:
            return None
        now = self._clock()
        if self._resume_at is not None and now < self._resume_at:
            return None
        if self._refused is not None and now - self._refused[0] < REFUSAL_PAUSE:
            return PresenceResult(hint=self._refused[1])
        people = [m for m in mailboxes if m.kind is MailboxKind.PERSON]
        if not people:
            return PresenceResult()
        try:
            found = self._guarded.call(lambda p: p.presences(people))  # type: ignore[attr-defined]
        except NotSupported as error:  # refused: 401/403, no consent
            hint = f"Teams presence unavailable: {error.message} {error.hint}".strip()
            if self._refused is None:
                logger.warning("{}", hint)
            self._refused = (now, hint)
            return PresenceResult(hint=hint)
        except ProviderError as error:
            seconds = getattr(error, "retry_after_seconds", None)
            if isinstance(seconds, float):
                self._resume_at = now + timedelta(seconds=seconds)
                logger.info("Teams presence held back {:.0f} s: {}", seconds, error.message)
                return None
            logger.info("Teams presence not read this time: {}", error.message)
            return PresenceResult(hint=f"Teams presence not read: {error.message}")
        except Exception:
            logger.exception("Teams presence failed with an internal error")
            return PresenceResult(hint="Teams presence failed; details are in the log.")
        if self._refused is not None:
            logger.info("Teams presence is read again")
        self._refused = None
        return PresenceResult(dict(found))
