"""The crash funnel: errors from a slot, a thread, the event loop and Qt all reach the log and
one dialog; the layout is saved; the console keeps running."""

from __future__ import annotations

import re
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer, qWarning
from PySide6.QtWidgets import QApplication

from attendant.log import configure_logging, register_secret, shutdown_logging
from attendant.providers.demo import DemoProvider
from attendant.services.clock import local_now
from attendant.services.refresh import RefreshService
from attendant.services.state import FeedHealth
from attendant.ui.window import state as window_state
from attendant.ui.window.crash import CrashFunnel
from attendant.ui.window.main_window import MainWindow

pytestmark = pytest.mark.qt_no_exception_capture  # the funnel, not pytest-qt, takes them here


@pytest.fixture
def console(qtbot, qasync_loop, tmp_path: Path):
    log_file = tmp_path / "logs" / "ApplicationLogFile.txt"
    layout = tmp_path / "state" / "window.ini"
    configure_logging(log_file, console=False)
    provider = DemoProvider()
    service = RefreshService(provider, provider.default_watch(), interval_seconds=60)
    window = MainWindow(service, clock=local_now, provider_title="Demo", geometry_file=layout)
    qtbot.addWidget(window)
    window.show()
    funnel = CrashFunnel(
        log_file,
        save_state=lambda: window_state.save(window, window.splitter, layout),
        parent_window=lambda: window,
    )
    saved_handler = qasync_loop.get_exception_handler()
    saved_hook = sys.excepthook
    funnel.install(qasync_loop)
    service.start()
    try:
        yield window, service, funnel, log_file, layout
    finally:
        funnel.uninstall()
        qasync_loop.set_exception_handler(saved_handler)
        shutdown_logging()
        assert sys.excepthook is saved_hook
        if funnel.dialog is not None:
            funnel.dialog.close()
        window.close()
        closing = qasync_loop.create_task(service.aclose())
        qtbot.waitUntil(closing.done, timeout=5_000)


def _log(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_an_error_in_a_slot_is_logged_shown_once_and_the_console_goes_on(qtbot, console):
    window, service, funnel, log_file, layout = console
    qtbot.waitUntil(lambda: service.state.health is FeedHealth.OK, timeout=10_000)
    register_secret("hunter2-in-crash")

    def broken_slot() -> None:
        raise RuntimeError("the board lost its place hunter2-in-crash")

    QTimer.singleShot(0, broken_slot)
    qtbot.waitUntil(lambda: funnel.dialog is not None and funnel.dialog.isVisible(), timeout=5_000)
    dialog = funnel.dialog
    assert str(log_file) in dialog.text.text()
    assert "RuntimeError: the board lost its place [REDACTED]" in dialog.text.text()
    text = _log(log_file)
    assert re.search(r"\| CRITICAL \| attendant\.crash \| Unhandled exception: RuntimeError", text)
    assert "broken_slot" in text  # the traceback is there, folded: every line dated
    assert all(re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", line) for line in text.splitlines())
    assert "hunter2-in-crash" not in text
    assert layout.exists()  # the layout was saved at once

    # Another error while the dialog is open is counted in it, not shown in a second dialog.
    threading.Thread(target=lambda: 1 / 0, name="worker-x").start()
    qtbot.waitUntil(lambda: dialog.more == 1, timeout=5_000)
    assert funnel.dialog is dialog
    assert "in thread worker-x" in _log(log_file)

    # Copy diagnostics: version, log file, the error; no secret.
    dialog.copy_button.click()
    copied = QApplication.clipboard().text()
    assert str(log_file) in copied and "Attendant" in copied
    assert "hunter2-in-crash" not in copied

    # The console keeps running: Refresh now still brings fresh data.
    before = service.state.last_success
    window.refresh_action.trigger()
    qtbot.waitUntil(lambda: service.state.last_success != before, timeout=10_000)


def test_an_error_in_an_asyncio_task_goes_to_the_funnel(qtbot, console, qasync_loop):
    window, _service, funnel, log_file, _ = console

    async def failing() -> None:
        raise ValueError("a task nobody awaited")

    def context_for_the_handler() -> None:
        task = qasync_loop.create_task(failing())
        # What asyncio reports when such a task is collected with its error never retrieved.
        task.add_done_callback(
            lambda t: qasync_loop.call_exception_handler(
                {"message": "Task exception was never retrieved", "exception": t.exception()}
            )
        )

    context_for_the_handler()
    qtbot.waitUntil(lambda: funnel.reports == ["ValueError: a task nobody awaited"], timeout=5_000)
    assert "Unhandled exception in the event loop (Task exception was never retrieved)" in _log(
        log_file
    )
    qasync_loop.call_exception_handler({"message": "Task was destroyed but it is pending!"})
    qtbot.waitUntil(lambda: "Event loop: Task was destroyed" in _log(log_file), timeout=5_000)
    assert funnel.reports == ["ValueError: a task nobody awaited"]  # a message alone: no dialog
    assert window.isVisible()


def test_qt_messages_go_to_the_log(qtbot, console):
    _, _, funnel, log_file, _ = console
    qWarning("QPainter::begin: Paint device returned engine == 0")
    text = _log(log_file)
    assert re.search(r"\| WARNING  \| qt \| QPainter::begin: Paint device returned engine", text)
    assert funnel.dialog is None
