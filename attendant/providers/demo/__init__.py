"""The built-in demo directory: a believable company, so Attendant runs with no server.

Harbourview Ltd has about forty people in six departments and twelve rooms in three room
lists. Their calendars are invented afresh for every day — deterministically, seeded by the
date and the address — and anchored to the desk's local clock, so the board looks like a real
office day: people go in and out of meetings, some are out of office for a few days, some
work elsewhere, rooms fill up around ten and after lunch.
"""

from __future__ import annotations

from collections.abc import Sequence

from attendant.domain import Availability, Mailbox, RoomList, WatchEntry, WatchList, Window
from attendant.providers.demo.calendar import day_events, days_of
from attendant.providers.demo.directory import DOMAIN, DemoDirectory

__all__ = ["DOMAIN", "DemoDirectory", "DemoProvider"]


class DemoProvider:
    """Free/busy from the demo directory; also lists rooms, resolves names and searches."""

    name = "demo"

    def __init__(self, directory: DemoDirectory | None = None) -> None:
        self.directory = directory or DemoDirectory.company()
        self._by_key = {m.key: m for m in self.directory.mailboxes}

    # -- FreeBusyProvider --------------------------------------------------------------

    def get_availability(self, mailboxes: Sequence[Mailbox], window: Window) -> list[Availability]:
        result = []
        for asked in mailboxes:
            known = self._by_key.get(asked.key)
            if known is None:
                result.append(
                    Availability.failed(
                        asked,
                        "ErrorMailRecipientNotFound",
                        f"No mailbox {asked.address} in the demo directory.",
                    )
                )
                continue
            events = {  # a holiday of several days is made once per day: keep it once
                event: None
                for day in days_of(window)
                for event in day_events(known, day, window.start.tzinfo)
                if event.overlaps(window)
            }
            ordered = sorted(events, key=lambda e: (e.start, e.end))
            # What the watch list says of the mailbox wins; the directory fills in the rest.
            result.append(Availability(asked.filled_from(known), tuple(ordered)))
        return result

    def credential_material(self) -> bytes | None:
        return None

    def close(self) -> None:
        return None

    # -- capabilities ------------------------------------------------------------------

    def room_lists(self) -> list[RoomList]:
        return list(self.directory.room_lists)

    def resolve(self, addresses: Sequence[str]) -> list[Mailbox]:
        return [self._by_key[a.casefold()] for a in addresses if a.casefold() in self._by_key]

    def search(self, query: str, limit: int = 20) -> list[Mailbox]:
        words = query.casefold().split()
        hits = [
            m
            for m in self.directory.mailboxes
            if all(
                w in f"{m.display_name} {m.address} {m.department or ''}".casefold() for w in words
            )
        ]
        return hits[:limit]

    def default_watch(self) -> WatchList:
        """Everyone and every room: what a first start with no configuration shows."""
        return WatchList(
            people=tuple(WatchEntry(m.address) for m in self.directory.people),
            room_lists=tuple(rl.address for rl in self.directory.room_lists),
        )
