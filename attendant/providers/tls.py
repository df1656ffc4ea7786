"""Whom Attendant trusts on HTTPS: the system store, certifi's bundle and ``network.ca_bundle``.

One :class:`ssl.SSLContext` holds all three, and every HTTP adapter Attendant mounts (EWS
through exchangelib, the sign-in authority through msal) verifies against it and nothing
else. The adapter ignores the ``verify`` value requests hands it, because requests lets
``REQUESTS_CA_BUNDLE``/``CURL_CA_BUNDLE`` replace a ``verify=`` given by the program: with the
adapter, the environment can neither drop the configured CA nor switch verification off.
Proxies from the environment are still honoured. Verification is never switched off here.
"""

from __future__ import annotations

import binascii
import functools
import queue
import ssl
from pathlib import Path
from typing import Any

import certifi
import requests
from requests.adapters import HTTPAdapter
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from attendant.providers.errors import SettingsInvalid

#: What to tell a person when a certificate is not trusted (never "turn verification off").
TLS_HINT = (
    "The server's certificate is not trusted: add the CA file in Settings ▸ Advanced "
    "(network.ca_bundle). Verification is never switched off."
)


def trust_context(ca_bundle: str = "") -> ssl.SSLContext:
    """A client context trusting the system store, certifi and the PEM file ``ca_bundle``.

    Raises SettingsInvalid when ``ca_bundle`` is set but is not a readable PEM file.

    One context is built per CA configuration and shared: each holds the whole trust store,
    about a megabyte outside Python's heap, and the console opens a provider at every settings
    change and sign-in (the soak saw the memory grow by that much each time). A CA file that
    changes (its size or time) gets a new context.
    """
    stamp: tuple[int, int] | None = None
    if ca_bundle:
        try:
            found = Path(ca_bundle).expanduser().stat()
            stamp = (found.st_mtime_ns, found.st_size)
        except OSError:
            stamp = None  # _build says what is wrong with it
    return _shared_context(ca_bundle, stamp)


@functools.lru_cache(maxsize=8)
def _shared_context(ca_bundle: str, stamp: tuple[int, int] | None) -> ssl.SSLContext:
    del stamp  # part of the cache key only
    return _build(ca_bundle)


def _build(ca_bundle: str) -> ssl.SSLContext:
    context = ssl.create_default_context()  # the OS store; hostname and chain verified
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    _load_certifi(context)
    if ca_bundle:
        path = Path(ca_bundle).expanduser()
        if not path.is_file():
            raise SettingsInvalid(
                f"The CA file {path} does not exist.",
                hint="Correct network.ca_bundle in Settings ▸ Advanced, or clear it.",
            )
        try:
            context.load_verify_locations(cafile=str(path))
        except (ssl.SSLError, OSError, ValueError) as error:
            raise SettingsInvalid(
                f"The CA file {path} is not a PEM certificate file ({error}).",
                hint="network.ca_bundle must name a PEM file with one or more CA certificates.",
            ) from None
    return context


_BEGIN, _END = "-----BEGIN CERTIFICATE-----", "-----END CERTIFICATE-----"


def _load_certifi(context: ssl.SSLContext) -> None:
    """Add certifi's certificates that ``context`` does not hold already.

    The system store and certifi are mostly the same CA list, and reading a certificate
    costs as much the second time: loading all of certifi on top of the system store made
    every start about 15 ms slower. A certificate is skipped only when the very same one
    (byte for byte) is in the store already, so the trust is the same.
    """
    try:
        wanted = _certificates(Path(certifi.where()))
    except (OSError, ValueError):
        context.load_verify_locations(cafile=certifi.where())  # let OpenSSL say what is wrong
        return
    held = {bytes(der) for der in context.get_ca_certs(binary_form=True)}
    missing = [der for der in wanted if der not in held]
    if missing:
        context.load_verify_locations(cadata=b"".join(missing))


