"""exchangelib credentials whose OAuth access tokens come from msal, delegated, no identity.

exchangelib refreshes OAuth tokens itself only with a client secret; without one, an expired
token makes it call ``refresh()`` and try again, forever if ``refresh()`` obtains nothing.
:class:`TokenCredentials` asks msal silently instead and raises Attendant's error when msal
cannot refresh, so the caller hears "sign in again" instead of looping. ``identity`` stays
unset: on a delegated token it would add an impersonation header the user may not use.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from exchangelib import OAuth2AuthorizationCodeCredentials

from attendant.providers.errors import SignInRequired
from attendant.providers.signin import AccessToken


def _oauth2(token: AccessToken) -> dict[str, Any]:
    """The token as requests-oauthlib keeps it (it checks ``expires_at`` before each request)."""
    return {"access_token": token.token, "token_type": "Bearer", "expires_at": token.expires_at}


class TokenCredentials(OAuth2AuthorizationCodeCredentials):  # type: ignore[misc]
    """Bearer-token credentials whose ``refresh()`` asks ``fetch`` (msal, silently)."""

    def __init__(self, client_id: str, fetch: Callable[[], AccessToken]) -> None:
        super().__init__(client_id=client_id, access_token=None)
        self._fetch = fetch
        self._current: AccessToken | None = None

    def set_token(self, token: AccessToken) -> bool:
        """Use ``token`` from now on; True when it differs from the one in use."""
        with self.lock:
            if self._current is not None and self._current.token == token.token:
                return False
            self._current = token
            self.access_token = _oauth2(token)
            return True

    def refresh(self, session: Any) -> None:
        token = self._fetch()  # raises SignInRequired / CredentialsRejected when it cannot
        if token.expires_at <= time.time() or (
            self._current is not None and token.token == self._current.token
        ):
            raise SignInRequired(
                "The access token expired and msal could not renew it.",
                hint="Sign in again (Settings ▸ Sign in, or `attendant signin`).",
            )
        self.set_token(token)

    def on_token_auto_refreshed(self, access_token: Any) -> None:  # pragma: no cover
        raise SignInRequired("Attendant does not let exchangelib fetch tokens itself.")
