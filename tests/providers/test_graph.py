"""The Graph provider against the fake Entra ID and the fake Graph, over loopback HTTPS.

The real msal signs in against the fake authority (device code, refresh tokens); the fake
Graph accepts only the tokens that authority issued. Nothing here mocks our own code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import msal
import pytest

from attendant.domain import BusyType, Mailbox, MailboxKind, Window
from attendant.providers.base import StepResult
from attendant.providers.errors import (
    CredentialsRejected,
    SettingsInvalid,
    SignInRequired,
    Throttled,
    Unreachable,
)
from attendant.providers.graph import scopes_for
from attendant.providers.graph.places import NO_LIST_ADDRESS, NO_LIST_NAME
from attendant.providers.graph.provider import GraphProvider
from attendant.providers.graph.transport import ConsentMissing, GraphTransport, make_session
from attendant.services.guarded import GuardedProvider
from attendant.services.lockout import LockoutGuard
from tests.fakes import tls
from tests.fakes.entra import FakeEntraAuthority
from tests.fakes.graph import FakeGraph, GraphEvent

pytest_plugins = ("tests.fakes.fixtures",)  # ca_file, make_entra

ROME = ZoneInfo("Europe/Rome")
DAY = date(2026, 11, 23)  # a Monday, CET (+01:00)
RECEPTION = "reception@contoso.com"
CLIENT_ID = "attendant-test"


def at(hh: int, mm: int = 0, day: date = DAY, zone: Any = ROME) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=zone)


def seed(graph: FakeGraph, day: date = DAY) -> None:
    def t(hh: int, mm: int = 0) -> datetime:
        return at(hh, mm, day)

    graph.add_mailbox(
        "alice@contoso.com",
        "Alice Example",
        events=[
            GraphEvent(t(10), t(11), "busy", "Budget review", "Room 4"),
            GraphEvent(t(11), t(11, 30), "tentative", "Coffee", "Kitchen"),
            GraphEvent(t(14), t(15), "busy", "1:1", "Alice's office", is_private=True),
        ],
    )
    graph.add_mailbox(
        "bob@contoso.com",
        "Bob Builder",
        details=False,
        events=[GraphEvent(t(9), t(17), "oof", "Holiday")],
    )
    graph.add_mailbox(
        "carol@contoso.com",
        "Carol Private",
        error=("ErrorNoFreeBusyAccess", "You don't have permission to see Carol's calendar."),
    )
    graph.add_mailbox(
        "dave@contoso.com",
        "Dave Roamer",
        events=[GraphEvent(t(0), t(23, 59), "workingElsewhere", "Customer site", "Milan")],
    )
    graph.add_room(
        "room.4@contoso.com",
        "Room 4",
        capacity=8,
        building="HQ",
        floor=2,
        events=[GraphEvent(t(10), t(11), "busy", "Budget review", "Room 4")],
    )
    graph.add_room("room.5@contoso.com", "Room 5", capacity=4, building="HQ", floor_label="Ground")
    graph.add_room("room.lab@contoso.com", "Lab", capacity=12)
    graph.add_room("room.annex@contoso.com", "Annex", building="Annex")
    graph.add_room_list(
        "rooms-hq@contoso.com", "HQ rooms", ["room.4@contoso.com", "room.5@contoso.com"]
    )
    graph.add_room_list("rooms-annex@contoso.com", "Annex rooms", ["room.annex@contoso.com"])


class MsalTokens:
    """Test token source: the real msal, silently, as the provider's TokenSource."""

    def __init__(self, app: msal.PublicClientApplication, scopes: list[str]) -> None:
        self.app = app
        self.scopes = scopes

    def access_token(self, *, force_refresh: bool = False) -> str:
        accounts = self.app.get_accounts()
        if not accounts:
            raise SignInRequired("Nobody is signed in.")
        result = self.app.acquire_token_silent_with_error(
            self.scopes, account=accounts[0], force_refresh=force_refresh
        )
        if result and "access_token" in result:
            return str(result["access_token"])
        if result and result.get("error") == "invalid_grant":
            raise CredentialsRejected(f"The sign-in was rejected: {result.get('error')}")
        raise SignInRequired("Sign in again.")


