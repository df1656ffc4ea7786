"""Test PKI for the loopback fakes: one trusted test CA per process, one never trusted.

Every fake serves HTTPS with a certificate for ``localhost`` and ``127.0.0.1`` issued by the
session-wide test CA; tests hand that CA's PEM file to the program as its ``ca_bundle``. A second
CA, never written to any bundle, issues the certificate of a server that must fail TLS
verification ("wrong CA"), so that path is exercised with real handshakes instead of mocks.
"""

from __future__ import annotations

import ssl
import threading
from pathlib import Path

import trustme

SERVER_IDENTITIES = ("localhost", "127.0.0.1")

_lock = threading.Lock()
_cas: dict[str, trustme.CA] = {}
_leaves: dict[str, trustme.LeafCert] = {}


def _ca(kind: str) -> trustme.CA:
    with _lock:
        if kind not in _cas:
            _cas[kind] = trustme.CA(organization_name=f"Attendant {kind} test CA")
        return _cas[kind]


def _leaf(kind: str) -> trustme.LeafCert:
    ca = _ca(kind)
    with _lock:
        if kind not in _leaves:
            _leaves[kind] = ca.issue_cert(*SERVER_IDENTITIES)
        return _leaves[kind]


def trusted_ca() -> trustme.CA:
    """The session-wide test CA that tests pass to the program as ``ca_bundle``."""
    return _ca("trusted")


def untrusted_ca() -> trustme.CA:
    """A CA that no test ever trusts: servers using it simulate a wrong/unknown CA."""
    return _ca("untrusted")


def ca_pem_bytes(*, trusted: bool = True) -> bytes:
    return (trusted_ca() if trusted else untrusted_ca()).cert_pem.bytes()


def write_ca_pem(path: str | Path, *, trusted: bool = True) -> Path:
    """Write the (trusted by default) CA certificate as PEM to *path* and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(ca_pem_bytes(trusted=trusted))
    return path


def server_ssl_context(*, trusted: bool = True) -> ssl.SSLContext:
    """A server-side TLS context with a localhost/127.0.0.1 certificate.

    ``trusted=False`` uses a certificate from :func:`untrusted_ca`, so clients trusting only the
    test CA fail verification exactly as they would against a server with an unknown CA.
    """
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    _leaf("trusted" if trusted else "untrusted").configure_cert(ctx)
    return ctx


def client_ssl_context() -> ssl.SSLContext:
    """A client context trusting only the test CA (for raw ``http.client``/``urllib`` checks)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # verifies hostname and chain, no system CAs
    ctx.load_verify_locations(cadata=ca_pem_bytes().decode("ascii"))
    return ctx
