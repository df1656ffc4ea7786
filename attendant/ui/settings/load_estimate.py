"""The load a refresh interval puts on the server, in words for the admin choosing it.

Free/busy is asked in batches (EWS 100 mailboxes a request, Graph 20: ``ProviderInfo.
batch_size``), once every interval. The rooms of a room list are known only once the server
has been asked, so they are counted as "at least". Qt-free arithmetic and wording, kept next to
the dialog that shows it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: Below this interval Exchange Online may throttle the account, or lock it.
ONLINE_MINIMUM_SECONDS = 60
#: Providers that talk to Exchange Online (Microsoft's throttling and lockout policies apply).
ONLINE_PROVIDERS = frozenset({"office365", "graph"})


@dataclass(frozen=True, slots=True)
class LoadEstimate:
    """What the interval field says under itself: the load, and a warning if it is too much."""

    text: str
    requests_per_hour: int
    warning: str | None = None


def requests_per_hour(mailboxes: int, batch_size: int, interval_seconds: int) -> int:
    """Free/busy requests an hour for ``mailboxes`` asked every ``interval_seconds``."""
    if mailboxes <= 0 or interval_seconds <= 0:
        return 0
    batches = math.ceil(mailboxes / max(1, batch_size))
    return math.ceil(batches * 3600 / interval_seconds)


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def estimate_load(
    *,
    provider: str,
    interval_seconds: int,
    batch_size: int,
    people: int,
    rooms: int,
    room_lists: int,
) -> LoadEstimate:
    """The load of watching ``people`` + ``rooms`` + the rooms of ``room_lists``."""
    warning = None
    if provider in ONLINE_PROVIDERS and interval_seconds < ONLINE_MINIMUM_SECONDS:
        warning = (
            f"Refreshing more often than every {ONLINE_MINIMUM_SECONDS} s: Microsoft may "
            "throttle or lock the account."
        )
    if provider == "demo":
        return LoadEstimate("The demo directory sends no requests.", 0)
    mailboxes = people + rooms
    if mailboxes == 0 and room_lists == 0:
        return LoadEstimate(
            "Nothing is watched yet, so no free/busy requests are sent.", 0, warning
        )
    counted = max(mailboxes, 1) if room_lists else mailboxes
    per_hour = requests_per_hour(counted, batch_size, interval_seconds)
    parts = [
        text
        for count, text in (
            (people, _plural(people, "person", "people")),
            (rooms, _plural(rooms, "room")),
        )
        if count
    ]
    if room_lists:
        parts.append(f"rooms of {_plural(room_lists, 'room list')}")
    watched = " + ".join(parts)
    if room_lists:
        amount = f"At least {per_hour}"
    else:
        amount = f"About {per_hour}" if 3600 % interval_seconds else str(per_hour)
    text = (
        f"{amount} free/busy requests an hour for {watched} "
        f"(at most {batch_size} mailboxes a request, every {interval_seconds} s)."
    )
    return LoadEstimate(text, per_hour, warning)
