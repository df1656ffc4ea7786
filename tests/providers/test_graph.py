"""The Graph provider against the fake Entra ID and the fake Graph, over loopback HTTPS.

The real msal signs in against the fake authority (device code, refresh tokens); the fake
Graph accepts only the tokens that authority issued. Nothing here mocks our own code.
"""

from __future__ import annotations

import io
import json
import threading
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from attendant.domain import BusyType, Mailbox, MailboxKind, Window
from attendant.paths import app_paths
from attendant.providers.base import (
    Diagnosable,
    Directory,
    ProviderContext,
    Resolver,
    RoomCatalog,
    StepResult,
)
from attendant.providers.errors import (
    BadResponse,
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
from attendant.providers.registry import ProviderRegistry
from attendant.providers.signin import MsalSignIn
from attendant.providers.tls import trust_context
from attendant.services.guarded import GuardedProvider
from attendant.services.lockout import LockoutGuard
from attendant.settings.model import CalendarSettings, GraphSettings, NetworkSettings, Settings
from tests.fakes import tls
from tests.fakes.entra import FakeEntraAuthority
from tests.fakes.graph import FakeGraph, GraphEvent

pytest_plugins = ("tests.fakes.fixtures",)  # ca_file, make_entra

ROME = ZoneInfo("Europe/Rome")
DAY = date(2026, 11, 23)  # a Monday, CET (+01:00)
RECEPTION = "reception@contoso.com"
CLIENT_ID = "5a1c3e2d-7b4f-4e6a-9c8d-0f1e2d3c4b5a"  # a GUID, as the settings demand


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


class Approver(io.StringIO):
    """The ``out`` of a device-code sign-in: the person at the other device approves at once."""

    def __init__(self, entra: FakeEntraAuthority, username: str = RECEPTION) -> None:
        super().__init__()
        self.entra, self.username = entra, username

    def write(self, text: str) -> int:
        for code in self.entra.pending_user_codes:
            if code in text:
                self.entra.approve(code, self.username, "Reception Desk")
        return super().write(text)


def make_signin(
    entra: FakeEntraAuthority,
    graph_url: str,
    ca_file: Path,
    *,
    scopes: list[str] | None = None,
    cache: Path | None = None,
) -> MsalSignIn:
    return MsalSignIn(
        authority=entra.base_url,
        tenant_id=entra.tenant_id,
        client_id=CLIENT_ID,
        scopes=scopes or scopes_for(graph_url),
        cache_path=cache,
        timeout=10,
        trust=trust_context(str(ca_file)),
    )


@dataclass
class World:
    entra: FakeEntraAuthority
    graph: FakeGraph
    ca_file: Path
    signin: MsalSignIn

    def provider(self, *, ca_bundle: str | None = None) -> GraphProvider:
        trust = trust_context(str(self.ca_file) if ca_bundle is None else ca_bundle)
        transport = GraphTransport(
            self.graph.base_url, self.signin, session=make_session(trust), timeout=10
        )
        return GraphProvider(transport, self.signin)


@pytest.fixture
def make_world(make_entra, ca_file):
    servers: list[FakeGraph] = []

    def factory(
        *, permissions: list[str] | None = None, seeded: bool = True, **kwargs: Any
    ) -> World:
        entra = make_entra()
        graph = FakeGraph(token_validator=entra.valid_access_token, **kwargs).start()
        servers.append(graph)
        if seeded:
            seed(graph)
        scopes = [f"{graph.base_url}/{p}" for p in permissions] if permissions else None
        signin = make_signin(entra, graph.base_url, ca_file, scopes=scopes)
        assert signin.sign_in_device_code(Approver(entra)) == RECEPTION
        return World(entra, graph, ca_file, signin)

    yield factory
    for server in servers:
        server.stop()


@pytest.fixture
def world(make_world) -> World:
    return make_world()


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


def test_more_than_20_in_several_requests_order_kept_at_most_4_in_flight(make_world):
    world = make_world(seeded=False, latency=0.05)
    graph = world.graph
    people = [f"person{i:03d}@contoso.com" for i in range(150)]
    for i, address in enumerate(people):
        if i % 7:  # every seventh is unknown
            graph.add_mailbox(
                address, events=[GraphEvent(at(9), at(9, 30 + i % 30), "busy", f"M{i}")]
            )
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
def test_time_zone_of_a_rome_desk(make_world, day, offset):
    world = make_world(seeded=False)
    world.graph.add_mailbox(
        "alice@contoso.com",
        events=[
            GraphEvent(at(10, 0, day), at(11, 30, day), "busy", "Morning"),
            GraphEvent(at(23, 0, day), at(1, 0, day + timedelta(days=1)), "oof", "Night"),
        ],
    )
    provider = world.provider()
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


def test_rooms_with_paging_capacity_floor_and_rooms_in_no_list(make_world):
    world = make_world(page_size=1)  # every collection pages
    graph = world.graph
    provider = world.provider()
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


def test_missing_consent_is_named(make_world):
    world = make_world(permissions=["Calendars.ReadBasic"])  # no admin consent for the rest
    provider = world.provider()
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
    # Only requests already in flight when the 429 came back were sent (on a loaded machine
    # some workers had not started theirs yet): never a fifth.
    assert 1 <= sent <= 4
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


def test_revoked_sign_in_needs_a_person_and_is_not_retried(world, provider, tmp_path):
    world.entra.expire_access_tokens()
    world.entra.revoke_refresh_tokens()
    guarded = GuardedProvider(provider, LockoutGuard(tmp_path))
    many = boxes(*(f"p{i}@contoso.com" for i in range(80)))
    with pytest.raises(SignInRequired) as caught:
        guarded.call(lambda p: p.get_availability(many, rome_day()))
    assert isinstance(caught.value, CredentialsRejected)  # recorded by the lockout guard
    assert world.entra.grant_errors[("refresh_token", "invalid_grant")] == 1
    assert world.entra.grants["refresh_token"] == 0
    assert world.graph.requests_total <= 4  # one 401 each for what was in flight, no loop
    asked = world.entra.requests_total, world.graph.requests_total
    for _ in range(3):  # the next refreshes, and a restart: nothing is sent with that sign-in
        with pytest.raises(CredentialsRejected):
            GuardedProvider(world.provider(), LockoutGuard(tmp_path)).call(
                lambda p: p.get_availability(boxes("alice@contoso.com"), rome_day())
            )
    assert (world.entra.requests_total, world.graph.requests_total) == asked
    # A new sign-in changes the credentials: the guard lets them through.
    assert provider.sign_in(device_code=True, out=Approver(world.entra)) == RECEPTION
    (alice,) = guarded.call(lambda p: p.get_availability(boxes("alice@contoso.com"), rome_day()))
    assert alice.error is None


def test_a_second_401_after_refresh_means_sign_in(world, provider):
    from tests.fakes.httpsserver import Response

    body = b'{"error": {"code": "InvalidAuthenticationToken", "message": "Token revoked."}}'
    world.graph.inject(Response(401, [("Content-Type", "application/json")], body), count=2)
    with pytest.raises(SignInRequired, match="Token revoked"):
        provider.room_lists()
    assert world.graph.requests_total == 2 and world.entra.grants["refresh_token"] == 1


def test_a_newer_token_ended_with_the_old_one_is_renewed_not_a_sign_in(make_world):
    """Found by the soak: a request sent with token 1 gets 401 after msal had renewed to
    token 2 and the tenant then ended every token (a session revoked, a policy change).
    Token 2 is refused too; that is a reason to renew once more, not to ask for a sign-in."""
    world = make_world(latency=0.3)
    provider = world.provider()
    try:
        provider.room_lists()  # msal holds token 1
        asked = world.graph.requests_total
        answer: list[object] = []
        worker = threading.Thread(target=lambda: answer.append(_try(provider.room_lists)))
        worker.start()
        while world.graph.requests_total == asked:  # token 1 is on its way
            threading.Event().wait(0.005)
        world.signin.access_token(force_refresh=True)  # another request renewed: token 2
        world.entra.expire_access_tokens()  # then the tenant ended both
        worker.join(timeout=30)
        (lists,) = answer
        assert isinstance(lists, list) and lists, lists
        statuses = [r.status for r in world.graph.request_log[asked:]]
        assert statuses[:3] == [401, 401, 200] and statuses.count(401) == 2  # tokens 1, 2, 3
        assert world.entra.grants["refresh_token"] == 2  # the test's renewal and one more
    finally:
        provider.close()


def _try(call: Any) -> object:
    try:
        return call()
    except Exception as error:  # the test looks at what came back
        return error


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


def test_the_environment_cannot_add_trust_either(world, monkeypatch, tmp_path):
    impostor = FakeGraph(token_validator=world.entra.valid_access_token, trusted=False).start()
    try:
        untrusted = tls.write_ca_pem(tmp_path / "untrusted.pem", trusted=False)
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(untrusted))  # names the impostor's CA
        transport = GraphTransport(
            impostor.base_url, world.signin, session=make_session(trust_context("")), timeout=5
        )
        with pytest.raises(Unreachable, match="not trusted"):
            transport.get("v1.0/users", permission="User.ReadBasic.All")
        transport.close()
        assert impostor.requests_total == 0
    finally:
        impostor.stop()


