"""Refresh of 5,000 demo mailboxes into the board: how long the GUI thread is busy.

Runs the real window, model and refresh service on the real demo provider (a synthetic
directory of 4,500 people and 500 rooms), offscreen. For each refresh it measures

* apply: from the moment the new snapshot is published to the GUI thread until both boards
  show it (the end of the GUI thread's block that painted their last changed rows): the
  boards repaint a change of many rows a few rows a pass, one board at a time, the people's
  first (ui/board/staged.py), so this is wall time, the passes between included;
* stall: the longest gap of a 1 ms heartbeat timer on the GUI thread during the whole refresh,
  including the provider call running in its worker thread, minus the heartbeat interval;

and prints both as ratios to one 16 ms frame. Goal: apply ≤ 3 frames, stall ≤ 1 frame.

    python bench/bench_board.py [--mailboxes 5000] [--refreshes 8]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import statistics
import sys
import time
from collections.abc import Sequence
from datetime import timedelta

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from attendant.domain import Availability, BusyType, Event, Mailbox, Window
from attendant.providers.demo import DemoDirectory, DemoProvider
from attendant.services.clock import local_now, local_zone
from attendant.services.collector import share_with_the_window
from attendant.services.refresh import RefreshService
from attendant.services.state import RefreshState
from attendant.ui.window.main_window import MainWindow

FRAME_MS = 16.0


class ChangingDemo(DemoProvider):
    """The demo directory with news at every refresh: the first mailbox's day gains or loses
    a free minute. A refresh whose answers equal the last ones repaints nothing
    (services/refresh.py); these benchmarks measure a refresh that has something to show."""

    refreshes = 0

    def get_availability(self, mailboxes: Sequence[Mailbox], window: Window) -> list[Availability]:
        answers = super().get_availability(mailboxes, window)
        self.refreshes += 1
        if answers and self.refreshes % 2:
            minute = Event(window.start, window.start + timedelta(minutes=1), BusyType.FREE)
            answers[0] = dataclasses.replace(answers[0], events=(minute, *answers[0].events))
        return answers


def board_window(
    provider_class: type[DemoProvider], mailboxes: int
) -> tuple[RefreshService, MainWindow]:
    """The real window on a synthetic demo directory of ``mailboxes`` (a tenth of them
    rooms), refreshed only when asked, shown at 1440 x 860."""
    rooms = mailboxes // 10
    provider = provider_class(DemoDirectory.synthetic(mailboxes - rooms, rooms))
    service = RefreshService(
        provider, provider.default_watch(), interval_seconds=3600, timeout_seconds=120
    )
    window = MainWindow(
        service, clock=local_now, provider_title="Demo (benchmark)", tz=local_zone()
    )
    window.resize(1440, 860)
    window.show()
    return service, window


class Heartbeat:
    """A 1 ms timer on the GUI thread; keeps every gap between its beats."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setInterval(1)
        self.timer.timeout.connect(self._beat)
        self.last = time.perf_counter()
        self.gaps: list[tuple[float, float]] = []

    def _beat(self) -> None:
        now = time.perf_counter()
        self.gaps.append((self.last, now))
        self.last = now

    def reset(self) -> None:
        self.last = time.perf_counter()
        self.gaps.clear()

    def end_of_gap(self, instant: float) -> float:
        """The end of the gap during which ``instant`` fell (the GUI thread was busy)."""
        for start, end in self.gaps:
            if start <= instant <= end:
                return end
        return instant

    def worst(self) -> float:
        return max((end - start for start, end in self.gaps), default=0.0)


class Paints(QObject):
    """The instants the watched widgets began to paint."""

    def __init__(self, widgets: Sequence[QWidget]) -> None:
        super().__init__()
        self.started: list[float] = []
        for widget in widgets:
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.started.append(time.perf_counter())
        return False


async def measure(
    service: RefreshService, window: MainWindow, refreshes: int
) -> tuple[list[float], list[float]]:
    """Per refresh: from its publication until both boards show it, and the worst block."""
    applies: list[float] = []
    stalls: list[float] = []
    heartbeat = Heartbeat()
    heartbeat.timer.start()
    published: list[float] = []
    paints = Paints([window.people.view.viewport(), window.rooms.view.viewport()])

    def on_state(state: RefreshState) -> None:
        if not state.refreshing and state.snapshot is not None:
            published.append(time.perf_counter())

    service.subscribe(on_state)
    await service.refresh_once()  # warm-up: first load of the mailbox list
    for _ in range(refreshes):
        await asyncio.sleep(0.1)
        heartbeat.reset()
        published.clear()
        await service.refresh_once()
        paints.started.clear()
        await asyncio.sleep(0.1)  # let the boards paint what changed
        tick = 0.001
        shown = heartbeat.end_of_gap(max(paints.started, default=published[-1]))
        applies.append(max(0.0, shown - published[-1] - tick))
        stalls.append(max(0.0, heartbeat.worst() - tick))
    heartbeat.timer.stop()
    return applies, stalls


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mailboxes", type=int, default=5000)
    parser.add_argument("--refreshes", type=int, default=8)
    args = parser.parse_args()

    import qasync

    app = QApplication.instance() or QApplication(sys.argv[:1])
    service, window = board_window(ChangingDemo, args.mailboxes)
    share_with_the_window()  # as the console does once its window is up (attendant/app.py)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        applies, stalls = loop.run_until_complete(measure(service, window, args.refreshes))
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
        f"Board refresh, {args.mailboxes} mailboxes, {args.refreshes} refreshes "
        f"(ratios to a {FRAME_MS:.0f} ms frame)"
    )
    print(f"  apply until both boards show it : {frames(applies)}   goal <= 3 frames")
    print(f"  worst GUI stall                 : {frames(stalls)}   goal <= 1 frame")
    return 0


if __name__ == "__main__":
    sys.exit(main())
