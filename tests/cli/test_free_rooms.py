"""``attendant free-rooms`` against the fake Exchange and the demo directory."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from cli_world import AT, DAY, ROME, exchange_settings

from tests.fakes import FakeEvent

pytest_plugins = ("tests.fakes.fixtures",)  # ca_file, make_ews


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(DAY.year, DAY.month, DAY.day, hour, minute, tzinfo=ROME)


@pytest.fixture
def ews(make_ews):
    server = make_ews()
    server.add_mailbox("alice@contoso.com", "Alice Example")
    server.add_mailbox(
        "room.4@contoso.com", "Room 4", events=[FakeEvent(at(10), at(11), "Busy")]
    )  # busy now
    server.add_mailbox(
        "room.5@contoso.com", "Room 5", events=[FakeEvent(at(10, 30), at(11), "Busy")]
    )  # free 15 min
    server.add_mailbox("room.6@contoso.com", "Room 6")  # free all day
    server.add_mailbox(
        "room.7@contoso.com", "Room 7", events=[FakeEvent(at(12), at(13), "Tentative")]
    )  # free until noon
    server.add_mailbox(
        "room.8@contoso.com", "Room 8", events=[FakeEvent(at(12), at(13), "Busy")]
    )  # free until noon too
    server.add_room_list(
        "rooms-hq@contoso.com",
        "HQ rooms",
        ["room.4@contoso.com", "room.5@contoso.com", "room.7@contoso.com"],
    )
    return server


def config(tmp_path, ews, ca_file, rooms: str) -> str:
    watch = (
        f'people = ["alice@contoso.com"]\nrooms = {rooms}\nroom_lists = ["rooms-hq@contoso.com"]\n'
    )
    return str(exchange_settings(tmp_path, ews, ca_file, timeout_seconds=5, watch=watch))


# Rooms 6 and 8 are named by their watch entries (no name is looked up on the statuses' path).
PLAIN_ROOMS = (
    '[{address = "room.6@contoso.com", name = "Room 6"}, '
    '{address = "room.8@contoso.com", name = "Room 8"}, "ghost.room@contoso.com"]'
)


def test_watched_rooms_free_long_enough_longest_first(cli, ews, ca_file, tmp_path):
    path = config(tmp_path, ews, ca_file, PLAIN_ROOMS)
    code, out, err = cli("free-rooms", "--config", path, "--at", AT, "--json")
    assert code == 0, err
    # The room lists are read once: for the watched list's rooms and their details alike.
    assert len(ews.requests_for("GetRoomLists")) == 1
    assert len(ews.requests_for("GetRooms")) == 1
    data = json.loads(out)
    assert (data["provider"], data["at"], data["for_minutes"], data["capacity"]) == (
        "exchange",
        AT,
        30,
        None,
    )
    assert [(r["name"], r["free_until"]) for r in data["rooms"]] == [
        ("Room 6", None),
        ("Room 7", "2026-11-23T12:00:00+01:00"),
        ("Room 8", "2026-11-23T12:00:00+01:00"),
    ]  # Room 4 busy, Room 5 free only 15 min, the ghost room has no data
    assert data["rooms"][0] == {
        "address": "room.6@contoso.com",
        "name": "Room 6",
        "capacity": None,
        "building": None,
        "floor": None,
        "free_until": None,
    }

    code, out, _ = cli("free-rooms", "--config", path, "--at", AT, "--for", "15", "--json")
    assert code == 0
    assert "Room 5" in [r["name"] for r in json.loads(out)["rooms"]]
    code, out, _ = cli("free-rooms", "--config", path, "--at", AT, "--for", "120", "--json")
    assert [r["name"] for r in json.loads(out)["rooms"]] == ["Room 6"]


def test_unknown_capacity_is_left_out_and_counted(cli, ews, ca_file, tmp_path):
    path = config(tmp_path, ews, ca_file, PLAIN_ROOMS)
    code, out, _ = cli("free-rooms", "--config", path, "--at", AT, "--capacity", "4", "--json")
    assert code == 0
    assert json.loads(out)["rooms"] == []
    code, out, _ = cli("free-rooms", "--config", path, "--at", AT, "--capacity", "4")
    assert code == 0
    assert "3 free rooms of unknown capacity left out" in out
    code, out, _ = cli("free-rooms", "--config", path, "--at", AT)
    assert "Room 6" in out and "free for the rest of the day" in out
    assert "Room 7" in out and "free for 1 h 45 min (until 12:00)" in out


def test_bad_arguments_are_settings_errors(cli, ews, ca_file, tmp_path):
    path = config(tmp_path, ews, ca_file, PLAIN_ROOMS)
    assert cli("free-rooms", "--config", path, "--for", "0")[0] == 2
    assert cli("free-rooms", "--config", path, "--capacity", "0")[0] == 2
    code, _, err = cli("free-rooms", "--config", path, "--at", "ten past ten")
    assert code == 2 and "ISO 8601" in err
    assert ews.requests_total == 0


def test_demo_rooms_carry_capacity_building_and_floor(cli):
    code, out, _ = cli(
        "free-rooms", "--at", "2026-12-05T23:40:00+00:00", "--capacity", "6", "--json"
    )
    assert code == 0
    rooms = json.loads(out)["rooms"]
    assert rooms, "the demo has free rooms at any hour"
    assert all(r["capacity"] >= 6 and r["building"] in ("HQ", "Annex") for r in rooms)
    assert all(r["floor"] in ("0", "1") for r in rooms)
    untils = [r["free_until"] for r in rooms]
    assert untils == sorted(
        untils, key=lambda u: (u is not None, -(datetime.fromisoformat(u).timestamp() if u else 0))
    )


DETAILED_ROOMS = """[
    {address = "room.6@contoso.com", name = "Six", capacity = 12, building = "Annex", floor = "0"},
    {address = "room.8@contoso.com", capacity = 4, building = "HQ", floor = "2"},
    {address = "room.7@contoso.com", capacity = 8},
]"""


def test_room_details_come_from_the_watch_list(cli, ews, ca_file, tmp_path):
    path = config(tmp_path, ews, ca_file, DETAILED_ROOMS)
    settings = Path(path)
    text = settings.read_text(encoding="utf-8")
    settings.write_text(text.replace("schema_version = 1", "schema_version = 2"), encoding="utf-8")
    assert "schema_version = 2" in settings.read_text(encoding="utf-8")
    code, out, err = cli("free-rooms", "--config", path, "--at", AT, "--capacity", "6", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["capacity"] == 6
    # Room 7 is in the HQ list too: the watch list's entry (capacity 8) wins over nothing.
    assert data["rooms"] == [
        {
            "address": "room.6@contoso.com",
            "name": "Six",  # the admin's name wins over the server's "Room 6"
            "capacity": 12,
            "building": "Annex",
            "floor": "0",
            "free_until": None,
        },
        {
            "address": "room.7@contoso.com",
            "name": "Room 7",
            "capacity": 8,
            "building": None,
            "floor": None,
            "free_until": "2026-11-23T12:00:00+01:00",
        },
    ]  # Room 8 seats 4: too small
    code, out, _ = cli("free-rooms", "--config", path, "--at", AT, "--capacity", "6")
    assert "Six" in out and "12 seats" in out and "Annex, floor 0" in out
    assert "unknown capacity" not in out
