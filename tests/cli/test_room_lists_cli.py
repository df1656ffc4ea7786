"""Room lists as real Exchange servers answer them, through the real command line.

A room list without rooms (GetRooms answers ``ErrorNameResolutionNoResults``, as Exchange
does) and a mistyped room-list address are data about that list: everything else is served,
``rooms --json`` lists them with ``"rooms": []`` and an error, and ``check`` warns with a hint.
Exchange 2007 SP1 has no room lists at all: ``rooms`` says so and exits 2.
"""

from __future__ import annotations

import json

import pytest
from cli_world import AT, exchange_settings

pytest_plugins = ("tests.fakes.fixtures",)  # make_ews, ca_file

WATCH = """people = ["alice@contoso.com"]
rooms = ["room.5@contoso.com"]
room_lists = ["rooms-hq@contoso.com", "rooms-empty@contoso.com", "rooms-hq@contoso.con"]
"""


@pytest.fixture
def config(ews, ca_file, tmp_path):
    ews.add_room_list("rooms-empty@contoso.com", "Empty rooms", [])
    return str(exchange_settings(tmp_path, ews, ca_file, watch=WATCH))


def test_an_empty_and_an_unknown_room_list_leave_everything_else_served(run_cli, config):
    done = run_cli("availability", "--config", config, "--at", AT, "--json")
    assert done.returncode == 0, done.stderr
    entries = {e["address"]: e for e in json.loads(done.stdout)["entries"]}
    assert list(entries) == ["alice@contoso.com", "room.5@contoso.com", "room.4@contoso.com"]
    assert entries["alice@contoso.com"]["status"] == "busy"
    assert entries["room.4@contoso.com"]["name"] == "Room 4"


def test_rooms_lists_them_with_no_rooms_and_the_servers_word(run_cli, config):
    done = run_cli("rooms", "--config", config, "--json")
    assert done.returncode == 0, done.stderr
    lists = {rl["address"]: rl for rl in json.loads(done.stdout)["room_lists"]}
    assert [r["address"] for r in lists["rooms-hq@contoso.com"]["rooms"]] == [
        "room.4@contoso.com",
        "room.5@contoso.com",
    ]
    assert "error" not in lists["rooms-hq@contoso.com"]
    empty = lists["rooms-empty@contoso.com"]
    assert (empty["name"], empty["rooms"]) == ("Empty rooms", [])
    assert empty["error"]["code"] == "ErrorNameResolutionNoResults"
    typo = lists["rooms-hq@contoso.con"]
    assert typo["rooms"] == [] and typo["error"]["code"] == "ErrorNameResolutionNoResults"

    done = run_cli("rooms", "--config", config)
    assert done.returncode == 0, done.stderr
    assert "  no rooms (server says ErrorNameResolutionNoResults: " in done.stdout


def test_check_warns_naming_the_lists_with_a_hint(run_cli, config, ews):
    done = run_cli("check", "--config", config, "--json")
    assert len(ews.requests_for("GetRoomLists")) == 1  # the watch list's and the step's
    steps = {s["name"]: s for s in json.loads(done.stdout)["steps"]}
    room_lists = steps["Room lists"]
    assert room_lists["result"] == "warn", room_lists
    assert "rooms-empty@contoso.com: no rooms (server says" in room_lists["detail"]
    assert "rooms-hq@contoso.con: no rooms (server says" in room_lists["detail"]
    assert "Check the address of each room list" in room_lists["hint"]
    assert steps["Free/busy query"]["result"] == "pass"
    assert done.returncode == 0


@pytest.fixture
def ews2007(make_ews):
    from cli_world import DAY, ROME

    from tests.fakes.helpers import seed_contoso

    server = make_ews(version="Exchange2007_SP1")
    seed_contoso(server, DAY, tz=ROME)
    return server


def test_rooms_on_exchange_2007_names_the_version_limit_and_exits_2(
    run_cli, ews2007, ca_file, tmp_path
):
    config = str(exchange_settings(tmp_path, ews2007, ca_file))
    done = run_cli("rooms", "--config", config)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Exchange2007_SP1 has no room lists" in done.stderr
    assert "watch.rooms" in done.stderr
    assert "failing" not in done.stderr
    assert ews2007.requests_total == 0
    done = run_cli("rooms", "--config", config, "--json")
    assert done.returncode == 2
    assert json.loads(done.stdout)["error"]["kind"] == "settings"
    # The watch list's people and rooms are still served; the room list is skipped.
    done = run_cli("availability", "--config", config, "--at", AT, "--json")
    assert done.returncode == 0, done.stderr
    addresses = [e["address"] for e in json.loads(done.stdout)["entries"]]
    assert addresses == [
        "alice@contoso.com",
        "ghost@contoso.com",
        "bob@contoso.com",
        "room.5@contoso.com",
    ]
