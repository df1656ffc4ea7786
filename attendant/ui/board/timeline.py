"""The "Today" column: a row's day as a strip of blocks, with hour ticks and a line at now.

The header above the column writes the hours at the same positions as the ticks, on a line of
their own under the column titles, so no hour hides under the word "Today".

Blocks are told apart by pattern as well as colour (busy solid, tentative hatched, working
elsewhere dotted, out of office cross-hatched, no data grey stipple), so the strip still reads
in greyscale. The part of the day already gone is washed out, and the dark vertical line is
"now". Painting runs for every visible row on every repaint, so pens and brushes are made once,
and each row's strip is kept as a pixmap keyed by what it shows: a refresh that changes nothing
in a row (the usual case: most calendars do not change between two refreshes) repaints the row
by copying that pixmap instead of drawing every block and tick again.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from datetime import datetime, timedelta

from PySide6.QtCore import (
    QAbstractProxyModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRect,
    QRectF,
    QSize,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from attendant.domain import Availability, BusyType, MeetingDetails
from attendant.ui.board.model import DOMAIN_ROLE, BoardModel
from attendant.ui.common.themes import LIGHT, Palette

#: The colour of the "now" line in the light theme (tests look for it).
NOW_COLOUR = QColor(LIGHT.now)

_PATTERNS: dict[BusyType, Qt.BrushStyle] = {
    BusyType.BUSY: Qt.BrushStyle.SolidPattern,
    BusyType.TENTATIVE: Qt.BrushStyle.BDiagPattern,
    BusyType.OOF: Qt.BrushStyle.DiagCrossPattern,
    BusyType.WORKING_ELSEWHERE: Qt.BrushStyle.Dense4Pattern,
    BusyType.NO_DATA: Qt.BrushStyle.Dense6Pattern,
}

#: Paint weaker events first so the strongest one is on top where they overlap.
_PAINT_ORDER: dict[BusyType, int] = {
    BusyType.NO_DATA: 0,
    BusyType.WORKING_ELSEWHERE: 1,
    BusyType.TENTATIVE: 2,
    BusyType.BUSY: 3,
    BusyType.OOF: 4,
}

#: Strips kept per board: every visible row a few times over (a row is 26 pixels high).
CACHED_STRIPS = 200

#: Qt's pattern brushes repeat every 8 pixels; a strip drawn at the same offset looks the same.
_PATTERN_PERIOD = 8


_HIGHLIGHT = QPalette.ColorRole.Highlight


def _group(option: QStyleOptionViewItem) -> QPalette.ColorGroup:
    """The palette's colour group the style paints ``option``'s cell in."""
    state = option.state
    if not state & QStyle.StateFlag.State_Enabled:
        return QPalette.ColorGroup.Disabled
    if state & QStyle.StateFlag.State_Active:
        return QPalette.ColorGroup.Normal
    return QPalette.ColorGroup.Inactive


def track_rect(cell: QRect) -> QRectF:
    """Where the strip is drawn inside a cell."""
    margin_y = max(4, cell.height() // 4)
    return QRectF(cell).adjusted(8, margin_y, -8, -margin_y)


def x_at(track: QRectF, start: datetime, end: datetime, instant: datetime) -> float:
    """The x coordinate of ``instant`` on a strip showing ``[start, end)``."""
    span = (end - start).total_seconds()
    fraction = (instant - start).total_seconds() / span if span > 0 else 0.0
    return track.left() + min(1.0, max(0.0, fraction)) * track.width()


def whole_hours(start: datetime, end: datetime) -> list[datetime]:
    """Every full hour in ``[start, end]``."""
    hour = start.replace(minute=0, second=0, microsecond=0)
    if hour < start:
        hour += timedelta(hours=1)
    hours = []
    while hour <= end:
        hours.append(hour)
        hour += timedelta(hours=1)
    return hours


class TimelineDelegate(QStyledItemDelegate):
    """Paints the "Today" cell of a :class:`BoardModel` row (through any proxy)."""

    def __init__(
        self, board: BoardModel, parent: QObject | None = None, *, cached: int = CACHED_STRIPS
    ) -> None:
        super().__init__(parent)
        self._board = board
        #: Drawn strips, least recently used first; ``cached == 0`` draws every strip afresh.
        self._cached = cached
        self._strips: OrderedDict[Hashable, QPixmap] = OrderedDict()
        self._strip_size: tuple[float, float, float] | None = None
        self._palette: Palette | None = None
        self._ticks_key: tuple[float, float, datetime, datetime] | None = None
        self._ticks: list[tuple[int, bool]] = []
        self._use(board.looks.palette)

    def _use(self, palette: Palette) -> None:
        """Make the pens and brushes of ``palette`` (once per theme, not per paint)."""
        self._palette = palette
        self._strips.clear()
        self._track_brush = QBrush(QColor(palette.track))
        self._track_pen = QPen(QColor(palette.track_border), 1)
        past = QColor(palette.past[:7])
        past.setAlpha(int(palette.past[7:9] or "ff", 16))
        self._past_brush = QBrush(past)
        self._tick_pen = QPen(QColor(palette.tick), 1)
        self._noon_pen = QPen(QColor(palette.muted), 1)
        self._now_brush = QBrush(QColor(palette.now))
        self._block_brushes: dict[BusyType, QBrush] = {}
        self._block_pens: dict[BusyType, QPen] = {}
        self._block_backs: dict[BusyType, QBrush] = {}
        for busy_type, pattern in _PATTERNS.items():
            colour = QColor(palette.fills[busy_type])
            self._block_brushes[busy_type] = QBrush(colour, pattern)
            edge = colour.lighter(125) if palette.dark else colour.darker(115)
            self._block_pens[busy_type] = QPen(edge, 1)
            back = QColor(colour)
            back.setAlpha(70 if pattern is not Qt.BrushStyle.SolidPattern else 0)
            self._block_backs[busy_type] = QBrush(back)
        self._error_brush = QBrush(
            QColor(palette.fills[BusyType.NO_DATA]), Qt.BrushStyle.Dense6Pattern
        )

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        return QSize(240, 26)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        if option.state & QStyle.StateFlag.State_Selected and option.showDecorationSelected:
            # What the style's item panel draws for a cell without a background of its own,
            # without asking the model for every role of the cell first.
            painter.fillRect(option.rect, option.palette.brush(_group(option), _HIGHLIGHT))
        elif option.state & QStyle.StateFlag.State_Selected:
            widget = option.widget
            style = widget.style() if widget is not None else QApplication.style()
            opt = QStyleOptionViewItem(option)
            self.initStyleOption(opt, index)
            style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, opt, painter, widget)
        span = self._board.timeline_range()
        availability = self._availability(index)
        if span is None or availability is None:
            return
        if self._board.looks.palette is not self._palette:
            self._use(self._board.looks.palette)
        track = track_rect(option.rect)
        if self._cached <= 0:
            painter.save()
            try:
                self._paint_strip(painter, track, span, availability)
            finally:
                painter.restore()
            return
        # The strip, its border and the "now" line reaching 3 pixels above and below it.
        area = track.toAlignedRect().adjusted(-2, -4, 2, 4)
        ratio = painter.device().devicePixelRatioF()
        painter.drawPixmap(area.topLeft(), self._strip(area, track, span, availability, ratio))

    def _availability(self, index: QModelIndex | QPersistentModelIndex) -> Availability | None:
        """The row's availability, from the board itself when the view shows it or its filter."""
        model = index.model()
        if model is self._board:
            return self._board.availability(index.row())
        if isinstance(model, QAbstractProxyModel) and model.sourceModel() is self._board:
            return self._board.availability(model.mapToSource(index).row())
        value = index.data(DOMAIN_ROLE)
        return value if isinstance(value, Availability) else None

    def cached_strips(self) -> int:
        """How many strips are kept (for tests)."""
        return len(self._strips)

    def _strip(
        self,
        area: QRect,
        track: QRectF,
        span: tuple[datetime, datetime],
        availability: Availability,
        ratio: float,
    ) -> QPixmap:
        """The strip of ``availability`` drawn on a transparent pixmap covering ``area``."""
        size = (track.width(), track.height(), ratio)
        if size != self._strip_size:  # a resize or a zoom: no kept strip fits any more
            self._strip_size = size
            self._strips.clear()
        now = self._board.now
        key = (
            availability.events,
            availability.error is None,
            self._board.meeting_details is MeetingDetails.HIDE,
            span,
            round(x_at(track, *span, now)) if span[0] <= now <= span[1] else None,
            area.left() % _PATTERN_PERIOD,
            area.top() % _PATTERN_PERIOD,
        )
        pixmap = self._strips.get(key)
        if pixmap is not None:
            self._strips.move_to_end(key)
            return pixmap
        pixmap = QPixmap(area.size() * ratio)
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        strip_painter = QPainter(pixmap)
        try:  # drawn where it will be shown, so that the patterns line up as they would
            strip_painter.translate(-area.left(), -area.top())
            self._paint_strip(strip_painter, track, span, availability)
        finally:
            strip_painter.end()
        self._strips[key] = pixmap
        if len(self._strips) > self._cached:
            self._strips.popitem(last=False)
        return pixmap

    def _paint_strip(
        self,
        painter: QPainter,
        track: QRectF,
        span: tuple[datetime, datetime],
        availability: Availability,
    ) -> None:
        start, end = span
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setPen(self._track_pen)
        painter.setBrush(self._track_brush)
        painter.drawRect(track)
        if availability.error is not None:
            painter.fillRect(track, self._error_brush)
        elif self._board.meeting_details is not MeetingDetails.HIDE:
            events = sorted(
                (e for e in availability.events if e.busy_type in _PATTERNS),
                key=lambda e: _PAINT_ORDER[e.busy_type],
            )
            for event in events:
                if event.end <= start or event.start >= end:
                    continue
                left = x_at(track, start, end, event.start)
                right = max(left + 2.0, x_at(track, start, end, event.end))
                block = QRectF(left, track.top(), right - left, track.height())
                busy_type = event.busy_type
                painter.fillRect(block, self._block_backs[busy_type])
                painter.setPen(self._block_pens[busy_type])
                painter.setBrush(self._block_brushes[busy_type])
                painter.drawRect(block.adjusted(0, 0, -1, -1))
        self._paint_ticks(painter, track, start, end)
        now = self._board.now
        if start <= now <= end:
            # Whole pixels: the edge of the wash is under the line, and a kept strip stays
            # right until the line moves by a pixel.
            x = round(x_at(track, start, end, now))
            painter.fillRect(
                QRectF(track.left(), track.top(), x - track.left(), track.height()),
                self._past_brush,
            )
            painter.fillRect(QRectF(x - 1, track.top() - 3, 2, track.height() + 6), self._now_brush)

    def _paint_ticks(
        self, painter: QPainter, track: QRectF, start: datetime, end: datetime
    ) -> None:
        key = (track.left(), track.width(), start, end)
        if self._ticks_key != key:  # every row of a column shares them: work them out once
            self._ticks_key = key
            self._ticks = [
                (round(x_at(track, start, end, hour)), hour.hour == 12)
                for hour in whole_hours(start, end)
            ]
        bottom = round(track.bottom())
        painter.setPen(self._tick_pen)
        for x, noon in self._ticks:
            if not noon:
                painter.drawLine(x, bottom - 3, x, bottom)
        painter.setPen(self._noon_pen)
        for x, noon in self._ticks:
            if noon:
                painter.drawLine(x, bottom - 5, x, bottom)


