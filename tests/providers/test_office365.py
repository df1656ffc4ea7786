"""The Office 365 (EWS, delegated OAuth 2.0) provider against the fake Entra ID and Exchange.

The real msal signs in at the fake authority; the real exchangelib sends the bearer token to
the fake EWS, which accepts only tokens that authority issued and validates every request
against the EWS schema.
"""

from __future__ import annotations

import asyncio
import io
import json
import re
import threading
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from attendant.domain import Mailbox, WatchList, Window
from attendant.providers.base import ProviderContext, StepResult
from attendant.providers.errors import SettingsInvalid, SignInRequired
from attendant.providers.office365 import Office365Provider, ews_scope
from attendant.providers.registry import ProviderRegistry
from attendant.providers.signin import RefreshTokenRejected
from attendant.services.check import exit_code, run_check
from attendant.services.guarded import GuardedProvider
from attendant.services.lockout import LockoutGuard
from attendant.services.refresh import RefreshService
from attendant.services.state import FeedHealth
from attendant.settings.store import load_settings
from tests.fakes import tls
from tests.fakes.helpers import approve_when_pending, seed_contoso

pytest_plugins = ("tests.fakes.fixtures",)  # ca_file, make_ews, make_entra

ROME = ZoneInfo("Europe/Rome")
DAY = date(2026, 11, 23)
WINDOW = Window(datetime(2026, 11, 23, tzinfo=ROME), datetime(2026, 11, 24, tzinfo=ROME))
CLIENT_ID = "0f2c1a6e-7d4b-4e8a-9c3f-2b1d0e9a8c7f"
USER = "reception@contoso.com"
ALICE = [Mailbox("alice@contoso.com")]


class Approving(io.StringIO):
    """An ``out`` stream that enters the printed device code at the authority at once."""

    def __init__(self, authority) -> None:
        super().__init__()
        self.authority = authority

    def write(self, text: str) -> int:
        match = re.search(r"enter the code (\w+)", text)
        if match:
            self.authority.approve(match.group(1), USER)
        return super().write(text)


@pytest.fixture
def authority(make_entra):
    return make_entra(tenant_id="4f6c0b9e-2d3a-4c55-9a1e-6b7d8e9f0a1b")


@pytest.fixture
def ews(make_ews, authority):
    server = make_ews(
        auth=("bearer",), bearer_validator=authority.valid_access_token, version="Exchange2016"
    )
    seed_contoso(server, DAY, tz=ROME)
    return server


def provider(authority, ews, ca_file, tmp_path, **kwargs) -> Office365Provider:
    options = {
        "tenant_id": authority.tenant_id,
        "client_id": CLIENT_ID,
        "authority": authority.base_url,
        "ews_url": ews.url,
        "token_cache": tmp_path / "token_cache.bin",
        "ca_bundle": str(ca_file),
        "timeout_seconds": 5,
        "zone": ROME,
    }
    options.update(kwargs)
    return Office365Provider(**options)


def signed_in(authority, ews, ca_file, tmp_path, **kwargs) -> Office365Provider:
    p = provider(authority, ews, ca_file, tmp_path, **kwargs)
    assert p.sign_in(device_code=True, out=Approving(authority)) == USER
    return p


def refresh_grants(authority) -> int:
    return sum(1 for r in authority.request_log if r.grant_type == "refresh_token")


def assert_clean(ews) -> None:
    assert ews.schema_validation, "the EWS schema folder is needed for these tests"
    assert ews.schema_errors == [] and ews.response_schema_errors == []
    assert ews.version_errors == []


@pytest.mark.ews_schema
def test_free_busy_with_a_delegated_token(authority, ews, ca_file, tmp_path):
    p = signed_in(authority, ews, ca_file, tmp_path)
    alice, ghost = p.get_availability([*ALICE, Mailbox("ghost@contoso.com")], WINDOW)
    assert [e.subject for e in alice.events] == ["Budget review", "Coffee", None]
    assert ghost.error is not None and ghost.error.code == "ErrorMailRecipientNotFound"
    (record,) = ews.request_log
    assert record.auth_scheme == "Bearer" and record.requested_version == "Exchange2016"
    assert b"ExchangeImpersonation" not in record.body  # no identity= on a delegated token
    assert [rl.address for rl in p.room_lists()] == [
        "rooms-hq@contoso.com",
        "rooms-lab@contoso.com",
    ]
    assert [m.name for m in p.resolve(["alice@contoso.com"])] == ["Alice Example"]
    assert ews.failed_logons == 0
    assert_clean(ews)