@dataclass
class World:
    entra: FakeEntraAuthority
    graph: FakeGraph
    ca_file: Path
    app: msal.PublicClientApplication
    tokens: MsalTokens

    def provider(self, *, ca_bundle: str | None = None, timeout: float = 10.0) -> GraphProvider:
        session = make_session(str(self.ca_file) if ca_bundle is None else ca_bundle)
        transport = GraphTransport(
            self.graph.base_url, self.tokens, session=session, timeout=timeout
        )
        return GraphProvider(transport, self.tokens, authority_url=self.entra.authority_url)


def sign_in(
    entra: FakeEntraAuthority, graph_url: str, ca_file: Path, scopes: list[str] | None = None
) -> tuple[msal.PublicClientApplication, MsalTokens]:
    app = msal.PublicClientApplication(
        CLIENT_ID, authority=entra.authority_url, instance_discovery=False, verify=str(ca_file)
    )
    wanted = scopes or scopes_for(graph_url)
    flow = app.initiate_device_flow(scopes=wanted)
    entra.approve(flow["user_code"], RECEPTION, "Reception Desk")
    result = app.acquire_token_by_device_flow(flow)
    assert "access_token" in result, result
    return app, MsalTokens(app, wanted)


@pytest.fixture
def make_graph(make_entra):
    servers: list[FakeGraph] = []

    def factory(entra: FakeEntraAuthority, **kwargs: Any) -> FakeGraph:
        server = FakeGraph(token_validator=entra.valid_access_token, **kwargs)
        server.start()
        servers.append(server)
        return server

    yield factory
    for server in servers:
        server.stop()


@pytest.fixture
def world(make_entra, make_graph, ca_file) -> World:
    entra = make_entra()
    graph = make_graph(entra)
    seed(graph)
    app, tokens = sign_in(entra, graph.base_url, ca_file)
    return World(entra, graph, ca_file, app, tokens)


@pytest.fixture
def provider(world: World):
    made = world.provider()
    yield made
    made.close()


def rome_day(day: date = DAY) -> Window:
    return Window(at(0, 0, day), at(0, 0, day + timedelta(days=1)))


def boxes(*addresses: str) -> list[Mailbox]:
    return [Mailbox(a) for a in addresses]


# -- free/busy -----------------------------------------------------------------------------


def test_free_busy_for_good_and_unknown_mailboxes(world, provider):
    asked = boxes(
        "alice@contoso.com",
        "nobody@contoso.com",
        "bob@contoso.com",
        "carol@contoso.com",
        "dave@contoso.com",
        "room.4@contoso.com",
    )
    answers = provider.get_availability(asked, rome_day())
    assert [a.mailbox for a in answers] == asked  # the order asked for, the mailboxes asked for
    alice, nobody, bob, carol, dave, room = answers
    assert alice.error is None
    assert [(e.start, e.end, e.busy_type, e.subject, e.location) for e in alice.events] == [
        (at(10), at(11), BusyType.BUSY, "Budget review", "Room 4"),
        (at(11), at(11, 30), BusyType.TENTATIVE, "Coffee", "Kitchen"),
        (at(14), at(15), BusyType.BUSY, None, None),  # private: no subject, no location
    ]
    assert alice.events[0].start.utcoffset() == timedelta(hours=1)  # read as local Rome time
    assert alice.working_hours == (at(8), at(17))
    assert nobody.error is not None and nobody.error.code == "5009" and not nobody.events
    assert "Unable to resolve" in nobody.error.message
    assert [(e.busy_type, e.subject) for e in bob.events] == [(BusyType.OOF, None)]
    assert carol.error is not None and carol.error.code == "ErrorNoFreeBusyAccess"
    assert [e.busy_type for e in dave.events] == [BusyType.WORKING_ELSEWHERE]
    assert [e.subject for e in room.events] == ["Budget review"]
    (record,) = [r for r in world.graph.request_log if r.path.endswith("getSchedule")]
    assert record.prefer == 'outlook.timezone="W. Europe Standard Time"'
    assert record.schedules == 6


def test_duplicates_are_asked_once_and_answered_for_each(world, provider):
    asked = boxes("alice@contoso.com", "ALICE@contoso.com", "bob@contoso.com")
    answers = provider.get_availability(asked, rome_day())
    assert world.graph.schedule_batches == [["alice@contoso.com", "bob@contoso.com"]]
    assert answers[0].events == answers[1].events and answers[1].mailbox.address.startswith("ALICE")