def graph_settings(world: World, **graph: str) -> Settings:
    section = GraphSettings(
        tenant_id=world.entra.tenant_id,
        client_id=CLIENT_ID,
        authority=world.entra.base_url,
        graph_url=world.graph.base_url,
    )
    return Settings(
        calendar=CalendarSettings(provider="graph", graph=replace(section, **graph)),
        network=NetworkSettings(ca_bundle=str(world.ca_file), timeout_seconds=10),
    )


@pytest.mark.parametrize("key", ["graph_url", "authority"])
def test_http_is_refused_before_anything_is_sent(world, key, tmp_path):
    url = getattr(graph_settings(world).calendar.graph, key).replace("https://", "http://")
    sent = world.entra.requests_total, world.graph.requests_total
    context = ProviderContext(graph_settings(world, **{key: url}), token_cache=tmp_path / "t.bin")
    with pytest.raises(SettingsInvalid, match="https"):
        ProviderRegistry.discover(plugins=list).create(context)
    assert (world.entra.requests_total, world.graph.requests_total) == sent


def test_from_the_registry_with_a_token_cache_file(world, tmp_path):
    context = ProviderContext(graph_settings(world), token_cache=tmp_path / "tokens.bin")
    registry = ProviderRegistry.discover(plugins=list)
    assert registry.get("graph").batch_size == 20
    provider = registry.create(context)
    try:
        with pytest.raises(SignInRequired):
            provider.get_availability(boxes("alice@contoso.com"), rome_day())
        assert provider.credential_material() is None
        assert provider.sign_in(device_code=True, out=Approver(world.entra)) == RECEPTION
        assert provider.credential_material()
        assert isinstance(provider, RoomCatalog | Directory | Resolver | Diagnosable)
        (alice,) = provider.get_availability(boxes("alice@contoso.com"), rome_day())
        assert alice.error is None
    finally:
        provider.close()
    again = registry.create(context)  # a restart: the cached sign-in is used silently
    try:
        assert [rl.name for rl in again.room_lists()][:2] == ["HQ rooms", "Annex rooms"]
    finally:
        again.close()


