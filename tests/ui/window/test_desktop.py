"""The desktop around the console: one console per user, and waking up after sleep."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from attendant.providers.demo import DemoProvider
from attendant.services.lockout import LockoutGuard
from attendant.services.refresh import RefreshService
from attendant.services.state import FeedHealth
from attendant.ui.window.single import SingleInstance, server_name
from attendant.ui.window.wakeup import JUMP_SECONDS, WakeWatch

ROOT = Path(__file__).resolve().parents[3]

# -- one console per user --------------------------------------------------------------


def test_a_second_claim_asks_the_first_to_come_forward(qtbot, tmp_path: Path) -> None:
    config = tmp_path / "settings.toml"
    first = SingleInstance(config, tmp_path / "state")
    assert first.claim()
    try:
        raised: list[bool] = []
        first.raise_requested.connect(lambda: raised.append(True))
        second = SingleInstance(config, tmp_path / "state")
        assert not second.claim()
        qtbot.waitUntil(lambda: raised == [True], timeout=5_000)
        # Another settings file is another console.
        other = SingleInstance(tmp_path / "other.toml", tmp_path / "state")
        assert other.claim()
        other.release()
    finally:
        first.release()
    # Once the first is gone, the next start is the console.
    again = SingleInstance(config, tmp_path / "state")
    assert again.claim()
    again.release()


def test_server_names_differ_per_settings_file(tmp_path: Path) -> None:
    assert server_name(tmp_path / "a.toml") != server_name(tmp_path / "b.toml")
    assert server_name(tmp_path / "a.toml") == server_name(tmp_path / "a.toml")


def _attendant(*args: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "attendant", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_a_second_console_raises_the_first_and_the_cli_is_unaffected(qtbot, home: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    log = home / "state" / "Attendant" / "log" / "ApplicationLogFile.txt"
    first = _attendant("--demo", "--quit-after", "60", env=env)
    try:
        qtbot.waitUntil(
            lambda: log.exists() and "Window shown at" in log.read_text(), timeout=60_000
        )
        second = _attendant("--demo", env=env)
        assert second.wait(timeout=60) == 0
        qtbot.waitUntil(lambda: "bringing the window forward" in log.read_text(), timeout=10_000)
        assert "already running for this user" in log.read_text()
        paths = subprocess.run(
            [sys.executable, "-m", "attendant", "paths"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert paths.returncode == 0 and "log_file" in paths.stdout
        assert first.poll() is None  # the first console is still running
    finally:
        first.terminate()
        first.wait(timeout=30)


# -- waking up -------------------------------------------------------------------------


class Clocks:
    def __init__(self) -> None:
        self.wall = 1_000_000.0
        self.steady = 50.0

    def tick(self, seconds: float, *, asleep: float = 0.0) -> None:
        self.steady += seconds
        self.wall += seconds + asleep


def test_a_resume_from_sleep_is_noticed_by_the_clocks(qtbot) -> None:
    clocks = Clocks()
    woken: list[str] = []
    watch = WakeWatch(
        woken.append, wall=lambda: clocks.wall, steady=lambda: clocks.steady, network=False
    )
    try:
        clocks.tick(5)
        watch.check_clocks()
        clocks.tick(5, asleep=JUMP_SECONDS / 2)  # timer drift and NTP steps are not a resume
        watch.check_clocks()
        assert woken == []
        clocks.tick(5, asleep=3 * 3600)
        watch.check_clocks()
        assert woken == ["Resumed from sleep (10800 s unaccounted for)"]
        clocks.tick(5, asleep=-3600)
        watch.check_clocks()
        assert woken[-1] == "The clock was set back (3600 s unaccounted for)"
    finally:
        watch.stop()


def test_the_network_coming_back_wakes_once(qtbot) -> None:
    woken: list[str] = []
    watch = WakeWatch(woken.append, network=False)
    try:
        watch.reachability_changed(True)
        assert woken == []  # it was never down
        watch.reachability_changed(False)
        watch.reachability_changed(True)
        watch.reachability_changed(True)
        assert woken == ["The network is back"]
    finally:
        watch.stop()


def test_waking_refreshes_at_once_but_keeps_the_servers_back_off(tmp_path: Path) -> None:
    demo = DemoProvider()
    guard = LockoutGuard(tmp_path)

    async def go() -> tuple[float, float]:
        service = RefreshService(demo, demo.default_watch(), interval_seconds=3600, guard=guard)
        service.start()
        try:
            while service.state.health is not FeedHealth.OK:
                await asyncio.sleep(0.01)
            first = service.state.last_success
            started = time.monotonic()
            service.wake("Resumed from sleep")
            while service.state.last_success == first:
                await asyncio.sleep(0.01)
            woke_after = time.monotonic() - started
            # A back-off the server asked for holds, wake or not.
            until = datetime.now(UTC) + timedelta(seconds=1.5)
            guard.record_throttle(demo.name, until)
            service.wake("Resumed from sleep")
            while service.state.health is not FeedHealth.THROTTLED:
                await asyncio.sleep(0.01)
            second = service.state.last_success
            service.wake("The network is back")  # while the back-off lasts: it is waited out
            while service.state.last_success == second:
                await asyncio.sleep(0.01)
            assert service.state.last_success is not None
            return woke_after, (service.state.last_success - until).total_seconds()
        finally:
            await service.aclose()

    woke_after, after_back_off = asyncio.run(go())
    assert woke_after < 30  # not the hour of the interval
    assert after_back_off >= 0  # nothing fetched before the back-off ended
