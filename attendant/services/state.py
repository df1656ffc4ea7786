"""What the refresh service tells the window: the newest data and the health of the feed."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from loguru import logger

from attendant.domain import Presence, Snapshot


class FeedHealth(StrEnum):
    """How far the board can be trusted right now."""

    STARTING = "starting"  # no refresh has finished yet
    OK = "ok"  # the newest refresh succeeded
    STALE = "stale"  # the newest refresh failed; the last data is shown, marked with its age
    THROTTLED = "throttled"  # the server asked us to back off; waiting until ``resume_at``
    BLOCKED = "blocked"  # credentials were rejected; nothing is sent until they change


@dataclass(frozen=True, slots=True)
class FeedError:
    """An expected failure as the window shows it: what happened and what to do."""

    kind: str
    message: str
    hint: str = ""


@dataclass(frozen=True, slots=True)
class RefreshState:
    """One immutable picture of the feed, published after every refresh attempt."""

    provider: str
    health: FeedHealth
    snapshot: Snapshot | None = None
    last_success: datetime | None = None
    last_attempt: datetime | None = None
    next_refresh: datetime | None = None
    resume_at: datetime | None = None
    error: FeedError | None = None
    refreshing: bool = False
    #: Teams presence by mailbox key (providers with presence; empty otherwise).
    presence: Mapping[str, Presence] = field(default_factory=dict)
    #: Why there is no presence, when that is worth a word (no consent, an error).
    presence_hint: str = ""
    #: While there is no data at all (the server unreachable, failing or refusing the
    #: credentials from the start): every watched mailbox, status unknown, with the reason, so
    #: the board never stands empty. Not data: ``snapshot`` stays None and nothing is aged.
    roster: Snapshot | None = None
    #: One line for each watched room list without rooms, e.g. ``HQ rooms: no rooms (server
    #: says ErrorNameResolutionNoResults: …)``: its rooms are missing from the board, not free.
    room_list_notes: tuple[str, ...] = ()

    @property
    def shown(self) -> Snapshot | None:
        """What the board lists: the data, or the roster while there is none."""
        return self.snapshot if self.snapshot is not None else self.roster

    def age_seconds(self, now: datetime) -> float | None:
        """How old the shown data is, or ``None`` when there is none."""
        if self.snapshot is None:
            return None
        return max(0.0, (now - self.snapshot.fetched_at).total_seconds())


Subscriber = Callable[[RefreshState], None]


class Subscribers:
    """Who listens to a feed. Each is told every new state; one that fails is logged and the
    others are still told."""

    def __init__(self) -> None:
        self._callbacks: list[Subscriber] = []

    def add(self, callback: Subscriber) -> Callable[[], None]:
        """Listen with ``callback``; returns what stops listening (harmless twice)."""
        self._callbacks.append(callback)

        def remove() -> None:
            with contextlib.suppress(ValueError):
                self._callbacks.remove(callback)

        return remove

    def tell(self, state: RefreshState) -> None:
        for callback in list(self._callbacks):
            try:
                callback(state)
            except Exception:
                logger.exception("A feed subscriber failed")

    def clear(self) -> None:
        self._callbacks.clear()
