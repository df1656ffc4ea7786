"""Test-wide isolation: every test gets its own user folders and no ambient credentials."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.fakes.ews_schema import find_schema_dir, missing_schema_reason, schema_required

# Qt must never look for a display in tests; set before any QApplication exists.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def pytest_runtest_setup(item: pytest.Item) -> None:
    """``ews_schema`` tests skip without Microsoft's schema, or fail where it is required."""
    if item.get_closest_marker("ews_schema") is None or find_schema_dir() is not None:
        return
    if schema_required():
        pytest.fail(missing_schema_reason(), pytrace=False)
    pytest.skip(missing_schema_reason())


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Point every per-user and machine-wide folder into a fresh temporary folder."""
    home = tmp_path_factory.mktemp("home")
    for name, sub in {
        "XDG_CONFIG_HOME": "config",
        "XDG_DATA_HOME": "data",
        "XDG_STATE_HOME": "state",
        "XDG_CACHE_HOME": "cache",
        "XDG_RUNTIME_DIR": "runtime",
    }.items():
        folder = home / sub
        folder.mkdir(mode=0o700)
        monkeypatch.setenv(name, str(folder))
    site = home / "site"
    site.mkdir()
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(site))
    monkeypatch.setenv("HOME", str(home))
    for name in (
        "REQUESTS_CA_BUNDLE",
        "CURL_CA_BUNDLE",
        "SSL_CERT_FILE",
        "ATTENDANT_PASSWORD",
        "HTTPS_PROXY",
        "HTTP_PROXY",
        "https_proxy",
        "http_proxy",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    yield home


@pytest.fixture
def home(isolated_user_dirs: Path) -> Path:
    return isolated_user_dirs
