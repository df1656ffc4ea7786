"""Self-tests of the loopback fakes against the REAL client libraries (no mocks).

exchangelib (Basic, NTLM via requests_ntlm, Bearer), msal (device code, refresh, interactive)
and plain requests talk to tests/fakes over 127.0.0.1 with TLS verified against the test CA.
"""

from __future__ import annotations

import threading
import time
import webbrowser
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

import msal
import pytest
import requests
from exchangelib import (
    BASIC,
    NTLM,
    OAUTH2,
    Configuration,
    Credentials,
    EWSDateTime,
    EWSTimeZone,
    OAuth2AuthorizationCodeCredentials,
    Version,
)
from exchangelib.errors import (
    ErrorInvalidServerVersion,
    ErrorMailboxDataArrayTooBig,
    ErrorMailRecipientNotFound,
    ErrorNameResolutionNoResults,
    ErrorNoFreeBusyAccess,
    ErrorSchemaValidation,
    ErrorServerBusy,
    UnauthorizedError,
)
from exchangelib.properties import (
    DaylightTime,
    FreeBusyViewOptions,
    MailboxData,
    StandardTime,
    TimeWindow,
    TimeZone,
)
from exchangelib.protocol import Protocol
from exchangelib.services import GetUserAvailability
from exchangelib.util import xml_to_str
from exchangelib.version import EXCHANGE_2007_SP1, EXCHANGE_2013_SP1

from tests.fakes import FakeBrowser, Fault
from tests.fakes.ews_schema import SCHEMA_DIR_ENV
from tests.fakes.ews_tz import SERVER_TIME_ZONES, SerializableTimeZone
from tests.fakes.helpers import (
    DEFAULT_PASSWORD,
    DEFAULT_USERNAME,
    EWS_SCOPE,
    approve_when_pending,
    seed_contoso,
)

pytest_plugins = ("tests.fakes.fixtures",)  # ca_file, make_ews, make_entra, exchangelib_trusts_ca

ROME = ZoneInfo("Europe/Rome")
NEW_YORK = ZoneInfo("America/New_York")
MNS = "http://schemas.microsoft.com/exchange/services/2006/messages"
TNS = "http://schemas.microsoft.com/exchange/services/2006/types"
SOAPNS = "http://schemas.xmlsoap.org/soap/envelope/"


def soap(payload: str, version: str = "Exchange2013_SP1") -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="{SOAPNS}" '
        f'xmlns:m="{MNS}" xmlns:t="{TNS}"><s:Header><t:RequestServerVersion Version="{version}"/>'
        f"</s:Header><s:Body>{payload}</s:Body></s:Envelope>"
    ).encode()


def post(ews, ca_file, body: bytes, *, password=DEFAULT_PASSWORD, timeout=5.0):
    return requests.post(
        ews.url,
        data=body,
        auth=(DEFAULT_USERNAME, password),
        headers={"Content-Type": "text/xml; charset=utf-8"},
        verify=str(ca_file),
        timeout=timeout,
    )


def protocol(ews, *, auth_type=BASIC, password=DEFAULT_PASSWORD, build=EXCHANGE_2013_SP1):
    credentials = Credentials(DEFAULT_USERNAME, password)
    config = Configuration(
        service_endpoint=ews.url,
        credentials=credentials,
        auth_type=auth_type,
        version=Version(build=build),
    )
    return Protocol(config=config)


def assert_clean(ews) -> None:
    assert ews.schema_validation, "the EWS schema folder is needed for these tests"
    assert ews.schema_errors == []
    assert ews.response_schema_errors == []


def local(ev_time) -> datetime:
    return ev_time.replace(tzinfo=None)


NY_RULES = TimeZone(  # America/New_York as exchangelib sends it
    bias=300,
    standard_time=StandardTime(bias=0, time=dtime(2), occurrence=1, iso_month=11, weekday=7),
    daylight_time=DaylightTime(bias=-60, time=dtime(2), occurrence=2, iso_month=3, weekday=7),
)
ROME_RULES = TimeZone(
    bias=-60,
    standard_time=StandardTime(bias=0, time=dtime(3), occurrence=5, iso_month=10, weekday=7),
    daylight_time=DaylightTime(bias=-60, time=dtime(2), occurrence=5, iso_month=3, weekday=7),
)


