"""Teams presence from Microsoft Graph: ``getPresencesByUserId`` with few, cached id lookups.

Presence is asked by Graph user id, up to 650 ids a request, so N people cost ceil(N / 650)
requests (delegated ``Presence.Read.All``). The ids come from the directory: ``$filter=mail
in (…)`` with 15 addresses a clause, 20 such lookups in one ``$batch``, so a thousand people
cost four requests the first time and none afterwards, because the ids are kept in the state
folder (``graph-user-ids.json``): an id never changes for a user.

Presence is a nicety beside the calendar, and Graph has been seen answering **401
Unauthorized** to presence with a token that works for everything else. So a 401 or 403 here
is :class:`PresenceRefused` (no consent), never a rejected sign-in: the token is not renewed,
no sign-in starts, the lockout guard records nothing. A 429 is :class:`PresenceThrottled`,
which holds back presence until its ``Retry-After`` and leaves the statuses alone (Graph
counts presence against its own limit, 1,500 requests per 30 s per app and tenant).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

from attendant.domain import Mailbox, Presence
from attendant.providers.errors import NotSupported, ProviderError, Throttled
from attendant.providers.graph import directory
from attendant.providers.graph.transport import (
    ConsentMissing,
    GraphTransport,
    Json,
    retry_after_seconds,
)
from attendant.statefile import read_json, write_json

PERMISSION = "Presence.Read.All"
PRESENCES = "v1.0/communications/getPresencesByUserId"
BATCH = "v1.0/$batch"
#: Ids in one getPresencesByUserId request (Graph's documented limit).
MAX_IDS = 650
#: Requests in one JSON batch (Graph's documented limit).
MAX_BATCH = 20
CACHE_FILE = "graph-user-ids.json"


class PresenceRefused(NotSupported):
    """Graph refused presence (401 or 403): the app lacks consent for Presence.Read.All."""

    kind = "presence_refused"


class PresenceThrottled(ProviderError):
    """Graph asked to wait before asking for presence again (the statuses are not affected)."""

    kind = "presence_throttled"

    def __init__(self, message: str, *, retry_after_seconds: float, hint: str = "") -> None:
        super().__init__(message, hint=hint)
        self.retry_after_seconds = max(0.0, retry_after_seconds)


class UserIds:
    """Graph user ids by folded address, remembered in the state folder."""

    def __init__(self, state_dir: Path | None) -> None:
        self._path = state_dir / CACHE_FILE if state_dir is not None else None
        stored = read_json(self._path)
        ids = stored.get("ids") if isinstance(stored, dict) else None
        self.ids: dict[str, str] = (
            {str(k): str(v) for k, v in ids.items() if isinstance(v, str) and v}
            if isinstance(ids, dict)
            else {}
        )
        #: Addresses the directory does not know (not stored: a new user may appear).
        self.unknown: set[str] = set()

    def missing(self, keys: Sequence[str]) -> list[str]:
        return [k for k in dict.fromkeys(keys) if k not in self.ids and k not in self.unknown]

    def learn(self, found: dict[str, str], asked: Sequence[str]) -> None:
        self.ids.update(found)
        self.unknown.update(k for k in asked if k not in found)
        if found:
            write_json(self._path, {"ids": self.ids})


def _refusal(error: ConsentMissing) -> PresenceRefused:
    return PresenceRefused(error.message, hint=error.hint)


def _throttled(seconds: float, what: str) -> PresenceThrottled:
    return PresenceThrottled(
        f"Microsoft Graph asked to wait {seconds:.0f} s before asking for {what} again.",
        retry_after_seconds=seconds,
        hint="Presence comes back by itself when the wait is over; statuses are not affected.",
    )


def resolve_ids(transport: GraphTransport, keys: Sequence[str], cache: UserIds) -> None:
    """Learn the user ids of ``keys`` the cache lacks: 15 addresses a filter, 20 a batch."""
    missing = cache.missing(keys)
    chunks = [
        missing[i : i + directory.FILTER_BATCH]
        for i in range(0, len(missing), directory.FILTER_BATCH)
    ]
    for first in range(0, len(chunks), MAX_BATCH):
        group = chunks[first : first + MAX_BATCH]
        requests = []
        for number, chunk in enumerate(group):
            values = ",".join("'" + a.replace("'", "''") + "'" for a in chunk)
            query = quote(f"mail in ({values})", safe="(),'@=")
            requests.append(
                {
                    "id": str(number),
                    "method": "GET",
                    "url": f"/users?$filter={query}&$select=id,mail",
                }
            )
        try:
            answer = transport.post(BATCH, {"requests": requests}, permission=directory.PERMISSION)
        except ConsentMissing as error:
            raise _refusal(error) from error
        except Throttled as error:
            raise _throttled(error.retry_after_seconds, "user ids") from error
        found = _ids_from_batch(answer)
        cache.learn(found, [k for chunk in group for k in chunk])


def _ids_from_batch(answer: Json) -> dict[str, str]:
    found: dict[str, str] = {}
    responses = answer.get("responses")
    for item in responses if isinstance(responses, list) else []:
        if not isinstance(item, dict):
            continue
        status = item.get("status")
        if status == 429:
            headers = item.get("headers")
            headers = headers if isinstance(headers, dict) else {}
            raise _throttled(retry_after_seconds(str(headers.get("Retry-After") or "")), "user ids")
        body = item.get("body")
        if status != 200 or not isinstance(body, dict):
            continue
        for user in body.get("value") or []:
            if isinstance(user, dict) and isinstance(user.get("mail"), str) and user.get("id"):
                found[user["mail"].casefold()] = str(user["id"])
    return found


def presences(
    transport: GraphTransport, mailboxes: Sequence[Mailbox], cache: UserIds
) -> dict[str, Presence]:
    """Presence by mailbox key for every person Graph knows among ``mailboxes``."""
    keys = list(dict.fromkeys(m.key for m in mailboxes))
    resolve_ids(transport, keys, cache)
    key_of = {cache.ids[k]: k for k in keys if k in cache.ids}
    ids = list(key_of)
    found: dict[str, Presence] = {}
    for start in range(0, len(ids), MAX_IDS):
        try:
            page = transport.post(
                PRESENCES,
                {"ids": ids[start : start + MAX_IDS]},
                permission=PERMISSION,
                refresh_on_401=False,
            )
        except ConsentMissing as error:
            raise _refusal(error) from error
        except Throttled as error:
            raise _throttled(error.retry_after_seconds, "presence") from error
        for item in page.get("value") or []:
            presence = _presence(item)
            if presence is not None and item["id"] in key_of:
                found[key_of[item["id"]]] = presence
    return found


def _presence(item: Any) -> Presence | None:
    if not isinstance(item, dict) or not isinstance(item.get("id"), str):
        return None
    availability = item.get("availability")
    if not isinstance(availability, str) or not availability:
        return None
    activity = item.get("activity")
    return Presence(availability, activity if isinstance(activity, str) and activity else None)
