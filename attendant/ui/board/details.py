"""The details pane under a board: who the selected person or room is and their day.

The first line says who it is (name, department or seats, phone, address). Below it: today's
agenda as the ``[privacy]`` setting allows, the working hours (and the person's own time when
their mailbox works in another zone), out of office until when, and the automatic reply.
The reply is asked of the server only for the person selected, once the selection has
rested a moment, through the feed's :meth:`auto_reply` (cached and spaced out there).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime, tzinfo

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from attendant.domain import (
    Availability,
    BusyType,
    MailboxKind,
    MeetingDetails,
    Status,
    StatusView,
    visible_events,
)
from attendant.services.mailtips import ReplyLookup
from attendant.ui.board.model import BoardModel
from attendant.ui.common import formatting as fmt

#: How long the selection rests before the automatic reply is asked for.
SETTLE_MILLISECONDS = 400
ReplySource = Callable[[str], Awaitable[ReplyLookup]]


def identity_line(availability: Availability) -> str:
    mailbox = availability.mailbox
    parts = [mailbox.display_name]
    if mailbox.kind is MailboxKind.ROOM:
        if mailbox.capacity:
            parts.append(f"{mailbox.capacity} seats")
        if mailbox.location:
            parts.append(mailbox.location)
    else:
        parts += [p for p in (mailbox.job_title, mailbox.department) if p]
    if mailbox.phone:
        parts.append(f"phone {mailbox.phone}")
    if mailbox.mobile:
        parts.append(f"mobile {mailbox.mobile}")
    parts.append(mailbox.address)
    return "  ·  ".join(parts)


def agenda_line(
    availability: Availability, details: MeetingDetails, now: datetime, tz: tzinfo | None
) -> str:
    """Today's meetings, as the privacy setting allows."""
    if availability.error is not None:
        return ""
    if details is MeetingDetails.HIDE:
        return "Meetings are not shown on this desk (privacy setting)."
    shown = [e for e in visible_events(availability, details) if e.busy_type is not BusyType.FREE]
    if not shown:
        return "Today: nothing in the calendar."
    items = [
        f"{fmt.event_span(e, now, tz)} {fmt.event_words(e, availability.mailbox)}"
        for e in shown[:8]
    ]
    more = f"  … and {len(shown) - 8} more" if len(shown) > 8 else ""
    return "Today: " + "   ·   ".join(items) + more


def hours_line(availability: Availability, now: datetime, tz: tzinfo | None) -> str:
    """Working hours in the desk's time, and the person's own time when it differs."""
    if availability.working_hours is None:
        return ""
    start, end = availability.working_hours
    text = f"Working hours {fmt.clock_time(start, tz)}–{fmt.clock_time(end, tz)}"
    theirs = start.tzinfo
    desk = fmt.local(now, tz)
    if theirs is not None and desk.utcoffset() != now.astimezone(theirs).utcoffset():
        there = now.astimezone(theirs)
        zone = getattr(theirs, "key", None) or there.tzname() or ""
        text += (
            f" ({start.strftime('%H:%M')}–{end.strftime('%H:%M')} their time)"
            f"  ·  their local time now {there.strftime('%H:%M')} {zone}".rstrip()
        )
    return text


def away_line(view: StatusView | None, now: datetime, tz: tzinfo | None) -> str:
    if view is None or view.status is not Status.OOF:
        return ""
    if view.until is None:
        return "Out of office for the rest of the data shown."
    return f"Out of office until {fmt.long_time(view.until, tz)}."


class DetailsPane(QFrame):
    """The selected row's particulars, under its board."""

    #: The selection rested on a person: their automatic reply is wanted.
    reply_wanted = Signal(str)

    def __init__(self, board: BoardModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailsPane")
        self._board = board
        self._address = ""
        self._source: ReplySource | None = None
        self._tasks: set[asyncio.Future[ReplyLookup]] = set()
        self.line = self._label("boardDetails")
        self.agenda = self._label("detailsAgenda")
        self.hours = self._label("detailsHours")
        self.reply = self._label("detailsReply")
        self.reply.setWordWrap(True)
        self.agenda.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 0, 2, 0)
        layout.setSpacing(2)
        for label in (self.line, self.agenda, self.hours, self.reply):
            layout.addWidget(label)
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MILLISECONDS)
        self._settle.timeout.connect(self._ask)
        self.reply_wanted.connect(self._fetch)

    def _label(self, name: str) -> QLabel:
        label = QLabel(self)
        label.setObjectName(name)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def set_source(self, source: ReplySource | None) -> None:
        """Where automatic replies come from (the feed's ``auto_reply``; None: nowhere)."""
        self._source = source

    def text(self) -> str:
        labels = (self.line, self.agenda, self.hours, self.reply)
        return "\n".join(label.text() for label in labels if label.text())

    def show_row(self, availability: Availability | None, view: StatusView | None) -> None:
        board = self._board
        if availability is None:
            self._address = ""
            for label in (self.line, self.agenda, self.hours, self.reply):
                self._set(label, "")
            return
        now, tz = board.now, board.tz
        changed = availability.mailbox.address != self._address
        self._address = availability.mailbox.address
        self._set(self.line, identity_line(availability))
        self._set(self.agenda, agenda_line(availability, board.meeting_details, now, tz))
        hours = "  ·  ".join(
            p for p in (hours_line(availability, now, tz), away_line(view, now, tz)) if p
        )
        self._set(self.hours, hours)
        if changed:
            self._set(self.reply, "")
            if availability.mailbox.kind is MailboxKind.PERSON and self._source is not None:
                self._settle.start()

    def show_reply(self, address: str, lookup: ReplyLookup) -> None:
        if address != self._address:
            return  # the selection moved on meanwhile
        if lookup.reply is not None:
            reply = lookup.reply
            until = f" (until {fmt.long_time(reply.end, self._board.tz)})" if reply.end else ""
            text = f"Automatic reply{until}: {' '.join(reply.message.split())}"
            self._set(self.reply, text if len(text) <= 300 else text[:299] + "…")
            self.reply.setToolTip(reply.message)
        elif lookup.known:
            self._set(self.reply, "No automatic reply is on.")
        else:
            self._set(self.reply, lookup.note)

    def _set(self, label: QLabel, text: str) -> None:
        label.setText(text)
        label.setVisible(bool(text))
        if not text:
            label.setToolTip("")

    def _ask(self) -> None:
        if self._address:
            self.reply_wanted.emit(self._address)

    def _fetch(self, address: str) -> None:
        source = self._source
        if source is None:
            return
        try:
            task = asyncio.ensure_future(source(address))
        except RuntimeError:  # no event loop runs (a window without its feed's loop)
            return
        self._tasks.add(task)

        def done(finished: asyncio.Future[ReplyLookup]) -> None:
            self._tasks.discard(finished)
            if not finished.cancelled() and finished.exception() is None:
                self.show_reply(address, finished.result())

        task.add_done_callback(done)
