"""The composition root of the GUI: logging → QApplication → qasync loop → settings → window.

Nothing imports this module; it builds every object once and hands each what it needs through
its constructor. Expected problems at start-up (an invalid settings file, an unknown provider)
open the console on the demo directory and say so; they never stop it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from loguru import logger
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, qVersion
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from attendant import __version__
from attendant.log import configure_logging
from attendant.paths import AppPaths, app_paths, ensure_dirs
from attendant.providers.errors import ProviderError
from attendant.providers.registry import ProviderRegistry
from attendant.services.clock import local_now, local_zone
from attendant.services.lockout import LockoutGuard
from attendant.services.logtext import identity, signed_in_account, start_line
from attendant.services.names import NameCache
from attendant.services.refresh import RefreshService
from attendant.services.setup import effective_watch, open_provider
from attendant.settings import (
    LoadResult,
    Settings,
    SettingsError,
    default_settings,
    load_settings,
    save_settings,
    set_password,
)

if TYPE_CHECKING:
    from attendant.ui.settings.dialog import SettingsDialog, SettingsOutcome
    from attendant.ui.window.main_window import MainWindow


@dataclass
class StartupNotice:
    """Something the receptionist or admin must read once the window is up."""

    title: str
    text: str


def _settings(
    paths: AppPaths, demo: bool
) -> tuple[Settings, list[StartupNotice], LoadResult | None, SettingsError | None]:
    notices: list[StartupNotice] = []
    problem: SettingsError | None = None
    try:
        loaded: LoadResult | None = load_settings(
            paths.config_file, site_path=paths.site_config_file
        )
    except SettingsError as error:
        problem = error
        logger.error("Settings invalid, showing the demo directory instead:\n{}", error)
        notices.append(
            StartupNotice(
                "Settings invalid",
                f"The settings file could not be used, so the console shows the demo "
                f"directory. The file was left untouched.\n\n{error}",
            )
        )
        loaded = None
    settings = loaded.settings if loaded is not None else default_settings()
    if loaded is not None:
        for warning in loaded.warnings:
            logger.warning("Settings: {}", warning)
    if demo or loaded is None:
        settings = replace(settings, calendar=replace(settings.calendar, provider="demo"))
    return settings, notices, loaded, problem


def build_service(
    settings: Settings, registry: ProviderRegistry, paths: AppPaths
) -> tuple[RefreshService, str, list[StartupNotice]]:
    """The refresh service for the configured provider (the demo one if that fails)."""
    notices: list[StartupNotice] = []
    try:
        provider = open_provider(
            settings, registry, token_cache=paths.token_cache, state_dir=paths.state_dir
        )
        title = registry.get(settings.calendar.provider).title
    except ProviderError as error:
        logger.error("Cannot open the {} provider: {}", settings.calendar.provider, error)
        notices.append(
            StartupNotice("Calendar provider unavailable", f"{error.message}\n\n{error.hint}")
        )
        settings = replace(settings, calendar=replace(settings.calendar, provider="demo"))
        provider = open_provider(
            settings, registry, token_cache=paths.token_cache, state_dir=paths.state_dir
        )
        title = registry.get("demo").title
    watch = effective_watch(provider, settings.watch_list())
    service = RefreshService(
        provider,
        watch,
        interval_seconds=settings.calendar.refresh_interval_seconds,
        timeout_seconds=settings.network.timeout_seconds,
        guard=LockoutGuard(paths.state_dir),
        meeting_details=settings.privacy.details,
        who=identity(settings),
        names=NameCache(paths.state_dir),
    )
    return service, title, notices


class SettingsFlow:
    """File ▸ Calendar Integration Settings: open the dialog, save what it returns, switch.

    The dialog edits a copy and never writes; this saves the file atomically (an invalid file
    on disk is refused by ``save_settings``, and the dialog shows why), stores a new password
    in the keyring, and swaps the board's feed for one built from the new settings, without a
    restart.
    """

    def __init__(
        self,
        window: MainWindow,
        registry: ProviderRegistry,
        paths: AppPaths,
        service: RefreshService,
        loaded: LoadResult | None,
        problem: SettingsError | None = None,
    ) -> None:
        self.window = window
        self.registry = registry
        self.paths = paths
        self.service = service
        self.loaded = loaded
        self.problem = problem
        self.dialog: SettingsDialog | None = None
        self._switches: set[asyncio.Task[None]] = set()

    def is_first_run(self) -> bool:
        """No per-user settings file and no machine-wide one: nobody has configured this desk."""
        return self.loaded is not None and not self.loaded.exists and not self.loaded.site_source

    def open_dialog(self, *, first_run: bool = False) -> SettingsDialog:
        from attendant.ui.settings.dialog import SettingsDialog

        if self.dialog is not None:  # window-modal, so never buried under the window
            self.dialog.activateWindow()
            return self.dialog
        loaded = self.loaded
        problem = (
            f"The settings file cannot be used and will not be overwritten until it is fixed "
            f"or moved aside:\n{self.problem}"
            if self.problem is not None
            else None
        )
        dialog = SettingsDialog(
            loaded.settings if loaded is not None else default_settings(),
            self.registry,
            locked=loaded.locked if loaded is not None else frozenset(),
            managed_by=loaded.managed_by if loaded is not None else None,
            site_file=loaded.site_source if loaded is not None else None,
            problem=problem,
            first_run=first_run,
            token_cache=self.paths.token_cache,
            state_dir=self.paths.state_dir,
            apply=self.apply,
            parent=self.window,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda *_: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()
        return dialog

    def apply(self, outcome: SettingsOutcome) -> None:
        """Store the password, save the file, reload it, switch the board (on the loop)."""
        paths = self.paths
        username = outcome.settings.calendar.exchange.username
        if outcome.password is not None and username:
            set_password(username, outcome.password)
        if self.loaded is None:  # the file was invalid at start: it may have been fixed since
            with contextlib.suppress(SettingsError):
                self.loaded = load_settings(paths.config_file, site_path=paths.site_config_file)
        save_settings(outcome.settings, paths.config_file, locked_from=self.loaded)
        self.loaded = load_settings(paths.config_file, site_path=paths.site_config_file)
        self.problem = None
        logger.info("Settings saved to {}; switching the board", paths.config_file)
        task = asyncio.get_running_loop().create_task(self._switch(self.loaded.settings))
        self._switches.add(task)
        task.add_done_callback(self._switches.discard)

    async def _switch(self, settings: Settings) -> None:
        # Off the GUI thread: opening a provider reads the system's CA store (~0.1 s).
        service, title, notices = await asyncio.to_thread(
            build_service, settings, self.registry, self.paths
        )
        logger.info(
            start_line(
                settings,
                self.paths.config_file,
                what="console (new settings)",
                qt_version=qVersion(),
                account=signed_in_account(service.provider),
            )
        )
        old, self.service = self.service, service
        self.window.model.meeting_details = settings.privacy.details
        self.window.model.restyle()
        self.window.set_feed(service, title)
        service.start()
        await old.aclose()
        for notice in notices:
            QTimer.singleShot(0, lambda n=notice: QMessageBox.warning(self.window, n.title, n.text))

    async def aclose(self) -> None:
        for task in list(self._switches):
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.service.aclose()


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
    from attendant.ui.window.crash import CrashFunnel
    from attendant.ui.window.diagnostics import DiagnosticsActions, diagnostics_text
    from attendant.ui.window.main_window import MainWindow
    from attendant.ui.window.single import SingleInstance, bring_forward
    from attendant.ui.window.wakeup import WakeWatch

    paths = app_paths(config)
    ensure_dirs(paths)
    configure_logging(paths.log_file, level="DEBUG" if verbose else "INFO")

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

    settings, notices, loaded, problem = _settings(paths, demo)
    registry = ProviderRegistry.discover()
    service, title, more = build_service(settings, registry, paths)
    notices += more
    logger.info(
        start_line(
            settings,
            paths.config_file,
            qt_version=qVersion(),
            account=signed_in_account(service.provider),
        )
    )
    window = MainWindow(
        service,
        clock=local_now,
        provider_title=title,
        log_folder=paths.log_file.parent,
        tz=local_zone(),
        geometry_file=geometry_file,
        board_file=paths.state_dir / "board.json",
    )
    shown.append(window)
    window.model.meeting_details = settings.privacy.details
    help_actions = DiagnosticsActions(window, paths, window.help_menu, window.about_action)
    window.show()
    flow = SettingsFlow(window, registry, paths, service, loaded, problem)
    window.settings_requested.connect(flow.open_dialog)
    instance.raise_requested.connect(lambda: bring_forward(window))
    wake = WakeWatch(lambda reason: flow.service.wake(reason), parent=window)
    if quit_after is not None:
        _quit_after(window, quit_after)
    elif not demo and flow.is_first_run():
        QTimer.singleShot(0, lambda: flow.open_dialog(first_run=True))
    for notice in notices:
        QTimer.singleShot(0, lambda n=notice: QMessageBox.warning(window, n.title, n.text))

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
    del help_actions
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
