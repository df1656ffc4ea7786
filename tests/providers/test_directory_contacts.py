# ruff: noqa: F811 - the Graph fixtures are imported by name
"""Phones, department and job title from the directory, against the fakes over loopback HTTPS.

EWS: ResolveNames with ``ReturnFullContactData``, answered with a ``Contact`` as types.xsd
describes it (requests and answers validated against Microsoft's schema), in the shapes
Exchange sends: the usual phone keys listed empty, no Contact at all, no PhoneNumbers, keys
Attendant does not use. Graph: ``users`` with ``businessPhones``, ``mobilePhone``,
``department`` and ``jobTitle``, which Graph fills only for a token with User.Read.All and
otherwise leaves null or out; odd types are read as unknown.
"""

from __future__ import annotations

import pytest

from attendant.domain import Mailbox, MailboxKind
from attendant.providers.exchange import ExchangeProvider
from tests.fakes.helpers import exchange_provider
from tests.providers.test_graph import ROME, Approver, World, make_world  # noqa: F401

pytest_plugins = ("tests.fakes.fixtures",)  # ca_file, make_ews, make_entra


def _exchange(ews, ca_file) -> ExchangeProvider:
    return exchange_provider(ews, ca_file, zone=ROME, timeout_seconds=10)


def _details(mailbox: Mailbox) -> tuple[str | None, ...]:
    return (mailbox.name, mailbox.phone, mailbox.mobile, mailbox.department, mailbox.job_title)


@pytest.mark.ews_schema
def test_resolve_names_brings_the_contact_data_in_every_shape_exchange_sends(make_ews, ca_file):
    ews = make_ews()
    ews.add_mailbox(
        "anna.becker@contoso.com",
        "Anna Becker",
        phone="+39 06 5550101",
        mobile="+39 333 5550101",
        department="Sales",
        job_title="Account manager",
    )
    # The directory knows nothing but the name: every phone entry empty, empty fields.
    ews.add_mailbox("bruno.costa@contoso.com", "Bruno Costa")
    # No Contact element at all (the schema allows a resolution without one).
    ews.add_mailbox("chiara.d@contoso.com", "Chiara D", contact=False, phone="+39 1")
    # Only keys Attendant does not use, and no empty entries.
    ews.add_mailbox(
        "dario.e@contoso.com",
        "Dario E",
        empty_phone_entries=False,
        phones={"HomePhone": "+39 06 1111", "Pager": "12", "BusinessFax": "+39 06 2222"},
        job_title="  Night\tporter \n",
    )
    # No PhoneNumbers element; the mobile under the other key Exchange has for it.
    ews.add_mailbox(
        "elena.f@contoso.com",
        "Elena F",
        empty_phone_entries=False,
        phones={"BusinessMobile": "+39 347 0000", "BusinessPhone2": "+39 06 3333"},
    )
    ews.add_mailbox("fabio.g@contoso.com", "Fabio G", empty_phone_entries=False)
    provider = _exchange(ews, ca_file)
    try:
        found = provider.resolve(
            [
                "anna.becker@contoso.com",
                "bruno.costa@contoso.com",
                "chiara.d@contoso.com",
                "dario.e@contoso.com",
                "elena.f@contoso.com",
                "fabio.g@contoso.com",
                "nobody@contoso.com",
            ]
        )
    finally:
        provider.close()
    assert {m.address: _details(m) for m in found} == {
        "anna.becker@contoso.com": (
            "Anna Becker",
            "+39 06 5550101",
            "+39 333 5550101",
            "Sales",
            "Account manager",
        ),
        "bruno.costa@contoso.com": ("Bruno Costa", None, None, None, None),
        "chiara.d@contoso.com": ("Chiara D", None, None, None, None),
        "dario.e@contoso.com": ("Dario E", None, None, None, "Night porter"),
        "elena.f@contoso.com": ("Elena F", "+39 06 3333", "+39 347 0000", None, None),
        "fabio.g@contoso.com": ("Fabio G", None, None, None, None),
    }
    bodies = [r.body for r in ews.request_log if r.operation == "ResolveNames"]
    assert bodies and all(b'ReturnFullContactData="true"' in b for b in bodies)
    assert ews.schema_errors == [] and ews.response_schema_errors == []


