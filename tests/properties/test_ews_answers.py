"""Property: whatever an Exchange server answers to GetUserAvailability, the provider gives
one result per mailbox or a clear ProviderError; never another exception, never a hang.

The answers go over loopback HTTPS from the fake Exchange (``Fault.raw``) into the real
exchangelib and our parsing, so every layer between the socket and the domain is exercised:
schema-shaped XML with random values, truncated answers, wrong namespaces, huge values.
"""

from __future__ import annotations

from datetime import date, datetime
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from attendant.domain import Availability, Mailbox, Window
from attendant.providers.errors import MAX_BACK_OFF_SECONDS, ProviderError, Throttled
from attendant.providers.exchange import ExchangeProvider
from tests.fakes import FakeEWS, Fault, tls
from tests.fakes.ews_ops import MNS, TNS
from tests.fakes.ews_soap import SOAPNS, envelope, soap_fault
from tests.fakes.helpers import exchange_provider, seed_contoso

ROME = ZoneInfo("Europe/Rome")
DAY = date(2026, 11, 23)
WINDOW = Window(datetime(2026, 11, 23, tzinfo=ROME), datetime(2026, 11, 24, tzinfo=ROME))
ASKED = [Mailbox("alice@contoso.com"), Mailbox("bob@contoso.com"), Mailbox("x@contoso.com")]
QUICK = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

text = st.text(st.characters(exclude_categories=("Cs",)), max_size=40)
huge = st.integers(10_000, 200_000).map(lambda n: "9" * n)
times = st.one_of(
    st.datetimes(datetime(1, 1, 1), datetime(9999, 12, 31)).map(lambda d: d.isoformat()),
    st.sampled_from(["2026-11-23T10:00:00", "2026-11-23T10:00:00Z", "2026-11-23T25:00:00"]),
    text,
    huge,
)
busy = st.one_of(
    st.sampled_from(["Free", "Tentative", "Busy", "OOF", "WorkingElsewhere", "NoData"]), text
)
codes = st.one_of(
    st.sampled_from(
        ["NoError", "ErrorMailRecipientNotFound", "ErrorServerBusy", "ErrorNoFreeBusyAccess"]
    ),
    text,
)


def _element(tag: str, value: str | None) -> str:
    return "" if value is None else f"<t:{tag}>{escape(value)}</t:{tag}>"


@st.composite
def event(draw: st.DrawFn) -> str:
    parts = [
        _element("StartTime", draw(st.none() | times)),
        _element("EndTime", draw(st.none() | times)),
        _element("BusyType", draw(st.none() | busy)),
    ]
    if draw(st.booleans()):
        parts.append(
            "<t:CalendarEventDetails>"
            + _element("Subject", draw(st.none() | text | huge))
            + _element("Location", draw(st.none() | text))
            + "</t:CalendarEventDetails>"
        )
    return f"<t:CalendarEvent>{''.join(draw(st.permutations(parts)))}</t:CalendarEvent>"


@st.composite
def free_busy_response(draw: st.DrawFn) -> str:
    response_class = draw(st.sampled_from(["Success", "Error", "Warning"]) | text)
    message = (
        f'<m:ResponseMessage ResponseClass="{escape(response_class, {chr(34): "&quot;"})}">'
        + _element("ResponseCode", draw(codes)).replace("t:", "m:")
        + _element("MessageText", draw(st.none() | text)).replace("t:", "m:")
        + "</m:ResponseMessage>"
    )
    view = ""
    if draw(st.booleans()):
        events = "".join(draw(st.lists(event(), max_size=4)))
        view = (
            "<m:FreeBusyView>"
            + _element("FreeBusyViewType", draw(st.none() | st.just("Detailed") | text))
            + _element("MergedFreeBusy", draw(st.none() | st.text("012345x", max_size=60)))
            + (f"<t:CalendarEventArray>{events}</t:CalendarEventArray>" if events else "")
            + "</m:FreeBusyView>"
        )
    return f"<m:FreeBusyResponse>{message}{view}</m:FreeBusyResponse>"


@st.composite
def availability_answer(draw: st.DrawFn) -> bytes:
    items = draw(st.lists(free_busy_response(), max_size=5))
    payload = (
        "<m:GetUserAvailabilityResponse><m:FreeBusyResponseArray>"
        + "".join(items)
        + "</m:FreeBusyResponseArray></m:GetUserAvailabilityResponse>"
    )
    return envelope(payload, "Exchange2013_SP1")


