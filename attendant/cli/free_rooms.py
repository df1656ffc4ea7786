"""``attendant free-rooms``: the room finder on the command line (INTERFACES.md §1)."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any, TextIO

from attendant.cli.availability import _parse_instant
from attendant.cli.session import EXIT_OK, Session, dump_json, fail, iso, with_session
from attendant.domain import MailboxKind
from attendant.providers.errors import SettingsInvalid
from attendant.services.clock import local_now, local_zone
from attendant.services.names import NameCache
from attendant.services.room_finder import (
    FinderResult,
    fill_room_details,
    find_free_rooms,
    finder_window,
    free_for_words,
    room_place,
    seats_words,
)
from attendant.services.setup import effective_watch
from attendant.services.watch import expand_watch


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """Register ``free-rooms`` with the top-level parser's subcommands."""
    parser = sub.add_parser(
        "free-rooms", parents=[common], help="watched rooms free now for a while, longest first"
    )
    parser.add_argument(
        "--for",
        dest="minutes",
        type=int,
        default=30,
        metavar="MINUTES",
        help="free for at least MINUTES (default 30)",
    )
    parser.add_argument("--capacity", type=int, metavar="N", help="at least N seats")
    parser.add_argument("--at", metavar="ISO", help='the instant "now" is evaluated at')
    parser.add_argument("--json", action="store_true", help="print JSON")


def result_json(provider: str, result: FinderResult, capacity: int | None) -> dict[str, Any]:
    zone = result.at.tzinfo
    return {
        "provider": provider,
        "at": iso(result.at, zone),
        "for_minutes": result.minutes,
        "capacity": capacity,
        "rooms": [
            {
                "address": room.mailbox.address,
                "name": room.mailbox.name,
                "capacity": room.mailbox.capacity,
                "building": room.mailbox.building,
                "floor": room.mailbox.floor,
                "free_until": iso(room.free_until, zone),
            }
            for room in result.rooms
        ],
    }


def run(args: argparse.Namespace, *, out: TextIO, err: TextIO) -> int:
    if args.minutes < 1:
        return fail(
            args, 2, f"--for must be at least 1 minute (got {args.minutes})", out=out, err=err
        )
    if args.capacity is not None and args.capacity < 1:
        return fail(
            args, 2, f"--capacity must be at least 1 (got {args.capacity})", out=out, err=err
        )

    def body(session: Session) -> int:
        zone = local_zone()
        at = _parse_instant(args.at, "at", zone) if args.at else local_now().replace(microsecond=0)
        try:
            window = finder_window(at, args.minutes)
        except (ValueError, OverflowError):
            raise SettingsInvalid(f"--for {args.minutes} minutes is too long.") from None
        watch = effective_watch(session.provider, session.loaded.settings.watch_list())
        names = NameCache(session.paths.state_dir)
        watched = session.guarded.call(lambda p: expand_watch(p, watch, names))
        rooms = [m for m in watched.mailboxes if m.kind is MailboxKind.ROOM]
        rooms = session.guarded.call(lambda p: fill_room_details(p, rooms, watched.catalogue))
        answers = session.guarded.call(lambda p: p.get_availability(rooms, window)) if rooms else []
        result = find_free_rooms(answers, at, args.minutes, capacity=args.capacity)
        if args.json:
            dump_json(result_json(session.provider.name, result, args.capacity), out)
        else:
            _print(result, args.capacity, len(rooms), out)
        return EXIT_OK

    return with_session(args, err, body, out=out)


def _hhmm(value: datetime | None, zone: Any) -> str:
    return "" if value is None else value.astimezone(zone).strftime("%H:%M")


def _print(result: FinderResult, capacity: int | None, watched: int, out: TextIO) -> None:
    at = result.at
    seats = f" with at least {capacity} seats" if capacity else ""
    out.write(
        f"Rooms free at {at.strftime('%Y-%m-%d %H:%M')} for at least {result.minutes} min"
        f"{seats}: {len(result.rooms)} of {watched} watched\n"
    )
    width = max((len(r.mailbox.display_name) for r in result.rooms), default=10)
    for room in result.rooms:
        mailbox = room.mailbox
        size = seats_words(mailbox.capacity)
        place = room_place(mailbox)
        until = f" (until {_hhmm(room.free_until, at.tzinfo)})" if room.free_until else ""
        line = f"  {mailbox.display_name:<{width}}  {size:<13}  {free_for_words(result, room)}"
        line += until + (f"  · {place}" if place else "")
        out.write(line.rstrip() + "\n")
    if not result.rooms:
        out.write("  No watched room is free for that long.\n")
    if result.unknown_capacity:
        count = result.unknown_capacity
        noun = "room" if count == 1 else "rooms"
        out.write(
            f"{count} free {noun} of unknown capacity left out "
            "(give the capacity in the watch list).\n"
        )
