"""One-shot commands wait out a short server back-off and complete; a long one exits 4 at once.

INTERFACES.md §1: ``availability``, ``rooms`` and ``check`` wait out a back-off of up to 30 s
(never longer than ``timeout_seconds``), sending nothing before it ends.
"""

from __future__ import annotations

import itertools
import json

import pytest
from cli_world import AT, exchange_settings

from tests.fakes import Fault

pytest_plugins = ("tests.fakes.fixtures",)  # make_ews, ca_file


def gaps(records) -> list[float]:
    return [later.time - earlier.time for earlier, later in itertools.pairwise(records)]


@pytest.mark.parametrize(
    ("fault", "seconds"),
    [
        (Fault.server_busy(back_off_ms=1500, operation="GetUserAvailability"), 1.5),
        (Fault.http_503(retry_after=2, operation="GetUserAvailability"), 2.0),
        (Fault.http_429(retry_after=2, operation="GetUserAvailability"), 2.0),
    ],
    ids=["ErrorServerBusy", "503", "429"],
)
def test_availability_waits_out_a_short_back_off_then_answers(
    run_cli, ews, ca_file, tmp_path, fault, seconds
):
    config = exchange_settings(tmp_path, ews, ca_file)
    ews.inject(fault)
    done = run_cli("availability", "--config", str(config), "--at", AT, "--json")
    assert done.returncode == 0, done.stderr
    entries = {e["address"]: e for e in json.loads(done.stdout)["entries"]}
    assert entries["alice@contoso.com"]["status"] == "busy"
    asked = ews.requests_for("GetUserAvailability")
    assert [r.fault for r in asked] == [fault.kind, None]
    assert gaps(asked)[0] >= seconds  # nothing reached the server before the back-off ended
    assert "waiting" in done.stderr


def test_rooms_and_check_wait_too(run_cli, ews, ca_file, tmp_path):
    config = exchange_settings(tmp_path, ews, ca_file)
    ews.inject(Fault.server_busy(back_off_ms=1500, operation="GetRooms"))
    done = run_cli("rooms", "--config", str(config), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["room_lists"][0]["address"] == "rooms-hq@contoso.com"
    assert gaps(ews.requests_for("GetRooms"))[0] >= 1.5

    ews.reset_counters()
    ews.inject(Fault.server_busy(back_off_ms=1500, operation="GetUserAvailability"))
    done = run_cli("check", "--config", str(config))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "[PASS] Room lists" in done.stdout and "[FAIL]" not in done.stdout
    assert gaps(ews.requests_for("GetUserAvailability"))[0] >= 1.5


def test_a_back_off_longer_than_the_timeout_exits_4_saying_when_it_ends(
    run_cli, ews, ca_file, tmp_path
):
    config = exchange_settings(tmp_path, ews, ca_file, timeout_seconds=5)
    ews.inject(Fault.server_busy(back_off_ms=60_000, operation="GetUserAvailability"))
    done = run_cli("availability", "--config", str(config), "--at", AT, timeout=20)
    assert done.returncode == 4
    assert "wait 60 s, until " in done.stderr and "Run the command again after" in done.stderr
    assert len(ews.requests_for("GetUserAvailability")) == 1

    # Another process, another command: still nothing sent before the back-off ends.
    sent = ews.requests_total
    done = run_cli("rooms", "--config", str(config), "--json", timeout=20)
    assert done.returncode == 4
    assert json.loads(done.stdout)["error"]["kind"] == "server"
    assert ews.requests_total == sent


def test_never_more_than_30_seconds(run_cli, ews, ca_file, tmp_path):
    config = exchange_settings(tmp_path, ews, ca_file, timeout_seconds=120)
    ews.inject(Fault.http_503(retry_after=45, operation="GetUserAvailability"))
    done = run_cli("availability", "--config", str(config), "--at", AT, timeout=20)
    assert done.returncode == 4 and "wait 45 s" in done.stderr
    assert len(ews.requests_for("GetUserAvailability")) == 1
