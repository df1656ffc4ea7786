"""A hand-made office day and fakes of the window's collaborators, for the board's tests.

The fake feed stands in for the refresh service (an external collaborator of the window)
and speaks its API; ``test_live_feed.py`` runs the real service instead.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

from PySide6.QtWidgets import QApplication

from attendant.domain import (
    Availability,
    BusyType,
    Event,
    Mailbox,
    MailboxKind,
    Snapshot,
    Window,
)
from attendant.services.state import FeedHealth, RefreshState

TZ = timezone(timedelta(hours=1))
DAY = datetime(2026, 11, 24, tzinfo=TZ)  # a Tuesday


def at(hour: int, minute: int = 0, *, days: int = 0) -> datetime:
    return DAY + timedelta(days=days, hours=hour, minutes=minute)


def person(address: str, name: str, department: str, *events: Event) -> Availability:
    return Availability(
        Mailbox(f"{address}@contoso.com", name, MailboxKind.PERSON, department=department),
        tuple(events),
    )


def room(address: str, name: str, capacity: int, *events: Event) -> Availability:
    return Availability(
        Mailbox(f"{address}@contoso.com", name, MailboxKind.ROOM, capacity=capacity),
        tuple(events),
    )


def office_day(
    *, fetched_at: datetime | None = None, extra: tuple[Availability, ...] = ()
) -> Snapshot:
    """Six people and three rooms on Tuesday 24 November 2026 (UTC+1)."""
    busy, tentative, oof = BusyType.BUSY, BusyType.TENTATIVE, BusyType.OOF
    entries = (
        person(
            "anna.becker",
            "Anna Becker",
            "Finance",
            Event(at(10), at(11), busy, "Budget review", "Room Aurora"),
            Event(at(14), at(15), tentative, "1:1 Tom"),
        ),
        person("bruno.meyer", "Bruno Meyer", "Sales", Event(at(0), at(0, days=3), oof, "Vacation")),
        person("carla.rossi", "Carla Rossi", "Legal", Event(at(11), at(12), busy)),
        person(
            "david.novak", "David Novak", "IT", Event(at(10), at(10, 45), tentative, "Vendor call")
        ),
        Availability.failed(
            Mailbox(
                "farid.kaya@contoso.com", "Farid Kaya", MailboxKind.PERSON, department="Support"
            ),
            "ErrorMailRecipientNotFound",
            "The mailbox could not be found.",
        ),
        person(
            "greta.berg",
            "Greta Berg",
            "HR",
            Event(at(9), at(10, 30), busy, "Interview", "Room Cirrus"),
        ),
        room("aurora", "Aurora", 8, Event(at(10), at(11), busy, "Budget review", "Aurora")),
        room("borealis", "Borealis", 12),
        room("cirrus", "Cirrus", 4, Event(at(9), at(10, 30), busy, "Interview")),
        *extra,
    )
    window = Window(DAY, DAY + timedelta(days=1))
    return Snapshot(window, fetched_at or at(10, 10), entries)


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class FakeFeed:
    """Speaks the refresh service's API to the window; records what the window asked."""

    def __init__(self, state: RefreshState) -> None:
        self.state = state
        self.subscribers: list[Callable[[RefreshState], None]] = []
        self.refresh_requests = 0
        self.retries = 0

    def subscribe(self, callback: Callable[[RefreshState], None]) -> Callable[[], None]:
        self.subscribers.append(callback)
        return lambda: self.subscribers.remove(callback)

    def request_refresh(self) -> None:
        self.refresh_requests += 1

    def retry_now(self) -> None:
        self.retries += 1

    def publish(self, state: RefreshState) -> None:
        self.state = state
        for callback in list(self.subscribers):
            callback(state)


def ok_state(snapshot: Snapshot | None = None) -> RefreshState:
    snapshot = snapshot or office_day()
    return RefreshState(
        provider="demo",
        health=FeedHealth.OK,
        snapshot=snapshot,
        last_success=snapshot.fetched_at,
        last_attempt=snapshot.fetched_at,
        next_refresh=snapshot.fetched_at + timedelta(minutes=1),
    )


def shown(qtbot: Any, win: Any, size: tuple[int, int] = (1400, 800)) -> Any:
    """``win`` (a main window) on screen at ``size``, active, with its statuses evaluated."""
    qtbot.addWidget(win)
    win.resize(*size)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=2000)
    qtbot.waitUntil(win.model.is_evaluated, timeout=2000)
    return win
