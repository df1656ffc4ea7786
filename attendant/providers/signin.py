"""Delegated sign-in with msal, shared by the Office 365 (EWS) and Graph providers.

A receptionist signs in once (browser, or a device code on machines without one); msal keeps
the tokens in a per-user cache and renews the access token silently before it expires. When
it cannot — the refresh token was revoked, the password changed, a new MFA policy — the
answer is "sign in again", never a retry: :class:`MsalSignIn` remembers the refresh token the
authority refused and does not send it again, and raises :class:`RefreshTokenRejected`, which
the lockout guard records as rejected credentials (across refreshes and restarts).

The cache is encrypted where the OS can (DPAPI, Keychain, libsecret) and otherwise a file only
its owner may read (0600); :attr:`MsalSignIn.cache_encrypted` says which, for the dialog.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import ssl
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

import msal
import msal.exceptions
import requests
from loguru import logger

from attendant.log import once
from attendant.providers.errors import (
    BadResponse,
    CredentialsRejected,
    ProviderError,
    SettingsInvalid,
    SignInRequired,
    Throttled,
    Unreachable,
)
from attendant.providers.tls import TLS_HINT, trust_context, trusting_session

SIGN_IN_HINT = "Sign in again: Settings ▸ Sign in, or `attendant signin`."
_CREDENTIAL = msal.TokenCache.CredentialType
#: Errors after which only a person can help (msal's own list, plus invalid_grant).
_AADSTS = re.compile(r"\bAADSTS\d+")
#: AADSTS50053: the account is locked (too many bad sign-ins, or a malicious IP).
_LOCKED_CODES = {"AADSTS50053"}
_INTERACTION = {"invalid_grant", "interaction_required", "consent_required", "login_required"}


@dataclass(frozen=True)
class AccessToken:
    """A bearer token, when it expires (seconds since the epoch) and whose it is."""

    token: str
    expires_at: float
    account: str | None = None


class RefreshTokenRejected(CredentialsRejected, SignInRequired):
    """The authority refused the refresh token (``invalid_grant``): sign in again.

    Both a rejection (the lockout guard records it, so it is not sent again after a restart)
    and a "sign in again" (what the window and ``attendant check`` say).
    """

    kind = "signin_required"


class MsalSignIn:
    """One app registration's delegated tokens for one set of scopes, cached per user."""

    def __init__(
        self,
        *,
        authority: str,
        tenant_id: str,
        client_id: str,
        scopes: Sequence[str],
        cache_path: Path | None,
        ca_bundle: str = "",
        timeout: float = 30.0,
        trust: ssl.SSLContext | None = None,
    ) -> None:
        if not tenant_id.strip() or not client_id.strip():
            raise SettingsInvalid(
                "The Directory (tenant) ID and the Application (client) ID are required.",
                hint="Copy both from the app registration in the Entra admin center.",
            )
        if not authority.lower().startswith("https://"):
            raise SettingsInvalid("The sign-in authority must be an https:// URL.")
        self.authority_url = f"{authority.rstrip('/')}/{tenant_id.strip()}"
        self.client_id = client_id.strip()
        self.scopes = list(scopes)
        self.timeout = float(timeout)
        self._trust = trust if trust is not None else trust_context(ca_bundle)
        self._cache, self.cache_encrypted = _open_cache(cache_path)
        self._app: msal.PublicClientApplication | None = None
        self._session: requests.Session | None = None
        self._lock = threading.RLock()
        self._refused_refresh_token: str | None = None

    # -- the msal application (built lazily: building it asks the authority) -----------

    def _application(self) -> msal.PublicClientApplication:
        with self._lock:
            if self._app is None:
                session = self._session = trusting_session(self._trust)
                session.request = functools.partial(  # type: ignore[method-assign]
                    session.request, timeout=self.timeout
                )
                try:
                    self._app = msal.PublicClientApplication(
                        self.client_id,
                        authority=self.authority_url,
                        token_cache=self._cache,
                        http_client=session,
                        instance_discovery=False,
                    )
                except ValueError as error:
                    raise SettingsInvalid(
                        f"The sign-in authority {self.authority_url} refused the tenant: "
                        f"{str(error)[:200]}",
                        hint="Check the Directory (tenant) ID and the sign-in authority.",
                    ) from None
                except (requests.exceptions.RequestException, msal.exceptions.MsalError) as error:
                    raise _network(error, self.authority_url) from None
            return self._app

    def close(self) -> None:
        """Close the connections to the authority (a provider's ``close`` calls this): each
        provider the console opens has its own, and an old one kept its socket open."""
        with self._lock:
            if self._session is not None:
                self._session.close()

    # -- what the cache holds (no network) ---------------------------------------------

    def _refresh_tokens(self) -> list[dict[str, Any]]:
        query = {"client_id": self.client_id}
        return list(self._cache.search(_CREDENTIAL.REFRESH_TOKEN, query=query))

    def credential_material(self) -> bytes | None:
        """Changes exactly when the signed-in account or its refresh token changes."""
        tokens = sorted(
            (str(t.get("home_account_id")), str(t.get("secret"))) for t in self._refresh_tokens()
        )
        if not tokens:
            return None
        return "\n".join(f"{account}\0{secret}" for account, secret in tokens).encode()

    def account(self) -> str | None:
        """The signed-in user name, or None."""
        homes = {t.get("home_account_id") for t in self._refresh_tokens()}
        for entry in self._cache.search(_CREDENTIAL.ACCOUNT):
            if entry.get("home_account_id") in homes:
                return str(entry.get("username") or entry.get("home_account_id"))
        return None

    @property
    def last_refreshed(self) -> datetime | None:
        """When the newest access token of this app was issued to this machine."""
        query = {"client_id": self.client_id}
        stamps = [
            int(t.get("cached_at", 0) or 0)
            for t in self._cache.search(_CREDENTIAL.ACCESS_TOKEN, query=query)
        ]
        newest = max(stamps, default=0)
        return datetime.fromtimestamp(newest, UTC) if newest else None

    # -- tokens ------------------------------------------------------------------------

    def acquire_silent(self, *, force_refresh: bool = False) -> AccessToken:
        """A valid access token from the cache, renewed with the refresh token if due.

        Raises SignInRequired when nobody is signed in, RefreshTokenRejected when the
        authority refused the refresh token (then that token is never sent again).
        """
        with self._lock:
            tokens = self._refresh_tokens()
            if not tokens:
                raise SignInRequired("Nobody is signed in to Microsoft 365.", hint=SIGN_IN_HINT)
            if self._refused_refresh_token in {_fingerprint(t) for t in tokens}:
                raise RefreshTokenRejected(
                    "The sign-in expired and was refused; it is not tried again.",
                    hint=SIGN_IN_HINT,
                )
            app = self._application()
            accounts = app.get_accounts()
            if not accounts:
                raise SignInRequired("Nobody is signed in to Microsoft 365.", hint=SIGN_IN_HINT)
            try:
                result = app.acquire_token_silent_with_error(
                    self.scopes, account=accounts[0], force_refresh=force_refresh
                )
            except (requests.exceptions.RequestException, msal.exceptions.MsalError) as error:
                raise _network(error, self.authority_url) from None
            if result is None:
                raise SignInRequired("The sign-in has no usable token.", hint=SIGN_IN_HINT)
            if "access_token" in result:
                if result.get("token_source") == "identity_provider":
                    logger.info("Access token for {} renewed silently", self.client_id)
                return _token(result, accounts[0].get("username"))
            raise self._refused(result, tokens)

    def access_token(self, *, force_refresh: bool = False) -> str:
        """The bearer token alone (the shape the Graph provider's transport asks for)."""
        return self.acquire_silent(force_refresh=force_refresh).token

    def _refused(self, result: dict[str, Any], tokens: list[dict[str, Any]]) -> ProviderError:
        error = str(result.get("error", ""))
        description = str(result.get("error_description", "")).splitlines()[0:1]
        detail = description[0] if description else error
        if error in _INTERACTION:
            newest = max(tokens, key=lambda t: int(t.get("last_modification_time", "0") or 0))
            self._refused_refresh_token = _fingerprint(newest)
            # The lockout guard writes the rejection (account, server, code, what to do).
            logger.debug("The sign-in authority refused the refresh token: {}", detail)
            codes = [f"AADSTS{c}" for c in result.get("error_codes") or [] if c]
            found = _AADSTS.search(str(result.get("error_description", "")))
            if not codes and found:
                codes = [found.group(0)]
            evidence: dict[str, Any] = {
                "operation": "token refresh",
                "status": 400,
                "code": " ".join([error, *codes[:1]]),
                "server": urlsplit(self.authority_url).hostname,
                "locked_out": any(c in _LOCKED_CODES for c in codes),
            }
            if error == "invalid_grant":
                return RefreshTokenRejected(
                    f"The sign-in expired or was revoked ({detail}).",
                    hint=SIGN_IN_HINT,
                    **evidence,
                )
            return RefreshTokenRejected(
                f"Signing in again is required ({detail}).", hint=SIGN_IN_HINT, **evidence
            )
        if error in ("temporarily_unavailable", "server_error"):
            return Unreachable(f"The sign-in authority is failing: {detail}")
        return BadResponse(f"The sign-in authority answered {error}: {detail}")

    # -- signing in and out ------------------------------------------------------------

    def sign_in_interactive(self, *, timeout: float = 300.0) -> str:
        """Sign in in the system browser; returns the user name."""
        app = self._application()
        try:
            result = app.acquire_token_interactive(
                self.scopes, prompt="select_account", timeout=int(timeout)
            )
        except (requests.exceptions.RequestException, msal.exceptions.MsalError) as error:
            raise _network(error, self.authority_url) from None
        return self._signed_in(result)

    def sign_in_device_code(self, out: TextIO) -> str:
        """Print a code and URL to ``out`` and wait until someone signs in with them."""
        app = self._application()
        try:
            flow = app.initiate_device_flow(scopes=self.scopes)
            if "user_code" not in flow:
                raise SignInRequired(
                    f"The sign-in authority refused a device code: "
                    f"{flow.get('error_description') or flow.get('error')}",
                    hint="The app registration must allow public client flows.",
                )
            out.write(f"{flow['message']}\n")
            out.flush()
            result = app.acquire_token_by_device_flow(flow)
        except (requests.exceptions.RequestException, msal.exceptions.MsalError) as error:
            raise _network(error, self.authority_url) from None
        return self._signed_in(result)

    def _signed_in(self, result: dict[str, Any]) -> str:
        if "access_token" not in result:
            error = result.get("error", "unknown")
            detail = str(result.get("error_description", "")).splitlines()[0:1]
            raise SignInRequired(
                f"Signing in failed: {error}" + (f" ({detail[0]})" if detail else ""),
                hint="Try again; the app registration needs the delegated permissions "
                f"{', '.join(s.rsplit('/', 1)[-1] for s in self.scopes)} with admin consent.",
            )
        with self._lock:
            self._refused_refresh_token = None
        claims = result.get("id_token_claims") or {}
        account = str(claims.get("preferred_username") or claims.get("name") or "?")
        logger.info("Signed in to {} as {}", self.authority_url, account)
        return account

    def sign_out(self) -> None:
        """Forget every account of this app registration (cache only; nothing is sent)."""
        with self._lock:
            homes = {t.get("home_account_id") for t in self._refresh_tokens()}
            for kind in (
                _CREDENTIAL.REFRESH_TOKEN,
                _CREDENTIAL.ACCESS_TOKEN,
                _CREDENTIAL.ID_TOKEN,
                _CREDENTIAL.ACCOUNT,
            ):
                for entry in list(self._cache.search(kind)):
                    if entry.get("home_account_id") in homes:
                        self._cache.modify(kind, entry)
            self._refused_refresh_token = None