def availability(proto, addresses, start, end, tz_rules, view="DetailedMerged", service=None):
    svc = (service or GetUserAvailability)(proto)
    return list(
        svc.call(
            tzinfo=start.tzinfo,
            mailbox_data=[MailboxData(email=a, attendee_type="Required") for a in addresses],
            timezone=tz_rules,
            free_busy_view_options=FreeBusyViewOptions(
                time_window=TimeWindow(start=start, end=end),
                merged_free_busy_interval=30,
                requested_view=view,
            ),
        )
    )


class TolerantAvailability(GetUserAvailability):
    """exchangelib raises ErrorNoFreeBusyAccess for the whole batch unless told otherwise."""

    ERRORS_TO_CATCH_IN_RESPONSE = (
        *GetUserAvailability.ERRORS_TO_CATCH_IN_RESPONSE,
        ErrorNoFreeBusyAccess,
    )


# ------------------------------------------------------------------------------------------
# Time zone rules
# ------------------------------------------------------------------------------------------
def exchangelib_rules(tz_rules: TimeZone) -> SerializableTimeZone:
    """Parse the t:TimeZone element exactly as exchangelib serializes it into a request."""
    xml = xml_to_str(tz_rules.to_xml(version=Version(build=EXCHANGE_2013_SP1)))
    return SerializableTimeZone.from_element(ET.fromstring(xml))


@pytest.mark.parametrize(
    ("rules", "iana"),
    [
        (exchangelib_rules(ROME_RULES), ROME),
        (exchangelib_rules(NY_RULES), NEW_YORK),
        (SERVER_TIME_ZONES["W. Europe Standard Time"].rules, ROME),
        (SERVER_TIME_ZONES["Eastern Standard Time"].rules, NEW_YORK),
        (SERVER_TIME_ZONES["AUS Eastern Standard Time"].rules, ZoneInfo("Australia/Sydney")),
    ],
    ids=["rome-exchangelib", "new-york-exchangelib", "rome-server", "new-york-server", "sydney"],
)
def test_serializable_time_zone_matches_zoneinfo(rules, iana):
    t = datetime(2026, 1, 1, tzinfo=UTC)
    while t < datetime(2028, 1, 1, tzinfo=UTC):  # hourly through two years of transitions
        expected = t.astimezone(iana).replace(tzinfo=None)
        assert rules.to_local(t) == expected, t
        back = rules.to_utc(expected)
        # In the repeated autumn hour the wall-clock time is ambiguous: daylight is chosen.
        assert back == t or (back == t - timedelta(hours=1) and rules.is_daylight(back)), t
        t += timedelta(hours=1)


# ------------------------------------------------------------------------------------------
# TLS
# ------------------------------------------------------------------------------------------
def test_untrusted_ca_fails_verification(make_ews, ca_file):
    ews = make_ews(trusted=False)
    with pytest.raises(requests.exceptions.SSLError):
        post(ews, ca_file, soap("<m:GetRoomLists/>"))
    deadline = time.monotonic() + 2
    while not ews.tls_failures and time.monotonic() < deadline:
        time.sleep(0.01)
    assert ews.tls_failures and ews.requests_total == 0


