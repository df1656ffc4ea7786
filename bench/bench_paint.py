"""The people board's repaint after a refresh of 5,000 mailboxes: the GUI thread's CPU time.

Runs the real window, model and filter on the real demo provider (4,500 people, 500 rooms),
offscreen, and applies two refreshes' snapshots in turn; after each, the people board's
rows are repainted (statuses, texts and strips worked out afresh, as after a refresh). Each
repaint is timed by the GUI thread's CPU time (``time.thread_time``), so other programs on a
shared machine do not count, and the text cells are painted alternately by Qt's standard
delegate and by the board's own (:mod:`attendant.ui.board.cell_delegate`), side by side in
one run. The "Today" strips are drawn by the board's strip delegate in both.

    python bench/bench_paint.py [--mailboxes 5000] [--repaints 40]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench_board import board_window
from PySide6.QtWidgets import QApplication, QStyledItemDelegate

from attendant.domain import Snapshot
from attendant.providers.demo import DemoProvider
from attendant.services.state import RefreshState

FRAME_MS = 16.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mailboxes", type=int, default=5000)
    parser.add_argument("--repaints", type=int, default=40)
    args = parser.parse_args()

    import qasync

    app = QApplication.instance() or QApplication(sys.argv[:1])
    service, window = board_window(DemoProvider, args.mailboxes)
    snapshots: list[Snapshot] = []

    def keep(state: RefreshState) -> None:
        if not state.refreshing and state.snapshot is not None:
            snapshots.append(state.snapshot)

    service.subscribe(keep)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        for _ in range(2):
            loop.run_until_complete(service.refresh_once())
        loop.run_until_complete(service.aclose())
    window.rooms.view.hide()  # the rooms board paints a turn later: the people board alone
    view = window.people.view
    viewport = view.viewport()
    model = window.model
    board_delegate = view.itemDelegate()
    standard = QStyledItemDelegate(view)
    arms = {"standard delegate": standard, "board's delegate": board_delegate}
    cpu: dict[str, list[float]] = {name: [] for name in arms}
    for step in range(args.repaints):
        order = list(arms) if step % 2 == 0 else list(reversed(arms))
        for name in order:
            view.setItemDelegate(arms[name])
            app.processEvents()
            model.set_snapshot(snapshots[step % 2])
            start = time.thread_time()
            viewport.repaint()
            cpu[name].append((time.thread_time() - start) * 1000)
    view.setItemDelegate(board_delegate)
    window.close()

    print(
        f"People board repaint after a refresh, {args.mailboxes} mailboxes, "
        f"{args.repaints} repaints each, GUI-thread CPU (ratios to a {FRAME_MS:.0f} ms frame)"
    )
    medians = {name: statistics.median(values) for name, values in cpu.items()}
    for name, values in cpu.items():
        print(
            f"  {name:18s}: median {medians[name] / FRAME_MS:5.2f} frames "
            f"({medians[name]:5.1f} ms), worst {max(values):5.1f} ms"
        )
    ratio = medians["board's delegate"] / medians["standard delegate"]
    print(f"  board's / standard : {ratio:4.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
