"""The window a server is asked for: whole local days, within the server's limit.

A window that is short or does not start at midnight is asked as the local days that cover
it, and the answer clipped back (INTERFACES.md §1); a window longer than the server serves
is refused before anything is sent, as a settings error (exit 2) for every provider alike.
"""

from __future__ import annotations

from datetime import timedelta

from attendant.domain import Window
from attendant.providers.errors import SettingsInvalid


def checked_window(window: Window, limit: timedelta, server: str) -> Window:
    """The whole local days covering ``window``; SettingsInvalid when they exceed ``limit``."""
    asked = window.whole_days()
    if asked.length > limit:
        days = limit.days
        raise SettingsInvalid(
            f"The window from {window.start.isoformat()} to {window.end.isoformat()} covers "
            f"{_days(asked.length)}; {server} answers free/busy for at most {days} days at a "
            "time.",
            hint=f"Ask for at most {days} days (--start and --end).",
        )
    return asked


def _days(length: timedelta) -> str:
    days = round(length.total_seconds() / 86400)
    return "1 day" if days == 1 else f"{days} days"
