"""``attendant rooms``: the room lists and their rooms as the server reports them."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from attendant.cli.session import EXIT_OK, Session, dump_json, with_session
from attendant.domain import RoomList
from attendant.providers.base import RoomCatalog
from attendant.providers.errors import NotSupported, SettingsInvalid
from attendant.services.watch import room_list_note, with_watched


def run(args: argparse.Namespace, *, out: TextIO, err: TextIO) -> int:
    def body(session: Session) -> int:
        if not isinstance(session.provider, RoomCatalog):
            raise SettingsInvalid(
                f"The {session.provider.name} provider cannot list rooms.",
                hint="List the rooms under watch.rooms in the settings file.",
            )
        try:
            reported = session.guarded.call(lambda p: p.room_lists())  # type: ignore[attr-defined]
        except NotSupported as error:  # Exchange 2007 SP1: a limit of the version, not a failure
            raise SettingsInvalid(
                error.message,
                hint="List the rooms under watch.rooms in the settings file "
                "(Settings ▸ Watch list ▸ Rooms); room lists need Exchange 2010 or later.",
            ) from error
        # A room list the server reports empty or does not know is data (INTERFACES.md §1).
        lists = with_watched(reported, session.loaded.settings.watch.room_lists)
        if args.json:
            dump_json({"room_lists": [_json(rl) for rl in lists]}, out)
        else:
            for rl in lists:
                out.write(f"{rl.name or rl.address} <{rl.address}>\n")
                for room in rl.rooms:
                    out.write(f"  {room.name or room.address} <{room.address}>\n")
                if not rl.rooms:
                    out.write(f"  {room_list_note(rl)}\n")
        return EXIT_OK

    return with_session(args, err, body, out=out)


def _json(room_list: RoomList) -> dict[str, Any]:
    """One room list; ``error`` only on a list the server reported empty or did not know."""
    data: dict[str, Any] = {
        "address": room_list.address,
        "name": room_list.name,
        "rooms": [{"address": r.address, "name": r.name} for r in room_list.rooms],
    }
    if room_list.error is not None:
        data["error"] = {"code": room_list.error.code, "message": room_list.error.message}
    return data
