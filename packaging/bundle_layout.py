"""What the packaged Attendant looks like: its names, the Qt parts it keeps, its version numbers.

The PyInstaller spec, the build script, the smoke test and ``tests/test_packaging.py`` all
read these, so that a name is written down once. Standard library only: the spec imports this
module inside PyInstaller, the tests import it without PyInstaller installed.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path, PurePosixPath

#: The product's name as people read it.
APP_NAME = "Attendant"
#: The windowed executable: the console window, no terminal window on Windows and macOS.
GUI_NAME = "Attendant"
#: The console executable: the ``attendant`` subcommands from a terminal or a script. Not
#: ``attendant``: Windows and macOS file systems would not tell it from ``Attendant``.
CLI_NAME = "attendant-cli"
#: The one-folder bundle in ``dist/`` (``dist/Attendant.app`` too on macOS).
DIST_NAME = "Attendant"
#: macOS bundle identifier and AppStream component id (reverse DNS; replace ``com.example``
#: with your organisation's domain before a public release, in one go with the file names).
BUNDLE_ID = "com.example.Attendant"
#: The Linux desktop entry's name (``attendant.desktop``); the app sets the same with
#: ``QGuiApplication.setDesktopFileName``, which ties its windows to the entry on Wayland.
DESKTOP_ID = "attendant"
#: The icon's name in the freedesktop icon theme (``Icon=`` in the desktop entry).
ICON_NAME = "attendant"
PUBLISHER = "Attendant"
COPYRIGHT = "© Attendant developers"

#: freedesktop hicolor sizes rendered from the SVG (a scalable SVG is installed as well).
HICOLOR_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)
#: Sizes in the Windows .ico (Explorer, Start menu, taskbar, Alt+Tab, large icons).
ICO_SIZES = (16, 20, 24, 32, 40, 48, 64, 128, 256)
#: Files the build writes into ``build/icons/``: the spec and the installers use them.
ICON_DIR = Path("build") / "icons"
ICO_FILE = "attendant.ico"
ICNS_FILE = "attendant.icns"

#: Fallback when the Qt wheel does not say: Qt 6.11 runs on macOS 13 and newer.
MACOS_MINIMUM_FALLBACK = "13.0"

# Qt plug-ins to keep, by folder; None keeps the whole folder. Every other plug-in folder
# (Wayland, EGL, printing, SQL, TLS, network information, QML tooling, platform themes,
# styles: the console always uses Fusion) and Qt's own translations stay out.
_KEPT_PLUGINS: dict[str, frozenset[str] | None] = {
    # windows on Windows, cocoa on macOS, xcb on Linux (also under Wayland, via XWayland);
    # offscreen and minimal everywhere, for smoke tests and headless runs.
    "platforms": frozenset({"qwindows", "qcocoa", "qxcb", "qoffscreen", "qminimal"}),
    # The icon is an SVG: QIcon needs the SVG icon engine, QImageReader the SVG format.
    "imageformats": frozenset({"qsvg"}),
    "iconengines": frozenset({"qsvgicon"}),
    # Dead keys and compose sequences (é, ü...) in the search field under X11.
    "platforminputcontexts": None,
    # OpenGL integration of the xcb platform; small, and Qt warns without it.
    "xcbglintegrations": None,
}

#: Python modules the console never imports; PyInstaller would otherwise follow them in from
#: the build environment (test tools, other Qt bindings, unused Qt modules).
EXCLUDED_MODULES = (
    "tkinter",
    "readline",
    "PyQt5",
    "PyQt6",
    "PySide2",
    "PySide6.QtQml",
    "PySide6.QtQuick",
    "PySide6.QtQuickWidgets",
    "PySide6.QtOpenGL",
    "PySide6.QtOpenGLWidgets",
    "PySide6.QtPdf",
    "PySide6.QtPdfWidgets",
    "PySide6.QtPrintSupport",
    "PySide6.QtSql",
    "PySide6.QtTest",
    "PySide6.QtXml",
    "PySide6.QtDBus",
    "PySide6.QtConcurrent",
    "PySide6.QtDesigner",
    "PySide6.QtHelp",
    "PySide6.QtUiTools",
    "PySide6.QtSvgWidgets",
    "pytest",
    "_pytest",
    "pytestqt",
    "hypothesis",
    "trustme",
    "xmlschema",
    "mypy",
    "importlinter",
    "grimp",
    "IPython",
)


def project_version(pyproject: Path) -> str:
    """The version in ``pyproject.toml`` (the one source of the version number)."""
    with pyproject.open("rb") as file:
        return str(tomllib.load(file)["project"]["version"])


def numeric_version(version: str) -> tuple[int, int, int, int]:
    """The release numbers of a PEP 440 version, as four integers for Windows' file version
    and the installers (``1.2.3rc1`` → ``(1, 2, 3, 0)``, ``2!1.0.post2`` → ``(1, 0, 0, 0)``)."""
    match = re.match(r"^\s*v?(?:\d+!)?(\d+(?:\.\d+)*)", version)
    if match is None:
        raise ValueError(f"not a PEP 440 version: {version!r}")
    numbers = [int(part) for part in match.group(1).split(".")][:4]
    if any(number > 0xFFFF for number in numbers):
        raise ValueError(f"{version!r}: Windows version numbers stop at 65535")
    padded = (*numbers, 0, 0, 0)
    return padded[0], padded[1], padded[2], padded[3]


def short_version(version: str) -> str:
    """``major.minor.patch``, as macOS wants ``CFBundleShortVersionString``."""
    return ".".join(str(part) for part in numeric_version(version)[:3])


def keep_bundled_file(dest: str) -> bool:
    """False for the Qt plug-ins and translations the console does not need.

    ``dest`` is a file's path inside the bundle as PyInstaller names it
    (``PySide6/Qt/plugins/platforms/libqxcb.so`` on Linux and macOS,
    ``PySide6\\plugins\\platforms\\qwindows.dll`` on Windows). Anything else is kept.
    """
    parts = PurePosixPath(dest.replace("\\", "/")).parts
    if not parts or parts[0] != "PySide6":
        return True
    inner = parts[2:] if len(parts) > 1 and parts[1] == "Qt" else parts[1:]
    if inner and inner[0] == "translations":
        return False
    if len(inner) < 3 or inner[0] != "plugins":
        return True
    folder, name = inner[1], inner[-1]
    if folder not in _KEPT_PLUGINS:
        return False
    wanted = _KEPT_PLUGINS[folder]
    return wanted is None or plugin_name(name) in wanted


def plugin_name(file_name: str) -> str:
    """``libqxcb.so`` / ``qxcb.dll`` / ``libqcocoa.dylib`` → ``qxcb`` / ``qcocoa``."""
    stem = file_name.split(".", 1)[0]
    return stem.removeprefix("lib")


def macos_minimum(wheel_tags: list[str]) -> str:
    """The newest macOS that any of the Qt wheels' tags (``cp310-abi3-macosx_13_0_universal2``)
    asks for, as ``LSMinimumSystemVersion``; the fallback when none says."""
    found: list[tuple[int, int]] = []
    for tag in wheel_tags:
        match = re.search(r"macosx_(\d+)_(\d+)_", tag)
        if match:
            found.append((int(match.group(1)), int(match.group(2))))
    if not found:
        return MACOS_MINIMUM_FALLBACK
    major, minor = max(found)
    return f"{major}.{minor}"


def info_plist(version: str, minimum_macos: str) -> dict[str, object]:
    """Info.plist keys of ``Attendant.app`` beyond PyInstaller's defaults (which they override).

    ``LSBackgroundOnly`` is set explicitly: PyInstaller derives it from the last executable it
    was given, and the bundle also holds the console executable ``attendant-cli``.
    """
    short = short_version(version)
    return {
        "CFBundleName": APP_NAME,
        "CFBundleDisplayName": APP_NAME,
        "CFBundleIdentifier": BUNDLE_ID,
        "CFBundleExecutable": GUI_NAME,
        "CFBundleShortVersionString": short,
        "CFBundleVersion": short,
        "CFBundleIconFile": ICNS_FILE,
        "CFBundlePackageType": "APPL",
        "CFBundleInfoDictionaryVersion": "6.0",
        "LSMinimumSystemVersion": minimum_macos,
        "LSApplicationCategoryType": "public.app-category.business",
        "LSBackgroundOnly": False,
        "NSHighResolutionCapable": True,
        "NSPrincipalClass": "NSApplication",
        "NSHumanReadableCopyright": COPYRIGHT,
    }
