"""The on-premises Exchange provider against the fake Exchange, with the real exchangelib.

Everything goes over loopback HTTPS with TLS verified against the test CA (given as
``ca_bundle``, never by switching verification off), and every request the fake receives is
validated against the EWS schema.
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from attendant.domain import BusyType, Mailbox, MailboxKind, WatchList, Window
from attendant.paths import app_paths
from attendant.providers.base import StepResult
from attendant.providers.errors import (
    BadResponse,
    CredentialsRejected,
    NotSupported,
    SettingsInvalid,
    SignInRequired,
    Throttled,
    Unreachable,
)
from attendant.providers.exchange import ExchangeProvider
from attendant.providers.registry import ProviderRegistry
from attendant.services.check import exit_code, run_check
from attendant.services.guarded import GuardedProvider
from attendant.services.lockout import LockoutGuard
from attendant.services.names import NameCache
from attendant.services.refresh import RefreshService
from attendant.services.state import FeedHealth
from tests.fakes import FakeEvent, Fault, tls
from tests.fakes.helpers import DEFAULT_PASSWORD, DEFAULT_USERNAME, exchange_provider, seed_contoso

pytest_plugins = ("tests.fakes.fixtures",)  # ca_file, make_ews

ROME = ZoneInfo("Europe/Rome")
DAY = date(2026, 11, 23)  # a Monday, standard time in Rome (UTC+1)
WINDOW = Window(datetime(2026, 11, 23, tzinfo=ROME), datetime(2026, 11, 24, tzinfo=ROME))


def at(hour: int, minute: int = 0, day: date = DAY, zone: ZoneInfo = ROME) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)


def provider(ews, ca_file, **kwargs) -> ExchangeProvider:
    return exchange_provider(ews, ca_file, **{"zone": ROME, **kwargs})


def boxes(*addresses: str) -> list[Mailbox]:
    return [Mailbox(a) for a in addresses]


def assert_clean(ews) -> None:
    assert ews.schema_validation, "the EWS schema folder is needed for these tests"
    assert ews.schema_errors == []
    assert ews.response_schema_errors == []
    assert ews.version_errors == []


@pytest.fixture
def ews(make_ews):
    server = make_ews()
    seed_contoso(server, DAY, tz=ROME)
    return server


# -- free/busy ---------------------------------------------------------------------------


@pytest.mark.ews_schema
def test_free_busy_with_basic_auth_maps_events_and_per_mailbox_errors(ews, ca_file):
    p = provider(ews, ca_file)
    asked = boxes(
        "alice@contoso.com",
        "ghost@contoso.com",
        "carol@contoso.com",
        "bob@contoso.com",
        "room.4@contoso.com",
    )
    alice, ghost, carol, bob, room = p.get_availability(asked, WINDOW)
    assert [a.mailbox for a in (alice, ghost, carol, bob, room)] == asked
    assert [(e.start, e.end, e.busy_type, e.subject, e.location) for e in alice.events] == [
        (at(10), at(11), BusyType.BUSY, "Budget review", "Room 4"),
        (at(11), at(11, 30), BusyType.TENTATIVE, "Coffee", "Kitchen"),
        (at(14), at(15), BusyType.BUSY, None, None),  # private: not disclosed
    ]
    assert all(e.start.utcoffset() == timedelta(hours=1) for e in alice.events)
    assert alice.error is None
    assert ghost.error is not None and ghost.error.code == "ErrorMailRecipientNotFound"
    assert carol.error is not None and carol.error.code == "ErrorNoFreeBusyAccess"
    assert [(e.busy_type, e.subject) for e in bob.events] == [
        (BusyType.OOF, None)
    ]  # free/busy only
    assert [e.subject for e in room.events] == ["Budget review"]
    assert [r.operation for r in ews.request_log] == ["GetUserAvailability"]
    record = ews.request_log[0]
    assert (record.auth_scheme, record.requested_version) == ("Basic", "Exchange2013_SP1")
    assert b"TimeZoneContext" not in record.body and b"ExchangeImpersonation" not in record.body
    assert (ews.successful_logons, ews.failed_logons) == (1, 0)
    assert_clean(ews)


@pytest.mark.ews_schema
def test_busy_types_and_the_request_time_zone_of_other_desks(make_ews, ca_file):
    ews = make_ews()
    new_york = ZoneInfo("America/New_York")
    day = date(2026, 11, 2)  # the Monday after the US switch back to standard time
    ews.add_mailbox(
        "dana@contoso.com",
        "Dana",
        events=[
            FakeEvent(at(9, 0, day, new_york), at(10, 0, day, new_york), kind, subject=kind)
            for kind in ("Free", "WorkingElsewhere", "NoData")
        ],
    )
    window = Window(at(0, 0, day, new_york), at(0, 0, day + timedelta(days=1), new_york))
    p = provider(ews, ca_file, zone=new_york)
    (dana,) = p.get_availability(boxes("dana@contoso.com"), window)
    assert {e.busy_type for e in dana.events} == {
        BusyType.FREE,
        BusyType.WORKING_ELSEWHERE,
        BusyType.NO_DATA,
    }
    assert {e.start for e in dana.events} == {at(9, 0, day, new_york)}
    body = ews.request_log[0].body
    assert b"<t:Bias>300</t:Bias>" in body and b"<t:DayOrder>2</t:DayOrder>" in body
    assert_clean(ews)


@pytest.mark.ews_schema
@pytest.mark.parametrize(
    ("day", "offset"),
    [
        (date(2026, 3, 27), 1),  # the Friday before: still standard time
        (date(2026, 3, 29), 2),  # the last Sunday of March: summer time from 02:00
        (date(2026, 7, 1), 2),
        (date(2026, 10, 23), 2),  # the Friday before: still summer time
        (date(2026, 10, 25), 1),  # the last Sunday of October: standard time from 03:00
        (DAY, 1),
    ],
)
def test_the_locally_built_time_zone_holds_on_daylight_saving_days(make_ews, ca_file, day, offset):
    # The fake converts with the rules the request carries: a wrong rule would shift events.
    ews = make_ews()
    ews.add_mailbox(
        "erin@contoso.com",
        "Erin",
        events=[
            FakeEvent(at(1, 0, day), at(1, 45, day), "Busy", subject="Early"),
            FakeEvent(at(10, 0, day), at(11, 0, day), "Busy", subject="Late"),
        ],
    )
    window = Window(at(0, 0, day), at(0, 0, day + timedelta(days=1)))
    (erin,) = provider(ews, ca_file).get_availability(boxes("erin@contoso.com"), window)
    assert [(e.start, e.end) for e in erin.events] == [
        (at(1, 0, day), at(1, 45, day)),
        (at(10, 0, day), at(11, 0, day)),
    ]
    assert erin.events[1].start.utcoffset() == timedelta(hours=offset)
    assert_clean(ews)


@pytest.mark.ews_schema
def test_ntlm(make_ews, ca_file):
    ews = make_ews(auth=("ntlm",))
    seed_contoso(ews, DAY, tz=ROME)
    p = provider(ews, ca_file, auth="ntlm")
    (alice,) = p.get_availability(boxes("alice@contoso.com"), WINDOW)
    assert len(alice.events) == 3
    p.get_availability(boxes("bob@contoso.com"), WINDOW)
    assert (ews.successful_logons, ews.failed_logons) == (1, 0)  # the connection stays signed in
    assert ews.request_log[-1].auth_scheme == "NTLM"
    assert_clean(ews)


@pytest.mark.ews_schema
def test_exchange_2007_sp1(make_ews, ca_file):
    ews = make_ews(version="Exchange2007_SP1")
    seed_contoso(ews, DAY, tz=ROME)
    p = provider(ews, ca_file)
    (alice,) = p.get_availability(boxes("alice@contoso.com"), WINDOW)
    assert alice.events[0].start == at(10)
    assert [r.operation for r in ews.request_log] == ["GetUserAvailability"]  # no time zones
    assert ews.request_log[0].requested_version == "Exchange2007_SP1"
    with pytest.raises(NotSupported, match="2010") as info:
        p.room_lists()
    assert "by hand" in info.value.hint
    assert ews.requests_total == 1  # asking for rooms sent nothing
    assert [m.address for m in p.resolve(["alice@contoso.com"])] == ["alice@contoso.com"]
    assert_clean(ews)


@pytest.mark.ews_schema
def test_more_than_100_mailboxes_go_in_several_requests_in_order(ews, ca_file):
    addresses = [f"user{i:03d}@contoso.com" for i in range(230)]
    addresses[7] = "alice@contoso.com"
    addresses[150] = "carol@contoso.com"
    addresses.append("alice@contoso.com")  # asked twice: answered twice, sent once
    p = provider(ews, ca_file)
    answers = p.get_availability(boxes(*addresses), WINDOW)
    assert [a.mailbox.address for a in answers] == addresses
    assert len(answers[7].events) == 3 and answers[-1] == answers[7]
    assert answers[150].error is not None and answers[150].error.code == "ErrorNoFreeBusyAccess"
    assert answers[0].error is not None and answers[0].error.code == "ErrorMailRecipientNotFound"
    sizes = sorted(r.mailboxes for r in ews.requests_for("GetUserAvailability"))
    assert sizes == [30, 100, 100]
    assert_clean(ews)


@pytest.mark.ews_schema
def test_batches_run_concurrently_once_the_credentials_are_proven(ews, ca_file):
    p = provider(ews, ca_file)
    addresses = boxes(*(f"user{i:03d}@contoso.com" for i in range(400)))
    p.get_availability(addresses[:1], WINDOW)  # proves the password
    ews.latency = 0.4
    began = time.monotonic()
    p.get_availability(addresses, WINDOW)
    elapsed = time.monotonic() - began
    assert elapsed < 1.2, f"4 batches took {elapsed:.2f} s: not concurrent"  # serial: 1.6 s
    assert_clean(ews)


# -- rooms, names, search ----------------------------------------------------------------


@pytest.mark.ews_schema
def test_room_lists_resolve_and_search(ews, ca_file):
    p = provider(ews, ca_file)
    lists = p.room_lists()
    assert [(rl.address, rl.name, [r.address for r in rl.rooms]) for rl in lists] == [
        ("rooms-hq@contoso.com", "HQ rooms", ["room.4@contoso.com", "room.5@contoso.com"]),
        ("rooms-lab@contoso.com", "Lab rooms", []),
    ]
    assert {r.kind for rl in lists for r in rl.rooms} == {MailboxKind.ROOM}
    resolved = p.resolve(["Alice@Contoso.com", "nobody@contoso.com", "bob@contoso.com"])
    assert [(m.address, m.name) for m in resolved] == [
        ("alice@contoso.com", "Alice Example"),
        ("bob@contoso.com", "Bob Builder"),
    ]
    before = ews.requests_total
    p.resolve(["alice@contoso.com"])
    assert ews.requests_total == before  # display names are cached
    assert [m.address for m in p.search("room")] == ["room.4@contoso.com", "room.5@contoso.com"]
    assert p.search("zzz") == []
    assert_clean(ews)


# -- lockout safety ----------------------------------------------------------------------


async def _refreshes(service: RefreshService, count: int) -> list:
    return [await service.refresh_once() for _ in range(count)]


@pytest.mark.ews_schema
@pytest.mark.parametrize("auth", ["basic", "ntlm"])
def test_a_rejected_password_costs_one_failed_logon_across_refreshes_and_a_restart(
    make_ews, ca_file, tmp_path, auth
):
    ews = make_ews(auth=(auth,), lockout_threshold=3)
    seed_contoso(ews, DAY, tz=ROME)
    password = {"value": "wrong"}
    watch = WatchList(people=tuple(f"user{i}@contoso.com" for i in range(150)))

    def service() -> RefreshService:
        p = provider(ews, ca_file, auth=auth, password=lambda: password["value"])
        return RefreshService(
            p, watch, interval_seconds=15, timeout_seconds=10, guard=LockoutGuard(tmp_path)
        )

    states = asyncio.run(_refreshes(service(), 4))
    assert [s.health for s in states] == [FeedHealth.BLOCKED] * 4
    assert states[0].error.kind == "credentials_rejected"
    assert {s.error.kind for s in states[1:]} == {"credentials_blocked"}
    states = asyncio.run(_refreshes(service(), 2))  # a restart: new provider, service, guard
    assert {s.error.kind for s in states} == {"credentials_blocked"}
    assert ews.failed_logons == 1 and not ews.locked_out
    password["value"] = DEFAULT_PASSWORD  # a new password lifts the block
    (state,) = asyncio.run(_refreshes(service(), 1))
    assert state.health is FeedHealth.OK and len(state.snapshot.entries) == 150
    assert ews.failed_logons == 1
    assert_clean(ews)


def test_a_password_changed_on_the_server_while_running_costs_one_failed_logon(
    ews, ca_file, tmp_path
):
    # Every refresh sends its first request alone, so a password changed on the server
    # while the console runs fails once; the guard then blocks it.
    people = boxes(*(f"user{i}@contoso.com" for i in range(400)))
    service = RefreshService(
        provider(ews, ca_file),
        WatchList(),
        interval_seconds=15,
        timeout_seconds=10,
        guard=LockoutGuard(tmp_path),
        mailboxes=people,  # the watch list already expanded, as after the first refresh
    )
    (ok,) = asyncio.run(_refreshes(service, 1))
    assert ok.health is FeedHealth.OK
    ews.set_password("changed by the admin")
    states = asyncio.run(_refreshes(service, 3))
    assert [s.health for s in states] == [FeedHealth.BLOCKED] * 3
    assert ews.failed_logons == 1


def test_credential_material_changes_exactly_with_user_name_or_password(ews, ca_file):
    password = {"value": "one"}
    p = provider(ews, ca_file, password=lambda: password["value"])
    first = p.credential_material()
    assert first == p.credential_material()
    password["value"] = "two"
    assert p.credential_material() not in (None, first)
    other_user = provider(ews, ca_file, username="CONTOSO\\desk2", password=lambda: "two")
    assert other_user.credential_material() != p.credential_material()
    assert provider(ews, ca_file, password=lambda: None).credential_material() is None
    assert ews.requests_total == 0


def test_no_password_means_sign_in_and_nothing_is_sent(ews, ca_file):
    p = provider(ews, ca_file, password=lambda: None)
    with pytest.raises(SignInRequired, match="No password"):
        p.get_availability(boxes("alice@contoso.com"), WINDOW)
    assert ews.requests_total == 0


# -- back-off and faults -----------------------------------------------------------------


def test_server_busy_back_off_is_honoured_through_the_guard_and_a_restart(ews, ca_file, tmp_path):
    ews.inject(Fault.server_busy(back_off_ms=30_000))
    watch = WatchList(people=("alice@contoso.com",))

    def service() -> RefreshService:
        p = provider(ews, ca_file)
        return RefreshService(
            p, watch, interval_seconds=15, timeout_seconds=10, guard=LockoutGuard(tmp_path)
        )

    began = datetime.now(UTC)
    first, second = asyncio.run(_refreshes(service(), 2))
    assert first.health is FeedHealth.THROTTLED and first.error.kind == "throttled"
    assert 29 <= (first.resume_at - began).total_seconds() <= 31
    assert second.health is FeedHealth.THROTTLED
    (after_restart,) = asyncio.run(_refreshes(service(), 1))
    assert after_restart.health is FeedHealth.THROTTLED
    assert ews.requests_total == 1  # nothing was sent before the back-off ends


@pytest.mark.parametrize(
    ("fault", "seconds"),
    [
        (Fault.http_503(retry_after=7), 7),
        (Fault.http_429(retry_after=3), 3),
        (Fault.server_busy(back_off_ms=2500), 2.5),
        (Fault.exceeded_connection_count(), 30),
    ],
)
def test_back_off_answers_become_throttled(ews, ca_file, fault, seconds):
    ews.inject(fault)
    p = provider(ews, ca_file)
    with pytest.raises(Throttled) as info:
        p.get_availability(boxes("alice@contoso.com"), WINDOW)
    assert info.value.retry_after_seconds == pytest.approx(seconds)
    assert ews.requests_total == 1  # no retry of any kind
    assert len(p.get_availability(boxes("alice@contoso.com"), WINDOW)[0].events) == 3


@pytest.mark.parametrize(
    ("fault", "error", "words"),
    [
        (Fault.malformed_xml(), BadResponse, "cannot read"),
        (Fault.truncated_xml(), BadResponse, "cannot read"),
        (Fault.html_500(), BadResponse, "HTML error page"),
        (Fault.dropped_connection(), BadResponse, "connection"),
        (Fault.http_503(retry_after=None), Unreachable, "503"),
    ],
)
def test_broken_answers(ews, ca_file, fault, error, words):
    ews.inject(fault)
    p = provider(ews, ca_file)
    with pytest.raises(error, match=words):
        p.get_availability(boxes("alice@contoso.com"), WINDOW)
    assert ews.requests_total == 1


def test_a_hanging_server_times_out(ews, ca_file):
    ews.inject(Fault.hang(seconds=30))
    p = provider(ews, ca_file, timeout_seconds=0.5)
    began = time.monotonic()
    with pytest.raises(Unreachable, match=r"did not answer within 0\.5 s"):
        p.get_availability(boxes("alice@contoso.com"), WINDOW)
    assert time.monotonic() - began < 3
    assert ews.requests_total == 1


def test_connection_refused(make_ews, ca_file):
    ews = make_ews()
    p = provider(ews, ca_file)
    ews.stop()
    with pytest.raises(Unreachable, match="refused"):
        p.get_availability(boxes("alice@contoso.com"), WINDOW)


# -- TLS and settings --------------------------------------------------------------------


def test_an_untrusted_certificate_is_unreachable_with_the_ca_hint(make_ews, ca_file):
    ews = make_ews(trusted=False)
    p = provider(ews, ca_file)
    with pytest.raises(Unreachable, match="not trusted") as info:
        p.get_availability(boxes("alice@contoso.com"), WINDOW)
    assert "Settings ▸ Advanced" in info.value.hint
    assert ews.requests_total == 0  # the handshake failed: no request, no password sent


def test_the_ca_bundle_setting_wins_over_requests_ca_bundle(ews, ca_file, tmp_path, monkeypatch):
    wrong = tls.write_ca_pem(tmp_path / "wrong.pem", trusted=False)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(wrong))
    monkeypatch.setenv("CURL_CA_BUNDLE", str(tmp_path / "missing.pem"))
    (alice,) = provider(ews, ca_file).get_availability(boxes("alice@contoso.com"), WINDOW)
    assert len(alice.events) == 3
    # ...and the environment cannot add trust either: without the setting, TLS fails.
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(ca_file))
    with pytest.raises(Unreachable, match="not trusted"):
        provider(ews, ca_file, ca_bundle="").get_availability(boxes("alice@contoso.com"), WINDOW)


def test_plain_http_is_refused_before_anything_is_sent(ews, ca_file):
    with pytest.raises(SettingsInvalid, match="http://"):
        provider(ews, ca_file, ews_url=ews.url.replace("https://", "http://"))
    assert ews.requests_total == 0


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"version": "Exchange2019"}, "not a known Exchange version"),
        ({"auth": "kerberos"}, "basic or ntlm"),
        ({"username": " "}, "username is empty"),
        ({"ews_url": ""}, "ews_url is empty"),
        ({"ca_bundle": "/nonexistent/ca.pem"}, "does not exist"),
    ],
)
def test_settings_are_checked_before_anything_is_sent(ews, ca_file, change, words):
    with pytest.raises(SettingsInvalid, match=words):
        provider(ews, ca_file, **change)
    assert ews.requests_total == 0


def test_the_registry_builds_it_from_the_settings(ews, ca_file):
    from attendant.providers.base import ProviderContext
    from attendant.settings import default_settings, with_value

    settings = default_settings()
    for key, value in {
        "calendar.provider": "exchange",
        "calendar.exchange.ews_url": ews.url,
        "calendar.exchange.username": DEFAULT_USERNAME,
        "network.ca_bundle": str(ca_file),
    }.items():
        settings = with_value(settings, key, value)
    registry = ProviderRegistry.discover(plugins=list)
    info = registry.get("exchange")
    assert (info.title, info.settings_section, info.batch_size) == (
        "Exchange on-premises (EWS)",
        "calendar.exchange",
        100,
    )
    p = registry.create(ProviderContext(settings, password=lambda: DEFAULT_PASSWORD))
    assert p.name == "exchange"
    assert len(p.get_availability(boxes("alice@contoso.com"), WINDOW)) == 1


# -- "Test Settings" ---------------------------------------------------------------------


def _check(p, guard: LockoutGuard, watch: WatchList) -> list:
    return run_check(GuardedProvider(p, guard), watch, lambda step: None, clock=lambda: at(10, 15))


@pytest.mark.ews_schema
def test_check_passes_step_by_step(ews, ca_file):
    steps = _check(
        provider(ews, ca_file), LockoutGuard(None), WatchList(people=("alice@contoso.com",))
    )
    assert [(s.name, s.result) for s in steps] == [
        ("Server reachable", StepResult.PASS),
        ("TLS", StepResult.PASS),
        ("Credentials", StepResult.PASS),
        ("Server version", StepResult.PASS),
        ("Free/busy query", StepResult.PASS),
        ("Room lists", StepResult.PASS),
    ]
    assert "2013 SP1" in steps[3].detail
    assert exit_code(steps) == 0
    assert_clean(ews)


def test_check_makes_one_logon_attempt_with_a_bad_password(ews, ca_file, tmp_path):
    guard = LockoutGuard(tmp_path)
    steps = _check(provider(ews, ca_file, password="wrong"), guard, WatchList(people=("a@b.com",)))
    assert [(s.name, s.result) for s in steps][2:] == [
        ("Credentials", StepResult.FAIL),
        ("Free/busy query", StepResult.SKIP),
        ("Room lists", StepResult.SKIP),
    ]
    assert isinstance(steps[2].error, CredentialsRejected) and exit_code(steps) == 3
    again = _check(provider(ews, ca_file, password="wrong"), guard, WatchList())
    assert exit_code(again) == 3
    assert ews.failed_logons == 1


def test_check_stops_at_tls_before_any_credentials(make_ews, ca_file):
    ews = make_ews(trusted=False)
    steps = _check(provider(ews, ca_file), LockoutGuard(None), WatchList())
    assert [(s.name, s.result) for s in steps][:2] == [
        ("Server reachable", StepResult.PASS),
        ("TLS", StepResult.FAIL),
    ]
    assert "Settings ▸ Advanced" in steps[1].hint and exit_code(steps) == 1
    assert ews.requests_total == 0


@pytest.mark.ews_schema
def test_check_on_2007_warns_that_rooms_are_listed_by_hand(make_ews, ca_file):
    ews = make_ews(version="Exchange2007_SP1")
    seed_contoso(ews, DAY, tz=ROME)
    steps = _check(
        provider(ews, ca_file), LockoutGuard(None), WatchList(rooms=("room.4@contoso.com",))
    )
    assert steps[-1].name == "Room lists" and steps[-1].result is StepResult.WARN
    assert "by hand" in steps[-1].hint and exit_code(steps) == 0
    assert "2007" in steps[3].detail
    assert_clean(ews)


# -- the command line, black-box ---------------------------------------------------------

AT = "2026-11-23T10:15:00+01:00"


@pytest.fixture
def cli(monkeypatch, capsys):
    from attendant.cli import main
    from attendant.log import shutdown_logging

    monkeypatch.setenv("ATTENDANT_PASSWORD", DEFAULT_PASSWORD)

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    yield run
    shutdown_logging()


def settings_file(tmp_path, ews, ca_file, url: str | None = None) -> str:
    path = tmp_path / "settings.toml"
    path.write_text(
        f"""schema_version = 1

