"""GetUserAvailability requests written from one envelope: the same bytes exchangelib builds,
and addresses XML must escape still sent right (schema-validated by the fake Exchange)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from exchangelib import BASIC, Credentials, Version
from exchangelib.version import EXCHANGE_2007_SP1, EXCHANGE_2013_SP1

from attendant.domain import Mailbox, Window
from attendant.providers.ews.freebusy_request import RequestWriter
from attendant.providers.ews.protocol import make_protocol
from attendant.providers.tls import trust_context
from tests.fakes.ews_ops import availability_addresses
from tests.fakes.ews_soap import parse_request
from tests.fakes.helpers import DEFAULT_PASSWORD, DEFAULT_USERNAME, exchange_provider, seed_contoso

pytest_plugins = ("tests.fakes.fixtures",)  # ca_file, make_ews

ROME = ZoneInfo("Europe/Rome")
DAY = date(2026, 11, 23)
WINDOW = Window(datetime(2026, 11, 23, tzinfo=ROME), datetime(2026, 11, 24, tzinfo=ROME))
#: Addresses lxml writes as they are, and ones it must escape or write as UTF-8.
PLAIN = ["alice@contoso.com", "o'brien+desk@contoso.com", 'odd"quote#x@contoso.com']
ESCAPED = ["r&d@contoso.com", "jürgen@contoso.com", "a<b>@contoso.com"]


@pytest.mark.parametrize("build", [EXCHANGE_2013_SP1, EXCHANGE_2007_SP1])
def test_requests_are_the_bytes_exchangelib_builds(build):
    protocol = make_protocol(
        endpoint="https://mail.contoso.com/EWS/Exchange.asmx",
        credentials=Credentials(DEFAULT_USERNAME, DEFAULT_PASSWORD),
        auth_type=BASIC,
        version=Version(build=build),
        trust=trust_context(),
        timeout=5,
        max_connections=1,
    )
    writer = RequestWriter(protocol, WINDOW, ROME)
    for addresses in (PLAIN, PLAIN[:1], [*PLAIN, *ESCAPED], []):
        body = writer.body(addresses)
        assert body == writer.whole(addresses)
        assert availability_addresses(parse_request(body).payload) == addresses
    protocol.close()


@pytest.mark.ews_schema
def test_a_batch_with_addresses_to_escape_is_asked_and_answered_in_order(make_ews, ca_file):
    ews = make_ews()
    seed_contoso(ews, DAY, tz=ROME)
    asked = [Mailbox(a) for a in [*PLAIN, *ESCAPED]]
    p = exchange_provider(ews, ca_file, zone=ROME)
    answers = p.get_availability(asked, WINDOW)
    assert [a.mailbox for a in answers] == asked
    assert answers[0].error is None and answers[0].events  # alice, seeded
    assert all(a.error is not None for a in answers[1:])  # unknown to the directory
    (request,) = ews.requests_for("GetUserAvailability")
    assert availability_addresses(parse_request(request.body).payload) == [*PLAIN, *ESCAPED]
    assert ews.schema_errors == []
    p.close()
