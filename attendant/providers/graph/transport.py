"""HTTPS to Microsoft Graph: trust, tokens, the concurrency bound and Graph's error answers.

Why requests: msal already speaks it (one HTTP stack, one TLS setup to get right), the calls
are blocking like the rest of the provider seam, and its connection pool is safe to share
between the few worker threads the fan-out uses. httpx would add a second stack for nothing.

Trust: the session verifies with the shared context of :mod:`attendant.providers.tls`
(system store, certifi, ``network.ca_bundle``), the same one the sign-in authority is reached
with; its adapter ignores any ``verify`` value, so ``REQUESTS_CA_BUNDLE`` can neither replace
the extra CA nor switch verification off. ``trust_env`` is off as well (no ``.netrc``
credentials replacing the bearer token); proxies from the environment are looked up
explicitly per host.
"""

from __future__ import annotations

import email.utils
import ssl
import threading
import time
from collections.abc import Mapping
from typing import Any, Protocol
from urllib.parse import urlsplit

import requests
from loguru import logger

from attendant.providers.errors import (
    BadResponse,
    NotSupported,
    SettingsInvalid,
    SignInRequired,
    Throttled,
    Unreachable,
)
from attendant.providers.tls import TLS_HINT, trusting_session

#: Graph allows 4 concurrent requests per mailbox; every request here runs as the signed-in
#: user against that user's mailbox, so this is the bound for all of them together.
MAX_IN_FLIGHT = 4
#: Delegated permissions only an administrator can consent to.
ADMIN_CONSENT = frozenset({"Place.Read.All"})
#: Back-off when a 429/503 carries no usable Retry-After.
DEFAULT_RETRY_AFTER_SECONDS = 30.0

Json = dict[str, Any]

_NET_HINT = "Check the network connection, the proxy and the server address in the settings."


class TokenSource(Protocol):
    """Where access tokens come from (msal in production, the fake authority in tests)."""

    def access_token(self, *, force_refresh: bool = False) -> str:
        """A bearer token; ``force_refresh`` asks for a new one even if the cached one is fresh.

        Raises SignInRequired or CredentialsRejected when none can be had silently.
        """
        ...


class ConsentMissing(NotSupported):
    """Graph answered 403: the token lacks the permission an endpoint needs."""

    kind = "consent_missing"

    def __init__(self, message: str, *, permission: str, hint: str = "") -> None:
        super().__init__(message, hint=hint)
        self.permission = permission


def make_session(trust: ssl.SSLContext) -> requests.Session:
    """A session that verifies only against ``trust`` and ignores the environment."""
    session = trusting_session(trust)
    session.trust_env = False
    return session


def require_https(url: str, what: str, key: str) -> str:
    """``url`` without a trailing slash; SettingsInvalid unless it is https with a host."""
    parts = urlsplit(url.strip())
    if parts.scheme.lower() != "https" or not parts.hostname:
        raise SettingsInvalid(
            f"The {what} must be an https:// URL (got {url!r}); tokens are never sent over "
            "plain http.",
            hint=f"Set {key} to an https:// address.",
        )
    return url.strip().rstrip("/")


def retry_after_seconds(value: str | None) -> float:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return DEFAULT_RETRY_AFTER_SECONDS
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return DEFAULT_RETRY_AFTER_SECONDS
    return max(0.0, when.timestamp() - time.time())


def _graph_error(response: requests.Response) -> tuple[str, str]:
    try:
        error = response.json().get("error") or {}
        return str(error.get("code") or ""), str(error.get("message") or "")
    except (ValueError, AttributeError):
        return "", response.text[:200]