def test_modern_authentication_must_be_granted(world, tmp_path):
    settings = graph_settings(world)
    settings = replace(settings, calendar=replace(settings.calendar, grant_modern_auth=False))
    with pytest.raises(SettingsInvalid, match="Modern Authentication"):
        GraphProvider.from_context(ProviderContext(settings, token_cache=tmp_path / "t.bin"))


def test_graph_pointing_elsewhere_is_not_followed(world, provider):
    from tests.fakes.httpsserver import Response

    body = b'{"value": [], "@odata.nextLink": "https://evil.example/v1.0/steal"}'
    world.graph.inject(Response(200, [("Content-Type", "application/json")], body))
    with pytest.raises(BadResponse, match="outside"):
        provider.room_lists()


# -- the command line, black-box -----------------------------------------------------------

AT = "2026-11-23T10:15:00+01:00"


def graph_settings_file(world, path: Path, watch: str) -> Path:
    """A settings file at ``path`` for ``world``'s Graph and Entra ID, watching ``watch``."""
    path.write_text(
        f"""schema_version = 1

[calendar]
provider = "graph"

[calendar.graph]
tenant_id = "{world.entra.tenant_id}"
client_id = "{CLIENT_ID}"
authority = "{world.entra.base_url}"
graph_url = "{world.graph.base_url}"

[network]
ca_bundle = "{world.ca_file}"
timeout_seconds = 10

[watch]
{watch}""",
        encoding="utf-8",
    )
    return path


