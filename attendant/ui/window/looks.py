"""View ▸ Theme and View ▸ Zoom: the window's looks, chosen by the receptionist, remembered.

The theme (follow the system, light, dark, high contrast), the colour-blind-safe palette and
the zoom are kept in the window's state file (beside its geometry), never in the settings
file: they belong to the person at the desk, not to the admin. Zoom scales the whole board:
fonts, row heights, icons and column widths.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, QSize, QTimer
from PySide6.QtGui import QAction, QActionGroup, QFont, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QApplication, QMainWindow, QMenu, QTableView, QWidget

from attendant.ui.board.model import BoardModel
from attendant.ui.board.panel import ROW_HEIGHT
from attendant.ui.common.themes import (
    DEFAULT_ZOOM,
    THEME_TITLES,
    ZOOM_STEPS,
    Palette,
    ThemeChoice,
    next_zoom,
    palette_for,
    qt_palette,
    stylesheet,
)

ICON_SIZE = 16
#: The tables after the first repaint this many milliseconds apart after a change of looks.
PAINT_TURN_MS = 20
#: Widgets whose text is larger than the rest, by object name.
FONT_SCALES = {"search": 11 / 9, "boardTitle": 13 / 9}


def _scaled(font: QFont, factor: float) -> QFont:
    if factor == 1.0:
        return font
    bigger = QFont(font)
    bigger.setPointSizeF(font.pointSizeF() * factor)
    return bigger


class WindowLooks(QObject):
    """Applies a theme and a zoom to one window, its board model and its tables."""

    def __init__(
        self,
        window: QMainWindow,
        model: BoardModel,
        tables: Iterable[QTableView],
        state_file: Path | None,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._model = model
        self._tables = list(tables)
        self._state_file = state_file
        self._base_point_size = QApplication.font().pointSizeF()
        if self._base_point_size <= 0:  # a font given in pixels
            self._base_point_size = 9.0
        self._widths = {id(t): [t.columnWidth(c) for c in range(_columns(t))] for t in self._tables}
        self.theme, self.colour_blind_safe, self.zoom = self._restore()
        self.palette: Palette = palette_for(self.theme)
        self._palette_given: Palette | None = None
        hints = QGuiApplication.styleHints()
        if hasattr(hints, "colorSchemeChanged"):
            hints.colorSchemeChanged.connect(self._system_changed)
        self.apply()

    # -- changing the looks ---------------------------------------------------------------

    def set_theme(self, theme: ThemeChoice | str) -> None:
        self.theme = ThemeChoice(theme)
        self.apply()
        self._save()

    def set_colour_blind_safe(self, on: bool) -> None:
        self.colour_blind_safe = on
        self.apply()
        self._save()

    def set_zoom(self, percent: int) -> None:
        self.zoom = min(max(percent, ZOOM_STEPS[0]), ZOOM_STEPS[-1])
        self.apply()
        self._save()

    def zoom_in(self) -> None:
        self.set_zoom(next_zoom(self.zoom, +1))

    def zoom_out(self) -> None:
        self.set_zoom(next_zoom(self.zoom, -1))

    def zoom_reset(self) -> None:
        self.set_zoom(DEFAULT_ZOOM)

    def apply(self) -> None:
        """Give the window, the model and the tables the current theme and zoom.

        A stylesheet stops fonts and palettes from flowing to the children by themselves, so
        each widget is given them (widgets made later inherit them from their parent). The
        stylesheet is set again only when the theme changed: re-polishing every widget is
        the costly part, and zoom does not need it.
        """
        scale = self.zoom / 100
        palette = palette_for(self.theme, colour_blind_safe=self.colour_blind_safe)
        window = self._window
        widgets = [window, *window.findChildren(QWidget)]
        font = QFont(window.font())
        font.setPointSizeF(self._base_point_size * scale)
        window.setUpdatesEnabled(False)
        try:
            if palette != self._palette_given:
                self._palette_given = self.palette = palette
                window.setStyleSheet(stylesheet(palette))
                colours = qt_palette(palette)
                for widget in widgets:
                    widget.setPalette(colours)
            for widget in widgets:
                if widget.objectName() == "qt_scrollarea_viewport":
                    continue  # a view paints with its own font; its viewport's costs a relayout
                widget.setFont(_scaled(font, FONT_SCALES.get(widget.objectName(), 1.0)))
            self._model.looks.apply(palette, font)
            rows = round(ROW_HEIGHT * scale)
            icons = round(ICON_SIZE * scale)
            heading = QFont(font)
            heading.setWeight(QFont.Weight.DemiBold)
            for table in self._tables:
                columns = table.horizontalHeader()
                columns.setFont(heading)  # the sections' font (bold titles)
                columns.viewport().setFont(heading)  # what the sections are painted with
                header = table.verticalHeader()
                header.setMinimumSectionSize(rows)
                header.setDefaultSectionSize(rows)
                table.setIconSize(QSize(icons, icons))
                for column, width in enumerate(self._widths[id(table)]):
                    if width and not table.isColumnHidden(column):
                        table.setColumnWidth(column, round(width * scale))
                table.horizontalHeader().updateGeometry()
            self._model.restyle()
        finally:
            # Repaint the tables one at a time, a frame apart, so that no single paint of
            # the whole window stalls it for longer than a frame on a software-rendered desk.
            for turn, table in enumerate(self._tables[1:], start=1):
                if table.isVisible():
                    table.setUpdatesEnabled(False)
                    QTimer.singleShot(turn * PAINT_TURN_MS, table, partial(_show, table))
            window.setUpdatesEnabled(True)

    def _system_changed(self, *_: object) -> None:
        if self.theme is ThemeChoice.SYSTEM:
            self.apply()

    # -- the menu --------------------------------------------------------------------------

    def add_to_menu(self, menu: QMenu) -> None:
        """View ▸ Theme ▸ …, Colour-blind-safe colours, Zoom in / out / Actual size."""
        themes = menu.addMenu("&Theme")
        group = QActionGroup(themes)
        self.theme_actions: dict[ThemeChoice, QAction] = {}
        for choice, title in THEME_TITLES.items():
            action = QAction(title, themes, checkable=True)
            action.setChecked(choice is self.theme)
            action.triggered.connect(lambda _=False, c=choice: self.set_theme(c))
            group.addAction(action)
            themes.addAction(action)
            self.theme_actions[choice] = action
        themes.addSeparator()
        self.safe_action = QAction("&Colour-blind-safe colours", themes, checkable=True)
        self.safe_action.setChecked(self.colour_blind_safe)
        self.safe_action.toggled.connect(self.set_colour_blind_safe)
        themes.addAction(self.safe_action)
        window = self._window
        self.zoom_in_action = _action(
            window, "Zoom &in", [QKeySequence.StandardKey.ZoomIn, "Ctrl+="], self.zoom_in
        )
        self.zoom_out_action = _action(
            window, "Zoom &out", [QKeySequence.StandardKey.ZoomOut], self.zoom_out
        )
        self.zoom_reset_action = _action(window, "&Actual size", ["Ctrl+0"], self.zoom_reset)
        menu.addActions([self.zoom_in_action, self.zoom_out_action, self.zoom_reset_action])

    # -- remembered between runs -----------------------------------------------------------

    def _restore(self) -> tuple[ThemeChoice, bool, int]:
        if self._state_file is None or not self._state_file.exists():
            return ThemeChoice.SYSTEM, False, DEFAULT_ZOOM
        store = QSettings(str(self._state_file), QSettings.Format.IniFormat)
        try:
            theme = ThemeChoice(str(store.value("looks/theme", ThemeChoice.SYSTEM.value)))
        except ValueError:
            theme = ThemeChoice.SYSTEM
        safe = str(store.value("looks/colour_blind_safe", "false")).lower() == "true"
        try:
            zoom = int(str(store.value("looks/zoom", DEFAULT_ZOOM)))
        except ValueError:
            zoom = DEFAULT_ZOOM
        return theme, safe, min(max(zoom, ZOOM_STEPS[0]), ZOOM_STEPS[-1])

    def _save(self) -> None:
        if self._state_file is None:
            return
        self._state_file.parent.mkdir(parents=True, exist_ok=True)
        store = QSettings(str(self._state_file), QSettings.Format.IniFormat)
        store.setValue("looks/theme", self.theme.value)
        store.setValue("looks/colour_blind_safe", "true" if self.colour_blind_safe else "false")
        store.setValue("looks/zoom", self.zoom)
        store.sync()


def _show(table: QTableView) -> None:
    table.setUpdatesEnabled(True)


def _columns(table: QTableView) -> int:
    model = table.model()
    return model.columnCount() if model is not None else 0


def _action(
    window: QMainWindow, text: str, keys: list[QKeySequence.StandardKey | str], slot: object
) -> QAction:
    action = QAction(text, window)
    action.setShortcuts([QKeySequence(k) for k in keys])
    action.triggered.connect(lambda _=False: slot())  # type: ignore[operator]
    window.addAction(action)
    return action
