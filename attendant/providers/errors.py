"""Typed provider errors the rest of the program understands.

Every failure a provider expects (a server down, credentials rejected, a back-off) is one of
these, with a message for the receptionist and a hint for the admin. Anything else that
escapes a provider is a bug and goes to the crash handler. A failure of *one* mailbox is not
an error at all: it is an :class:`attendant.domain.Availability` with ``error`` set.
"""

from __future__ import annotations

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


class SignInRequired(ProviderError):
    """No usable token: a person has to sign in (again)."""

    kind = "signin_required"


class Throttled(ProviderError):
    """The server asked us to back off; nothing may be sent to it before ``retry_after``."""

    kind = "throttled"

    def __init__(self, message: str, *, retry_after_seconds: float, hint: str = "") -> None:
        super().__init__(message, hint=hint)
        self.retry_after_seconds = max(0.0, retry_after_seconds)


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
