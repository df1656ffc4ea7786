"""Help ▸ Copy diagnostics and Help ▸ Save diagnostics…: the support bundle from the window.

The gathering is :mod:`attendant.services.diagnostics`, shared with ``attendant diagnose``;
this module only adds what Qt knows (its version and platform) and the two actions.
"""

from __future__ import annotations

from pathlib import Path

from loguru import logger
from PySide6.QtCore import qVersion
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QWidget

from attendant.paths import AppPaths
from attendant.services.diagnostics import gather, write_bundle


def qt_description() -> str:
    return f"{qVersion()} (platform {QGuiApplication.platformName() or '?'})"


def diagnostics_text(paths: AppPaths) -> str:
    """The report with the newest log lines, as Copy diagnostics puts it on the clipboard."""
    return gather(paths, qt=qt_description()).text(with_log=True)


class DiagnosticsActions:
    """The two Help menu actions, bound to where this desk keeps its files."""

    def __init__(self, parent: QWidget, paths: AppPaths, menu: QMenu, before: QAction) -> None:
        self._parent = parent
        self._paths = paths
        self.copy_action = QAction("&Copy diagnostics", parent)
        self.copy_action.setStatusTip("Copy what support asks first to the clipboard")
        self.copy_action.triggered.connect(lambda _checked=False: self.copy())
        self.save_action = QAction("&Save diagnostics…", parent)
        self.save_action.setStatusTip("Save the support bundle (a .zip file) for a ticket")
        self.save_action.triggered.connect(lambda _checked=False: self.save())
        menu.insertActions(before, [self.copy_action, self.save_action])
        menu.insertSeparator(before)

    def copy(self) -> str:
        text = diagnostics_text(self._paths)
        QGuiApplication.clipboard().setText(text)
        logger.info("Diagnostics copied to the clipboard (Help ▸ Copy diagnostics)")
        return text

    def save(self, target: Path | None = None) -> bool:
        """Ask where (unless ``target`` is given), write the bundle, say how it went."""
        if target is None:
            suggested = Path.home() / "attendant-support.zip"
            chosen, _ = QFileDialog.getSaveFileName(
                self._parent, "Save diagnostics", str(suggested), "Zip files (*.zip)"
            )
            if not chosen:
                return False
            target = Path(chosen)
        try:
            write_bundle(gather(self._paths, qt=qt_description()), target)
        except OSError as error:
            logger.warning("The support bundle was not written to {}: {}", target, error)
            QMessageBox.warning(
                self._parent,
                "Diagnostics not saved",
                f"The support bundle could not be written to\n{target}\n\n{error}",
            )
            return False
        logger.info("Support bundle written to {} (Help ▸ Save diagnostics)", target)
        return True
