"""A change of many shown rows, repainted a few rows a pass, one board at a time.

Qt repaints the rows a change covers in the very next pass of its event loop, before any
timer or key press waits its turn. A refresh of thousands of rows, or "now" moving, changes
every shown row of both boards at once: applying it and repainting both boards were one block
of the window's thread, most of a frame and more. Here a board's view hands such a change to
one :class:`RowRepaints` shared by the boards, which repaints :data:`ROWS_PER_PAINT` rows of
one board per pass, the first board's first; the rows not repainted yet keep their last look
meanwhile, and a key press waits for one small paint at most.
"""

from __future__ import annotations

from typing import Protocol

import shiboken6
from PySide6.QtCore import QObject, QTimer

#: Shown rows repainted in one pass of the event loop (about 5 ms on a software-rendered desk).
ROWS_PER_PAINT = 14

#: Rows (first, last) and columns (first, last) of a change not repainted yet.
Rest = tuple[int, int, int, int]


class StagedView(Protocol):
    def repaint_rows(self, rest: Rest) -> Rest | None:
        """Repaint the first rows of ``rest`` that are shown; return what is left."""
        ...


class RowRepaints(QObject):
    """Repaints the changes the boards hand over, a few rows a pass, in the order given."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pending: list[tuple[StagedView, Rest]] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._paint_next)

    def later(self, view: StagedView, rest: Rest) -> None:
        """Repaint ``rest`` of ``view`` in passes to come (merged with what it still has)."""
        for i, (waiting, was) in enumerate(self._pending):
            if waiting is view:
                self._pending[i] = (view, _merged(was, rest))
                break
        else:
            self._pending.append((view, rest))
        self._timer.start()

    def is_pending(self) -> bool:
        return bool(self._pending)

    def _paint_next(self) -> None:
        view, rest = self._pending.pop(0)
        if shiboken6.isValid(view):
            left = view.repaint_rows(rest)
            if left is not None:
                self._pending.insert(0, (view, left))
        if self._pending:
            self._timer.start()


def _merged(a: Rest, b: Rest) -> Rest:
    return (min(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), max(a[3], b[3]))
