"""OK in the settings dialog, end to end: the file is written, the board switches provider.

The composition root's :class:`SettingsFlow` saves what the dialog returns (the dialog writes
nothing), stores the password in the keyring, and swaps the board's feed without a restart.
A settings file that is invalid on disk is never overwritten.
"""

from __future__ import annotations

import os
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QLineEdit, QTabBar
from test_settings_dialog_support import (
    choose,
    click,
    memory_keyring_fixture,  # noqa: F401 - a fixture, by its name
    registry,
    retype,
    settled_workers_fixture,  # noqa: F401 - a fixture, by its name
)

from attendant.paths import app_paths, ensure_dirs
from attendant.services.clock import local_now
from attendant.settings import default_settings, load_settings
from attendant.ui.common.themes import ThemeChoice
from attendant.ui.window.console import SettingsFlow, build_service
from attendant.ui.window.main_window import MainWindow
from tests.fakes.helpers import DEFAULT_PASSWORD, DEFAULT_USERNAME, seed_contoso

pytest_plugins = ("tests.fakes.fixtures",)  # ca_file, make_ews


@pytest.fixture
def console(qtbot, qasync_loop, tmp_path):
    """The window on the demo directory, as a first start shows it, with its SettingsFlow."""
    paths = app_paths(tmp_path / "config" / "settings.toml")
    ensure_dirs(paths)
    loaded = load_settings(paths.config_file, site_path=paths.site_config_file)
    service, title = build_service(loaded.settings, registry(), paths)
    window = MainWindow(service, clock=local_now, provider_title=title)
    qtbot.addWidget(window)
    window.show()
    flow = SettingsFlow(window, registry(), paths, service, loaded)
    window.settings_requested.connect(flow.open_dialog)
    service.start()
    qtbot.waitUntil(lambda: window.model.rowCount() > 0, timeout=5000)
    yield window, flow, paths
    closing = qasync_loop.create_task(flow.aclose())
    qtbot.waitUntil(closing.done, timeout=10_000)


def test_first_start_is_a_first_run(console) -> None:
    _window, flow, _paths = console
    assert flow.is_first_run()


def test_ok_saves_the_file_and_the_board_switches(
    qtbot, console, make_ews, ca_file, memory_keyring
) -> None:
    window, flow, paths = console
    ews = make_ews()
    seed_contoso(ews, datetime.now(UTC).date())
    assert window.provider_label.text() == "Demo directory"

    window.settings_action.trigger()
    dialog = flow.dialog
    assert dialog is not None and dialog.isVisible()
    choose(qtbot, dialog.provider.input, "Exchange")
    page = dialog.pages["exchange"]
    retype(qtbot, page.ews_url.input, ews.url)
    retype(qtbot, page.username.input, DEFAULT_USERNAME)
    page.username.input.editingFinished.emit()
    qtbot.keyClicks(page.password.edit, DEFAULT_PASSWORD)
    retype(qtbot, dialog.interval.input, "120")
    dialog.tabs.setCurrentIndex(1)
    people = dialog.watch_page.people
    for address in ("alice@contoso.com", "bob@contoso.com"):
        qtbot.keyClicks(people.address, address)
        click(qtbot, people.add_button)
    dialog.tabs.setCurrentIndex(2)
    retype(qtbot, dialog.ca_file.input, str(ca_file))
    click(qtbot, dialog.ok_button)

    qtbot.waitUntil(lambda: flow.dialog is None, timeout=5000)
    written = tomllib.loads(paths.config_file.read_text(encoding="utf-8"))
    assert written["calendar"]["provider"] == "exchange"
    assert written["calendar"]["refresh_interval_seconds"] == 120
    assert written["calendar"]["exchange"] == {
        "ews_url": ews.url,
        "version": "Exchange2013_SP1",
        "username": DEFAULT_USERNAME,
        "auth": "basic",
    }
    assert written["network"]["ca_bundle"] == str(ca_file)
    assert written["watch"]["people"] == ["alice@contoso.com", "bob@contoso.com"]
    assert DEFAULT_PASSWORD not in paths.config_file.read_text(encoding="utf-8")
    assert memory_keyring.passwords == {("Attendant", DEFAULT_USERNAME): DEFAULT_PASSWORD}

    # The board now shows the Exchange mailboxes, without a restart.
    qtbot.waitUntil(lambda: window.provider_label.text() == "Exchange on-premises (EWS)")
    assert window.windowTitle() == "Exchange on-premises (EWS)"

    def names() -> set[str]:
        model = window.model
        return {model.index(r, 0).data() for r in range(model.rowCount())}

    qtbot.waitUntil(lambda: names() == {"Alice Example", "Bob Builder"}, timeout=10_000)
    assert ews.failed_logons == 0
    assert not flow.is_first_run()


