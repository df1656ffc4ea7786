"""``attendant diagnose [--zip FILE]``: the report and the support bundle (INTERFACES.md §1)."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cli_world import exchange_settings

from attendant.cli import main
from attendant.log import shutdown_logging
from attendant.paths import app_paths
from attendant.services.lockout import LockoutGuard
from tests.fakes.helpers import DEFAULT_USERNAME, seed_contoso

pytest_plugins = ("tests.fakes.fixtures",)  # ca_file, make_ews

PLANTED_PASSWORD = "Pl4nted-Passw0rd!"
KEYRING_PASSWORD = "Sp4ce-Horse-Battery"
REFRESH_TOKEN = "0.AXoAplantedREFRESHtoken-abc123_def456.ghi789"
BEARER = (
    "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJ1cG4iOiJyZWNlcHRpb25AY29udG9zby5jb20ifQ"
    ".c2lnbmF0dXJlLXBsYW50ZWQ"
)
BASIC = "Q09OVE9TT1xyZWNlcHRpb246U3A0Y2UtSG9yc2U="


@pytest.fixture(autouse=True)
def _no_leaking_sinks() -> Iterator[None]:
    yield
    shutdown_logging()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["diagnose", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def bundle_text(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as bundle:
        return {name: bundle.read(name).decode("utf-8") for name in bundle.namelist()}


def test_no_planted_secret_reaches_the_bundle(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ATTENDANT_PASSWORD", KEYRING_PASSWORD)
    config = tmp_path / "settings.toml"
    # An admin pasted secrets into the file: it is now invalid, and diagnose must still work.
    config.write_text(
        f"""schema_version = 1
[calendar]
provider = "exchange"
refresh_interval_seconds = "often"
[calendar.exchange]
ews_url = "https://mail.contoso.com/EWS/Exchange.asmx"
username = '{DEFAULT_USERNAME}'
password = "{PLANTED_PASSWORD}"
refresh_token = '{REFRESH_TOKEN}'
""",
        encoding="utf-8",
    )
    log = app_paths().log_file
    log.parent.mkdir(parents=True, exist_ok=True)
    # Lines as an older version or a library might have left them, written past our sinks.
    raw = [
        f"2026-11-23 09:{n % 60:02d}:00.000 +01:00 | INFO     | old | line {n}" for n in range(700)
    ]
    raw += [
        "2026-11-23 10:00:00.000 +01:00 | DEBUG    | urllib3 | "
        f"headers={{'Authorization': 'Bearer {BEARER}', 'User-Agent': 'Attendant'}}",
        f"2026-11-23 10:00:01.000 +01:00 | DEBUG    | requests | Authorization: Basic {BASIC}",
        "2026-11-23 10:00:02.000 +01:00 | DEBUG    | msal | token response "
        f'{{"token_type": "Bearer", "refresh_token": "{REFRESH_TOKEN}"}}',
        f"2026-11-23 10:00:03.000 +01:00 | DEBUG    | script | logged on with {KEYRING_PASSWORD}",
        "2026-11-23 10:00:04.000 +01:00 | INFO     | attendant | the last line",
    ]
    log.write_text("\n".join(raw) + "\n", encoding="utf-8")
    target = tmp_path / "support.zip"

    code, out, err = run(capsys, "--config", str(config), "--zip", str(target))

    assert code == 0, err
    files = bundle_text(target)
    assert set(files) == {"diagnostics.txt", "settings.toml", "ApplicationLogFile-last-lines.txt"}
    everything = out + err + "".join(files.values())
    for secret in (PLANTED_PASSWORD, KEYRING_PASSWORD, REFRESH_TOKEN, BEARER, BASIC):
        assert secret not in everything
    assert "[REDACTED]" in files["settings.toml"]
    assert "password = " in files["settings.toml"]  # the key stays: support sees the mistake
    assert f"username = '{DEFAULT_USERNAME}'" in files["settings.toml"]
    # The broken file is reported with what is wrong, and the console's state named.
    report = files["diagnostics.txt"]
    assert "INVALID" in report and "calendar.refresh_interval_seconds" in report
    tail = files["ApplicationLogFile-last-lines.txt"].splitlines()
    assert len(tail) == 500
    assert tail[-2].endswith("the last line")
    assert tail[-1].endswith(
        "| attendant.cli.diagnose | Diagnostics asked for (`attendant diagnose`)"
    )
    assert tail[-5].endswith("| requests | Authorization: [REDACTED]")


def test_a_missing_settings_file_is_reported_and_not_created(tmp_path, capsys):
    config = tmp_path / "nowhere" / "settings.toml"
    code, out, _ = run(capsys, "--config", str(config))
    assert code == 0
    assert f"config_file       {config} (does not exist)" in out
    assert "no settings file yet: defaults" in out
    assert not config.exists() and not config.parent.exists()


def test_an_unwritable_bundle_exits_1_and_says_why(tmp_path, capsys):
    target = tmp_path / "no-such-folder" / "support.zip"
    code, out, err = run(capsys, "--zip", str(target))
    assert code == 1
    assert "== Attendant" in out  # the report is still printed
    assert f"the support bundle was not written to {target}" in err
    assert not target.exists()


def test_blocks_back_offs_and_the_last_check_are_reported(
    make_ews, ca_file, tmp_path, capsys, monkeypatch
):
    ews = make_ews()
    seed_contoso(ews, datetime.now(UTC).date())
    monkeypatch.setenv("ATTENDANT_PASSWORD", "not-the-password")
    config = exchange_settings(
        tmp_path, ews, ca_file, timeout_seconds=30, watch='people = ["alice@contoso.com"]\n'
    )
    assert main(["check", "--config", str(config)]) == 3  # the password is rejected
    LockoutGuard(app_paths().state_dir).record_throttle(
        "graph", datetime.now(UTC) + timedelta(minutes=5)
    )
    capsys.readouterr()

    code, out, _ = run(capsys, "--config", str(config))

    assert code == 0
    assert f"Account           {DEFAULT_USERNAME}" in out
    assert f"Server            {ews.url}" in out
    blocked = next(line for line in out.splitlines() if line.startswith("Blocked (exchange)"))
    assert "Exchange rejected the user name or password (HTTP 401)" in blocked
    assert "Retry now" in blocked
    back_off = next(line for line in out.splitlines() if line.startswith("Back-off (graph)"))
    assert "nothing is sent before" in back_off
    assert "Run               attendant check at " in out
    assert "Credentials       FAIL: Exchange rejected the user name or password (HTTP 401)." in out
    assert "Free/busy query   SKIP: Not tried: the credentials failed" in out
    assert "credentials-state.json" in out and "last-check.json" in out
    assert "not-the-password" not in out
    assert ews.failed_logons == 1  # diagnose itself sent nothing


def test_the_name_cache_is_counted_as_the_cache_writes_it(capsys):
    from attendant.domain import Mailbox
    from attendant.services.names import CACHE_FILE_NAME, NameCache

    state_dir = app_paths().state_dir
    NameCache(state_dir).remember(
        [
            Mailbox("alice@contoso.com", "Alice Example"),
            Mailbox("bob@contoso.com", "Bob Builder"),
            Mailbox("carol@contoso.com", "Carol Jones"),
        ]
    )

    code, out, _ = run(capsys)

    assert code == 0
    row = next(line for line in out.splitlines() if line.startswith(CACHE_FILE_NAME))
    assert row.endswith(", 3 names"), row
