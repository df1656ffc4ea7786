"""The Contact element of a ResolveNames answer with ``ReturnFullContactData="true"``.

Exchange answers a directory entry with a ``t:Contact`` (``ContactItemType`` in types.xsd)
beside its ``t:Mailbox``: the display and given names, the addresses, the ``PhoneNumbers``
dictionary (the usual keys listed, empty where Active Directory has no number), the contact
source, department, job title, office and surname, in the schema's order. Empty fields come as
empty elements, as a real server sends them.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from .ews_model import FakeMailbox

#: The keys Exchange lists for an Active Directory contact, in the order it sends them.
USUAL_PHONE_KEYS = (
    "AssistantPhone",
    "BusinessFax",
    "BusinessPhone",
    "HomePhone",
    "MobilePhone",
    "Pager",
)


def _t(tag: str, text: str) -> str:
    return f"<t:{tag}>{escape(text)}</t:{tag}>" if text else f"<t:{tag}/>"


def _phone_numbers(box: FakeMailbox) -> str:
    numbers: dict[str, str] = dict.fromkeys(USUAL_PHONE_KEYS, "") if box.empty_phone_entries else {}
    if box.phone:
        numbers["BusinessPhone"] = box.phone
    if box.mobile:
        numbers["MobilePhone"] = box.mobile
    numbers.update(box.phones)
    if not numbers:
        return ""
    entries = "".join(
        f"<t:Entry Key={quoteattr(key)}>{escape(value)}</t:Entry>"
        if value
        else f"<t:Entry Key={quoteattr(key)}/>"
        for key, value in numbers.items()
    )
    return f"<t:PhoneNumbers>{entries}</t:PhoneNumbers>"


def contact_xml(box: FakeMailbox) -> str:
    """``<t:Contact>…</t:Contact>`` for ``box``, or "" when it has none to give."""
    if not box.contact:
        return ""
    given, _, surname = box.name.partition(" ")
    return (
        "<t:Contact>"
        + _t("DisplayName", box.name)
        + _t("GivenName", given)
        + _t("Initials", "")
        + _t("CompanyName", "")
        + "<t:EmailAddresses>"
        + f'<t:Entry Key="EmailAddress1">SMTP:{escape(box.address)}</t:Entry>'
        + "</t:EmailAddresses>"
        + _phone_numbers(box)
        + _t("AssistantName", "")
        + _t("ContactSource", "ActiveDirectory")
        + _t("Department", box.department)
        + _t("JobTitle", box.job_title)
        + _t("OfficeLocation", "")
        + _t("Surname", surname)
        + "</t:Contact>"
    )
