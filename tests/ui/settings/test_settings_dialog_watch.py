"""The Watch list page: CSV import with a report by line, directory search, room discovery.

The search and the discovery ask the fake Exchange (or the demo directory) off the GUI
thread, through the lockout guard; the lists change only through the dialog's copy.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from test_settings_dialog_support import (
    click,
    no_keyring_fixture,  # noqa: F401 - a fixture, by its name
    open_dialog,
    retype,
    settings_with,
    settled_workers_fixture,  # noqa: F401 - a fixture, by its name
)

from attendant.domain import WatchEntry
from attendant.ui.settings.discovery import DirectorySearchDialog, RoomDiscoveryDialog
from tests.fakes.helpers import DEFAULT_PASSWORD, DEFAULT_USERNAME, seed_contoso

pytest_plugins = ("tests.fakes.fixtures",)  # ca_file, make_ews

CSV = (
    "Name;E-mail;Department;Phone\n"
    "Alice Example;alice@contoso.com;Finance;+39 06 1\n"
    "Bob;bob at contoso;Sales;\n"
    "Carol;carol@contoso.com;Legal;\n"
    "Nobody;;;\n"
    "Alice twice;ALICE@contoso.com;;\n"
)


def test_csv_import_adds_the_good_rows_and_reports_the_bad_ones_by_line(
    qtbot, tmp_path: Path
) -> None:
    people_csv = tmp_path / "reception.csv"
    people_csv.write_text(CSV, encoding="utf-8")
    dialog = open_dialog(
        qtbot,
        settings_with(watch__people=("carol@contoso.com",)),
        choose_csv=lambda parent: people_csv,
    )
    page = dialog.watch_page
    dialog.tabs.setCurrentWidget(page)
    click(qtbot, page.import_button)
    assert dialog.session.settings.watch.people == (
        WatchEntry("carol@contoso.com"),
        WatchEntry(
            "alice@contoso.com", name="Alice Example", department="Finance", phone="+39 06 1"
        ),
    )
    report = page.import_report.text()
    assert report.startswith("Imported 1 of 5 rows from reception.csv.")
    assert "1 were already in the list." in report
    assert "3 rows were not imported:" in report
    assert "line 3: is not an e-mail address like name@contoso.com" in report
    assert "line 5: no e-mail address" in report
    assert "line 6: ALICE@contoso.com repeats line 2; skipped" in report
    assert page.people.model.index(1, 0).data() == "Alice Example <alice@contoso.com>"


def test_an_unreadable_csv_file_is_reported(qtbot, tmp_path: Path) -> None:
    sheet = tmp_path / "people.xlsx"
    sheet.write_bytes(b"PK\x03\x04\0\0")
    dialog = open_dialog(qtbot, choose_csv=lambda parent: sheet)
    dialog.tabs.setCurrentWidget(dialog.watch_page)
    click(qtbot, dialog.watch_page.import_button)
    assert "not a text file" in dialog.watch_page.import_report.text()
    assert dialog.session.settings.watch.people == ()


def test_addresses_are_checked_before_they_are_added(qtbot) -> None:
    dialog = open_dialog(qtbot)
    dialog.tabs.setCurrentWidget(dialog.watch_page)
    rooms = dialog.watch_page.rooms
    qtbot.keyClicks(rooms.address, "room 4")
    click(qtbot, rooms.add_button)
    assert rooms.message.text() == "“room 4” is not an e-mail address like name@contoso.com."
    assert dialog.session.settings.watch.rooms == ()
    retype(qtbot, rooms.address, "room.4@contoso.com")
    click(qtbot, rooms.add_button)
    assert dialog.session.settings.watch.rooms == (WatchEntry("room.4@contoso.com"),)
    assert rooms.address.text() == "" and "(1)" in rooms.title.text()
    rooms.view.setCurrentIndex(rooms.model.index(0, 0))
    click(qtbot, rooms.remove_button)
    assert dialog.session.settings.watch.rooms == ()


@pytest.fixture
def ews(make_ews):
    server = make_ews()
    seed_contoso(server, datetime.now(UTC).date())
    return server


def exchange(ews, ca_file) -> dict:
    return {
        "calendar__provider": "exchange",
        "calendar__grant_basic_auth": True,
        "calendar__exchange__ews_url": ews.url,
        "calendar__exchange__username": DEFAULT_USERNAME,
        "network__ca_bundle": str(ca_file),
        "network__timeout_seconds": 5,
    }


def test_directory_search_against_exchange_with_the_typed_password(
    qtbot, ews, ca_file, tmp_path, no_keyring
) -> None:
    dialog = open_dialog(qtbot, settings_with(**exchange(ews, ca_file)), state_dir=tmp_path)
    qtbot.keyClicks(dialog.pages["exchange"].password.edit, DEFAULT_PASSWORD)
    dialog.tabs.setCurrentWidget(dialog.watch_page)
    click(qtbot, dialog.watch_page.search_button)
    search = dialog.findChild(DirectorySearchDialog)
    assert search is not None and search.isVisible()
    qtbot.keyClicks(search.search, "ali")
    qtbot.waitUntil(lambda: search.results.rowCount() > 0, timeout=10_000)
    assert search.results.index(0, 0).data().startswith("Alice Example <alice@contoso.com>")
    click(qtbot, search.add_button)
    [alice] = dialog.session.settings.watch.people
    assert alice.address == "alice@contoso.com"
    assert alice.name == "Alice Example"
    assert dialog.watch_page.people.model.index(0, 0).data() == "Alice Example <alice@contoso.com>"
    assert ews.failed_logons == 0
    search.reject()


def test_directory_search_with_a_wrong_password_says_so_once(
    qtbot, ews, ca_file, tmp_path, no_keyring
) -> None:
    dialog = open_dialog(qtbot, settings_with(**exchange(ews, ca_file)), state_dir=tmp_path)
    qtbot.keyClicks(dialog.pages["exchange"].password.edit, "wrong")
    dialog.tabs.setCurrentWidget(dialog.watch_page)
    search = dialog.watch_page.open_search()
    qtbot.keyClicks(search.search, "ali")
    qtbot.waitUntil(lambda: "rejected" in search.status.text(), timeout=10_000)
    qtbot.keyClicks(search.search, "c")
    qtbot.waitUntil(lambda: "will not send them again" in search.status.text(), timeout=10_000)
    assert ews.failed_logons == 1
    search.reject()


def test_discover_rooms_from_the_room_lists(qtbot, ews, ca_file, tmp_path, no_keyring) -> None:
    dialog = open_dialog(qtbot, settings_with(**exchange(ews, ca_file)), state_dir=tmp_path)
    qtbot.keyClicks(dialog.pages["exchange"].password.edit, DEFAULT_PASSWORD)
    page = dialog.watch_page
    dialog.tabs.setCurrentWidget(page)
    click(qtbot, page.discover_button)
    discovery = dialog.findChild(RoomDiscoveryDialog)
    assert discovery is not None
    qtbot.waitUntil(lambda: discovery.model.rowCount() == 2, timeout=10_000)
    assert "2 room lists with 2 rooms" in discovery.status.text()
    hq = discovery.model.item(0, 0)
    assert hq.text() == "HQ rooms" and hq.rowCount() == 2
    lab = discovery.model.item(1, 0)
    assert lab.child(0, 0).text().startswith("no rooms (server says ErrorNameResolutionNoResults")
    hq.child(1, 0).setCheckState(Qt.CheckState.Checked)  # Room 5
    discovery.model.item(1, 0).setCheckState(Qt.CheckState.Checked)  # the whole Lab list
    click(qtbot, discovery.add_button)
    watch = dialog.session.settings.watch
    assert watch.rooms == (WatchEntry("room.5@contoso.com", name="Room 5"),)
    assert watch.room_lists == ("rooms-lab@contoso.com",)
    notes = " ".join(label.text() for label in discovery.findChildren(type(discovery.status)))
    assert "hidden from the address list" in notes
    discovery.reject()


def test_the_demo_directory_can_be_searched_from_the_keyboard(qtbot) -> None:
    dialog = open_dialog(qtbot)
    search = dialog.watch_page.open_search()
    qtbot.keyClicks(search.search, "an")
    qtbot.waitUntil(lambda: search.results.rowCount() > 0, timeout=10_000)
    first = search.results.index(0, 0).data(search.results.MAILBOX_ROLE)
    search.view.setFocus()
    qtbot.keyClick(search.view, Qt.Key.Key_Return)
    [added] = dialog.session.settings.watch.people
    assert (added.address, added.name) == (first.address, first.name)
    search.reject()


def test_details_written_in_the_file_survive_editing_the_list(qtbot) -> None:
    bob = WatchEntry("bob@contoso.com", name="Bob Builder", phone="+39 06 5550101", mobile="+39 3")
    room = WatchEntry("room.6@contoso.com", name="Room 6", capacity=12, building="Annex")
    dialog = open_dialog(
        qtbot,
        settings_with(watch__people=("alice@contoso.com", bob), watch__rooms=(room,)),
    )
    page = dialog.watch_page
    dialog.tabs.setCurrentWidget(page)
    people = page.people
    assert people.model.index(1, 0).data() == "Bob Builder <bob@contoso.com>"
    tooltip = people.model.index(1, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "Phone: +39 06 5550101" in tooltip and "Mobile: +39 3" in tooltip
    assert "Seats: 12" in page.rooms.model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    people.view.setCurrentIndex(people.model.index(0, 0))
    click(qtbot, people.remove_button)
    retype(qtbot, people.address, "carol@contoso.com")
    click(qtbot, people.add_button)
    assert dialog.session.settings.watch.people == (bob, WatchEntry("carol@contoso.com"))
    assert dialog.session.settings.watch.rooms == (room,)


def test_room_lists_with_exchange_2007_are_warned_about_where_the_version_is_chosen(
    qtbot,
) -> None:
    dialog = open_dialog(
        qtbot,
        settings_with(calendar__provider="exchange", watch__room_lists=("rooms-hq@contoso.com",)),
    )
    page = dialog.pages["exchange"]
    dialog.tabs.setCurrentWidget(page)
    combo = page.version.input
    assert not page.version.message.isVisible()
    combo.setFocus()
    combo.setCurrentIndex(combo.findData("Exchange2007_SP1"))
    assert dialog.session.settings.calendar.exchange.version == "Exchange2007_SP1"
    qtbot.waitUntil(page.version.message.isVisible)
    assert "Exchange 2007 SP1 has no room lists" in page.version.message.text()
    assert "the room list in the watch list is ignored" in page.version.message.text()
    assert dialog.ok_button.isEnabled()  # a warning, not an error
    lists = dialog.watch_page.room_lists
    dialog.tabs.setCurrentWidget(dialog.watch_page)
    lists.view.setCurrentIndex(lists.model.index(0, 0))
    click(qtbot, lists.remove_button)
    assert not page.version.message.text()
