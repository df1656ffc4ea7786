"""Full garbage collections wait for a quiet moment; young ones and the lock's hand-over."""

from __future__ import annotations

import gc
import sys
import weakref
from collections.abc import Iterator

import pytest

from attendant.services.collector import (
    FULL_COLLECTION_SECONDS,
    SWITCH_INTERVAL_SECONDS,
    QuietCollector,
    share_with_the_window,
)


@pytest.fixture
def interpreter() -> Iterator[None]:
    """The interpreter's collector and switch interval as they were, after the test."""
    thresholds, interval = gc.get_threshold(), sys.getswitchinterval()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)
    sys.setswitchinterval(interval)


#: Long-lived objects a refresh of 5,000 mailboxes makes (events, mailboxes), about.
_LONG_LIVED = 300_000


class _Node:
    """One half of a reference cycle: only the cyclic collector can free it."""

    def __init__(self) -> None:
        self.other: _Node | None = None


def _old_cycle() -> weakref.ref[_Node]:
    """A cycle that survives young collections while alive (it reaches the old generation)."""
    first, second = _Node(), _Node()
    first.other, second.other = second, first
    gc.collect(1)  # into the oldest generation, as a refresh's long-lived data gets there
    return weakref.ref(first)


def test_full_collections_wait_for_the_quiet_collector(interpreter: None) -> None:
    share_with_the_window()
    assert sys.getswitchinterval() == pytest.approx(SWITCH_INTERVAL_SECONDS)
    assert gc.get_freeze_count() > 0  # what the console started with is out of the way

    cycle = _old_cycle()
    # A refresh's worth of long-lived objects: without the hold, enough for a full collection.
    kept = [[index] for index in range(_LONG_LIVED)]
    assert cycle() is not None, "a full collection ran in the middle of the refresh"
    del kept

    now = [0.0]
    refreshing = [True]
    collector = QuietCollector(lambda: refreshing[0], every_seconds=60, clock=lambda: now[0])
    assert not collector.collect_if_due()  # not yet due
    now[0] = 61.0
    assert not collector.collect_if_due()  # due, but a refresh is under way
    assert cycle() is not None
    refreshing[0] = False
    assert collector.collect_if_due()
    assert cycle() is None
    assert collector.collections == 1
    assert not collector.collect_if_due()  # the next one is a full interval later


def test_young_cycles_are_still_collected(interpreter: None) -> None:
    share_with_the_window()
    first, second = _Node(), _Node()
    first.other, second.other = second, first
    cycle = weakref.ref(first)
    del first, second
    kept = [[index] for index in range(20_000)]  # young collections run by themselves
    assert cycle() is None
    del kept


def test_a_full_collection_is_due_every_ten_minutes() -> None:
    collector = QuietCollector(lambda: False, clock=lambda: 0.0)
    assert not collector.collect_if_due()
    assert FULL_COLLECTION_SECONDS == 600
