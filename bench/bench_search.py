"""Search per keystroke on a board of 5,000 mailboxes, forgiving (fuzzy) and exact side by side.

Builds the real board model and the people board's filter over a synthetic demo directory
(4,500 people, 500 rooms), then types queries one key at a time: typos, initials, last name
first, phone digits. Each keystroke is timed from ``set_search`` until the filter has decided
every row (``rowCount``). The search index is built once per set of mailboxes (timed apart).
Goal: median and 95th percentile ≤ one 16 ms frame with fuzzy matching on.

    python bench/bench_search.py [--mailboxes 5000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import datetime, timedelta

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from attendant.domain import MailboxKind, Snapshot, Window
from attendant.providers.demo import DemoDirectory, DemoProvider
from attendant.services.clock import day_window, local_now, local_zone
from attendant.ui.board.filtering import BoardFilter
from attendant.ui.board.model import BoardModel

FRAME_MS = 16.0
QUERIES = ("smiht", "jsm", "rossi carla", "whitfeild 12", "eleanor", "0101", "fin mar")


def keystrokes(board: BoardModel, fuzzy: bool, rounds: int) -> list[float]:
    proxy = BoardFilter(board, MailboxKind.PERSON)
    proxy.set_fuzzy(fuzzy)
    times: list[float] = []
    for _ in range(rounds):
        for query in QUERIES:
            for end in range(1, len(query) + 1):
                began = time.perf_counter()
                proxy.set_search(query[:end])
                proxy.rowCount()
                times.append((time.perf_counter() - began) * 1000)
            proxy.set_search("")
    return times


def options(doc: str, rounds: int) -> argparse.Namespace:
    """``--mailboxes`` and ``--rounds``, described by the first line of ``doc``."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--mailboxes", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=rounds)
    return parser.parse_args()


def synthetic_day(mailboxes: int) -> tuple[DemoProvider, datetime, Window]:
    """A synthetic demo directory of ``mailboxes`` (one in ten a room), now and today."""
    rooms = mailboxes // 10
    provider = DemoProvider(DemoDirectory.synthetic(mailboxes - rooms, rooms))
    now = local_now()
    return provider, now, day_window(now)


def main() -> int:
    args = options(__doc__, rounds=5)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    provider, now, window = synthetic_day(args.mailboxes)
    mailboxes = [m for m in provider.directory.mailboxes]
    entries = provider.get_availability(mailboxes, window)
    board = BoardModel(lambda: now + timedelta(seconds=0), tz=local_zone())
    board.set_snapshot(Snapshot(window, now, tuple(entries)))
    began = time.perf_counter()
    board.search_index()
    build_ms = (time.perf_counter() - began) * 1000

    exact = keystrokes(board, False, args.rounds)
    fuzzy = keystrokes(board, True, args.rounds)
    del app

    def line(values: list[float]) -> str:
        median = statistics.median(values)
        p95 = statistics.quantiles(values, n=20)[-1]
        return (
            f"median {median:5.2f} ms ({median / FRAME_MS:4.2f} frames), "
            f"p95 {p95:5.2f} ms ({p95 / FRAME_MS:4.2f} frames), worst {max(values):5.2f} ms"
        )

    print(
        f"Search per keystroke, {args.mailboxes} mailboxes, {len(exact)} keystrokes each "
        f"(ratios to a {FRAME_MS:.0f} ms frame)"
    )
    print(f"  exact words    : {line(exact)}")
    print(f"  fuzzy (default): {line(fuzzy)}   goal median and p95 <= 1 frame")
    print(f"  index build, once per set of mailboxes: {build_ms:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
