"""The fake Graph's own behaviour, with plain requests: what the provider tests rely on."""

from __future__ import annotations

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import msal
import pytest
import requests

from tests.fakes.graph import FakeGraph, GraphEvent

pytest_plugins = ("tests.fakes.fixtures",)  # ca_file, make_entra

ROME = ZoneInfo("Europe/Rome")


@pytest.fixture
def setup(make_entra, ca_file):
    entra = make_entra()
    graph = FakeGraph(token_validator=entra.valid_access_token, page_size=2).start()
    graph.add_mailbox(
        "alice@contoso.com",
        "Alice Example",
        events=[
            GraphEvent(
                datetime(2026, 11, 23, 10, tzinfo=ROME),
                datetime(2026, 11, 23, 11, tzinfo=ROME),
                "busy",
                "Budget review",
                "Room 4",
            ),
            GraphEvent(
                datetime(2026, 11, 23, 12, tzinfo=ROME),
                datetime(2026, 11, 23, 13, tzinfo=ROME),
                "workingElsewhere",
                "Lunch",
                is_private=True,
            ),
        ],
    )
    for i in range(5):
        graph.add_room(f"room.{i}@contoso.com", f"Room {i}", capacity=i + 2)
    graph.add_room_list("rooms@contoso.com", "Rooms", [f"room.{i}@contoso.com" for i in range(3)])

    def token(*permissions: str) -> str:
        app = msal.PublicClientApplication(
            "t", authority=entra.authority_url, instance_discovery=False, verify=str(ca_file)
        )
        flow = app.initiate_device_flow(scopes=[f"{graph.base_url}/{p}" for p in permissions])
        entra.approve(flow["user_code"], "reception@contoso.com")
        return str(app.acquire_token_by_device_flow(flow)["access_token"])

    yield entra, graph, token, ca_file
    graph.stop()


def call(graph, ca_file, method, path, token=None, **kwargs):
    headers = kwargs.pop("headers", {})
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return requests.request(
        method,
        f"{graph.base_url}{path}",
        headers=headers,
        verify=str(ca_file),
        timeout=10,
        **kwargs,
    )


def schedule_body(schedules, zone="UTC", start="2026-11-23T00:00:00", end="2026-11-24T00:00:00"):
    return {
        "schedules": schedules,
        "startTime": {"dateTime": start, "timeZone": zone},
        "endTime": {"dateTime": end, "timeZone": zone},
        "availabilityViewInterval": 60,
    }


def test_get_schedule_honours_prefer_and_hides_private_details(setup):
    _, graph, token, ca = setup
    bearer = token("Calendars.ReadBasic")
    path = "/v1.0/me/calendar/getSchedule"
    body = schedule_body(["alice@contoso.com", "ghost@contoso.com"], "W. Europe Standard Time")
    answer = call(
        graph,
        ca,
        "POST",
        path,
        bearer,
        json=body,
        headers={"Prefer": 'outlook.timezone="Pacific Standard Time"'},
    ).json()
    alice, ghost = answer["value"]
    busy, elsewhere = alice["scheduleItems"]
    assert busy["start"] == {
        "dateTime": "2026-11-23T01:00:00.0000000",
        "timeZone": "Pacific Standard Time",
    }
    assert busy["subject"] == "Budget review" and busy["location"] == "Room 4"
    assert "subject" not in elsewhere and elsewhere["isPrivate"] is True
    # local midnight to midnight in Rome, hourly: 10-11 busy (2), 12-13 elsewhere (0)
    assert alice["availabilityView"] == "0" * 10 + "2" + "0" * 13
    assert ghost["error"]["responseCode"] == "5009" and "scheduleItems" not in ghost
    plain = call(graph, ca, "POST", path, bearer, json=schedule_body(["alice@contoso.com"])).json()
    assert plain["value"][0]["scheduleItems"][0]["start"]["timeZone"] == "UTC"
    iana = call(
        graph,
        ca,
        "POST",
        path,
        bearer,
        json=schedule_body(["alice@contoso.com"]),
        headers={"Prefer": 'outlook.timezone="Europe/Berlin"'},
    ).json()
    assert iana["value"][0]["scheduleItems"][0]["start"]["dateTime"].startswith("2026-11-23T10:00")


