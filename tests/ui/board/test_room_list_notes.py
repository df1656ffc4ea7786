"""A watched room list without rooms is named beside the rooms board's counts, not left out.

Real exchangelib against the fake Exchange: ``GetRooms`` of an empty list answers
``ErrorNameResolutionNoResults``, a mistyped list is not among ``GetRoomLists``; the other
list's rooms and the people are served, and the rooms board says which lists gave no rooms.
"""

from __future__ import annotations

import os

import pytest
from test_board_contacts import close_console, open_console

from attendant.domain import WatchList
from tests.fakes.helpers import exchange_provider, seed_contoso
from tests.providers.test_graph import DAY, ROME

pytest_plugins = ("tests.fakes.fixtures",)  # ca_file, make_ews


@pytest.mark.ews_schema
def test_room_lists_without_rooms_are_named_beside_the_counts(
    qtbot, qasync_loop, make_ews, ca_file, tmp_path
):
    ews = make_ews()
    seed_contoso(ews, DAY, tz=ROME)
    ews.add_room_list("rooms-empty@contoso.com", "Empty rooms", [])
    watch = WatchList(
        people=("alice@contoso.com",),
        room_lists=("rooms-hq@contoso.com", "rooms-empty@contoso.com"),
    )
    provider = exchange_provider(ews, ca_file, zone=ROME, timeout_seconds=10)
    window, service = open_console(qtbot, provider, watch, tmp_path, "Exchange")
    try:
        note = window.rooms.note
        qtbot.waitUntil(note.isVisible, timeout=10_000)
        assert note.text().startswith("Empty rooms: no rooms (server says ")
        assert "ErrorNameResolutionNoResults" in note.toolTip()
        assert window.rooms.view.model().rowCount() == 2  # HQ's rooms are on the board
        assert window.people.view.model().rowCount() == 1
        assert not window.people.note.isVisible()
        if os.environ.get("ATTENDANT_SHOTS"):
            window.grab().save(os.path.join(os.environ["ATTENDANT_SHOTS"], "room-list-note.png"))
    finally:
        close_console(qtbot, qasync_loop, window, service)