# ------------------------------------------------------------------------------------------
# EWS through exchangelib
# ------------------------------------------------------------------------------------------
@pytest.mark.ews_schema
@pytest.mark.parametrize(
    ("day", "offset"), [(datetime(2026, 11, 23), 1), (datetime(2026, 7, 1), 2)]
)
def test_free_busy_info_in_local_time_rome(make_ews, exchangelib_trusts_ca, day, offset):
    ews = make_ews()
    seed_contoso(ews, day.date(), tz=UTC)  # defined in UTC; Rome is UTC+offset
    tz = EWSTimeZone("Europe/Rome")
    start = EWSDateTime(day.year, day.month, day.day, tzinfo=tz)
    accounts = [(a, "Required", False) for a in ("alice@contoso.com", "nobody@contoso.com")]
    alice, nobody = protocol(ews).get_free_busy_info(accounts, start, start + timedelta(days=1))
    assert alice.view_type == "DetailedMerged"
    first = alice.calendar_events[0]
    assert local(first.start) == day.replace(hour=10 + offset)
    assert local(first.end) == day.replace(hour=11 + offset)
    assert (first.busy_type, first.details.subject, first.details.location) == (
        "Busy",
        "Budget review",
        "Room 4",
    )
    private = alice.calendar_events[2]
    assert private.details.is_private and private.details.subject is None
    slot = 2 * (10 + offset)
    assert alice.merged[slot : slot + 3] == "221" and len(alice.merged) == 48
    assert alice.working_hours_timezone.bias == -60
    assert isinstance(nobody, ErrorMailRecipientNotFound)
    assert [r.operation for r in ews.request_log] == ["GetServerTimeZones", "GetUserAvailability"]
    assert_clean(ews)


@pytest.mark.ews_schema
@pytest.mark.parametrize(
    ("day", "utc_offset"), [(datetime(2026, 3, 9), -4), (datetime(2026, 11, 2), -5)]
)
def test_get_user_availability_service_new_york(make_ews, exchangelib_trusts_ca, day, utc_offset):
    ews = make_ews()
    seed_contoso(ews, day.date(), tz=UTC)
    tz = EWSTimeZone("America/New_York")
    start = EWSDateTime(day.year, day.month, day.day, tzinfo=tz)
    (alice,) = availability(
        protocol(ews), ["alice@contoso.com"], start, start + timedelta(days=1), NY_RULES
    )
    assert local(alice.calendar_events[0].start) == day.replace(hour=10 + utc_offset)
    assert [r.operation for r in ews.request_log] == [
        "GetUserAvailability"
    ]  # no GetServerTimeZones
    assert_clean(ews)


@pytest.mark.ews_schema
def test_per_mailbox_errors_are_data(make_ews, exchangelib_trusts_ca):
    ews = make_ews()
    seed_contoso(ews, datetime(2026, 11, 23).date(), tz=ROME)
    start = EWSDateTime(2026, 11, 23, tzinfo=EWSTimeZone("Europe/Rome"))
    end = start + timedelta(days=1)
    addresses = ["carol@contoso.com", "alice@contoso.com", "ghost@contoso.com", "bob@contoso.com"]
    proto = protocol(ews)
    carol, alice, ghost, bob = availability(
        proto, addresses, start, end, ROME_RULES, service=TolerantAvailability
    )
    assert isinstance(carol, ErrorNoFreeBusyAccess)
    assert isinstance(ghost, ErrorMailRecipientNotFound)
    assert local(alice.calendar_events[0].start) == datetime(2026, 11, 23, 10)
    # A free/busy-only mailbox: the view is downgraded and details are absent.
    assert bob.view_type == "FreeBusyMerged"
    assert bob.calendar_events[0].busy_type == "OOF" and bob.calendar_events[0].details is None
    # The stock service aborts the whole batch on ErrorNoFreeBusyAccess (a trap for providers).
    with pytest.raises(ErrorNoFreeBusyAccess):
        availability(proto, addresses, start, end, ROME_RULES)
    codes = [r.response_code for r in ews.requests_for("GetUserAvailability")]
    assert codes[0] == "ErrorNoFreeBusyAccess,NoError,ErrorMailRecipientNotFound,NoError"
    assert_clean(ews)