def _fingerprint(token: dict[str, Any]) -> str:
    return hashlib.sha256(str(token.get("secret", "")).encode()).hexdigest()


def _token(result: dict[str, Any], account: str | None) -> AccessToken:
    expires_in = float(result.get("expires_in", 0) or 0)
    return AccessToken(str(result["access_token"]), time.time() + expires_in, account)


def _network(error: Exception, where: str) -> ProviderError:
    """An error on the way to the authority (msal raises MsalServiceError for HTTP 4xx/5xx)."""
    if isinstance(error, msal.exceptions.MsalError):
        text = str(error)
        if "429" in text:
            return Throttled(
                f"The sign-in authority {where} asked Attendant to wait ({text}).",
                retry_after_seconds=60.0,
                hint="This is the authority's back-off; it ends by itself.",
            )
        return Unreachable(f"The sign-in authority {where} is failing ({text}).")
    if isinstance(error, requests.exceptions.SSLError):
        return Unreachable(f"TLS with the sign-in authority {where} failed.", hint=TLS_HINT)
    if isinstance(error, requests.exceptions.Timeout):
        return Unreachable(f"The sign-in authority {where} did not answer in time.")
    return Unreachable(
        f"The sign-in authority {where} cannot be reached.",
        hint="Check the network, any proxy, and the sign-in authority in Settings.",
    )


def _open_cache(path: Path | None) -> tuple[msal.SerializableTokenCache, bool]:
    """The persisted token cache: encrypted if the OS allows, else a 0600 file."""
    if path is None:
        return msal.SerializableTokenCache(), False
    from msal_extensions import (
        FilePersistence,
        PersistedTokenCache,
        build_encrypted_persistence,
    )

    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        persistence = build_encrypted_persistence(str(path))
    except Exception as error:  # ImportError (no libsecret), RuntimeError, PersistenceError
        if once("token-cache-unencrypted"):  # true for the whole run: say it once
            logger.warning(
                "The token cache cannot be encrypted on this machine ({}); it is kept unencrypted "
                "in {}, readable only by this user (0600)",
                str(error).splitlines()[0] if str(error) else type(error).__name__,
                path,
            )
        persistence = FilePersistence(str(path))
        if not path.exists():
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        path.chmod(0o600)
        return PersistedTokenCache(persistence), False
    return PersistedTokenCache(persistence), True
