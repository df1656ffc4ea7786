"""Row statuses evaluated lazily, and the rest filled in small slices on the event loop.

A refresh of thousands of mailboxes must not freeze the window: a row's status is computed
when a view first asks for it, and the others in slices of a couple of milliseconds, so that a
slice and a paint fit one frame. When every row is known, ``done`` is called (the model then
brings the counts, and any sort by status, up to date).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from time import perf_counter

from PySide6.QtCore import QObject, QTimer

from attendant.domain import StatusView


class SlicedStatuses(QObject):
    """The cached :class:`StatusView` of every row, filled on demand and in time slices."""

    def __init__(
        self,
        compute: Callable[[int], StatusView],
        done: Callable[[], None],
        *,
        slice_seconds: float,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._compute = compute
        self._done = done
        self._slice_seconds = slice_seconds
        self._views: list[StatusView | None] = []
        self._next = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._fill_slice)

    def __len__(self) -> int:
        return len(self._views)

    def get(self, row: int) -> StatusView:
        view = self._views[row]
        if view is None:
            view = self._views[row] = self._compute(row)
        return view

    def known(self) -> list[StatusView]:
        """Every row's status, in row order (only once :meth:`is_complete`)."""
        assert self.is_complete()
        return [v for v in self._views if v is not None]

    def evaluated(self) -> int:
        return len(self._views) - self._views.count(None)

    def is_complete(self) -> bool:
        return self._next >= len(self._views)

    def reset(self, rows: int) -> list[StatusView | None]:
        """Forget every status (new data or a new "now") and start filling again; return the
        statuses forgotten (thousands of objects: the caller frees them a slice at a time)."""
        old, self._views = self._views, [None] * rows
        self._next = 0
        self._timer.start()
        return old

    def permute(self, wanted: Sequence[int]) -> None:
        """Follow the rows to their new places: ``wanted[new] == old``."""
        self._views = [self._views[i] for i in wanted]
        self._next = 0 if None in self._views else len(self._views)

    def finish_now(self) -> None:
        """Evaluate every remaining row at once (a person asked to sort by status)."""
        if not self.is_complete():
            self._timer.stop()
            self._fill_slice(deadline=float("inf"))

    def _fill_slice(self, deadline: float | None = None) -> None:
        if deadline is None:
            deadline = perf_counter() + self._slice_seconds
        views = self._views
        row = self._next
        total = len(views)
        while row < total:
            if views[row] is None:
                views[row] = self._compute(row)
            row += 1
            # A fresh status takes up to 50 µs on a busy desk: look at the clock every 16
            # rows (every 64 let a 2 ms slice run to 3.5 ms).
            if not row & 15 and perf_counter() > deadline:
                break
        self._next = row
        if row < total:
            self._timer.start()
            return
        self._done()
