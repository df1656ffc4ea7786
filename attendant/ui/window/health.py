"""What the status bar and an empty board say about the feed's health, in plain words."""

from __future__ import annotations

from datetime import datetime, tzinfo

from attendant.services.state import RefreshState
from attendant.ui.board.feed_banner import SETTINGS_KINDS
from attendant.ui.common.formatting import age_words, clock_time


def freshness_texts(state: RefreshState, now: datetime, tz: tzinfo | None) -> tuple[str, str]:
    """(how old the data is, what happens next) for the status bar."""
    if state.snapshot is not None:
        fetched = state.snapshot.fetched_at
        age = state.age_seconds(now) or 0.0
        updated = f"Data from {clock_time(fetched, tz)} ({age_words(age)})"
    else:
        updated = "No data yet"
    if state.refreshing:
        following = "Refreshing…"
    elif state.resume_at is not None and state.resume_at > now:
        following = f"Paused until {clock_time(state.resume_at, tz)}"
    elif state.next_refresh is not None:
        following = f"Next refresh {clock_time(state.next_refresh, tz)}"
    else:
        following = ""
    return updated, following


def empty_board_text(state: RefreshState, *, searching: bool, what: str) -> str:
    """What an empty board of ``what`` ("people", "rooms or room lists") says, so that it
    never looks broken."""
    if state.snapshot is None and state.error is not None and state.error.kind in SETTINGS_KINDS:
        return "No statuses while the settings cannot be used: see the message below."
    if state.snapshot is None:
        return (
            "Asking the calendar server…"
            if state.error is None
            else "No calendar data yet: see the message below."
        )
    if searching:
        return "Nobody here matches the search."
    return f"None watched: add {what} on the Watch list of Calendar Integration Settings."
