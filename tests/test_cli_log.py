"""What a command writes to the log: its start line and each check step on one line."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from attendant import __version__
from attendant.cli import main
from attendant.log import shutdown_logging
from attendant.paths import app_paths
from tests.fakes.helpers import DEFAULT_PASSWORD, DEFAULT_USERNAME, seed_contoso

pytest_plugins = ("tests.fakes.fixtures",)  # ca_file, make_ews


@pytest.fixture(autouse=True)
def _no_leaking_sinks() -> Iterator[None]:
    yield
    shutdown_logging()


def log_messages() -> list[str]:
    text = app_paths().log_file.read_text(encoding="utf-8")
    return [line.split(" | ", 3)[3] for line in text.splitlines()]


def test_check_writes_a_start_line_and_one_line_per_step(
    make_ews, ca_file, tmp_path: Path, monkeypatch, capsys
):
    from datetime import date

    ews = make_ews()
    seed_contoso(ews, date.today())
    monkeypatch.setenv("ATTENDANT_PASSWORD", DEFAULT_PASSWORD)
    config = tmp_path / "settings.toml"
    config.write_text(
        f"""schema_version = 1
[calendar]
provider = "exchange"
refresh_interval_seconds = 90
[calendar.exchange]
ews_url = "{ews.url}"
version = "{ews.version}"
username = '{DEFAULT_USERNAME}'
auth = "ntlm"
[network]
ca_bundle = '{ca_file}'
[watch]
people = ["alice@contoso.com", "bob@contoso.com"]
rooms = ["room.5@contoso.com"]
room_lists = ["rooms-hq@contoso.com"]
""",
        encoding="utf-8",
    )
    ews.authenticator.config.schemes = ("ntlm",)

    code = main(["check", "--config", str(config)])
    out = capsys.readouterr().out

    assert code == 0, out
    found = log_messages()
    start = next(m for m in found if "starting" in m)
    python = sys.version.split()[0]
    assert start.startswith(
        f"Attendant {__version__} `attendant check` starting: provider exchange, "
        f"settings {config}, server {ews.url}, auth ntlm, account {DEFAULT_USERNAME}, "
        "watching 2 people, 1 room, 1 room list, refresh every 90 s; "
    )
    assert start.endswith(f", Python {python}")
    steps = [m for m in found if m.startswith("Check step ")]
    printed = [line for line in out.splitlines() if line.startswith("[")]
    assert len(steps) == len(printed) >= 5  # one log line for every step printed
    for step, line in zip(steps, printed, strict=True):
        mark, _, rest = line.partition("] ")
        name, _, detail = rest.partition(": ")
        assert step == f"Check step {name}: {mark.strip('[')}: {detail}"
    # Support reads the run between its start and its count: every step, the settings' too.
    began = next(i for i, m in enumerate(found) if m.startswith("Check started: "))
    ended = next(i for i, m in enumerate(found) if m.startswith("Check finished: "))
    assert [m for m in found[began:ended] if m.startswith("Check step ")] == steps
    finished = found[ended]
    assert re.fullmatch(r"Check finished: \d+ pass(, \d+ (warn|skip))*", finished)
    counted = sum(int(n) for n in re.findall(r"(\d+) (?:pass|warn|skip)", finished))
    assert counted == len(printed)
    assert DEFAULT_PASSWORD not in app_paths().log_file.read_text(encoding="utf-8")


def test_the_console_writes_a_start_line_with_qt_and_a_stop_line_with_its_reason() -> None:
    import os
    import subprocess

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    result = subprocess.run(
        [sys.executable, "-m", "attendant", "--demo", "--quit-after", "0.3"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    found = log_messages()
    start = next(m for m in found if "starting" in m)
    assert start.startswith(
        f"Attendant {__version__} console starting: provider demo, "
        f"settings {app_paths().config_file}, server (none), auth none, account (none), "
    )
    assert re.search(r", Python \d+\.\d+\.\d+, Qt 6\.\d+\.\d+$", start), start
    assert (
        found[-1]
        == f"Attendant closed: --quit-after 0.3 s elapsed (stop of the {__version__} console)"
    )