def _damaged(body: bytes, how: str, data: st.DataObject) -> bytes:
    if how == "truncated":
        return body[: data.draw(st.integers(0, max(0, len(body) - 1)))]
    if how == "namespaces":
        wrong = data.draw(st.sampled_from(["urn:wrong", "http://example.com/ns", ""]))
        which = data.draw(st.sampled_from([MNS, TNS, SOAPNS]))
        return body.replace(which.encode(), wrong.encode())
    if how == "bytes":
        cut = data.draw(st.integers(0, len(body)))
        noise = data.draw(st.binary(max_size=40))
        return body[:cut] + noise + body[cut:]
    return body


@pytest.fixture(scope="module")
def ews(tmp_path_factory):
    server = FakeEWS(validate=False, validate_responses=False)  # answers are made up here
    server.start()
    seed_contoso(server, DAY, tz=ROME)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def provider(ews, tmp_path_factory):
    ca = tls.write_ca_pem(tmp_path_factory.mktemp("pki") / "ca.pem")
    made = exchange_provider(ews, ca, zone=ROME)
    yield made
    made.close()


def _ask(ews: FakeEWS, provider: ExchangeProvider, body: bytes, status: int) -> None:
    ews.clear_faults()
    ews.inject(Fault.raw(body, status=status, operation="GetUserAvailability"))
    try:
        answers = provider.get_availability(ASKED, WINDOW)
    except ProviderError as error:
        assert error.message.strip()  # a clear error, in words
        return
    finally:
        ews.clear_faults()
    assert [a.mailbox.key for a in answers] == [m.key for m in ASKED]
    assert all(isinstance(a, Availability) for a in answers)


@QUICK
@given(
    body=availability_answer(),
    how=st.sampled_from(["as is", "truncated", "namespaces", "bytes"]),
    data=st.data(),
)
def test_any_availability_answer_gives_results_or_a_clear_error(ews, provider, body, how, data):
    _ask(ews, provider, _damaged(body, how, data), 200)


@QUICK
@given(
    code=codes,
    message=st.none() | text | huge,
    back_off=st.none() | st.integers(-(2**40), 2**40).map(str) | text,
    status=st.sampled_from([200, 500]),
)
def test_any_soap_fault_gives_a_clear_error(ews, provider, code, message, back_off, status):
    detail = (
        ""
        if back_off is None
        else f'<t:Value Name="BackOffMilliseconds">{escape(back_off)}</t:Value>'
    )
    _ask(ews, provider, soap_fault(escape(code) or "ErrorX", message, detail), status)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(body=st.binary(max_size=300), status=st.sampled_from([200, 400, 404, 429, 500, 502, 503]))
def test_any_bytes_give_a_clear_error(ews, provider, body, status):
    _ask(ews, provider, body, status)


# -- what the properties found, each pinned by its own example ---------------------------


def test_a_success_message_without_a_free_busy_view_leaves_that_mailbox_unknown(ews, provider):
    fine = (
        '<m:FreeBusyResponse><m:ResponseMessage ResponseClass="Success">'
        "<m:ResponseCode>NoError</m:ResponseCode></m:ResponseMessage>"
        "<m:FreeBusyView><t:FreeBusyViewType>Detailed</t:FreeBusyViewType>"
        "</m:FreeBusyView></m:FreeBusyResponse>"
    )
    no_view = fine.split("<m:FreeBusyView>")[0] + "</m:FreeBusyResponse>"
    payload = (
        "<m:GetUserAvailabilityResponse><m:FreeBusyResponseArray>"
        f"{fine}{no_view}{fine}</m:FreeBusyResponseArray></m:GetUserAvailabilityResponse>"
    )
    ews.inject(Fault.raw(envelope(payload, "Exchange2013_SP1"), operation="GetUserAvailability"))
    alice, bob, other = provider.get_availability(ASKED, WINDOW)
    assert alice.error is None and other.error is None
    assert bob.error is not None and bob.error.code == "NoData"


@pytest.mark.parametrize("back_off", ["", "soon", "1.5", "-2000", str(2**62)])
def test_server_busy_with_any_back_off_value_is_a_bounded_back_off(ews, provider, back_off):
    detail = f'<t:Value Name="BackOffMilliseconds">{back_off}</t:Value>'
    ews.inject(Fault.raw(soap_fault("ErrorServerBusy", None, detail), status=500))
    with pytest.raises(Throttled) as caught:
        provider.get_availability(ASKED, WINDOW)
    assert 0 <= caught.value.retry_after_seconds <= MAX_BACK_OFF_SECONDS
