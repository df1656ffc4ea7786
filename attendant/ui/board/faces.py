"""What a board cell shows: its words, icon, colour and font, worked out once per row.

The model answers Qt's display, decoration, foreground and font roles from these (so a screen
reader and a copy read what is drawn), and the board's delegate paints from them without
asking Qt for each role of each cell: a repaint after a refresh paints a few hundred cells,
and a call from Qt into Python per role cost more than the drawing.
"""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtGui import QBrush, QFont, QIcon

from attendant.domain import Status
from attendant.ui.board.cells import Column
from attendant.ui.board.looks import BoardLooks


class CellFace(NamedTuple):
    """One cell's display text, decoration, foreground brush and font (None: the view's)."""

    text: str | None
    icon: QIcon | None = None
    brush: QBrush | None = None
    font: QFont | None = None


_PLAIN = CellFace(None)


def row_faces(texts: tuple[str | None, ...], status: Status, looks: BoardLooks) -> list[CellFace]:
    """Every column's face of one row, from its display texts and its status."""
    faces = [_PLAIN if text is None else CellFace(text) for text in texts]
    faces[Column.STATUS] = CellFace(
        texts[Column.STATUS], looks.icons[status], looks.status_brushes[status], looks.status_font
    )
    if status is Status.UNKNOWN:
        faces[Column.NOW] = CellFace(texts[Column.NOW], brush=looks.muted)
    return faces
