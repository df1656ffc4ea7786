"""The board's text cells are painted from their faces, pixel for pixel as the style paints them.

Each test paints the real boards twice, with the board's delegate and with Qt's standard one,
and compares the pixels: selection colours, the status word's colour, icons (the favourite's
star, the status icons, selected), elided names, the focused cell, every theme and zoom.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from office_day import TZ, FakeClock, FakeFeed, ok_state, shown
from PySide6.QtGui import QImage, QPalette
from PySide6.QtWidgets import QStyledItemDelegate, QTableView

from attendant.ui.board.cell_delegate import CellDelegate
from attendant.ui.board.model import Column
from attendant.ui.common.themes import ThemeChoice
from attendant.ui.window.main_window import MainWindow


@pytest.fixture
def window(qtbot, clock: FakeClock, tmp_path: Path) -> MainWindow:
    win = MainWindow(
        FakeFeed(ok_state()),
        clock=clock,
        provider_title="Demo company",
        tz=TZ,
        geometry_file=tmp_path / "window.ini",
    )
    return shown(qtbot, win)


def _painted(view: QTableView) -> QImage:
    return view.viewport().grab().toImage().convertToFormat(QImage.Format.Format_RGB32)


def _as_standard(view: QTableView) -> QImage:
    """The viewport as Qt's standard delegate paints it (the board's delegate put back)."""
    ours = view.itemDelegate()
    standard = QStyledItemDelegate(view)
    view.setItemDelegate(standard)
    try:
        return _painted(view)
    finally:
        view.setItemDelegate(ours)
        standard.deleteLater()


def _differing(a: QImage, b: QImage) -> int:
    assert a.size() == b.size()
    return sum(a.pixel(x, y) != b.pixel(x, y) for y in range(a.height()) for x in range(a.width()))


def _settle(qtbot, window: MainWindow) -> None:
    for view in (window.people.view, window.rooms.view):
        qtbot.waitUntil(view.updatesEnabled, timeout=2000)


@pytest.mark.parametrize("zoom", [100, 150])
@pytest.mark.parametrize("theme", [ThemeChoice.LIGHT, ThemeChoice.DARK, ThemeChoice.HIGH_CONTRAST])
def test_the_boards_look_as_the_style_paints_them(
    qtbot, window: MainWindow, theme: ThemeChoice, zoom: int
) -> None:
    looks = window.tools.looks
    looks.set_theme(theme)
    looks.set_zoom(zoom)
    people = window.people
    window.model.toggle_favourite(people.proxy.mapToSource(people.proxy.index(2, 0)).row())
    people.view.setFocus()
    people.view.selectRow(1)
    _settle(qtbot, window)
    for view in (people.view, window.rooms.view):
        assert isinstance(view.itemDelegate(), CellDelegate)
        ours = _painted(view)
        assert _differing(ours, _as_standard(view)) == 0, view.objectName()


def test_a_narrow_column_elides_as_the_style_does(qtbot, window: MainWindow) -> None:
    view = window.people.view
    view.setColumnWidth(Column.NAME, 70)
    view.setColumnWidth(Column.STATUS, 80)
    _settle(qtbot, window)
    names = [
        window.people.proxy.index(row, Column.NAME).data()
        for row in range(window.people.proxy.rowCount())
    ]
    assert any(view.fontMetrics().horizontalAdvance(name) > 70 for name in names)
    assert _differing(_painted(view), _as_standard(view)) == 0


def test_the_selected_rows_status_word_takes_the_selections_text_colour(
    qtbot, window: MainWindow
) -> None:
    view = window.people.view
    view.setFocus()
    view.selectRow(0)
    view.setCurrentIndex(view.model().index(0, Column.NAME))  # the status cell has no focus
    index = view.model().index(0, Column.STATUS)
    assert isinstance(view.itemDelegateForIndex(index), CellDelegate)
    rect = view.visualRect(index)
    image = view.viewport().grab(rect.adjusted(28, 2, -2, -2)).toImage()
    palette = view.palette()
    text = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.HighlightedText)
    status = window.model.looks.status_colours[window.model.view(0).status]
    colours = {image.pixelColor(x, y).name() for x in range(image.width()) for y in range(4, 18)}
    assert text.name() in colours
    assert status not in colours  # not a red or green word on the selection's blue


def test_a_zoom_lays_the_texts_out_again(qtbot, window: MainWindow) -> None:
    view = window.people.view
    delegate = view.itemDelegate()
    assert isinstance(delegate, CellDelegate)
    window.tools.looks.set_zoom(150)
    _settle(qtbot, window)
    assert _differing(_painted(view), _as_standard(view)) == 0
    window.tools.looks.set_zoom(100)
    _settle(qtbot, window)
    assert _differing(_painted(view), _as_standard(view)) == 0
    assert delegate.kept_texts() > 0


def test_changes_of_looks_do_not_pile_fonts_up(qtbot, window: MainWindow) -> None:
    view = window.people.view
    delegate = view.itemDelegate()
    assert isinstance(delegate, CellDelegate)
    looks = window.tools.looks
    for turn in range(8):  # each change of palette makes the status column a font of its own
        looks.set_colour_blind_safe(turn % 2 == 0)
        _settle(qtbot, window)
        view.viewport().grab()
        assert delegate.kept_fonts() <= 4
    assert _differing(_painted(view), _as_standard(view)) == 0