def test_get_schedule_limits_and_authorisation(setup):
    entra, graph, token, ca = setup
    path = "/v1.0/me/calendar/getSchedule"
    body = schedule_body([f"p{i}@contoso.com" for i in range(21)])
    assert call(graph, ca, "POST", path, json=body).status_code == 401
    bearer = token("Calendars.Read")
    assert call(graph, ca, "POST", path, bearer, json=body).status_code == 400
    assert (
        call(
            graph, ca, "POST", path, bearer, json=schedule_body(["a@b.c"], "Mars/Base")
        ).status_code
        == 400
    )
    rooms_only = token("Place.Read.All")
    denied = call(graph, ca, "POST", path, rooms_only, json=schedule_body(["a@b.c"]))
    assert denied.status_code == 403 and denied.json()["error"]["code"] == "ErrorAccessDenied"
    entra.expire_access_tokens()
    expired = call(graph, ca, "POST", path, bearer, json=schedule_body(["a@b.c"]))
    assert expired.status_code == 401 and "invalid_token" in expired.headers["WWW-Authenticate"]


def test_places_page_with_next_links(setup):
    _, graph, token, ca = setup
    bearer = token("Place.Read.All")
    seen, url = [], f"{graph.base_url}/v1.0/places/microsoft.graph.room"
    while url:
        page = requests.get(
            url, headers={"Authorization": f"Bearer {bearer}"}, verify=str(ca), timeout=10
        ).json()
        seen.append(len(page["value"]))
        url = page.get("@odata.nextLink")
    assert seen == [2, 2, 1]
    lists = call(graph, ca, "GET", "/v1.0/places/microsoft.graph.roomlist", bearer).json()
    assert [rl["emailAddress"] for rl in lists["value"]] == ["rooms@contoso.com"]
    rooms = call(
        graph, ca, "GET", "/v1.0/places/rooms@contoso.com/microsoft.graph.roomlist/rooms", bearer
    ).json()
    assert [r["capacity"] for r in rooms["value"]] == [2, 3] and "@odata.nextLink" in rooms


def test_users_search_needs_consistency_level(setup):
    _, graph, token, ca = setup
    bearer = token("User.ReadBasic.All")
    params = {"$search": '"displayName:ali"'}
    assert call(graph, ca, "GET", "/v1.0/users", bearer, params=params).status_code == 400
    found = call(
        graph,
        ca,
        "GET",
        "/v1.0/users",
        bearer,
        params=params,
        headers={"ConsistencyLevel": "eventual"},
    ).json()
    assert [u["mail"] for u in found["value"]] == ["alice@contoso.com"]
    named = call(
        graph,
        ca,
        "GET",
        "/v1.0/users",
        bearer,
        params={"$filter": "mail in ('room.1@contoso.com','x@y.z')"},
    ).json()
    assert [u["displayName"] for u in named["value"]] == ["Room 1"]


def test_throttle_concurrency_and_counters(setup):
    _, graph, token, ca = setup
    bearer = token("Place.Read.All")
    graph.throttle(count=1, retry_after=42)
    throttled = call(graph, ca, "GET", "/v1.0/places/microsoft.graph.room", bearer)
    assert throttled.status_code == 429 and throttled.headers["Retry-After"] == "42"
    graph.latency = 0.3
    statuses: list[int] = []

    def one() -> None:
        statuses.append(
            call(graph, ca, "GET", "/v1.0/places/microsoft.graph.room", bearer).status_code
        )

    threads = [threading.Thread(target=one) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert graph.max_in_flight >= 5 and statuses.count(429) >= 1  # over Graph's limit of 4
    assert graph.requests_total == 7 and graph.routes["places"] <= 5