@pytest.fixture
def cli_config(world, tmp_path):
    from attendant.log import shutdown_logging

    watch = """people = ["alice@contoso.com", "nobody@contoso.com"]
rooms = ["room.4@contoso.com"]
room_lists = ["rooms-annex@contoso.com"]
"""
    yield graph_settings_file(world, tmp_path / "settings.toml", watch)
    shutdown_logging()


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    from attendant.cli import main

    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_signin_availability_rooms_and_check(world, cli_config, capsys, monkeypatch):
    from tests.fakes.helpers import approve_when_pending

    monkeypatch.setenv("TZ", "Europe/Rome")
    config = str(cli_config)
    code, _, err = run_cli(capsys, "availability", "--config", config, "--at", AT, "--json")
    assert code == 3 and "sign" in err.lower()  # nobody signed in yet: exit 3, nothing sent
    assert world.graph.requests_total == 0

    threading.Thread(target=approve_when_pending(world.entra, RECEPTION), daemon=True).start()
    code, out, _ = run_cli(capsys, "signin", "--device-code", "--config", config)
    assert code == 0 and "enter the code" in out and f"Signed in as {RECEPTION}" in out

    code, out, _ = run_cli(capsys, "availability", "--config", config, "--at", AT, "--json")
    assert code == 0
    data = json.loads(out)
    assert data["provider"] == "graph"
    entries = {e["address"]: e for e in data["entries"]}
    assert list(entries) == [
        "alice@contoso.com",
        "nobody@contoso.com",
        "room.4@contoso.com",
        "room.annex@contoso.com",
    ]
    alice = entries["alice@contoso.com"]
    # The command line looks up no names: the watch list, room lists and name cache only.
    assert not [r for r in world.graph.request_log if "displayName" in r.path]
    assert alice["name"] is None and alice["status"] == "busy"
    assert alice["until"] == "2026-11-23T11:00:00+01:00"
    assert alice["events"][0] == {
        "start": "2026-11-23T10:00:00+01:00",
        "end": "2026-11-23T11:00:00+01:00",
        "busy_type": "busy",
        "subject": "Budget review",
        "location": "Room 4",
    }
    nobody = entries["nobody@contoso.com"]
    assert nobody["status"] == "unknown" and nobody["error"]["code"] == "5009"
    assert entries["room.4@contoso.com"]["name"] is None  # watched by hand, not in a list

    code, out, _ = run_cli(capsys, "rooms", "--config", config, "--json")
    assert code == 0
    lists = json.loads(out)["room_lists"]
    assert [(rl["address"], [r["address"] for r in rl["rooms"]]) for rl in lists] == [
        ("rooms-hq@contoso.com", ["room.4@contoso.com", "room.5@contoso.com"]),
        ("rooms-annex@contoso.com", ["room.annex@contoso.com"]),
        (NO_LIST_ADDRESS, ["room.lab@contoso.com"]),
    ]

    code, out, _ = run_cli(capsys, "check", "--config", config, "--json")
    steps = json.loads(out)["steps"]
    assert code == 0, steps
    assert [s["name"] for s in steps] == [
        "Settings valid",
        "Sign-in authority",
        "Signed in",
        "Room list permission (Place.Read.All)",
        "Free/busy query",
        "Room lists",
        "Teams presence (Presence.Read.All)",
    ]
    assert steps[-2]["detail"] == "3 room lists with 4 rooms"
    assert steps[-1]["detail"] == "Consent granted: alice@contoso.com is Available in Teams"


