"""The feed of a console whose settings cannot be used: no statuses, only the reason.

A settings file that does not parse or validate, a ``--config`` file that does not exist, or
settings no provider can be built from must never put made-up data on the board (the demo
directory, all *Free*). The console shows this feed instead: it sends nothing, publishes no
snapshot, and carries the problem (file, line, what is wrong) until the settings are fixed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from attendant.services.state import (
    FeedError,
    FeedHealth,
    RefreshState,
    Subscriber,
    Subscribers,
)
from attendant.settings import SettingsError

#: ``FeedError.kind`` of the two ways the settings stop the board.
SETTINGS_INVALID = "settings_invalid"
SETTINGS_MISSING = "settings_missing"

_FIX_HINT = (
    "Correct the file (Attendant left it untouched), or open Calendar Integration Settings. "
    "The board fills as soon as the settings can be used."
)


@dataclass(frozen=True, slots=True)
class SettingsProblem:
    """Why the settings cannot be used, said as the banner shows it."""

    kind: str
    title: str
    message: str
    hint: str = _FIX_HINT

    @staticmethod
    def invalid(error: SettingsError) -> SettingsProblem:
        return SettingsProblem(
            SETTINGS_INVALID,
            "Settings invalid",
            f"The settings file cannot be used, so no statuses are shown:\n{error}",
        )

    @staticmethod
    def missing(path: Path) -> SettingsProblem:
        return SettingsProblem(
            SETTINGS_MISSING,
            "No settings file",
            f"The settings file {path} does not exist yet, so no statuses are shown.",
            "Open Calendar Integration Settings: Attendant writes the file there when you save.",
        )

    @staticmethod
    def unusable(message: str, hint: str) -> SettingsProblem:
        return SettingsProblem(
            SETTINGS_INVALID,
            "Settings invalid",
            "The calendar provider cannot be opened with these settings, so no statuses are "
            f"shown: {message}",
            hint or _FIX_HINT,
        )


class IdleFeed:
    """Stands in for the refresh service while the settings cannot be used; sends nothing."""

    #: No provider: nothing is ever asked of a server.
    provider = None

    def __init__(self, problem: SettingsProblem) -> None:
        self._subscribers = Subscribers()
        self._state = self._state_for(problem)
        self.problem = problem

    @staticmethod
    def _state_for(problem: SettingsProblem) -> RefreshState:
        return RefreshState(
            provider="none",
            health=FeedHealth.STALE,
            error=FeedError(problem.kind, problem.message, problem.hint),
        )

    @property
    def state(self) -> RefreshState:
        return self._state

    def show(self, problem: SettingsProblem) -> None:
        """The settings are still unusable, maybe for another reason: say the new one."""
        if problem == self.problem:
            return
        self.problem = problem
        self._state = self._state_for(problem)
        self._subscribers.tell(self._state)

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        return self._subscribers.add(callback)

    def start(self) -> None:
        """Nothing to refresh."""

    def request_refresh(self) -> None:
        """F5 changes nothing: only fixed settings fill the board."""

    def retry_now(self) -> None:
        """No credentials were used."""

    def wake(self, reason: str) -> None:
        """Back from sleep: nothing to refresh until the settings can be used."""

    async def aclose(self) -> None:
        self._subscribers.clear()
