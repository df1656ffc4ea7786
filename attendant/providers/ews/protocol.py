"""exchangelib, pinned: one version, one attempt, our trust, no shared caches.

exchangelib is made for scripts that should survive anything: it guesses versions with extra
round trips, retries busy servers for up to an hour, treats a 401 as "busy" under
``FaultTolerance`` and caches protocols process-wide by endpoint and credentials. A console
that refreshes every minute needs the opposite, so this module narrows it down:

- :class:`EwsProtocol` is never cached (two providers with different CA files or passwords
  never share sessions) and verifies TLS with the trust context it was built with;
- its services (:class:`SingleAttempt`) send with exactly the configured API version, make
  one attempt (one more only after an OAuth token was refreshed), and record the server's
  version from the answer without switching to it.
"""

from __future__ import annotations

import contextlib
import ssl
from collections.abc import Iterator
from typing import Any

from exchangelib import Configuration, Version
from exchangelib.errors import ErrorServerBusy, MalformedResponseError, SOAPError, TransportError
from exchangelib.protocol import CachingProtocol, Protocol
from exchangelib.services import GetRoomLists, GetRooms, ResolveNames
from exchangelib.util import ENS, MNS, SOAPNS, get_xml_attr
from oauthlib.oauth2 import TokenExpiredError
from requests_ntlm import HttpNtlmAuth

from attendant import __version__
from attendant.providers.errors import ProviderError, SignInRequired
from attendant.providers.ews.errors import NoRetryPolicy, strict_soap_root
from attendant.providers.ews.signin_gate import GatedNtlmAuth, SignInGate
from attendant.providers.tls import adapter_class


class _Uncached(CachingProtocol):  # type: ignore[misc]  # exchangelib is untyped
    """The metaclass of :class:`EwsProtocol`: a plain constructor, no process-wide cache."""

    def __call__(cls, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - a metaclass
        return type.__call__(cls, *args, **kwargs)


class EwsProtocol(Protocol, metaclass=_Uncached):  # type: ignore[misc]
    """A Protocol with its own sessions; :func:`make_protocol` binds trust and timeout."""

    #: The version the server reported in its last answer (``ServerVersionInfo``).
    server_version: Version | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: NTLM connections of this protocol sign in through it (see :mod:`.signin_gate`).
        self.sign_in_gate = SignInGate()

    def create_session(self) -> Any:
        session = super().create_session()
        auth = session.auth
        if isinstance(auth, HttpNtlmAuth) and not isinstance(auth, GatedNtlmAuth):
            session.auth = GatedNtlmAuth(auth.username, auth.password, self.sign_in_gate)
        return session

    def refresh_credentials(self, session: Any) -> Any:
        # exchangelib forgets the session when refreshing fails: drop it from the pool's
        # count, or the pool starves after a few failed refreshes.
        try:
            return super().refresh_credentials(session)
        except ProviderError:
            self.close_session(session)
            with self._session_pool_lock:
                self._session_pool_size -= 1
            raise

    def create_oauth2_session(self) -> Any:
        # Without a token exchangelib would fetch one from login.microsoftonline.com itself.
        if not getattr(self.credentials, "access_token", None):
            raise SignInRequired(
                "No access token.", hint="Sign in (Settings ▸ Sign in, or `attendant signin`)."
            )
        return super().create_oauth2_session()


def make_protocol(
    *,
    endpoint: str,
    credentials: Any,
    auth_type: str,
    version: Version,
    trust: ssl.SSLContext,
    timeout: float,
    max_connections: int,
) -> EwsProtocol:
    """A protocol for one endpoint and one set of credentials, with our policy and trust."""
    bound = type(
        "BoundEwsProtocol",
        (EwsProtocol,),
        {
            "HTTP_ADAPTER_CLS": adapter_class(trust),
            "TIMEOUT": timeout,
            "USERAGENT": f"Attendant/{__version__}",
            "RETRY_WAIT": 0,
        },
    )
    config = Configuration(
        service_endpoint=endpoint,
        credentials=credentials,
        auth_type=auth_type,
        version=version,
        retry_policy=NoRetryPolicy(),
        max_connections=max_connections,
    )
    protocol: EwsProtocol = bound(config=config)
    return protocol


def strict_soap_parts(response: Any) -> tuple[Any, Any]:
    """The SOAP header and body of an answer, parsed strictly (exchangelib's
    ``_get_soap_parts`` recovers from a cut-off answer, and feeds its parser from
    ``iter_content()`` one byte at a time: about 0.2 s of CPU for a 100-mailbox answer)."""
    root = strict_soap_root(response.content)
    body = root.find(f"{{{SOAPNS}}}Body")
    if body is None:
        raise MalformedResponseError("No Body element in SOAP response")
    return root.find(f"{{{SOAPNS}}}Header"), body


class SingleAttempt:
    """Mixin for exchangelib services: the pinned version, one attempt, no back-off loop."""

    protocol: Any
    streaming: bool

    def _api_versions_to_try(self) -> tuple[str, ...]:
        return (self.protocol.config.version.api_version,)

    def _update_api_version(self, api_version: str, header: Any) -> None:
        with contextlib.suppress(TransportError):  # no ServerVersionInfo: nothing to record
            self.protocol.server_version = Version.from_soap_header(
                requested_api_version=api_version, header=header
            )

    @classmethod
    def _raise_soap_errors(cls, fault: Any) -> None:
        # exchangelib reads ErrorServerBusy's BackOffMilliseconds with int() and lets a
        # ValueError escape when the server sends something else there ("", "1.5", text).
        try:
            super()._raise_soap_errors(fault=fault)  # type: ignore[misc]
        except ValueError as error:
            detail = fault.find("detail")
            code = detail.findtext(f"{{{ENS}}}ResponseCode") if detail is not None else None
            if (code or "").strip() != "ErrorServerBusy":
                raise SOAPError(f"Unreadable SOAP fault: {error}") from None
            message = detail.findtext(f"{{{ENS}}}Message") if detail is not None else None
            raise ErrorServerBusy((message or "").strip(), back_off=None) from None

    @classmethod
    def _get_soap_parts(cls, response: Any) -> tuple[Any, Any]:
        return strict_soap_parts(response)

    def _get_elements(self, payload: Any) -> Iterator[Any]:
        for attempt in (1, 2):
            try:
                yield from self._response_generator(payload=payload)  # type: ignore[attr-defined]
                return
            except TokenExpiredError:
                # exchangelib has just asked the credentials for a new token (which raises
                # SignInRequired when there is none): one more attempt with it, never a loop.
                if attempt == 2:
                    raise SignInRequired(
                        "The access token expired and could not be renewed.",
                        hint="Sign in again (Settings ▸ Sign in, or `attendant signin`).",
                    ) from None
            finally:
                if self.streaming:
                    self.stop_streaming()  # type: ignore[attr-defined]


class RoomListsService(SingleAttempt, GetRoomLists):  # type: ignore[misc]
    pass


class RoomsService(SingleAttempt, GetRooms):  # type: ignore[misc]
    pass


class ResolveNamesService(SingleAttempt, ResolveNames):  # type: ignore[misc]
    """ResolveNames; several matches are the normal answer to a search, not a warning."""

    def _get_element_container(self, message: Any, name: Any = None) -> Any:
        code = get_xml_attr(message, f"{{{MNS}}}ResponseCode")
        if code == "ErrorNameResolutionMultipleResults" and name is not None:
            container = message.find(name)
            if container is not None:
                return container
        return super()._get_element_container(message=message, name=name)
