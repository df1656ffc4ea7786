"""Icons made from the packaged SVGs, rendered crisp at the sizes desktops ask for."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QIcon, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from attendant.resources import app_icon_svg

_SIZES = (16, 24, 32, 48, 64, 128, 256)


def svg_icon(data: bytes, sizes: tuple[int, ...] = _SIZES) -> QIcon:
    """A :class:`QIcon` with one pixmap per size, rendered from SVG ``data``."""
    renderer = QSvgRenderer(QByteArray(data))
    icon = QIcon()
    for size in sizes:
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        try:
            renderer.render(painter, QRectF(0, 0, size, size))
        finally:
            painter.end()
        icon.addPixmap(pixmap)
    return icon


def app_icon() -> QIcon:
    """The Attendant application icon (a calendar with a person wearing a headset)."""
    return svg_icon(app_icon_svg())
