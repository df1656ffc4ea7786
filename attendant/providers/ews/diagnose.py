"""The first "Test Settings" steps, which send no credentials: reachable, then TLS.

Each opens a plain TCP connection (then a TLS handshake with the trust Attendant uses) to the
server's host, so that a person sees *which* layer fails before any logon is attempted.
Behind a proxy from the environment the direct connection says nothing; the steps then say
so and leave the verdict to the first real request.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Sequence
from urllib.parse import urlsplit

from requests.utils import get_environ_proxies

from attendant.providers.base import CheckStep, StepResult
from attendant.providers.errors import Unreachable
from attendant.providers.tls import TLS_HINT


def _host_port(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "", parts.port or 443


def _proxy_for(url: str) -> str | None:
    return get_environ_proxies(url).get("https")


def reachable_step(urls: Sequence[str], timeout: float) -> CheckStep:
    """A TCP connection to each distinct host of ``urls``."""
    reached = []
    for url in dict.fromkeys(urls):
        host, port = _host_port(url)
        proxy = _proxy_for(url)
        if proxy:
            reached.append(f"{host}:{port} (through the proxy {urlsplit(proxy).hostname})")
            continue
        try:
            with socket.create_connection((host, port), timeout=timeout):
                reached.append(f"{host}:{port}")
        except OSError as error:
            failure = Unreachable(
                f"{host}:{port} cannot be reached: {_reason(error, timeout)}.",
                hint="Check the address in Settings, the network and any firewall or proxy.",
            )
            return CheckStep(
                "Server reachable", StepResult.FAIL, failure.message, failure.hint, failure
            )
    return CheckStep("Server reachable", StepResult.PASS, ", ".join(reached) + " answered")


def _reason(error: OSError, timeout: float) -> str:
    if isinstance(error, TimeoutError | socket.timeout):
        return f"no answer within {timeout:g} s"
    if isinstance(error, ConnectionRefusedError):
        return "the connection was refused"
    if isinstance(error, socket.gaierror):
        return "the name cannot be found (DNS)"
    return str(error) or type(error).__name__


def tls_step(urls: Sequence[str], trust: ssl.SSLContext, timeout: float) -> CheckStep:
    """A TLS handshake with each distinct host, verified as every request verifies it."""
    checked = []
    for url in dict.fromkeys(urls):
        host, port = _host_port(url)
        if _proxy_for(url):
            checked.append(f"{host}: checked with the first request (proxy)")
            continue
        try:
            with (
                socket.create_connection((host, port), timeout=timeout) as raw,
                trust.wrap_socket(raw, server_hostname=host) as tls,
            ):
                checked.append(f"{host}: {tls.version()}, {_issuer(tls.getpeercert())}")
        except ssl.SSLCertVerificationError as error:
            failure = Unreachable(
                f"The certificate of {host} is not trusted: {error.verify_message}.",
                hint=TLS_HINT,
            )
            return CheckStep("TLS", StepResult.FAIL, failure.message, failure.hint, failure)
        except (ssl.SSLError, OSError) as error:
            failure = Unreachable(f"TLS with {host} failed: {error}.", hint=TLS_HINT)
            return CheckStep("TLS", StepResult.FAIL, failure.message, failure.hint, failure)
    return CheckStep("TLS", StepResult.PASS, "; ".join(checked))


def _issuer(cert: object) -> str:
    if not isinstance(cert, dict):
        return "certificate trusted"
    for rdn in cert.get("issuer", ()):
        for key, value in rdn:
            if key in ("organizationName", "commonName"):
                return f"certificate trusted (issued by {value})"
    return "certificate trusted"
