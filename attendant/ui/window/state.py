"""Where the window was and how its boards were split, kept between runs.

The file lives in the per-user state folder (the composition root passes its path); a missing
or damaged file simply gives the default size: most of the screen, never bigger than needed.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QMainWindow, QSplitter

DEFAULT_SIZE = (1440, 860)


def restore(window: QMainWindow, splitter: QSplitter, path: Path | None) -> None:
    """Give ``window`` its last geometry, or a comfortable default on the current screen."""
    if path is not None and path.exists():
        store = QSettings(str(path), QSettings.Format.IniFormat)
        geometry = store.value("window/geometry")
        split = store.value("window/splitter")
        if isinstance(geometry, QByteArray) and window.restoreGeometry(geometry):
            if isinstance(split, QByteArray):
                splitter.restoreState(split)
            return
    screen = window.screen()
    available = screen.availableGeometry() if screen is not None else None
    width, height = DEFAULT_SIZE
    if available is not None:
        width = min(width, int(available.width() * 0.9))
        height = min(height, int(available.height() * 0.9))
    window.resize(width, height)
    if available is not None:
        frame = window.frameGeometry()
        frame.moveCenter(available.center())
        window.move(frame.topLeft())


def save(window: QMainWindow, splitter: QSplitter, path: Path | None) -> None:
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    store = QSettings(str(path), QSettings.Format.IniFormat)
    store.setValue("window/geometry", window.saveGeometry())
    store.setValue("window/splitter", splitter.saveState())
    store.sync()
