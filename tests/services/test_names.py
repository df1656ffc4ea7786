"""Names off the statuses' path: the name cache, and the console's background lookups.

Against the fake Exchange and the fake Graph over loopback HTTPS: the first refresh sends no
name lookup at all, names arrive later without another free/busy request, and a directory
that refuses (Graph answering 404 to ``/users?$filter``) changes nothing but the names.
"""

from __future__ import annotations

import asyncio
import json
import os
from datetime import UTC, datetime

import pytest

from attendant.domain import Mailbox, MailboxKind, WatchEntry, WatchList
from attendant.services.lockout import LockoutGuard
from attendant.services.names import CACHE_FILE_NAME, NameCache, needs_lookup
from attendant.services.refresh import RefreshService
from attendant.services.state import FeedHealth
from tests.fakes.helpers import exchange_provider, seed_contoso
from tests.providers.test_graph import (  # noqa: F401 - fixtures, by their names
    DAY,
    ROME,
    World,
    make_world,
    rome_day,
)

pytest_plugins = ("tests.fakes.fixtures",)  # ca_file, make_ews, make_entra


# -- the cache ---------------------------------------------------------------------------


def test_the_cache_is_shared_through_the_state_folder_and_written_whole(tmp_path) -> None:
    now = [1_000_000.0]
    cache = NameCache(tmp_path, clock=lambda: now[0])
    alice = Mailbox("Alice@contoso.com", "Alice Example", department="Finance")
    assert cache.remember([alice], misses=["ghost@contoso.com"]) is True
    assert sorted(os.listdir(tmp_path)) == [CACHE_FILE_NAME]  # no temporary file left
    other = NameCache(tmp_path, clock=lambda: now[0])
    assert other.name_of("alice@CONTOSO.com") == "Alice Example"
    assert other.wanted(["alice@contoso.com", "ghost@contoso.com", "new@contoso.com"]) == [
        "new@contoso.com"
    ]
    now[0] += 13 * 3600  # a miss is asked again after half a day, a name after a week
    assert other.wanted(["alice@contoso.com", "ghost@contoso.com"]) == ["ghost@contoso.com"]
    # What the mailbox already says wins; the cache fills in the rest.
    named = other.apply(Mailbox("alice@contoso.com", department="Front desk"))
    assert (named.name, named.department) == ("Alice Example", "Front desk")


@pytest.mark.parametrize("text", ["{not json", '{"names": [1, 2]}', '["x"]'])
def test_a_damaged_cache_is_logged_and_read_as_empty(tmp_path, text) -> None:
    (tmp_path / CACHE_FILE_NAME).write_text(text, encoding="utf-8")
    cache = NameCache(tmp_path)
    assert cache.name_of("alice@contoso.com") is None
    cache.remember([Mailbox("alice@contoso.com", "Alice Example")])
    data = json.loads((tmp_path / CACHE_FILE_NAME).read_text(encoding="utf-8"))
    assert data["names"]["alice@contoso.com"]["name"] == "Alice Example"


def test_names_found_before_contact_details_are_kept_and_asked_again_once(tmp_path) -> None:
    old = {"at": 1_000_000.0, "address": "alice@contoso.com", "name": "Alice Example"}
    text = json.dumps({"version": 1, "names": {"alice@contoso.com": old}})
    (tmp_path / CACHE_FILE_NAME).write_text(text, encoding="utf-8")
    now = [1_000_100.0]
    cache = NameCache(tmp_path, clock=lambda: now[0])
    assert cache.name_of("alice@contoso.com") == "Alice Example"  # shown meanwhile
    assert cache.wanted(["alice@contoso.com"]) == ["alice@contoso.com"]  # for the details
    found = Mailbox("alice@contoso.com", "Alice Example", phone="+39 06 5550100")
    assert cache.remember([found]) is True  # a detail changed: the board is told
    again = NameCache(tmp_path, clock=lambda: now[0])
    assert again.wanted(["alice@contoso.com"]) == []
    assert again.apply(Mailbox("alice@contoso.com", department="Sales")) == Mailbox(
        "alice@contoso.com", "Alice Example", department="Sales", phone="+39 06 5550100"
    )


def test_who_is_looked_up() -> None:
    full = dict(phone="1", mobile="2", department="Sales", job_title="Clerk")
    assert needs_lookup(Mailbox("a@contoso.com"))
    assert needs_lookup(Mailbox("a@contoso.com", "Anna", **{**full, "mobile": None}))
    assert not needs_lookup(Mailbox("a@contoso.com", "Anna", **full))
    assert not needs_lookup(Mailbox("room@contoso.com", "Room 4", MailboxKind.ROOM))
    assert needs_lookup(Mailbox("room@contoso.com", None, MailboxKind.ROOM))