def test_the_scope_is_derived_from_the_ews_host():
    assert ews_scope("https://outlook.office365.com/EWS/Exchange.asmx") == (
        "https://outlook.office365.com/EWS.AccessAsUser.All"
    )
    assert ews_scope("https://127.0.0.1:4443/EWS/Exchange.asmx") == (
        "https://127.0.0.1/EWS.AccessAsUser.All"
    )


def test_not_signed_in_sends_nothing(authority, ews, ca_file, tmp_path):
    p = provider(authority, ews, ca_file, tmp_path)
    assert p.credential_material() is None
    with pytest.raises(SignInRequired, match="Nobody is signed in"):
        p.get_availability(ALICE, WINDOW)
    assert ews.requests_total == 0 and authority.requests_total == 0


@pytest.mark.ews_schema
def test_short_lived_tokens_are_renewed_silently_before_expiry(
    make_entra, make_ews, ca_file, tmp_path
):
    authority = make_entra(access_token_lifetime=120)
    ews = make_ews(
        auth=("bearer",), bearer_validator=authority.valid_access_token, version="Exchange2016"
    )
    seed_contoso(ews, DAY, tz=ROME)
    p = signed_in(authority, ews, ca_file, tmp_path)
    for _ in range(3):
        assert len(p.get_availability(ALICE, WINDOW)[0].events) == 3
    assert refresh_grants(authority) == 3 and ews.failed_logons == 0
    assert_clean(ews)


@pytest.mark.ews_schema
def test_a_token_expired_early_at_the_server_is_renewed_once(authority, ews, ca_file, tmp_path):
    p = signed_in(authority, ews, ca_file, tmp_path)
    p.get_availability(ALICE, WINDOW)
    authority.expire_access_tokens()  # msal still thinks the token is good for an hour
    assert len(p.get_availability(ALICE, WINDOW)[0].events) == 3
    assert ews.failed_logons == 1 and refresh_grants(authority) == 1
    p.get_availability(ALICE, WINDOW)
    assert ews.failed_logons == 1
    assert_clean(ews)


async def _refreshes(service: RefreshService, count: int) -> list:
    return [await service.refresh_once() for _ in range(count)]


def test_a_revoked_refresh_token_means_sign_in_again_never_a_loop(
    authority, ews, ca_file, tmp_path
):
    state_dir = tmp_path / "state"
    p = signed_in(authority, ews, ca_file, tmp_path)
    authority.revoke_refresh_tokens()
    authority.expire_access_tokens()
    p.close()

    def service() -> RefreshService:
        return RefreshService(
            provider(authority, ews, ca_file, tmp_path),
            WatchList(people=("alice@contoso.com",)),
            interval_seconds=15,
            timeout_seconds=10,
            guard=LockoutGuard(state_dir),
        )

    states = asyncio.run(_refreshes(service(), 3))
    assert [s.health for s in states] == [FeedHealth.BLOCKED] * 3
    assert states[0].error.kind == "signin_required" and "attendant signin" in states[0].error.hint
    asyncio.run(_refreshes(service(), 2))  # a restart
    assert refresh_grants(authority) == 1  # one refused refresh, then nothing
    # The receptionist signs in again: the guard sees new credentials and lets them through.
    fresh = provider(authority, ews, ca_file, tmp_path)
    fresh.sign_in(device_code=True, out=Approving(authority))
    svc = service()
    (state,) = asyncio.run(_refreshes(svc, 1))
    assert state.health is FeedHealth.OK


def test_revoked_refresh_token_surfaces_as_sign_in_required(authority, ews, ca_file, tmp_path):
    p = signed_in(authority, ews, ca_file, tmp_path)
    authority.revoke_refresh_tokens()
    authority.expire_access_tokens()
    with pytest.raises(SignInRequired) as info:
        p.get_availability(ALICE, WINDOW)  # EWS 401 -> one forced renewal -> refused
    assert isinstance(info.value, RefreshTokenRejected)
    with pytest.raises(SignInRequired):
        p.get_availability(ALICE, WINDOW)
    assert refresh_grants(authority) == 1 and ews.failed_logons == 1


