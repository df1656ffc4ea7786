"""People from the directory (``User.ReadBasic.All``): search by name, names for addresses.

``User.ReadBasic.All`` reads only the basic profile (id, displayName, mail,
userPrincipalName, given name, surname, photo), which is all the board shows; department and
phone would need ``User.Read.All``, which Attendant does not ask for. Search uses
``$search`` (``ConsistencyLevel: eventual``), which matches the start of any word of the
display name or address; names for the watch list come from ``$filter=mail in (…)``.
"""

from __future__ import annotations

from collections.abc import Sequence

from loguru import logger

from attendant.domain import Mailbox, MailboxKind
from attendant.providers.errors import BadResponse
from attendant.providers.graph.transport import ConsentMissing, GraphTransport, Json

PERMISSION = "User.ReadBasic.All"
USERS = "v1.0/users"
SELECT = "id,displayName,mail,userPrincipalName"
#: Values in one ``mail in (…)`` filter (Graph limits the length of a filter clause).
FILTER_BATCH = 15


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
        found.append(Mailbox(address, str(user.get("displayName") or "") or None, kind))
    return found


def search(
    transport: GraphTransport, query: str, limit: int, rooms: frozenset[str] = frozenset()
) -> list[Mailbox]:
    """People (and rooms) whose name or address starts with the words of ``query``."""
    text = " ".join(query.split())
    if not text or limit <= 0:
        return []
    quoted = text.replace("\\", "\\\\").replace('"', '\\"')
    page = transport.get(
        USERS,
        permission=PERMISSION,
        params={
            "$search": f'"displayName:{quoted}" OR "mail:{quoted}"',
            "$select": SELECT,
            "$top": str(min(limit, 100)),
        },
        headers={"ConsistencyLevel": "eventual"},
    )
    return _mailboxes(page, rooms)[:limit]


def resolve(
    transport: GraphTransport, addresses: Sequence[str], rooms: frozenset[str] = frozenset()
) -> list[Mailbox]:
    """The known mailboxes among ``addresses`` with their display names.

    Names are a nicety: without the permission the board still works with bare addresses,
    so a missing consent is logged, not raised.
    """
    wanted = list(dict.fromkeys(a.strip() for a in addresses if "@" in a))
    found: dict[str, Mailbox] = {}
    try:
        for start in range(0, len(wanted), FILTER_BATCH):
            chunk = wanted[start : start + FILTER_BATCH]
            values = ",".join("'" + a.replace("'", "''") + "'" for a in chunk)
            page = transport.get(
                USERS,
                permission=PERMISSION,
                params={"$filter": f"mail in ({values})", "$select": SELECT},
            )
            found.update((m.key, m) for m in _mailboxes(page, rooms))
    except ConsentMissing as error:
        logger.warning("Display names unavailable: {}", error.message)
    return [found[a.casefold()] for a in wanted if a.casefold() in found]
