"""Fixtures for the board's tests: a clock the test moves, and one session-wide qasync loop."""

from __future__ import annotations

import os

# Before any QApplication exists: tests never look for a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import asyncio
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from office_day import FakeClock, at

from attendant.paths import AppPaths


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(at(10, 15))


@pytest.fixture(scope="session")
def _session_qasync_loop(qapp) -> Iterator[asyncio.AbstractEventLoop]:
    """One qasync loop for the whole session; it is never stopped between tests."""
    import qasync

    loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio._set_running_loop(None)  # only while a test asks for it (see below)
    yield loop
    # The session is over: end the loop's worker threads before Qt is torn down.
    loop.stop()
    loop.close()


@pytest.fixture
def qasync_loop(_session_qasync_loop) -> Iterator[asyncio.AbstractEventLoop]:
    """The session's qasync loop, marked running for this test (Qt events drive it)."""
    asyncio._set_running_loop(_session_qasync_loop)
    try:
        yield _session_qasync_loop
    finally:
        # Other suites call asyncio.run(), which refuses to start inside a running loop.
        asyncio._set_running_loop(None)


@pytest.fixture
def real_console(qtbot, qasync_loop) -> Iterator[Callable[..., tuple[Any, Any]]]:
    """``real_console(paths, size)``: the console as ``attendant`` builds it on ``paths``,
    shown and refreshing; closed, with its feed, when the test ends."""
    from attendant.ui.window.console import build_console

    flows = []

    def start(paths: AppPaths, size: tuple[int, int]) -> tuple[Any, Any]:
        window, flow = build_console(paths, demo=False, named=True)
        qtbot.addWidget(window)
        window.resize(*size)
        window.show()
        flow.service.start()
        flows.append(flow)
        return window, flow

    yield start
    for flow in flows:
        closing = qasync_loop.create_task(flow.aclose())
        qtbot.waitUntil(closing.done, timeout=10_000)