@pytest.mark.ews_schema
def test_batches_of_100_and_too_many_mailboxes(make_ews, exchangelib_trusts_ca):
    ews = make_ews()
    start = EWSDateTime(2026, 11, 23, tzinfo=EWSTimeZone("Europe/Rome"))
    addresses = [f"user{i}@contoso.com" for i in range(150)]
    results = availability(protocol(ews), addresses, start, start + timedelta(hours=8), ROME_RULES)
    assert len(results) == 150 and all(isinstance(r, ErrorMailRecipientNotFound) for r in results)
    assert [r.mailboxes for r in ews.requests_for("GetUserAvailability")] == [100, 50]
    svc = type("Unchunked", (GetUserAvailability,), {"CHUNK_SIZE": 101})
    with pytest.raises(ErrorMailboxDataArrayTooBig):
        availability(
            protocol(ews),
            addresses[:101],
            start,
            start + timedelta(hours=8),
            ROME_RULES,
            service=svc,
        )
    assert_clean(ews)


@pytest.mark.ews_schema
def test_room_lists_rooms_and_resolve_names(fake_ews, exchangelib_trusts_ca):
    ews = fake_ews  # seeded with seed_contoso()
    proto = protocol(ews)
    lists = list(proto.get_roomlists())
    assert [(r.email_address, r.name) for r in lists] == [
        ("rooms-hq@contoso.com", "HQ rooms"),
        ("rooms-lab@contoso.com", "Lab rooms"),
    ]
    rooms = list(proto.get_rooms("rooms-hq@contoso.com"))
    assert [(r.email_address, r.name) for r in rooms] == [
        ("room.4@contoso.com", "Room 4"),
        ("room.5@contoso.com", "Room 5"),
    ]
    # Exchange answers a room list without rooms as it answers an unknown address.
    with pytest.raises(ErrorNameResolutionNoResults):
        list(proto.get_rooms("rooms-lab@contoso.com"))
    (alice,) = proto.resolve_names(["Alice"])
    assert (alice.email_address, alice.name, alice.routing_type, alice.mailbox_type) == (
        "alice@contoso.com",
        "Alice Example",
        "SMTP",
        "Mailbox",
    )
    assert [m.email_address for m in proto.resolve_names(["room"])] == [
        "room.4@contoso.com",
        "room.5@contoso.com",
    ]
    (nothing,) = proto.resolve_names(["zzz"])
    assert isinstance(nothing, ErrorNameResolutionNoResults)
    assert_clean(ews)


@pytest.mark.ews_schema
def test_schema_validation_catches_invalid_requests(make_ews, exchangelib_trusts_ca, ca_file):
    ews = make_ews()
    # exchangelib puts several UnresolvedEntry elements in one ResolveNames: schema-invalid.
    with pytest.raises(ErrorSchemaValidation):
        protocol(ews).resolve_names(["alice", "bob"])
    assert ews.schema_errors
    ews.schema_errors.clear()
    r = post(ews, ca_file, soap("<m:GetRooms/>"))
    assert r.status_code == 500 and b"ErrorSchemaValidation" in r.content and ews.schema_errors
    ews.schema_errors.clear()
    r = post(ews, ca_file, b"not xml at all")
    assert r.status_code == 500 and b"ErrorSchemaValidation" in r.content and ews.schema_errors


def test_schema_folder_absent_skips_validation(make_ews, ca_file, tmp_path, monkeypatch):
    monkeypatch.setenv(SCHEMA_DIR_ENV, str(tmp_path))
    ews = make_ews()
    assert ews.schema_validation is False
    r = post(ews, ca_file, soap("<m:GetRoomLists/>"))
    assert r.status_code == 200 and ews.schema_errors == []


# ------------------------------------------------------------------------------------------
# Authentication and lockout
# ------------------------------------------------------------------------------------------
def test_bad_password_is_sent_once_and_counted(make_ews, exchangelib_trusts_ca):
    ews = make_ews()
    with pytest.raises(UnauthorizedError):
        list(protocol(ews, password="wrong").get_roomlists())
    assert (ews.failed_logons, ews.successful_logons, ews.requests_total) == (1, 0, 1)
    assert ews.request_log[0].status == 401 and ews.request_log[0].operation == "GetRoomLists"


