"""File ▸ Export settings… and File ▸ Import settings…: one desk's setup, carried to the next.

For the admin who sets up ten desks: export writes the settings in effect (never a password
or a token: they are not part of the settings; the keyring and the token cache stay on the
desk) as a settings file; import reads such a file, checks it with the same rules as the
settings file at start-up, and opens Calendar Integration Settings filled with it, where the
admin reviews it, enters the password or signs in, tests, and presses OK. Nothing is saved
by the import itself.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from loguru import logger
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QWidget

from attendant.settings import Problem, Settings, SettingsError, load_settings, settings_to_toml

_FILTER = "Settings files (*.toml);;All files (*)"


class ReviewDialog(Protocol):
    """The settings dialog, as far as an import needs it."""

    def show_banner(self, text: str, *, error: bool = False) -> None: ...


#: Asks for a file name: (parent, caption, suggested path, save?) -> the path, or None.
Chooser = Callable[[QWidget, str, Path, bool], Path | None]


def _choose(parent: QWidget, caption: str, suggested: Path, save: bool) -> Path | None:
    if save:
        chosen, _ = QFileDialog.getSaveFileName(parent, caption, str(suggested), _FILTER)
    else:
        chosen, _ = QFileDialog.getOpenFileName(parent, caption, str(suggested), _FILTER)
    return Path(chosen) if chosen else None


def export_settings(settings: Settings, target: Path) -> None:
    """Write ``settings`` as a settings file (raises OSError, SettingsError)."""
    text = settings_to_toml(settings)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(target)


def import_settings(source: Path) -> Settings:
    """The settings in ``source``, checked like the settings file (raises SettingsError)."""
    if not source.is_file():
        raise SettingsError(source, [Problem(source, None, None, "the file does not exist")])
    return load_settings(source).settings


class SettingsFileActions:
    """The two File menu actions, around whatever currently holds the settings."""

    def __init__(
        self,
        parent: QWidget,
        menu: QMenu,
        before: QAction,
        *,
        current: Callable[[], Settings],
        review: Callable[[Settings], ReviewDialog],
        choose: Chooser | None = None,
    ) -> None:
        self._parent = parent
        self._current = current
        self._review = review
        self._choose = choose or _choose
        self.export_action = QAction("&Export settings…", parent)
        self.export_action.setStatusTip("Save these settings, without passwords, for another desk")
        self.export_action.triggered.connect(lambda _checked=False: self.export())
        self.import_action = QAction("&Import settings…", parent)
        self.import_action.setStatusTip("Open Calendar Integration Settings filled from a file")
        self.import_action.triggered.connect(lambda _checked=False: self.import_())
        menu.insertActions(before, [self.export_action, self.import_action])
        menu.insertSeparator(before)

    def export(self) -> bool:
        target = self._choose(
            self._parent, "Export settings", Path.home() / "attendant-settings.toml", True
        )
        if target is None:
            return False
        try:
            export_settings(self._current(), target)
        except (OSError, SettingsError) as error:
            logger.warning("Settings not exported to {}: {}", target, error)
            QMessageBox.warning(
                self._parent, "Settings not exported", f"{target} was not written:\n\n{error}"
            )
            return False
        logger.info("Settings exported to {} (File ▸ Export settings; no secrets)", target)
        return True

    def import_(self) -> bool:
        source = self._choose(self._parent, "Import settings", Path.home(), False)
        if source is None:
            return False
        try:
            settings = import_settings(source)
        except (OSError, SettingsError) as error:
            logger.warning("Settings not imported from {}: {}", source, error)
            QMessageBox.warning(
                self._parent,
                "Settings not imported",
                f"{source} cannot be used; nothing was changed.\n\n{error}",
            )
            return False
        logger.info("Settings read from {} (File ▸ Import settings) for review", source)
        self._review(settings).show_banner(
            f"Imported from {source}: review the settings, enter the password or sign in, "
            "press Test Settings, then OK to save them. Nothing is saved until then."
        )
        return True
