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


_STAR_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24">'
    b'<path d="M12 2.5l2.9 6.1 6.6.8-4.9 4.6 1.3 6.6L12 17.3 6.1 20.6l1.3-6.6L2.5 9.4l6.6-.8z" '
    b'fill="#f2b400" stroke="#8a6500" stroke-width="1.2" stroke-linejoin="round"/></svg>'
)


def favourite_icon() -> QIcon:
    """The star beside a favourite's name (amber with a dark edge: visible on any theme)."""
    return svg_icon(_STAR_SVG, (16, 24, 32))
