"""Loopback fakes of the servers Attendant talks to, speaking the real protocols.

- :mod:`tests.fakes.tls` — the session's test CA (and an untrusted one for "wrong CA" tests).
- :mod:`tests.fakes.ews` — Exchange Web Services (SOAP over HTTPS; Basic, NTLM, Bearer).
- :mod:`tests.fakes.entra` — an Entra ID v2.0 authority for msal (device code, refresh, auth code).
- :mod:`tests.fakes.fixtures` — pytest fixtures wiring them up.

Nothing here mocks our own code: real exchangelib, requests_ntlm and msal talk to these over
127.0.0.1 with TLS verification on.
"""

from .browser import FakeBrowser
from .entra import FakeEntraAuthority
from .ews import FakeEWS
from .ews_model import FakeEvent, FakeMailbox, FakeRoomList, Fault, RequestRecord

__all__ = [
    "FakeBrowser",
    "FakeEWS",
    "FakeEntraAuthority",
    "FakeEvent",
    "FakeMailbox",
    "FakeRoomList",
    "Fault",
    "RequestRecord",
]
