"""The trust store holds the system's CA file, certifi's bundle and ``network.ca_bundle``:
certifi's certificates the system store already holds are not read a second time, and the
trust is exactly what loading all three would give."""

from __future__ import annotations

import ssl
from pathlib import Path

import certifi
import pytest

from attendant.providers.tls import trust_context
from tests.fakes import tls


def reference(ca_file: Path) -> set[bytes]:
    """Every file loaded in full, as the trust store was built before."""
    context = ssl.create_default_context()
    context.load_verify_locations(cafile=certifi.where())
    context.load_verify_locations(cafile=str(ca_file))
    return certificates(context)


def certificates(context: ssl.SSLContext) -> set[bytes]:
    return {bytes(der) for der in context.get_ca_certs(binary_form=True)}


def certifi_blocks() -> list[str]:
    text = Path(certifi.where()).read_text(encoding="ascii")
    end = "-----END CERTIFICATE-----"
    return [part.split("-----BEGIN CERTIFICATE-----")[-1] for part in text.split(end)[:-1]]


@pytest.mark.parametrize("shared", [0, 5, None])
def test_the_trust_is_the_system_file_certifi_and_the_ca_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shared: int | None
) -> None:
    system = tmp_path / "system.pem"
    if shared is not None:
        # A system file with some of certifi's certificates (wrapped differently) and one
        # of its own.
        own = tls.write_ca_pem(tmp_path / "own.pem", trusted=False).read_text(encoding="ascii")
        blocks = [
            "-----BEGIN CERTIFICATE-----" + "".join(body.split()) + "-----END CERTIFICATE-----"
            for body in certifi_blocks()[:shared]
        ]
        system.write_text("\n".join(["# system bundle", *blocks, own]), encoding="ascii")
    monkeypatch.setenv("SSL_CERT_FILE", str(system))  # None: no system file at all
    ca = tls.write_ca_pem(tmp_path / "ca.pem")
    found = certificates(trust_context(str(ca)))
    assert found == reference(ca)
    assert len(found) >= len(certifi_blocks())
