"""One board ("People" or "Rooms"): a title with live counts, the table, the current row's details.

Both panels share one :class:`BoardModel`; each has its own :class:`BoardFilter`. The table is
tuned for a long day of glancing and for the keyboard: compact fixed-height rows, alternating
colours, whole-row selection, Home/End to the first/last row, Ctrl+C to copy who it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import (
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from attendant.domain import Availability, MailboxKind, Status, StatusView
from attendant.ui.board.actions import RowActions
from attendant.ui.board.cell_delegate import CellDelegate
from attendant.ui.board.columns import BoardColumns
from attendant.ui.board.details import DetailsPane
from attendant.ui.board.favourites import Favourites
from attendant.ui.board.filtering import BoardFilter
from attendant.ui.board.headings import GroupHeadings
from attendant.ui.board.model import DOMAIN_ROLE, STATUS_ROLE, BoardModel, Column
from attendant.ui.board.organised import OrganisedBoard
from attendant.ui.board.staged import ROWS_PER_PAINT, Rest, RowRepaints
from attendant.ui.board.timeline import TimelineDelegate, TimelineHeader
from attendant.ui.common.elided_label import ElidedLabel
from attendant.ui.common.status_style import STATUS_COUNT_WORDS, STATUS_RANK

ROW_HEIGHT = 26

#: The "Today" column keeps room for this many hour labels when the columns are narrowed.
TIMELINE_HOURS = 3
_STRETCH = QHeaderView.ResizeMode.Stretch
_TIMES = (Column.UNTIL, Column.NEXT_FREE)

#: Initial column widths in pixels (the "Today" column takes the rest).
COLUMN_WIDTHS: dict[Column, int] = {
    Column.NAME: 165,
    Column.STATUS: 178,
    Column.UNTIL: 66,
    Column.NEXT_FREE: 80,
    Column.NOW: 170,
}


class BoardView(QTableView):
    """A table of one kind of mailbox, driven from the keyboard.

    A change of more shown rows than :data:`ROWS_PER_PAINT` (a refresh, "now" moving) is
    repainted a few rows a pass by the :class:`RowRepaints` the boards share (staged.py).
    """

    #: Said in the middle of an empty board, so that empty never looks like "nobody".
    empty_text = ""

    def __init__(self, repaints: RowRepaints, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        #: Shared with the other board: repaints a change of many rows a few rows a pass.
        self.repaints = repaints
        # Made shorter (the feed's banner shown under it), the board keeps its rows'
        # pixels; made taller, only the uncovered strip is painted (see BoardPanel).
        self.setAttribute(Qt.WidgetAttribute.WA_StaticContents)
        self.viewport().setAttribute(Qt.WidgetAttribute.WA_StaticContents)

    def dataChanged(
        self,
        top_left: QModelIndex | QPersistentModelIndex,
        bottom_right: QModelIndex | QPersistentModelIndex,
        roles: Sequence[int] = (),
    ) -> None:
        top, bottom = self._shown_rows()
        if top < 0 or top_left == bottom_right or not top_left.isValid():
            super().dataChanged(top_left, bottom_right, roles)  # one cell: as Qt does
            return
        # A range of cells tells a view only what to repaint (no editors here): its shown
        # rows. (Told a range of more than 200 cells, Qt repaints the whole board.)
        first, last = max(top_left.row(), top), min(bottom_right.row(), bottom)
        if first > last:
            return
        left, right = top_left.column(), bottom_right.column()
        model = self.model()
        if last - first < ROWS_PER_PAINT and model is not None:
            super().dataChanged(model.index(first, left), model.index(last, right), roles)
            return
        self.repaints.later(self, (first, last, left, right))

    def repaint_rows(self, rest: Rest) -> Rest | None:
        """Repaint the first shown rows of ``rest`` (a change handed over); return the rest."""
        model = self.model()
        top, bottom = self._shown_rows()
        if model is None or top < 0:
            return None
        first, last, left, right = rest
        first, last = max(first, top), min(last, bottom)  # it may have scrolled meanwhile
        right = min(right, model.columnCount() - 1)
        if first > last or left > right:
            return None
        split = first + ROWS_PER_PAINT
        left_over = (split, last, left, right) if split <= last else None
        if left_over is not None:
            last = split - 1
        super().dataChanged(model.index(first, left), model.index(last, right), [])
        return left_over

    def _shown_rows(self) -> tuple[int, int]:
        """The first and last rows shown (-1, -1 when none)."""
        top = self.rowAt(0)
        if top < 0:
            return -1, -1
        bottom = self.rowAt(self.viewport().height() - 1)
        model = self.model()
        return top, bottom if bottom >= 0 or model is None else model.rowCount() - 1

    def set_empty_text(self, text: str) -> None:
        if text != self.empty_text:
            self.empty_text = text
            self.viewport().update()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._says_empty():
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            area = self.viewport().rect().adjusted(16, 16, -16, -16)
            painter.drawText(
                area, int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap), self.empty_text
            )
            painter.end()

    def _says_empty(self) -> bool:
        model = self.model()
        return bool(self.empty_text) and (model is None or model.rowCount() == 0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._says_empty() and event.size() != event.oldSize():
            self.viewport().update()  # the text stays in the middle, the pixels do not
        self._fit_soon()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # a zoom: the widths follow it
            self._fit_soon()

    def _fit_soon(self) -> None:
        # After whatever resized or zoomed has set the columns' widths of its own.
        QTimer.singleShot(0, self, self.fit_columns)

    def fit_columns(self) -> None:
        """Narrow the columns so that the board never scrolls sideways.

        At 150 % on a 1440-pixel screen the columns, scaled with the text, were wider than
        the board and the "Today" column was pushed out of sight. When the columns and a
        usable timeline do not fit, every other column gives up the same share of what it
        has beyond its least width (a time stays whole; names are elided, their tooltip
        tells them whole).
        """
        header = self.horizontalHeader()
        shown = [c for c in range(header.count()) if not header.isSectionHidden(c)]
        stretched = [c for c in shown if header.sectionResizeMode(c) is _STRETCH]
        fixed = [c for c in shown if c not in stretched]
        time_width = self.fontMetrics().horizontalAdvance("00:00")
        room = self.viewport().width() - len(stretched) * time_width * TIMELINE_HOURS
        widths = {c: header.sectionSize(c) for c in fixed}
        least = header.minimumSectionSize()
        floors = dict.fromkeys(fixed, least)
        for time_column in set(_TIMES) & set(fixed):
            floors[time_column] = max(least, time_width + 12)
        if Column.NAME in floors:  # enough to tell "Board room" from "Boathouse"
            floors[Column.NAME] = max(least, 2 * time_width + 8)
        if Column.STATUS in floors:  # the icon and a word ("Busy") stay whole
            floors[Column.STATUS] = self.iconSize().width() + time_width + 24
        spare = sum(max(0, widths[c] - floors[c]) for c in fixed)
        over = sum(widths.values()) - room
        if over <= 0 or spare <= 0:
            return
        give = min(1.0, over / spare)
        for column in fixed:
            width = widths[column]
            header.resizeSection(column, round(width - max(0, width - floors[column]) * give))

    def moveCursor(
        self, cursor_action: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier
    ) -> QModelIndex:
        # Rows are selected whole, so Home/End mean the first/last row, not column.
        if cursor_action in (
            QAbstractItemView.CursorAction.MoveHome,
            QAbstractItemView.CursorAction.MoveEnd,
        ):
            modifiers = modifiers | Qt.KeyboardModifier.ControlModifier
        return super().moveCursor(cursor_action, modifiers)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Copy):
            availability = self.currentIndex().data(DOMAIN_ROLE)
            if isinstance(availability, Availability):
                clipboard = QGuiApplication.clipboard()
                clipboard.setText(_identity_line(availability))
            return
        super().keyPressEvent(event)


def _identity_line(availability: Availability) -> str:
    mailbox = availability.mailbox
    parts = [f"{mailbox.display_name} <{mailbox.address}>"]
    if mailbox.phone:
        parts.append(mailbox.phone)
    return ", ".join(parts)


class BoardPanel(QWidget):
    """Title and counts, the board, and a line with the selected row's particulars."""

    def __init__(
        self,
        title: str,
        board: BoardModel,
        kind: MailboxKind,
        *,
        nouns: tuple[str, str],
        hidden_columns: tuple[Column, ...] = (),
        repaints: RowRepaints | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        # This panel, its board and the splitter keep their pixels when the feed's banner
        # (under the boards) shortens them: Qt then paints only what was uncovered, not
        # every row of both boards (7 ms at 720 x 720, three times that while a refresh
        # holds the interpreter: the soak's worst stalls, bench/soak.py).
        self.setAttribute(Qt.WidgetAttribute.WA_StaticContents)
        self._board = board
        self._kind = kind
        self._nouns = nouns
        self.proxy = BoardFilter(board, kind, self)
        self.title = QLabel(title, self)
        self.title.setObjectName("boardTitle")
        self.summary = QLabel(self)
        self.summary.setObjectName("boardSummary")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self._summary_plain = ""
        #: What the counts cannot say, under them: a watched room list without rooms.
        self.note = ElidedLabel(self)
        self.note.setObjectName("boardNote")
        self.note.setContentsMargins(2, 0, 2, 0)
        self.note.hide()
        self.pane = DetailsPane(board, self)
        self.details = self.pane.line
        self.view = BoardView(repaints or RowRepaints(self), self)
        self.view.setObjectName(f"{kind.value}Board")
        self.view.setAccessibleName(title)
        self._configure_view(hidden_columns)
        self.row_actions = RowActions(self.view, board)
        if isinstance(board, OrganisedBoard):
            self.columns = BoardColumns(
                self.view, board, board.memory, kind.value, never=hidden_columns
            )
            self.favourites = Favourites(self.view, board, self.row_actions)
            self.headings = GroupHeadings(self.view, self.proxy, board)
        else:  # a plain board has no presence or contact details to show
            for column in Column:
                self.view.setColumnHidden(column, column > Column.TODAY)
        self.title.setBuddy(self.view)

        header = QHBoxLayout()
        header.setContentsMargins(2, 0, 2, 0)
        header.setSpacing(12)
        header.addWidget(self.title)
        header.addWidget(self.summary, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addLayout(header)
        layout.addWidget(self.note)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.pane)

        board.evaluated.connect(self.update_summary)
        board.modelReset.connect(self.update_summary)
        for signal in (
            self.proxy.rowsInserted,
            self.proxy.rowsRemoved,
            self.proxy.modelReset,
            self.proxy.layoutChanged,
        ):
            signal.connect(self.update_summary)
        self.proxy.dataChanged.connect(self._update_details)
        selection = self.view.selectionModel()
        selection.currentRowChanged.connect(self._update_details)
        self.update_summary()
        self._update_details()

    def set_notes(self, notes: tuple[str, ...]) -> None:
        """Show ``notes`` beside the counts (the first, and how many more), all as a tooltip."""
        text = notes[0] if len(notes) == 1 else f"{len(notes)} room lists have no rooms"
        self.note.set_full_text(text if notes else "", "\n".join(notes))
        self.note.setAccessibleName(" ".join(notes))
        self.note.setVisible(bool(notes))

    @property
    def summary_text(self) -> str:
        """The counts as plain text, e.g. ``12 free · 20 busy · 3 out of office``."""
        return self._summary_plain

    def focus_board(self) -> None:
        """Give the board the keyboard, on its current row or else its first."""
        self.view.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if not self.view.currentIndex().isValid() and self.proxy.rowCount() > 0:
            self.view.setCurrentIndex(self.proxy.index(0, Column.NAME))

    def update_summary(self) -> None:
        board = self._board
        total = board.total(self._kind)
        shown = self.proxy.rowCount()
        singular, plural = self._nouns
        if board.rowCount() == 0 or (total == 0 and not board.is_evaluated()):
            plain = rich = ""
        elif total == 0:
            plain = rich = f"No {plural} watched"
        else:
            counts = board.counts(self._kind)
            plain_parts: list[str] = []
            rich_parts: list[str] = []
            for status in sorted(counts, key=STATUS_RANK.__getitem__):
                words = f"{counts[status]} {STATUS_COUNT_WORDS[status]}"
                plain_parts.append(words)
                dot = f"<span style='color:{board.looks.status_colours[status]}'>●</span>"
                weight = "font-weight:600;" if status is Status.FREE else ""
                rich_parts.append(f"{dot}&nbsp;<span style='{weight}'>{escape(words)}</span>")
            plain = " · ".join(plain_parts)
            rich = " &nbsp;·&nbsp; ".join(rich_parts)
            if shown != total:
                noun = singular if total == 1 else plural
                plain += f" — showing {shown} of {total} {noun}"
                rich += f" &nbsp;—&nbsp; showing {shown} of {total} {escape(noun)}"
        self._summary_plain = plain
        self.summary.setText(rich)

    def _configure_view(self, hidden_columns: tuple[Column, ...]) -> None:
        view = self.view
        view.setHorizontalHeader(TimelineHeader(self._board, Column.TODAY, view))
        view.setModel(self.proxy)
        view.setItemDelegate(CellDelegate(self._board, self.proxy, view))
        view.setItemDelegateForColumn(Column.TODAY, TimelineDelegate(self._board, view))
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setAlternatingRowColors(True)
        view.setShowGrid(False)
        view.setWordWrap(False)
        view.setTabKeyNavigation(False)
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerItem)
        rows = view.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setMinimumSectionSize(ROW_HEIGHT)
        rows.setDefaultSectionSize(ROW_HEIGHT)
        columns = view.horizontalHeader()
        columns.setHighlightSections(False)
        columns.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        columns.setMinimumSectionSize(48)
        for column, width in COLUMN_WIDTHS.items():
            columns.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            view.setColumnWidth(column, width)
        columns.setSectionResizeMode(Column.TODAY, QHeaderView.ResizeMode.Stretch)
        for column in hidden_columns:
            view.setColumnHidden(column, True)
        columns.setSortIndicator(Column.NAME, Qt.SortOrder.AscendingOrder)
        view.setSortingEnabled(True)

    def _update_details(self, *_: QModelIndex | QPersistentModelIndex) -> None:
        index = self.view.currentIndex()
        availability = index.data(DOMAIN_ROLE)
        if isinstance(availability, Availability):
            view = index.data(STATUS_ROLE)
            self.pane.show_row(availability, view if isinstance(view, StatusView) else None)
        else:
            self.pane.show_row(None, None)