# -- the console's refresh, Exchange -------------------------------------------------------


async def _until(condition, timeout: float = 20.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)


@pytest.mark.ews_schema
def test_statuses_come_first_and_names_follow_between_refreshes(make_ews, ca_file, tmp_path):
    ews = make_ews()
    seed_contoso(ews, DAY, tz=ROME)
    provider = exchange_provider(ews, ca_file, zone=ROME, timeout_seconds=10)
    watch = WatchList(
        people=(
            WatchEntry("bob@contoso.com", name="Bob (front desk)"),
            "alice@contoso.com",
            "ghost@contoso.com",
        ),
        room_lists=("rooms-hq@contoso.com",),
    )
    service = RefreshService(
        provider,
        watch,
        interval_seconds=3600,
        timeout_seconds=10,
        guard=LockoutGuard(tmp_path),
        clock=lambda: datetime(2026, 11, 23, 10, 15, tzinfo=ROME),
        window_for=lambda now: rome_day(),
        names=NameCache(tmp_path),
    )
    published = []
    service.subscribe(published.append)

    async def scenario() -> None:
        service.start()
        await _until(lambda: service.state.health is FeedHealth.OK)
        first = next(s.snapshot for s in published if s.health is FeedHealth.OK)
        operations = [str(r.operation) for r in ews.request_log]
        statuses = operations.index("GetUserAvailability")
        assert "ResolveNames" not in operations[:statuses]  # nothing waited for a name
        names = {a.mailbox.address: a.mailbox.name for a in first.entries}
        assert names["bob@contoso.com"] == "Bob (front desk)"  # the admin's word
        assert names["alice@contoso.com"] is None
        assert names["room.4@contoso.com"] == "Room 4"  # from the room list
        await _until(
            lambda: (
                {a.mailbox.address: a.mailbox.name for a in service.state.snapshot.entries}[
                    "alice@contoso.com"
                ]
                == "Alice Example"
            )
        )
        await service.aclose()

    asyncio.run(scenario())
    operations = [str(r.operation) for r in ews.request_log]
    assert operations.count("GetUserAvailability") == 1  # names came without a new refresh
    assert "ResolveNames" in operations
    renamed = service.state.snapshot.entries
    assert [a.mailbox.name for a in renamed][:2] == ["Bob (front desk)", "Alice Example"]
    assert NameCache(tmp_path).name_of("alice@contoso.com") == "Alice Example"
    assert NameCache(tmp_path).known("ghost@contoso.com") == {
        "at": pytest.approx(datetime.now(UTC).timestamp(), abs=60),
        "address": "ghost@contoso.com",
    }
    assert ews.failed_logons == 0


# -- the console's refresh, Graph ------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "code"),
    [(404, "Request_ResourceNotFound"), (403, "Authorization_RequestDenied")],
)
def test_a_directory_that_refuses_changes_nothing_but_the_names(
    make_world,  # noqa: F811 - the fixture imported above
    tmp_path,
    status,
    code,
) -> None:
    world: World = make_world()

    def name_lookups() -> list:
        return [r for r in world.graph.request_log if "displayName" in r.path]

    world.graph.refuse("users", status, code, "The directory refused.")
    provider = world.provider()
    watch = WatchList(
        people=("alice@contoso.com", "bob@contoso.com"), rooms=("room.4@contoso.com",)
    )
    service = RefreshService(
        provider,
        watch,
        interval_seconds=3600,
        timeout_seconds=10,
        clock=lambda: datetime(2026, 11, 23, 10, 15, tzinfo=ROME),
        window_for=lambda now: rome_day(),
        names=NameCache(tmp_path),
    )

    async def scenario() -> None:
        service.start()
        await _until(lambda: service.state.health is FeedHealth.OK)
        await _until(lambda: len(name_lookups()) >= 1)
        await asyncio.sleep(0.2)  # what the refused lookup does next, if anything
        await service.aclose()

    asyncio.run(scenario())
    state = service.state
    assert state.health is FeedHealth.OK and state.error is None
    entries = {a.mailbox.address: a for a in state.snapshot.entries}
    assert [a.mailbox.name for a in entries.values()] == [None, None, None]
    assert entries["alice@contoso.com"].error is None
    assert entries["alice@contoso.com"].events[0].subject == "Budget review"
    assert entries["room.4@contoso.com"].mailbox.kind is MailboxKind.ROOM
    assert world.graph.routes["getSchedule"] == 1
    assert len(name_lookups()) == 1  # a failed lookup is not repeated at once
