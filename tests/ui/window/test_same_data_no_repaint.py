"""A refresh that brings the same data repaints nothing; one that brings news repaints.

Found by the soak: every refresh repainted both boards whole (about 10 ms of the GUI thread
for the people board on an idle machine, two to three times that on a busy one), although
between two refreshes a minute apart almost nothing changes. The refresh service now hands
over the very same entries when the answers are equal (compared off the GUI thread), and the
board keeps what it painted; only the data's age moves. The real console against the fake
Exchange over loopback HTTPS.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication

from attendant.paths import app_paths, ensure_dirs
from attendant.services.state import FeedHealth
from attendant.ui.board.cells import Column
from attendant.ui.window import main_window
from tests.cli.cli_world import exchange_settings
from tests.fakes import FakeEvent
from tests.fakes.helpers import DEFAULT_PASSWORD, seed_contoso

pytest_plugins = ("tests.fakes.fixtures",)  # make_ews, ca_file


class Paints(QObject):
    """Counts the paint events of one widget."""

    def __init__(self, widget) -> None:
        super().__init__()
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


@pytest.fixture
def started(real_console, tmp_path, make_ews, ca_file, monkeypatch):
    monkeypatch.setenv("ATTENDANT_PASSWORD", DEFAULT_PASSWORD)
    # The board's 30 s tick repaints by design; it must not fall inside what is counted.
    monkeypatch.setattr(main_window, "TICK_MILLISECONDS", 3_600_000)
    ews = make_ews()
    seed_contoso(ews, datetime.now(UTC).date())
    config = exchange_settings(
        tmp_path,
        ews,
        ca_file,
        timeout_seconds=5,
        watch="""people = [{address = "alice@contoso.com", name = "Alice Example"},
          {address = "dave@contoso.com", name = "Dave Free"}]
""",
    )
    ews.add_mailbox("dave@contoso.com", "Dave Free")
    paths = app_paths(config)
    ensure_dirs(paths)
    window, flow = real_console(paths, (1100, 500))
    return ews, window, flow


def refreshed(qtbot, window, flow) -> None:
    """Ask for a refresh, wait until the board holds its data and every paint it asked for
    has been done."""
    before = flow.service.state.last_success
    flow.service.request_refresh()
    qtbot.waitUntil(
        lambda: (
            flow.service.state.health is FeedHealth.OK
            and not flow.service.state.refreshing
            and flow.service.state.last_success != before
            and window.model.snapshot is flow.service.state.snapshot
        ),
        timeout=10_000,
    )
    QApplication.processEvents()  # the posted update requests: paints happen here, if any
    QApplication.processEvents()


def status_of(window, name: str) -> str:
    model = window.model
    for row in range(model.rowCount()):
        if model.index(row, Column.NAME).data() == name:
            return str(model.index(row, Column.STATUS).data())
    raise AssertionError(f"{name} is not on the board")


def test_a_refresh_with_the_same_answers_repaints_nothing(qtbot, started):
    ews, window, flow = started
    qtbot.waitUntil(lambda: window.model.rowCount() == 2, timeout=10_000)
    refreshed(qtbot, window, flow)
    paints = Paints(window.people.view.viewport())
    shown = window.model.snapshot

    refreshed(qtbot, window, flow)
    assert window.model.snapshot is not shown  # fresh data, with its new age
    assert paints.count == 0
    assert window.updated_label.text()  # the age is still told

    # A meeting starts for Dave: the next refresh repaints and shows it.
    now = datetime.now(UTC)
    ews.directory.mailboxes["dave@contoso.com"].events.append(
        FakeEvent(now - timedelta(minutes=5), now + timedelta(hours=1), "Busy", subject="Call")
    )
    assert status_of(window, "Dave Free") == "Free"
    refreshed(qtbot, window, flow)
    assert status_of(window, "Dave Free") == "Busy"
    assert paints.count >= 1
