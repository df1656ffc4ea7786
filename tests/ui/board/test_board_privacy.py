"""``[privacy] meeting_details = "hide"`` on the board: no meeting is drawn or told."""

from __future__ import annotations

from office_day import TZ, FakeClock, at, office_day
from PySide6.QtCore import Qt

from attendant.domain import MailboxKind, MeetingDetails
from attendant.ui.board.model import BoardModel, Column
from attendant.ui.board.panel import BoardPanel
from attendant.ui.board.timeline import track_rect, x_at


def test_hide_draws_no_meetings_and_tells_none(qtbot, clock: FakeClock) -> None:
    model = BoardModel(clock, tz=TZ)
    model.set_snapshot(office_day())
    panel = BoardPanel("People", model, MailboxKind.PERSON, nouns=("person", "people"))
    qtbot.addWidget(panel)
    panel.resize(1100, 400)
    panel.show()
    qtbot.waitExposed(panel)
    index = panel.proxy.index(0, Column.TODAY)  # Anna Becker: busy 10:00-11:00 "Budget review"
    assert "Budget review" in index.data(Qt.ItemDataRole.ToolTipRole)
    track = track_rect(panel.view.visualRect(index))
    span = model.timeline_range()
    x, y = round(x_at(track, *span, at(10, 40))), round(track.center().y())

    def red_at_busy() -> bool:
        colour = panel.view.viewport().grab().toImage().pixelColor(x, y)
        return colour.red() > colour.green() + 40

    assert red_at_busy()
    model.meeting_details = MeetingDetails.HIDE
    model.restyle()
    qtbot.waitUntil(lambda: not red_at_busy(), timeout=2000)
    for role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
        text = index.data(role)
        assert "Budget" not in text and "not shown" in text
    # The status, until and next free stay.
    assert panel.proxy.index(0, Column.STATUS).data() == "Busy"
    assert panel.proxy.index(0, Column.UNTIL).data() == "11:00"
