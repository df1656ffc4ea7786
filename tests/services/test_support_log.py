"""The log as support reads it, with the real providers against the fakes over HTTPS.

Each test drives the program into one situation of the lockout playbook (a password changed
while running, a wrong password, an account locked elsewhere, a revoked sign-in, a back-off,
a server failing and coming back) and reads ``ApplicationLogFile.txt`` the way support does.
"""

from __future__ import annotations

import asyncio
import io
import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest

from attendant.log import configure_logging, shutdown_logging
from attendant.providers.registry import ProviderRegistry
from attendant.services.clock import day_window
from attendant.services.lockout import LockoutGuard
from attendant.services.logtext import identity
from attendant.services.refresh import RefreshService
from attendant.services.setup import open_provider
from attendant.services.state import FeedHealth
from attendant.settings import load_settings
from tests.fakes import Fault
from tests.fakes.helpers import DEFAULT_PASSWORD, DEFAULT_USERNAME, seed_contoso

pytest_plugins = ("tests.fakes.fixtures",)  # ca_file, make_ews, make_entra

ROME = ZoneInfo("Europe/Rome")
START = datetime(2026, 11, 23, 9, 14, tzinfo=ROME)
LINE = re.compile(
    r"^(?P<time>\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3} [+-]\d{2}:\d{2}) \| "
    r"(?P<level>[A-Z]+) *\| (?P<component>\S+) \| (?P<message>.*)$"
)