def test_more_than_20_in_several_requests_order_kept_at_most_4_in_flight(
    make_entra, make_graph, ca_file
):
    entra = make_entra()
    graph = make_graph(entra, latency=0.05)
    people = [f"person{i:03d}@contoso.com" for i in range(150)]
    for i, address in enumerate(people):
        if i % 7:  # every seventh is unknown
            graph.add_mailbox(
                address, events=[GraphEvent(at(9), at(9, 30 + i % 30), "busy", f"M{i}")]
            )
    _, tokens = sign_in(entra, graph.base_url, ca_file)
    world = World(entra, graph, ca_file, None, tokens)  # type: ignore[arg-type]
    provider = world.provider()
    try:
        answers = provider.get_availability(boxes(*people), rome_day())
    finally:
        provider.close()
    assert [a.mailbox.address for a in answers] == people
    for i, answer in enumerate(answers):
        if i % 7:
            assert answer.error is None and [e.subject for e in answer.events] == [f"M{i}"]
        else:
            assert answer.error is not None and answer.error.code == "5009"
    sizes = sorted(len(b) for b in graph.schedule_batches)
    assert sizes == [10] + [20] * 7 and graph.routes["getSchedule"] == 8
    assert graph.max_in_flight == 4  # used, and never more: Graph's per-mailbox limit
    assert sorted(a for b in graph.schedule_batches for a in b) == sorted(people)


@pytest.mark.parametrize(
    ("day", "offset"),
    [
        (date(2026, 11, 23), 1),  # CET
        (date(2026, 7, 15), 2),  # CEST
        (date(2026, 3, 29), 2),  # the spring-forward day: 23 hours long
        (date(2026, 10, 25), 1),  # the fall-back day: 25 hours long
    ],
)
def test_time_zone_of_a_rome_desk(make_entra, make_graph, ca_file, day, offset):
    entra = make_entra()
    graph = make_graph(entra)
    graph.add_mailbox(
        "alice@contoso.com",
        events=[
            GraphEvent(at(10, 0, day), at(11, 30, day), "busy", "Morning"),
            GraphEvent(at(23, 0, day), at(1, 0, day + timedelta(days=1)), "oof", "Night"),
        ],
    )
    _, tokens = sign_in(entra, graph.base_url, ca_file)
    provider = World(entra, graph, ca_file, None, tokens).provider()  # type: ignore[arg-type]
    try:
        (answer,) = provider.get_availability(boxes("alice@contoso.com"), rome_day(day))
    finally:
        provider.close()
    morning, night = answer.events
    assert morning.start == at(10, 0, day) and morning.end == at(11, 30, day)
    assert morning.start.utcoffset() == timedelta(hours=offset)
    assert morning.start.astimezone(UTC).hour == 10 - offset
    assert night.end == at(1, 0, day + timedelta(days=1))  # crosses midnight intact


def test_fixed_offset_window_asks_in_utc(world, provider):
    plus_one = timezone(timedelta(hours=1))
    window = Window(
        datetime(2026, 11, 23, tzinfo=plus_one), datetime(2026, 11, 24, tzinfo=plus_one)
    )
    (alice,) = provider.get_availability(boxes("alice@contoso.com"), window)
    assert alice.events[0].start == at(10) and alice.events[0].start.utcoffset() == timedelta(0)
    assert world.graph.request_log[-1].prefer == 'outlook.timezone="UTC"'


# -- rooms, search, names ------------------------------------------------------------------