def test_credential_material_follows_the_account_and_its_refresh_token(
    make_entra, make_ews, ca_file, tmp_path
):
    authority = make_entra(access_token_lifetime=120)
    ews = make_ews(
        auth=("bearer",), bearer_validator=authority.valid_access_token, version="Exchange2016"
    )
    p = provider(authority, ews, ca_file, tmp_path)
    assert p.credential_material() is None
    p.sign_in(device_code=True, out=Approving(authority))
    first = p.credential_material()
    assert first is not None and first == p.credential_material()
    p.get_availability(ALICE, WINDOW)  # renews the access token and, with it, the refresh token
    assert p.credential_material() not in (None, first)


@pytest.mark.parametrize(
    ("grants", "words"),
    [
        ({"grant_modern_auth": False, "grant_basic_auth": True}, "no longer accepts Basic"),
        ({"grant_modern_auth": False, "grant_basic_auth": False}, "No authentication"),
    ],
)
def test_basic_authentication_is_refused_for_exchange_online(
    authority, ews, ca_file, tmp_path, grants, words
):
    with pytest.raises(SettingsInvalid, match=words):
        provider(authority, ews, ca_file, tmp_path, **grants)
    assert ews.requests_total == 0


def test_plain_http_is_refused(authority, ews, ca_file, tmp_path):
    with pytest.raises(SettingsInvalid, match="http://"):
        provider(authority, ews, ca_file, tmp_path, ews_url=ews.url.replace("https", "http"))
    assert ews.requests_total == 0


def test_check_warns_about_the_ews_retirement_then_passes(authority, ews, ca_file, tmp_path):
    p = signed_in(authority, ews, ca_file, tmp_path, today=lambda: date(2026, 11, 23))
    steps = run_check(
        GuardedProvider(p, LockoutGuard(None)),
        WatchList(people=("alice@contoso.com",)),
        lambda step: None,
    )
    assert [(s.name, s.result) for s in steps] == [
        ("EWS in Exchange Online", StepResult.WARN),
        ("Server reachable", StepResult.PASS),
        ("TLS", StepResult.PASS),
        ("Sign-in", StepResult.PASS),
        ("Credentials", StepResult.PASS),
        ("Server version", StepResult.PASS),
        ("Free/busy query", StepResult.PASS),
        ("Room lists", StepResult.PASS),
    ]
    assert "since 1 October 2026" in steps[0].detail and "1 April 2027" in steps[0].detail
    assert "graph" in steps[0].hint.lower()
    assert f"signed in as {USER}" in steps[3].detail and "token cache" in steps[3].detail
    assert exit_code(steps) == 0
    later = provider(authority, ews, ca_file, tmp_path, today=lambda: date(2027, 5, 1))
    assert "shut EWS down on 1 April 2027" in next(later.diagnose()).detail


def test_check_without_sign_in_fails_at_sign_in_and_sends_nothing_to_ews(
    authority, ews, ca_file, tmp_path
):
    steps = run_check(
        GuardedProvider(provider(authority, ews, ca_file, tmp_path), LockoutGuard(None)),
        WatchList(people=("alice@contoso.com",)),
        lambda step: None,
    )
    sign_in_step = next(s for s in steps if s.name == "Sign-in")
    assert sign_in_step.result is StepResult.FAIL and exit_code(steps) == 3
    assert ews.requests_total == 0


def test_the_registry_lists_it(authority, ews, ca_file, tmp_path):
    info = ProviderRegistry.discover(plugins=list).get("office365")
    assert (info.title, info.settings_section, info.batch_size) == (
        "Office 365 (EWS)",
        "calendar.office365",
        100,
    )


# -- the command line, black-box ---------------------------------------------------------


@pytest.fixture
def cli(capsys):
    from attendant.cli import main
    from attendant.log import shutdown_logging

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    yield run
    shutdown_logging()


def settings_file(tmp_path, authority, ews, ca_file) -> str:
    path = tmp_path / "settings.toml"
    path.write_text(
        f"""schema_version = 1

[calendar]
provider = "office365"
grant_modern_auth = true

[calendar.office365]
tenant_id = "{authority.tenant_id}"
client_id = "{CLIENT_ID}"
authority = "{authority.base_url}"
ews_url = "{ews.url}"

[network]
ca_bundle = '{ca_file}'
timeout_seconds = 5

[watch]
people = ["alice@contoso.com"]
room_lists = ["rooms-hq@contoso.com"]
""",
        encoding="utf-8",
    )
    return str(path)


