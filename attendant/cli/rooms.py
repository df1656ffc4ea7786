"""``attendant rooms``: the room lists and their rooms as the server reports them."""

from __future__ import annotations

import argparse
from typing import TextIO

from attendant.cli.session import EXIT_OK, Session, dump_json, with_session
from attendant.providers.base import RoomCatalog
from attendant.providers.errors import NotSupported


def run(args: argparse.Namespace, *, out: TextIO, err: TextIO) -> int:
    def body(session: Session) -> int:
        if not isinstance(session.provider, RoomCatalog):
            raise NotSupported(f"The {session.provider.name} provider cannot list rooms.")
        lists = session.guarded.call(lambda p: p.room_lists())  # type: ignore[attr-defined]
        if args.json:
            dump_json(
                {
                    "room_lists": [
                        {
                            "address": rl.address,
                            "name": rl.name,
                            "rooms": [{"address": r.address, "name": r.name} for r in rl.rooms],
                        }
                        for rl in lists
                    ]
                },
                out,
            )
        else:
            for rl in lists:
                out.write(f"{rl.name or rl.address} <{rl.address}>\n")
                for room in rl.rooms:
                    out.write(f"  {room.name or room.address} <{room.address}>\n")
        return EXIT_OK

    return with_session(args, err, body, out=out)
