"""The console's settings and feed: what the board shows, and switching it when they change.

:func:`load_console_settings` decides whether the settings can be used; when they cannot (a
file that does not parse or validate, a ``--config`` file that does not exist, settings no
provider can be built from) the board gets an :class:`IdleFeed`: no statuses at all, never
the demo directory's, under a banner saying why. :class:`SettingsFlow` saves what the
settings dialog returns and re-checks the file when it changes on disk; either way, usable
settings fill the board without a restart.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from loguru import logger
from PySide6.QtCore import Qt, QTimer, qVersion

from attendant.paths import AppPaths
from attendant.providers.errors import ProviderError
from attendant.providers.registry import ProviderRegistry
from attendant.services.clock import local_now, local_zone
from attendant.services.collector import QuietCollector, share_with_the_window
from attendant.services.idle_feed import SETTINGS_MISSING, IdleFeed, SettingsProblem
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


def load_console_settings(
    paths: AppPaths, demo: bool, *, named: bool
) -> tuple[Settings, LoadResult | None, SettingsError | None, SettingsProblem | None]:
    """The settings, and why the board must stay empty when they cannot be used.

    A file that does not parse or validate, or a file named with ``--config`` that does not
    exist, shows no statuses at all (never the demo directory) until it is fixed.
    """
    try:
        loaded: LoadResult | None = load_settings(
            paths.config_file, site_path=paths.site_config_file
        )
    except SettingsError as error:
        logger.error("Settings invalid, no statuses are shown until they are fixed:\n{}", error)
        problem = None if demo else SettingsProblem.invalid(error)
        return _demo(default_settings()), None, error, problem
    assert loaded is not None
    for warning in loaded.warnings:
        logger.warning("Settings: {}", warning)
    settings = _demo(loaded.settings) if demo else loaded.settings
    if named and not loaded.exists and not demo:
        logger.warning(
            "The settings file {} does not exist; it is written on Save", paths.config_file
        )
        return settings, loaded, None, SettingsProblem.missing(paths.config_file)
    return settings, loaded, None, None


def _demo(settings: Settings) -> Settings:
    return replace(settings, calendar=replace(settings.calendar, provider="demo"))


Feed: TypeAlias = RefreshService | IdleFeed


def build_service(
    settings: Settings, registry: ProviderRegistry, paths: AppPaths
) -> tuple[Feed, str]:
    """The refresh service for the configured provider, or an idle feed that says why not."""
    try:
        provider = open_provider(
            settings, registry, token_cache=paths.token_cache, state_dir=paths.state_dir
        )
        title = registry.get(settings.calendar.provider).title
    except ProviderError as error:
        logger.error("Cannot open the {} provider: {}", settings.calendar.provider, error)
        problem = SettingsProblem.unusable(error.message, error.hint)
        return IdleFeed(problem), problem.title
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
    return service, title


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
        service: Feed,
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

    def open_dialog(
        self, *, first_run: bool = False, initial: Settings | None = None
    ) -> SettingsDialog:
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
            initial or (loaded.settings if loaded is not None else default_settings()),
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
        dialog.follow_theme(self.window.tools.looks.palette)
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
        self._start_switch(self.loaded.settings)

    def recheck(self) -> None:
        """The settings file changed on disk: while it stops the board, try it again."""
        feed = self.service
        if not isinstance(feed, IdleFeed):
            return
        paths = self.paths
        try:
            loaded = load_settings(paths.config_file, site_path=paths.site_config_file)
        except SettingsError as error:
            self.problem = error
            feed.show(SettingsProblem.invalid(error))
            return
        if feed.problem.kind == SETTINGS_MISSING and not loaded.exists:
            return
        self.loaded, self.problem = loaded, None
        logger.info("Settings file {} can be used now; filling the board", paths.config_file)
        self._start_switch(loaded.settings)

    def _start_switch(self, settings: Settings) -> None:
        task = asyncio.get_running_loop().create_task(self._switch(settings))
        self._switches.add(task)
        task.add_done_callback(self._switches.discard)

    async def _switch(self, settings: Settings) -> None:
        # Off the GUI thread: opening a provider reads the system's CA store (~0.1 s).
        service, title = await asyncio.to_thread(build_service, settings, self.registry, self.paths)
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

    async def aclose(self) -> None:
        for task in list(self._switches):
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self.service.aclose()


def build_console(
    paths: AppPaths, *, demo: bool, named: bool, geometry_file: Path | None = None
) -> tuple[MainWindow, SettingsFlow]:
    """The window on the feed the settings allow, with its settings flow and file watcher.

    ``named``: the settings file was given with ``--config`` (a missing one stops the board).
    """
    from attendant.ui.window.main_window import MainWindow
    from attendant.ui.window.settings_file import SettingsFileWatcher

    settings, loaded, error, problem = load_console_settings(paths, demo, named=named)
    registry = ProviderRegistry.discover()
    service: Feed
    if problem is not None:
        service, title = IdleFeed(problem), problem.title
    else:
        service, title = build_service(settings, registry, paths)
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
    window.model.meeting_details = settings.privacy.details
    flow = SettingsFlow(window, registry, paths, service, loaded, error)
    window.settings_requested.connect(flow.open_dialog)
    SettingsFileWatcher(paths.config_file, parent=window).changed.connect(flow.recheck)
    return window, flow


def collect_quietly(window: MainWindow, flow: SettingsFlow) -> QuietCollector:
    """Full garbage collections wait for a moment without a refresh (services/collector.py).

    Call once the window is up and before the first refresh, as ``attendant`` does (and the
    soak and the benches, which measure the console as it runs).
    """
    share_with_the_window()
    collector = QuietCollector(lambda: flow.service.state.refreshing)
    timer = QTimer(window)
    timer.setInterval(5000)
    timer.timeout.connect(collector.collect_if_due)
    timer.start()
    return collector
