"""Typed provider errors the rest of the program understands.

Every failure a provider expects (a server down, credentials rejected, a back-off) is one of
these, with a message for the receptionist and a hint for the admin. Anything else that
escapes a provider is a bug and goes to the crash handler. A failure of *one* mailbox is not
an error at all: it is an :class:`attendant.domain.Availability` with ``error`` set.
"""

from __future__ import annotations

import math
from datetime import datetime


class ProviderError(Exception):
    """Base of every expected provider failure."""

    #: A stable, machine-readable kind (used in logs, JSON output and tests).
    kind = "provider_error"

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class SettingsInvalid(ProviderError):
    """The provider cannot be built from the settings (missing URL, ``http://``, …)."""

    kind = "settings_invalid"


class CredentialsRejected(ProviderError):
    """The server refused the credentials (HTTP 401, account locked, ``invalid_grant``).

    The lockout guard never lets the same credentials be sent again until they change or a
    person says "Retry now".
    """

    kind = "credentials_rejected"

    LIKELY_CAUSES = (
        "the account's policy does not allow refreshes that frequent",
        "the password was changed",
        "the credentials were changed while Attendant was running",
        "the account is locked",
    )

    def __init__(
        self,
        message: str,
        *,
        hint: str = "",
        operation: str | None = None,
        status: int | None = None,
        code: str | None = None,
        server: str | None = None,
        locked_out: bool = False,
    ) -> None:
        super().__init__(message, hint=hint)
        #: The evidence support needs: the request that was refused (an EWS operation such
        #: as "GetUserAvailability", or "token refresh"), its HTTP status, the server's code
        #: (an Exchange response code, an OAuth error such as "invalid_grant", an AADSTS
        #: number), the host that refused, and whether the server said the account is locked.
        self.operation = operation
        self.status = status
        self.code = code
        self.server = server
        self.locked_out = locked_out


class SignInRequired(ProviderError):
    """No usable token: a person has to sign in (again)."""

    kind = "signin_required"


#: The longest back-off honoured. Real servers ask for seconds or minutes; a server (or a
#: proxy) that says "wait 30 years" or "inf" must not silence the console for good.
MAX_BACK_OFF_SECONDS = 3600.0
#: A back-off given as something that is not a number ("NaN") counts as this long.
UNREADABLE_BACK_OFF_SECONDS = 60.0


class Throttled(ProviderError):
    """The server asked us to back off; nothing may be sent to it before ``retry_after``.

    The wait is kept between 0 and :data:`MAX_BACK_OFF_SECONDS`, whatever the server said.
    """

    kind = "throttled"

    def __init__(self, message: str, *, retry_after_seconds: float, hint: str = "") -> None:
        super().__init__(message, hint=hint)
        seconds = float(retry_after_seconds)
        if math.isnan(seconds):
            seconds = UNREADABLE_BACK_OFF_SECONDS
        self.retry_after_seconds = min(max(0.0, seconds), MAX_BACK_OFF_SECONDS)


class Unreachable(ProviderError):
    """The server could not be reached: DNS, refused connection, timeout, TLS failure."""

    kind = "unreachable"


class BadResponse(ProviderError):
    """The server answered with something we cannot read (garbage XML, unexpected status)."""

    kind = "bad_response"


class NotSupported(ProviderError):
    """The provider or server version lacks a capability (e.g. room lists on Exchange 2007)."""

    kind = "not_supported"


def retry_at(error: Throttled, now: datetime) -> datetime:
    """The instant before which nothing may be sent again after ``error``."""
    from datetime import timedelta

    return now + timedelta(seconds=error.retry_after_seconds)
