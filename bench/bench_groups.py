"""Grouping with headings on a board of 5,000 mailboxes: search per keystroke and a refresh.

Builds the real organised board and the people board's panel (filter, view, group headings)
over a synthetic demo directory (4,500 people in six departments, nine in ten of them in one
of twenty watch-list groups, and 500 rooms), and times, side by side in one run, not grouped,
grouped by department and grouped by the watch list's groups:

* a keystroke: from ``set_search`` until the filter has decided every row and the headings
  are worked out and laid out (their one queued update has run);
* a refresh: a new snapshot of the same mailboxes applied to the board, headings included;
* a repaint of the board's rows (1200 × 800, offscreen): what the headings' delegates add.

Times are the GUI thread's CPU time (a loaded machine blurs wall-clock figures far more than
grouping changes them). Goal: a keystroke ≤ one 16 ms frame (median and 95th percentile)
grouped as not grouped.

    python bench/bench_groups.py [--mailboxes 5000] [--rounds 3]
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from dataclasses import replace
from datetime import timedelta

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench_search import FRAME_MS, QUERIES, options, synthetic_day
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication

from attendant.domain import MailboxKind, Snapshot
from attendant.services.clock import local_zone
from attendant.ui.board.organised import OrganisedBoard
from attendant.ui.board.panel import BoardPanel

GROUPINGS = ("none", "department", "group")


def settle(panel: BoardPanel) -> None:
    """Run the headings' queued update (what the event loop does before the next paint)."""
    headings = getattr(panel, "headings", None)  # (a board without headings: nothing to run)
    if headings is not None:
        QCoreApplication.sendPostedEvents(headings, int(QEvent.Type.MetaCall))


def keystrokes(panel: BoardPanel, rounds: int) -> list[float]:
    times: list[float] = []
    for _ in range(rounds):
        for query in QUERIES:
            for end in range(1, len(query) + 1):
                began = time.thread_time()
                panel.proxy.set_search(query[:end])
                panel.proxy.rowCount()
                settle(panel)
                times.append((time.thread_time() - began) * 1000)
            panel.proxy.set_search("")
            settle(panel)
    return times


def refreshes(
    panel: BoardPanel, board: OrganisedBoard, snapshot: Snapshot, count: int
) -> list[float]:
    times: list[float] = []
    for i in range(count):
        fresh = replace(snapshot, fetched_at=snapshot.fetched_at + timedelta(seconds=i + 1))
        began = time.thread_time()
        board.set_snapshot(fresh)
        settle(panel)
        times.append((time.thread_time() - began) * 1000)
    return times


def repaints(panel: BoardPanel, count: int) -> list[float]:
    viewport = panel.view.viewport()
    times: list[float] = []
    for _ in range(count):
        began = time.thread_time()
        viewport.grab()  # paints every row shown into a pixmap
        times.append((time.thread_time() - began) * 1000)
    return times


def main() -> int:
    args = options(__doc__, rounds=3)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    provider, now, window = synthetic_day(args.mailboxes)
    mailboxes = [
        replace(m, group=None if i % 10 == 0 else f"Team {i % 20:02d}")
        for i, m in enumerate(provider.directory.mailboxes)
    ]
    entries = provider.get_availability(mailboxes, window)
    snapshot = Snapshot(window, now, tuple(entries))

    results: dict[str, tuple[list[float], list[float], list[float], int]] = {}
    for grouping in GROUPINGS:
        board = OrganisedBoard(lambda: now, tz=local_zone())
        board.set_snapshot(snapshot)
        board.set_grouping(grouping)
        panel = BoardPanel("People", board, MailboxKind.PERSON, nouns=("person", "people"))
        panel.resize(1200, 800)
        panel.show()
        board.search_index()
        settle(panel)
        shown = getattr(panel, "headings", None)
        headings = len(shown.starts) if shown is not None else 0
        results[grouping] = (
            keystrokes(panel, args.rounds),
            refreshes(panel, board, snapshot, 8 * args.rounds),
            repaints(panel, 8 * args.rounds),
            headings,
        )
        panel.close()
        panel.deleteLater()
    del app

    def line(values: list[float]) -> str:
        median = statistics.median(values)
        p95 = statistics.quantiles(values, n=20)[-1]
        return (
            f"median {median:5.2f} ms ({median / FRAME_MS:4.2f} frames), "
            f"p95 {p95:5.2f} ms ({p95 / FRAME_MS:4.2f} frames)"
        )

    print(
        f"Grouped board, {args.mailboxes} mailboxes, GUI thread CPU time (ratios to a "
        f"{FRAME_MS:.0f} ms frame; headings worked out and laid out)"
    )
    titles = {"none": "not grouped  ", "department": "by department", "group": "by group     "}
    for grouping, (keys, fresh, paints, headings) in results.items():
        print(f"  {titles[grouping]} ({headings:2d} headings)")
        print(f"    keystroke: {line(keys)}   goal <= 1 frame")
        print(f"    refresh  : {line(fresh)}")
        print(f"    repaint  : {line(paints)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
