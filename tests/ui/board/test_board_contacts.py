# ruff: noqa: F811 - the Graph fixtures are imported by name
"""Contact details from the directory reach the board, its row actions and the details pane.

The window on the real refresh service and name lookups, against the fake Exchange
(ResolveNames with the full contact data) and the fake Graph (``users`` with User.Read.All):
the statuses come first, then the background lookups fill in phone, mobile, department and job
title where the watch list says nothing, and what the admin wrote stays.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from test_row_actions import opened  # noqa: F401 - a fixture, by its name

from attendant.domain import WatchEntry, WatchList
from attendant.providers.base import FreeBusyProvider
from attendant.services.lockout import LockoutGuard
from attendant.services.names import NameCache
from attendant.services.refresh import RefreshService
from attendant.services.state import FeedHealth
from attendant.ui.board.model import Column
from attendant.ui.window.main_window import MainWindow
from tests.fakes.helpers import exchange_provider, seed_contoso
from tests.providers.test_graph import DAY, ROME, Approver, World, make_world, rome_day  # noqa: F401

pytest_plugins = ("tests.fakes.fixtures",)
#: A menu pops up: the offscreen platform cannot raise it or grab the keyboard for it.
pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support raise\(\)",
    "This plugin does not support grabbing the keyboard",
)
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
SHOTS = Path(os.environ["ATTENDANT_SHOTS"]) if os.environ.get("ATTENDANT_SHOTS") else None


def _cells(window: MainWindow, name: str) -> dict[Column, str]:
    proxy = window.people.proxy
    for row in range(proxy.rowCount()):
        if proxy.index(row, Column.NAME).data() == name:
            columns = (Column.PHONE, Column.MOBILE, Column.DEPARTMENT, Column.JOB_TITLE)
            return {c: proxy.index(row, c).data() for c in columns}
    return {}


def _select(qtbot, window: MainWindow, name: str) -> None:
    proxy, view = window.people.proxy, window.people.view
    row = next(r for r in range(proxy.rowCount()) if proxy.index(r, Column.NAME).data() == name)
    window.people.focus_board()
    view.setCurrentIndex(proxy.index(row, Column.NAME))
    qtbot.waitUntil(lambda: view.currentIndex().data() == name, timeout=2000)


def open_console(
    qtbot, provider: FreeBusyProvider, watch: WatchList, state: Path, title: str
) -> tuple[MainWindow, RefreshService]:
    """The console on ``provider`` at 10:15 in Rome, on screen, after its first refresh."""
    clock = lambda: datetime(2026, 11, 23, 10, 15, tzinfo=ROME)  # noqa: E731
    service = RefreshService(
        provider,
        watch,
        interval_seconds=3600,
        timeout_seconds=10,
        guard=LockoutGuard(state),
        clock=clock,
        window_for=lambda now: rome_day(),
        names=NameCache(state),
    )
    window = MainWindow(service, clock=clock, provider_title=title, tz=ROME)
    qtbot.addWidget(window)
    window.resize(1400, 800)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=2000)
    service.start()
    qtbot.waitUntil(lambda: service.state.health is FeedHealth.OK, timeout=10_000)
    return window, service


def close_console(qtbot, qasync_loop, window: MainWindow, service: RefreshService) -> None:
    window.close()
    closing = qasync_loop.create_task(service.aclose())
    qtbot.waitUntil(closing.done, timeout=5_000)


@pytest.mark.ews_schema
def test_exchange_contact_data_fills_columns_actions_and_pane(
    qtbot, qasync_loop, make_ews, ca_file, tmp_path, opened
):
    ews = make_ews()
    seed_contoso(ews, DAY, tz=ROME)
    alice = ews.directory.mailboxes["alice@contoso.com"]
    alice.phone, alice.mobile = "+39 06 5550100", "+39 333 5550100"
    alice.department, alice.job_title = "Finance", "Controller"
    bob = ews.directory.mailboxes["bob@contoso.com"]
    bob.phone, bob.department = "+39 06 5550200", "Facilities"
    provider = exchange_provider(ews, ca_file, zone=ROME, timeout_seconds=10)
    watch = WatchList(
        people=(
            "alice@contoso.com",
            # The admin named Bob and his department: those stay, the directory adds the phone.
            WatchEntry("bob@contoso.com", name="Bob (front desk)", department="Reception"),
        )
    )
    window, service = open_console(qtbot, provider, watch, tmp_path, "Exchange")
    try:
        qtbot.waitUntil(lambda: _cells(window, "Alice Example") != {}, timeout=20_000)
        assert _cells(window, "Alice Example") == {
            Column.PHONE: "+39 06 5550100",
            Column.MOBILE: "+39 333 5550100",
            Column.DEPARTMENT: "Finance",
            Column.JOB_TITLE: "Controller",
        }
        qtbot.waitUntil(
            lambda: _cells(window, "Bob (front desk)").get(Column.PHONE) == "+39 06 5550200",
            timeout=20_000,
        )
        assert _cells(window, "Bob (front desk)")[Column.DEPARTMENT] == "Reception"
        assert ews.operations["GetUserAvailability"] == 1  # details came without a refresh

        _select(qtbot, window, "Alice Example")
        line = window.people.pane.line.text()
        assert "phone +39 06 5550100" in line and "mobile +39 333 5550100" in line
        assert "Controller" in line
        view = window.people.view
        qtbot.keyClick(view, Qt.Key.Key_P, CTRL_SHIFT)
        assert QGuiApplication.clipboard().text() == "+39 06 5550100"
        qtbot.keyClick(view, Qt.Key.Key_Menu)
        menu = window.people.row_actions.menu
        assert menu is not None
        qtbot.waitUntil(menu.isVisible, timeout=2000)
        texts = [a.text() for a in menu.actions() if not a.isSeparator()]
        assert "Ca&ll +39 06 5550100" in texts
        qtbot.keyClick(menu, Qt.Key.Key_L)  # the mnemonic of "Call"
        qtbot.waitUntil(lambda: opened.urls == ["tel:+39065550100"], timeout=2000)
        assert ews.schema_errors == [] and ews.response_schema_errors == []
        if SHOTS is not None:  # the contact columns shown, as a receptionist would ask for them
            menu.close()
            for column in (Column.PHONE, Column.MOBILE, Column.DEPARTMENT, Column.JOB_TITLE):
                view.setColumnHidden(column, False)
            window.grab().save(str(SHOTS / "board-directory-contacts.png"))
    finally:
        close_console(qtbot, qasync_loop, window, service)


def test_graph_contact_fields_reach_the_board_with_user_read_all(
    qtbot, qasync_loop, make_world, tmp_path
):
    world: World = make_world()
    alice = world.graph.mailboxes["alice@contoso.com"]
    alice.business_phones, alice.mobile_phone = ["+39 06 5550100"], "+39 333 5550100"
    alice.department, alice.job_title = "Finance", "Controller"
    world.entra.admin_consented.append(f"{world.graph.base_url}/User.Read.All")
    world.signin.sign_out()
    world.signin.sign_in_device_code(Approver(world.entra))
    watch = WatchList(people=("alice@contoso.com",))
    window, service = open_console(qtbot, world.provider(), watch, tmp_path, "Graph")
    try:
        qtbot.waitUntil(lambda: _cells(window, "Alice Example") != {}, timeout=20_000)
        assert _cells(window, "Alice Example") == {
            Column.PHONE: "+39 06 5550100",
            Column.MOBILE: "+39 333 5550100",
            Column.DEPARTMENT: "Finance",
            Column.JOB_TITLE: "Controller",
        }
        _select(qtbot, window, "Alice Example")
        assert "Finance" in window.people.pane.line.text()
        assert world.graph.routes["getSchedule"] == 1
    finally:
        close_console(qtbot, qasync_loop, window, service)
