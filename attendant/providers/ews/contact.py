"""What ResolveNames says of a person besides the name: phones, department, job title.

``ResolveNames`` with ``ReturnFullContactData="true"`` answers each resolution with the
mailbox and, for a directory entry, a ``Contact`` (``ContactItemType``): its ``PhoneNumbers``
dictionary (``BusinessPhone``, ``MobilePhone`` and a score of other keys, many of them empty),
``Department`` and ``JobTitle``. Exchange sends empty elements for empty fields, may leave the
Contact out altogether, and newer servers know phone keys older schemas do not; all of that
is read as "unknown", never as an error: contact details are a nicety beside the statuses.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from attendant.domain import Mailbox

#: PhoneNumbers keys for the office phone and the mobile, the first one with a number wins.
BUSINESS_KEYS = ("BusinessPhone", "BusinessPhone2", "CompanyMainPhone")
MOBILE_KEYS = ("MobilePhone", "BusinessMobile")
#: The longest detail kept (a directory field is a line, not a document).
MAX_LENGTH = 200


def _text(value: Any) -> str | None:
    """One line of text from a directory field, or None when it says nothing."""
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())[:MAX_LENGTH].strip()
    return text or None


def _numbers(contact: Any) -> dict[str, str]:
    """The PhoneNumbers entries with a number, by key (the first of a repeated key wins)."""
    found: dict[str, str] = {}
    entries = getattr(contact, "phone_numbers", None)
    for entry in entries if isinstance(entries, list | tuple) else ():
        key = getattr(entry, "label", None)
        number = _text(getattr(entry, "phone_number", None))
        if isinstance(key, str) and number is not None:
            found.setdefault(key, number)
    return found


def _first(numbers: dict[str, str], keys: tuple[str, ...]) -> str | None:
    return next((numbers[key] for key in keys if key in numbers), None)


def with_contact(mailbox: Mailbox, contact: Any) -> Mailbox:
    """``mailbox`` with the phone, mobile, department and job title of ``contact`` (an
    exchangelib ``Contact``, or None when the server sent none) where it says them."""
    if contact is None:
        return mailbox
    numbers = _numbers(contact)
    return replace(
        mailbox,
        phone=_first(numbers, BUSINESS_KEYS) or mailbox.phone,
        mobile=_first(numbers, MOBILE_KEYS) or mailbox.mobile,
        department=_text(getattr(contact, "department", None)) or mailbox.department,
        job_title=_text(getattr(contact, "job_title", None)) or mailbox.job_title,
    )
