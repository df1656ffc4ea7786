"""The free/busy fan-out: answers are read while the next requests are on the network, and a
bad or throttled answer still stops the refresh before anything more is sent."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from attendant.domain import Availability, Mailbox, Window
from attendant.providers.errors import BadResponse, Throttled
from attendant.providers.exchange import ExchangeProvider
from tests.fakes import Fault
from tests.fakes.ews_soap import MNS, TNS, envelope
from tests.fakes.helpers import exchange_provider, seed_contoso

pytest_plugins = ("tests.fakes.fixtures",)  # ca_file, make_ews

pytestmark = pytest.mark.ews_schema

ROME = ZoneInfo("Europe/Rome")
DAY = date(2026, 11, 23)
WINDOW = Window(datetime(2026, 11, 23, tzinfo=ROME), datetime(2026, 11, 24, tzinfo=ROME))
#: Ten GetUserAvailability requests, four in flight at a time.
PEOPLE = [Mailbox(f"user{i}@contoso.com") for i in range(1000)]


def provider(ews, ca_file) -> ExchangeProvider:
    return exchange_provider(ews, ca_file, zone=ROME)


def answer(messages: str, version: str) -> bytes:
    return envelope(
        f'<m:GetUserAvailabilityResponse xmlns:m="{MNS}" xmlns:t="{TNS}">'
        f"<m:FreeBusyResponseArray>{messages}</m:FreeBusyResponseArray>"
        "</m:GetUserAvailabilityResponse>",
        version,
    )


BUSY = (
    '<m:FreeBusyResponse><m:ResponseMessage ResponseClass="Error">'
    "<m:MessageText>The server cannot service this request right now.</m:MessageText>"
    "<m:ResponseCode>ErrorServerBusy</m:ResponseCode>"
    "<m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>"
    '<m:MessageXml><t:Value Name="BackOffMilliseconds">20000</t:Value></m:MessageXml>'
    "</m:ResponseMessage></m:FreeBusyResponse>"
)

NOT_FOUND = (
    '<m:FreeBusyResponse><m:ResponseMessage ResponseClass="Error">'
    "<m:MessageText>No mailbox with such guid.</m:MessageText>"
    "<m:ResponseCode>ErrorMailRecipientNotFound</m:ResponseCode>"
    "<m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>"
    "</m:ResponseMessage></m:FreeBusyResponse>"
)


@pytest.fixture
def ews(make_ews):
    server = make_ews(validate_responses=False)  # the answers below are made by hand
    seed_contoso(server, DAY, tz=ROME)
    server.latency = 0.2  # the other requests are still on the network when it answers
    return server


def sent(ews) -> int:
    return len(ews.requests_for("GetUserAvailability"))


def test_steady_answers_are_all_read_in_the_order_asked(ews, ca_file):
    p = provider(ews, ca_file)
    first = p.get_availability(PEOPLE, WINDOW)
    assert [a.mailbox for a in first] == PEOPLE
    assert p.get_availability(PEOPLE, WINDOW) == first
    assert sent(ews) == 20


def test_a_mailbox_throttled_inside_an_answer_stops_the_refresh(ews, ca_file):
    # The last mailbox of the answer: found only by reading past the first.
    ews.inject(Fault.raw(answer(NOT_FOUND * 99 + BUSY, ews.version)), count=1)
    with pytest.raises(Throttled) as caught:
        provider(ews, ca_file).get_availability(PEOPLE, WINDOW)
    assert caught.value.retry_after_seconds == pytest.approx(20)  # its MessageXml's back-off
    # Seen before the next request goes: only those already on the network were sent.
    assert sent(ews) <= 4


def test_an_answer_cut_off_halfway_is_not_read_as_a_shorter_one(ews, ca_file):
    # Parsed strictly where it is read (not by the thread that sent it): a truncated answer
    # never passes for one that answered fewer mailboxes, or for free ones.
    # The sending thread sees the cut and stops; the three other answers came at the same
    # moment, so each of those connections may have sent its next request, and none more.
    ews.inject(Fault.truncated_xml(), count=1)
    with pytest.raises(BadResponse, match="cannot read"):
        provider(ews, ca_file).get_availability(PEOPLE, WINDOW)
    assert sent(ews) <= 4 + 3


def test_an_answer_that_cannot_be_read_stops_the_refresh(ews, ca_file):
    ews.inject(Fault.raw(answer("", ews.version)), count=1)  # no mailbox answered
    with pytest.raises(BadResponse, match="0 free/busy results for 100 mailboxes"):
        provider(ews, ca_file).get_availability(PEOPLE, WINDOW)
    # Read while the next requests go: the connection that brought it may have sent one more.
    assert sent(ews) <= 5


def test_each_requests_answers_are_handed_over_as_they_are_read(ews, ca_file):
    ews.latency = 0.05
    parts: list[list[Availability]] = []
    asked = PEOPLE[:250]
    short = Window(WINDOW.start.replace(hour=9), WINDOW.start.replace(hour=17))
    p = provider(ews, ca_file)
    found = p.get_availability_as_read(asked, short, lambda part: parts.append(list(part)))
    assert sorted(len(part) for part in parts) == [50, 100, 100]  # one call per request
    handed = {id(a): a for part in parts for a in part}
    # The very answers returned, clipped to the window asked for, in the order asked.
    assert all(handed.get(id(a)) is a for a in found)
    assert [a.mailbox for a in found] == asked
    assert found == p.get_availability(asked, short)
    p.close()
