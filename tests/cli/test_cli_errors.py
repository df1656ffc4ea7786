"""Failing commands: exit codes, the JSON error document, and the watch list still listed.

INTERFACES.md §1: with ``--json`` a command that exits 2, 3 or 4 prints
``{"error": {"kind", "message", "hint"}}``; ``availability`` adds ``entries`` on 3 and 4: every
mailbox asked for (the watch list when none), in order, status ``unknown``.
"""

from __future__ import annotations

import json

import pytest
from cli_world import AT, exchange_settings

WATCHED = [
    "alice@contoso.com",
    "ghost@contoso.com",
    "bob@contoso.com",
    "room.5@contoso.com",
    "rooms-hq@contoso.com",
]

pytest_plugins = ("tests.fakes.fixtures",)  # make_ews, ca_file


def error_document(stdout: str, kind: str) -> dict:
    document = json.loads(stdout)
    assert set(document["error"]) == {"kind", "message", "hint"}
    assert document["error"]["kind"] == kind and document["error"]["message"]
    return document


def test_settings_invalid_is_exit_2_with_the_error_document(run_cli, tmp_path):
    bad = tmp_path / "settings.toml"
    original = b'schema_version = 1\n[calendar]\nprovider = "exchange\n'
    bad.write_bytes(original)
    for command in (["availability", "--at", AT], ["rooms"], ["free-rooms"]):
        done = run_cli(*command, "--config", str(bad), "--json")
        assert done.returncode == 2, done.stderr
        document = error_document(done.stdout, "settings")
        assert f"{bad}:3" in document["error"]["message"]
        assert "entries" not in document
    done = run_cli("check", "--config", str(bad), "--json")
    assert done.returncode == 2
    assert error_document(done.stdout, "settings")["steps"][0]["result"] == "fail"
    assert bad.read_bytes() == original


def test_unreachable_server_lists_every_watched_mailbox_as_unknown(run_cli, ews, ca_file, tmp_path):
    config = exchange_settings(tmp_path, ews, ca_file)
    ews.stop()
    done = run_cli("availability", "--config", str(config), "--at", AT, "--json")
    assert done.returncode == 4, done.stderr
    document = error_document(done.stdout, "server")
    entries = document["entries"]
    assert [e["address"] for e in entries] == WATCHED
    for entry in entries:
        assert entry["status"] == "unknown"
        assert (entry["until"], entry["next_free"], entry["events"]) == (None, None, [])
        assert entry["error"]["message"]
    assert entries[0]["error"]["code"] == "unreachable"
    room_list = entries[-1]["error"]
    assert room_list["code"] == "room_list_not_expanded"
    assert "not known without the server" in room_list["message"]


def test_addresses_asked_for_are_the_entries_in_order(run_cli, ews, ca_file, tmp_path):
    config = exchange_settings(tmp_path, ews, ca_file)
    ews.stop()
    asked = ["room.4@contoso.com", "bob@contoso.com", "room.4@contoso.com"]
    done = run_cli("availability", *asked, "--config", str(config), "--at", AT, "--json")
    assert done.returncode == 4
    entries = error_document(done.stdout, "server")["entries"]
    assert [(e["address"], e["status"]) for e in entries] == [(a, "unknown") for a in asked]


def test_rejected_credentials_exit_3_listing_everyone_and_naming_the_retry_command(
    run_cli, ews, ca_file, tmp_path
):
    config = str(exchange_settings(tmp_path, ews, ca_file))
    ews.lock_out()  # the right password is refused until an admin unlocks the account
    done = run_cli("availability", "--config", config, "--at", AT, "--json")
    assert done.returncode == 3, done.stderr
    document = error_document(done.stdout, "credentials")
    assert [e["address"] for e in document["entries"]] == WATCHED
    assert {e["status"] for e in document["entries"]} == {"unknown"}
    assert "attendant check --retry" in document["error"]["hint"]

    # The same credentials are not sent again, whichever command asks.
    for command in (["availability", "--at", AT], ["rooms"], ["check"]):
        done = run_cli(*command, "--config", config)
        assert done.returncode == 3, done.stdout + done.stderr
        assert "attendant check --retry" in done.stdout + done.stderr
        assert "Retry now" not in done.stdout + done.stderr
    assert ews.failed_logons == 1

    ews.unlock()
    done = run_cli("check", "--retry", "--config", config)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "[PASS] Credentials" in done.stdout
    done = run_cli("availability", "--config", config, "--at", AT, "--json")
    assert done.returncode == 0
    assert ews.failed_logons == 1


def test_check_retry_is_one_attempt_and_keeps_a_back_off(run_cli, ews, ca_file, tmp_path):
    config = str(exchange_settings(tmp_path, ews, ca_file))
    ews.lock_out()
    assert run_cli("check", "--config", config).returncode == 3
    done = run_cli("check", "--retry", "--config", config, "--json")  # still locked
    assert done.returncode == 3
    assert error_document(done.stdout, "credentials")["exit_code"] == 3
    assert ews.failed_logons == 2  # one attempt each time, and blocked again after it
    assert run_cli("availability", "--config", config, "--at", AT).returncode == 3
    assert ews.failed_logons == 2


@pytest.mark.parametrize(
    "command",
    [
        ["availability", "--json"],
        ["rooms", "--json"],
        ["check", "--json"],
        ["free-rooms", "--json"],
        ["paths", "--json"],
        ["signin"],
    ],
)
def test_config_naming_a_missing_file_exits_2_and_creates_nothing(run_cli, tmp_path, command):
    missing = tmp_path / "nowhere" / "settings.toml"
    done = run_cli(*command, "--config", str(missing))
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"{missing} does not exist" in done.stderr
    if "--json" in command:
        assert error_document(done.stdout, "settings")["error"]["message"]
    assert not missing.parent.exists()


def test_one_warning_is_one_warning(run_cli, tmp_path):
    config = tmp_path / "settings.toml"
    config.write_text('schema_version = 1\n[calendar]\nprovider = "demo"\ncolour = "blue"\n')
    done = run_cli("check", "--config", str(config))
    assert "(1 warning)" in done.stdout, done.stdout
    config.write_text(config.read_text() + 'flavour = "mint"\n')
    assert "(2 warnings)" in run_cli("check", "--config", str(config)).stdout