@pytest.mark.ews_schema
def test_the_directory_search_brings_the_contact_data_too(make_ews, ca_file):
    ews = make_ews()
    ews.add_mailbox("anna.becker@contoso.com", "Anna Becker", phone="+39 06 5550101")
    ews.add_mailbox("anna.rossi@contoso.com", "Anna Rossi", department="Legal")
    provider = _exchange(ews, ca_file)
    try:
        found = provider.search("anna")
    finally:
        provider.close()
    assert [(m.name, m.phone, m.department) for m in found] == [
        ("Anna Becker", "+39 06 5550101", None),
        ("Anna Rossi", None, "Legal"),
    ]
    assert ews.schema_errors == [] and ews.response_schema_errors == []


# -- Graph ---------------------------------------------------------------------------------


def _profiles(world: World) -> None:
    alice = world.graph.mailboxes["alice@contoso.com"]
    alice.business_phones = ["+39 06 5550100", "+39 06 5550199"]
    alice.mobile_phone = "+39 333 5550100"
    alice.department = "Finance"
    alice.job_title = "Controller"
    bob = world.graph.mailboxes["bob@contoso.com"]  # what a broken proxy or tenant may send
    bob.business_phones = [None, 42, "", "  +39 06 5550200 "]
    bob.mobile_phone = 3335550200
    bob.department = ["Sales"]
    bob.job_title = {"title": "x"}
    dave = world.graph.mailboxes["dave@contoso.com"]
    dave.business_phones = "+39 06 5550400"  # a string, not Graph's list
    dave.mobile_phone = ""
    dave.department = None


def _consent_user_read_all(world: World) -> None:
    """An administrator consents to User.Read.All; the receptionist signs in again."""
    world.entra.admin_consented.append(f"{world.graph.base_url}/User.Read.All")
    world.signin.sign_out()
    world.signin.sign_in_device_code(Approver(world.entra))


def test_graph_users_bring_the_contact_fields_with_user_read_all(make_world):
    world: World = make_world()
    _profiles(world)
    _consent_user_read_all(world)
    provider = world.provider()
    try:
        found = provider.resolve(
            ["alice@contoso.com", "bob@contoso.com", "dave@contoso.com", "ghost@contoso.com"]
        )
        searched = provider.search("alice")
    finally:
        provider.close()
    assert {m.address: _details(m) for m in found} == {
        "alice@contoso.com": (
            "Alice Example",
            "+39 06 5550100",
            "+39 333 5550100",
            "Finance",
            "Controller",
        ),
        "bob@contoso.com": ("Bob Builder", "+39 06 5550200", None, None, None),
        "dave@contoso.com": ("Dave Roamer", "+39 06 5550400", None, None, None),
    }
    assert [_details(m) for m in searched] == [_details(found[0])]
    asked = [r.path for r in world.graph.request_log if r.path.startswith("/v1.0/users")]
    assert asked and all("businessPhones" in p and "jobTitle" in p for p in asked)


@pytest.mark.parametrize("basic_profile", ["null", "omit"])
def test_graph_users_without_user_read_all_give_names_and_nothing_else(make_world, basic_profile):
    world: World = make_world()
    _profiles(world)
    world.graph.basic_profile = basic_profile
    provider = world.provider()
    try:
        found = provider.resolve(["alice@contoso.com", "room.4@contoso.com"])
    finally:
        provider.close()
    assert [_details(m) for m in found] == [
        ("Alice Example", None, None, None, None),
        ("Room 4", None, None, None, None),
    ]
    assert found[0].kind is MailboxKind.PERSON