def _certificates(path: Path) -> list[bytes]:
    """The certificates of the PEM file ``path``, DER-encoded."""
    found = []
    for part in path.read_text(encoding="ascii").split(_BEGIN)[1:]:
        body, end, _ = part.partition(_END)
        if not end:
            raise ValueError(f"{path} has a certificate without its end")
        found.append(binascii.a2b_base64(body))
    return found


class _IdleConnections(queue.LifoQueue[Any]):
    """A pool's idle connections; those the server has closed are closed at the next take.

    urllib3 checks only the connection it takes (the newest). The others wait below it, and
    when the server closes them (it went down, or its idle timeout ended) each stays half
    closed (CLOSE_WAIT) with its socket open until a burst of requests reaches it, which may
    be never: the console's sockets grew at every outage (found by the soak).
    """

    def _get(self) -> Any:
        for index, conn in enumerate(self.queue):
            if conn is not None and not conn.is_connected:
                conn.close()
                self.queue[index] = None  # the slot stays: a new connection when needed
        return super()._get()


class _HTTPPool(HTTPConnectionPool):
    QueueCls = _IdleConnections


class _HTTPSPool(HTTPSConnectionPool):
    QueueCls = _IdleConnections


def _sweeping(manager: Any) -> Any:
    manager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}
    # urllib3 2 only forgets the pools of a cleared manager (a closed session): their idle
    # connections were closed when the collector freed the pool, minutes later when a
    # reference cycle held it (the console holds full collections back). Closed at once.
    manager.pools.dispose_func = _close_pool
    return manager


def _close_pool(pool: Any) -> None:
    pool.close()


class TrustingAdapter(HTTPAdapter):
    """An HTTPAdapter that verifies against :attr:`ssl_context` whatever ``verify`` says,
    and closes idle connections the server has closed (:class:`_IdleConnections`)."""

    #: Set on the subclass :func:`adapter_class` makes (exchangelib instantiates by class).
    ssl_context: ssl.SSLContext | None = None

    def init_poolmanager(
        self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any
    ) -> None:
        pool_kwargs["ssl_context"] = self._context()
        super().init_poolmanager(connections, maxsize, block, **pool_kwargs)
        _sweeping(self.poolmanager)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        proxy_kwargs["ssl_context"] = self._context()
        return _sweeping(super().proxy_manager_for(proxy, **proxy_kwargs))

    def get_connection_with_tls_context(
        self, request: Any, verify: Any, proxies: Any = None, cert: Any = None
    ) -> Any:
        return super().get_connection_with_tls_context(request, True, proxies=proxies, cert=cert)

    def cert_verify(self, conn: Any, url: str, verify: Any, cert: Any) -> None:
        # The pool's ssl_context carries the trust; no per-connection bundle from ``verify``.
        conn.cert_reqs = "CERT_REQUIRED"
        conn.ca_certs = None
        conn.ca_cert_dir = None

    def _context(self) -> ssl.SSLContext:
        if self.ssl_context is None:  # pragma: no cover - only adapter_class() builds these
            raise RuntimeError("TrustingAdapter used without an ssl_context")
        return self.ssl_context


@functools.lru_cache(maxsize=8)
def adapter_class(context: ssl.SSLContext) -> type[TrustingAdapter]:
    """A :class:`TrustingAdapter` subclass bound to ``context`` (for ``HTTP_ADAPTER_CLS``);
    one per context, not a class (a reference cycle until a full collection) per session."""
    return type("BoundTrustingAdapter", (TrustingAdapter,), {"ssl_context": context})


def trusting_session(context: ssl.SSLContext) -> requests.Session:
    """A requests session for the sign-in authority that verifies only against ``context``."""
    session = requests.Session()
    session.mount("https://", adapter_class(context)())
    session.mount("http://", _RefuseHttp())
    return session


class _RefuseHttp(HTTPAdapter):
    """Plain http is never used for anything that carries a secret."""

    def send(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        raise requests.exceptions.InvalidURL(f"refusing plain http: {request.url}")
