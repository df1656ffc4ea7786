"""Room lists and rooms from Graph's places API (``Place.Read.All``, admin consent).

``GET /places/microsoft.graph.roomlist`` lists the room lists, ``GET
/places/{list}/microsoft.graph.roomlist/rooms`` each list's rooms, and ``GET
/places/microsoft.graph.room`` every room of the tenant; all three page with
``@odata.nextLink``. Rooms that belong to no room list would otherwise be invisible, so they
are gathered in a synthetic list, "Rooms in no room list", whose address is in the reserved
``.invalid`` domain so it can never be mistaken for a real mailbox; it can be watched like any
other list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any
from urllib.parse import quote

from loguru import logger

from attendant.domain import Mailbox, MailboxKind, RoomList
from attendant.providers.errors import BadResponse
from attendant.providers.graph.fanout import run_all
from attendant.providers.graph.transport import GraphTransport

PERMISSION = "Place.Read.All"
ROOM_LISTS = "v1.0/places/microsoft.graph.roomlist"
ALL_ROOMS = "v1.0/places/microsoft.graph.room"
NO_LIST_ADDRESS = "rooms-in-no-room-list@attendant.invalid"
NO_LIST_NAME = "Rooms in no room list"
PAGE_SIZE = 100
#: A server that keeps sending nextLinks is not followed for ever.
MAX_PAGES = 500


def rooms_path(list_address: str) -> str:
    return f"v1.0/places/{quote(list_address, safe='@')}/microsoft.graph.roomlist/rooms"


def paged(transport: GraphTransport, path: str) -> Iterator[dict[str, Any]]:
    """Every item of a collection, following ``@odata.nextLink``."""
    url: str | None = path
    params: dict[str, str] | None = {"$top": str(PAGE_SIZE)}
    seen: set[str] = set()
    while url is not None:
        if url in seen or len(seen) >= MAX_PAGES:
            raise BadResponse(f"Microsoft Graph's paging of {path} does not end.")
        seen.add(url)
        page = transport.get(url, permission=PERMISSION, params=params)
        value = page.get("value")
        if not isinstance(value, list):
            raise BadResponse(f"Microsoft Graph sent no 'value' list for {path}.")
        yield from (item for item in value if isinstance(item, dict))
        link = page.get("@odata.nextLink")
        url, params = (link, None) if isinstance(link, str) and link else (None, None)


def location_of(room: dict[str, Any]) -> str | None:
    """ "Building, floor N" from what Graph knows (either part may be missing)."""
    building = room.get("building")
    number = room.get("floorNumber")
    label = room.get("floorLabel")
    floor = f"floor {number}" if isinstance(number, int) else (label or None)
    parts = [str(p).strip() for p in (building, floor) if p and str(p).strip()]
    if not parts:
        return None
    text = ", ".join(parts)
    return text[0].upper() + text[1:]


def capacity_of(room: dict[str, Any]) -> int | None:
    """Seats as a number; some tenants send a numeric string (``"50"``); else unknown."""
    value = room.get("capacity")
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return value if isinstance(value, int) and value >= 0 else None


def _label(value: object) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    text = str(value).strip()
    return text or None


def floor_of(room: dict[str, Any]) -> str | None:
    """The floor as people say it: ``floorLabel``, else ``floorNumber``."""
    return _label(room.get("floorLabel")) or _label(room.get("floorNumber"))


def room_mailbox(room: dict[str, Any]) -> Mailbox | None:
    address = room.get("emailAddress")
    if not isinstance(address, str) or "@" not in address:
        logger.debug("Skipping a Graph room without an address: {}", room.get("displayName"))
        return None
    return Mailbox(
        address=address,
        name=str(room.get("displayName") or "") or None,
        kind=MailboxKind.ROOM,
        capacity=capacity_of(room),
        location=location_of(room),
        building=_label(room.get("building")),
        floor=floor_of(room),
    )


def _rooms(items: Iterator[dict[str, Any]]) -> tuple[Mailbox, ...]:
    found = (room_mailbox(item) for item in items)
    return tuple(m for m in found if m is not None)


def _rooms_at(transport: GraphTransport, path: str) -> tuple[Mailbox, ...]:
    return _rooms(paged(transport, path))


def room_lists(transport: GraphTransport, pool: ThreadPoolExecutor | None) -> list[RoomList]:
    """Every room list with its rooms, then the rooms that are in no list."""
    lists = [
        (str(item["emailAddress"]), str(item.get("displayName") or "") or None)
        for item in paged(transport, ROOM_LISTS)
        if isinstance(item.get("emailAddress"), str) and "@" in item["emailAddress"]
    ]
    paths = [*(rooms_path(address) for address, _ in lists), ALL_ROOMS]
    calls: list[Callable[[], tuple[Mailbox, ...]]] = [
        partial(_rooms_at, transport, path) for path in paths
    ]
    *members, everyone = run_all(pool, calls)
    result = [
        RoomList(address=address, name=name, rooms=rooms)
        for (address, name), rooms in zip(lists, members, strict=True)
    ]
    listed = {room.key for room_list in result for room in room_list.rooms}
    orphans = tuple(room for room in everyone if room.key not in listed)
    if orphans:
        result.append(RoomList(address=NO_LIST_ADDRESS, name=NO_LIST_NAME, rooms=orphans))
    return result
