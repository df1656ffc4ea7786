"""The board the receptionist organises: favourites on top, groups, presence, contacts.

A thin layer over :class:`BoardModel`: favourites (pinned to the top whatever the sort),
grouping by department or by the watch list's groups (:meth:`OrganisedBoard.sections` gives
each row its heading), Teams presence beside the status, and whether a contact column has
anything to show. What the receptionist sets up is kept in :class:`BoardMemory`.

Presence arrives after the statuses and changes often, so an update only swaps a dictionary
and repaints the one column: no status is evaluated again, no row moves.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, tzinfo
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QObject,
    QPersistentModelIndex,
    Signal,
)

from attendant.domain import Mailbox, Presence, Snapshot
from attendant.ui.board import roles
from attendant.ui.board.cells import Column
from attendant.ui.board.faces import CellFace
from attendant.ui.board.model import BoardModel
from attendant.ui.board.remembered import BoardMemory
from attendant.ui.common.icons import favourite_icon

_LAST = "\U0010ffff"
#: The heading of the favourites on a grouped board, and of the rows without a group.
PINNED = "Pinned"
NO_GROUP = {"department": "No department", "group": "No group"}


def group_name(mailbox: Mailbox, grouping: str) -> str:
    """The group ``mailbox`` belongs to under ``grouping`` ("" when none)."""
    if grouping == "department":
        return mailbox.department or ""
    if grouping == "group":
        return mailbox.group or ""
    return ""


class OrganisedBoard(BoardModel):
    """:class:`BoardModel` with favourites, grouping, presence and contact columns."""

    #: Teams presence arrived or changed (the window shows or hides its column).
    presence_changed = Signal()
    #: Favourites or grouping changed.
    arrangement_changed = Signal()
    #: New presence values: views repaint the presence column (see :meth:`set_presence`).
    presence_updated = Signal()

    def __init__(
        self,
        clock: Callable[[], datetime],
        *,
        tz: tzinfo | None = None,
        memory: BoardMemory | None = None,
        slice_seconds: float = 0.002,
        parent: QObject | None = None,
    ) -> None:
        self.memory = memory if memory is not None else BoardMemory(None)
        self._presence: Mapping[str, Presence] = {}
        self._sections: list[str] | None = None
        self._headed: dict[str, dict[int, str]] = {}
        self._headings: dict[int, str] = {}
        super().__init__(clock, tz=tz, slice_seconds=slice_seconds, parent=parent)
        self._star = favourite_icon()

    # -- presence --------------------------------------------------------------------------

    def set_presence(self, presence: Mapping[str, Presence]) -> None:
        """Show Teams presence (by mailbox key); only the presence column is repainted."""
        if presence == self._presence:
            return
        had = bool(self._presence)
        self._presence = presence
        self._sort_keys.pop(Column.PRESENCE, None)
        self._faces.clear()  # the presence words
        # Not dataChanged: a view repaints its whole viewport for a change of many rows, and
        # presence changes every refresh. Views repaint just the column (BoardColumns).
        if self.sort_column == Column.PRESENCE:
            self._reorder(emit=True)
        self.presence_updated.emit()
        if had != bool(presence):
            self.presence_changed.emit()

    def presence_of(self, row: int) -> Presence | None:
        return self._presence.get(self.availability(row).mailbox.key)

    def has_presence(self) -> bool:
        return bool(self._presence)

    # -- favourites and groups -------------------------------------------------------------

    def is_favourite(self, row: int) -> bool:
        return self.availability(row).mailbox.key in self.memory.favourites

    def toggle_favourite(self, row: int) -> bool:
        """Pin the row's mailbox to the top (or unpin it); remembered at once."""
        pinned = self.memory.toggle_favourite(self.availability(row).mailbox.key)
        self._faces.clear()
        self._sections = None
        self._reorder(emit=True)
        self.arrangement_changed.emit()
        return pinned

    def set_grouping(self, grouping: str) -> None:
        """ "none", "department" or "group" (the watch list's): rows of a group together,
        groups by name, rows without one last."""
        if grouping != self.memory.grouping:
            self.memory.grouping = grouping
            self.memory.save()
            self._sections = None
            self._reorder(emit=True)
            self.arrangement_changed.emit()

    def group_of(self, row: int) -> str:
        return group_name(self.availability(row).mailbox, self.memory.grouping)

    def sections(self) -> list[str] | None:
        """For each row, the heading it comes under (favourites under :data:`PINNED`, rows
        without a group under "No group"); None when the board is not grouped."""
        grouping = self.memory.grouping
        if grouping == "none":
            return None
        if self._sections is None:
            entries = self._entries
            empty = NO_GROUP[grouping]
            spelt: dict[str, str] = {}  # "sales" and "Sales" sort together: one heading
            names = (
                [a.mailbox.department for a in entries]
                if grouping == "department"
                else [a.mailbox.group for a in entries]
            )
            sections = [spelt.setdefault(n.casefold(), n) if n else empty for n in names]
            favourites = self.memory.favourites
            if favourites:
                for row, availability in enumerate(entries):
                    if availability.mailbox.key in favourites:
                        sections[row] = PINNED
            self._sections = sections
        return self._sections

    def is_group(self, title: str) -> bool:
        """Whether the heading ``title`` is a group's (not the favourites' or "No group")."""
        return title != PINNED and title not in NO_GROUP.values()

    def set_headings(self, owner: str, headings: dict[int, str]) -> None:
        """The headings a view shows above rows (by row), for screen readers (see :meth:`data`)."""
        self._headed[owner] = headings
        self._headings = {row: text for part in self._headed.values() for row, text in part.items()}

    def set_snapshot(self, snapshot: Snapshot | None) -> None:
        # Same mailboxes, but a group or department changed: the rows move to their group.
        before = self.sections()
        super().set_snapshot(snapshot)
        self._sections = None
        if before is not None and len(before) == self.rowCount() and before != self.sections():
            self._reorder(emit=True)

    # -- BoardModel ------------------------------------------------------------------------

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = roles.DISPLAY) -> Any:
        if role == roles.ACCESSIBLE and index.column() == Column.NAME and self._headings:
            heading = self._headings.get(index.row())
            if heading is not None:  # the row under a heading: the heading is said first
                return f"{heading}: {self.availability(index.row()).mailbox.display_name}"
        if role == roles.TOOLTIP and index.column() == Column.PRESENCE and index.isValid():
            presence = self.presence_of(index.row())
            if presence is None:
                return None
            return f"Teams: {presence.availability}" + (
                f", {presence.activity}" if presence.activity else ""
            )
        return super().data(index, role)

    def multiData(
        self, index: QModelIndex | QPersistentModelIndex, span: QModelRoleDataSpan | QModelRoleData
    ) -> None:
        """Every role a delegate asks of a cell, in one call from Qt instead of one per role.

        A paint asks each visible cell for seven roles, and a call from Qt into Python costs
        more than most answers (which are "nothing"): a fifth of a board's paint.
        """
        data = self.data
        answered = roles.ANSWERED_ROLES
        roles.answer_roles(span, lambda role: data(index, role) if role in answered else None)

    def _row_faces(self, row: int) -> tuple[CellFace, ...]:
        faces = list(super()._row_faces(row))
        presence = self.presence_of(row)
        faces[Column.PRESENCE] = CellFace(presence.words if presence is not None else "")
        if self.is_favourite(row):
            faces[Column.NAME] = faces[Column.NAME]._replace(icon=self._star)
        return tuple(faces)

    def _sort_key(self, row: int, column: int) -> Any:
        if column == Column.PRESENCE:
            presence = self.presence_of(row)
            name = super()._sort_key(row, Column.NAME)
            return ((presence.words.casefold() if presence else _LAST), name)
        return super()._sort_key(row, column)

    def _arrange(self, wanted: list[int]) -> list[int]:
        favourites = self.memory.favourites
        grouping = self.memory.grouping
        if not favourites and grouping == "none":
            return wanted
        entries = self._entries
        self._sections = None

        def place(row: int) -> tuple[bool, str]:
            mailbox = entries[row].mailbox
            return (
                mailbox.key not in favourites,
                (group_name(mailbox, grouping) or _LAST).casefold(),
            )

        return sorted(wanted, key=place)
