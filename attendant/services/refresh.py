"""The refresh service: asks the provider at the configured interval and publishes the result.

asyncio, no Qt (subscribers run on the loop's thread); provider calls leave the loop through
:func:`run_blocking` with a timeout. A failed refresh keeps the last data, marked stale (with
none yet, the watch list as unknown); back-offs are obeyed; rejected credentials stop the feed.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from loguru import logger

from attendant.domain import Mailbox, MeetingDetails, Snapshot, WatchList, Window, redact_all
from attendant.providers.base import FreeBusyProvider, Resolver
from attendant.providers.errors import CredentialsRejected, ProviderError, SignInRequired, Throttled
from attendant.services.blocking import CallTimedOut, run_blocking
from attendant.services.clock import day_window, local_now
from attendant.services.guarded import GuardedProvider
from attendant.services.lockout import LockoutGuard
from attendant.services.logtext import Identity
from attendant.services.mailtips import AutoReplies, ReplyLookup
from attendant.services.names import NameCache, NameLookups, needs_lookup, with_names
from attendant.services.presence import PresencePoller, PresenceResult
from attendant.services.state import (
    FeedError,
    FeedHealth,
    RefreshState,
    Subscriber,
    Subscribers,
)
from attendant.services.watch import expand_watch, room_list_note, roster_snapshot

#: How long the expansion of room lists and display names is reused before asking again.
WATCH_TTL_SECONDS = 3600.0
#: The pause between two background name lookups (each asks a few addresses).
NAME_LOOKUP_PAUSE_SECONDS = 2.0


class RefreshService:
    """Periodic, guarded free/busy refreshes of one provider and one watch list."""

    def __init__(
        self,
        provider: FreeBusyProvider,
        watch: WatchList,
        *,
        interval_seconds: float,
        timeout_seconds: float = 30.0,
        guard: LockoutGuard | None = None,
        clock: Callable[[], datetime] = local_now,
        window_for: Callable[[datetime], Window] = day_window,
        mailboxes: list[Mailbox] | None = None,
        meeting_details: MeetingDetails = MeetingDetails.SHOW,
        who: Identity | None = None,
        names: NameCache | None = None,
    ) -> None:
        self._guard = guard if guard is not None else LockoutGuard(None)
        self._guarded = GuardedProvider(provider, self._guard, clock, who)
        self._failing_since: datetime | None = None
        self._failures = 0
        self._watch = watch
        self._interval = max(1.0, float(interval_seconds))
        self._timeout = float(timeout_seconds)
        self._clock = clock
        self._window_for = window_for
        self._fixed_mailboxes = mailboxes
        #: Applied where the snapshot is made, so nothing downstream can show more.
        self._meeting_details = meeting_details
        self._mailboxes: list[Mailbox] | None = mailboxes
        #: Names off the statuses' path: the cache, filled by lookups between refreshes.
        self._names = names
        self._lookups = NameLookups(names) if names is not None else None
        self._mailboxes_at = time.monotonic()
        self._room_list_notes: tuple[str, ...] = ()
        self._subscribers = Subscribers()
        self._state = RefreshState(provider=provider.name, health=FeedHealth.STARTING)
        self._wakeup = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._generation = 0
        self._closed = False
        self._presence = PresencePoller(self._guarded, clock)
        self.replies = AutoReplies(self._guarded)

    # -- public API --------------------------------------------------------------------

    @property
    def provider(self) -> FreeBusyProvider:
        return self._guarded.provider

    @property
    def state(self) -> RefreshState:
        return self._state

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """Call ``callback`` with every new state (on the loop's thread); returns unsubscribe."""
        return self._subscribers.add(callback)

    def start(self) -> None:
        """Start refreshing on the running event loop."""
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="refresh")

    def request_refresh(self) -> None:
        """ "Refresh now": refresh as soon as the server's back-off and the guard allow."""
        self._wakeup.set()

    def wake(self, reason: str) -> None:
        """After a resume from sleep or a reconnect: refresh soon, with the room lists and
        names asked again (they may have changed while the machine slept).

        Nothing else changes: a server's back-off still holds (``_run`` waits it out) and
        rejected credentials are still not sent (the guard refuses them).
        """
        logger.info("{}: refreshing now", reason)
        if self._fixed_mailboxes is None:
            self._mailboxes_at = float("-inf")
        self._wakeup.set()

    def retry_now(self) -> None:
        """ "Retry now": a person allows one more attempt with the rejected credentials."""
        self._guarded.retry_now()
        self._wakeup.set()

    async def refresh_once(self) -> RefreshState:
        """One guarded refresh; publishes and returns the new state."""
        self._generation += 1
        generation = self._generation
        now = self._clock()
        window = self._window_for(now)
        self._publish(replace(self._state, refreshing=True, last_attempt=now))
        try:
            snapshot = await run_blocking(
                lambda: self._guarded.call(lambda p: self._fetch(p, window)),
                timeout=self._timeout,
                name=f"refresh-{self._guarded.key}",
            )
        except CallTimedOut as error:
            return self._failed(
                generation,
                FeedError(
                    "timeout",
                    f"The server gave {error}.",
                    "Check the network and the server; the board shows the last "
                    "data until it answers.",
                ),
            )
        except Throttled as error:
            resume = self._clock() + timedelta(seconds=error.retry_after_seconds)
            return self._failed(
                generation,
                FeedError(error.kind, error.message, error.hint),
                health=FeedHealth.THROTTLED,
                resume_at=resume,
            )
        except (CredentialsRejected, SignInRequired) as error:
            return self._failed(
                generation,
                FeedError(error.kind, error.message, error.hint),
                health=FeedHealth.BLOCKED,
            )
        except ProviderError as error:
            logger.warning("Refresh from {} failed: {} ({})", self._guarded.key, error, error.kind)
            return self._failed(generation, FeedError(error.kind, error.message, error.hint))
        except Exception:
            logger.exception("Refresh from {} failed with an internal error", self._guarded.key)
            return self._failed(
                generation,
                FeedError(
                    "internal",
                    "Internal error while refreshing.",
                    "Details are in ApplicationLogFile.txt (Help ▸ Open log folder).",
                ),
            )
        if generation != self._generation or self._closed:
            return self._state  # a newer refresh started meanwhile: it wins
        done = self._clock()
        self._recovered(done)
        state = RefreshState(
            provider=self._guarded.key,
            health=FeedHealth.OK,
            snapshot=snapshot,
            last_success=done,
            last_attempt=now,
            next_refresh=done + timedelta(seconds=self._interval),
            presence=self._state.presence,
            presence_hint=self._state.presence_hint,
            room_list_notes=self._room_list_notes,
        )
        self._publish(state)
        # Teams presence after the statuses are out, in a call of its own.
        entries = [a.mailbox for a in snapshot.entries]
        self._presence.start(entries, self._timeout, self._presence_arrived)
        return state

    def _presence_arrived(self, result: PresenceResult) -> None:
        if not self._closed:
            self._publish(
                replace(self._state, presence=result.presences, presence_hint=result.hint)
            )

    async def auto_reply(self, address: str) -> ReplyLookup:
        """The automatic reply of ``address``, for the details pane (never in the loop)."""
        return await self.replies.ask(address, self._timeout, closed=self._closed)

    async def aclose(self) -> None:
        self._closed = True
        self._subscribers.clear()
        self._wakeup.set()  # a loop waiting for "Retry now" ends even if a cancel is lost
        self._presence.cancel()
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            # Python 3.11's wait_for can swallow a cancellation that races with its inner
            # future completing; the loop then sees ``_closed`` and ends by itself.
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(task, timeout=self._timeout + 5)
        await asyncio.to_thread(self._guarded.provider.close)

    # -- internals ---------------------------------------------------------------------

    def _fetch(self, provider: FreeBusyProvider, window: Window) -> Snapshot:
        """Blocking: expand the watch list (cached) and ask for free/busy; no name lookups."""
        expired = time.monotonic() - self._mailboxes_at > WATCH_TTL_SECONDS
        if self._mailboxes is None or (expired and self._fixed_mailboxes is None):
            watched = expand_watch(provider, self._watch, self._names)
            self._mailboxes, self._mailboxes_at = watched.mailboxes, time.monotonic()
            self._room_list_notes = tuple(
                f"{rl.name or rl.address}: {room_list_note(rl)}"
                for rl in watched.room_lists
                if not rl.rooms
            )
        else:  # names the background lookups found since the watch list was expanded
            self._mailboxes = with_names(self._mailboxes, self._names)
        answers = provider.get_availability(self._mailboxes, window)
        entries = redact_all(answers, self._meeting_details)
        previous = self._state.snapshot
        if previous is not None and previous.window == window and previous.entries == entries:
            # The same answers as last time (compared here, off the GUI thread): the board
            # keeps what it painted and only the data's age moves (ui/board/model.py).
            entries = previous.entries
        return Snapshot(window=window, fetched_at=self._clock(), entries=entries)

    def _recovered(self, done: datetime) -> None:
        """Write that the feed is back (after how many failures, over how long)."""
        previous = self._state
        if previous.health is FeedHealth.THROTTLED and previous.resume_at is not None:
            logger.info(
                "Back-off over: {} was asked again at {} (the server had asked to wait until {})",
                self._guarded.identity().host,
                done.strftime("%H:%M:%S"),
                previous.resume_at.strftime("%H:%M:%S"),
            )
        if self._failing_since is not None:
            minutes = (done - self._failing_since).total_seconds() / 60
            logger.info(
                "Feed back: {} answered again after {} over {} (failing since {}){}",
                self._guarded.identity().host,
                f"{self._failures} failed refresh" + ("" if self._failures == 1 else "es"),
                f"{minutes:.0f} min" if minutes >= 1 else "less than a minute",
                self._failing_since.strftime("%H:%M"),
                "; the board shows current data again",
            )
        self._failing_since, self._failures = None, 0

    async def _idle(self, delay: float | None) -> None:
        """Wait ``delay`` seconds (None: until woken), looking up a few names meanwhile."""
        loop = asyncio.get_running_loop()
        deadline = None if delay is None else loop.time() + delay
        while not self._closed and not self._wakeup.is_set():
            left = None if deadline is None else deadline - loop.time()
            if left is not None and left <= 0:
                return
            pause = left
            if self._state.health is FeedHealth.OK and await self._look_up_names():
                pause = (
                    NAME_LOOKUP_PAUSE_SECONDS
                    if left is None
                    else min(left, NAME_LOOKUP_PAUSE_SECONDS)
                )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), pause)

    async def _look_up_names(self) -> bool:
        """One background step of name lookups; True when there may be more to do."""
        lookups, mailboxes = self._lookups, self._mailboxes
        if lookups is None or not mailboxes or not isinstance(self.provider, Resolver):
            return False
        addresses = [m.address for m in mailboxes if needs_lookup(m)]
        if not lookups.cache.wanted(addresses):
            return False
        kinds = {m.key: m.kind for m in mailboxes}
        try:
            found = await run_blocking(
                lambda: self._guarded.call(
                    lambda p: lookups.step(p.resolve, addresses, kinds)  # type: ignore[attr-defined]
                ),
                timeout=self._timeout,
                name=f"names-{self._guarded.key}",
            )
        except (ProviderError, CallTimedOut) as error:
            # The guard has recorded a rejection or a back-off; the next refresh obeys it.
            logger.info("Name lookups paused: {}", error)
            return False
        if found and not self._closed:
            self._rename()
        return True

    def _rename(self) -> None:
        """Show names found meanwhile at once, without asking for free/busy again."""
        names = self._names
        if names is None:
            return
        if self._mailboxes is not None:
            self._mailboxes = with_names(self._mailboxes, names)
        snapshot = self._state.snapshot
        if snapshot is None:
            return
        entries = tuple(
            replace(entry, mailbox=names.apply(entry.mailbox)) for entry in snapshot.entries
        )
        if entries != snapshot.entries:
            self._publish(replace(self._state, snapshot=replace(snapshot, entries=entries)))

    def _failed(
        self,
        generation: int,
        error: FeedError,
        *,
        health: FeedHealth = FeedHealth.STALE,
        resume_at: datetime | None = None,
    ) -> RefreshState:
        if generation != self._generation or self._closed:
            return self._state
        now = self._clock()
        if self._failing_since is None:
            self._failing_since = now
        self._failures += 1
        next_refresh: datetime | None
        if health is FeedHealth.BLOCKED:
            next_refresh = None
        elif resume_at is not None:
            next_refresh = max(resume_at, now + timedelta(seconds=self._interval))
        else:
            next_refresh = now + timedelta(seconds=self._interval)
        state = replace(
            self._state,
            health=health,
            error=error,
            refreshing=False,
            last_attempt=now,
            next_refresh=next_refresh,
            resume_at=resume_at,
            roster=None if self._state.snapshot else self._roster(error, self._window_for(now)),
        )
        self._publish(state)
        return state

    def _roster(self, error: FeedError, window: Window) -> Snapshot:
        return roster_snapshot(self._watch, error, self._mailboxes, self._names, window)

    def _publish(self, state: RefreshState) -> None:
        self._state = state
        self._subscribers.tell(state)

    async def _run(self) -> None:
        while not self._closed:
            # Cleared before the refresh: a "Refresh now" pressed during it is not lost.
            self._wakeup.clear()
            state = await self.refresh_once()
            if self._closed:
                break
            if state.health is FeedHealth.BLOCKED:
                delay: float | None = None  # wait for "Retry now" or new credentials
            elif state.next_refresh is not None:
                delay = max(0.0, (state.next_refresh - self._clock()).total_seconds())
            else:
                delay = self._interval
            await self._idle(delay)
            if self._closed:
                break
            resume = self._state.resume_at
            if resume is not None and self._state.health is FeedHealth.THROTTLED:
                # "Refresh now" cannot shorten a server's back-off.
                wait = (resume - self._clock()).total_seconds()
                if wait > 0:
                    await asyncio.sleep(wait)
