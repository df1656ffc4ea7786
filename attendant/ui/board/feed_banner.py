"""The strip under the boards that says when the board cannot be fully trusted.

It stays hidden while the feed is healthy. Stale data is marked with its time and age and the
reason; throttling says when sending resumes; rejected credentials turn it red, with a
"Retry now" button, because nothing is sent with them again until someone asks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from attendant.services.idle_feed import SETTINGS_INVALID, SETTINGS_MISSING
from attendant.services.roster import ROOM_LIST_NOT_EXPANDED
from attendant.services.state import FeedError, FeedHealth, RefreshState
from attendant.ui.common.formatting import age_words, clock_time

#: Feed errors that only fixed settings cure: the banner offers the settings dialog.
SETTINGS_KINDS = frozenset({SETTINGS_INVALID, SETTINGS_MISSING})

_KIND_WORDS: dict[str, str] = {
    "settings_missing": "No settings file",
    "unreachable": "Server unreachable",
    "credentials_rejected": "Credentials rejected",
    "signin_required": "Sign-in required",
    "throttled": "Server busy",
    "bad_response": "Unexpected server response",
    "settings_invalid": "Settings invalid",
    "not_supported": "Not supported",
    "timeout": "Timed out",
}


def kind_words(kind: str) -> str:
    """A person's words for an error kind (``unreachable`` → ``Server unreachable``)."""
    return _KIND_WORDS.get(kind, kind.replace("_", " ").capitalize())


def error_line(error: FeedError) -> str:
    """``Server unreachable: Connection refused — check the EWS URL`` for the status bar."""
    message = " ".join(error.message.split())  # one line, whatever the message holds
    text = f"{kind_words(error.kind)}: {message}"
    return f"{text} — {error.hint}" if error.hint else text


@dataclass(frozen=True, slots=True)
class BannerText:
    """What the banner shows: ``level`` is ``info``, ``warning`` or ``error``."""

    level: str
    text: str
    hint: str = ""
    retry: bool = False
    #: Offer "Open Settings…": the settings stop the board, not the server.
    settings: bool = False


def describe(state: RefreshState, now: datetime, tz: tzinfo | None) -> BannerText | None:
    """The banner for ``state`` at ``now``, or ``None`` when the board is up to date."""
    error = state.error
    message = error.message.rstrip(".") if error is not None else ""
    hint = " ".join(part for part in (error.hint if error else "", _unlisted(state)) if part)
    shown = ""
    age = state.age_seconds(now)
    if state.snapshot is not None and age is not None:
        fetched = clock_time(state.snapshot.fetched_at, tz)
        shown = f"Showing data from {fetched} ({age_words(age)})"
    health = state.health
    if health is FeedHealth.OK:
        return None
    if error is not None and error.kind in SETTINGS_KINDS and state.snapshot is None:
        level = "warning" if error.kind == SETTINGS_MISSING else "error"
        return BannerText(level, error.message, hint, settings=True)
    if health is FeedHealth.BLOCKED:
        text = f"Credentials rejected: {message or 'the server refused them'}."
        text += " Nothing is sent with them until they change or you press Retry now."
        if shown:
            text += f" {shown}."
        return BannerText("error", text, hint, retry=True)
    if health is FeedHealth.THROTTLED:
        resume = f" at {clock_time(state.resume_at, tz)}" if state.resume_at else " shortly"
        text = f"The server asked us to slow down; sending resumes{resume}."
        if shown:
            text = f"{shown}: {text}"
        return BannerText("warning", text, hint)
    retry = ""
    if state.refreshing:
        retry = " — retrying now"
    elif state.next_refresh is not None:
        retry = f" — retrying at {clock_time(state.next_refresh, tz)}"
    if health is FeedHealth.STARTING and error is None:
        if state.snapshot is not None:
            return None
        return BannerText("info", "Loading availability…")
    reason = message or "the last refresh failed"
    if state.snapshot is None:
        return BannerText("warning", f"No data yet: {reason}{retry}", hint)
    return BannerText("warning", f"{shown}: {reason}{retry}", hint)


def _unlisted(state: RefreshState) -> str:
    """While the board lists the watch list without data: the room lists it cannot expand."""
    roster = state.roster if state.snapshot is None else None
    if roster is None:
        return ""
    count = sum(1 for a in roster.entries if a.error and a.error.code == ROOM_LIST_NOT_EXPANDED)
    if not count:
        return ""
    lists = "1 room list" if count == 1 else f"{count} room lists"
    return f"The rooms of {lists} are not known until the server answers."


class FeedBanner(QFrame):
    """A calm, coloured strip with the feed's trouble, its hint and maybe "Retry now"."""

    retry_requested = Signal()
    settings_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("feedBanner")
        self.setProperty("level", "info")
        self._text = QLabel(self)
        self._text.setObjectName("bannerText")
        self._text.setWordWrap(True)
        self._text.setTextFormat(Qt.TextFormat.PlainText)
        self._text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._hint = QLabel(self)
        self._hint.setObjectName("bannerHint")
        self._hint.setWordWrap(True)
        self._hint.setTextFormat(Qt.TextFormat.PlainText)
        self._retry = QPushButton("&Retry now", self)
        self._retry.setObjectName("retryButton")
        self._retry.clicked.connect(self.retry_requested)
        self._settings = QPushButton("Open &Settings…", self)
        self._settings.setObjectName("settingsButton")
        self._settings.clicked.connect(self.settings_requested)
        texts = QVBoxLayout()
        texts.setSpacing(2)
        texts.addWidget(self._text)
        texts.addWidget(self._hint)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 8, 12, 8)
        row.addLayout(texts, 1)
        row.addWidget(self._retry, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self._settings, 0, Qt.AlignmentFlag.AlignVCenter)
        self.hide()

    @property
    def text(self) -> str:
        return self._text.text()

    @property
    def hint(self) -> str:
        return self._hint.text()

    @property
    def level(self) -> str:
        return str(self.property("level"))

    @property
    def retry_button(self) -> QPushButton:
        return self._retry

    @property
    def settings_button(self) -> QPushButton:
        return self._settings

    def show_text(self, banner: BannerText | None) -> None:
        if banner is None:
            self.hide()
            return
        if banner.level != self.level:
            self.setProperty("level", banner.level)
            self.style().unpolish(self)
            self.style().polish(self)
        self._text.setText(banner.text)
        self._hint.setText(banner.hint)
        self._hint.setVisible(bool(banner.hint))
        self._retry.setVisible(banner.retry)
        self._settings.setVisible(banner.settings)
        self.setAccessibleDescription(f"{banner.text} {banner.hint}".strip())
        self.show()
