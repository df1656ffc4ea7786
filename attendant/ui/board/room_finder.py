"""The room finder on the board: rooms free now for a while, with enough seats, longest first.

A visitor needs a room for six for an hour, now: the receptionist picks "1 hour" and "6 seats"
and reads the answer, best first ("free for 1 h 20 min"). The rules are those of
``attendant free-rooms`` (:mod:`attendant.services.room_finder`), on the board's own snapshot
and "now", so the screen and the command line agree. It is worked out only while the finder
is shown, and at most once per change of the board (a refresh, a tick of the clock).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from attendant.domain import MailboxKind
from attendant.services.room_finder import (
    DEFAULT_MINUTES,
    PRESET_MINUTES,
    FinderResult,
    find_free_rooms,
)
from attendant.ui.board.finder_model import FinderModel
from attendant.ui.board.model import BoardModel

CUSTOM = 0  # the combobox's data for "Custom…"


class RoomFinder(QWidget):
    """Duration, seats, building and floor above the list of rooms free that long."""

    #: Enter or a double click on a room: its address (the window shows it on the board).
    room_chosen = Signal(str)

    def __init__(self, board: BoardModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("roomFinder")
        self._board = board
        self._dirty = True
        self.model = FinderModel(board, self)

        self.duration = QComboBox(self)
        for minutes in PRESET_MINUTES:
            self.duration.addItem(duration_words_long(minutes), minutes)
        self.duration.addItem("Custom…", CUSTOM)
        self.duration.setCurrentIndex(self.duration.findData(DEFAULT_MINUTES))
        self.custom = QSpinBox(self)
        self.custom.setRange(1, 24 * 60)
        self.custom.setValue(45)
        self.custom.setSuffix(" min")
        self.custom.setEnabled(False)
        self.seats = QSpinBox(self)
        self.seats.setRange(0, 999)
        self.seats.setSpecialValueText("any")
        self.building = QComboBox(self)
        self.floor = QComboBox(self)
        for combo in (self.duration, self.building, self.floor):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.summary = QLabel(self)
        self.summary.setObjectName("finderSummary")
        self.summary.setWordWrap(True)
        self.view = QTableView(self)
        self.view.setObjectName("roomFinderList")
        self._name_controls()
        self._configure_view()
        self._layout()

        self._timer = QTimer(self)  # one recomputation per burst of board changes
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.recompute)
        # Every new snapshot and every tick ends with "evaluated": the statuses are known.
        board.evaluated.connect(self._board_changed)
        board.modelReset.connect(self._board_changed)
        self.view.activated.connect(self._activated)
        self.duration.currentIndexChanged.connect(self._duration_changed)
        for spin in (self.custom, self.seats):
            spin.valueChanged.connect(self._board_changed)
        for combo in (self.building, self.floor):
            combo.currentIndexChanged.connect(self._board_changed)

    # -- what tests and the window read --------------------------------------------------

    @property
    def minutes(self) -> int:
        chosen = self.duration.currentData()
        return self.custom.value() if chosen == CUSTOM else int(chosen)

    def room_names(self) -> list[str]:
        return [room.mailbox.display_name for room in self.model.rooms]

    def focus_finder(self) -> None:
        self.duration.setFocus(Qt.FocusReason.ShortcutFocusReason)

    # -- reactions -----------------------------------------------------------------------

    def _activated(self, index: QModelIndex) -> None:
        rooms = self.model.rooms
        if index.isValid() and index.row() < len(rooms):
            self.room_chosen.emit(rooms[index.row()].mailbox.address)

    def _duration_changed(self) -> None:
        self.custom.setEnabled(self.duration.currentData() == CUSTOM)
        self._board_changed()

    def _board_changed(self, *_: object) -> None:
        self._dirty = True
        if self.isVisible():
            self._timer.start()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._dirty:
            self._timer.start()

    def recompute(self) -> None:
        """Work the free rooms out again from the board's snapshot at the board's "now"."""
        self._dirty = False
        snapshot = self._board.snapshot
        if snapshot is None:
            self.model.set_result(None)
            self.summary.setText("Waiting for the first answer from the server…")
            return
        board = self._board
        rows = [r for r, kind in enumerate(board.kinds()) if kind is MailboxKind.ROOM]
        rooms = [board.availability(r) for r in rows]
        self._offer(self.building, "Any building", {a.mailbox.building for a in rooms})
        self._offer(self.floor, "Any floor", {a.mailbox.floor for a in rooms})
        seats = self.seats.value() or None
        ready = board.is_evaluated()  # else evaluate here rather than force the board's slices
        result = find_free_rooms(
            rooms,
            board.now,
            self.minutes,
            capacity=seats,
            building=self.building.currentData(),
            floor=self.floor.currentData(),
            views=[board.view(r) for r in rows] if ready else None,
            views_end=snapshot.window.end,
        )
        self.model.set_result(result)
        self.summary.setText(summary_text(result, len(rooms), seats))

    def _offer(self, combo: QComboBox, anything: str, values: set[str | None]) -> None:
        """Fill ``combo`` with ``anything`` and the sorted ``values``, keeping the choice."""
        wanted = [anything, *sorted(v for v in values if v)]
        if [combo.itemText(i) for i in range(combo.count())] == wanted:
            return
        chosen = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(anything, None)
        for value in wanted[1:]:
            combo.addItem(value, value)
        combo.setCurrentIndex(max(0, combo.findData(chosen)) if chosen is not None else 0)
        combo.setEnabled(len(wanted) > 1)
        combo.blockSignals(False)

    # -- construction --------------------------------------------------------------------

    def _name_controls(self) -> None:
        names = {
            self.duration: ("Free for at least", "How long the room must stay free"),
            self.custom: ("Custom minutes", "Minutes, when Free for at least is Custom"),
            self.seats: ("Seats at least", "Rooms of unknown capacity are left out"),
            self.building: ("Building", "Only rooms in this building"),
            self.floor: ("Floor", "Only rooms on this floor"),
            self.view: ("Free rooms", "Rooms free now for long enough, longest free first"),
        }
        for widget, (name, description) in names.items():
            widget.setAccessibleName(name)
            widget.setAccessibleDescription(description)
            widget.setToolTip(description)

    def _configure_view(self) -> None:
        view = self.view
        view.setModel(self.model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setAlternatingRowColors(True)
        view.setShowGrid(False)
        view.setWordWrap(False)
        view.setTabKeyNavigation(False)
        view.verticalHeader().hide()
        header = view.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setHighlightSections(False)
        # Widths from the font, not from the contents: measuring hundreds of rows on every
        # change of font or data would stall the window.
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)  # "Where"
        metrics = view.fontMetrics()
        samples = ("Conference room 12", "Seats", "", "rest of the day", "Tue 12:00")
        for column, sample in enumerate(samples):
            if sample:
                view.setColumnWidth(column, metrics.horizontalAdvance(sample) + 40)

    def _layout(self) -> None:
        controls = QHBoxLayout()
        controls.setSpacing(6)
        rows = (
            ("Free for at &least:", self.duration, self.custom),
            ("S&eats:", self.seats, None),
            ("B&uilding:", self.building, None),
            ("Floo&r:", self.floor, None),
        )
        for text, widget, extra in rows:
            label = QLabel(text, self)
            label.setBuddy(widget)
            controls.addWidget(label)
            controls.addWidget(_framed(widget, self))
            if extra is not None:
                controls.addWidget(_framed(extra, self))
            controls.addSpacing(10)
        controls.addWidget(self.summary, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 8)
        layout.setSpacing(6)
        layout.addLayout(controls)
        layout.addWidget(self.view, 1)


def _framed(widget: QWidget, parent: QWidget) -> QWidget:
    """A spin box inside a frame the theme may draw (high contrast); other widgets as they are."""
    if not isinstance(widget, QSpinBox):
        return widget
    frame = QFrame(parent)
    frame.setObjectName("spinFrame")
    layout = QHBoxLayout(frame)
    layout.setContentsMargins(1, 1, 1, 1)
    layout.addWidget(widget)
    return frame


def duration_words_long(minutes: int) -> str:
    """``15 minutes``, ``1 hour``, ``2 hours``."""
    if minutes % 60 == 0:
        hours = minutes // 60
        return "1 hour" if hours == 1 else f"{hours} hours"
    return f"{minutes} minutes"


def summary_text(result: FinderResult, watched: int, seats: int | None) -> str:
    """``3 of 12 rooms free for 30 min or more`` and what was left out for unknown seats."""
    if watched == 0:
        return "No rooms are watched."
    wanted = f" with {seats}+ seats" if seats else ""
    count = len(result.rooms)
    text = f"{count} of {watched} rooms free for {duration_words_long(result.minutes)}{wanted}"
    if count == 0:
        text = f"No room is free for {duration_words_long(result.minutes)}{wanted}"
    if result.unknown_capacity:
        n = result.unknown_capacity
        text += f" · {n} more free but of unknown capacity"
    return text