class GraphTransport:
    """Blocking JSON calls to Graph with a bearer token, at most ``MAX_IN_FLIGHT`` at a time.

    On 401 the token is refreshed once (shared by concurrent callers) and the request sent
    once more; a second 401 means a person has to sign in again. 429/503 become Throttled
    without retrying: the lockout guard keeps everything back until the back-off ends.
    """

    def __init__(
        self,
        graph_url: str,
        tokens: TokenSource,
        *,
        session: requests.Session,
        timeout: float = 30.0,
        max_in_flight: int = MAX_IN_FLIGHT,
    ) -> None:
        self.base = require_https(graph_url, "Microsoft Graph URL", "calendar.graph.graph_url")
        self._tokens = tokens
        self._session = session
        self._timeout = timeout
        self._gate = threading.BoundedSemaphore(max_in_flight)
        self._token_lock = threading.Lock()
        self._proxies: dict[str, dict[str, str]] = {}
        self._closed = False

    def url(self, path: str) -> str:
        return path if path.startswith("https://") else f"{self.base}/{path.lstrip('/')}"

    def get(
        self,
        path: str,
        *,
        permission: str,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Json:
        return self.request("GET", path, permission=permission, params=params, headers=headers)

    def post(
        self,
        path: str,
        body: Json,
        *,
        permission: str,
        headers: Mapping[str, str] | None = None,
        refresh_on_401: bool = True,
    ) -> Json:
        return self.request(
            "POST",
            path,
            permission=permission,
            json=body,
            headers=headers,
            refresh_on_401=refresh_on_401,
        )

    def request(
        self, method: str, path: str, *, permission: str, refresh_on_401: bool = True, **kwargs: Any
    ) -> Json:
        """One call; ``refresh_on_401=False`` for endpoints (presence) that answer 401 to a
        token that works everywhere else: their 401 is a refusal (ConsentMissing), never a
        reason to ask for a sign-in. Only a 401 that says the token itself is invalid
        (``InvalidAuthenticationToken``: expired, or ended early by the tenant) renews it."""
        url = self.url(path)
        if not url.startswith(self.base + "/"):
            raise BadResponse(f"Graph pointed to {url}, outside {self.base}; not followed.")
        token = self._current_token()
        response = self._send(method, url, token, kwargs)
        if response.status_code == 401 and not refresh_on_401:
            self._refusal(response, method, path, permission)
        if response.status_code == 401:
            logger.info("Graph answered 401 to {} {}; refreshing the token once", method, path)
            for _ in range(2):
                token, renewed_here = self._refreshed_token(token)
                response = self._send(method, url, token, kwargs)
                # A token another request had renewed may have been ended with the one
                # refused (a revoked session ends every token issued so far): renew once.
                if response.status_code != 401 or renewed_here:
                    break
            if response.status_code == 401:
                if not refresh_on_401:
                    self._refusal(response, method, path, permission)
                code, message = _graph_error(response)
                raise SignInRequired(
                    f"Microsoft Graph does not accept the sign-in ({code or 401}: {message}).",
                    hint="Sign in again (Settings ▸ Sign in, or `attendant signin`).",
                )
        return self._parse(response, method, path, permission)

    @staticmethod
    def _refusal(response: requests.Response, method: str, path: str, permission: str) -> None:
        """Raises ConsentMissing for a 401 that is not about the token itself."""
        code, message = _graph_error(response)
        if code == "InvalidAuthenticationToken":
            return  # the token is expired or ended: renew it like everywhere else
        raise ConsentMissing(
            f"Microsoft Graph refused {method} {path.split('?')[0]} "
            f"(401 {code}: {message}) to a sign-in it accepts elsewhere.",
            permission=permission,
            hint=f"Grant the delegated permission {permission} to the app registration, "
            "then sign in again; nothing else is affected.",
        )

    def probe(self, url: str) -> int:
        """The status of an unauthenticated GET of ``url`` (same trust and proxies)."""
        self._refuse_if_closed()
        try:
            response = self._session.get(
                url, timeout=self._timeout, proxies=self._proxies_for(url), allow_redirects=False
            )
        except requests.exceptions.SSLError as error:
            raise Unreachable(
                f"The TLS certificate of {urlsplit(url).netloc} is not trusted: {error}",
                hint=TLS_HINT,
            ) from error
        except requests.exceptions.RequestException as error:
            raise Unreachable(
                f"{urlsplit(url).netloc} cannot be reached: {error}", hint=_NET_HINT
            ) from error
        response.close()
        return response.status_code

    # -- internals -----------------------------------------------------------------------

    def _current_token(self) -> str:
        # The source's cache is cheap and renews tokens shortly before they expire.
        with self._token_lock:
            return self._tokens.access_token()

    def _refreshed_token(self, rejected: str) -> tuple[str, bool]:
        """A new token, unless another thread already replaced ``rejected`` (one grant);
        and whether it was renewed here (True) or taken from the cache (False)."""
        with self._token_lock:
            current = self._tokens.access_token()
            if current != rejected:
                return current, False
            return self._tokens.access_token(force_refresh=True), True

    def _proxies_for(self, url: str) -> dict[str, str]:
        host = urlsplit(url).netloc
        if host not in self._proxies:
            self._proxies[host] = dict(requests.utils.get_environ_proxies(url))
        return self._proxies[host]

    def _send(
        self, method: str, url: str, token: str, kwargs: Mapping[str, Any]
    ) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        headers.update(kwargs.get("headers") or {})
        extra = {k: v for k, v in kwargs.items() if k != "headers"}
        self._refuse_if_closed()
        failure: Unreachable
        try:
            with self._gate:
                return self._session.request(
                    method,
                    url,
                    headers=headers,
                    timeout=self._timeout,
                    proxies=self._proxies_for(url),
                    allow_redirects=False,
                    **extra,
                )
        except requests.exceptions.SSLError as error:
            failure = Unreachable(
                f"The TLS certificate of {urlsplit(url).netloc} is not trusted: {error}",
                hint=TLS_HINT,
            )
        except requests.exceptions.Timeout:
            failure = Unreachable(
                f"Microsoft Graph did not answer within {self._timeout:.0f} s.",
                hint="Check the network connection; network.timeout_seconds sets the limit.",
            )
        except requests.exceptions.RequestException as error:
            failure = Unreachable(
                f"Microsoft Graph at {urlsplit(url).netloc} cannot be reached: {error}",
                hint="Check the network connection, the proxy and calendar.graph.graph_url.",
            )
        finally:
            if self._closed:  # closed while this request was on its way: its pool goes too
                self._session.close()
        # Raised out here, without the requests error as its cause: that one holds urllib3's
        # pool and its connections, and a failure is kept a while (in futures, in reference
        # cycles the collector frees late): the sockets stayed open with it.
        try:
            raise failure
        finally:
            del failure  # this frame is in the error's traceback: no cycle through it

    def _refuse_if_closed(self) -> None:
        """A closed transport sends nothing: a call still running in a thread when the
        provider was closed (the settings changed, the console quits) would otherwise open
        new connections in the closed session, which nothing closes again."""
        if self._closed:
            raise Unreachable("This connection to Microsoft Graph was closed.")

    def _parse(self, response: requests.Response, method: str, path: str, permission: str) -> Json:
        status = response.status_code
        if status == 429 or (status == 503 and response.headers.get("Retry-After")):
            seconds = retry_after_seconds(response.headers.get("Retry-After"))
            code, message = _graph_error(response)
            raise Throttled(
                f"Microsoft Graph asked Attendant to wait {seconds:.0f} s "
                f"({code or status}: {message}).",
                retry_after_seconds=seconds,
                hint="Graph throttles busy tenants; nothing is sent before the wait ends.",
            )
        if status == 403:
            code, message = _graph_error(response)
            raise ConsentMissing(
                f"Microsoft Graph refused {method} {path.split('?')[0]} (403 {code}: {message}). "
                f"The app needs the delegated permission {permission}.",
                permission=permission,
                hint=f"In Entra ID, add the delegated permission {permission} to the app "
                "registration"
                + (
                    " and have an administrator grant consent"
                    if permission in ADMIN_CONSENT
                    else " and grant consent"
                )
                + ", then sign in again.",
            )
        if status >= 500:
            code, message = _graph_error(response)
            raise Unreachable(
                f"Microsoft Graph failed ({status} {code}: {message}).",
                hint="A problem on Microsoft's side; Attendant tries again at the next refresh.",
            )
        if status != 200:
            code, message = _graph_error(response)
            raise BadResponse(
                f"Microsoft Graph answered {status} to {method} {path}: {code} {message}".strip()
            )
        try:
            data = response.json()
        except ValueError as error:
            raise BadResponse(
                f"Microsoft Graph sent something that is not JSON for {path}."
            ) from error
        if not isinstance(data, dict):
            raise BadResponse(f"Microsoft Graph sent unexpected JSON for {path}.")
        return data

    def close(self) -> None:
        self._closed = True
        self._session.close()
