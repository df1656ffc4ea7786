"""The board's looks at 5,000 mailboxes: refresh with the room finder shown, and zoom.

Runs the real window, model, room finder and refresh service on the real demo provider (a
synthetic directory of 4,500 people and 500 rooms), offscreen, in the dark theme with the
colour-blind-safe palette and the room finder open (the most work a refresh can cause):

* apply: from a refresh's publication until both boards show it (bench_board.py);
* stall: the longest gap of a 1 ms heartbeat on the GUI thread during the whole refresh;
* zoom: one step of Ctrl + / Ctrl − (fonts, rows, icons, columns): the longest block of the
  GUI thread (heartbeat gap) until it is laid out and painted;

each printed as a ratio to one 16 ms frame, beside the same refreshes of the plain board
(light theme, finder closed) measured first in the same run. Goal: apply ≤ 3 frames,
stall ≤ 1, zoom ≤ 3.

    python bench/bench_looks.py [--mailboxes 5000] [--refreshes 8] [--zooms 12]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench_board import FRAME_MS, ChangingDemo, Heartbeat, board_window, measure
from PySide6.QtWidgets import QApplication

from attendant.services.collector import share_with_the_window
from attendant.ui.common.themes import ThemeChoice
from attendant.ui.window.main_window import MainWindow


def zoom_steps(app: QApplication, window: MainWindow, count: int) -> list[float]:
    """Per zoom step, the longest block of the GUI thread until it is painted (heartbeat)."""
    looks = window.tools.looks
    heartbeat = Heartbeat()
    heartbeat.timer.start()
    stalls: list[float] = []
    for step in range(count):
        settle = time.perf_counter() + 0.1
        while time.perf_counter() < settle:
            app.processEvents()
        heartbeat.reset()
        if step % 6 < 3:
            looks.zoom_in()
        else:
            looks.zoom_out()
        done = time.perf_counter() + 0.3  # the tables repaint a frame apart
        while time.perf_counter() < done:
            app.processEvents()
        stalls.append(max(0.0, heartbeat.worst() - 0.001))
    heartbeat.timer.stop()
    looks.zoom_reset()
    return stalls


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mailboxes", type=int, default=5000)
    parser.add_argument("--refreshes", type=int, default=8)
    parser.add_argument("--zooms", type=int, default=12)
    args = parser.parse_args()

    import qasync

    app = QApplication.instance() or QApplication(sys.argv[:1])
    rooms = args.mailboxes // 10
    service, window = board_window(ChangingDemo, args.mailboxes)
    window.tools.looks.set_theme(ThemeChoice.LIGHT)
    share_with_the_window()  # as the console does once its window is up (attendant/app.py)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        # Side by side in one run: the plain board first, then with the finder and the theme.
        plain_applies, plain_stalls = loop.run_until_complete(
            measure(service, window, args.refreshes)
        )
        window.tools.looks.set_theme(ThemeChoice.DARK)
        window.tools.looks.set_colour_blind_safe(True)
        window.tools.toggle_finder(True)
        applies, stalls = loop.run_until_complete(measure(service, window, args.refreshes))
        zooms = zoom_steps(app, window, args.zooms)
        found = len(window.tools.finder.room_names())
        loop.run_until_complete(service.aclose())
    window.close()

    def frames(values: list[float]) -> str:
        ms = [v * 1000 for v in values]
        return (
            f"median {statistics.median(ms) / FRAME_MS:5.2f} frames "
            f"({statistics.median(ms):6.1f} ms), worst {max(ms) / FRAME_MS:5.2f} frames "
            f"({max(ms):6.1f} ms)"
        )

    print(
        f"Board looks, {args.mailboxes} mailboxes ({rooms} rooms, {found} free in the finder), "
        f"dark + colour-blind-safe, {args.refreshes} refreshes, {args.zooms} zoom steps "
        f"(ratios to a {FRAME_MS:.0f} ms frame)"
    )
    print(f"  plain board, light: apply    {frames(plain_applies)}")
    print(f"  plain board, light: stall    {frames(plain_stalls)}")
    print(f"  apply a full refresh     : {frames(applies)}   goal <= 3 frames")
    print(f"  worst GUI stall          : {frames(stalls)}   goal <= 1 frame")
    print(f"  zoom change              : {frames(zooms)}   goal <= 3 frames")
    return 0


if __name__ == "__main__":
    sys.exit(main())