def test_cli_throttled_exits_4_and_the_next_run_sends_nothing(world, cli_config, capsys):
    config = str(cli_config)
    world.signin.sign_out()
    signin = make_signin(
        world.entra, world.graph.base_url, world.ca_file, cache=app_paths(cli_config).token_cache
    )
    signin.sign_in_device_code(Approver(world.entra))
    world.graph.throttle(count=1, retry_after=300)
    code, _, err = run_cli(capsys, "availability", "alice@contoso.com", "--config", config)
    assert code == 4 and "wait" in err
    sent = world.graph.requests_total
    code, _, err = run_cli(capsys, "availability", "alice@contoso.com", "--config", config)
    assert code == 4 and world.graph.requests_total == sent  # another process: still held back


def test_cli_refuses_an_http_graph_url(world, cli_config, capsys):
    cli_config.write_text(
        cli_config.read_text().replace(f'"{world.graph.base_url}"', '"http://127.0.0.1:9"')
    )
    code, out, _ = run_cli(capsys, "check", "--config", str(cli_config))
    assert code == 2 and "https" in out
    assert world.graph.requests_total == 0


# -- what Graph may send back, read robustly (pure functions) ------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            {"dateTime": "2026-11-23T10:00:00.0000000", "timeZone": "W. Europe Standard Time"},
            at(10),
        ),
        ({"dateTime": "2026-11-23T09:00:00.0000000", "timeZone": "UTC"}, at(10)),
        ({"dateTime": "2026-11-23T09:00:00", "timeZone": "tzone://Microsoft/Utc"}, at(10)),
        (
            {"dateTime": "2026-11-23T10:00:00.1234567", "timeZone": "Europe/Rome"},
            at(10) + timedelta(microseconds=123456),
        ),
        ({"dateTime": "2026-11-23T09:00:00Z", "timeZone": "Pacific Standard Time"}, at(10)),
        (
            {"dateTime": "2026-11-23T10:00:00", "timeZone": "Customized Time Zone"},
            at(10),
        ),  # the fallback
    ],
)
def test_graph_date_times(value, expected):
    from attendant.providers.graph.timezones import parse_graph_datetime

    assert parse_graph_datetime(value, ROME) == expected


def test_windows_names_for_desk_zones():
    from attendant.providers.graph.timezones import windows_name

    assert windows_name(ROME) == "W. Europe Standard Time"
    assert windows_name(ZoneInfo("America/New_York")) == "Eastern Standard Time"
    assert windows_name(UTC) == "UTC" and windows_name(timezone(timedelta(hours=2))) == "UTC"


def test_retry_after_in_seconds_or_as_a_date():
    from email.utils import format_datetime

    from attendant.providers.graph.transport import DEFAULT_RETRY_AFTER_SECONDS, retry_after_seconds

    assert retry_after_seconds("17") == 17
    soon = format_datetime(datetime.now(UTC) + timedelta(seconds=60), usegmt=True)
    assert 55 <= retry_after_seconds(soon) <= 60
    assert retry_after_seconds(None) == retry_after_seconds("soon") == DEFAULT_RETRY_AFTER_SECONDS


def test_availability_view_stands_in_for_missing_schedule_items():
    from attendant.providers.graph.schedule import availability_from

    window = Window(at(9), at(11))  # 8 quarter hours
    answer = availability_from(
        Mailbox("a@contoso.com"), {"availabilityView": "00221130"}, window, ROME
    )
    assert [(e.start, e.end, e.busy_type) for e in answer.events] == [
        (at(9, 30), at(10), BusyType.BUSY),
        (at(10), at(10, 30), BusyType.TENTATIVE),
        (at(10, 30), at(10, 45), BusyType.OOF),
    ]
    broken = availability_from(
        Mailbox("a@contoso.com"),
        {"scheduleItems": [{"status": "busy", "start": "x"}]},
        window,
        ROME,
    )
    assert broken.error is not None and broken.error.code == "ErrorInvalidScheduleItem"
    missing = availability_from(Mailbox("a@contoso.com"), None, window, ROME)
    assert missing.error is not None and missing.error.code == "ErrorNoFreeBusyData"
