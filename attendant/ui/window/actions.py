"""Small helpers of the window's menus: an action with a shortcut, a once-only call, and
opening a folder in the desktop's file manager."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import QMainWindow


def make_action(
    parent: QMainWindow,
    text: str,
    shortcut: QKeySequence | None,
    slot: Callable[[], object],
) -> QAction:
    action = QAction(text, parent)
    if shortcut is not None:
        action.setShortcut(shortcut)
    action.triggered.connect(lambda _checked=False: slot())
    parent.addAction(action)
    return action


def once(func: Callable[[], None]) -> Callable[[], None]:
    """``func``, to be called at most once however often the result is called."""
    pending = [func]

    def call() -> None:
        if pending:
            pending.pop()()

    return call


def open_in_file_manager(folder: Path) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