def test_an_invalid_file_on_disk_is_never_overwritten(qtbot, console) -> None:
    window, flow, paths = console
    broken = "[calendar]\nrefresh_interval_seconds = 5\n"
    paths.config_file.write_text(broken, encoding="utf-8")
    flow.loaded = None  # as after a start with this file
    dialog = flow.open_dialog()
    retype(qtbot, dialog.interval.input, "90")
    click(qtbot, dialog.ok_button)
    assert dialog.isVisible() and "was not overwritten" in dialog.banner.text()
    assert "refresh_interval_seconds" in dialog.banner.text()
    assert paths.config_file.read_text(encoding="utf-8") == broken
    assert window.provider_label.text() == "Demo directory"
    click(qtbot, dialog.cancel_button)


def test_the_dialog_opens_once(qtbot, console) -> None:
    window, flow, _ = console
    window.settings_action.trigger()
    first = flow.dialog
    window.settings_action.trigger()
    assert flow.dialog is first
    click(qtbot, first.cancel_button)
    qtbot.waitUntil(lambda: flow.dialog is None)
    assert QApplication.activeModalWidget() is None


def test_a_locked_key_is_left_out_of_the_user_file(qtbot, console) -> None:
    _, flow, paths = console
    site = paths.site_config_file
    site.parent.mkdir(parents=True, exist_ok=True)
    site.write_text(
        'managed_by = "IT department, ext. 1234"\nlocked = ["calendar.refresh_interval_seconds"]\n'
        "[calendar]\nrefresh_interval_seconds = 300\n",
        encoding="utf-8",
    )
    flow.loaded = load_settings(paths.config_file, site_path=site)
    dialog = flow.open_dialog()
    assert not dialog.interval.input.isEnabled()
    assert "IT department, ext. 1234" in dialog.interval.message.text()
    assert str(site) in dialog.interval.message.text()
    dialog.tabs.setCurrentIndex(1)
    qtbot.keyClicks(dialog.watch_page.people.address, "alice@contoso.com")
    click(qtbot, dialog.watch_page.people.add_button)
    click(qtbot, dialog.ok_button)
    written = tomllib.loads(paths.config_file.read_text(encoding="utf-8"))
    assert "refresh_interval_seconds" not in written["calendar"]
    assert written["watch"]["people"] == ["alice@contoso.com"]
    assert flow.loaded.settings.calendar.refresh_interval_seconds == 300
    assert default_settings().calendar.refresh_interval_seconds != 300
    assert Path(paths.config_file).exists()


@pytest.mark.parametrize("theme", [ThemeChoice.DARK, ThemeChoice.HIGH_CONTRAST])
def test_the_dialog_follows_the_boards_theme(qtbot, console, theme: ThemeChoice) -> None:
    window, flow, _ = console
    window.tools.looks.set_theme(theme)
    palette = window.tools.looks.palette
    window.settings_action.trigger()
    dialog = flow.dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    field = dialog.findChild(QLineEdit)
    assert field is not None
    assert field.palette().color(QPalette.ColorRole.Base) == QColor(palette.base)
    # What is painted is dark too: the light dialog under a dark board was the complaint.
    image = dialog.grab().toImage()
    if os.environ.get("ATTENDANT_SHOTS"):
        image.save(os.path.join(os.environ["ATTENDANT_SHOTS"], f"dialog-{theme}.png"))
    lightness = [
        image.pixelColor(x, y).lightness()
        for x in range(0, image.width(), 7)
        for y in range(0, image.height(), 7)
    ]
    assert sum(lightness) / len(lightness) < 80
    # The tabs too (the style drew them light on a dark dialog).
    tabs = dialog.findChild(QTabBar)
    assert tabs is not None
    for index in range(tabs.count()):
        tab = tabs.grab(tabs.tabRect(index).adjusted(3, 3, -3, -3)).toImage()
        corner = tab.pixelColor(2, 2)  # the tab's background, beside its words
        assert corner.lightness() < 80, (tabs.tabText(index), corner.name())
    click(qtbot, dialog.cancel_button)
    qtbot.waitUntil(lambda: flow.dialog is None)
