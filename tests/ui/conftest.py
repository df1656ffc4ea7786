"""Fixtures for the board's tests: a clock the test moves, and one session-wide qasync loop."""

from __future__ import annotations

import os

# Before any QApplication exists: tests never look for a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import asyncio
from collections.abc import Iterator

import pytest
from office_day import FakeClock, at


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
