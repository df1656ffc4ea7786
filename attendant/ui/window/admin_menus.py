"""The admin's and support's menu entries: Help ▸ Copy / Save diagnostics and File ▸ Export /
Import settings, added to the window's menus by the composition root."""

from __future__ import annotations

from collections.abc import Callable

from attendant.paths import AppPaths
from attendant.settings import Settings
from attendant.ui.window.diagnostics import DiagnosticsActions
from attendant.ui.window.main_window import MainWindow
from attendant.ui.window.settings_files import ReviewDialog, SettingsFileActions


class AdminMenus:
    """Both sets of actions, kept alive as long as the window."""

    def __init__(
        self,
        window: MainWindow,
        paths: AppPaths,
        *,
        current: Callable[[], Settings],
        review: Callable[[Settings], ReviewDialog],
    ) -> None:
        self.diagnostics = DiagnosticsActions(window, paths, window.help_menu, window.about_action)
        self.files = SettingsFileActions(
            window, window.file_menu, window.quit_action, current=current, review=review
        )
