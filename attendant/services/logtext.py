"""What the log says for support: who and where, a start line, a rejection in three lines.

Support reads ``ApplicationLogFile.txt`` when a receptionist calls, and the first questions
are always the same: which account, which server, since when, why, and what to do. These
functions build the lines that answer them from the settings and the provider's evidence, so
the console, the command line and ``attendant diagnose`` word them alike. No Qt: the caller
passes the Qt version in.
"""

from __future__ import annotations

import platform
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from attendant import __version__
from attendant.providers.errors import CredentialsRejected, SignInRequired
from attendant.settings import Settings

_AUTH = {
    "office365": "OAuth2 delegated (EWS.AccessAsUser.All)",
    "graph": "OAuth2 delegated (Microsoft Graph)",
    "demo": "none",
}


@dataclass(frozen=True, slots=True)
class Identity:
    """Which account talks to which server, as the settings say."""

    provider: str
    server_url: str
    auth: str
    account: str

    @property
    def host(self) -> str:
        return urlsplit(self.server_url).hostname or self.server_url or "(no server)"


def identity(settings: Settings, account: str | None = None) -> Identity:
    """The identity the settings describe; ``account`` is the signed-in one (OAuth), if
    known, since the settings do not name it."""
    calendar = settings.calendar
    provider = calendar.provider
    if provider == "exchange":
        return Identity(
            provider,
            calendar.exchange.ews_url,
            calendar.exchange.auth,
            calendar.exchange.username or "(no user name)",
        )
    signed_in = account or "(the signed-in Microsoft 365 account)"
    if provider == "office365":
        return Identity(provider, calendar.office365.ews_url, _AUTH[provider], signed_in)
    if provider == "graph":
        return Identity(provider, calendar.graph.graph_url, _AUTH[provider], signed_in)
    return Identity(provider, "", _AUTH.get(provider, "as the provider decides"), "(none)")


def signed_in_account(provider: object) -> str | None:
    """The account an OAuth provider is signed in as (None when unknown or not OAuth)."""
    signin = getattr(provider, "signin", None)
    account = getattr(signin, "account", None)
    try:
        value = account() if callable(account) else account
    except Exception:  # a damaged token cache must not stop a log line
        return None
    return str(value) if value else None


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def start_line(
    settings: Settings,
    config_file: Path,
    *,
    what: str = "console",
    qt_version: str | None = None,
    account: str | None = None,
) -> str:
    """The one line a run starts with: version, provider, settings file, server, auth,
    account, watch counts, refresh interval, OS, Python (and Qt) versions."""
    who = identity(settings, account)
    watch = settings.watch
    server = who.server_url or "(none)"
    versions = f"Python {sys.version.split()[0]}" + (f", Qt {qt_version}" if qt_version else "")
    return (
        f"Attendant {__version__} {what} starting: provider {who.provider}, "
        f"settings {config_file}, server {server}, auth {who.auth}, account {who.account}, "
        f"watching {_plural(len(watch.people), 'person').replace('persons', 'people')}, "
        f"{_plural(len(watch.rooms), 'room')}, {_plural(len(watch.room_lists), 'room list')}, "
        f"refresh every {settings.calendar.refresh_interval_seconds} s; "
        f"{platform.system()} {platform.release()} ({platform.machine()}), {versions}"
    )


# ---------------------------------------------------------------------------------------
# A rejection of credentials, in three lines


def evidence(error: CredentialsRejected, fallback_host: str) -> str:
    """The rejected request: operation, HTTP status and the server's code."""
    operation = error.operation or "a request"
    status = f"HTTP {error.status}" if error.status else "no HTTP status"
    if error.code:
        code = error.code
    elif isinstance(error, SignInRequired):
        code = "no sign-in error code"
    else:
        code = "no Exchange response code"
    return f"{operation} to {error.server or fallback_host} answered {status}, {code}"


def rejection_lines(
    who: Identity, error: CredentialsRejected, worked_since: datetime | None
) -> tuple[str, str, str]:
    """What happened, the likely cause for this evidence, and how to lift the block.

    ``worked_since`` is when these same credentials were first accepted in this run (None:
    this was their first request in this run).
    """
    what = (
        f"Credentials rejected: account {who.account} at {error.server or who.host} "
        f"({who.provider}); {evidence(error, who.host)}: {error.message.rstrip('.')}."
    )
    sign_in = isinstance(error, SignInRequired) or (error.code or "").startswith("invalid_grant")
    if error.locked_out:
        cause = (
            "Likely cause: the server says the account is locked out. The lock came from "
            "elsewhere (a phone, another PC or a script still using an old password); "
            "Attendant made this one attempt and adds no more."
        )
        action = (
            "To lift the block: ask IT to unlock the account and to find the device with the "
            'old password, then press "Retry now" (or enter the new password in Settings).'
        )
    elif sign_in:
        cause = (
            "Likely cause: the sign-in expired or was revoked (invalid_grant: the password "
            "changed, IT revoked the sessions, or a policy requires signing in again)."
        )
        action = (
            "To lift the block: sign in again (Settings ▸ Sign in, or `attendant signin`); "
            "the refused token is not sent again."
        )
    elif worked_since is not None:
        cause = (
            "Likely cause: the same credentials worked in this run since "
            f"{worked_since.strftime('%H:%M')}, so the password was changed "
            "while Attendant was running (or the account was locked from another device)."
        )
        action = _password_action()
    else:
        cause = (
            "Likely cause: this was the first request of the run with these credentials, so "
            "the password is wrong or was changed (not refreshes too frequent: nothing had "
            "been sent before)."
        )
        action = _password_action()
    return what, cause, action


def _password_action() -> str:
    return (
        "To lift the block: enter the current password in Settings (Calendar Integration "
        'Settings) or ATTENDANT_PASSWORD, or press "Retry now" once IT has unlocked the '
        "account; until then these credentials are not sent again, not even after a restart."
    )
