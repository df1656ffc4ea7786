"""The board the receptionist organises: favourites on top, groups, presence, contacts.

A thin layer over :class:`BoardModel`: favourites (pinned to the top whatever the sort),
grouping by department, Teams presence beside the status, and whether a contact column has
anything to show. What the receptionist sets up is kept in :class:`BoardMemory`.

Presence arrives after the statuses and changes often, so an update only swaps a dictionary
and repaints the one column: no status is evaluated again, no row moves.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, tzinfo
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Signal

from attendant.domain import Presence
from attendant.ui.board import roles
from attendant.ui.board.cells import Column
from attendant.ui.board.model import BoardModel
from attendant.ui.board.remembered import BoardMemory
from attendant.ui.common.icons import favourite_icon

_LAST = "\U0010ffff"


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
        self._texts.clear()
        self._reorder(emit=True)
        self.arrangement_changed.emit()
        return pinned

    def set_grouping(self, grouping: str) -> None:
        """ "none" or "department": rows of a department together, departments by name."""
        if grouping != self.memory.grouping:
            self.memory.grouping = grouping
            self.memory.save()
            self._reorder(emit=True)
            self.arrangement_changed.emit()

    def group_of(self, row: int) -> str:
        if self.memory.grouping == "department":
            return self.availability(row).mailbox.department or ""
        return ""

    # -- BoardModel ------------------------------------------------------------------------

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = roles.DISPLAY) -> Any:
        if role == roles.DISPLAY and index.column() == Column.PRESENCE and index.isValid():
            presence = self.presence_of(index.row())
            return presence.words if presence is not None else ""
        if role == roles.DECORATION and index.column() == Column.NAME and index.isValid():
            return self._star if self.is_favourite(index.row()) else None
        if role == roles.TOOLTIP and index.column() == Column.PRESENCE and index.isValid():
            presence = self.presence_of(index.row())
            if presence is None:
                return None
            return f"Teams: {presence.availability}" + (
                f", {presence.activity}" if presence.activity else ""
            )
        return super().data(index, role)

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

        def place(row: int) -> tuple[bool, str]:
            mailbox = entries[row].mailbox
            group = (mailbox.department or _LAST).casefold() if grouping == "department" else ""
            return (mailbox.key not in favourites, group)

        return sorted(wanted, key=place)
