# ruff: noqa: F811 - the Graph fixtures are imported by name
"""``attendant check`` on Graph asks Teams presence for the first watched person.

Consent passes; no consent (403) and the 401 Graph has been seen to give presence with a token
that works for everything else are a warning with a hint, never a failure of the check, and
the 401 does not block the token: the next command signs nothing in and reads the calendar.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from attendant.cli import main
from attendant.log import shutdown_logging
from attendant.paths import app_paths
from tests.providers.test_graph import (  # noqa: F401 - fixtures, by their names
    AT,
    CLIENT_ID,
    Approver,
    World,
    graph_settings_file,
    make_signin,
    make_world,
)

pytest_plugins = ("tests.fakes.fixtures",)  # ca_file, make_entra
STEP = "Teams presence (Presence.Read.All)"


@pytest.fixture(autouse=True)
def _no_leaking_sinks() -> Iterator[None]:
    yield
    shutdown_logging()


def _configured(world: World, tmp_path: Path) -> str:
    """The settings file for ``world`` and a token in its cache, as `attendant signin` leaves."""
    watch = """people = ["alice@contoso.com", "bob@contoso.com"]
rooms = ["room.4@contoso.com"]
"""
    config = graph_settings_file(world, tmp_path / "settings.toml", watch)
    signin = make_signin(
        world.entra,
        world.graph.base_url,
        world.ca_file,
        cache=app_paths(config).token_cache,
    )
    signin.sign_in_device_code(Approver(world.entra))
    return str(config)


def _check(capsys, config: str) -> tuple[int, dict[str, dict[str, str]]]:
    code = main(["check", "--config", config, "--json"])
    steps = json.loads(capsys.readouterr().out)["steps"]
    return code, {s["name"]: s for s in steps}


def _log_lines() -> list[str]:
    text = app_paths().log_file.read_text(encoding="utf-8")
    return [line.split(" | ", 3)[3] for line in text.splitlines()]


def test_presence_with_consent_passes(make_world, tmp_path, capsys):
    world: World = make_world()
    world.graph.mailboxes["alice@contoso.com"].presence = ("Busy", "InACall")
    config = _configured(world, tmp_path)
    code, steps = _check(capsys, config)
    assert code == 0, steps
    assert list(steps)[-1] == STEP
    assert steps[STEP]["result"] == "pass"
    assert steps[STEP]["detail"] == ("Consent granted: alice@contoso.com is In a call in Teams")
    assert world.graph.routes["presence"] == 1
    assert any(
        line.startswith(f"Check step {STEP}: PASS: Consent granted") for line in _log_lines()
    )


def test_without_consent_presence_is_a_hint_not_a_failure(make_world, tmp_path, capsys):
    world: World = make_world()
    world.graph.refuse(
        "presence", 403, "Forbidden", "Insufficient privileges to complete the operation."
    )
    config = _configured(world, tmp_path)
    code, steps = _check(capsys, config)
    assert code == 0, steps  # warnings only: the calendar works
    assert steps["Free/busy query"]["result"] == "pass"
    presence = steps[STEP]
    assert presence["result"] == "warn"
    assert presence["detail"].startswith(
        "Microsoft Graph refused Teams presence of alice@contoso.com, which means no consent "
        "for Presence.Read.All"
    )
    assert "Add the delegated permission Presence.Read.All" in presence["hint"]
    assert any(
        line.startswith(f"Check step {STEP}: WARN:") and "(hint: Add the delegated" in line
        for line in _log_lines()
    )


def test_a_401_from_presence_does_not_block_the_token(make_world, tmp_path, capsys):
    world: World = make_world()
    world.graph.presence_unauthorized = True
    config = _configured(world, tmp_path)
    asked_entra = len(world.entra.request_log)
    code, steps = _check(capsys, config)
    assert code == 0, steps
    assert steps[STEP]["result"] == "warn"
    assert "Presence.Read.All" in steps[STEP]["hint"]
    assert world.graph.routes["presence"] == 1  # asked once: no token refresh and retry
    tokens = [r for r in world.entra.request_log[asked_entra:] if r.method == "POST"]
    assert tokens == []  # no token refreshed, no sign-in started
    # The token is not blocked: the next command reads the calendar with it.
    code = main(["availability", "alice@contoso.com", "--config", config, "--at", AT, "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["entries"][0]["status"] == "busy"
    code, steps = _check(capsys, config)
    assert code == 0 and steps["Signed in"]["result"] == "pass"


def test_with_no_person_watched_the_signed_in_account_is_asked(make_world, tmp_path, capsys):
    world: World = make_world()
    world.graph.add_mailbox("reception@contoso.com", "Reception Desk", presence=("Away", "Away"))
    config = _configured(world, tmp_path)
    text = Path(config).read_text(encoding="utf-8")
    Path(config).write_text(
        text.replace('people = ["alice@contoso.com", "bob@contoso.com"]', "people = []"),
        encoding="utf-8",
    )
    code, steps = _check(capsys, config)
    assert code == 0, steps
    assert steps[STEP]["result"] == "pass"
    assert steps[STEP]["detail"] == "Consent granted: reception@contoso.com is Away in Teams"
