"""The composition root of the GUI: logging → QApplication → qasync loop → settings → window.

Nothing imports this module; it builds every object once and hands each what it needs through
its constructor. Settings that cannot be used at start-up (a file that does not parse or
validate, a ``--config`` file that does not exist, an unknown provider) never stop the console
and never show made-up data: the board stays empty under a banner saying why, until the file
is fixed on disk or the admin saves settings (see :mod:`attendant.ui.window.console`).
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from loguru import logger
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from attendant import __version__
from attendant.log import configure_logging
from attendant.paths import app_paths, ensure_dirs
from attendant.settings import default_settings
from attendant.statefile import sweep_temp_files

if TYPE_CHECKING:
    from attendant.ui.window.main_window import MainWindow


NO_DISPLAY = "no display: set DISPLAY, or use the command line: attendant availability"


def display_problem(environ: Mapping[str, str], platform: str = sys.platform) -> str | None:
    """Why Qt could not open a window here, or None: on Linux and other X11/Wayland systems
    a console started with no display would otherwise abort with Qt's plugin messages."""
    if platform in ("win32", "darwin"):
        return None
    qpa = environ.get("QT_QPA_PLATFORM", "").split(":", 1)[0].strip()
    x11 = bool(environ.get("DISPLAY"))
    wayland = bool(environ.get("WAYLAND_DISPLAY"))
    if qpa == "":
        has_display = x11 or wayland
    elif qpa == "xcb":
        has_display = x11
    elif qpa.startswith("wayland"):
        has_display = wayland
    else:  # offscreen, vnc, eglfs, …: no desktop session needed
        has_display = True
    return None if has_display else NO_DISPLAY


def run_gui(
    *,
    config: Path | None = None,
    demo: bool = False,
    verbose: bool = False,
    quit_after: float | None = None,
) -> int:
    """Open the console window and run until it is closed; returns the exit code.

    ``quit_after`` (the hidden ``--quit-after SECONDS``) is for smoke tests of the packaged
    program: see :func:`_quit_after`.
    """
    no_display = display_problem(os.environ)
    if no_display is not None:
        if sys.stderr is not None:  # None in a windowed build
            sys.stderr.write(f"attendant: {no_display}\n")
        return 1
    import qasync

    from attendant.ui.common.resources import apply_style
    from attendant.ui.window import state as window_state
    from attendant.ui.window.admin_menus import AdminMenus
    from attendant.ui.window.console import build_console, collect_quietly
    from attendant.ui.window.crash import CrashFunnel
    from attendant.ui.window.diagnostics import diagnostics_text
    from attendant.ui.window.single import SingleInstance, bring_forward
    from attendant.ui.window.wakeup import WakeWatch

    paths = app_paths(config)
    ensure_dirs(paths, settings_folder=config is None)
    configure_logging(paths.log_file, level="DEBUG" if verbose else "INFO")
    sweep_temp_files(paths.state_dir)  # of writes killed before their rename

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Attendant")
    app.setApplicationDisplayName("Attendant")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("attendant")
    apply_style(app)
    instance = SingleInstance(paths.config_file, paths.state_dir)
    if not instance.claim():
        logger.info("Attendant is already running for this user and settings file: raised it")
        return 0

    shown: list[MainWindow] = []
    geometry_file = paths.state_dir / "window.ini"

    def save_state() -> None:
        for window in shown:
            window_state.save(window, window.splitter, geometry_file)

    funnel = CrashFunnel(
        paths.log_file,
        save_state=save_state,
        diagnostics=lambda summary: f"Last error: {summary}\n\n{diagnostics_text(paths)}",
        parent_window=lambda: shown[0] if shown else None,
    )
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    funnel.install(loop)

    window, flow = build_console(
        paths, demo=demo, named=config is not None, geometry_file=geometry_file
    )
    shown.append(window)
    menus = AdminMenus(
        window,
        paths,
        current=lambda: flow.loaded.settings if flow.loaded is not None else default_settings(),
        review=lambda settings: flow.open_dialog(initial=settings),
    )
    window.show()
    collect_quietly(window, flow)
    instance.raise_requested.connect(lambda: bring_forward(window))
    wake = WakeWatch(lambda reason: flow.service.wake(reason), parent=window)
    if quit_after is not None:
        _quit_after(window, quit_after)
    elif not demo and flow.is_first_run():
        QTimer.singleShot(0, lambda: flow.open_dialog(first_run=True))

    # Qt must not end the loop by itself when the window closes: the coroutine below still
    # has to close the service, and qasync raises "Event loop stopped before Future
    # completed" when Qt's exec() returns first. The coroutine ends the loop instead.
    app.setQuitOnLastWindowClosed(False)

    reasons: list[str] = []

    async def run_until_quit() -> None:
        closing = asyncio.Event()

        def stop(reason: str) -> None:
            reasons.append(reason)
            closing.set()

        app.lastWindowClosed.connect(lambda: stop(_WINDOW_CLOSED))
        app.aboutToQuit.connect(lambda: stop(_ASKED_TO_QUIT))
        flow.service.start()
        await closing.wait()
        await flow.aclose()

    with loop:
        loop.run_until_complete(run_until_quit())
    del menus
    wake.stop()
    instance.release()
    reason = reasons[0] if reasons else "the event loop ended"
    if quit_after is not None:
        reason = f"--quit-after {quit_after:g} s elapsed"
    logger.info("Attendant closed: {} (stop of the {} console)", reason, __version__)
    return 0


_WINDOW_CLOSED = "the window was closed (File ▸ Quit, Ctrl+Q or the close button)"
_ASKED_TO_QUIT = "asked to quit by the system (log-off, shutdown) or the application"


class _FirstPaint(QObject):
    """Logs the wall-clock time of the window's first paint, once."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            logger.info("Window shown at {:.6f} (seconds since the epoch)", time.time())
        return False


def _quit_after(window: QWidget, seconds: float) -> None:
    """Smoke tests and start-up measurements only: log "Window shown at <epoch>" at the first
    paint (packaging/measure_startup.py reads it) and close every window ``seconds`` after
    ``show()``, which quits as Ctrl+Q does."""
    window.installEventFilter(_FirstPaint(window))
    QTimer.singleShot(max(0, round(seconds * 1000)), QApplication.closeAllWindows)
