"""Paints the board's text cells (name, status, times, now, presence, contacts) from their faces.

The standard delegate asks Qt for seven roles of every cell (one call into Python each), then
lets the style lay the text out and elide it afresh on every paint; for the few hundred cells
a refresh repaints that took most of a frame. This delegate reads the row's faces
(:meth:`BoardModel.faces`: the same texts, icons, colours and fonts the roles answer), and
draws each text as a :class:`QStaticText` elided once per text, width and font, at the places
the style itself gives (asked once per column width and row height). The selection's colours,
the icon's selected look and the view's font are the style's; a cell the fast path does not
cover (right to left, a text of several lines, the cell with the keyboard's focus) is drawn by
the standard delegate.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QAbstractProxyModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRect,
    Qt,
)
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QFontMetricsF,
    QIcon,
    QPainter,
    QPalette,
    QStaticText,
    QTransform,
)
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from attendant.ui.board.faces import CellFace
from attendant.ui.board.model import BoardModel

#: Elided texts kept (every visible cell many times over); all are dropped when full.
KEPT_TEXTS = 4000
#: Fonts texts are kept for: the view's and the faces' own (the status column's).
KEPT_FONTS = 4

_State = QStyle.StateFlag
_FOCUS = _State.State_HasFocus.value
_ENABLED = _State.State_Enabled.value
_ACTIVE = _State.State_Active.value
_SELECTED = _State.State_Selected.value
_COLOUR_STATE = _ENABLED | _ACTIVE | _SELECTED
_RIGHT_TO_LEFT = Qt.LayoutDirection.RightToLeft
_ICON_NORMAL = QIcon.Mode.Normal
_ICON_SELECTED = QIcon.Mode.Selected
_ICON_DISABLED = QIcon.Mode.Disabled
_ICON_OFF = QIcon.State.Off
_Role = QPalette.ColorRole
_Group = QPalette.ColorGroup
_ELIDE = Qt.TextElideMode.ElideRight
_Index = QModelIndex | QPersistentModelIndex
_Places = tuple[QRect, Qt.AlignmentFlag, QRect]
_Colours = tuple[QBrush | None, QColor, QColor]


class CellDelegate(QStyledItemDelegate):
    """Paints the text columns of a :class:`BoardModel` shown through ``proxy``."""

    def __init__(
        self, board: BoardModel, proxy: QAbstractProxyModel, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._board = board
        self._proxy = proxy
        #: (column, width, height, icon) → the icon's rect and alignment and the text's rect,
        #: relative to the cell, as the style lays a cell out.
        self._places: dict[tuple[int, int, int, bool], _Places] = {}
        #: (palette, state) → the selection's brush (None: not selected) and the text colours.
        self._colours: dict[tuple[int, int], _Colours] = {}
        #: The faces' own fonts (by identity, each kept alive here) → their slot in _fonts.
        self._own_fonts: dict[int, tuple[QFont, int]] = {}
        #: (text, width, font) → the text elided to the width and laid out in the font.
        self._texts: dict[tuple[str, int, int], QStaticText] = {}
        #: The fonts the kept texts were laid out in (the view's, the status column's), and
        #: the height of a line of each.
        self._fonts: list[QFont] = []
        self._line_heights: list[int] = []

    def kept_texts(self) -> int:
        """How many laid-out texts are kept (for tests)."""
        return len(self._texts)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        # Runs for every text cell of every repaint: each line here is paid a few hundred
        # times a frame, so flags are plain ints and whatever can be kept is kept.
        state = option.state.value
        column = index.column()
        face: CellFace = self._board.faces(self._proxy.mapToSource(index).row())[column]
        text = face.text
        if state & _FOCUS or (text and "\n" in text) or option.direction is _RIGHT_TO_LEFT:
            super().paint(painter, option, index)
            return
        rect = option.rect
        left, top = rect.left(), rect.top()
        icon = face.icon
        places = self._places.get((column, rect.width(), rect.height(), icon is not None))
        if places is None:
            places = self._place(option, index, icon is not None)
        icon_rect, alignment, text_rect = places
        palette = option.palette
        colours = self._colours.get((palette.cacheKey(), state & _COLOUR_STATE))
        if colours is None:
            colours = self._colours_of(palette, state)
        highlight, selected_text, plain_text = colours
        if highlight is not None:  # a selected row
            painter.fillRect(
                rect if option.showDecorationSelected else text_rect.translated(left, top),
                highlight,
            )
        if icon is not None:
            mode = (
                _ICON_DISABLED
                if not state & _ENABLED
                else _ICON_SELECTED
                if highlight is not None
                else _ICON_NORMAL
            )
            icon.paint(painter, icon_rect.translated(left, top), alignment, mode, _ICON_OFF)
        if not text:
            return
        font = self._font_slot(option.font, face.font)
        width = text_rect.width()
        static = self._texts.get((text, width, font))
        if static is None:
            static = self._lay_out(text, width, font)
        brush = face.brush
        painter.setFont(self._fonts[font])
        painter.setPen(
            selected_text
            if highlight is not None
            else plain_text
            if brush is None
            else brush.color()
        )
        # Centred as the style centres its text: on a whole pixel, by the line's height.
        y = top + text_rect.top() + (text_rect.height() - self._line_heights[font]) // 2
        painter.drawStaticText(left + text_rect.left(), y, static)

    # -- kept work -------------------------------------------------------------------------

    def _place(self, option: QStyleOptionViewItem, index: _Index, icon: bool) -> _Places:
        """Where the style puts this column's icon and text in a cell of this size."""
        full = QStyleOptionViewItem(option)
        self.initStyleOption(full, index)
        widget = option.widget
        style = widget.style() if widget is not None else QApplication.style()
        origin = option.rect.topLeft()
        shift = QPoint(-origin.x(), -origin.y())
        icon_rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemDecoration, full, widget)
        text_rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, full, widget)
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, widget) + 1
        text_rect = text_rect.translated(shift).adjusted(margin, 0, -margin, 0)
        places = (icon_rect.translated(shift), full.decorationAlignment, text_rect)
        rect = option.rect
        self._places[(index.column(), rect.width(), rect.height(), icon)] = places
        return places

    def _font_slot(self, view_font: QFont, own: QFont | None) -> int:
        """The index in :attr:`_fonts` of the font a cell is drawn in: 0 for the view's, then
        each face's own font completed from the view's. A new view font (a zoom) drops every
        kept text and place: they were measured in the old one."""
        fonts = self._fonts
        if not fonts or view_font != fonts[0]:
            self._start_afresh(view_font)
        if own is None:
            return 0
        kept = self._own_fonts.get(id(own))
        if kept is None:
            if len(fonts) >= KEPT_FONTS:  # the fonts of earlier looks (each theme makes one)
                self._start_afresh(view_font)
            kept = self._own_fonts[id(own)] = (own, self._add_font(own.resolve(view_font)))
        return kept[1]

    def kept_fonts(self) -> int:
        """How many fonts texts are kept for (for tests)."""
        return len(self._fonts)

    def _start_afresh(self, view_font: QFont) -> None:
        self._fonts.clear()
        self._line_heights.clear()
        self._own_fonts.clear()
        self._texts.clear()
        self._places.clear()
        self._add_font(view_font)

    def _add_font(self, font: QFont) -> int:
        self._fonts.append(QFont(font))
        self._line_heights.append(round(QFontMetricsF(font).height()))
        return len(self._fonts) - 1

    def _colours_of(self, palette: QPalette, state: int) -> _Colours:
        """The selection's brush (None when not selected) and the text colours, as the style
        picks them for a cell in ``state``."""
        group = (
            _Group.Disabled
            if not state & _ENABLED
            else _Group.Normal
            if state & _ACTIVE
            else _Group.Inactive
        )
        highlight = palette.brush(group, _Role.Highlight) if state & _SELECTED else None
        colours = (
            highlight,
            palette.color(group, _Role.HighlightedText),
            palette.color(group, _Role.Text),
        )
        if len(self._colours) >= 64:
            self._colours.clear()
        self._colours[(palette.cacheKey(), state & _COLOUR_STATE)] = colours
        return colours

    def _lay_out(self, text: str, width: int, slot: int) -> QStaticText:
        """``text`` elided to ``width`` as the style elides it, laid out once for drawing."""
        font = self._fonts[slot]
        key = (text, width, slot)
        if QFontMetricsF(font).horizontalAdvance(text) > width:
            text = QFontMetrics(font).elidedText(text, _ELIDE, width)
        static = QStaticText(text)
        static.setTextFormat(Qt.TextFormat.PlainText)
        static.prepare(QTransform(), font)
        if len(self._texts) >= KEPT_TEXTS:
            self._texts.clear()
        self._texts[key] = static
        return static
