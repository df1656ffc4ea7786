"""The colours, icons and fonts the board's model answers with, for one theme and zoom.

Kept in one object so a theme or zoom change swaps them together and the model repaints
once; everything is made ahead, because the model answers these roles on every paint.
"""

from __future__ import annotations

from PySide6.QtGui import QBrush, QColor, QFont

from attendant.domain import Status
from attendant.ui.common.status_style import make_status_icons
from attendant.ui.common.themes import LIGHT, Palette


class BoardLooks:
    """Status icons, brushes and the status font of one :class:`Palette`."""

    def __init__(self, palette: Palette = LIGHT, font: QFont | None = None) -> None:
        self.apply(palette, font)

    def apply(self, palette: Palette, font: QFont | None = None) -> None:
        self.palette = palette
        self.icons = make_status_icons(palette.status, mark=palette.base)
        self.status_brushes = {s: QBrush(QColor(palette.status[s])) for s in Status}
        self.status_colours = dict(palette.status)
        self.muted = QBrush(QColor(palette.faint))
        self.status_font = QFont(font) if font is not None else QFont()
        self.status_font.setWeight(QFont.Weight.DemiBold)
