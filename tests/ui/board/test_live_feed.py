"""The real refresh service and the real demo provider feeding the window under qasync."""

from __future__ import annotations

import itertools
import time
from datetime import datetime

from PySide6.QtCore import Qt, QTimer

from attendant.domain import MailboxKind
from attendant.providers.demo import DemoProvider
from attendant.services.clock import local_now
from attendant.services.refresh import RefreshService
from attendant.services.state import FeedHealth
from attendant.ui.window.main_window import MainWindow


def test_the_demo_company_fills_the_board(qtbot, qasync_loop) -> None:
    provider = DemoProvider()
    service = RefreshService(provider, provider.default_watch(), interval_seconds=60)
    window = MainWindow(service, clock=local_now, provider_title="Demo company")
    qtbot.addWidget(window)
    window.show()
    service.start()
    try:
        qtbot.waitUntil(lambda: service.state.health is FeedHealth.OK, timeout=10_000)
        qtbot.waitUntil(lambda: window.model.rowCount() > 0, timeout=5_000)
        people = len(provider.directory.people)
        rooms = len(provider.directory.rooms)
        assert window.people.proxy.rowCount() == people
        assert window.rooms.proxy.rowCount() == rooms
        qtbot.waitUntil(window.model.is_evaluated, timeout=5_000)
        counts = window.model.counts(MailboxKind.PERSON)
        assert sum(counts.values()) == people
        assert window.people.summary_text
        assert not window.banner.isVisible()
        assert window.updated_label.text().startswith("Data from ")
        assert window.next_label.text().startswith("Next refresh ")

        # "Refresh now" (F5) goes through the real service and brings the same rows back.
        first = window.model.snapshot
        assert first is not None
        window.people.focus_board()
        selected = window.people.view.currentIndex().data()
        window.refresh_action.trigger()
        qtbot.waitUntil(lambda: window.model.snapshot is not first, timeout=10_000)
        assert window.people.view.currentIndex().data() == selected
        assert isinstance(window.model.now, datetime)
        assert window.people.view.currentIndex().flags() & Qt.ItemFlag.ItemIsSelectable
    finally:
        window.close()
        closing = qasync_loop.create_task(service.aclose())
        qtbot.waitUntil(closing.done, timeout=5_000)


class _SlowServer(DemoProvider):
    """The demo company behind a server that takes 1.5 s to answer."""

    def get_availability(self, mailboxes, window):
        time.sleep(1.5)
        return super().get_availability(mailboxes, window)


def test_a_slow_server_does_not_freeze_the_window(qtbot, qasync_loop) -> None:
    provider = _SlowServer()
    service = RefreshService(provider, provider.default_watch(), interval_seconds=60)
    window = MainWindow(service, clock=local_now, provider_title="Slow server")
    qtbot.addWidget(window)
    window.show()
    beats: list[float] = []
    heartbeat = QTimer()
    heartbeat.setInterval(10)
    heartbeat.timeout.connect(lambda: beats.append(time.perf_counter()))
    heartbeat.start()
    service.start()
    try:
        qtbot.waitUntil(lambda: service.state.refreshing, timeout=5_000)
        # While the provider blocks its worker thread, the GUI keeps answering keys.
        qtbot.keyClicks(window.search, "Eleanor")
        qtbot.waitUntil(lambda: service.state.health is FeedHealth.OK, timeout=10_000)
        heartbeat.stop()
        gaps = [b - a for a, b in itertools.pairwise(beats)]
        # Had the 1.5 s call run on the GUI thread, one gap would be at least that long.
        assert len(beats) > 50
        assert max(gaps) < 0.5, f"the event loop stalled for {max(gaps):.3f} s"
        assert window.search.text() == "Eleanor"
        qtbot.waitUntil(lambda: window.people.proxy.rowCount() == 1, timeout=5_000)
    finally:
        heartbeat.stop()
        closing = qasync_loop.create_task(service.aclose())
        qtbot.waitUntil(closing.done, timeout=5_000)