def test_rooms_with_paging_capacity_floor_and_rooms_in_no_list(make_entra, make_graph, ca_file):
    entra = make_entra()
    graph = make_graph(entra, page_size=1)  # every collection pages
    seed(graph)
    _, tokens = sign_in(entra, graph.base_url, ca_file)
    provider = World(entra, graph, ca_file, None, tokens).provider()  # type: ignore[arg-type]
    try:
        lists = provider.room_lists()
    finally:
        provider.close()
    by_address = {rl.address: rl for rl in lists}
    assert list(by_address) == ["rooms-hq@contoso.com", "rooms-annex@contoso.com", NO_LIST_ADDRESS]
    hq = by_address["rooms-hq@contoso.com"]
    assert hq.name == "HQ rooms"
    assert [(r.address, r.name, r.kind, r.capacity, r.location) for r in hq.rooms] == [
        ("room.4@contoso.com", "Room 4", MailboxKind.ROOM, 8, "HQ, floor 2"),
        ("room.5@contoso.com", "Room 5", MailboxKind.ROOM, 4, "HQ, Ground"),
    ]
    assert [
        (r.address, r.location, r.capacity) for r in by_address["rooms-annex@contoso.com"].rooms
    ] == [("room.annex@contoso.com", "Annex", None)]
    orphans = by_address[NO_LIST_ADDRESS]
    assert orphans.name == NO_LIST_NAME
    assert [(r.address, r.capacity, r.location) for r in orphans.rooms] == [
        ("room.lab@contoso.com", 12, None)
    ]
    # 2 room lists, 2 + 1 + 4 rooms: one request per item with a page size of 1, plus the last
    places = [r.path for r in graph.request_log if "/places/" in r.path]
    assert len(places) == graph.routes["places"] and any("skiptoken" in p for p in places)


def test_search_and_resolve(world, provider):
    found = provider.search("ali")
    assert [(m.address, m.name) for m in found] == [("alice@contoso.com", "Alice Example")]
    assert provider.search("   ") == []
    provider.room_lists()  # teaches the provider which addresses are rooms
    (room,) = provider.search("Room 4")
    assert room.kind is MailboxKind.ROOM
    resolved = provider.resolve(["bob@contoso.com", "nobody@contoso.com", "ALICE@contoso.com"])
    assert [(m.address, m.name) for m in resolved] == [
        ("bob@contoso.com", "Bob Builder"),
        ("alice@contoso.com", "Alice Example"),
    ]


def test_missing_consent_is_named(make_entra, make_graph, ca_file):
    entra = make_entra()
    graph = make_graph(entra)
    seed(graph)
    calendar_only = [scopes_for(graph.base_url)[0]]
    _, tokens = sign_in(entra, graph.base_url, ca_file, calendar_only)
    provider = World(entra, graph, ca_file, None, tokens).provider()  # type: ignore[arg-type]
    try:
        with pytest.raises(ConsentMissing, match=r"Place\.Read\.All") as caught:
            provider.room_lists()
        assert "administrator" in caught.value.hint
        assert provider.resolve(["alice@contoso.com"]) == []  # names are a nicety: logged
        steps = list(provider.diagnose())
        (answer,) = provider.get_availability(boxes("alice@contoso.com"), rome_day())
    finally:
        provider.close()
    assert [(s.name, s.result) for s in steps] == [
        ("Sign-in authority", StepResult.PASS),
        ("Signed in", StepResult.WARN),
        ("Room list permission (Place.Read.All)", StepResult.WARN),
    ]
    assert "Place.Read.All" in steps[1].detail and "User.ReadBasic.All" in steps[1].detail
    assert answer.error is None


def test_diagnose_all_good(world, provider):
    steps = list(provider.diagnose())
    assert [(s.name, s.result) for s in steps] == [
        ("Sign-in authority", StepResult.PASS),
        ("Signed in", StepResult.PASS),
        ("Room list permission (Place.Read.All)", StepResult.PASS),
    ]


# -- faults ----------------------------------------------------------------------------------


def test_throttled_and_the_guard_sends_nothing_before_it_ends(world, provider, tmp_path):
    now = [datetime(2026, 11, 23, 9, 0, tzinfo=UTC)]
    guarded = GuardedProvider(provider, LockoutGuard(tmp_path), clock=lambda: now[0])
    world.graph.throttle(count=1, retry_after=120)  # answered at once, the others take 0.2 s
    world.graph.latency = 0.2
    many = boxes(*(f"p{i}@contoso.com" for i in range(200)))  # 10 requests, 4 at a time
    with pytest.raises(Throttled) as caught:
        guarded.call(lambda p: p.get_availability(many, rome_day()))
    assert caught.value.retry_after_seconds == 120
    sent = world.graph.requests_total
    assert sent == 4  # those already in flight; nothing was started after the 429
    now[0] += timedelta(seconds=119)
    with pytest.raises(Throttled):
        guarded.call(lambda p: p.get_availability(boxes("alice@contoso.com"), rome_day()))
    assert world.graph.requests_total == sent  # the guard kept it back
    now[0] += timedelta(seconds=2)
    (alice,) = guarded.call(lambda p: p.get_availability(boxes("alice@contoso.com"), rome_day()))
    assert alice.error is None and world.graph.requests_total == sent + 1


