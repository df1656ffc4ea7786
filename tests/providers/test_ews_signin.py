"""A password changed between two steady refreshes costs one failed logon, Basic and NTLM.

The fake Exchange counts every logon attempt that fails (Basic: a request with a wrong
password; NTLM: a rejected third handshake message; a request without credentials is not a
logon attempt), and keeps NTLM connections signed in as IIS does, even after the password
changed. ``drop_connections`` closes the connections idle longest, as the server's idle
timeout does, so that the next refresh has to sign some of them in again.
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from attendant.domain import Mailbox, WatchList, Window
from attendant.services.lockout import LockoutGuard
from attendant.services.refresh import RefreshService
from attendant.services.state import FeedHealth
from tests.fakes.helpers import exchange_provider, seed_contoso

pytest_plugins = ("tests.fakes.fixtures",)  # ca_file, make_ews

pytestmark = pytest.mark.ews_schema

ROME = ZoneInfo("Europe/Rome")
DAY = date(2026, 11, 23)
WINDOW = Window(datetime(2026, 11, 23, tzinfo=ROME), datetime(2026, 11, 24, tzinfo=ROME))
#: Four GetUserAvailability requests: every connection of the pool (4) is used.
PEOPLE = [Mailbox(f"user{i}@contoso.com") for i in range(400)]
REJECTED = "bad user name or password"


def refresher(ews, ca_file, tmp_path, auth: str) -> RefreshService:
    provider = exchange_provider(ews, ca_file, auth=auth, zone=ROME)
    return RefreshService(
        provider,
        WatchList(),
        interval_seconds=15,
        timeout_seconds=10,
        guard=LockoutGuard(tmp_path),
        mailboxes=PEOPLE,  # the watch list already expanded, as after the first refresh
    )


def refreshes(service: RefreshService, count: int) -> list:
    async def run() -> list:
        return [await service.refresh_once() for _ in range(count)]

    return asyncio.run(run())


def rejected_requests(ews) -> int:
    """Requests that carried the wrong password, as the fake logged them."""
    return sum(1 for r in ews.request_log if r.auth_error == REJECTED)


@pytest.fixture
def ews(make_ews, request):
    server = make_ews(auth=(request.param,), lockout_threshold=3)
    seed_contoso(server, DAY, tz=ROME)
    return server


@pytest.mark.parametrize(
    ("ews", "dropped"),
    [("basic", 0), ("ntlm", None), ("ntlm", 3), ("ntlm", 2), ("ntlm", 1)],
    indirect=["ews"],
    ids=["basic", "ntlm-all-dropped", "ntlm-3-dropped", "ntlm-2-dropped", "ntlm-1-dropped"],
)
def test_a_password_changed_between_steady_refreshes_costs_one_failed_logon(
    ews, ca_file, tmp_path, dropped
):
    auth = "ntlm" if "ntlm" in ews.authenticator.config.schemes else "basic"
    service = refresher(ews, ca_file, tmp_path, auth)
    assert [s.health for s in refreshes(service, 2)] == [FeedHealth.OK] * 2
    assert ews.failed_logons == 0
    ews.reset_counters()
    ews.set_password("changed by the admin")
    # The server's idle timeout closes the connections idle longest: those have to sign in
    # again (NTLM), while a request sent alone first rides the one used last, still signed in.
    ews.drop_connections(dropped)
    # Answers slow enough that the four requests are in flight together, each on its own
    # connection: every pooled connection is used, the closed ones included.
    ews.latency = 0.2
    states = refreshes(service, 3)
    assert [s.health for s in states] == [FeedHealth.BLOCKED] * 3
    assert (ews.failed_logons, rejected_requests(ews)) == (1, 1)
    assert not ews.locked_out


@pytest.mark.parametrize("ews", ["ntlm"], indirect=True)
def test_ntlm_connections_still_signed_in_keep_serving_after_a_password_change(
    ews, ca_file, tmp_path
):
    service = refresher(ews, ca_file, tmp_path, "ntlm")
    (first,) = refreshes(service, 1)
    assert first.health is FeedHealth.OK
    ews.reset_counters()
    # Steady: every connection is signed in, so nothing waits for a lone request first.
    (steady,) = refreshes(service, 1)
    assert steady.health is FeedHealth.OK and len(steady.snapshot.entries) == len(PEOPLE)
    # A connection the first refresh did not need (on a loaded machine its four requests can
    # share fewer) signs in now, through 401s; the signed-in ones send their requests at once.
    served = [r for r in ews.request_log if r.status != 401]
    assert [r.operation for r in served] == ["GetUserAvailability"] * 4
    assert {r.auth_scheme for r in served} == {"NTLM"}
    assert ews.failed_logons == 0
    # IIS keeps a connection's logon after the password changed: no failed logon at all.
    ews.set_password("changed by the admin")
    (after,) = refreshes(service, 1)
    assert after.health is FeedHealth.OK and ews.failed_logons == 0
    # Until the connections close; then the first sign-in fails, alone, and stops the rest.
    ews.drop_connections()
    (blocked,) = refreshes(service, 1)
    assert blocked.health is FeedHealth.BLOCKED
    assert (ews.failed_logons, rejected_requests(ews)) == (1, 1)


@pytest.mark.parametrize("ews", ["ntlm"], indirect=True)
def test_ntlm_sign_ins_of_a_cold_start_with_a_wrong_password_fail_once(ews, ca_file, tmp_path):
    ews.set_password("not what the console has")
    service = refresher(ews, ca_file, tmp_path, "ntlm")
    states = refreshes(service, 2)
    assert [s.health for s in states] == [FeedHealth.BLOCKED] * 2
    assert states[0].error.kind == "credentials_rejected"
    # Four connections opened side by side; one signed in, the others sent no password.
    assert (ews.failed_logons, rejected_requests(ews)) == (1, 1)
    assert ews.successful_logons == 0
