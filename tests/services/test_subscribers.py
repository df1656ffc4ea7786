"""A feed's listeners: each hears every state, one that fails does not silence the others."""

from __future__ import annotations

from attendant.services.state import FeedHealth, RefreshState, Subscribers


def test_a_failing_listener_is_logged_and_the_others_still_hear() -> None:
    heard: list[str] = []
    subscribers = Subscribers()

    def failing(state: RefreshState) -> None:
        raise RuntimeError("a broken window")

    subscribers.add(failing)
    stop = subscribers.add(lambda state: heard.append(state.health.value))
    subscribers.tell(RefreshState(provider="demo", health=FeedHealth.OK))
    assert heard == ["ok"]

    stop()
    stop()  # twice is harmless
    subscribers.tell(RefreshState(provider="demo", health=FeedHealth.STALE))
    assert heard == ["ok"]
