"""Provider calls wrapped in the lockout guard and the server's back-off (blocking).

Every call that may carry credentials to a server goes through :class:`GuardedProvider`, in
the GUI's refresh service and in the command line alike, so that the lockout rules of
INTERFACES.md §3 hold whichever door the request leaves by.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from loguru import logger

from attendant.providers.base import FreeBusyProvider
from attendant.providers.errors import CredentialsRejected, Throttled
from attendant.services.lockout import LockoutGuard

T = TypeVar("T")


class CredentialsBlocked(CredentialsRejected):
    """Credentials the server already rejected once: they are not sent again."""

    kind = "credentials_blocked"


def _utc_now() -> datetime:
    return datetime.now(UTC)


class GuardedProvider:
    """Runs blocking provider calls only when the guard allows, and records what it learns."""

    def __init__(
        self,
        provider: FreeBusyProvider,
        guard: LockoutGuard,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self.provider = provider
        self._guard = guard
        self._clock = clock

    @property
    def key(self) -> str:
        return self.provider.name

    def call(self, operation: Callable[[FreeBusyProvider], T]) -> T:
        """Run ``operation(provider)`` unless the guard forbids it; raise ProviderErrors."""
        now = self._clock()
        until = self._guard.throttled_until(self.key, now)
        if until is not None:
            wait = (until - now).total_seconds()
            raise Throttled(
                f"The server asked Attendant to wait; nothing is sent before "
                f"{until.astimezone().strftime('%H:%M:%S')}.",
                retry_after_seconds=wait,
                hint="This is the server's back-off; it ends by itself.",
            )
        material = self.provider.credential_material()
        rejection = self._guard.rejection_for(self.key, material)
        if rejection is not None:
            when = rejection.at.astimezone().strftime("%Y-%m-%d %H:%M")
            raise CredentialsBlocked(
                f"The server rejected these credentials at {when}; Attendant will not send "
                "them again.",
                hint='Enter the new password or sign in again, or press "Retry now" once '
                "the account is unlocked.",
            )
        try:
            return operation(self.provider)
        except CredentialsRejected as error:
            self._guard.record_rejection(self.key, material, error.message, now)
            logger.error(
                "Credentials rejected by the {} server: {}. Attendant stops using them until "
                "they change or someone presses 'Retry now'. Likely causes: {}.",
                self.key,
                error.message.rstrip("."),
                "; ".join(CredentialsRejected.LIKELY_CAUSES),
            )
            raise
        except Throttled as error:
            resume = self._clock() + timedelta(seconds=error.retry_after_seconds)
            self._guard.record_throttle(self.key, resume)
            logger.warning(
                "The {} server asked to back off for {:.0f} s: {}",
                self.key,
                error.retry_after_seconds,
                error.message,
            )
            raise
