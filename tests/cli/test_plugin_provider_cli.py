"""A provider plugin installed as a package is opened by the command line like a built-in
(the command lists plugins only when the settings name a provider that is not built in)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

PLUGIN = """
    from attendant.providers.base import ProviderInfo
    from attendant.providers.demo import DemoProvider


    class AcmeProvider(DemoProvider):
        name = "acme"


    INFO = ProviderInfo(name="acme", title="Acme Calendar", factory=lambda context: AcmeProvider())
"""


def install_plugin(folder: Path) -> None:
    """A package as pip would leave it: its module and its dist-info with the entry point."""
    (folder / "attendant_acme_plugin.py").write_text(textwrap.dedent(PLUGIN), encoding="utf-8")
    info = folder / "attendant_acme_plugin-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: attendant-acme-plugin\nVersion: 1.0\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        "[attendant.providers]\nacme = attendant_acme_plugin:INFO\n", encoding="utf-8"
    )


def test_availability_from_a_plugin_provider(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    install_plugin(site)
    config = tmp_path / "settings.toml"
    config.write_text(
        'schema_version = 2\n[calendar]\nprovider = "acme"\n'
        '[watch]\npeople = ["alice.brown@contoso.com"]\n',
        encoding="utf-8",
    )
    environ = dict(os.environ, TZ="Europe/Rome", PYTHONPATH=str(site))
    done = subprocess.run(
        [sys.executable, "-m", "attendant", "availability", "--config", str(config), "--json"],
        env=environ,
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["provider"] == "acme"
    assert [e["address"] for e in document["entries"]] == ["alice.brown@contoso.com"]
