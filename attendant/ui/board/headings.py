"""Group headings on a grouped board: "Sales · 4" above the first row of each group.

A heading is not a row. The first visible row of each group is made taller and its top band
shows the group's name and how many of its rows the board shows; every cell paints its own
slice of the band (so a repaint of one column keeps it whole), and the cell's content sits
below it. So the keyboard moves from person to person as before (a heading is never the
current row), sorting and the search need nothing of their own (the headings follow the rows
the filter shows, and a group with none shown has no heading), and the proxy and the model
keep their rows. A screen reader hears the heading with the first row's name. A click on a
heading selects nothing.

Nothing of this runs while the board is not grouped; grouped, the headings are worked out
once per change of the rows shown (a filter change emits many row signals: they are coalesced
into one queued update, which runs before the repaint).
"""

from __future__ import annotations

from collections import Counter
from itertools import compress
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRect,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont, QHelpEvent, QMouseEvent, QPainter
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolTip,
    QWidget,
)

from attendant.domain import MailboxKind
from attendant.ui.board.filtering import BoardFilter
from attendant.ui.board.organised import OrganisedBoard

#: The heading band's height as a share of a row's (so it follows the zoom).
BAND_SHARE = 0.8
#: Mouse events a heading takes for itself (a click on it selects no row).
_MOUSE = frozenset(
    {
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.ContextMenu,
    }
)
_Index = QModelIndex | QPersistentModelIndex
_LEFT_MIDDLE = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


