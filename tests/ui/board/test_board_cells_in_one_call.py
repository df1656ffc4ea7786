"""A painted cell asks the board for all its roles in one call: the cell shows the same."""

from __future__ import annotations

from pathlib import Path

import pytest
from office_day import TZ, FakeClock, office_day
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QBrush, QFont, QIcon
from PySide6.QtWidgets import QStyleOptionViewItem

from attendant.domain import MailboxKind
from attendant.ui.board.model import Column
from attendant.ui.board.organised import OrganisedBoard
from attendant.ui.board.panel import BoardPanel
from attendant.ui.board.remembered import BoardMemory


class _CountingBoard(OrganisedBoard):
    """The real board, counting the calls Qt makes into it while a board paints."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.data_calls = 0

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):  # type: ignore[no-untyped-def]
        self.data_calls += 1
        return super().data(index, role)


@pytest.fixture
def panel(qtbot, clock: FakeClock, tmp_path: Path) -> BoardPanel:
    board = _CountingBoard(clock, tz=TZ, memory=BoardMemory(tmp_path / "board.json"))
    board.set_snapshot(office_day())
    panel = BoardPanel("People", board, MailboxKind.PERSON, nouns=("person", "people"))
    qtbot.addWidget(panel)
    panel.resize(1100, 400)
    panel.show()
    qtbot.waitExposed(panel)
    qtbot.waitUntil(board.is_evaluated, timeout=2000)
    return panel


def _option(panel: BoardPanel, index: QModelIndex) -> QStyleOptionViewItem:
    option = QStyleOptionViewItem()
    delegate = panel.view.itemDelegateForIndex(index)
    assert delegate is not None
    delegate.initStyleOption(option, index)  # type: ignore[attr-defined]
    return option


def test_every_cell_shows_what_the_board_says_for_each_role(panel: BoardPanel) -> None:
    proxy = panel.proxy
    for row in range(proxy.rowCount()):
        for column in (Column.NAME, Column.STATUS, Column.UNTIL, Column.NOW):
            index = proxy.index(row, column)
            option = _option(panel, index)
            assert option.text == (index.data(Qt.ItemDataRole.DisplayRole) or "")
            icon = index.data(Qt.ItemDataRole.DecorationRole)
            if isinstance(icon, QIcon):
                assert option.icon.cacheKey() == icon.cacheKey()
            else:
                assert option.icon.isNull()
            brush = index.data(Qt.ItemDataRole.ForegroundRole)
            text_colour = option.palette.color(option.palette.ColorRole.Text)
            if isinstance(brush, QBrush):
                assert text_colour == brush.color()
            font = index.data(Qt.ItemDataRole.FontRole)
            if isinstance(font, QFont):
                assert option.font.bold() == font.bold()
    status = _option(panel, proxy.index(0, Column.STATUS))
    assert status.text and not status.icon.isNull()  # the cell is not left empty


def test_a_repaint_asks_each_cell_once_not_once_per_role(panel: BoardPanel) -> None:
    board = panel.proxy.board
    assert isinstance(board, _CountingBoard)
    viewport = panel.view.viewport()
    viewport.grab()
    board.data_calls = 0
    viewport.grab()
    cells = panel.proxy.rowCount() * sum(
        not panel.view.isColumnHidden(c) for c in range(panel.proxy.columnCount())
    )
    assert cells > 0
    # Qt asks a cell for seven roles; one call into Python for each was some seven calls per
    # cell. In one call the board looks up only the four it answers (text, icon, colour, font).
    assert board.data_calls <= 6 * cells


def test_a_repaint_reads_the_rows_faces_and_asks_no_role(panel: BoardPanel) -> None:
    board = panel.proxy.board
    assert isinstance(board, _CountingBoard)
    view = panel.view
    # A selected row, the keyboard on its strip: the standard delegate draws a focused text
    # cell (its focus frame is the style's), a strip has none.
    view.setCurrentIndex(panel.proxy.index(1, Column.TODAY))
    assert view.selectionModel().isRowSelected(1)
    viewport = view.viewport()
    viewport.grab()
    board.data_calls = 0
    image = viewport.grab().toImage()
    # Text cells read the faces the board keeps per row, the "Today" cells the row itself.
    assert board.data_calls == 0
    today = view.visualRect(panel.proxy.index(1, Column.TODAY))
    highlight = view.palette().color(
        view.palette().ColorGroup.Active, view.palette().ColorRole.Highlight
    )
    inactive = view.palette().color(
        view.palette().ColorGroup.Inactive, view.palette().ColorRole.Highlight
    )
    corner = image.pixelColor(today.left() + 2, today.top() + 1)
    assert corner in (highlight, inactive)