@pytest.mark.ews_schema
def test_cli_signin_with_a_device_code_then_availability_and_check(
    cli, authority, ews, ca_file, tmp_path, monkeypatch
):
    config = settings_file(tmp_path, authority, ews, ca_file)
    code, _, err = cli("availability", "--config", config, "--json")
    assert code == 3 and "signin" in err
    monkeypatch.setenv(
        "REQUESTS_CA_BUNDLE", str(tls.write_ca_pem(tmp_path / "w.pem", trusted=False))
    )
    approver = threading.Thread(target=approve_when_pending(authority, USER), daemon=True)
    approver.start()
    code, out, _ = cli("signin", "--config", config, "--device-code")
    approver.join()
    assert code == 0, out
    assert "enter the code" in out and f"Signed in as {USER}." in out
    code, out, _ = cli(
        "availability", "--config", config, "--json", "--at", "2026-11-23T10:15:00+01:00"
    )
    assert code == 0
    entries = json.loads(out)["entries"]
    assert [(e["address"], e["status"]) for e in entries] == [
        ("alice@contoso.com", "busy"),
        ("room.4@contoso.com", "busy"),
        ("room.5@contoso.com", "free"),
    ]
    code, out, _ = cli("rooms", "--config", config, "--json")
    assert code == 0 and len(json.loads(out)["room_lists"]) == 2
    code, out, _ = cli("check", "--config", config)
    assert code == 0, out
    assert "[WARN] EWS in Exchange Online" in out and "[PASS] Sign-in" in out
    assert ews.failed_logons == 0
    assert_clean(ews)


@pytest.mark.ews_schema
@pytest.mark.parametrize(("privacy", "subjects"), [("show", True), ("busy_only", False)])
def test_exchange_online_is_asked_for_subjects_only_when_they_are_shown(
    authority, ews, ca_file, tmp_path, privacy, subjects
):
    path = Path(settings_file(tmp_path, authority, ews, ca_file))
    with path.open("a", encoding="utf-8") as file:
        file.write(f'\n[privacy]\nmeeting_details = "{privacy}"\n')
    context = ProviderContext(load_settings(path).settings, token_cache=tmp_path / "t.bin")
    p = Office365Provider.from_context(context)
    try:
        assert p.sign_in(device_code=True, out=Approving(authority)) == USER
        (alice,) = p.get_availability(ALICE, WINDOW)
    finally:
        p.close()
    # The server sent no subject at all: the provider applies no privacy setting itself.
    assert [e.subject for e in alice.events] == (
        ["Budget review", "Coffee", None] if subjects else [None, None, None]
    )
    (record,) = ews.requests_for("GetUserAvailability")
    view = b"Detailed" if subjects else b"FreeBusy"
    assert b"<t:RequestedView>" + view + b"</t:RequestedView>" in record.body
    assert_clean(ews)


@pytest.mark.ews_schema
def test_exchangelibs_own_token_refresh_raises_instead_of_looping(
    make_entra, make_ews, ca_file, tmp_path
):
    import time

    from attendant.providers.signin import AccessToken

    authority = make_entra(access_token_lifetime=120)  # msal renews whenever asked
    ews = make_ews(
        auth=("bearer",), bearer_validator=authority.valid_access_token, version="Exchange2016"
    )
    seed_contoso(ews, DAY, tz=ROME)
    p = signed_in(authority, ews, ca_file, tmp_path)
    client = p._ready()
    # The token exchangelib holds runs out between two requests: requests-oauthlib raises
    # TokenExpiredError and exchangelib calls TokenCredentials.refresh(), which asks msal.
    p._credentials.set_token(AccessToken("stale", time.time() - 1, USER))
    client.drop_idle_sessions()
    assert len(client.availability(ALICE, WINDOW)[0].events) == 3  # renewed, one retry
    authority.revoke_refresh_tokens()
    p._credentials.set_token(AccessToken("stale-again", time.time() - 1, USER))
    client.drop_idle_sessions()
    before = refresh_grants(authority)
    for _ in range(3):
        with pytest.raises(SignInRequired):
            client.availability(ALICE, WINDOW)
    assert refresh_grants(authority) == before + 1  # one refused renewal, never a loop
    assert ews.failed_logons == 0  # the stale tokens never left the machine
    p.sign_in(device_code=True, out=Approving(authority))
    for _ in range(5):  # the session pool survived the failed renewals
        assert len(p.get_availability(ALICE, WINDOW)[0].events) == 3
    assert_clean(ews)
