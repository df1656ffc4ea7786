"""A fake Entra ID (Azure AD v2.0) authority on loopback HTTPS, for the real msal library.

Enough of the v2.0 endpoints for ``msal.PublicClientApplication(client_id,
authority=authority.authority_url, instance_discovery=False, verify=<test CA file>)``:
OpenID discovery, the device-code flow (the test approves the code with :meth:`approve`),
refresh tokens, and the authorization-code flow with PKCE and ``response_mode=form_post``
(driven by :class:`FakeBrowser`). Tokens are JWT-shaped but unsigned-in-spirit (msal decodes
the ID token's claims, it does not verify signatures). The fake EWS/Graph servers accept only
access tokens this authority issued, through :meth:`valid_access_token`.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from urllib.parse import parse_qs, urlencode, urlsplit

from .entra_tokens import User, b64url, token_response
from .httpsserver import ConnectionState, LoopbackHTTPSServer, Request, Response

DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


@dataclass
class _DeviceCode:
    user_code: str
    client_id: str
    scopes: list[str]
    expires_at: float
    user: User | None = None
    declined: bool = False
    redeemed: bool = False


@dataclass
class _Grant:
    """What a refresh token or authorization code stands for."""

    user: User
    client_id: str
    scopes: list[str]
    revoked: bool = False
    redirect_uri: str = ""
    code_challenge: str = ""
    nonce: str | None = None
    expires_at: float = 0.0


@dataclass
class _AccessToken:
    user: User
    client_id: str
    scopes: list[str]
    expires_at: float


@dataclass
class EntraRecord:
    time: float
    method: str
    path: str
    grant_type: str | None = None
    client_id: str | None = None
    status: int = 0
    error: str | None = None


class OAuthError(Exception):
    def __init__(self, error: str, code: int, description: str, status: int = 400) -> None:
        super().__init__(error)
        self.error, self.code, self.description, self.status = error, code, description, status


class FakeEntraAuthority(LoopbackHTTPSServer):
    """The fake authority. ``authority_url`` is what msal's ``authority=`` takes.

    Controls: :meth:`approve`, :meth:`decline`, :meth:`revoke_refresh_tokens`,
    :meth:`expire_access_tokens`, :meth:`inject_http_error`, ``interactive_user``.
    Counters: ``grants`` (successful token grants by grant type), ``grant_errors``
    (``(grant_type, error)``), ``requests_total``, ``request_log``.
    """

    def __init__(
        self,
        *,
        tenant_id: str = "4f6c0b9e-2d3a-4c55-9a1e-6b7d8e9f0a1b",
        tenant_domain: str = "contoso.onmicrosoft.com",
        client_id: str | None = None,
        access_token_lifetime: int = 3600,
        device_code_interval: int = 1,
        device_code_lifetime: int = 900,
        interactive_user: str | None = None,
        trusted: bool = True,
    ) -> None:
        super().__init__(trusted=trusted)
        self.tenant_id = tenant_id
        self.tenant_domain = tenant_domain
        self.client_id = client_id
        self.access_token_lifetime = access_token_lifetime
        #: Name each permission in the ``scp`` claim with its resource URI (a real shape).
        self.scp_with_resource = False
        #: Permissions an administrator consented to for the app (``{resource}/{name}``):
        #: Entra ID puts them in every access token for that resource, asked for or not.
        self.admin_consented: list[str] = []
        self.device_code_interval = device_code_interval
        self.device_code_lifetime = device_code_lifetime
        self.interactive_user = interactive_user
        self.users: dict[str, User] = {}
        self._device_codes: dict[str, _DeviceCode] = {}
        self._auth_codes: dict[str, _Grant] = {}
        self._refresh_tokens: dict[str, _Grant] = {}
        self._access_tokens: dict[str, _AccessToken] = {}
        self._http_errors: list[tuple[int, str]] = []
        self._lock = threading.RLock()
        self.grants: Counter[str] = Counter()
        self.grant_errors: Counter[tuple[str, str]] = Counter()
        self.requests_total = 0
        self.request_log: list[EntraRecord] = []

    # -- addresses ---------------------------------------------------------------------------
    @property
    def authority_url(self) -> str:
        return f"{self.base_url}/{self.tenant_id}"

    @property
    def issuer(self) -> str:
        return f"{self.base_url}/{self.tenant_id}/v2.0"

    # -- controls ----------------------------------------------------------------------------
    def add_user(self, username: str, name: str = "") -> User:
        with self._lock:
            user = self.users.get(username.lower())
            if user is None:
                user = User(username, name or username.split("@")[0])
                self.users[username.lower()] = user
            return user

    def approve(self, user_code: str, username: str, name: str = "") -> None:
        """The user enters *user_code* at the verification page and signs in as *username*."""
        with self._lock:
            dc = self._find_user_code(user_code)
            dc.user = self.add_user(username, name)

    def decline(self, user_code: str) -> None:
        with self._lock:
            self._find_user_code(user_code).declined = True

    def _find_user_code(self, user_code: str) -> _DeviceCode:
        for dc in self._device_codes.values():
            if dc.user_code == user_code:
                return dc
        raise KeyError(f"no device code with user code {user_code!r}")

    @property
    def pending_user_codes(self) -> list[str]:
        with self._lock:
            return [d.user_code for d in self._device_codes.values() if not d.user]

    def revoke_refresh_tokens(self, username: str | None = None) -> None:
        """Invalidate refresh tokens (of one user, or all): the next refresh gets invalid_grant."""
        with self._lock:
            for grant in self._refresh_tokens.values():
                if username is None or grant.user.username.lower() == username.lower():
                    grant.revoked = True

    def expire_access_tokens(self) -> None:
        """Every access token issued so far is expired from now on (new ones are fine)."""
        with self._lock:
            for token in self._access_tokens.values():
                token.expires_at = min(token.expires_at, time.time() - 1)

    def inject_http_error(self, status: int = 503, count: int = 1, body: str = "") -> None:
        """The next *count* requests of any kind get this HTTP status (e.g. 503 outage)."""
        with self._lock:
            self._http_errors.extend([(status, body)] * count)

    def valid_access_token(self, token: str, scope: str | None = None) -> bool:
        """True for an unexpired access token this authority issued (with *scope*, if given)."""
        with self._lock:
            at = self._access_tokens.get(token)
        if at is None or at.expires_at <= time.time():
            return False
        return scope is None or scope in at.scopes

    # -- HTTP ----------------------------------------------------------------------------------
    def handle_request(self, request: Request, conn: ConnectionState) -> Response:
        record = EntraRecord(time.time(), request.method, request.path.split("?")[0])
        with self._lock:
            self.requests_total += 1
            self.request_log.append(record)
            injected = self._http_errors.pop(0) if self._http_errors else None
        if injected is not None:
            record.status, record.error = injected[0], "injected"
            return Response(injected[0], [("Content-Type", "text/html")], injected[1].encode())
        try:
            response = self._route(request, record)
        except OAuthError as exc:
            record.error = exc.error
            if record.grant_type:
                with self._lock:
                    self.grant_errors[(record.grant_type, exc.error)] += 1
            response = self._error_response(exc)
        record.status = response.status
        return response

    def _route(self, request: Request, record: EntraRecord) -> Response:
        parts = urlsplit(request.path)
        segments = [s for s in parts.path.split("/") if s]
        if not segments:
            raise OAuthError("not_found", 0, "Unknown endpoint.", 404)
        tenant, rest = segments[0], "/".join(segments[1:])
        if tenant not in (self.tenant_id, self.tenant_domain, "organizations", "common"):
            raise OAuthError(
                "invalid_tenant", 90002, f"Tenant '{tenant}' not found. Check the tenant ID.", 400
            )
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        form = {k: v[-1] for k, v in parse_qs(request.body.decode("utf-8", "replace")).items()}
        if request.method == "GET" and rest == "v2.0/.well-known/openid-configuration":
            return self._json(200, self._openid_configuration(tenant))
        if request.method == "GET" and rest == "discovery/v2.0/keys":
            return self._json(200, {"keys": []})
        if request.method == "POST" and rest == "oauth2/v2.0/devicecode":
            return self._json(200, self._device_authorization(form))
        if request.method == "POST" and rest == "oauth2/v2.0/token":
            record.grant_type = form.get("grant_type")
            record.client_id = form.get("client_id")
            return self._json(200, self._token(form))
        if request.method == "GET" and rest == "oauth2/v2.0/authorize":
            return self._authorize(query)
        raise OAuthError("not_found", 0, f"Unknown endpoint {parts.path}.", 404)

    def _json(self, status: int, payload: dict[str, object]) -> Response:
        headers = [
            ("Content-Type", "application/json; charset=utf-8"),
            ("Cache-Control", "no-store"),
        ]
        return Response(status, headers, json.dumps(payload).encode())

    def _error_response(self, exc: OAuthError) -> Response:
        now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%SZ")
        trace, corr = str(uuid.uuid4()), str(uuid.uuid4())
        description = f"AADSTS{exc.code}: {exc.description}" if exc.code else exc.description
        description += f"\r\nTrace ID: {trace}\r\nCorrelation ID: {corr}\r\nTimestamp: {now}"
        return self._json(
            exc.status,
            {
                "error": exc.error,
                "error_description": description,
                "error_codes": [exc.code] if exc.code else [],
                "timestamp": now,
                "trace_id": trace,
                "correlation_id": corr,
            },
        )

    # -- endpoints -----------------------------------------------------------------------------
    def _openid_configuration(self, tenant: str) -> dict[str, object]:
        base = f"{self.base_url}/{tenant}"
        return {
            "token_endpoint": f"{base}/oauth2/v2.0/token",
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt"],
            "jwks_uri": f"{base}/discovery/v2.0/keys",
            "response_modes_supported": ["query", "fragment", "form_post"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "issuer": self.issuer,
            "request_uri_parameter_supported": False,
            "userinfo_endpoint": f"{self.base_url}/oidc/userinfo",
            "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
            "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
            "http_logout_supported": True,
            "frontchannel_logout_supported": True,
            "end_session_endpoint": f"{base}/oauth2/v2.0/logout",
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "nonce", "oid", "tid"],
            "tenant_region_scope": "EU",
            "cloud_instance_name": "127.0.0.1",
        }

    def _check_client(self, client_id: str | None) -> str:
        if not client_id:
            raise OAuthError("invalid_request", 900144, "The request body must contain client_id.")
        if self.client_id is not None and client_id != self.client_id:
            raise OAuthError(
                "unauthorized_client",
                700016,
                f"Application with identifier '{client_id}' was not found in the directory.",
            )
        return client_id

    def _device_authorization(self, form: dict[str, str]) -> dict[str, object]:
        client_id = self._check_client(form.get("client_id"))
        device_code = secrets.token_urlsafe(48)
        user_code = "".join(secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(9))
        with self._lock:
            self._device_codes[device_code] = _DeviceCode(
                user_code,
                client_id,
                form.get("scope", "").split(),
                time.time() + self.device_code_lifetime,
            )
        uri = f"{self.base_url}/devicelogin"
        return {
            "user_code": user_code,
            "device_code": device_code,
            "verification_uri": uri,
            "expires_in": self.device_code_lifetime,
            "interval": self.device_code_interval,
            "message": (
                f"To sign in, use a web browser to open the page {uri} and enter the code "
                f"{user_code} to authenticate."
            ),
        }

    def _token(self, form: dict[str, str]) -> dict[str, object]:
        grant_type = form.get("grant_type", "")
        client_id = self._check_client(form.get("client_id"))
        if grant_type == DEVICE_CODE_GRANT:
            dc = self._redeem_device_code(form, client_id)
            user, scopes, nonce = dc.user, dc.scopes, None
        elif grant_type == "refresh_token":
            grant = self._refresh_grant(form, client_id)
            user, scopes, nonce = grant.user, grant.scopes, None
        elif grant_type == "authorization_code":
            grant = self._redeem_auth_code(form, client_id)
            user, scopes, nonce = grant.user, grant.scopes, grant.nonce
        else:
            raise OAuthError(
                "unsupported_grant_type",
                70003,
                f"The app requested an unsupported grant type '{grant_type}'.",
            )
        if form.get("scope"):
            scopes = form["scope"].split()
        assert user is not None
        with self._lock:
            self.grants[grant_type] += 1
        return self._issue(user, client_id, scopes or [], nonce)

    def _redeem_device_code(self, form: dict[str, str], client_id: str) -> _DeviceCode:
        with self._lock:
            dc = self._device_codes.get(form.get("device_code", ""))
            if dc is None or dc.redeemed or dc.client_id != client_id:
                raise OAuthError(
                    "bad_verification_code", 70019, "Verification code not recognized."
                )
            if dc.expires_at <= time.time():
                raise OAuthError("expired_token", 70019, "Verification code expired.")
            if dc.declined:
                raise OAuthError("authorization_declined", 70018, "The user declined the sign-in.")
            if dc.user is None:
                raise OAuthError(
                    "authorization_pending",
                    70016,
                    "OAuth 2.0 device flow error. Authorization is pending.",
                )
            dc.redeemed = True
            return dc

    def _refresh_grant(self, form: dict[str, str], client_id: str) -> _Grant:
        with self._lock:
            grant = self._refresh_tokens.get(form.get("refresh_token", ""))
        if grant is None or grant.revoked or grant.client_id != client_id:
            raise OAuthError(
                "invalid_grant",
                70008,
                "The provided authorization code or refresh token has expired due to inactivity. "
                "Send a new interactive authorization request for this user and resource.",
            )
        return grant

    def _redeem_auth_code(self, form: dict[str, str], client_id: str) -> _Grant:
        with self._lock:
            grant = self._auth_codes.pop(form.get("code", ""), None)
        if grant is None or grant.expires_at <= time.time() or grant.client_id != client_id:
            raise OAuthError(
                "invalid_grant", 70000, "The provided authorization code is invalid or expired."
            )
        if form.get("redirect_uri", "") != grant.redirect_uri:
            raise OAuthError(
                "invalid_grant", 50011, "The redirect URI does not match the authorize request."
            )
        verifier = form.get("code_verifier", "")
        if (
            grant.code_challenge
            and b64url(hashlib.sha256(verifier.encode()).digest()) != grant.code_challenge
        ):
            raise OAuthError(
                "invalid_grant", 501481, "The Code_Verifier does not match the code_challenge."
            )
        return grant

    def _issue(
        self, user: User, client_id: str, scopes: list[str], nonce: str | None
    ) -> dict[str, object]:
        now = int(time.time())
        resources = {s.rsplit("/", 1)[0] for s in scopes if "/" in s}
        consented = [s for s in self.admin_consented if s.rsplit("/", 1)[0] in resources]
        scopes = [*scopes, *(s for s in consented if s not in scopes)]
        result, resource_scopes = token_response(
            issuer=self.issuer,
            tenant_id=self.tenant_id,
            user=user,
            client_id=client_id,
            scopes=scopes,
            lifetime=self.access_token_lifetime,
            nonce=nonce,
            scp_with_resource=self.scp_with_resource,
        )
        access = str(result["access_token"])
        with self._lock:
            self._access_tokens[access] = _AccessToken(
                user, client_id, resource_scopes, now + self.access_token_lifetime
            )
            if "offline_access" in scopes:
                refresh = secrets.token_urlsafe(64)
                self._refresh_tokens[refresh] = _Grant(user, client_id, list(scopes))
                result["refresh_token"] = refresh
        return result

    def _authorize(self, query: dict[str, str]) -> Response:
        client_id = self._check_client(query.get("client_id"))
        redirect_uri = query.get("redirect_uri", "")
        if not redirect_uri.startswith(("http://localhost", "http://127.0.0.1")):
            raise OAuthError("invalid_request", 50011, "The redirect URI is not registered.")
        username = self.interactive_user or query.get("login_hint")
        params: dict[str, str] = {"state": query.get("state", "")}
        if not username:
            params.update(error="access_denied", error_description="AADSTS65004: User declined.")
        else:
            code = secrets.token_urlsafe(48)
            with self._lock:
                self._auth_codes[code] = _Grant(
                    self.add_user(username),
                    client_id,
                    query.get("scope", "").split(),
                    redirect_uri=redirect_uri,
                    code_challenge=query.get("code_challenge", ""),
                    nonce=query.get("nonce"),
                    expires_at=time.time() + 300,
                )
            params.update(code=code, session_state=str(uuid.uuid4()))
        if query.get("response_mode") == "form_post":
            inputs = "".join(
                f'<input type="hidden" name="{escape(k)}" value="{escape(v)}"/>'
                for k, v in params.items()
            )
            page = (
                "<html><head><title>Working...</title></head>"
                '<body onload="document.forms[0].submit()">'
                f'<form method="POST" name="hiddenform" action="{escape(redirect_uri)}">{inputs}'
                '<noscript><input type="submit" value="Continue"/></noscript></form></body></html>'
            )
            return Response(200, [("Content-Type", "text/html; charset=utf-8")], page.encode())
        sep = "&" if "?" in redirect_uri else "?"
        return Response(302, [("Location", f"{redirect_uri}{sep}{urlencode(params)}")])
