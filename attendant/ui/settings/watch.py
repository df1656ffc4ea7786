"""The Watch list page: people, rooms and room lists, side by side.

Colleagues come from the directory search or a CSV file (parsed by the Qt-free
:mod:`attendant.services.csv_import`, bad rows reported by line), rooms and room lists from
the server's room lists, or anyone by address. The server is asked with the provider built
from the dialog's edited copy, off the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QGridLayout, QPushButton, QVBoxLayout, QWidget

from attendant.domain import Mailbox, RoomList, WatchEntry
from attendant.services.csv_import import CsvImport, CsvUnreadable, read_people_csv
from attendant.settings.entries import clean_detail
from attendant.ui.settings.discovery import (
    HIDDEN_ROOMS_NOTE,
    DirectorySearchDialog,
    RoomDiscoveryDialog,
)
from attendant.ui.settings.fields import EditSession
from attendant.ui.settings.lists import AddressList
from attendant.ui.settings.pages.base import note
from attendant.ui.settings.worker import ProviderAccess

#: Problems listed in the import report before "and N more".
SHOWN_PROBLEMS = 8


class WatchPage(QWidget):
    """The three lists side by side, with the directory search, CSV import and discovery."""

    def __init__(
        self,
        session: EditSession,
        access: ProviderAccess,
        password: Callable[[], str | None],
        *,
        choose_csv: Callable[[QWidget], Path | None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self._access = access
        self._password = password
        self._choose_csv = choose_csv or _choose_csv
        self.names: dict[str, str] = {}
        self.people = AddressList(
            "watch.people", session, self.names, placeholder="name@contoso.com", parent=self
        )
        self.search_button = QPushButton("&Search the directory…", self)
        self.search_button.clicked.connect(self.open_search)
        self.import_button = QPushButton("&Import CSV…", self)
        self.import_button.setToolTip(
            "A CSV file with the columns name, email, department, phone (comma, semicolon or "
            "tab, header row optional), or an export of Outlook, Entra ID or Exchange; rooms "
            "(RoomMailbox, or capacity, building, floor columns) go to the rooms"
        )
        self.import_button.clicked.connect(self.choose_and_import)
        self.import_report = note("", self)
        self.import_report.hide()

        self.rooms = AddressList(
            "watch.rooms", session, self.names, placeholder="room.4@contoso.com", parent=self
        )
        self.discover_button = QPushButton("Disco&ver rooms…", self)
        self.discover_button.clicked.connect(self.open_discovery)

        self.room_lists = AddressList(
            "watch.room_lists",
            session,
            self.names,
            placeholder="rooms-hq@contoso.com",
            parent=self,
        )
        self.discover_lists_button = QPushButton("Discover room &lists…", self)
        self.discover_lists_button.clicked.connect(self.open_discovery)
        self.search_button.setEnabled(not self.people.locked)
        self.import_button.setEnabled(not self.people.locked)
        self.discover_button.setEnabled(not self.rooms.locked)
        self.discover_lists_button.setEnabled(not self.room_lists.locked)

        # The lists side by side, their extras below them: the lists line up whatever
        # each column has underneath.
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        extras = (
            (self.search_button, self.import_button, self.import_report),
            (self.discover_button, note(HIDDEN_ROOMS_NOTE, self)),
            (
                self.discover_lists_button,
                note(
                    "Every room of a watched room list is on the board, as the list changes.", self
                ),
            ),
        )
        for column, (lst, below) in enumerate(
            zip((self.people, self.rooms, self.room_lists), extras, strict=True)
        ):
            grid.addWidget(lst, 0, column)
            box = QVBoxLayout()
            for widget in below:
                box.addWidget(widget)
            box.addStretch(1)
            grid.addLayout(box, 1, column)
            grid.setColumnStretch(column, 1)
        grid.setRowStretch(0, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(
            note(
                "The board shows these people and rooms. Add colleagues from the directory or "
                "a CSV file, rooms from the server's room lists, or anyone by address.",
                self,
            )
        )
        layout.addLayout(grid, 1)
        self.dialogs: list[QWidget] = []

    # -- CSV -----------------------------------------------------------------------------

    def choose_and_import(self) -> None:
        path = self._choose_csv(self)
        if path is not None:
            self.import_csv(path)

    def import_csv(self, path: Path) -> CsvImport | None:
        """Add the good rows of ``path`` to the people; report the bad ones by line."""
        try:
            result = read_people_csv(path)
        except CsvUnreadable as error:
            self._report(str(error), error=True)
            return None
        fresh = result.new_entries(self.people.addresses)
        added, _problems = self.people.add(fresh)
        fresh_rooms = result.new_room_entries(self.rooms.addresses)
        added += self.rooms.add(fresh_rooms)[0] if fresh_rooms else 0
        already = len(result.people) + len(result.rooms) - len(fresh) - len(fresh_rooms)
        rows = len(result.people) + len(result.rooms) + len(result.problems)
        lines = [f"Imported {added} of {rows} rows from {path.name}."]
        if already:
            lines.append(f"{already} were already in the list.")
        if result.problems:
            lines.append(f"{len(result.problems)} rows were not imported:")
            lines.extend(f"• {problem}" for problem in result.problems[:SHOWN_PROBLEMS])
            if len(result.problems) > SHOWN_PROBLEMS:
                lines.append(f"… and {len(result.problems) - SHOWN_PROBLEMS} more.")
        self._report("\n".join(lines), error=bool(result.problems))
        self.people.refresh()
        self.rooms.refresh()
        return result

    def _report(self, text: str, *, error: bool) -> None:
        self.import_report.setObjectName("fieldWarning" if error else "pageNote")
        self.import_report.style().unpolish(self.import_report)
        self.import_report.style().polish(self.import_report)
        self.import_report.setText(text)
        self.import_report.show()

    # -- the server ----------------------------------------------------------------------

    def open_search(self) -> DirectorySearchDialog:
        dialog = DirectorySearchDialog(self._access, self.session.settings, self._password(), self)
        dialog.chosen.connect(self._add_people)
        self._keep(dialog)
        dialog.open()
        return dialog

    def open_discovery(self) -> RoomDiscoveryDialog:
        dialog = RoomDiscoveryDialog(self._access, self.session.settings, self._password(), self)
        dialog.chosen.connect(self._add_rooms)
        self._keep(dialog)
        dialog.open()
        dialog.discover()
        return dialog

    def _keep(self, dialog: QWidget) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialogs.append(dialog)
        dialog.destroyed.connect(lambda *_: self.dialogs.remove(dialog))

    def _add_people(self, people: list[Mailbox]) -> None:
        """Adds the people chosen in the directory with the name, department and phones the
        directory gave, so that the board has them without asking the server again."""
        self.people.add(person_entry(p) for p in people)
        self.people.refresh()

    def _add_rooms(self, rooms: list[Mailbox], lists: list[RoomList]) -> None:
        for room_list in lists:
            if room_list.name:
                self.names[room_list.address.casefold()] = room_list.name
        self.rooms.add(WatchEntry(r.address, name=clean_detail(r.name)) for r in rooms)
        self.room_lists.add(rl.address for rl in lists)
        self.rooms.refresh()
        self.room_lists.refresh()


def person_entry(person: Mailbox) -> WatchEntry:
    """The watch entry for a person found in the directory: what it said about them."""
    return WatchEntry(
        person.address,
        name=clean_detail(person.name),
        phone=clean_detail(person.phone),
        mobile=clean_detail(person.mobile),
        department=clean_detail(person.department),
        job_title=clean_detail(person.job_title),
    )


def _choose_csv(parent: QWidget) -> Path | None:
    name, _ = QFileDialog.getOpenFileName(
        parent,
        "Import people from a CSV file",
        str(Path.home()),
        "CSV files (*.csv *.txt);;All files (*)",
    )
    return Path(name) if name else None