class GroupHeadings(QObject):
    """The headings of one board view (people or rooms) over its filter."""

    #: Posted (queued) when the rows shown changed; coalesces the proxy's many signals.
    _changed = Signal()

    def __init__(self, view: QTableView, proxy: BoardFilter, board: OrganisedBoard) -> None:
        super().__init__(view)
        self._view = view
        self._proxy = proxy
        self._board = board
        noun = "rooms" if proxy.kind is MailboxKind.ROOM else "people"
        self._noun = noun
        #: Proxy row → heading text ("Sales · 4") of the rows that begin a group.
        self.starts: dict[int, str] = {}
        self._accessible: dict[int, str] = {}
        self._band = 0
        self._pending = False
        self._originals: dict[int, QAbstractItemDelegate | None] | None = None
        self._changed.connect(self.update, Qt.ConnectionType.QueuedConnection)
        for signal in (
            proxy.layoutChanged,
            proxy.modelReset,
            proxy.rowsInserted,
            proxy.rowsRemoved,
            board.arrangement_changed,
        ):
            signal.connect(self._schedule)
        view.viewport().installEventFilter(self)
        view.installEventFilter(self)  # a zoom changes the font and the rows' height
        self.update()

    @property
    def band(self) -> int:
        """The heading band's height in pixels (0 while there are no headings)."""
        return self._band

    def heading_at(self, row: int) -> str | None:
        """The heading above the proxy row ``row``, or None."""
        return self.starts.get(row)

    # -- working the headings out --------------------------------------------------------

    def _schedule(self, *_: object) -> None:
        if not self._pending:
            self._pending = True
            self._changed.emit()

    def update(self) -> None:
        """Work the headings out for the rows the filter shows now, and lay them out."""
        self._pending = False
        starts, accessible = self._work_out()
        grouped = self._board.sections() is not None
        if not starts and not self.starts and (self._originals is None or grouped):
            return  # no headings before or now (the usual case of a board not grouped)
        self.starts = starts
        self._accessible = accessible
        self._board.set_headings(self._noun, accessible)
        self._lay_out(grouped)

    def _work_out(self) -> tuple[dict[int, str], dict[int, str]]:
        titles = self._board.sections()
        if titles is None:
            return {}, {}
        shown = self._shown_rows(len(titles))
        sections = list(map(titles.__getitem__, shown))
        if not any(self._board.is_group(title) for title in set(sections)):
            return {}, {}  # nothing of this board is grouped: no lone "No group" heading
        counts = Counter(sections)
        starts: dict[int, str] = {}
        accessible: dict[int, str] = {}
        previous: str | None = None
        for row, title in enumerate(sections):
            if title != previous:
                previous = title
                count = counts[title]
                starts[row] = f"{title} · {count}"
                noun = self._noun if count != 1 else ("room" if self._noun == "rooms" else "person")
                accessible[shown[row]] = f"{title}, {count} {noun}"
        return starts, accessible

    def _shown_rows(self, total: int) -> list[int]:
        """The board's row of each row the proxy shows, in order.

        The proxy keeps the board's order, so these are the rows its filter accepts, in turn;
        a few rows are checked against the proxy's own mapping, and should the filter have
        moved on without the proxy (a status changed under "only free"), each row is asked.
        """
        proxy = self._proxy
        accepted = proxy.accepted()
        shown = list(compress(range(len(accepted)), accepted)) if len(accepted) == total else []
        count = proxy.rowCount()
        if len(shown) == count and all(
            proxy.mapToSource(proxy.index(row, 0)).row() == shown[row]
            for row in ({0, count // 2, count - 1} if count else ())
        ):
            return shown
        return [proxy.mapToSource(proxy.index(row, 0)).row() for row in range(count)]

    def _lay_out(self, grouped: bool) -> None:
        view = self._view
        rows = view.verticalHeader()
        height = rows.defaultSectionSize()
        for row in taller_rows(rows, height):  # the rows that began a group before
            rows.resizeSection(row, height)
        self._band = round(height * BAND_SHARE) if self.starts else 0
        for row in self.starts:
            rows.resizeSection(row, height + self._band)
        # Unwrapped only when the grouping is off: a search that shows no group for a moment
        # keeps them.
        self._wrap_delegates(bool(self.starts) or grouped)
        view.viewport().update()

    def _wrap_delegates(self, wrapped: bool) -> None:
        view = self._view
        if wrapped and self._originals is None:
            model = view.model()
            columns = model.columnCount() if model is not None else 0
            self._originals = {c: view.itemDelegateForColumn(c) for c in range(columns)}
            for column, own in self._originals.items():
                inner = own if own is not None else view.itemDelegate()
                view.setItemDelegateForColumn(column, HeadingDelegate(inner, self, view))
        elif not wrapped and self._originals is not None:
            for column, own in self._originals.items():
                wrapper = view.itemDelegateForColumn(column)
                view.setItemDelegateForColumn(column, own)  # type: ignore[arg-type]
                if wrapper is not None:
                    wrapper.deleteLater()
            self._originals = None

    # -- painting ------------------------------------------------------------------------

    def paint_band(
        self, painter: QPainter, cell: QRect, text: str, option: QStyleOptionViewItem
    ) -> None:
        """The slice of the heading band over ``cell`` (the cell's top ``band`` pixels)."""
        band = QRect(cell.left(), cell.top(), cell.width(), self._band)
        palette = option.palette
        painter.save()
        painter.setClipRect(band, Qt.ClipOperation.IntersectClip)
        painter.fillRect(band, palette.window())
        painter.setPen(palette.mid().color())
        painter.drawLine(band.left(), band.bottom(), band.right(), band.bottom())
        painter.setPen(palette.windowText().color())
        font = QFont(option.font)
        font.setBold(True)
        painter.setFont(font)
        left = -self._view.horizontalHeader().offset() + 6
        area = QRect(left, band.top(), max(cell.right() - left, 1) + 2000, band.height())
        painter.drawText(
            area, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), text
        )
        painter.restore()

    # -- the mouse -----------------------------------------------------------------------

    def heading_under(self, pos: QPoint) -> str | None:
        """The heading at viewport position ``pos``, or None."""
        if not self.starts:
            return None
        view = self._view
        row = view.rowAt(pos.y())
        text = self.starts.get(row)
        if text is None or pos.y() >= view.rowViewportPosition(row) + self._band:
            return None
        return text

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.FontChange and self.starts:
            self._schedule()  # after the zoom has set the rows' new height
        if not self.starts or (kind not in _MOUSE and kind != QEvent.Type.ToolTip):
            return False  # (also while the view is being taken down)
        if kind in _MOUSE:
            pos = event.position().toPoint() if isinstance(event, QMouseEvent) else None
            if pos is None and hasattr(event, "pos"):
                pos = event.pos()
            return pos is not None and self.heading_under(pos) is not None
        if kind == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            text = self.heading_under(event.pos())
            if text is not None:
                QToolTip.showText(event.globalPos(), text, self._view.viewport())
                return True
        return False


def taller_rows(rows: QHeaderView, height: int) -> list[int]:
    """The sections of ``rows`` taller than ``height`` (none is shorter: it is the minimum).

    Found where the sections' positions run ahead of ``row × height``, a binary search for
    each, instead of asking each of thousands of rows its size: Qt keeps the size of a section
    that was resized by hand, whatever the default becomes.
    """
    count = rows.count()
    total = rows.length() - count * height

    def ahead(row: int) -> int:
        return total if row >= count else rows.sectionPosition(row) - row * height

    found: list[int] = []
    start = 0
    while start < count and ahead(start) < total:
        before = ahead(start)
        low, high = start, count - 1
        while low < high:  # the first section after which the positions run further ahead
            middle = (low + high) // 2
            if ahead(middle + 1) > before:
                high = middle
            else:
                low = middle + 1
        found.append(low)
        start = low + 1
    return found


class HeadingDelegate(QStyledItemDelegate):
    """Puts one column's cells of a group's first row below its heading band."""

    def __init__(
        self, inner: QAbstractItemDelegate, headings: GroupHeadings, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.inner = inner
        self._headings = headings

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        text = self._headings.heading_at(index.row())
        if text is None:
            self.inner.paint(painter, option, index)
            return
        self._headings.paint_band(painter, option.rect, text, option)
        below = QStyleOptionViewItem(option)
        below.rect = option.rect.adjusted(0, self._headings.band, 0, 0)
        self.inner.paint(painter, below, index)

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> Any:
        return self.inner.sizeHint(option, index)

    def helpEvent(
        self,
        event: QHelpEvent,
        view: QAbstractItemView,
        option: QStyleOptionViewItem,
        index: _Index,
    ) -> bool:
        return self.inner.helpEvent(event, view, option, index)

    def editorEvent(
        self,
        event: QEvent,
        model: QAbstractItemModel,
        option: QStyleOptionViewItem,
        index: _Index,
    ) -> bool:
        return self.inner.editorEvent(event, model, option, index)
