# ruff: noqa: F811 - the Graph fixtures are imported by name
"""The window on the real refresh service and the Graph provider, against the fake Graph.

Teams presence arrives beside the statuses; selecting a person shows their day and, once
the selection rests, their automatic reply (getMailTips), asked once and then remembered.
"""

from __future__ import annotations

from PySide6.QtCore import Qt

from attendant.domain import Mailbox, MailboxKind, WatchList
from attendant.services.lockout import LockoutGuard
from attendant.services.refresh import RefreshService
from attendant.services.state import FeedHealth
from attendant.ui.board.model import Column
from attendant.ui.window.main_window import MainWindow
from tests.providers.test_graph import ROME, World, at, make_world, rome_day, world  # noqa: F401
from tests.providers.test_graph_presence import provider_in

pytest_plugins = ("tests.fakes.fixtures",)


def test_presence_and_the_details_pane_from_graph(qtbot, qasync_loop, world: World, tmp_path):
    world.graph.mailboxes["alice@contoso.com"].presence = ("Busy", "InACall")
    bob = world.graph.mailboxes["bob@contoso.com"]
    bob.presence = ("Offline", "OffWork")
    bob.auto_reply = "<p>On holiday, back on Monday.</p>"
    clock = lambda: at(10, 15)  # noqa: E731
    service = RefreshService(
        provider_in(world, tmp_path),
        WatchList(),
        interval_seconds=3600,
        timeout_seconds=10,
        guard=LockoutGuard(tmp_path),
        clock=clock,
        window_for=lambda now: rome_day(),
        mailboxes=[
            Mailbox("alice@contoso.com", "Alice Example", MailboxKind.PERSON, department="Sales"),
            Mailbox("bob@contoso.com", "Bob Builder", MailboxKind.PERSON),
        ],
    )
    window = MainWindow(service, clock=clock, provider_title="Graph", tz=ROME)
    qtbot.addWidget(window)
    window.resize(1400, 800)
    window.show()
    service.start()
    try:
        qtbot.waitUntil(lambda: service.state.health is FeedHealth.OK, timeout=10_000)
        view = window.people.view
        qtbot.waitUntil(lambda: not view.isColumnHidden(Column.PRESENCE), timeout=10_000)
        proxy = window.people.proxy
        rows = {proxy.index(r, Column.NAME).data(): r for r in range(proxy.rowCount())}
        assert proxy.index(rows["Alice Example"], Column.PRESENCE).data() == "In a call"
        assert proxy.index(rows["Bob Builder"], Column.PRESENCE).data() == "Off work"
        assert proxy.index(rows["Alice Example"], Column.STATUS).data().startswith("Busy")

        window.people.focus_board()
        view.setCurrentIndex(proxy.index(rows["Bob Builder"], Column.NAME))
        pane = window.people.pane
        assert "Out of office until" in pane.hours.text()
        assert pane.agenda.text() == "Today: 09:00–17:00 Out of office"  # Bob shares no subjects
        qtbot.waitUntil(lambda: "On holiday, back on Monday." in pane.reply.text(), timeout=5000)
        assert pane.reply.text().startswith("Automatic reply")

        qtbot.keyClick(view, Qt.Key.Key_Up if rows["Bob Builder"] else Qt.Key.Key_Down)
        assert "Alice Example" in pane.line.text()
        assert "Budget review" in pane.agenda.text()  # the privacy setting shows subjects
        qtbot.waitUntil(lambda: pane.reply.text() != "", timeout=5000)
        # Two seconds between lookups: Alice's comes once the pause is over, or is cached.
        asked = world.graph.routes["mailTips"]
        assert asked in (1, 2)
        view.setCurrentIndex(proxy.index(rows["Bob Builder"], Column.NAME))
        qtbot.waitUntil(lambda: "On holiday" in pane.reply.text(), timeout=5000)
        assert world.graph.routes["mailTips"] == asked  # Bob's reply was remembered
        assert world.graph.routes["getSchedule"] == 1  # never asked in the refresh loop
    finally:
        window.close()
        closing = qasync_loop.create_task(service.aclose())
        qtbot.waitUntil(closing.done, timeout=5_000)
