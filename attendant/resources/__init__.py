"""Stylesheets and icons shipped inside the package, read with :mod:`importlib.resources`.

Reading through ``importlib.resources`` (never ``__file__``) keeps this working from a wheel,
a zip and a frozen PyInstaller build alike. Nothing here imports Qt: the ui package turns the
bytes into icons.
"""

from __future__ import annotations

from importlib.resources import files

#: The application icon (an SVG).
APP_ICON = "attendant.svg"
#: The window's stylesheet.
STYLESHEET = "style.qss"


def read_text(name: str) -> str:
    """The UTF-8 text of the packaged resource ``name``."""
    return files(__name__).joinpath(name).read_text(encoding="utf-8")


def read_bytes(name: str) -> bytes:
    """The bytes of the packaged resource ``name`` (e.g. an SVG icon)."""
    return files(__name__).joinpath(name).read_bytes()


def load_stylesheet() -> str:
    """The Qt stylesheet of the main window."""
    return read_text(STYLESHEET)


def app_icon_svg() -> bytes:
    """The application icon as SVG bytes."""
    return read_bytes(APP_ICON)
