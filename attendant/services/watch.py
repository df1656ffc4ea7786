"""Turn the watch list (addresses and room lists) into the mailboxes to ask about."""

from __future__ import annotations

from collections.abc import Iterable

from loguru import logger

from attendant.domain import Mailbox, MailboxKind, WatchEntry, WatchList
from attendant.providers.base import FreeBusyProvider, Resolver, RoomCatalog


def _unique(mailboxes: Iterable[Mailbox]) -> list[Mailbox]:
    seen: set[str] = set()
    kept: list[Mailbox] = []
    for mailbox in mailboxes:
        if mailbox.key not in seen:
            seen.add(mailbox.key)
            kept.append(mailbox)
    return kept


def watched_mailboxes(provider: FreeBusyProvider, watch: WatchList) -> list[Mailbox]:
    """People, then rooms, then the rooms of the watched room lists; each once.

    Blocking: it may ask the server for room lists and display names.
    """
    known: dict[str, Mailbox] = {}
    addresses = [entry.address for entry in (*watch.people, *watch.rooms)]
    if addresses and isinstance(provider, Resolver):
        known = {m.key: m for m in provider.resolve(addresses)}

    def named(entry: WatchEntry, kind: MailboxKind) -> Mailbox:
        found = known.get(entry.key)
        if found is None:
            return entry.as_mailbox(kind)
        return entry.apply_to(_with_kind(found, kind))

    people = [named(e, MailboxKind.PERSON) for e in watch.people]
    rooms = [named(e, MailboxKind.ROOM) for e in watch.rooms]
    listed: list[Mailbox] = []
    if watch.room_lists:
        if not isinstance(provider, RoomCatalog):
            logger.warning(
                "The {} provider cannot list rooms; room lists in the watch list are ignored",
                provider.name,
            )
        else:
            by_address = {rl.address.casefold(): rl for rl in provider.room_lists()}
            for address in watch.room_lists:
                room_list = by_address.get(address.casefold())
                if room_list is None:
                    logger.warning("Room list {} is not known to the server", address)
                    continue
                listed.extend(_with_kind(r, MailboxKind.ROOM) for r in room_list.rooms)
    return _unique([*people, *rooms, *listed])


def _with_kind(mailbox: Mailbox, kind: MailboxKind) -> Mailbox:
    if mailbox.kind is kind:
        return mailbox
    from dataclasses import replace

    return replace(mailbox, kind=kind)
