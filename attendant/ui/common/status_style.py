"""How a status looks: its words, its colours and its icon, in one place.

A status is never told by colour alone: every status has a word and an icon whose *shape*
differs (check, ring, bar, cross, house, question mark), so the board reads in greyscale and
for colour-blind receptionists too. The colours are muted and dark enough for text on white.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QIcon,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
    QPolygonF,
)

from attendant.domain import BusyType, Status
from attendant.ui.common.formatting import BUSY_TYPE_WORDS, STATUS_COUNT_WORDS, STATUS_WORDS

__all__ = [
    "BUSY_TYPE_FILLS",
    "BUSY_TYPE_WORDS",
    "STATUS_COLOURS",
    "STATUS_COUNT_WORDS",
    "STATUS_RANK",
    "STATUS_WORDS",
    "make_status_icon",
    "make_status_icons",
    "status_colour",
]

#: Order for "sort by status": who can take a call first comes first.
STATUS_RANK: dict[Status, int] = {
    Status.FREE: 0,
    Status.WORKING_ELSEWHERE: 1,
    Status.TENTATIVE: 2,
    Status.BUSY: 3,
    Status.OOF: 4,
    Status.UNKNOWN: 5,
}

#: Text and icon colours: muted, each at least 4.5:1 against white.
STATUS_COLOURS: dict[Status, str] = {
    Status.FREE: "#2e7d32",
    Status.TENTATIVE: "#8d6708",
    Status.BUSY: "#b3261e",
    Status.OOF: "#6b4fa0",
    Status.WORKING_ELSEWHERE: "#1f5f9e",
    Status.UNKNOWN: "#5f6368",
}

#: Timeline block fills, a little lighter than the text colours.
BUSY_TYPE_FILLS: dict[BusyType, str] = {
    BusyType.FREE: "#cfe3cf",
    BusyType.TENTATIVE: "#b8860b",
    BusyType.BUSY: "#cf6f66",
    BusyType.OOF: "#8a70bd",
    BusyType.WORKING_ELSEWHERE: "#5b8ac2",
    BusyType.NO_DATA: "#9aa0a6",
}


def status_colour(status: Status) -> QColor:
    return QColor(STATUS_COLOURS[status])


def _paint_glyph(
    painter: QPainter, status: Status, size: float, colour: QColor, white: QColor
) -> None:
    """Draw the icon of ``status`` into a ``size`` × ``size`` square at the origin.

    ``colour`` fills the shape and ``white`` draws the mark inside it (a theme's background).
    """
    m = size * 0.08  # margin
    box = QRectF(m, m, size - 2 * m, size - 2 * m)
    c = box.center()
    stroke = max(1.5, size * 0.13)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    if status is Status.FREE:  # filled circle with a check mark
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawEllipse(box)
        pen = QPen(white, stroke, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        w = box.width()
        check = QPolygonF(
            [
                QPointF(box.left() + w * 0.26, c.y() + w * 0.02),
                QPointF(box.left() + w * 0.43, c.y() + w * 0.19),
                QPointF(box.left() + w * 0.74, c.y() - w * 0.16),
            ]
        )
        painter.drawPolyline(check)
    elif status is Status.TENTATIVE:  # ring, left half filled
        inner = box.adjusted(stroke / 2, stroke / 2, -stroke / 2, -stroke / 2)
        path = QPainterPath()
        path.moveTo(c)
        path.arcTo(inner, 90, 180)
        path.closeSubpath()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawPath(path)
        painter.setPen(QPen(colour, stroke))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(inner)
    elif status is Status.BUSY:  # filled circle with a white bar ("do not disturb")
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawEllipse(box)
        bar_h = box.height() * 0.2
        painter.setBrush(white)
        painter.drawRoundedRect(
            QRectF(box.left() + box.width() * 0.22, c.y() - bar_h / 2, box.width() * 0.56, bar_h),
            bar_h / 3,
            bar_h / 3,
        )
    elif status is Status.OOF:  # rounded square with a white cross
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        r = box.width() * 0.2
        painter.drawRoundedRect(box, r, r)
        pen = QPen(white, stroke, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        d = box.width() * 0.22
        painter.drawLine(QPointF(c.x() - d, c.y() - d), QPointF(c.x() + d, c.y() + d))
        painter.drawLine(QPointF(c.x() - d, c.y() + d), QPointF(c.x() + d, c.y() - d))
    elif status is Status.WORKING_ELSEWHERE:  # a house
        w = box.width()
        house = QPolygonF(
            [
                QPointF(c.x(), box.top()),
                QPointF(box.right(), box.top() + w * 0.45),
                QPointF(box.right() - w * 0.12, box.top() + w * 0.45),
                QPointF(box.right() - w * 0.12, box.bottom()),
                QPointF(box.left() + w * 0.12, box.bottom()),
                QPointF(box.left() + w * 0.12, box.top() + w * 0.45),
                QPointF(box.left(), box.top() + w * 0.45),
            ]
        )
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawPolygon(house)
        painter.setBrush(white)
        painter.drawRect(QRectF(c.x() - w * 0.1, box.bottom() - w * 0.32, w * 0.2, w * 0.32 - 0.01))
    else:  # unknown: a dashed ring with a question mark
        pen = QPen(colour, max(1.0, stroke * 0.7), Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        half = pen.widthF() / 2
        painter.drawEllipse(box.adjusted(half, half, -half, -half))
        font = QFont()
        font.setBold(True)
        font.setPixelSize(max(6, round(size * 0.62)))
        painter.setFont(font)
        painter.setPen(colour)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, "?")


def make_status_icon(
    status: Status,
    sizes: tuple[int, ...] = (16, 24, 32, 48),
    *,
    colours: dict[Status, str] | None = None,
    mark: str = "#ffffff",
) -> QIcon:
    """A crisp icon for ``status`` at a few pixel sizes (needs a QGuiApplication)."""
    colour = QColor((colours or STATUS_COLOURS)[status])
    inner = QColor(mark)
    icon = QIcon()
    for size in sizes:
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        try:
            _paint_glyph(painter, status, float(size), colour, inner)
        finally:
            painter.end()
        icon.addPixmap(pixmap)
        icon.addPixmap(pixmap, QIcon.Mode.Selected)  # keep its colour on a selected row
    return icon


def make_status_icons(
    colours: dict[Status, str] | None = None, mark: str = "#ffffff"
) -> dict[Status, QIcon]:
    return {status: make_status_icon(status, colours=colours, mark=mark) for status in Status}


def status_brush(status: Status) -> QBrush:
    return QBrush(status_colour(status))
