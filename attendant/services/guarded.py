"""Provider calls wrapped in the lockout guard and the server's back-off (blocking).

Every call that may carry credentials to a server goes through :class:`GuardedProvider`, in
the GUI's refresh service and in the command line alike, so that the lockout rules of
INTERFACES.md §3 hold whichever door the request leaves by.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from loguru import logger

from attendant.providers.base import FreeBusyProvider
from attendant.providers.errors import CredentialsRejected, Throttled
from attendant.services.lockout import LockoutGuard
from attendant.services.logtext import Identity, rejection_lines, signed_in_account

T = TypeVar("T")

#: The shortest wait before asking again after a back-off, however short the server's.
MIN_RETRY_SECONDS = 0.5


class CredentialsBlocked(CredentialsRejected):
    """Credentials the server already rejected once: they are not sent again."""

    kind = "credentials_blocked"


def _utc_now() -> datetime:
    return datetime.now(UTC)


class GuardedProvider:
    """Runs blocking provider calls only when the guard allows, and records what it learns.

    It also writes what support reads about the credentials: a rejection in three lines
    (what was refused, the likely cause for that evidence, how to lift the block), a block
    in force once, and a block lifted (new credentials, or "Retry now").
    """

    def __init__(
        self,
        provider: FreeBusyProvider,
        guard: LockoutGuard,
        clock: Callable[[], datetime] = _utc_now,
        who: Identity | None = None,
        *,
        patience_seconds: float = 0.0,
        sleep: Callable[[float], None] = time.sleep,
        on_wait: Callable[[float], None] | None = None,
    ) -> None:
        self.provider = provider
        self._guard = guard
        self._clock = clock
        self._who = who
        # Digests (in memory only) of credentials the server accepted in this run, and when.
        self._worked: dict[bytes, datetime] = {}
        self._told_blocked = False
        self._retried_at: datetime | None = None
        self._patience = max(0.0, patience_seconds)
        self._sleep = sleep
        self._on_wait = on_wait

    @property
    def key(self) -> str:
        return self.provider.name

    @property
    def guard(self) -> LockoutGuard:
        return self._guard

    def identity(self) -> Identity:
        """Who talks to which server (the signed-in account when the provider knows it)."""
        who = self._who or Identity(self.key, "", "", "(unknown account)")
        account = signed_in_account(self.provider)
        return replace(who, account=account) if account else who

    def retry_now(self, *, by: str = "Retry now pressed", keep_back_off: bool = False) -> None:
        """ "Retry now": a person allows one more attempt with the rejected credentials.

        ``keep_back_off`` leaves a server's back-off in force (``attendant check --retry``).
        """
        if keep_back_off:
            self._guard.clear_rejection(self.key)
        else:
            self._guard.clear(self.key)
        self._retried_at = self._clock()
        self._told_blocked = False
        who = self.identity()
        logger.info(
            "{}: the credentials of {} may be sent to {} once more",
            by,
            who.account,
            who.host,
        )

    def call(self, operation: Callable[[FreeBusyProvider], T]) -> T:
        """Run ``operation(provider)`` unless the guard forbids it; raise ProviderErrors.

        With ``patience_seconds`` (the one-shot commands), a server's back-off that ends
        within what is left of that patience is waited out, and the call is made when it is
        over; a longer one raises :class:`Throttled` saying when it ends. The patience is
        spent over the life of this object, not per call.
        """
        while True:
            try:
                return self._call_once(operation)
            except Throttled as error:
                # A back-off already over by now (or of 0 s) still costs a moment, so that a
                # server answering "busy" again and again is not asked in a tight loop.
                wait = max(self._back_off_left() or 0.0, MIN_RETRY_SECONDS)
                if wait > self._patience:
                    raise self._too_long(error, wait) from error
                logger.info(
                    "Waiting {:.1f} s for the end of the {} server's back-off", wait, self.key
                )
                self._patience -= wait
                if self._on_wait is not None:
                    self._on_wait(wait)
                self._sleep(wait)

    def _back_off_left(self) -> float | None:
        now = self._clock()
        until = self._guard.throttled_until(self.key, now)
        return None if until is None else (until - now).total_seconds()

    def _too_long(self, error: Throttled, wait: float) -> Throttled:
        if self._patience <= 0.0:
            return error
        until = self._clock() + timedelta(seconds=wait)
        return Throttled(
            f"The server asked Attendant to wait {wait:.0f} s, until "
            f"{until.astimezone().strftime('%H:%M:%S')}; nothing is sent before then.",
            retry_after_seconds=wait,
            hint=f"Run the command again after {until.astimezone().strftime('%H:%M:%S')}.",
        )

    def _call_once(self, operation: Callable[[FreeBusyProvider], T]) -> T:
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
            self._tell_blocked(when, rejection.message)
            raise CredentialsBlocked(
                f"The server rejected these credentials at {when}; Attendant will not send "
                "them again.",
                hint='Enter the new password or sign in again, or press "Retry now" once '
                "the account is unlocked.",
            )
        try:
            result = operation(self.provider)
        except CredentialsRejected as error:
            self._guard.record_rejection(self.key, material, error.message, now)
            worked = self._worked.get(_digest(material))
            for line in rejection_lines(self.identity(), error, worked):
                logger.error(line)
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
        self._accepted(material, now)
        return result

    def _accepted(self, material: bytes | None, now: datetime) -> None:
        if material is None:
            return
        digest = _digest(material)
        if digest in self._worked:
            return
        self._worked[digest] = now
        who = self.identity()
        if self._retried_at is not None:
            logger.info(
                'Block lifted by "Retry now": {} accepted the credentials of {} again',
                who.host,
                who.account,
            )
            self._retried_at = None
        elif (earlier := self._guard.rejected_at(self.key)) is not None:
            self._guard.clear_rejection(self.key)
            logger.info(
                "Block lifted by new credentials: {} accepted the new credentials of {} "
                "(the ones rejected at {} are gone)",
                who.host,
                who.account,
                earlier.strftime("%Y-%m-%d %H:%M"),
            )

    def _tell_blocked(self, when: str, message: str) -> None:
        if self._told_blocked:
            return
        self._told_blocked = True
        who = self.identity()
        logger.warning(
            "Credentials blocked: account {} at {} was rejected at {} ({}); nothing is sent "
            'until the password changes, someone signs in again or presses "Retry now".',
            who.account,
            who.host,
            when,
            message.rstrip("."),
        )


def _digest(material: bytes | None) -> bytes:
    return hashlib.sha256(material or b"").digest()