[calendar]
provider = "exchange"

[calendar.exchange]
ews_url = "{url or ews.url}"
version = "{ews.version}"
username = '{DEFAULT_USERNAME}'
auth = "basic"

[network]
ca_bundle = '{ca_file}'
timeout_seconds = 5

[watch]
people = ["alice@contoso.com", "ghost@contoso.com"]
rooms = ["room.5@contoso.com"]
room_lists = ["rooms-hq@contoso.com"]
""",
        encoding="utf-8",
    )
    return str(path)


@pytest.mark.ews_schema
def test_cli_availability_rooms_and_check(cli, ews, ca_file, tmp_path):
    import json

    config = settings_file(tmp_path, ews, ca_file)
    code, out, _ = cli("availability", "--config", config, "--at", AT, "--json")
    assert code == 0
    data = json.loads(out)
    assert data["provider"] == "exchange"
    entries = data["entries"]
    # No name is looked up on the statuses' path: rooms are named by their room list, people
    # by the watch list or the name cache (empty here).
    assert "ResolveNames" not in {str(r.operation) for r in ews.request_log}
    assert [(e["address"], e["name"]) for e in entries] == [
        ("alice@contoso.com", None),
        ("ghost@contoso.com", None),
        ("room.5@contoso.com", "Room 5"),
        ("room.4@contoso.com", "Room 4"),
    ]
    NameCache(app_paths(config).state_dir).remember([Mailbox("alice@contoso.com", "Alice Example")])
    code, out, _ = cli("availability", "--config", config, "--at", AT, "--json")
    entries = json.loads(out)["entries"]
    assert [e["name"] for e in entries] == ["Alice Example", None, "Room 5", "Room 4"]
    alice, ghost, _, room4 = entries
    assert (alice["status"], alice["until"]) == ("busy", "2026-11-23T11:00:00+01:00")
    assert alice["events"][0] == {
        "start": "2026-11-23T10:00:00+01:00",
        "end": "2026-11-23T11:00:00+01:00",
        "busy_type": "busy",
        "subject": "Budget review",
        "location": "Room 4",
    }
    assert ghost["status"] == "unknown" and ghost["error"]["code"] == "ErrorMailRecipientNotFound"
    assert room4["status"] == "busy"

    code, out, _ = cli("rooms", "--config", config, "--json")
    assert code == 0
    assert json.loads(out)["room_lists"][0] == {
        "address": "rooms-hq@contoso.com",
        "name": "HQ rooms",
        "rooms": [
            {"address": "room.4@contoso.com", "name": "Room 4"},
            {"address": "room.5@contoso.com", "name": "Room 5"},
        ],
    }

    code, out, _ = cli("check", "--config", config)
    assert code == 0, out
    for line in ("[PASS] TLS", "[PASS] Credentials", "[PASS] Room lists"):
        assert line in out
    assert "[WARN] Free/busy query: 3 of 4 mailboxes answered" in out  # ghost@ is unknown
    assert ews.failed_logons == 0
    assert_clean(ews)


def test_cli_exit_codes_for_a_bad_password_and_an_unreachable_server(
    cli, ews, ca_file, tmp_path, monkeypatch
):
    config = settings_file(tmp_path, ews, ca_file)
    monkeypatch.setenv("ATTENDANT_PASSWORD", "wrong")
    code, _, err = cli("availability", "--config", config, "--at", AT, "--json")
    assert code == 3 and "rejected" in err
    code, out, _ = cli("check", "--config", config)
    assert code == 3 and "[FAIL] Credentials" in out
    code, _, err = cli("availability", "--config", config, "--at", AT)
    assert code == 3 and "will not send them again" in err
    assert ews.failed_logons == 1  # three commands, one failed logon
    monkeypatch.setenv("ATTENDANT_PASSWORD", DEFAULT_PASSWORD)
    ews.stop()
    code, _, err = cli("availability", "--config", config, "--at", AT)
    assert code == 4 and "refused" in err


def test_cli_refuses_plain_http_with_exit_2(cli, ews, ca_file, tmp_path):
    config = settings_file(tmp_path, ews, ca_file, url=ews.url.replace("https:", "http:"))
    code, _, err = cli("availability", "--config", config, "--at", AT)
    assert code == 2 and "https" in err
    assert ews.requests_total == 0
