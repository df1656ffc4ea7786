"""The provider seam: small blocking classes behind a Protocol.

A provider answers free/busy for many mailboxes over a window. Room lists and directory search
are optional capabilities, separate Protocols a provider may also satisfy. Providers block
(exchangelib and msal do); the refresh service calls them from worker threads. They raise only
:mod:`attendant.providers.errors` for failures they expect.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from attendant.domain import AutoReply, Availability, Mailbox, Presence, RoomList, WatchList, Window

if TYPE_CHECKING:
    from attendant.settings import Settings


@runtime_checkable
class FreeBusyProvider(Protocol):
    """Free/busy for many mailboxes over one window."""

    #: The registry name ("demo", "exchange", …), also the ``provider`` JSON field.
    name: str

    def get_availability(self, mailboxes: Sequence[Mailbox], window: Window) -> list[Availability]:
        """One :class:`Availability` per mailbox, in the order asked for.

        Per-mailbox failures are values; whole-request failures raise a ``ProviderError``.
        """
        ...

    def credential_material(self) -> bytes | None:
        """Bytes that change exactly when the credentials change (``None``: no credentials).

        The lockout guard keeps only a salted, slow hash of them, to recognise rejected
        credentials across refreshes, restarts and processes.
        """
        ...

    def close(self) -> None:
        """Release sessions and threads."""
        ...


#: Given the answers of one request as soon as they are read (see :class:`AnswersAsRead`).
OnRead = Callable[[Sequence[Availability]], None]


@runtime_checkable
class AnswersAsRead(Protocol):
    """Optional capability: free/busy handed over request by request as it is read.

    A provider that sends several requests at once calls ``on_read`` (on the calling thread)
    with each request's answers while later requests are still on the network, so that the
    caller can work on them meanwhile instead of after the last answer. The result is what
    ``get_availability`` returns; ``on_read`` may see some answers again when a request is
    sent once more (after a token was renewed).
    """

    def get_availability_as_read(
        self, mailboxes: Sequence[Mailbox], window: Window, on_read: OnRead
    ) -> list[Availability]: ...


@runtime_checkable
class RoomCatalog(Protocol):
    """Optional capability: the server's room lists and their rooms."""

    def room_lists(self) -> list[RoomList]:
        """Every room list with its rooms filled in."""
        ...


@runtime_checkable
class Directory(Protocol):
    """Optional capability: search people and rooms by name or address."""

    def search(self, query: str, limit: int = 20) -> list[Mailbox]: ...


@runtime_checkable
class Resolver(Protocol):
    """Optional capability: display names and kinds for addresses the watch list names."""

    def resolve(self, addresses: Sequence[str]) -> list[Mailbox]: ...


@runtime_checkable
class PresenceSource(Protocol):
    """Optional capability: Teams presence of people (Graph ``getPresencesByUserId``).

    Presence is a nicety beside the calendar: it raises only ``ProviderError``s, and the
    caller never lets one fail or delay the statuses.
    """

    def presences(self, mailboxes: Sequence[Mailbox]) -> dict[str, Presence]:
        """Presence by mailbox key (``Mailbox.key``); people Graph does not know are left out."""
        ...


@runtime_checkable
class MailTipsSource(Protocol):
    """Optional capability: automatic replies (EWS ``GetMailTips``, Graph ``getMailTips``)."""

    def auto_replies(self, addresses: Sequence[str]) -> dict[str, AutoReply | None]:
        """The automatic reply by folded address (None: none is on); unknown ones left out."""
        ...


@runtime_checkable
class DefaultWatch(Protocol):
    """Optional capability: what to watch when the watch list is empty (the demo: everyone)."""

    def default_watch(self) -> WatchList: ...


@runtime_checkable
class Diagnosable(Protocol):
    """Optional capability: the server-side steps of "Test Settings" / ``attendant check``.

    Yields one :class:`CheckStep` at a time (reachable, TLS, credentials, version) so that
    the dialog can show each step live. It must make at most one logon attempt.
    """

    def diagnose(self) -> Iterator[CheckStep]: ...


class StepResult(StrEnum):
    PASS = "pass"  # noqa: S105 - a test result, not a password
    FAIL = "fail"
    WARN = "warn"
    SKIP = "skip"


@dataclass(frozen=True)
class CheckStep:
    """One line of "Test Settings": what was checked, how it went, and what to do."""

    name: str
    result: StepResult
    detail: str = ""
    hint: str = ""
    #: Set on a failed step: the error that made it fail (decides the exit code).
    error: Exception | None = None


@dataclass(frozen=True)
class ProviderContext:
    """What a provider factory gets: the settings and where per-user files live."""

    settings: Settings
    token_cache: Path | None = None
    state_dir: Path | None = None
    password: Callable[[], str | None] = field(default=lambda: None)


ProviderFactory = Callable[[ProviderContext], FreeBusyProvider]


@dataclass(frozen=True)
class ProviderInfo:
    """A provider as the registry lists it."""

    name: str
    title: str
    factory: ProviderFactory
    #: The settings table the provider owns, e.g. "calendar.exchange" (None: none).
    settings_section: str | None = None
    description: str = ""
    #: Free/busy mailboxes a request can carry (EWS 100, Graph 20); for load estimates.
    batch_size: int = 100