class TimelineHeader(QHeaderView):
    """The board's column header: titles on the first line, the hours of "Today" under them."""

    def __init__(self, board: BoardModel, column: int, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setSectionsClickable(True)  # what QTableView does for the header it makes itself
        self._board = board
        self._column = column
        board.headerDataChanged.connect(self._on_header_changed)

    def _hour_font(self) -> QFont:
        font = QFont(self.font())
        font.setBold(False)
        font.setPointSizeF(max(6.5, font.pointSizeF() * 0.85))
        return font

    def hour_line_height(self) -> int:
        """The height of the line the hours are written on."""
        return QFontMetrics(self._hour_font()).height() + 2

    def sizeHint(self) -> QSize:
        size = super().sizeHint()
        return QSize(size.width(), size.height() + self.hour_line_height())

    def paintSection(self, painter: QPainter, rect: QRect, logical_index: int) -> None:
        super().paintSection(painter, rect, logical_index)
        span = self._board.timeline_range()
        if logical_index != self._column or span is None or not rect.isValid():
            return
        painter.save()
        try:
            self._paint_hours(painter, rect, span)
        finally:
            painter.restore()

    def _paint_hours(self, painter: QPainter, rect: QRect, span: tuple[datetime, datetime]) -> None:
        start, end = span
        track = track_rect(rect)
        font = self._hour_font()
        metrics = QFontMetrics(font)
        line = self.hour_line_height()
        hours = max(1.0, (end - start).total_seconds() / 3600)
        label_width = metrics.horizontalAdvance("00") + 10
        step = next((s for s in (1, 2, 3, 4, 6) if track.width() * s / hours >= label_width), 12)
        painter.setFont(font)
        painter.setPen(QColor(self._board.looks.palette.muted))
        top = rect.bottom() - line - 1
        for hour in whole_hours(start, end):
            if hour.hour % step == 0:
                x = x_at(track, start, end, hour)
                text = f"{hour.hour}"
                half = metrics.horizontalAdvance(text) / 2
                left = min(max(x - half, rect.left() + 1.0), rect.right() - 2 * half - 1)
                box = QRectF(left - 2, top, 2 * half + 4, line)
                painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)

    def _on_header_changed(self, orientation: Qt.Orientation, first: int, last: int) -> None:
        if orientation == Qt.Orientation.Horizontal and first <= self._column <= last:
            self.viewport().update()
