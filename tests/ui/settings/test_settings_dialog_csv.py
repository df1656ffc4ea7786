"""Import CSV… on the Watch list page: a directory export's contact details and its rooms.

The file is an Exchange mailbox export (PowerShell's ``Export-Csv -Encoding Unicode``): people
come with their phones, department and job title, rooms with their seats; everything lands in
the dialog's copy of the settings as watch entries, and a bad row is reported by its line.
"""

from __future__ import annotations

from pathlib import Path

from test_settings_dialog_support import (
    click,
    no_keyring_fixture,  # noqa: F401 - a fixture, by its name
    open_dialog,
    settings_with,
    settled_workers_fixture,  # noqa: F401 - a fixture, by its name
)

from attendant.domain import WatchEntry

EXPORT = (
    "#TYPE Selected.Microsoft.Exchange.Data.Directory.Management.Mailbox\r\n"
    '"DisplayName","PrimarySmtpAddress","RecipientTypeDetails","Department","Title",'
    '"Phone","MobilePhone","ResourceCapacity"\r\n'
    '"Anna Becker","anna.becker@contoso.com","UserMailbox","Finance","Controller",'
    '"+39 06 5550100","+39 333 5550100",""\r\n'
    '"Room 6","room.6@contoso.com","RoomMailbox","","","","","12"\r\n'
    '"Room 4","room.4@contoso.com","RoomMailbox","","","","","8"\r\n'
    '"Broken room","room.9@contoso.com","RoomMailbox","","","","","-3"\r\n'
)


def test_csv_import_brings_contact_details_and_rooms(qtbot, tmp_path: Path) -> None:
    export = tmp_path / "mailboxes.csv"
    export.write_bytes(EXPORT.encode("utf-16"))
    dialog = open_dialog(
        qtbot,
        settings_with(watch__rooms=("room.4@contoso.com",)),
        choose_csv=lambda parent: export,
    )
    page = dialog.watch_page
    dialog.tabs.setCurrentWidget(page)
    click(qtbot, page.import_button)
    watch = dialog.session.settings.watch
    assert watch.people == (
        WatchEntry(
            "anna.becker@contoso.com",
            name="Anna Becker",
            phone="+39 06 5550100",
            mobile="+39 333 5550100",
            department="Finance",
            job_title="Controller",
        ),
    )
    assert watch.rooms == (
        WatchEntry("room.4@contoso.com"),  # already watched: left as it is
        WatchEntry("room.6@contoso.com", name="Room 6", capacity=12),
    )
    report = page.import_report.text()
    assert report.startswith("Imported 2 of 4 rows from mailboxes.csv."), report
    assert "1 were already in the list." in report
    assert "line 6: capacity '-3' is not a whole number of seats" in report
    assert page.rooms.model.rowCount() == 2
