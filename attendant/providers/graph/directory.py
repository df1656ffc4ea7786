"""People from the directory: search by name, names and contact details for addresses.

``User.ReadBasic.All`` (what Attendant asks for at sign-in) reads the basic profile: id,
displayName, mail, userPrincipalName, given name, surname, photo. The board also shows a
person's phone, mobile, department and job title, so every query selects ``businessPhones``,
``mobilePhone``, ``department`` and ``jobTitle`` as well; Graph returns them only where the
app has **User.Read.All** (delegated, an administrator consents to it once in Entra ID ▸ App
registrations ▸ API permissions). Without it Graph leaves them out or sends null, and the
board shows what the watch list says. Whatever comes back, a missing field, a null, a number or a
list where text belongs is read as unknown, never as an error.

Search uses ``$search`` (``ConsistencyLevel: eventual``), which matches the start of any word
of the display name or address; names for the watch list come from ``$filter=mail in (…)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from loguru import logger

from attendant.domain import Mailbox, MailboxKind
from attendant.providers.errors import BadResponse
from attendant.providers.graph.transport import ConsentMissing, GraphTransport, Json

PERMISSION = "User.ReadBasic.All"
#: The permission that lets Graph return phones, department and job title.
CONTACT_PERMISSION = "User.Read.All"
USERS = "v1.0/users"
BASIC_SELECT = "id,displayName,mail,userPrincipalName"
SELECT = f"{BASIC_SELECT},businessPhones,mobilePhone,department,jobTitle"
#: Values in one ``mail in (…)`` filter (Graph limits the length of a filter clause).
FILTER_BATCH = 15
#: The longest detail kept (a directory field is a line, not a document).
MAX_LENGTH = 200


def _text(value: Any) -> str | None:
    """One line of text from a Graph field, or None when it is absent, null or not text."""
    if not isinstance(value, str):
        return None
    return " ".join(value.split())[:MAX_LENGTH].strip() or None


def _first_phone(value: Any) -> str | None:
    """The first number of ``businessPhones`` (a list of strings; anything else is unknown)."""
    if isinstance(value, str):  # not Graph's shape, but a number is a number
        return _text(value)
    if not isinstance(value, list):
        return None
    return next((t for t in (_text(v) for v in value) if t is not None), None)


def _mailboxes(page: Json, rooms: frozenset[str]) -> list[Mailbox]:
    found: list[Mailbox] = []
    users = page.get("value")
    if not isinstance(users, list):
        raise BadResponse("Microsoft Graph sent no 'value' list of users.")
    for user in users:
        if not isinstance(user, dict):
            continue
        address = user.get("mail")
        if not isinstance(address, str) or "@" not in address:
            continue  # no mailbox: nothing to show free/busy for
        kind = MailboxKind.ROOM if address.casefold() in rooms else MailboxKind.PERSON
        found.append(
            Mailbox(
                address,
                _text(user.get("displayName")),
                kind,
                department=_text(user.get("department")),
                phone=_first_phone(user.get("businessPhones")),
                mobile=_text(user.get("mobilePhone")),
                job_title=_text(user.get("jobTitle")),
            )
        )
    return found


def _users(
    transport: GraphTransport, params: Mapping[str, str], headers: Mapping[str, str] | None = None
) -> Json:
    """One page of users with the contact fields (null or absent without User.Read.All)."""
    return transport.get(
        USERS, permission=PERMISSION, params={**params, "$select": SELECT}, headers=headers
    )


def search(
    transport: GraphTransport, query: str, limit: int, rooms: frozenset[str] = frozenset()
) -> list[Mailbox]:
    """People (and rooms) whose name or address starts with the words of ``query``."""
    text = " ".join(query.split())
    if not text or limit <= 0:
        return []
    quoted = text.replace("\\", "\\\\").replace('"', '\\"')
    page = _users(
        transport,
        {
            "$search": f'"displayName:{quoted}" OR "mail:{quoted}"',
            "$top": str(min(limit, 100)),
        },
        headers={"ConsistencyLevel": "eventual"},
    )
    return _mailboxes(page, rooms)[:limit]


def resolve(
    transport: GraphTransport, addresses: Sequence[str], rooms: frozenset[str] = frozenset()
) -> list[Mailbox]:
    """The known mailboxes among ``addresses`` with their names and contact details.

    Names are a nicety: without the permission the board still works with bare addresses,
    so a missing consent is logged, not raised.
    """
    wanted = list(dict.fromkeys(a.strip() for a in addresses if "@" in a))
    found: dict[str, Mailbox] = {}
    try:
        for start in range(0, len(wanted), FILTER_BATCH):
            chunk = wanted[start : start + FILTER_BATCH]
            values = ",".join("'" + a.replace("'", "''") + "'" for a in chunk)
            page = _users(transport, {"$filter": f"mail in ({values})"})
            found.update((m.key, m) for m in _mailboxes(page, rooms))
    except ConsentMissing as error:
        logger.warning("Display names unavailable: {}", error.message)
    return [found[a.casefold()] for a in wanted if a.casefold() in found]
