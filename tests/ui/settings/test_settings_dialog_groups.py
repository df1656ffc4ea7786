"""The group of watched people and rooms on the Watch list page: set, changed, cleared.

Driven from the keyboard and the mouse on the real dialog; the group goes into the dialog's
copy through the schema, and a file saved from it keeps every other detail.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QApplication
from test_settings_dialog_support import (
    click,
    no_keyring_fixture,  # noqa: F401 - a fixture, by its name
    open_dialog,
    retype,
    settings_with,
    settled_workers_fixture,  # noqa: F401 - a fixture, by its name
)

from attendant.domain import WatchEntry
from attendant.settings import load_settings, save_settings

BOB = WatchEntry("bob@contoso.com", name="Bob Builder", phone="+39 06 5550101", department="Sales")


def _select(lst, *rows: int) -> None:
    selection = lst.view.selectionModel()
    lst.view.setCurrentIndex(lst.model.index(rows[0], 0))
    for row in rows[1:]:
        selection.select(lst.model.index(row, 0), QItemSelectionModel.SelectionFlag.Select)


def test_a_group_is_typed_for_the_selected_people_from_the_keyboard(qtbot) -> None:
    dialog = open_dialog(
        qtbot, settings_with(watch__people=("alice@contoso.com", BOB, "carla@contoso.com"))
    )
    page = dialog.watch_page
    dialog.tabs.setCurrentWidget(page)
    people = page.people
    assert people.group is not None and page.room_lists.group is None
    people.view.setFocus()
    qtbot.keyClick(people.view, Qt.Key.Key_Home)
    qtbot.keyClick(people.view, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    field = people.group.field
    retype(qtbot, field, "  Front   desk ")
    qtbot.keyClick(field.lineEdit(), Qt.Key.Key_Return)
    assert dialog.isVisible()  # Enter set the group; it did not close the dialog
    assert dialog.session.settings.watch.people == (
        WatchEntry("alice@contoso.com", group="Front desk"),
        WatchEntry(
            "bob@contoso.com",
            name="Bob Builder",
            phone="+39 06 5550101",
            department="Sales",
            group="Front desk",
        ),
        WatchEntry("carla@contoso.com"),
    )
    assert people.model.index(1, 0).data() == "[Front desk]  Bob Builder <bob@contoso.com>"
    assert "Group: Front desk" in people.model.index(1, 0).data(Qt.ItemDataRole.ToolTipRole)
    # The two stay selected, and the list offers the group to the next entries.
    assert people.group.selected_rows() == [0, 1]
    assert [field.itemText(i) for i in range(field.count())] == ["Front desk"]

    # The mouse: Carla gets the group chosen from the list; an empty group takes Bob out.
    _select(people, 2)
    assert field.currentText() == ""
    field.setCurrentIndex(0)
    click(qtbot, people.group.button)
    assert dialog.session.settings.watch.people[2] == WatchEntry(
        "carla@contoso.com", group="Front desk"
    )
    _select(people, 1)
    assert field.currentText() == "Front desk"
    retype(qtbot, field, "")
    click(qtbot, people.group.button)
    assert dialog.session.settings.watch.people[1] == BOB


def test_rooms_take_a_group_and_a_bad_one_is_refused_with_the_schemas_words(qtbot) -> None:
    room = WatchEntry("room.6@contoso.com", name="Room 6", capacity=12)
    dialog = open_dialog(qtbot, settings_with(watch__rooms=(room,)))
    page = dialog.watch_page
    dialog.tabs.setCurrentWidget(page)
    rooms = page.rooms
    assert rooms.group is not None
    click(qtbot, rooms.group.button)  # nothing selected
    assert "Select the entries" in rooms.message.text()
    _select(rooms, 0)
    retype(qtbot, rooms.group.field, "x" * 201)
    click(qtbot, rooms.group.button)
    assert "must be one line of at most 200 characters" in rooms.message.text()
    assert dialog.session.settings.watch.rooms == (room,)
    retype(qtbot, rooms.group.field, "Ground floor")
    click(qtbot, rooms.group.button)
    assert not rooms.message.isVisible()
    assert dialog.session.settings.watch.rooms == (
        WatchEntry("room.6@contoso.com", name="Room 6", capacity=12, group="Ground floor"),
    )


def test_groups_set_in_the_dialog_are_saved_and_read_back(qtbot, tmp_path: Path) -> None:
    dialog = open_dialog(qtbot, settings_with(watch__people=(BOB,)))
    page = dialog.watch_page
    dialog.tabs.setCurrentWidget(page)
    _select(page.people, 0)
    retype(qtbot, page.people.group.field, "Sales desk")
    click(qtbot, page.people.group.button)
    path = tmp_path / "settings.toml"
    save_settings(dialog.session.settings, path)
    assert 'group = "Sales desk"' in path.read_text(encoding="utf-8")
    assert load_settings(path).settings.watch.people == (
        WatchEntry(
            "bob@contoso.com",
            name="Bob Builder",
            phone="+39 06 5550101",
            department="Sales",
            group="Sales desk",
        ),
    )


def test_a_csv_group_column_fills_the_groups(qtbot, tmp_path: Path) -> None:
    sheet = tmp_path / "reception.csv"
    sheet.write_text(
        "Name,Email,Group\nAlice Example,alice@contoso.com,Front desk\nDan,dan@contoso.com,\n",
        encoding="utf-8",
    )
    dialog = open_dialog(qtbot, choose_csv=lambda parent: sheet)
    page = dialog.watch_page
    dialog.tabs.setCurrentWidget(page)
    click(qtbot, page.import_button)
    assert dialog.session.settings.watch.people == (
        WatchEntry("alice@contoso.com", name="Alice Example", group="Front desk"),
        WatchEntry("dan@contoso.com", name="Dan"),
    )
    field = page.people.group.field
    assert [field.itemText(i) for i in range(field.count())] == ["Front desk"]


def test_enter_in_the_address_field_adds_and_keeps_the_dialog_open(qtbot) -> None:
    dialog = open_dialog(qtbot)
    dialog.tabs.setCurrentWidget(dialog.watch_page)
    rooms = dialog.watch_page.rooms
    rooms.address.setFocus()
    qtbot.keyClicks(rooms.address, "room.4@contoso.com")
    qtbot.keyClick(rooms.address, Qt.Key.Key_Return)
    assert dialog.session.settings.watch.rooms == (WatchEntry("room.4@contoso.com"),)
    assert dialog.isVisible()


def test_tab_goes_through_the_group_row_in_the_order_it_is_seen(qtbot) -> None:
    dialog = open_dialog(qtbot, settings_with(watch__people=(BOB,)))
    dialog.tabs.setCurrentWidget(dialog.watch_page)
    people = dialog.watch_page.people
    assert people.group is not None
    people.address.setFocus()
    qtbot.waitUntil(people.address.hasFocus, timeout=2000)
    for expected in (
        people.add_button,
        people.group.field,
        people.group.button,
        people.remove_button,
    ):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        focused = QApplication.focusWidget()
        assert focused is expected or focused.parentWidget() is expected, focused
