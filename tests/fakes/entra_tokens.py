"""Token material of the fake Entra authority: JWT-shaped tokens, ID token claims, client_info.

Tokens carry the claims real ones do (msal decodes the ID token and client_info to build its
account); the signature part is random bytes, since no client here verifies signatures.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
import uuid
from dataclasses import dataclass, field

OIDC_SCOPES = frozenset({"openid", "profile", "offline_access", "email"})


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def jwt(claims: dict[str, object]) -> str:
    header = {"typ": "JWT", "alg": "RS256", "kid": "fake-entra-key"}
    return ".".join(
        [
            b64url(json.dumps(header).encode()),
            b64url(json.dumps(claims).encode()),
            b64url(secrets.token_bytes(32)),
        ]
    )


@dataclass
class User:
    username: str
    name: str
    oid: str = field(default_factory=lambda: str(uuid.uuid4()))


def token_response(
    *,
    issuer: str,
    tenant_id: str,
    user: User,
    client_id: str,
    scopes: list[str],
    lifetime: int,
    nonce: str | None,
    scp_with_resource: bool = False,
) -> tuple[dict[str, object], list[str]]:
    """A v2.0 token endpoint answer (without refresh token) and the resource scopes granted.

    ``scp_with_resource``: the ``scp`` claim names each permission with its resource, as
    ``https://graph.microsoft.com/Calendars.ReadBasic`` (seen after device-code sign-ins).
    """
    now = int(time.time())
    resource_scopes = [s for s in scopes if s not in OIDC_SCOPES]
    access = jwt(
        {
            "aud": resource_scopes[0].rsplit("/", 1)[0] if resource_scopes else client_id,
            "iss": issuer,
            "iat": now,
            "nbf": now,
            "exp": now + lifetime,
            "appid": client_id,
            "oid": user.oid,
            "tid": tenant_id,
            "upn": user.username,
            "scp": " ".join(
                s if scp_with_resource else s.rsplit("/", 1)[-1] for s in resource_scopes
            ),
            "jti": secrets.token_hex(8),
        }
    )
    id_claims: dict[str, object] = {
        "aud": client_id,
        "iss": issuer,
        "iat": now,
        "nbf": now,
        "exp": now + 3600,
        "name": user.name,
        "oid": user.oid,
        "preferred_username": user.username,
        "sub": b64url(hashlib.sha256(f"{user.oid}{client_id}".encode()).digest()),
        "tid": tenant_id,
        "ver": "2.0",
    }
    if nonce:
        id_claims["nonce"] = nonce
    result: dict[str, object] = {
        "token_type": "Bearer",
        "scope": " ".join(resource_scopes or sorted(OIDC_SCOPES & set(scopes))),
        "expires_in": lifetime,
        "ext_expires_in": lifetime,
        "access_token": access,
        "id_token": jwt(id_claims),
        "client_info": b64url(json.dumps({"uid": user.oid, "utid": tenant_id}).encode()),
    }
    return result, resource_scopes
