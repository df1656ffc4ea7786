"""Reusable pytest fixtures and helpers for tests that talk to the fakes.

Register them with ``pytest_plugins = ("tests.fakes.fixtures",)`` (in the top-level conftest
or a test module) or star-import them into a ``conftest.py``; plain helpers live in
:mod:`tests.fakes.helpers` (re-exported here). Every server a fixture starts is stopped at the
end of its test; nothing leaves 127.0.0.1. TLS is always verified, against the test CA.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest

from . import tls
from .entra import FakeEntraAuthority
from .ews import FakeEWS
from .helpers import (
    CA_ENV_VARS,
    DEFAULT_PASSWORD,
    DEFAULT_USERNAME,
    EWS_SCOPE,
    approve_when_pending,
    ca_trusting_adapter,
    seed_contoso,
)


@pytest.fixture
def no_ca_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Drop the environment variables that would override ``verify=`` in requests."""
    for name in CA_ENV_VARS:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def ca_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """PEM file of the session's test CA (what tests pass as ``ca_bundle``)."""
    return tls.write_ca_pem(tmp_path_factory.mktemp("pki") / "attendant-test-ca.pem")


@pytest.fixture
def exchangelib_trusts_ca(
    ca_file: Path, monkeypatch: pytest.MonkeyPatch, no_ca_env: None
) -> Iterator[None]:
    """exchangelib verifies TLS against the test CA; its protocol cache is cleared afterwards."""
    from exchangelib.protocol import BaseProtocol, close_connections

    monkeypatch.setattr(BaseProtocol, "HTTP_ADAPTER_CLS", ca_trusting_adapter(ca_file))
    close_connections()
    yield
    close_connections()


S = TypeVar("S", FakeEWS, FakeEntraAuthority)


def _started(server_class: Callable[..., S]) -> Iterator[Callable[..., S]]:
    """A factory of started servers of ``server_class``, all stopped when the test ends."""
    servers: list[S] = []

    def factory(**kwargs: Any) -> S:
        server = server_class(**kwargs)
        server.start()
        servers.append(server)
        return server

    yield factory
    for server in servers:
        server.stop()


@pytest.fixture
def make_ews(no_ca_env: None) -> Iterator[Callable[..., FakeEWS]]:
    """Factory: ``make_ews(**FakeEWS kwargs)`` -> a started server, stopped after the test."""
    yield from _started(FakeEWS)


@pytest.fixture
def fake_ews(make_ews: Callable[..., FakeEWS]) -> FakeEWS:
    """A started Exchange 2013 SP1 fake (Basic auth) seeded with :func:`seed_contoso` for today."""
    server = make_ews()
    seed_contoso(server, datetime.now(UTC).date())
    return server


@pytest.fixture
def make_entra(no_ca_env: None) -> Iterator[Callable[..., FakeEntraAuthority]]:
    """Factory: ``make_entra(**FakeEntraAuthority kwargs)`` -> a started authority."""
    yield from _started(FakeEntraAuthority)


@pytest.fixture
def fake_entra(make_entra: Callable[..., FakeEntraAuthority]) -> FakeEntraAuthority:
    return make_entra()


__all__ = [
    "CA_ENV_VARS",
    "DEFAULT_PASSWORD",
    "DEFAULT_USERNAME",
    "EWS_SCOPE",
    "approve_when_pending",
    "ca_file",
    "ca_trusting_adapter",
    "exchangelib_trusts_ca",
    "fake_entra",
    "fake_ews",
    "make_entra",
    "make_ews",
    "no_ca_env",
    "seed_contoso",
]
