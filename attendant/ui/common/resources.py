"""Application-wide look: the Fusion style (the same on every desktop) and the app icon.

The main window carries its own stylesheet (``attendant/resources/style.qss``), so it looks
the same in tests and demos; this only sets what belongs to the whole application.
"""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from attendant.resources import load_stylesheet
from attendant.ui.common.icons import app_icon

__all__ = ["apply_style", "load_stylesheet"]


def apply_style(app: QApplication) -> None:
    """Give ``app`` the style and icon the console was designed and checked with."""
    app.setStyle("Fusion")
    app.setWindowIcon(app_icon())
