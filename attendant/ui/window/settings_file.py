"""Notices when the settings file changes on disk, so a fixed file fills the board at once.

While the settings cannot be used the console shows no statuses; an admin fixing the file in
an editor should not have to restart it. Editors and Attendant's own atomic saves replace the
file rather than write into it, which ends a watch on the file itself, so the folder is
watched too and the file is watched again after every change.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

#: Changes closer together than this are one change (an editor writes in several steps).
SETTLE_MILLISECONDS = 200


class SettingsFileWatcher(QObject):
    """Emits ``changed`` once the settings file (or its folder) changed and settled."""

    changed = Signal()

    def __init__(self, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self._watcher = QFileSystemWatcher(self)
        self._watcher.fileChanged.connect(self._poke)
        self._watcher.directoryChanged.connect(self._poke)
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MILLISECONDS)
        self._settle.timeout.connect(self._settled)
        self._watch()

    def _watch(self) -> None:
        watched = {*self._watcher.files(), *self._watcher.directories()}
        for target in (self.path, self.path.parent):
            if target.exists() and str(target) not in watched:
                self._watcher.addPath(str(target))

    def _poke(self, _path: str) -> None:
        self._settle.start()

    def _settled(self) -> None:
        self._watch()
        self.changed.emit()
