"""HTTP authentication of the fake EWS endpoint: Basic, NTLM (connection-based) and Bearer.

Mirrors what matters for lockout tests: every rejected credential is counted, and an account
can be locked after N bad passwords so that even the right password is refused — the state a
program that keeps retrying a stale password drives a real Active Directory account into.
"""

from __future__ import annotations

import base64
import binascii
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from . import ntlm
from .httpsserver import ConnectionState, Request

UNAUTHORIZED_HTML = (
    b"<!DOCTYPE html><html><head><title>401 - Unauthorized</title></head><body>"
    b"<h1>401 - Unauthorized: Access is denied due to invalid credentials.</h1>"
    b"</body></html>"
)
LOCKED_OUT_HTML = (
    b"<!DOCTYPE html><html><head><title>401 - Unauthorized</title></head><body>"
    b"<h1>401 - Unauthorized: Logon failed.</h1>"
    b"<p>The referenced account is currently locked out and may not be logged on to.</p>"
    b"</body></html>"
)


@dataclass
class AuthOutcome:
    ok: bool
    scheme: str | None = None  # "Basic" | "NTLM" | "Bearer" | None (anonymous)
    username: str | None = None
    #: For a 401: extra WWW-Authenticate values (e.g. an NTLM challenge) replacing the defaults.
    challenge: list[str] | None = None
    #: A logon attempt that failed (counted in ``failed_logons``).
    failed_logon: bool = False
    reason: str = ""


@dataclass
class AuthConfig:
    username: str
    password: str
    schemes: tuple[str, ...]  # subset of ("basic", "ntlm", "bearer")
    bearer_validator: Callable[[str], bool] | None
    lockout_threshold: int | None
    realm: str
    ntlm_domain: str
    ntlm_computer: str = "EXCH01"
    dns_domain: str = "contoso.com"


@dataclass
class AuthCounters:
    failed_logons: int = 0
    successful_logons: int = 0
    anonymous_requests: int = 0
    bad_password_count: int = 0  # AD's badPwdCount: reset by a successful logon
    locked_out: bool = False
    failed_by_scheme: Counter[str] = field(default_factory=Counter)
    succeeded_by_scheme: Counter[str] = field(default_factory=Counter)


