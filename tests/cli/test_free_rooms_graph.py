"""``attendant free-rooms`` against the fake Graph: room details from ``/places``."""

from __future__ import annotations

import json
import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.fakes.graph import FakeGraph, GraphEvent
from tests.fakes.helpers import approve_when_pending

pytest_plugins = ("tests.fakes.fixtures",)  # ca_file, make_entra

ROME = ZoneInfo("Europe/Rome")
RECEPTION = "reception@contoso.com"
CLIENT_ID = "5a1c3e2d-7b4f-4e6a-9c8d-0f1e2d3c4b5a"
AT = "2026-11-23T10:15:00+01:00"


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, 23, hour, minute, tzinfo=ROME)


@pytest.fixture
def world(make_entra):
    entra = make_entra()
    graph = FakeGraph(token_validator=entra.valid_access_token).start()
    graph.add_mailbox("alice@contoso.com", "Alice Example")
    # Some tenants send capacity as a numeric string.
    graph.add_room("room.big@contoso.com", "Big", capacity="12", building="Annex", floor=0)
    graph.add_room(
        "room.mid@contoso.com",
        "Mid",
        capacity=6,
        building="HQ",
        floor_label="Mezzanine",
        events=[GraphEvent(at(11, 35), at(12), "busy")],
    )
    graph.add_room("room.odd@contoso.com", "Odd", capacity="about ten", building="HQ")
    graph.add_room("room.small@contoso.com", "Small", capacity=2, building="HQ")
    graph.add_room(
        "room.busy@contoso.com",
        "Busy",
        capacity=20,
        events=[GraphEvent(at(10), at(11), "busy")],
    )
    graph.add_room_list(
        "rooms-all@contoso.com",
        "All rooms",
        ["room.big@contoso.com", "room.mid@contoso.com", "room.busy@contoso.com"],
    )
    yield entra, graph
    graph.stop()


@pytest.fixture
def config(world, ca_file, tmp_path):
    from attendant.log import shutdown_logging

    entra, graph = world
    path = tmp_path / "settings.toml"
    path.write_text(
        f"""schema_version = 1

[calendar]
provider = "graph"

[calendar.graph]
tenant_id = "{entra.tenant_id}"
client_id = "{CLIENT_ID}"
authority = "{entra.base_url}"
graph_url = "{graph.base_url}"

[network]
ca_bundle = "{ca_file}"
timeout_seconds = 10

[watch]
people = ["alice@contoso.com"]
rooms = ["room.odd@contoso.com", "room.small@contoso.com"]
room_lists = ["rooms-all@contoso.com"]
""",
        encoding="utf-8",
    )
    yield str(path)
    shutdown_logging()


def run(capsys, *argv: str) -> tuple[int, str, str]:
    from attendant.cli import main

    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_places_details_and_string_capacities(world, config, capsys, monkeypatch):
    entra, _ = world
    monkeypatch.setenv("TZ", "Europe/Rome")
    threading.Thread(target=approve_when_pending(entra, RECEPTION), daemon=True).start()
    assert run(capsys, "signin", "--device-code", "--config", config)[0] == 0

    code, out, err = run(capsys, "free-rooms", "--config", config, "--at", AT, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["provider"] == "graph" and data["for_minutes"] == 30
    rooms = {r["name"]: r for r in data["rooms"]}
    assert list(rooms) == ["Big", "Odd", "Small", "Mid"]  # free all day by name, then Mid
    assert rooms["Big"] == {
        "address": "room.big@contoso.com",
        "name": "Big",
        "capacity": 12,
        "building": "Annex",
        "floor": "0",
        "free_until": None,
    }
    assert (rooms["Mid"]["capacity"], rooms["Mid"]["floor"]) == (6, "Mezzanine")
    assert rooms["Mid"]["free_until"] == "2026-11-23T11:35:00+01:00"
    # Watched directly, not through a list: the details still come from /places.
    assert (rooms["Odd"]["capacity"], rooms["Odd"]["building"]) == (None, "HQ")
    assert (rooms["Small"]["capacity"], rooms["Small"]["building"]) == (2, "HQ")

    code, out, _ = run(capsys, "free-rooms", "--config", config, "--at", AT, "--capacity", "6")
    assert code == 0
    assert "Big" in out and "Mid" in out and "Small" not in out
    assert "1 free room of unknown capacity left out" in out  # Odd: "about ten"
