# ruff: noqa: F811 - the fixtures of test_exchange.py are imported by name
"""Automatic replies through EWS GetMailTips, against the fake Exchange (schema-validated)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from attendant.providers.base import MailTipsSource
from attendant.providers.errors import BadResponse, NotSupported
from tests.fakes import Fault
from tests.providers.test_exchange import assert_clean, ews, provider  # noqa: F401

pytest_plugins = ("tests.fakes.fixtures",)


@pytest.mark.ews_schema
def test_get_mail_tips_reads_the_automatic_reply(ews, ca_file):
    box = ews.directory.mailbox("bob@contoso.com")
    assert box is not None
    box.auto_reply = "<html><body><p>Away until Monday &amp; not reading mail.</p></body></html>"
    box.auto_reply_window = (
        datetime(2026, 11, 20, 17, tzinfo=UTC),
        datetime(2026, 11, 30, 8, tzinfo=UTC),
    )
    p = provider(ews, ca_file)
    assert isinstance(p, MailTipsSource)
    found = p.auto_replies(["bob@contoso.com", "alice@contoso.com", "ghost@contoso.com"])
    reply = found["bob@contoso.com"]
    assert reply is not None
    assert reply.message == "Away until Monday & not reading mail."
    assert reply.end == datetime(2026, 11, 30, 8, tzinfo=UTC)
    assert found["alice@contoso.com"] is None  # no reply is on
    assert "ghost@contoso.com" not in found  # InvalidRecipient
    assert ews.operations.get("GetMailTips") == 1
    assert_clean(ews)  # request and answers valid against Microsoft's schema
    p.close()


@pytest.mark.ews_schema
def test_exchange_2007_has_no_mail_tips(make_ews, ca_file):
    server = make_ews(version="Exchange2007_SP1")
    p = provider(server, ca_file)
    with pytest.raises(NotSupported, match="2010"):
        p.auto_replies(["bob@contoso.com"])
    assert server.requests_total == 0
    p.close()


@pytest.mark.ews_schema
def test_mail_tips_cut_off_halfway_are_not_read(ews, ca_file):
    ews.inject(Fault.truncated_xml())
    p = provider(ews, ca_file)
    with pytest.raises(BadResponse, match="cannot read"):
        p.auto_replies(["bob@contoso.com"])
    p.close()
