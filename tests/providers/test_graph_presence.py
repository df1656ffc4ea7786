# ruff: noqa: F811 - the fixtures of test_graph.py are imported by name
"""Teams presence from the Graph provider, against the fake Entra ID and the fake Graph.

Few requests (ids by ``$batch`` of ``mail in (…)`` filters, cached in the state folder; 650
ids a presence request), and refusals that never touch the sign-in: 401 "Unauthorized" to a
working token, 403 without consent, 429 with Retry-After.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from attendant.domain import Mailbox, Presence
from attendant.providers.base import PresenceSource
from attendant.providers.graph.presence import (
    CACHE_FILE,
    PresenceRefused,
    PresenceThrottled,
)
from attendant.providers.graph.provider import GraphProvider
from attendant.providers.graph.transport import GraphTransport, make_session
from attendant.providers.tls import trust_context
from attendant.services.guarded import GuardedProvider
from attendant.services.lockout import LockoutGuard
from tests.providers.test_graph import (  # noqa: F401 - fixtures by name
    World,
    boxes,
    cli_config,
    make_world,
    rome_day,
    world,
)

pytest_plugins = ("tests.fakes.fixtures",)


def provider_in(world: World, state_dir: Path | None) -> GraphProvider:
    transport = GraphTransport(
        world.graph.base_url,
        world.signin,
        session=make_session(trust_context(str(world.ca_file))),
        timeout=10,
    )
    return GraphProvider(transport, world.signin, state_dir=state_dir)


def test_presence_by_user_id_with_ids_cached_in_the_state_folder(world: World, tmp_path):
    world.graph.mailboxes["alice@contoso.com"].presence = ("Busy", "InACall")
    world.graph.mailboxes["bob@contoso.com"].presence = ("Away", "Away")
    provider = provider_in(world, tmp_path)
    assert isinstance(provider, PresenceSource)
    asked = boxes("Alice@contoso.com", "bob@contoso.com", "stranger@fabrikam.com")
    found = provider.presences(asked)
    assert found == {
        "alice@contoso.com": Presence("Busy", "InACall"),
        "bob@contoso.com": Presence("Away", "Away"),
    }
    assert world.graph.routes == {"batch": 1, "users": 1, "presence": 1}
    stored = json.loads((tmp_path / CACHE_FILE).read_text(encoding="utf-8"))
    assert set(stored["ids"]) == {"alice@contoso.com", "bob@contoso.com"}
    provider.close()
    # Another run: the ids come from the state folder, one request for the presence only.
    world.graph.mailboxes["alice@contoso.com"].presence = ("Available", "Available")
    again = provider_in(world, tmp_path)
    assert again.presences(asked)["alice@contoso.com"] == Presence("Available", "Available")
    # Only the stranger is looked up again (a new colleague may have arrived since).
    assert world.graph.routes["presence"] == 2 and world.graph.routes["batch"] == 2
    assert world.graph.filter_values == [3, 1]
    again.close()


def test_a_thousand_people_cost_four_batches_and_two_presence_requests(make_world, tmp_path):
    world = make_world()
    people = [f"person{i:04d}@contoso.com" for i in range(1000)]
    for address in people:
        world.graph.add_mailbox(address)
    provider = provider_in(world, tmp_path)
    found = provider.presences(boxes(*people))
    assert len(found) == 1000
    assert world.graph.batch_sizes == [20, 20, 20, 7]  # 67 filters of at most 15 addresses
    assert max(world.graph.filter_values) == 15
    assert world.graph.presence_batches == [650, 350]
    assert world.graph.routes["batch"] + world.graph.routes["presence"] == 6
    provider.presences(boxes(*people))
    assert world.graph.routes["batch"] == 4 and world.graph.routes["presence"] == 4
    provider.close()


def test_401_to_presence_is_a_refusal_not_a_sign_in_matter(world: World, tmp_path):
    world.graph.presence_unauthorized = True
    provider = provider_in(world, tmp_path)
    guard = LockoutGuard(tmp_path)
    guarded = GuardedProvider(provider, guard)
    grants = dict(world.entra.grants)
    with pytest.raises(PresenceRefused, match="401"):
        guarded.call(lambda p: p.presences(boxes("alice@contoso.com")))  # type: ignore[attr-defined]
    assert world.entra.grants == grants  # the token was not renewed
    assert guard.rejection_for(provider.name, provider.credential_material()) is None
    # The statuses go on with the same token.
    (alice,) = guarded.call(lambda p: p.get_availability(boxes("alice@contoso.com"), rome_day()))
    assert alice.error is None
    provider.close()


def test_a_token_ended_early_is_renewed_for_presence_not_taken_for_a_refusal(
    world: World, tmp_path
):
    """Found by the soak: when the tenant ends the tokens early, presence's 401 says
    InvalidAuthenticationToken; that is a token to renew, not a missing consent (which held
    presence back for a quarter of an hour with a hint to grant a permission)."""
    world.graph.mailboxes["alice@contoso.com"].presence = ("Busy", "InACall")
    provider = provider_in(world, tmp_path)
    provider.presences(boxes("alice@contoso.com"))  # the id is known, the token in use
    world.entra.expire_access_tokens()
    renewed = world.entra.grants["refresh_token"]
    found = provider.presences(boxes("alice@contoso.com"))
    assert found == {"alice@contoso.com": Presence("Busy", "InACall")}
    assert world.entra.grants["refresh_token"] == renewed + 1
    provider.close()


def test_403_without_consent_and_429_with_retry_after(make_world, tmp_path):
    world = make_world(permissions=["Calendars.ReadBasic", "Place.Read.All", "User.ReadBasic.All"])
    provider = provider_in(world, tmp_path)
    with pytest.raises(PresenceRefused, match=r"Presence\.Read\.All"):
        provider.presences(boxes("alice@contoso.com"))
    provider.close()

    world = make_world()
    provider = provider_in(world, tmp_path / "other")
    guard = LockoutGuard(tmp_path / "other")
    world.graph.throttle(count=1, retry_after=42)
    with pytest.raises(PresenceThrottled) as caught:
        GuardedProvider(provider, guard).call(lambda p: p.presences(boxes("alice@contoso.com")))  # type: ignore[attr-defined]
    assert caught.value.retry_after_seconds == 42
    from datetime import UTC, datetime

    assert guard.throttled_until(provider.name, datetime.now(UTC)) is None  # statuses go on
    provider.close()


def test_odd_answers_are_skipped(world: World, tmp_path):
    from tests.fakes.httpsserver import Response

    provider = provider_in(world, tmp_path)
    provider.presences(boxes("alice@contoso.com"))  # ids cached
    body = {"value": [{"id": 5}, {"availability": "Busy"}, "text", {"id": "x", "availability": ""}]}
    world.graph.inject(
        Response(200, [("Content-Type", "application/json")], json.dumps(body).encode())
    )
    assert provider.presences(boxes("alice@contoso.com")) == {}
    provider.close()


def test_mailbox_keys_fold_case() -> None:
    assert Mailbox("Alice@Contoso.com").key == "alice@contoso.com"


def test_cli_availability_json_carries_presence_and_survives_refusals(
    world: World, cli_config, capsys, monkeypatch
):
    import threading

    from tests.fakes.helpers import approve_when_pending
    from tests.providers.test_graph import AT, RECEPTION, run_cli

    monkeypatch.setenv("TZ", "Europe/Rome")
    config = str(cli_config)
    threading.Thread(target=approve_when_pending(world.entra, RECEPTION), daemon=True).start()
    assert run_cli(capsys, "signin", "--device-code", "--config", config)[0] == 0
    world.graph.mailboxes["alice@contoso.com"].presence = ("Busy", "InACall")

    code, out, _ = run_cli(capsys, "availability", "--config", config, "--at", AT, "--json")
    assert code == 0
    entries = {e["address"]: e for e in json.loads(out)["entries"]}
    assert entries["alice@contoso.com"]["presence"] == {
        "availability": "Busy",
        "activity": "InACall",
    }
    assert entries["nobody@contoso.com"]["presence"] is None  # Graph does not know them
    assert entries["room.4@contoso.com"]["presence"] is None  # rooms have no presence
    statuses = {a: e["status"] for a, e in entries.items()}

    code, out, _ = run_cli(capsys, "availability", "--config", config, "--at", AT)
    assert code == 0 and "Teams: In a call" in out

    world.graph.presence_unauthorized = True  # 401 "Unauthorized" to a working token
    grants = dict(world.entra.grants)
    code, out, _ = run_cli(capsys, "availability", "--config", config, "--at", AT, "--json")
    assert code == 0
    entries = {e["address"]: e for e in json.loads(out)["entries"]}
    assert all(e["presence"] is None for e in entries.values())
    assert {a: e["status"] for a, e in entries.items()} == statuses
    assert world.entra.grants == grants  # no token renewal, no sign-in
    # Nothing was blocked: the next command works with the same sign-in.
    code, out, _ = run_cli(capsys, "availability", "--config", config, "--at", AT, "--json")
    assert code == 0


def test_the_refresh_service_adds_presence_after_the_statuses(world: World, tmp_path):
    import asyncio

    from attendant.domain import WatchList
    from attendant.services.refresh import RefreshService
    from attendant.services.state import FeedHealth, RefreshState

    world.graph.mailboxes["alice@contoso.com"].presence = ("DoNotDisturb", "Presenting")
    people = boxes("alice@contoso.com", "bob@contoso.com")
    states: list[RefreshState] = []

    async def refresh(service: RefreshService) -> RefreshState:
        got_presence = asyncio.Event()

        def seen(state: RefreshState) -> None:
            states.append(state)
            if state.presence or state.presence_hint:
                got_presence.set()

        service.subscribe(seen)
        await service.refresh_once()
        await asyncio.wait_for(got_presence.wait(), 10)
        return states[-1]

    async def run(unauthorized: bool) -> RefreshState:
        world.graph.presence_unauthorized = unauthorized
        service = RefreshService(
            provider_in(world, tmp_path),
            WatchList(),
            interval_seconds=60,
            timeout_seconds=10,
            guard=LockoutGuard(tmp_path),
            window_for=lambda now: rome_day(),
            mailboxes=people,
        )
        try:
            return await refresh(service)
        finally:
            await service.aclose()

    state = asyncio.run(run(False))
    first_ok = next(s for s in states if s.health is FeedHealth.OK)
    assert not first_ok.presence  # the statuses came first, without waiting for presence
    assert state.health is FeedHealth.OK
    assert state.presence["alice@contoso.com"] == Presence("DoNotDisturb", "Presenting")

    states.clear()
    state = asyncio.run(run(True))
    assert state.health is FeedHealth.OK and state.snapshot is not None
    assert not state.presence and "Presence.Read.All" in state.presence_hint
    assert state.error is None  # a hint, never a failure of the calendar


def test_automatic_replies_from_get_mail_tips(world: World, tmp_path):
    from datetime import UTC, datetime

    bob = world.graph.mailboxes["bob@contoso.com"]
    bob.auto_reply = "<html><body><p>On holiday until Monday.</p><p>Ask Alice.</p></body></html>"
    bob.auto_reply_window = (
        datetime(2026, 11, 20, 17, tzinfo=UTC),
        datetime(2026, 11, 30, 8, tzinfo=UTC),
    )
    provider = provider_in(world, tmp_path)
    found = provider.auto_replies(["bob@contoso.com", "alice@contoso.com", "x@fabrikam.com"])
    reply = found["bob@contoso.com"]
    assert reply is not None
    assert reply.message == "On holiday until Monday.\nAsk Alice."
    assert reply.end == datetime(2026, 11, 30, 8, tzinfo=UTC)
    assert found["alice@contoso.com"] is None  # none is on
    assert "x@fabrikam.com" not in found  # Graph could not resolve it
    assert world.graph.mail_tips_asked == [
        ["bob@contoso.com", "alice@contoso.com", "x@fabrikam.com"]
    ]
    provider.close()


def test_automatic_replies_without_mail_read_are_a_refusal(make_world, tmp_path):
    from attendant.providers.graph.transport import ConsentMissing
    from attendant.services.mailtips import AutoReplies

    world = make_world(permissions=["Calendars.ReadBasic", "User.ReadBasic.All"])
    provider = provider_in(world, tmp_path)
    with pytest.raises(ConsentMissing, match=r"Mail\.Read"):
        provider.auto_replies(["bob@contoso.com"])
    now = [0.0]
    replies = AutoReplies(GuardedProvider(provider, LockoutGuard(tmp_path)), clock=lambda: now[0])
    lookup = replies.lookup("bob@contoso.com")
    assert not lookup.known and "Mail.Read" in lookup.note
    now[0] += 60
    assert replies.lookup("alice@contoso.com").note == lookup.note  # believed for a while
    assert world.graph.routes["mailTips"] == 2  # the direct call and the first lookup only
    provider.close()


def test_lookups_are_cached_and_spaced_out(world: World, tmp_path):
    from attendant.services.mailtips import AutoReplies

    world.graph.mailboxes["bob@contoso.com"].auto_reply = "Away."
    provider = provider_in(world, tmp_path)
    now = [0.0]
    replies = AutoReplies(GuardedProvider(provider, LockoutGuard(tmp_path)), clock=lambda: now[0])
    first = replies.lookup("bob@contoso.com")
    assert first.reply is not None and first.reply.message == "Away."
    assert replies.lookup("Bob@contoso.com") is first  # cached
    soon = replies.lookup("alice@contoso.com")
    assert not soon.known and "moment" in soon.note  # two seconds between requests
    now[0] += 2
    assert replies.lookup("alice@contoso.com").known
    assert world.graph.routes["mailTips"] == 2
    provider.close()
