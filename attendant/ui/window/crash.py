"""One crash funnel for the console: every unexpected error ends in the same three places.

``sys.excepthook`` (which PySide6 also calls for an exception escaping a slot),
``threading.excepthook``, the asyncio loop's exception handler and Qt's message handler all
lead here. Each error is written to the log with its traceback (:mod:`attendant.log` does the
writing, so redaction and folding apply); the window layout is saved, in case what follows
is worse; and one non-modal dialog names the log file and offers *Copy diagnostics*. The
console keeps running: a failed slot, task or worker thread does not take the board down.

Errors may come from any thread: they travel to the GUI thread through a queued signal, and
the dialog is only ever touched there. Further errors while the dialog is open are counted in
it rather than opening more dialogs.
"""

from __future__ import annotations

import asyncio
import contextlib
import platform
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from loguru import logger
from PySide6 import __version__ as pyside_version
from PySide6.QtCore import (
    QMessageLogContext,
    QObject,
    Qt,
    QtMsgType,
    Signal,
    qInstallMessageHandler,
)
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from attendant import __version__
from attendant.log import install_excepthook, redact

_QT_LEVELS = {
    QtMsgType.QtDebugMsg: "DEBUG",
    QtMsgType.QtInfoMsg: "DEBUG",
    QtMsgType.QtWarningMsg: "WARNING",
    QtMsgType.QtCriticalMsg: "ERROR",
    QtMsgType.QtFatalMsg: "CRITICAL",
}


def basic_diagnostics(log_file: Path, summary: str = "") -> str:
    """What support asks first, when nothing richer is at hand: versions, system, log file."""
    lines = [
        f"Attendant {__version__}",
        f"Python {sys.version.split()[0]}, PySide6 {pyside_version}",
        f"System: {platform.platform()}",
        f"Log file: {log_file}",
    ]
    if summary:
        lines.append(f"Last error: {summary}")
    return redact("\n".join(lines))


class CrashDialog(QDialog):
    """Names the log file, offers Copy diagnostics, counts later errors; never blocks."""

    def __init__(
        self, summary: str, log_file: Path, diagnostics: Callable[[], str], parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Attendant: internal error")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._diagnostics = diagnostics
        self.more = 0
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        self.text = QLabel(
            f"Something went wrong inside Attendant:\n{summary}\n\n"
            f"The console keeps running. The details are in the log file:\n{log_file}\n\n"
            "Please send that file to support, or press Copy diagnostics and paste."
        )
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setWordWrap(True)
        icon = QLabel()
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_MessageBoxIconSize)
        icon.setPixmap(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical).pixmap(size)
        )
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        row = QHBoxLayout()
        row.addWidget(icon)
        row.addWidget(self.text, 1)
        self.count = QLabel("")
        self.count.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton("&Copy diagnostics")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_diagnostics)
        buttons.rejected.connect(self.close)
        layout.addLayout(row)
        layout.addWidget(self.count)
        layout.addWidget(buttons)

    def copy_diagnostics(self) -> None:
        clipboard = QGuiApplication.clipboard()
        clipboard.setText(self._diagnostics())
        self.copy_button.setText("Copied")

    def another(self) -> None:
        self.more += 1
        self.count.setText(f"{self.more} more error(s) since; see the log file.")
        self.count.show()


class CrashFunnel(QObject):
    """Installs the hooks; reports each unexpected error once, on the GUI thread."""

    crashed = Signal(str)

    def __init__(
        self,
        log_file: Path,
        *,
        save_state: Callable[[], None] | None = None,
        diagnostics: Callable[[str], str] | None = None,
        parent_window: Callable[[], QWidget | None] = lambda: None,
    ) -> None:
        super().__init__()
        self.log_file = log_file
        self._save_state = save_state
        self._diagnostics = diagnostics or (lambda summary: basic_diagnostics(log_file, summary))
        self._parent_window = parent_window
        self.dialog: CrashDialog | None = None
        self.reports: list[str] = []
        self._previous_qt_handler: Any = None
        self._installed = False
        self.crashed.connect(self._on_crashed, Qt.ConnectionType.QueuedConnection)

    # -- the hooks ---------------------------------------------------------------------

    def install(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        install_excepthook(self.crashed.emit)  # logs; then any thread -> queued to the GUI
        if loop is not None:
            loop.set_exception_handler(self.loop_exception)
        self._previous_qt_handler = qInstallMessageHandler(self.qt_message)
        self._installed = True

    def uninstall(self) -> None:
        """Put Qt's previous message handler back (the exception hooks go with the log's)."""
        if self._installed:
            qInstallMessageHandler(self._previous_qt_handler)
            self._installed = False

    def loop_exception(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        error = context.get("exception")
        message = str(context.get("message") or "")
        crash_logger = logger.bind(component="attendant.crash")
        if isinstance(error, BaseException):
            summary = redact(f"{type(error).__name__}: {error}".rstrip(": "))
            crash_logger.opt(exception=error).critical(
                "Unhandled exception in the event loop ({}): {}", message, summary
            )
            self.crashed.emit(summary)
        else:
            crash_logger.error("Event loop: {}", message)

    def qt_message(self, mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
        level = _QT_LEVELS.get(mode, "WARNING")
        where = f" ({context.category})" if context.category not in (None, "", "default") else ""
        logger.bind(component="qt").log(level, "{}{}", message, where)
        if mode == QtMsgType.QtFatalMsg:  # Qt aborts right after: keep what can be kept
            self._save()

    # -- on the GUI thread -------------------------------------------------------------

    def _on_crashed(self, summary: str) -> None:
        self.reports.append(summary)
        self._save()
        if self.dialog is not None:
            self.dialog.another()
            return
        dialog = CrashDialog(
            summary, self.log_file, lambda: self._diagnostics(summary), self._parent_window()
        )
        dialog.destroyed.connect(lambda *_: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.show()

    def _save(self) -> None:
        if self._save_state is None:
            return
        try:
            self._save_state()
        except Exception:
            with contextlib.suppress(Exception):
                logger.opt(exception=True).error("Saving the window state after an error failed")