def test_503_with_retry_after_is_a_back_off(world, provider):
    world.graph.throttle(count=1, retry_after=7, status=503)
    with pytest.raises(Throttled) as caught:
        provider.room_lists()
    assert caught.value.retry_after_seconds == 7


def test_expired_token_is_refreshed_once_for_all_concurrent_requests(world, provider):
    world.entra.expire_access_tokens()  # Graph rejects them; msal still thinks they are fresh
    many = boxes(*(f"p{i}@contoso.com" for i in range(80)))  # 4 requests at once, all get 401
    answers = provider.get_availability(many, rome_day())
    assert len(answers) == 80
    assert world.entra.grants["refresh_token"] == 1
    assert [r.status for r in world.graph.request_log].count(200) == 4


def test_revoked_sign_in_needs_a_person_and_is_not_retried(world, provider):
    world.entra.expire_access_tokens()
    world.entra.revoke_refresh_tokens()
    many = boxes(*(f"p{i}@contoso.com" for i in range(80)))
    with pytest.raises((SignInRequired, CredentialsRejected)):
        provider.get_availability(many, rome_day())
    assert world.entra.grant_errors[("refresh_token", "invalid_grant")] == 1
    assert world.entra.grants["refresh_token"] == 0
    assert world.graph.requests_total <= 4  # one 401 each for what was in flight, no loop
    asked_authority = world.entra.requests_total
    with pytest.raises((SignInRequired, CredentialsRejected)):
        provider.get_availability(boxes("alice@contoso.com"), rome_day())
    assert world.entra.requests_total == asked_authority  # the dead refresh token stays unsent


def test_a_second_401_after_refresh_means_sign_in(world, provider):
    from tests.fakes.httpsserver import Response

    body = b'{"error": {"code": "InvalidAuthenticationToken", "message": "Token revoked."}}'
    world.graph.inject(Response(401, [("Content-Type", "application/json")], body), count=2)
    with pytest.raises(SignInRequired, match="Token revoked"):
        provider.room_lists()
    assert world.graph.requests_total == 2 and world.entra.grants["refresh_token"] == 1


def test_custom_ca_wins_over_a_wrong_requests_ca_bundle(world, monkeypatch, tmp_path):
    wrong = tls.write_ca_pem(tmp_path / "wrong.pem", trusted=False)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(wrong))
    monkeypatch.setenv("CURL_CA_BUNDLE", str(wrong))
    provider = world.provider()
    try:
        (alice,) = provider.get_availability(boxes("alice@contoso.com"), rome_day())
    finally:
        provider.close()
    assert alice.error is None


def test_the_environment_cannot_add_trust_either(make_entra, make_graph, monkeypatch, tmp_path):
    entra = make_entra()
    impostor = make_graph(entra, trusted=False)  # certificate from a CA nobody configured
    monkeypatch.setenv(
        "REQUESTS_CA_BUNDLE", str(tls.write_ca_pem(tmp_path / "u.pem", trusted=False))
    )
    transport = GraphTransport(impostor.base_url, _NoTokens(), session=make_session(""), timeout=5)
    try:
        with pytest.raises(Unreachable, match="not trusted"):
            transport.get("v1.0/users", permission="User.ReadBasic.All")
    finally:
        transport.close()
    assert impostor.requests_total == 0


class _NoTokens:
    def access_token(self, *, force_refresh: bool = False) -> str:
        return "not-a-token"


def test_http_graph_url_is_refused_before_anything_is_sent(world):
    http_url = world.graph.base_url.replace("https://", "http://")
    with pytest.raises(SettingsInvalid, match="https"):
        GraphTransport(http_url, world.tokens, session=make_session(str(world.ca_file)))
    assert world.graph.requests_total == 0


def test_graph_pointing_elsewhere_is_not_followed(world, provider):
    from tests.fakes.httpsserver import Response

    body = b'{"value": [], "@odata.nextLink": "https://evil.example/v1.0/steal"}'
    world.graph.inject(Response(200, [("Content-Type", "application/json")], body))
    with pytest.raises(Exception, match="outside"):
        provider.room_lists()