def test_lockout_refuses_even_the_right_password(make_ews, ca_file):
    ews = make_ews(lockout_threshold=3)
    body = soap("<m:GetRoomLists/>")
    statuses = [post(ews, ca_file, body, password="wrong").status_code for _ in range(3)]
    assert statuses == [401, 401, 401] and ews.locked_out
    r = post(ews, ca_file, body)
    assert (
        r.status_code == 401 and 'Basic realm="mail.contoso.com"' in r.headers["WWW-Authenticate"]
    )
    assert ews.failed_logons == 4
    ews.unlock()
    assert post(ews, ca_file, body).status_code == 200 and ews.successful_logons == 1


@pytest.mark.ews_schema
def test_ntlm_handshake_with_requests_ntlm(make_ews, exchangelib_trusts_ca):
    ews = make_ews(auth=("ntlm",))
    seed_contoso(ews, datetime(2026, 11, 23).date())
    proto = protocol(ews, auth_type=NTLM)
    assert len(list(proto.get_roomlists())) == 2
    assert len(list(proto.get_rooms("rooms-hq@contoso.com"))) == 2
    assert [r.status for r in ews.request_log] == [401, 401, 200, 200]  # anonymous, challenge, ...
    assert (ews.successful_logons, ews.failed_logons) == (1, 0)  # the connection stays signed in
    bad = make_ews(auth=("ntlm",))
    with pytest.raises(UnauthorizedError):
        list(protocol(bad, auth_type=NTLM, password="wrong").get_roomlists())
    assert (bad.failed_logons, bad.successful_logons) == (1, 0)
    assert_clean(ews)


# ------------------------------------------------------------------------------------------
# Versions
# ------------------------------------------------------------------------------------------
def test_exchange_2007_sp1(make_ews, exchangelib_trusts_ca, ca_file):
    ews = make_ews(version="Exchange2007_SP1")
    seed_contoso(ews, datetime(2026, 11, 23).date(), tz=ROME)
    # A 2013-configured client: GetServerTimeZones fails in every version exchangelib tries.
    start = EWSDateTime(2026, 11, 23, tzinfo=EWSTimeZone("Europe/Rome"))
    with pytest.raises(ErrorInvalidServerVersion):
        list(
            protocol(ews).get_free_busy_info(
                [("alice@contoso.com", "Required", False)], start, start + timedelta(days=1)
            )
        )
    # Asked as 2007 does, the operations that 2007 lacks fail schema validation there.
    for op in ("<m:GetServerTimeZones/>", "<m:GetRoomLists/>"):
        r = post(ews, ca_file, soap(op, "Exchange2007_SP1"))
        assert r.status_code == 500 and b"a:ErrorSchemaValidation" in r.content
    # GetUserAvailability itself works with an explicit TimeZone, and the header says 2007 SP1.
    (alice,) = availability(
        protocol(ews, build=EXCHANGE_2007_SP1),
        ["alice@contoso.com"],
        start,
        start + timedelta(days=1),
        ROME_RULES,
    )
    assert local(alice.calendar_events[0].start) == datetime(2026, 11, 23, 10)
    r = post(
        ews,
        ca_file,
        soap(
            "<m:ResolveNames ReturnFullContactData='false'>"
            "<m:UnresolvedEntry>bob</m:UnresolvedEntry></m:ResolveNames>",
            "Exchange2007_SP1",
        ),
    )
    info = ET.fromstring(r.content).find(f"{{{SOAPNS}}}Header/{{{TNS}}}ServerVersionInfo")
    assert (info.get("MajorVersion"), info.get("MinorVersion"), info.get("Version")) == (
        "8",
        "1",
        "Exchange2007_SP1",
    )
    assert ews.version_errors and ews.schema_errors == []


# ------------------------------------------------------------------------------------------
# Fault injection
# ------------------------------------------------------------------------------------------
def test_server_busy_back_off_reaches_exchangelib(make_ews, exchangelib_trusts_ca):
    ews = make_ews()
    ews.inject(Fault.server_busy(back_off_ms=2500))
    with pytest.raises(ErrorServerBusy) as info:
        list(protocol(ews).get_roomlists())
    assert info.value.back_off == 2.5
    assert len(list(protocol(ews).get_roomlists())) == 0 and ews.pending_faults == 0


