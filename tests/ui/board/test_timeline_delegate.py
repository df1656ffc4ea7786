"""The "Today" strip: it paints, and the line at "now" is where the clock says."""

from __future__ import annotations

import pytest
from office_day import TZ, FakeClock, at, office_day
from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QImage

from attendant.domain import MailboxKind
from attendant.ui.board.model import BoardModel, Column
from attendant.ui.board.panel import BoardPanel
from attendant.ui.board.timeline import (
    CACHED_STRIPS,
    NOW_COLOUR,
    TimelineDelegate,
    track_rect,
    whole_hours,
    x_at,
)


@pytest.fixture
def panel(qtbot, clock: FakeClock) -> BoardPanel:
    model = BoardModel(clock, tz=TZ)
    model.set_snapshot(office_day())
    board = BoardPanel("People", model, MailboxKind.PERSON, nouns=("person", "people"))
    qtbot.addWidget(board)
    board.resize(1100, 400)
    board.show()
    qtbot.waitExposed(board)
    return board


def close_to(colour: QColor, expected: QColor, tolerance: int = 24) -> bool:
    return (
        abs(colour.red() - expected.red()) <= tolerance
        and abs(colour.green() - expected.green()) <= tolerance
        and abs(colour.blue() - expected.blue()) <= tolerance
    )


def test_the_strip_paints_without_errors(panel: BoardPanel) -> None:
    pixmap = panel.view.grab()
    assert not pixmap.isNull()
    assert pixmap.width() > 0


def test_the_now_line_is_drawn_at_now(panel: BoardPanel, clock: FakeClock) -> None:
    view = panel.view
    model = panel.proxy.board
    row = 0  # Anna Becker: busy 10:00–11:00, tentative 14:00–15:00
    cell = view.visualRect(panel.proxy.index(row, Column.TODAY))
    assert cell.width() > 100
    image: QImage = view.viewport().grab().toImage()
    span = model.timeline_range()
    assert span == (at(7), at(20))
    track = track_rect(cell)
    x = round(x_at(track, *span, clock.now))
    y = round(track.center().y())
    assert any(close_to(image.pixelColor(x + dx, y), NOW_COLOUR) for dx in (-1, 0))
    # Two hours later, there is no line there any more, but two hours to the right.
    far = round(x_at(track, *span, at(12, 15)))
    assert not any(close_to(image.pixelColor(far + dx, y), NOW_COLOUR) for dx in (-1, 0))
    clock.now = at(12, 15)
    model.tick()
    image = view.viewport().grab().toImage()
    assert any(close_to(image.pixelColor(far + dx, y), NOW_COLOUR) for dx in (-1, 0))
    assert not any(close_to(image.pixelColor(x + dx, y), NOW_COLOUR) for dx in (-1, 0))


def test_busy_block_is_painted_in_its_colour(panel: BoardPanel) -> None:
    view = panel.view
    model = panel.proxy.board
    cell = view.visualRect(panel.proxy.index(0, Column.TODAY))
    track = track_rect(cell)
    span = model.timeline_range()
    assert span is not None
    image = view.viewport().grab().toImage()
    inside_busy = round(x_at(track, *span, at(10, 40)))  # after now, inside 10:00–11:00
    free_time = round(x_at(track, *span, at(12, 30)))
    y = round(track.center().y())
    busy_colour = image.pixelColor(inside_busy, y)
    free_colour = image.pixelColor(free_time, y)
    assert busy_colour.red() > busy_colour.green() + 40  # a muted red
    assert abs(free_colour.red() - free_colour.green()) < 20  # the grey track


def test_the_header_writes_the_hours(panel: BoardPanel) -> None:
    header = panel.view.horizontalHeader()
    left = header.sectionViewportPosition(Column.TODAY)
    width = header.sectionSize(Column.TODAY)
    span = panel.proxy.board.timeline_range()
    assert span is not None
    track = track_rect(QRect(left, 0, width, header.height()))
    image = header.viewport().grab().toImage()

    def ink(instant) -> int:
        x = round(x_at(track, *span, instant))
        # The hours have the header's bottom line to themselves, under the titles.
        return sum(
            image.pixelColor(x + dx, y).value() < 140
            for dx in range(-6, 7)
            for y in range(header.height() - header.hour_line_height() - 1, header.height())
        )

    assert ink(at(12)) > 5  # "12" is written above noon
    assert ink(at(8)) > 5  # the morning is not hidden under the column's title
    assert ink(at(12, 30)) == 0  # nothing between the labels
    assert [h.hour for h in whole_hours(at(6, 30), at(9))] == [7, 8, 9]


def _today_column(panel: BoardPanel) -> QImage:
    view = panel.view
    rows = panel.proxy.rowCount()
    first = view.visualRect(panel.proxy.index(0, Column.TODAY))
    last = view.visualRect(panel.proxy.index(rows - 1, Column.TODAY))
    return view.viewport().grab(first.united(last)).toImage()


def test_a_kept_strip_looks_exactly_like_one_drawn_afresh(
    qtbot, panel: BoardPanel, clock: FakeClock
) -> None:
    model = panel.proxy.board
    fresh = BoardPanel("People", model, MailboxKind.PERSON, nouns=("person", "people"))
    qtbot.addWidget(fresh)
    fresh.view.setItemDelegateForColumn(Column.TODAY, TimelineDelegate(model, fresh.view, cached=0))
    fresh.resize(panel.size())
    fresh.show()
    qtbot.waitExposed(fresh)
    kept = panel.view.itemDelegateForColumn(Column.TODAY)
    assert isinstance(kept, TimelineDelegate)
    for minute in (0, 7, 40):  # the wash and the line at several places
        clock.now = at(10, minute)
        model.tick()
        first = _today_column(panel)
        assert kept.cached_strips() > 0
        assert _today_column(panel) == first  # the second paint copies the kept strips
        assert _today_column(fresh) == first


def test_a_row_whose_day_did_not_change_is_not_drawn_again(
    qtbot, panel: BoardPanel, clock: FakeClock
) -> None:
    model = panel.proxy.board
    delegate = panel.view.itemDelegateForColumn(Column.TODAY)
    assert isinstance(delegate, TimelineDelegate)
    panel.view.viewport().grab()
    kept = delegate.cached_strips()
    assert kept >= panel.proxy.rowCount()
    model.set_snapshot(office_day())  # a refresh with the same calendars: new objects
    panel.view.viewport().grab()
    assert delegate.cached_strips() == kept
    clock.now = at(15)  # "now" moved: every strip shows it elsewhere
    model.tick()
    panel.view.viewport().grab()
    assert delegate.cached_strips() == min(2 * kept, CACHED_STRIPS)
