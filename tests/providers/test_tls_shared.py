"""One trust store per CA configuration, shared by every provider the console opens.

Each context holds the whole trust store (about a megabyte outside Python's heap); the console
opens a provider at every settings change and sign-in, and the soak saw its memory grow by
that much each time. The CA file that changes gets a new context: never a stale trust.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import requests

from attendant.providers.tls import adapter_class, trust_context, trusting_session
from tests.fakes import tls

pytest_plugins = ("tests.fakes.fixtures",)  # make_entra


def test_providers_share_one_trust_store_per_ca_file(tmp_path: Path) -> None:
    ca = tls.write_ca_pem(tmp_path / "ca.pem")
    first = trust_context(str(ca))
    assert trust_context(str(ca)) is first
    assert trust_context("") is trust_context("")
    assert trust_context("") is not first
    assert adapter_class(first) is adapter_class(trust_context(str(ca)))


def test_a_changed_ca_file_gets_a_new_trust_store(make_entra, tmp_path: Path) -> None:
    authority = make_entra()
    ca = tls.write_ca_pem(tmp_path / "ca.pem")
    url = f"{authority.authority_url}/v2.0/.well-known/openid-configuration"
    session = trusting_session(trust_context(str(ca)))
    assert session.get(url, timeout=10).status_code == 200
    session.close()
    # The admin replaces the file with another CA's (the server's is no longer in it).
    tls.write_ca_pem(ca, trusted=False)
    stat = ca.stat()
    os.utime(ca, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # a coarse clock
    session = trusting_session(trust_context(str(ca)))
    with pytest.raises(requests.exceptions.SSLError):
        session.get(url, timeout=10)
    session.close()


def test_a_missing_or_broken_ca_file_is_still_refused(tmp_path: Path) -> None:
    from attendant.providers.errors import SettingsInvalid

    missing = tmp_path / "none.pem"
    with pytest.raises(SettingsInvalid, match="does not exist"):
        trust_context(str(missing))
    missing.write_text("not a certificate", encoding="utf-8")
    with pytest.raises(SettingsInvalid, match="not a PEM"):
        trust_context(str(missing))
