"""The previous refresh's rows, let go of a slice at a time on the event loop.

When a refresh replaces the board's snapshot, the old one's last reference goes, and Python
frees all of it at once: 5,000 mailboxes with their events are some 60,000 objects, a few
milliseconds of the GUI thread on top of applying the new snapshot and painting it. The
board keeps the old rows here instead and lets go of a slice per turn of the event loop; so
too the statuses worked out for them (one object per row) when a refresh or a tick of the
clock forgets them.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QObject, QTimer

#: Rows (or statuses) freed per turn of the event loop (a few hundred microseconds' work:
#: a turn that also paints a board must stay within a frame).
SLICE_ROWS = 200


class SlicedRelease(QObject):
    """Holds what it is given and drops it :data:`SLICE_ROWS` items per turn of the loop."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._held: list[object] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._drop_slice)

    def hold(self, items: Iterable[object]) -> None:
        """Keep ``items`` alive for now; they are let go of in the next turns of the loop."""
        self._held.extend(items)
        if self._held:
            self._timer.start()

    def held(self) -> int:
        """How many items are still held (for tests)."""
        return len(self._held)

    def _drop_slice(self) -> None:
        del self._held[-SLICE_ROWS:]
        if self._held:
            self._timer.start()
