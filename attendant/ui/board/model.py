"""The board's table model: one row per watched mailbox, over one immutable snapshot.

A refresh of thousands of mailboxes must not freeze the window, so nothing is computed per
row up front. A row's :class:`StatusView` is evaluated when a view first asks for it and is
cached for the current (snapshot, tick); the rest are filled in small time slices on the event
loop, after which :attr:`BoardModel.evaluated` tells the window that the counts (and any sort
by status) can be brought up to date. When a refresh brings the same mailboxes in the same
order the rows stay put and one ``dataChanged`` repaints them, so selection and scrolling
survive; anything else resets the model.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from attendant.domain import (
    Availability,
    MailboxKind,
    MeetingDetails,
    Snapshot,
    Status,
    StatusView,
    require_aware,
)
from attendant.services.fuzzy import SearchIndex
from attendant.ui.board import cells, roles
from attendant.ui.board.cells import HEADERS, TIME_DEPENDENT, Column
from attendant.ui.board.evaluation import SlicedStatuses
from attendant.ui.board.faces import CellFace, row_faces
from attendant.ui.board.looks import BoardLooks
from attendant.ui.board.released import SlicedRelease
from attendant.ui.board.roles import DOMAIN_ROLE, KIND_ROLE, SEARCH_ROLE, SORT_ROLE, STATUS_ROLE
from attendant.ui.board.searching import BoardSearch
from attendant.ui.common import formatting as fmt

__all__ = [
    "DOMAIN_ROLE",
    "KIND_ROLE",
    "SEARCH_ROLE",
    "SORT_ROLE",
    "STATUS_ROLE",
    "TIME_DEPENDENT",
    "BoardModel",
    "Column",
]


_UNKNOWN = StatusView(Status.UNKNOWN, None, None, None)
_COLUMN_COUNT = len(Column)
#: The roles answered from a cell's face, by the face's field.
_FACE_ROLES = {roles.DISPLAY: 0, roles.DECORATION: 1, roles.FOREGROUND: 2, roles.FONT: 3}


class BoardModel(QAbstractTableModel):
    """Free/busy of every watched mailbox at the model's "now", one row each."""

    #: Every row's status for the current snapshot and tick is known: counts are ready.
    evaluated = Signal()

    def __init__(
        self,
        clock: Callable[[], datetime],
        *,
        tz: tzinfo | None = None,
        slice_seconds: float = 0.002,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self._tz = tz
        self._snapshot: Snapshot | None = None
        #: Rows in display order; ``_order[row]`` is the row's index in the snapshot.
        self._entries: list[Availability] = []
        self._order: list[int] = []
        self._addresses: tuple[str, ...] = ()  # in the snapshot's order
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._now = self._read_clock()
        self._statuses = SlicedStatuses(
            self._evaluate, self._on_evaluated, slice_seconds=slice_seconds, parent=self
        )
        #: What painted rows show, all columns at once (:mod:`attendant.ui.board.faces`):
        #: formatting times is the costly part, and a paint needs each cell more than once.
        self._faces: dict[int, tuple[CellFace, ...]] = {}
        self._sort_keys: dict[int, list[Any]] = {}
        self._search = BoardSearch()
        self._released = SlicedRelease(self)  # the last snapshot's rows, freed in slices
        self._counts: dict[MailboxKind, Counter[Status]] = {}
        self._range: tuple[datetime, datetime] | None = None
        #: Colours, icons and fonts of the theme; :meth:`restyle` after changing them.
        self.looks = BoardLooks()
        #: ``[privacy] meeting_details``: with ``hide`` no meeting is drawn or told.
        self.meeting_details = MeetingDetails.SHOW

    # -- what the window and the delegate read ------------------------------------------

    @property
    def snapshot(self) -> Snapshot | None:
        return self._snapshot

    @property
    def now(self) -> datetime:
        """The instant the statuses are evaluated at (set by :meth:`tick`)."""
        return self._now

    @property
    def tz(self) -> tzinfo | None:
        return self._tz

    def availability(self, row: int) -> Availability:
        return self._entries[row]

    def kind(self, row: int) -> MailboxKind:
        return self._entries[row].mailbox.kind

    def faces(self, row: int) -> tuple[CellFace, ...]:
        """What each column of ``row`` shows (text, icon, colour, font), kept until a change."""
        faces = self._faces.get(row)
        if faces is None:
            faces = self._faces[row] = self._row_faces(row)
        return faces

    def view(self, row: int) -> StatusView:
        """The row's status at :attr:`now`, evaluated on first use and cached until a tick."""
        return self._statuses.get(row)

    def search_text(self, row: int) -> str:
        return fmt.search_text(self._entries[row].mailbox)

    def search_index(self) -> SearchIndex:
        """The search index over the snapshot's mailboxes (see :meth:`snapshot_rows`)."""
        entries = self._snapshot.entries if self._snapshot is not None else ()
        return self._search.index([a.mailbox for a in entries])

    def snapshot_rows(self) -> list[int]:
        """For each row, its index in the snapshot (and in :meth:`search_index`)."""
        return self._order

    def kinds(self) -> list[MailboxKind]:
        return [a.mailbox.kind for a in self._entries]

    @property
    def sort_column(self) -> int:
        return self._sort_column

    @property
    def sort_order(self) -> Qt.SortOrder:
        return self._sort_order

    def evaluated_rows(self) -> int:
        """How many rows have their status cached (for diagnostics and tests)."""
        return self._statuses.evaluated()

    def is_evaluated(self) -> bool:
        return self._statuses.is_complete()

    def counts(self, kind: MailboxKind) -> Counter[Status]:
        """How many mailboxes of ``kind`` have each status (complete once :attr:`evaluated`)."""
        return Counter(self._counts.get(kind, Counter()))

    def total(self, kind: MailboxKind) -> int:
        return sum(self._counts.get(kind, Counter()).values())

    def timeline_range(self) -> tuple[datetime, datetime] | None:
        """The span the "Today" column draws: the working day, widened to include now."""
        return self._range

    def sort_keys(self, column: int) -> list[Any]:
        """Sort keys of every row for ``column`` (ties broken by name); cached until a tick."""
        keys = self._sort_keys.get(column)
        if keys is None:
            keys = self._sort_keys[column] = [
                self._sort_key(row, column) for row in range(len(self._entries))
            ]
        return keys

    # -- changing the data ---------------------------------------------------------------

    def set_snapshot(self, snapshot: Snapshot | None) -> None:
        """Show ``snapshot``; keep rows (and selection) when the mailboxes are the same."""
        if snapshot and self._snapshot and snapshot.entries is self._snapshot.entries:
            self._snapshot = snapshot  # the same data (services/refresh.py): no repaint
            return
        entries = snapshot.entries if snapshot is not None else ()
        addresses = tuple(a.mailbox.address for a in entries)
        same_rows = addresses == self._addresses
        if not same_rows:
            self.beginResetModel()
            self._order = list(range(len(entries)))
        self._released.hold(self._entries)
        self._snapshot = snapshot
        self._entries = [entries[i] for i in self._order]
        self._addresses = addresses
        self._now = self._read_clock()
        range_changed = self._invalidate()
        if not same_rows:
            self._counts = {}
            self._search.forget()
            self._reorder(emit=False)
            self.endResetModel()
        elif entries:
            self._emit_all_changed()
        if range_changed:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, Column.TODAY, Column.TODAY)

    def restyle(self) -> None:
        """Repaint every row after :attr:`looks` or :attr:`meeting_details` changed."""
        self._faces = {}
        if self._entries:
            self._emit_all_changed()

    def tick(self) -> None:
        """Re-evaluate every row at the clock's new "now" (the window calls this every 30 s)."""
        self._now = self._read_clock()
        range_changed = self._invalidate()
        if self._entries:
            self._emit_all_changed()
        if range_changed:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, Column.TODAY, Column.TODAY)

    # -- QAbstractTableModel -------------------------------------------------------------

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Order the rows by ``column`` (ties by name); ``-1`` restores the snapshot's order.

        Sorting lives here, not in the proxies: Python's ``sorted`` over cached keys takes a
        few milliseconds for thousands of rows, where a proxy calling a Python ``lessThan``
        for every comparison takes a tenth of a second.
        """
        self._sort_column = column
        self._sort_order = order
        if column in TIME_DEPENDENT:
            self._statuses.finish_now()  # a person asked: sort by the real statuses at once
        self._reorder(emit=True)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> int:
        if parent is not None and parent.isValid():
            return 0
        return len(self._entries)

    # No flags(): QAbstractTableModel's own (enabled, selectable, no children) are the board's,
    # and Qt asks for them for every cell it paints.

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> int:
        if parent is not None and parent.isValid():
            return 0
        return _COLUMN_COUNT

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = roles.DISPLAY
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        column = Column(section)
        if role == roles.DISPLAY:
            return HEADERS[column]
        if role == roles.TOOLTIP and column is Column.TODAY:
            return cells.timeline_header_tooltip(self._range, self._tz)
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = roles.DISPLAY) -> Any:
        # A paint asks every cell for a dozen roles; most have no answer here, and this is
        # the hottest Python code of a repaint.
        if role not in roles.ANSWERED_ROLES or not index.isValid():
            return None
        row = index.row()
        if row >= len(self._entries):
            return None
        column = index.column()
        if role in _FACE_ROLES:  # what the delegate paints (faces), as Qt's roles
            faces = self._faces.get(row)
            if faces is None:
                faces = self._faces[row] = self._row_faces(row)
            return faces[column][_FACE_ROLES[role]]
        if role == roles.TOOLTIP:
            return self._tooltip(row, column)
        if role == roles.ACCESSIBLE and column == Column.TODAY:
            return self._tooltip(row, column)
        if role == DOMAIN_ROLE:
            return self._entries[row]
        if role == STATUS_ROLE:
            return self.view(row)
        if role == SEARCH_ROLE:
            return self.search_text(row)
        if role == KIND_ROLE:
            return self._entries[row].mailbox.kind.value
        if role == SORT_ROLE:
            key = self._sort_key(row, column)
            return key if isinstance(key, str) else key[0]
        return None

    # -- internals -----------------------------------------------------------------------

    def _row_faces(self, row: int) -> tuple[CellFace, ...]:
        view = self.view(row)
        texts = cells.row_texts(self._entries[row], view, self._now, self._tz)
        return tuple(row_faces(texts, view.status, self.looks))

    def _read_clock(self) -> datetime:
        now = self._clock()
        require_aware(now, "the board's clock")
        return now

    def _invalidate(self) -> bool:
        """Forget the cached statuses; return whether the timeline's span changed."""
        self._faces = {}
        self._sort_keys = {}
        old_range, self._range = self._range, cells.day_span(self._now, self._snapshot, self._tz)
        self._released.hold(self._statuses.reset(len(self._entries)))
        return old_range != self._range

    def _emit_all_changed(self) -> None:
        last = self.index(len(self._entries) - 1, len(Column) - 1)
        self.dataChanged.emit(self.index(0, 0), last)

    def _evaluate(self, row: int) -> StatusView:
        return cells.status_at(self._entries[row], self._snapshot, self._now)

    def _on_evaluated(self) -> None:
        counts: dict[MailboxKind, Counter[Status]] = {k: Counter() for k in MailboxKind}
        for availability, view in zip(self._entries, self._statuses.known(), strict=True):
            counts[availability.mailbox.kind][view.status] += 1
        self._counts = counts
        if self._sort_column in TIME_DEPENDENT:
            self._reorder(emit=True)
        self.evaluated.emit()

    def _reorder(self, *, emit: bool) -> None:
        """Put the rows in the order of the sort column (if its keys are known cheaply)."""
        total = len(self._entries)
        column = self._sort_column
        if total < 2:
            return
        if column < 0:
            wanted = sorted(range(total), key=self._order.__getitem__)
        else:
            if column in TIME_DEPENDENT and not self.is_evaluated():
                column = Column.NAME  # for now; re-sorted once every row is evaluated
            keys = self.sort_keys(column) if column != Column.NAME else self._name_keys()
            descending = self._sort_order == Qt.SortOrder.DescendingOrder
            wanted = sorted(range(total), key=keys.__getitem__, reverse=descending)
        wanted = self._arrange(wanted)
        if all(old == new for new, old in enumerate(wanted)):
            return
        if emit:
            self.layoutAboutToBeChanged.emit()
        self._entries = [self._entries[i] for i in wanted]
        self._order = [self._order[i] for i in wanted]
        self._statuses.permute(wanted)
        self._faces = {}
        self._sort_keys = {}
        if emit:
            new_row = [0] * total
            for new, old in enumerate(wanted):
                new_row[old] = new
            before = self.persistentIndexList()
            after = [self.index(new_row[i.row()], i.column()) for i in before]
            self.changePersistentIndexList(before, after)
            self.layoutChanged.emit()

    def _arrange(self, wanted: list[int]) -> list[int]:
        """Hook: the sorted rows rearranged (favourites first, groups); as they are here."""
        return wanted

    def _name_keys(self) -> list[str]:
        return [cells.name_key(a.mailbox) for a in self._entries]

    def _sort_key(self, row: int, column: int) -> Any:
        view = self.view(row) if column != Column.NAME else _UNKNOWN
        return cells.sort_key(self._entries[row], view, column)

    def _tooltip(self, row: int, column: int) -> str | None:
        availability = self._entries[row]
        if column == Column.NAME:
            return fmt.mailbox_tooltip(availability.mailbox)
        if column == Column.TODAY:
            return cells.timeline_text(availability, self._now, self._tz, self.meeting_details)
        return cells.tooltip_text(availability, self.view(row), column, self._now, self._tz)
