"""The console's looks: light, dark and high-contrast themes, a colour-blind-safe palette, zoom.

A theme is a set of named colours; the window's stylesheet (``attendant/resources/style.qss``)
is a template of those names, and the board's model, delegates and header take their colours
from the same :class:`Palette`, so every part of the board changes together. Status is never
told by colour alone (words and icon shapes stay), and every theme draws a focus ring that
stands out from its background.

The colour-blind-safe palette uses the Okabe–Ito colours (blue, orange, vermillion, reddish
purple, sky blue), which stay apart for the common kinds of colour blindness.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from string import Template

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette

from attendant.domain import BusyType, Status
from attendant.resources import load_stylesheet
from attendant.ui.common.status_style import BUSY_TYPE_FILLS, STATUS_COLOURS


class ThemeChoice(StrEnum):
    """What the View ▸ Theme menu offers."""

    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"
    HIGH_CONTRAST = "high_contrast"


THEME_TITLES: dict[ThemeChoice, str] = {
    ThemeChoice.SYSTEM: "Follow the &system",
    ThemeChoice.LIGHT: "&Light",
    ThemeChoice.DARK: "&Dark",
    ThemeChoice.HIGH_CONTRAST: "&High contrast",
}

#: Zoom steps in percent (Ctrl + / Ctrl − move along them, Ctrl 0 returns to 100).
ZOOM_STEPS: tuple[int, ...] = (70, 80, 90, 100, 110, 125, 150, 175, 200)
DEFAULT_ZOOM = 100


@dataclass(frozen=True)
class Palette:
    """Every colour the window uses, by role."""

    name: str
    window: str
    panel: str
    base: str
    alternate: str
    text: str
    muted: str
    faint: str
    border: str
    header: str
    selection: str
    focus: str
    accent: str
    track: str
    track_border: str
    tick: str
    now: str
    past: str  # the wash over the part of the day already gone (with alpha)
    banner_info: str
    banner_info_border: str
    banner_warning: str
    banner_warning_border: str
    banner_error: str
    banner_error_border: str
    error_text: str
    focus_width: int = 2
    #: The face of buttons, combo and spin boxes (the style draws their frames from it).
    control: str = ""
    #: A frame drawn around spin boxes, for themes where the style's own one does not show.
    spin_frame: str = "transparent"
    status: dict[Status, str] = field(default_factory=lambda: dict(STATUS_COLOURS))
    fills: dict[BusyType, str] = field(default_factory=lambda: dict(BUSY_TYPE_FILLS))
    dark: bool = False

    def template_values(self) -> dict[str, str]:
        values = {k: v for k, v in self.__dict__.items() if isinstance(v, str)}
        values["focus_width"] = f"{self.focus_width}px"
        return values


LIGHT = Palette(
    name="light",
    window="#f4f6f8",
    panel="#eef1f4",
    base="#ffffff",
    alternate="#f5f7f9",
    text="#1f2329",
    muted="#3c4650",
    faint="#6b737d",
    border="#c3cad3",
    header="#eef1f4",
    selection="#d3e3f7",
    focus="#1a5fb4",
    accent="#4a78b0",
    track="#e6e9ee",
    track_border="#d5dae1",
    tick="#aab1ba",
    now="#1f2329",
    past="#ffffff82",
    banner_info="#e8f0fa",
    banner_info_border="#b9cde6",
    banner_warning="#fff3d1",
    banner_warning_border="#e2bf5f",
    banner_error="#fbe5e2",
    banner_error_border="#dc9a92",
    error_text="#9b2c22",
)

DARK = Palette(
    name="dark",
    window="#1d2025",
    panel="#262a30",
    base="#23272d",
    alternate="#292e35",
    text="#e6e9ed",
    muted="#b9c0c9",
    faint="#8d96a1",
    border="#48505a",
    header="#2c3138",
    selection="#34506f",
    focus="#8cc4ff",
    accent="#6fa3de",
    track="#353b43",
    track_border="#48505a",
    tick="#7b848f",
    now="#f2f4f7",
    past="#1d202580",
    banner_info="#223246",
    banner_info_border="#3e5a7c",
    banner_warning="#3d3420",
    banner_warning_border="#8c7432",
    banner_error="#45282a",
    banner_error_border="#9a4d48",
    error_text="#ff9d94",
    control="#343a42",
    status={
        Status.FREE: "#7bc67e",
        Status.TENTATIVE: "#e3b341",
        Status.BUSY: "#f28b82",
        Status.OOF: "#c3a5f5",
        Status.WORKING_ELSEWHERE: "#8ab4f8",
        Status.UNKNOWN: "#a0a7b0",
    },
    fills={
        BusyType.FREE: "#2f4a31",
        BusyType.TENTATIVE: "#c9a23c",
        BusyType.BUSY: "#c8645c",
        BusyType.OOF: "#9b82cf",
        BusyType.WORKING_ELSEWHERE: "#5b8ac2",
        BusyType.NO_DATA: "#6b727b",
    },
    dark=True,
)

HIGH_CONTRAST = Palette(
    name="high_contrast",
    window="#000000",
    panel="#000000",
    base="#000000",
    alternate="#101010",
    text="#ffffff",
    muted="#ffffff",
    faint="#c8c8c8",
    border="#ffffff",
    header="#000000",
    selection="#1aebff",
    focus="#ffff00",
    accent="#ffff00",
    track="#000000",
    track_border="#ffffff",
    tick="#ffffff",
    now="#ffff00",
    past="#00000060",
    banner_info="#000000",
    banner_info_border="#ffffff",
    banner_warning="#000000",
    banner_warning_border="#ffff00",
    banner_error="#000000",
    banner_error_border="#ff6e6e",
    error_text="#ff9e9e",
    focus_width=3,
    control="#303030",
    spin_frame="#ffffff",
    status={
        Status.FREE: "#3ff23f",
        Status.TENTATIVE: "#ffff00",
        Status.BUSY: "#ff6e6e",
        Status.OOF: "#e0a0ff",
        Status.WORKING_ELSEWHERE: "#1aebff",
        Status.UNKNOWN: "#ffffff",
    },
    fills={
        BusyType.FREE: "#000000",
        BusyType.TENTATIVE: "#ffff00",
        BusyType.BUSY: "#ff6e6e",
        BusyType.OOF: "#e0a0ff",
        BusyType.WORKING_ELSEWHERE: "#1aebff",
        BusyType.NO_DATA: "#c0c0c0",
    },
    dark=True,
)

#: Okabe–Ito colours for statuses and blocks, dark enough for text on a light background.
_SAFE_LIGHT_STATUS = {
    Status.FREE: "#0072b2",  # blue
    Status.TENTATIVE: "#8a5a00",  # dark orange
    Status.BUSY: "#c04000",  # vermillion
    Status.OOF: "#a6417f",  # reddish purple
    Status.WORKING_ELSEWHERE: "#2b7a9b",  # sky blue, darkened
    Status.UNKNOWN: "#5f6368",
}
_SAFE_DARK_STATUS = {
    Status.FREE: "#56b4e9",
    Status.TENTATIVE: "#e69f00",
    Status.BUSY: "#ff7f50",
    Status.OOF: "#e08cc4",
    Status.WORKING_ELSEWHERE: "#8fd3f5",
    Status.UNKNOWN: "#a0a7b0",
}
_SAFE_FILLS = {
    BusyType.FREE: "#cfe2f3",
    BusyType.TENTATIVE: "#e69f00",
    BusyType.BUSY: "#d55e00",
    BusyType.OOF: "#cc79a7",
    BusyType.WORKING_ELSEWHERE: "#56b4e9",
    BusyType.NO_DATA: "#9aa0a6",
}


def system_prefers_dark() -> bool:
    """Whether the desktop asks for a dark colour scheme (Qt 6.5+; else its palette)."""
    app = QGuiApplication.instance()
    if not isinstance(app, QGuiApplication):
        return False
    hints = app.styleHints()
    scheme = getattr(hints, "colorScheme", None)
    if scheme is not None:
        value = scheme()
        if value == Qt.ColorScheme.Dark:
            return True
        if value == Qt.ColorScheme.Light:
            return False
    return app.palette().window().color().lightness() < 128


def palette_for(choice: ThemeChoice, *, colour_blind_safe: bool = False) -> Palette:
    """The palette of ``choice`` (the system's light or dark for SYSTEM)."""
    if choice is ThemeChoice.SYSTEM:
        choice = ThemeChoice.DARK if system_prefers_dark() else ThemeChoice.LIGHT
    palette = {
        ThemeChoice.LIGHT: LIGHT,
        ThemeChoice.DARK: DARK,
        ThemeChoice.HIGH_CONTRAST: HIGH_CONTRAST,
    }[choice]
    if colour_blind_safe and palette is not HIGH_CONTRAST:
        status = _SAFE_DARK_STATUS if palette.dark else _SAFE_LIGHT_STATUS
        fills = dict(_SAFE_FILLS)
        if palette.dark:
            fills[BusyType.FREE] = "#23384a"
        palette = replace(palette, name=f"{palette.name}+safe", status=status, fills=fills)
    return palette


def qt_palette(palette: Palette) -> QPalette:
    """The Qt palette of ``palette``, for what the style draws itself (combo boxes, spin
    boxes, menus; scroll bars are the stylesheet's). Highlight is the focus colour, so the
    style's focus frames stand out on every theme; table selections take their own colour
    from the stylesheet."""
    roles = QPalette.ColorRole
    qt = QPalette()
    for role, colour in (
        (roles.Window, palette.window),
        (roles.WindowText, palette.text),
        (roles.Base, palette.base),
        (roles.AlternateBase, palette.alternate),
        (roles.Text, palette.text),
        (roles.Button, palette.control or palette.panel),
        (roles.ButtonText, palette.text),
        (roles.ToolTipBase, palette.base),
        (roles.ToolTipText, palette.text),
        (roles.PlaceholderText, palette.faint),
        (roles.Highlight, palette.focus),
        (roles.HighlightedText, palette.base),
        (roles.Link, palette.accent),
        (roles.Light, palette.alternate),
        (roles.Mid, palette.border),
        (roles.Dark, palette.border),
        (roles.Shadow, palette.border),
    ):
        qt.setColor(role, QColor(colour))
    for role in (roles.WindowText, roles.Text, roles.ButtonText):
        qt.setColor(QPalette.ColorGroup.Disabled, role, QColor(palette.faint))
    return qt


def stylesheet(palette: Palette) -> str:
    """The window's stylesheet in ``palette``'s colours (sizes come from the zoom's fonts)."""
    return Template(load_stylesheet()).substitute(palette.template_values())


def next_zoom(current: int, direction: int) -> int:
    """The zoom step after (``+1``) or before (``-1``) ``current``; ``0`` resets."""
    if direction == 0:
        return DEFAULT_ZOOM
    if direction > 0:
        return next((z for z in ZOOM_STEPS if z > current), ZOOM_STEPS[-1])
    return next((z for z in reversed(ZOOM_STEPS) if z < current), ZOOM_STEPS[0])
