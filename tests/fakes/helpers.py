"""Plain helpers for tests that use the fakes (no pytest fixtures here, so test modules can import
them without defeating pytest's assertion rewriting of :mod:`tests.fakes.fixtures`)."""

from __future__ import annotations

import time as _time
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import requests

from .entra import FakeEntraAuthority
from .ews import FakeEWS
from .ews_model import FakeEvent

#: Environment variables with which ``requests`` overrides a ``verify=`` that is True/unset.
CA_ENV_VARS = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")

DEFAULT_PASSWORD = "Corr3ct-Horse"
DEFAULT_USERNAME = "CONTOSO\\reception"
EWS_SCOPE = "https://outlook.office365.com/EWS.AccessAsUser.All"


def ca_trusting_adapter(ca_file: str | Path) -> type[requests.adapters.HTTPAdapter]:
    """An ``HTTPAdapter`` class that verifies TLS against *ca_file* (for exchangelib's
    ``BaseProtocol.HTTP_ADAPTER_CLS``). Verification stays on; only the trust anchor changes."""
    ca = str(ca_file)

    class CATrustingAdapter(requests.adapters.HTTPAdapter):
        def cert_verify(self, conn: Any, url: str, verify: Any, cert: Any) -> None:
            super().cert_verify(conn, url, ca if verify is not False else False, cert)

        def get_connection_with_tls_context(
            self, request: Any, verify: Any, proxies: Any = None, cert: Any = None
        ) -> Any:
            return super().get_connection_with_tls_context(
                request, ca if verify is not False else False, proxies=proxies, cert=cert
            )

    return CATrustingAdapter


def exchange_provider(ews: FakeEWS, ca_file: str | Path, **options: Any) -> Any:
    """Attendant's Exchange provider for ``ews`` with the default account over Basic (any
    option of :class:`~attendant.providers.exchange.ExchangeProvider` can be given; a
    ``password`` may be a string)."""
    from attendant.providers.exchange import ExchangeProvider

    password = options.pop("password", DEFAULT_PASSWORD)
    settings: dict[str, Any] = {
        "ews_url": ews.url,
        "version": ews.version,
        "username": DEFAULT_USERNAME,
        "auth": "basic",
        "password": password if callable(password) else (lambda: password),
        "ca_bundle": str(ca_file),
        "timeout_seconds": 5,
        "zone": UTC,
    }
    settings.update(options)
    return ExchangeProvider(**settings)


def seed_contoso(ews: FakeEWS, day: date, tz: Any = UTC) -> None:
    """A small directory: people with a morning of events on *day* (local times in *tz*),
    a free/busy-only person, a private mailbox, rooms and a room list."""

    def at(hh: int, mm: int = 0) -> datetime:
        return datetime.combine(day, time(hh, mm), tzinfo=tz)

    ews.add_mailbox(
        "alice@contoso.com",
        "Alice Example",
        events=[
            FakeEvent(at(10), at(11), "Busy", subject="Budget review", location="Room 4"),
            FakeEvent(at(11), at(11, 30), "Tentative", subject="Coffee", location="Kitchen"),
            FakeEvent(at(14), at(15), "Busy", subject="1:1", is_private=True),
        ],
    )
    ews.add_mailbox(
        "bob@contoso.com",
        "Bob Builder",
        access="freebusy",
        events=[FakeEvent(at(9), at(17), "OOF", subject="Holiday")],
    )
    ews.add_mailbox("carol@contoso.com", "Carol Private", access="none")
    ews.add_mailbox(
        "room.4@contoso.com",
        "Room 4",
        events=[FakeEvent(at(10), at(11), "Busy", subject="Budget review")],
    )
    ews.add_mailbox("room.5@contoso.com", "Room 5")
    ews.add_room_list(
        "rooms-hq@contoso.com", "HQ rooms", ["room.4@contoso.com", "room.5@contoso.com"]
    )
    ews.add_room_list("rooms-lab@contoso.com", "Lab rooms", [])


def approve_when_pending(
    authority: FakeEntraAuthority, username: str, *, after_polls: int = 0, timeout: float = 10.0
) -> Callable[[], None]:
    """Return a callable for a helper thread: waits until a device code exists (and the client
    has been told ``authorization_pending`` *after_polls* times), then approves it."""
    pending_key = ("urn:ietf:params:oauth:grant-type:device_code", "authorization_pending")

    def run() -> None:
        deadline = _time.monotonic() + timeout
        while _time.monotonic() < deadline:
            codes = authority.pending_user_codes
            if codes and authority.grant_errors[pending_key] >= after_polls:
                authority.approve(codes[0], username)
                return
            _time.sleep(0.02)

    return run