@pytest.mark.parametrize(
    ("fault", "check"),
    [
        (
            Fault.http_503(retry_after=7),
            lambda r: r.status_code == 503 and r.headers["Retry-After"] == "7",
        ),
        (
            Fault.http_429(retry_after=3),
            lambda r: r.status_code == 429 and r.headers["Retry-After"] == "3",
        ),
        (
            Fault.exceeded_connection_count(),
            lambda r: b"a:ErrorExceededConnectionCount" in r.content,
        ),
        (
            Fault.html_500(),
            lambda r: r.status_code == 500 and r.headers["Content-Type"] == "text/html",
        ),
        (Fault.malformed_xml(), lambda r: r.status_code == 200 and not r.content.startswith(b"<")),
        (Fault.truncated_xml(), lambda r: r.status_code == 200 and r.content.startswith(b"<?xml")),
        (
            Fault.server_busy(back_off_ms=1234),
            lambda r: b'"BackOffMilliseconds">1234<' in r.content,
        ),
    ],
)
def test_faults_on_the_wire(make_ews, ca_file, fault, check):
    ews = make_ews()
    ews.inject(fault)
    r = post(ews, ca_file, soap("<m:GetRoomLists/>"))
    assert check(r)
    if fault.kind == "truncated_xml":
        with pytest.raises(ET.ParseError):
            ET.fromstring(r.content)
    assert post(ews, ca_file, soap("<m:GetRoomLists/>")).status_code == 200  # consumed once


def test_hang_dropped_connection_latency_and_operation_filter(make_ews, ca_file):
    ews = make_ews()
    ews.inject(Fault.hang(seconds=30))
    with pytest.raises(requests.exceptions.ReadTimeout):
        post(ews, ca_file, soap("<m:GetRoomLists/>"), timeout=0.3)
    ews.inject(Fault.dropped_connection())
    with pytest.raises(requests.exceptions.RequestException):
        post(ews, ca_file, soap("<m:GetRoomLists/>"))
    ews.inject(Fault.http_503(operation="GetRooms"))
    assert (
        post(ews, ca_file, soap("<m:GetRoomLists/>")).status_code == 200 and ews.pending_faults == 1
    )
    ews.clear_faults()
    ews.latency = 0.15
    t0 = time.monotonic()
    assert post(ews, ca_file, soap("<m:GetRoomLists/>")).status_code == 200
    assert time.monotonic() - t0 >= 0.15


# ------------------------------------------------------------------------------------------
# Entra ID through msal, and Bearer on EWS
# ------------------------------------------------------------------------------------------
def test_msal_device_code_refresh_and_revocation(make_entra, ca_file):
    authority = make_entra(access_token_lifetime=3600)
    app = msal.PublicClientApplication(
        "attendant-test",
        authority=authority.authority_url,
        instance_discovery=False,
        verify=str(ca_file),
    )
    flow = app.initiate_device_flow(scopes=[EWS_SCOPE])
    assert flow["user_code"] in flow["message"]
    approver = approve_when_pending(authority, "reception@contoso.com", after_polls=1)
    threading.Thread(target=approver, daemon=True).start()
    first = app.acquire_token_by_device_flow(flow)
    device_grant = "urn:ietf:params:oauth:grant-type:device_code"
    assert authority.grant_errors[(device_grant, "authorization_pending")] >= 1
    assert "access_token" in first and authority.valid_access_token(
        first["access_token"], EWS_SCOPE
    )
    assert first["id_token_claims"]["preferred_username"] == "reception@contoso.com"
    (account,) = app.get_accounts()
    cached = app.acquire_token_silent([EWS_SCOPE], account=account)
    assert cached["access_token"] == first["access_token"] and cached["token_source"] == "cache"
    authority.expire_access_tokens()
    assert not authority.valid_access_token(first["access_token"])
    refreshed = app.acquire_token_silent([EWS_SCOPE], account=account, force_refresh=True)
    assert refreshed["token_source"] == "identity_provider"
    assert authority.valid_access_token(refreshed["access_token"])
    authority.revoke_refresh_tokens()
    failed = app.acquire_token_silent_with_error([EWS_SCOPE], account=account, force_refresh=True)
    assert failed["error"] == "invalid_grant" and "AADSTS70008" in failed["error_description"]
    assert app.acquire_token_silent([EWS_SCOPE], account=account, force_refresh=True) is None
    assert authority.grants["refresh_token"] == 1
    # msal drops a refresh token that got invalid_grant: it is not sent a second time.
    assert authority.grant_errors[("refresh_token", "invalid_grant")] == 1


