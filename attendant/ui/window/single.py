"""One console per user and settings file: a second start brings the first window forward.

The first console takes a lock file in the per-user state folder and listens on a local
socket; a later one finds the lock taken, connects, asks for the window and exits. The lock
is Qt's (a console that crashed leaves a stale lock that the next start recognises by its
process id), so a crash never locks the user out. Only the console takes part: ``attendant
availability`` and the other commands run beside it as usual.
"""

from __future__ import annotations

import getpass
import hashlib
from pathlib import Path

from loguru import logger
from PySide6.QtCore import QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QWidget

_RAISE = b"raise\n"
_WAIT_MILLISECONDS = 1_000
_LONGEST_MILLISECONDS = 2**31 - 1


def bring_forward(window: QWidget) -> None:
    """Show ``window`` in front, restored if it was minimised."""
    window.showNormal()
    window.raise_()
    window.activateWindow()


def server_name(config_file: Path) -> str:
    """The local server's name: one per user and settings file."""
    digest = hashlib.sha256(f"{getpass.getuser()}\0{config_file}".encode()).hexdigest()
    return f"attendant-{digest[:16]}"


class SingleInstance(QObject):
    """``claim()`` is True for the first console; the first one emits ``raise_requested``."""

    raise_requested = Signal()

    def __init__(self, config_file: Path, state_dir: Path) -> None:
        super().__init__()
        self.name = server_name(config_file)
        state_dir.mkdir(parents=True, exist_ok=True)
        self._lock = QLockFile(str(state_dir / f"{self.name}.lock"))
        # A dead process's lock is stale at once (Qt checks the process id); a live one's only
        # after this long (the longest Qt allows), and a live console answers before that.
        self._lock.setStaleLockTime(_LONGEST_MILLISECONDS)
        self._server: QLocalServer | None = None

    def claim(self) -> bool:
        """Become the console, or ask the running one to come forward (then False)."""
        if self._ask_to_raise():
            return False
        if not self._lock.tryLock(_WAIT_MILLISECONDS):  # another one is starting right now
            if self._ask_to_raise():
                return False
            logger.warning("Another console holds the lock but does not answer; starting anyway")
        QLocalServer.removeServer(self.name)  # a socket left behind by a crash
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            logger.warning("Cannot listen as {}: {}", self.name, server.errorString())
            return True
        server.newConnection.connect(self._on_connection)
        self._server = server
        return True

    def release(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        self._lock.unlock()

    def _ask_to_raise(self) -> bool:
        socket = QLocalSocket()
        socket.connectToServer(self.name)
        if not socket.waitForConnected(_WAIT_MILLISECONDS):
            return False
        socket.write(_RAISE)
        socket.waitForBytesWritten(_WAIT_MILLISECONDS)
        socket.disconnectFromServer()
        return True

    def _on_connection(self) -> None:
        assert self._server is not None
        while (socket := self._server.nextPendingConnection()) is not None:
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)
            if socket.bytesAvailable():
                self._read(socket)

    def _read(self, socket: QLocalSocket) -> None:
        if bytes(socket.readAll().data()).startswith(_RAISE):
            logger.info("A second start asked for the console: bringing the window forward")
            self.raise_requested.emit()
