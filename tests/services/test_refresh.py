"""The refresh service against a scripted stand-in for a server (no Qt)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from attendant.domain import Availability, Mailbox, WatchList, Window
from attendant.providers.demo import DemoProvider
from attendant.providers.errors import CredentialsRejected, Throttled, Unreachable
from attendant.services.lockout import LockoutGuard
from attendant.services.refresh import RefreshService
from attendant.services.state import FeedHealth, RefreshState

WATCH = WatchList(people=("alice@example.com", "bob@example.com"))


class ScriptedServer:
    """A provider whose answers a test scripts: it stands in for a remote server."""

    name = "scripted"

    def __init__(self, password: str = "secret") -> None:
        self.password = password
        self.script: list[object] = []  # exceptions to raise, or "ok", or ("sleep", s)
        self.calls = 0
        self.lock = threading.Lock()

    def get_availability(self, mailboxes: Sequence[Mailbox], window: Window) -> list[Availability]:
        with self.lock:
            self.calls += 1
            step = self.script.pop(0) if self.script else "ok"
        if isinstance(step, tuple) and step[0] == "sleep":
            time.sleep(step[1])
        elif isinstance(step, BaseException):
            raise step
        return [Availability(m) for m in mailboxes]

    def credential_material(self) -> bytes | None:
        return f"user\0{self.password}".encode()

    def close(self) -> None:
        pass


def run(coro):
    return asyncio.run(coro)


def service(provider, **kwargs) -> RefreshService:
    kwargs.setdefault("interval_seconds", 60)
    kwargs.setdefault("timeout_seconds", 5)
    return RefreshService(provider, kwargs.pop("watch", WATCH), **kwargs)


def test_demo_refresh_fills_a_snapshot():
    demo = DemoProvider()

    async def go() -> RefreshState:
        svc = RefreshService(demo, demo.default_watch(), interval_seconds=60)
        return await svc.refresh_once()

    state = run(go())
    assert state.health is FeedHealth.OK
    assert state.snapshot is not None
    assert len(state.snapshot.entries) == len(demo.directory.mailboxes)
    assert state.next_refresh == state.last_success + timedelta(seconds=60)
    assert state.error is None


def test_failed_refresh_keeps_last_data_marked_stale():
    server = ScriptedServer()

    async def go() -> tuple[RefreshState, RefreshState]:
        svc = service(server)
        first = await svc.refresh_once()
        server.script.append(Unreachable("mail.example.com did not answer", hint="Check it"))
        second = await svc.refresh_once()
        return first, second

    first, second = run(go())
    assert second.health is FeedHealth.STALE
    assert second.snapshot is first.snapshot
    assert second.last_success == first.last_success
    assert second.error is not None and second.error.kind == "unreachable"
    assert second.error.hint == "Check it"
    assert second.age_seconds(datetime.now(UTC)) is not None


def test_throttle_is_obeyed_without_sending(tmp_path: Path):
    server = ScriptedServer()
    server.script.append(Throttled("ErrorServerBusy", retry_after_seconds=300))

    async def go() -> list[RefreshState]:
        svc = service(server, guard=LockoutGuard(tmp_path))
        return [await svc.refresh_once(), await svc.refresh_once()]

    states = run(go())
    assert [s.health for s in states] == [FeedHealth.THROTTLED, FeedHealth.THROTTLED]
    assert server.calls == 1  # the second refresh sent nothing
    assert states[1].resume_at is not None

    # A restart (a new guard on the same state folder) still waits.
    async def again() -> RefreshState:
        return await service(server, guard=LockoutGuard(tmp_path)).refresh_once()

    assert run(again()).health is FeedHealth.THROTTLED
    assert server.calls == 1


def test_rejected_credentials_are_never_sent_again(tmp_path: Path):
    server = ScriptedServer()
    server.script.append(CredentialsRejected("HTTP 401 Unauthorized"))

    async def cycles(n: int) -> list[RefreshState]:
        svc = service(server, guard=LockoutGuard(tmp_path))
        return [await svc.refresh_once() for _ in range(n)]

    states = run(cycles(3))
    assert all(s.health is FeedHealth.BLOCKED for s in states)
    assert server.calls == 1
    assert states[-1].next_refresh is None
    run(cycles(2))  # a restart
    assert server.calls == 1
    # The state file holds no password.
    text = (tmp_path / "credentials-state.json").read_text()
    assert "secret" not in text

    server.password = "new-password"  # the admin enters the new password
    assert run(cycles(1))[0].health is FeedHealth.OK
    assert server.calls == 2


def test_retry_now_allows_exactly_one_more_attempt(tmp_path: Path):
    server = ScriptedServer()
    server.script.extend([CredentialsRejected("401"), CredentialsRejected("401")])

    async def go() -> list[RefreshState]:
        svc = service(server, guard=LockoutGuard(tmp_path))
        states = [await svc.refresh_once()]
        svc.retry_now()
        states.append(await svc.refresh_once())  # one attempt, rejected again
        states.append(await svc.refresh_once())  # blocked again: nothing sent
        return states

    states = run(go())
    assert [s.health for s in states] == [FeedHealth.BLOCKED] * 3
    assert server.calls == 2


def test_a_hung_server_times_out_without_blocking_the_loop():
    server = ScriptedServer()
    server.script.append(("sleep", 2.0))

    async def go() -> tuple[RefreshState, float]:
        svc = service(server, timeout_seconds=0.3)
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        task = asyncio.create_task(ticker())
        started = time.monotonic()
        state = await svc.refresh_once()
        elapsed = time.monotonic() - started
        task.cancel()
        assert ticks >= 10, "the event loop was blocked during the refresh"
        return state, elapsed

    state, elapsed = run(go())
    assert state.health is FeedHealth.STALE
    assert state.error is not None and state.error.kind == "timeout"
    assert elapsed < 1.5


def test_newest_refresh_wins():
    server = ScriptedServer()
    server.script.append(("sleep", 0.5))  # the first refresh is slow

    async def go() -> tuple[RefreshState, RefreshState, RefreshState]:
        svc = service(server)
        slow = asyncio.create_task(svc.refresh_once())
        await asyncio.sleep(0.05)
        fast = await svc.refresh_once()
        late = await slow
        return fast, late, svc.state

    fast, late, final = run(go())
    assert final is fast
    assert late is fast  # the slow result was dropped, not published


def test_loop_refreshes_on_request_and_survives_bad_subscribers():
    server = ScriptedServer()

    async def go() -> list[RefreshState]:
        svc = service(server, interval_seconds=3600)
        seen: list[RefreshState] = []

        def broken(state: RefreshState) -> None:
            raise RuntimeError("a subscriber bug")

        svc.subscribe(broken)
        svc.subscribe(seen.append)
        svc.start()
        for _ in range(100):
            await asyncio.sleep(0.02)
            if server.calls >= 1 and not svc.state.refreshing:
                break
        svc.request_refresh()
        for _ in range(100):
            await asyncio.sleep(0.02)
            if server.calls >= 2 and not svc.state.refreshing:
                break
        await svc.aclose()
        return seen

    seen = run(go())
    assert server.calls == 2
    assert [s.refreshing for s in seen] == [True, False, True, False]


@pytest.mark.parametrize("kind", ["rejected", "throttled"])
def test_request_refresh_cannot_shorten_a_block(kind: str, tmp_path: Path):
    server = ScriptedServer()
    server.script.append(
        CredentialsRejected("401")
        if kind == "rejected"
        else Throttled("busy", retry_after_seconds=600)
    )

    async def go() -> None:
        svc = service(server, guard=LockoutGuard(tmp_path), interval_seconds=1)
        svc.start()
        await asyncio.sleep(0.2)
        for _ in range(5):
            svc.request_refresh()
            await asyncio.sleep(0.05)
        await svc.aclose()

    run(go())
    assert server.calls == 1


def test_refresh_now_pressed_during_a_refresh_is_not_lost():
    server = ScriptedServer()
    server.script.append(("sleep", 0.3))

    async def go() -> None:
        svc = service(server, interval_seconds=3600)
        svc.start()
        await asyncio.sleep(0.1)  # the first refresh is under way
        svc.request_refresh()
        for _ in range(100):
            await asyncio.sleep(0.02)
            if server.calls >= 2:
                break
        await svc.aclose()

    run(go())
    assert server.calls == 2


def test_close_while_waiting_for_retry_now_ends_promptly():
    server = ScriptedServer()
    server.script.append(CredentialsRejected("401"))

    async def go() -> float:
        svc = service(server)
        svc.start()
        await asyncio.sleep(0.2)
        assert svc.state.health is FeedHealth.BLOCKED
        started = time.monotonic()
        await svc.aclose()
        return time.monotonic() - started

    assert run(go()) < 1.0