def test_msal_short_lived_tokens_refresh_silently(make_entra, ca_file):
    authority = make_entra(access_token_lifetime=120)  # msal refreshes tokens < 5 min from expiry
    app = msal.PublicClientApplication(
        "attendant-test",
        authority=authority.authority_url,
        instance_discovery=False,
        verify=str(ca_file),
    )
    authority.interactive_user = "alice@contoso.com"
    browser = FakeBrowser(ca_file)
    original = webbrowser.open
    webbrowser.open = browser.open
    try:
        first = app.acquire_token_interactive([EWS_SCOPE], timeout=10)
    finally:
        webbrowser.open = original
    browser.join()
    assert browser.errors == [] and "access_token" in first, first
    assert first["id_token_claims"]["nonce"]  # msal's nonce came back
    (account,) = app.get_accounts()
    again = app.acquire_token_silent([EWS_SCOPE], account=account)
    assert (
        again["token_source"] == "identity_provider"
        and again["access_token"] != first["access_token"]
    )
    assert authority.grants["authorization_code"] == 1 and authority.grants["refresh_token"] == 1


def test_msal_refuses_unknown_tenant_and_untrusted_authority(make_entra, ca_file):
    authority = make_entra()
    with pytest.raises(ValueError, match="tenant"):
        msal.PublicClientApplication(
            "x",
            authority=f"{authority.base_url}/no-such-tenant",
            instance_discovery=False,
            verify=str(ca_file),
        )
    untrusted = make_entra(trusted=False)
    with pytest.raises(requests.exceptions.SSLError):
        msal.PublicClientApplication(
            "x", authority=untrusted.authority_url, instance_discovery=False, verify=str(ca_file)
        )


@pytest.mark.ews_schema
def test_bearer_tokens_on_ews(fake_entra, make_ews, exchangelib_trusts_ca, ca_file):
    authority = fake_entra
    ews = make_ews(auth=("bearer",), bearer_validator=authority.valid_access_token)
    seed_contoso(ews, datetime(2026, 11, 23).date())
    app = msal.PublicClientApplication(
        "attendant-test",
        authority=authority.authority_url,
        instance_discovery=False,
        verify=str(ca_file),
    )
    flow = app.initiate_device_flow(scopes=[EWS_SCOPE])
    authority.approve(flow["user_code"], "reception@contoso.com")
    token = app.acquire_token_by_device_flow(flow)
    credentials = OAuth2AuthorizationCodeCredentials(
        client_id="attendant-test",
        access_token={
            "access_token": token["access_token"],
            "token_type": "Bearer",
            "expires_at": time.time() + 3600,
        },
    )
    config = Configuration(
        service_endpoint=ews.url,
        credentials=credentials,
        auth_type=OAUTH2,
        version=Version(build=EXCHANGE_2013_SP1),
    )
    assert len(list(Protocol(config=config).get_roomlists())) == 2
    assert ews.request_log[-1].auth_scheme == "Bearer" and ews.successful_logons == 1
    authority.expire_access_tokens()
    r = requests.post(
        ews.url,
        data=soap("<m:GetRoomLists/>"),
        headers={"Authorization": f"Bearer {token['access_token']}", "Content-Type": "text/xml"},
        verify=str(ca_file),
        timeout=5,
    )
    assert r.status_code == 401 and 'error="invalid_token"' in r.headers["WWW-Authenticate"]
    assert ews.failed_logons == 1
    assert_clean(ews)
