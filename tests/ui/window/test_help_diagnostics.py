"""Help ▸ Copy diagnostics and Help ▸ Save diagnostics… on the real window."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from loguru import logger
from office_day import TZ, FakeClock, FakeFeed, ok_state
from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox

from attendant.log import configure_logging, shutdown_logging
from attendant.paths import app_paths
from attendant.ui.window.diagnostics import DiagnosticsActions
from attendant.ui.window.main_window import MainWindow


@pytest.fixture
def window(qtbot, clock: FakeClock, tmp_path: Path):
    paths = app_paths()
    configure_logging(paths.log_file, console=False)
    win = MainWindow(FakeFeed(ok_state()), clock=clock, provider_title="Demo company", tz=TZ)
    qtbot.addWidget(win)
    actions = DiagnosticsActions(win, paths, win.help_menu, win.about_action)
    yield win, actions
    shutdown_logging()


def test_the_help_menu_offers_copy_and_save_before_about(window) -> None:
    win, _ = window
    texts = [a.text() for a in win.help_menu.actions() if not a.isSeparator()]
    assert texts[-4:] == [
        "Open &log folder",
        "&Copy diagnostics",
        "&Save diagnostics…",
        "&About Attendant",
    ]


def test_copy_diagnostics_puts_the_report_and_the_log_on_the_clipboard(window) -> None:
    _, actions = window

    logger.info("a line support will want to read")
    actions.copy_action.trigger()

    text = QGuiApplication.clipboard().text()
    assert text.startswith("== Attendant\n")
    assert "Qt         6." in text and "(platform offscreen)" in text
    assert f"log_file          {app_paths().log_file}" in text
    assert "== Credential blocks and back-offs" in text
    assert "== The last " in text and "a line support will want to read" in text


def test_save_diagnostics_writes_the_bundle(window, tmp_path: Path) -> None:
    _, actions = window
    target = tmp_path / "ticket-4711.zip"
    assert actions.save(target) is True
    with zipfile.ZipFile(target) as bundle:
        names = set(bundle.namelist())
        report = bundle.read("diagnostics.txt").decode("utf-8")
    assert {"diagnostics.txt", "ApplicationLogFile-last-lines.txt"} <= names
    assert "(platform offscreen)" in report


def test_a_bundle_that_cannot_be_written_is_said_and_nothing_else_happens(
    window, tmp_path: Path
) -> None:
    win, actions = window
    target = tmp_path / "missing-folder" / "ticket.zip"
    seen: list[str] = []

    def close_the_message() -> None:
        for widget in win.findChildren(QMessageBox):
            seen.append(widget.text())
            widget.close()

    timer = QTimer(win)
    timer.timeout.connect(close_the_message)
    timer.start(20)
    assert actions.save(target) is False
    timer.stop()
    assert seen and str(target) in seen[0]
    assert not target.exists()
