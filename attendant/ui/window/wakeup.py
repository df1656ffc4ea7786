"""Notices a resume from sleep and a network that comes back, and says so to the feed.

A laptop's console sleeps through lunch; when it wakes, the board must not wait a whole
refresh interval (asyncio's timers do not count the time asleep) to show fresh data. Two
signs are watched:

- Qt's network information (where this Qt has a backend for the platform): the network
  becoming reachable again after it was not;
- the wall clock against the monotonic clock, every few seconds: the monotonic clock stops
  while the machine sleeps and the wall clock does not, so a gap between them is a resume
  (or someone setting the clock, which deserves a refresh as well). This works everywhere.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from loguru import logger
from PySide6.QtCore import QObject, QTimer

#: How often the clocks are compared.
CHECK_MILLISECONDS = 5_000
#: A difference between the clocks larger than this is a resume (or a clock change).
JUMP_SECONDS = 20.0


class WakeWatch(QObject):
    """Calls ``on_wake(reason)`` after a resume or a reconnect."""

    def __init__(
        self,
        on_wake: Callable[[str], None],
        *,
        wall: Callable[[], float] = time.time,
        steady: Callable[[], float] = time.monotonic,
        network: bool = True,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._on_wake = on_wake
        self._wall, self._steady = wall, steady
        self._last = (wall(), steady())
        self._reachable: bool | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_MILLISECONDS)
        self._timer.timeout.connect(self.check_clocks)
        self._timer.start()
        self.network_backend = self._watch_network() if network else None

    def check_clocks(self) -> None:
        wall, steady = self._wall(), self._steady()
        gap = (wall - self._last[0]) - (steady - self._last[1])
        self._last = (wall, steady)
        if abs(gap) > JUMP_SECONDS:
            what = "Resumed from sleep" if gap > 0 else "The clock was set back"
            self._on_wake(f"{what} ({abs(gap):.0f} s unaccounted for)")

    def reachability_changed(self, reachable: bool) -> None:
        """The network became reachable (True) or not (False)."""
        was, self._reachable = self._reachable, reachable
        if reachable and was is False:
            self._on_wake("The network is back")

    def stop(self) -> None:
        self._timer.stop()

    def _watch_network(self) -> str | None:
        try:
            from PySide6.QtNetwork import QNetworkInformation
        except ImportError:  # pragma: no cover - QtNetwork is part of the essentials
            return None
        if not QNetworkInformation.loadDefaultBackend():
            logger.debug("No network information backend; resume is noticed by the clocks")
            return None
        info = QNetworkInformation.instance()
        if info is None:  # pragma: no cover - loaded means there is one
            return None
        online = QNetworkInformation.Reachability.Online

        def changed(reachability: QNetworkInformation.Reachability) -> None:
            self.reachability_changed(reachability == online)

        info.reachabilityChanged.connect(changed)
        self._reachable = info.reachability() == online
        return str(info.backendName())
