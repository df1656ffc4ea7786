"""Property: whatever Microsoft Graph answers (getSchedule, places, users), the provider gives
results or a clear ProviderError; never another exception.

Answers are injected into the fake Graph and travel over loopback HTTPS into the real
requests session and our parsing: missing fields, wrong types, nulls, unknown enum values,
bodies that are not JSON, odd Retry-After headers.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attendant.domain import Availability, Mailbox, Window
from attendant.providers.errors import MAX_BACK_OFF_SECONDS, BadResponse, ProviderError, Throttled
from attendant.providers.graph.provider import GraphProvider
from attendant.providers.graph.transport import GraphTransport, make_session
from attendant.providers.tls import trust_context
from attendant.services.guarded import GuardedProvider
from attendant.services.lockout import LockoutGuard
from tests.fakes import tls
from tests.fakes.entra import FakeEntraAuthority
from tests.fakes.graph import FakeGraph
from tests.fakes.httpsserver import Response
from tests.providers.test_graph import Approver, make_signin, seed

ROME = ZoneInfo("Europe/Rome")
DAY = date(2026, 11, 23)
WINDOW = Window(datetime(2026, 11, 23, tzinfo=ROME), datetime(2026, 11, 24, tzinfo=ROME))
ASKED = [Mailbox("alice@contoso.com"), Mailbox("bob@contoso.com"), Mailbox("x@contoso.com")]
QUICK = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
anything = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


def maybe(value: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    """The documented value, or a wrong type, or null."""
    return st.one_of(value, scalars, anything)


date_time = st.fixed_dictionaries(
    {},
    optional={
        "dateTime": maybe(
            st.datetimes(datetime(1, 1, 2), datetime(9999, 12, 30)).map(lambda d: d.isoformat())
        ),
        "timeZone": maybe(st.sampled_from(["UTC", "W. Europe Standard Time", "Nowhere/Zone"])),
    },
)
schedule_item = st.fixed_dictionaries(
    {},
    optional={
        "start": maybe(date_time),
        "end": maybe(date_time),
        "status": maybe(
            st.sampled_from(
                ["free", "busy", "tentative", "oof", "workingElsewhere", "unknown", "Busy!"]
            )
        ),
        "subject": maybe(st.text(max_size=20)),
        "location": maybe(st.text(max_size=20)),
        "isPrivate": maybe(st.booleans()),
    },
)
working_hours = st.fixed_dictionaries(
    {},
    optional={
        "daysOfWeek": maybe(st.lists(st.sampled_from(["monday", "sunday", "funday"]))),
        "startTime": maybe(st.sampled_from(["08:00:00.0000000", "25:00", "x"])),
        "endTime": maybe(st.sampled_from(["17:00:00.0000000", "07:00:00", ""])),
        "timeZone": maybe(
            st.fixed_dictionaries(
                {}, optional={"name": maybe(st.sampled_from(["Pacific Standard Time", "Mars"]))}
            )
        ),
    },
)
schedule = st.fixed_dictionaries(
    {},
    optional={
        "scheduleId": maybe(
            st.sampled_from([m.address for m in ASKED] + ["other@contoso.com", ""])
        ),
        "availabilityView": maybe(st.text("0123456789x", max_size=60)),
        "scheduleItems": maybe(st.lists(schedule_item, max_size=4)),
        "workingHours": maybe(working_hours),
        "error": maybe(
            st.fixed_dictionaries(
                {},
                optional={
                    "responseCode": maybe(st.text(max_size=10)),
                    "message": maybe(st.text(max_size=10)),
                },
            )
        ),
    },
)
schedule_answer = st.fixed_dictionaries(
    {}, optional={"value": maybe(st.lists(schedule, max_size=5))}
)
room = st.fixed_dictionaries(
    {},
    optional={
        "emailAddress": maybe(st.sampled_from(["room.1@contoso.com", "no-at-sign", ""])),
        "displayName": maybe(st.text(max_size=10)),
        "capacity": maybe(st.integers(-5, 10**12) | st.sampled_from(["12", "twelve", "1e3"])),
        "building": maybe(st.text(max_size=10)),
        "floorNumber": maybe(st.integers()),
        "floorLabel": maybe(st.text(max_size=10)),
    },
)
places_answer = st.fixed_dictionaries(
    {},
    optional={
        "value": maybe(st.lists(room, max_size=4)),
        "@odata.nextLink": maybe(st.sampled_from(["", "not a url"])),
    },
)
user = st.fixed_dictionaries(
    {},
    optional={
        "mail": maybe(st.sampled_from(["alice@contoso.com", "nomail"])),
        "displayName": maybe(st.text(max_size=10)),
    },
)
users_answer = st.fixed_dictionaries({}, optional={"value": maybe(st.lists(user, max_size=4))})


def body_of(payload: st.SearchStrategy[object]) -> st.SearchStrategy[tuple[int, bytes]]:
    as_json = payload.map(lambda p: json.dumps(p).encode())
    broken = st.binary(max_size=60) | as_json.map(lambda b: b[: len(b) // 2])
    status = st.sampled_from([200, 200, 200, 400, 401, 403, 404, 429, 500, 503])
    return st.tuples(
        status, st.one_of(as_json, anything.map(lambda p: json.dumps(p).encode()), broken)
    )


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    ca = tls.write_ca_pem(tmp_path_factory.mktemp("pki") / "ca.pem")
    entra = FakeEntraAuthority()
    entra.start()
    graph = FakeGraph(token_validator=entra.valid_access_token).start()
    seed(graph, DAY)
    signin = make_signin(entra, graph.base_url, ca)
    assert signin.sign_in_device_code(Approver(entra))
    transport = GraphTransport(
        graph.base_url, signin, session=make_session(trust_context(str(ca))), timeout=5
    )
    provider = GraphProvider(transport, signin)
    yield graph, provider
    provider.close()
    graph.stop()
    entra.stop()


def _inject(
    graph: FakeGraph, status: int, body: bytes, headers: list[tuple[str, str]] | None = None
) -> None:
    with graph._lock:
        graph._injected.clear()
    graph.inject(
        Response(status, [("Content-Type", "application/json"), *(headers or [])], body), count=10
    )


def _clear(graph: FakeGraph) -> None:
    with graph._lock:
        graph._injected.clear()


@QUICK
@given(answer=body_of(schedule_answer))
def test_any_get_schedule_answer_gives_results_or_a_clear_error(world, answer):
    graph, provider = world
    status, body = answer
    _inject(graph, status, body)
    try:
        answers = provider.get_availability(ASKED, WINDOW)
    except ProviderError as error:
        assert error.message.strip()
        return
    finally:
        _clear(graph)
    assert [a.mailbox.key for a in answers] == [m.key for m in ASKED]
    assert all(isinstance(a, Availability) for a in answers)


@QUICK
@given(answer=body_of(places_answer))
def test_any_places_answer_gives_room_lists_or_a_clear_error(world, answer):
    graph, provider = world
    _inject(graph, *answer)
    try:
        lists = provider.room_lists()
    except ProviderError as error:
        assert error.message.strip()
        return
    finally:
        _clear(graph)
    for room_list in lists:
        assert all("@" in room.address for room in room_list.rooms)
        assert all(room.capacity is None or room.capacity >= 0 for room in room_list.rooms)


@QUICK
@given(answer=body_of(users_answer))
def test_any_users_answer_gives_names_or_a_clear_error(world, answer):
    graph, provider = world
    _inject(graph, *answer)
    try:
        found = provider.search("ali") + provider.resolve(["alice@contoso.com"])
    except ProviderError as error:
        assert error.message.strip()
        return
    finally:
        _clear(graph)
    assert all("@" in m.address for m in found)


@QUICK
@given(
    retry_after=st.one_of(
        st.sampled_from(
            [
                "inf",
                "-inf",
                "nan",
                "1e400",
                "1e12",
                "-5",
                "",
                "Wed, 21 Oct 2015 07:28:00 GMT",
                "Fri, 31 Dec 9999 23:59:59 GMT",
            ]
        ),
        st.integers(-(2**63), 2**63).map(str),
        st.text(max_size=20),
    ),
    status=st.sampled_from([429, 503]),
)
def test_any_retry_after_gives_a_bounded_back_off(world, retry_after, status):
    graph, provider = world
    guarded = GuardedProvider(provider, LockoutGuard(None))
    _inject(
        graph, status, b'{"error": {"code": "TooManyRequests"}}', [("Retry-After", retry_after)]
    )
    try:
        guarded.call(lambda p: p.get_availability(ASKED, WINDOW))
    except Throttled as error:
        assert 0 <= error.retry_after_seconds <= MAX_BACK_OFF_SECONDS
        assert datetime.now(ROME) + timedelta(seconds=error.retry_after_seconds)
    except ProviderError as error:
        assert error.message.strip()
    finally:
        _clear(graph)


# -- what the properties found, each pinned by its own example ---------------------------


def test_working_hours_whose_days_are_not_a_list_are_left_out(world):
    graph, provider = world
    item = {"scheduleId": "alice@contoso.com", "workingHours": {"daysOfWeek": True}}
    _inject(graph, 200, json.dumps({"value": [item]}).encode())
    try:
        alice, *_ = provider.get_availability(ASKED, WINDOW)
    finally:
        _clear(graph)
    assert alice.error is None and alice.working_hours is None


def test_a_users_answer_without_a_value_list_is_a_bad_response(world):
    graph, provider = world
    _inject(graph, 200, b'{"value": true}')
    try:
        with pytest.raises(BadResponse):
            provider.search("ali")
    finally:
        _clear(graph)


@pytest.mark.parametrize("retry_after", ["inf", "1e400", "31536000000"])
def test_a_back_off_of_years_is_capped_at_an_hour(world, retry_after):
    graph, provider = world
    guarded = GuardedProvider(provider, LockoutGuard(None))
    _inject(graph, 429, b"{}", [("Retry-After", retry_after)])
    try:
        with pytest.raises(Throttled) as caught:
            guarded.call(lambda p: p.get_availability(ASKED, WINDOW))
    finally:
        _clear(graph)
    assert caught.value.retry_after_seconds == MAX_BACK_OFF_SECONDS