class Authenticator:
    def __init__(self, config: AuthConfig) -> None:
        self.config = config
        self.counters = AuthCounters()
        self._lock = threading.Lock()

    # -- challenge headers -----------------------------------------------------------------
    def default_challenges(self) -> list[str]:
        out = []
        if "ntlm" in self.config.schemes:
            out += ["Negotiate", "NTLM"]
        if "basic" in self.config.schemes:
            out.append(f'Basic realm="{self.config.realm}"')
        if "bearer" in self.config.schemes:
            out.append(
                'Bearer client_id="00000002-0000-0ff1-ce00-000000000000", '
                'token_types="app_asserted_user_v1 service_asserted_app_v1", error="invalid_token"'
            )
        return out

    # -- account state ---------------------------------------------------------------------
    def lock_out(self) -> None:
        with self._lock:
            self.counters.locked_out = True

    def unlock(self) -> None:
        with self._lock:
            self.counters.locked_out = False
            self.counters.bad_password_count = 0

    def _user_matches(self, user: str, domain: str = "") -> bool:
        want_domain, _, want_user = self.config.username.rpartition("\\")
        if "\\" in user:
            domain, _, user = user.rpartition("\\")
        if user.lower() != want_user.lower():
            return False
        return not domain or not want_domain or domain.lower() == want_domain.lower()

    def _password_logon(self, scheme: str, user: str, good: bool) -> AuthOutcome:
        """Apply lockout rules to a password-based logon attempt."""
        c = self.counters
        with self._lock:
            if c.locked_out:
                good = False
                reason = "account locked out"
            else:
                reason = "bad user name or password"
            if good:
                c.bad_password_count = 0
                c.successful_logons += 1
                c.succeeded_by_scheme[scheme] += 1
                return AuthOutcome(True, scheme, user)
            c.failed_logons += 1
            c.failed_by_scheme[scheme] += 1
            if not c.locked_out:
                c.bad_password_count += 1
                threshold = self.config.lockout_threshold
                if threshold is not None and c.bad_password_count >= threshold:
                    c.locked_out = True
        return AuthOutcome(False, scheme, user, failed_logon=True, reason=reason)

    # -- the check -------------------------------------------------------------------------
    def authenticate(self, request: Request, conn: ConnectionState) -> AuthOutcome:
        header = request.header("authorization").strip()
        scheme, _, value = header.partition(" ")
        scheme_l = scheme.lower()
        if not header:
            if conn.get("ntlm_user") and "ntlm" in self.config.schemes:
                return AuthOutcome(True, "NTLM", conn["ntlm_user"])  # authenticated connection
            with self._lock:
                self.counters.anonymous_requests += 1
            return AuthOutcome(False, reason="no credentials")
        if scheme_l == "basic" and "basic" in self.config.schemes:
            return self._basic(value.strip())
        if scheme_l in ("ntlm", "negotiate") and "ntlm" in self.config.schemes:
            return self._ntlm(scheme, value.strip(), conn)
        if scheme_l == "bearer" and "bearer" in self.config.schemes:
            return self._bearer(value.strip())
        # Credentials in a scheme this server does not accept: rejected, and counted.
        with self._lock:
            self.counters.failed_logons += 1
            self.counters.failed_by_scheme[scheme or "?"] += 1
        return AuthOutcome(False, scheme, failed_logon=True, reason="scheme not enabled")

    def _basic(self, value: str) -> AuthOutcome:
        try:
            raw = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            raw = b""
        try:
            decoded = raw.decode("utf-8")
        except UnicodeDecodeError:
            decoded = raw.decode("latin-1")
        user, sep, password = decoded.partition(":")
        good = bool(sep) and self._user_matches(user) and password == self.config.password
        return self._password_logon("Basic", user, good)

    def _ntlm(self, scheme: str, value: str, conn: ConnectionState) -> AuthOutcome:
        try:
            token = base64.b64decode(value)
            kind = ntlm.message_type(token)
        except (binascii.Error, ValueError):
            return self._password_logon("NTLM", "", False)
        if kind == 1:
            conn.pop("ntlm_user", None)
            challenge, server_challenge = ntlm.build_challenge(
                token,
                domain=self.config.ntlm_domain,
                computer=self.config.ntlm_computer,
                dns_domain=self.config.dns_domain,
            )
            conn["ntlm_challenge"] = server_challenge
            b64 = base64.b64encode(challenge).decode()
            return AuthOutcome(False, "NTLM", challenge=[f"{scheme} {b64}"], reason="challenge")
        server_challenge = conn.pop("ntlm_challenge", None)
        if kind != 3 or server_challenge is None:
            return self._password_logon("NTLM", "", False)
        try:
            auth = ntlm.parse_authenticate(token)
        except ValueError:
            return self._password_logon("NTLM", "", False)
        user = f"{auth.domain}\\{auth.user}" if auth.domain else auth.user
        good = self._user_matches(auth.user, auth.domain) and ntlm.verify_ntlmv2(
            auth, server_challenge, self.config.password
        )
        outcome = self._password_logon("NTLM", user, good)
        if outcome.ok:
            conn["ntlm_user"] = user
        return outcome

    def _bearer(self, token: str) -> AuthOutcome:
        validator = self.config.bearer_validator
        good = bool(token) and validator is not None and validator(token)
        with self._lock:
            if good:
                self.counters.successful_logons += 1
                self.counters.succeeded_by_scheme["Bearer"] += 1
                return AuthOutcome(True, "Bearer", "bearer-token")
            self.counters.failed_logons += 1
            self.counters.failed_by_scheme["Bearer"] += 1
        return AuthOutcome(False, "Bearer", failed_logon=True, reason="invalid_token")
