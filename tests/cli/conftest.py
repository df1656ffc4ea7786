"""Run the real ``attendant`` command in a subprocess against the fakes over loopback HTTPS.

Test modules that use the fakes register ``pytest_plugins = ("tests.fakes.fixtures",)``
(``make_ews``, ``ca_file``), as the other tests do.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_world import DAY, ROME

from tests.fakes.helpers import DEFAULT_PASSWORD, seed_contoso

RunCli = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def run_cli(home: Path) -> RunCli:
    """``run_cli(*argv, TZ=..., ATTENDANT_PASSWORD=...)``: ``python -m attendant`` as a user would
    run it, with this test's own user folders, the desk in Rome and the right password."""

    def run(*argv: str, timeout: float = 90, **env: str) -> subprocess.CompletedProcess[str]:
        environ = dict(os.environ)
        environ.update({"TZ": "Europe/Rome", "ATTENDANT_PASSWORD": DEFAULT_PASSWORD})
        environ.update(env)
        return subprocess.run(
            [sys.executable, "-m", "attendant", *argv],
            env=environ,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    return run


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """``cli(*argv)`` → (exit code, stdout, stderr): ``attendant`` run in this process, the desk
    in Rome and the right password, its log closed afterwards."""
    from attendant.cli import main
    from attendant.log import shutdown_logging

    monkeypatch.setenv("ATTENDANT_PASSWORD", DEFAULT_PASSWORD)
    monkeypatch.setenv("TZ", "Europe/Rome")

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    yield run
    shutdown_logging()


@pytest.fixture
def ews(make_ews):
    server = make_ews()
    seed_contoso(server, DAY, tz=ROME)
    return server