@pytest.fixture
def log_file(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "logs" / "ApplicationLogFile.txt"
    configure_logging(path, console=False)
    yield path
    shutdown_logging()


def messages(path: Path) -> list[tuple[str, str]]:
    """(level, message) of every line; every line must have time, level and component."""
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = LINE.match(line)
        assert match, f"not a log line: {line!r}"
        found.append((match["level"], match["message"]))
    return found


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def ews(make_ews):
    server = make_ews(lockout_threshold=5)
    seed_contoso(server, START.date(), tz=ROME)
    return server


def exchange_service(ews, ca_file, tmp_path, clock: Clock) -> RefreshService:
    """The console's feed as app.py builds it: settings file → provider → guarded service."""
    config = tmp_path / "settings.toml"
    config.write_text(
        f"""schema_version = 1
[calendar]
provider = "exchange"
refresh_interval_seconds = 60
[calendar.exchange]
ews_url = "{ews.url}"
version = "{ews.version}"
username = '{DEFAULT_USERNAME}'
[network]
ca_bundle = '{ca_file}'
timeout_seconds = 10
[watch]
people = ["alice@contoso.com", "bob@contoso.com"]
""",
        encoding="utf-8",
    )
    settings = load_settings(config).settings
    provider = open_provider(
        settings, ProviderRegistry.discover(), token_cache=None, state_dir=tmp_path / "state"
    )
    return RefreshService(
        provider,
        settings.watch_list(),
        interval_seconds=60,
        timeout_seconds=10,
        guard=LockoutGuard(tmp_path / "state"),
        clock=clock,
        window_for=lambda now: day_window(now),
        who=identity(settings),
    )


def refresh(service: RefreshService, clock: Clock, count: int = 1) -> list[FeedHealth]:
    async def go() -> list[FeedHealth]:
        healths = []
        for _ in range(count):
            healths.append((await service.refresh_once()).health)
            clock.now += timedelta(seconds=60)
        return healths

    return asyncio.run(go())


def rejection_block(found: list[tuple[str, str]]) -> list[str]:
    """The consecutive lines that tell the rejection, asserting there is exactly one block."""
    indexes = [i for i, (_, m) in enumerate(found) if m.startswith("Credentials rejected")]
    assert len(indexes) == 1, found
    first = indexes[0]
    block = []
    for level, message in found[first:]:
        if level != "ERROR":
            break
        block.append(message)
    return block


def test_password_changed_while_running_is_told_in_three_lines(
    ews, ca_file, tmp_path, log_file, monkeypatch
):
    monkeypatch.setenv("ATTENDANT_PASSWORD", DEFAULT_PASSWORD)
    clock = Clock()
    service = exchange_service(ews, ca_file, tmp_path, clock)
    host = urlsplit(ews.url).hostname

    assert refresh(service, clock) == [FeedHealth.OK]
    ews.set_password("N3w-Horse-of-IT")  # IT changes the password; the console still runs
    assert refresh(service, clock, 3) == [FeedHealth.BLOCKED] * 3

    found = messages(log_file)
    block = rejection_block(found)
    assert len(block) == 3  # at most three consecutive lines, and here all three
    what, cause, action = block
    assert f"account {DEFAULT_USERNAME} at {host}" in what
    assert "GetUserAvailability" in what and "HTTP 401" in what
    assert "no Exchange response code" in what
    assert "worked in this run since 09:14" in cause
    assert "password was changed while Attendant was running" in cause
    assert "frequent" not in cause  # not the old catch-all list of causes
    assert "enter the current password in Settings" in action and "Retry now" in action
    # The whole story of the failure is those lines: nothing else at ERROR, no traceback.
    assert [m for lvl, m in found if lvl in ("ERROR", "CRITICAL")] == block
    # A blocked refresh sends nothing and says so once, not at every refresh.
    blocked = [m for _, m in found if m.startswith("Credentials blocked")]
    assert len(blocked) == 1
    assert DEFAULT_USERNAME in blocked[0] and host in blocked[0]
    assert ews.failed_logons == 1

    # The admin enters the new password: the block is lifted, the feed is back.
    monkeypatch.setenv("ATTENDANT_PASSWORD", "N3w-Horse-of-IT")
    assert refresh(service, clock) == [FeedHealth.OK]
    found = messages(log_file)
    lifted = [m for _, m in found if m.startswith("Block lifted")]
    assert lifted == [
        f"Block lifted by new credentials: {host} accepted the new credentials of "
        f"{DEFAULT_USERNAME} (the ones rejected at 2026-11-23 09:15 are gone)"
    ]
    back = [m for _, m in found if m.startswith("Feed back")]
    assert back == [
        f"Feed back: {host} answered again after 3 failed refreshes over 3 min (failing "
        "since 09:15); the board shows current data again"
    ]
    assert "N3w-Horse-of-IT" not in log_file.read_text(encoding="utf-8")
    assert DEFAULT_PASSWORD not in log_file.read_text(encoding="utf-8")


def test_a_wrong_password_on_the_first_request_says_wrong_or_changed(
    ews, ca_file, tmp_path, log_file, monkeypatch
):
    monkeypatch.setenv("ATTENDANT_PASSWORD", "typo-in-the-password")
    clock = Clock()
    assert refresh(exchange_service(ews, ca_file, tmp_path, clock), clock) == [FeedHealth.BLOCKED]
    what, cause, action = rejection_block(messages(log_file))
    assert "HTTP 401" in what and DEFAULT_USERNAME in what
    assert "first request of the run" in cause
    assert "the password is wrong or was changed" in cause
    assert "not refreshes too frequent" in cause
    assert "To lift the block" in action


def test_an_account_locked_elsewhere_is_not_blamed_on_the_console(
    ews, ca_file, tmp_path, log_file, monkeypatch
):
    monkeypatch.setenv("ATTENDANT_PASSWORD", DEFAULT_PASSWORD)
    ews.tells_lockout = True
    ews.lock_out()  # a phone with the old password locked the account
    clock = Clock()
    service = exchange_service(ews, ca_file, tmp_path, clock)
    assert refresh(service, clock, 2) == [FeedHealth.BLOCKED] * 2

    what, cause, action = rejection_block(messages(log_file))
    assert "locked out" in what and "HTTP 401" in what
    assert "the lock came from elsewhere" in cause.lower()
    assert "adds no more" in cause
    assert "ask IT to unlock the account" in action and "Retry now" in action
    assert ews.failed_logons == 1

    ews.unlock()
    service.retry_now()
    assert refresh(service, clock) == [FeedHealth.OK]
    found = [m for _, m in messages(log_file)]
    retry = found.index(next(m for m in found if m.startswith("Retry now pressed")))
    assert DEFAULT_USERNAME in found[retry]
    assert any(m.startswith('Block lifted by "Retry now"') for m in found[retry:])


def test_a_back_off_and_its_end_are_logged(ews, ca_file, tmp_path, log_file, monkeypatch):
    monkeypatch.setenv("ATTENDANT_PASSWORD", DEFAULT_PASSWORD)
    clock = Clock()
    service = exchange_service(ews, ca_file, tmp_path, clock)
    assert refresh(service, clock) == [FeedHealth.OK]
    ews.inject(Fault.http_503(retry_after=30))
    assert refresh(service, clock) == [FeedHealth.THROTTLED]
    assert refresh(service, clock) == [FeedHealth.OK]  # 60 s later: the back-off is over

    found = [m for _, m in messages(log_file)]
    assert any("asked to back off for 30 s" in m for m in found)
    over = [m for m in found if m.startswith("Back-off over")]
    assert len(over) == 1 and "09:16:00" in over[0] and "09:15:30" in over[0]
    assert any(m.startswith("Feed back") and "after 1 failed refresh" in m for m in found)


def test_a_failing_server_is_counted_then_its_recovery_logged(
    ews, ca_file, tmp_path, log_file, monkeypatch
):
    monkeypatch.setenv("ATTENDANT_PASSWORD", DEFAULT_PASSWORD)
    clock = Clock()
    service = exchange_service(ews, ca_file, tmp_path, clock)
    assert refresh(service, clock) == [FeedHealth.OK]
    ews.inject(Fault("html_500"), count=12)
    assert refresh(service, clock, 12) == [FeedHealth.STALE] * 12
    assert refresh(service, clock) == [FeedHealth.OK]

    found = [m for _, m in messages(log_file)]
    failures = [m for m in found if m.startswith("Refresh from exchange failed")]
    assert len(failures) == 2  # written once, then counted
    assert "HTTP 500" in failures[0]
    since = datetime.now().astimezone().strftime("%H:")
    assert re.search(rf"\(x12 since {since}\d\d\)$", failures[1]), failures[1]
    back = next(m for m in found if m.startswith("Feed back"))
    assert "after 12 failed refreshes over 12 min (failing since 09:15)" in back
    assert found.index(failures[1]) < found.index(back)  # the count comes before the recovery


# -- Office 365: a revoked sign-in --------------------------------------------------------

CLIENT_ID = "0f2c1a6e-7d4b-4e8a-9c3f-2b1d0e9a8c7f"
USER = "reception@contoso.com"


class _Approving(io.StringIO):
    """An ``out`` stream that enters the printed device code at the authority at once."""

    def __init__(self, authority) -> None:
        super().__init__()
        self.authority = authority

    def write(self, text: str) -> int:
        match = re.search(r"enter the code (\w+)", text)
        if match:
            self.authority.approve(match.group(1), USER)
        return super().write(text)


def test_a_revoked_sign_in_says_sign_in_again_with_the_aadsts_code(
    make_entra, make_ews, ca_file, tmp_path, log_file
):
    authority = make_entra(tenant_id="4f6c0b9e-2d3a-4c55-9a1e-6b7d8e9f0a1b")
    ews = make_ews(auth=("bearer",), bearer_validator=authority.valid_access_token)
    seed_contoso(ews, START.date(), tz=ROME)
    config = tmp_path / "settings.toml"
    config.write_text(
        f"""schema_version = 1
[calendar]
provider = "office365"
grant_basic_auth = false
grant_modern_auth = true
[calendar.office365]
tenant_id = "{authority.tenant_id}"
client_id = "{CLIENT_ID}"
authority = "{authority.base_url}"
ews_url = "{ews.url}"
[network]
ca_bundle = '{ca_file}'
[watch]
people = ["alice@contoso.com"]
""",
        encoding="utf-8",
    )
    settings = load_settings(config).settings
    provider = open_provider(
        settings,
        ProviderRegistry.discover(),
        token_cache=tmp_path / "token_cache.bin",
        state_dir=tmp_path / "state",
    )
    provider.sign_in(device_code=True, out=_Approving(authority))
    authority.revoke_refresh_tokens()  # IT revokes the sessions (or the password changed)
    authority.expire_access_tokens()
    clock = Clock()
    service = RefreshService(
        provider,
        settings.watch_list(),
        interval_seconds=60,
        guard=LockoutGuard(tmp_path / "state"),
        clock=clock,
        who=identity(settings),
    )
    assert refresh(service, clock, 2) == [FeedHealth.BLOCKED] * 2

    what, cause, action = rejection_block(messages(log_file))
    authority_host = urlsplit(authority.base_url).hostname
    assert f"account {USER} at {authority_host}" in what
    assert "token refresh" in what and "HTTP 400" in what
    assert "invalid_grant AADSTS70008" in what
    assert "sign-in expired or was revoked" in cause
    assert "sign in again" in action and "attendant signin" in action
