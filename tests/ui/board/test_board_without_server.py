"""The watch list is always on the board (issue: trust at the desk, §3).

When the server is unreachable, failing, or rejects the credentials from the start, every
watched person and room is still listed — the name from the watch list or the name cache,
status unknown, and the reason in words — never an empty board. Against the fake Exchange
over loopback HTTPS, with the real console.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from attendant.domain import Mailbox
from attendant.paths import app_paths, ensure_dirs
from attendant.services.names import NameCache
from attendant.services.state import FeedHealth
from attendant.ui.board.cells import Column
from tests.fakes import Fault
from tests.fakes.helpers import DEFAULT_PASSWORD, DEFAULT_USERNAME, seed_contoso

pytest_plugins = ("tests.fakes.fixtures",)  # make_ews, ca_file

SHOTS = (
    Path(os.environ["ATTENDANT_SCREENSHOTS"]) if os.environ.get("ATTENDANT_SCREENSHOTS") else None
)


@pytest.fixture
def ews(make_ews):
    server = make_ews()
    seed_contoso(server, datetime.now(UTC).date())
    return server


@pytest.fixture
def console(real_console, tmp_path, ews, ca_file, monkeypatch):
    """``console()`` starts the real console on settings for the fake Exchange."""
    monkeypatch.setenv("ATTENDANT_PASSWORD", DEFAULT_PASSWORD)

    def start(before=None):
        config = tmp_path / "settings.toml"
        config.write_text(
            f"""schema_version = 1
[calendar]
provider = "exchange"
[calendar.exchange]
ews_url = "{ews.url}"
version = "{ews.version}"
username = '{DEFAULT_USERNAME}'
[network]
ca_bundle = '{ca_file}'
timeout_seconds = 5
[watch]
people = [{{address = "alice@contoso.com", name = "Alice from the list"}}, "ghost@contoso.com",
          "bob@contoso.com"]
rooms = ["room.5@contoso.com"]
room_lists = ["rooms-hq@contoso.com"]
""",
            encoding="utf-8",
        )
        if before is not None:
            before()  # e.g. stop the server, once its address is written down
        paths = app_paths(config)
        ensure_dirs(paths)
        NameCache(paths.state_dir).remember([Mailbox("bob@contoso.com", name="Bob from the cache")])
        return real_console(paths, (1200, 520))

    return start


def rows(window) -> list[tuple[str, str, str]]:
    model = window.model
    return [
        (
            model.index(r, Column.NAME).data(),
            model.index(r, Column.STATUS).data(),
            model.index(r, Column.NOW).data(),
        )
        for r in range(model.rowCount())
    ]


def shot(qtbot, window, name: str) -> None:
    if SHOTS is not None:
        qtbot.wait(100)  # the rooms board repaints a frame after the people board
        SHOTS.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(SHOTS / f"{name}.png"))


def test_an_unreachable_server_at_start_still_lists_everyone(qtbot, console, ews):
    window, flow = console(before=ews.stop)
    qtbot.waitUntil(lambda: window.model.rowCount() == 5, timeout=10_000)
    assert flow.service.state.snapshot is None  # nothing is passed off as data
    assert sorted(rows(window)) == sorted(
        [
            ("Alice from the list", "Unknown", "Server unreachable"),
            ("ghost@contoso.com", "Unknown", "Server unreachable"),
            ("Bob from the cache", "Unknown", "Server unreachable"),
            ("room.5@contoso.com", "Unknown", "Server unreachable"),
            ("rooms-hq@contoso.com", "Unknown", "Room list: its rooms are not known yet"),
        ]
    )
    banner = window.banner
    assert banner.isVisible() and banner.text.startswith("No data yet:")
    assert "The rooms of 1 room list are not known until the server answers." in banner.hint
    assert window.updated_label.text() == "No data yet"
    tip = window.model.index(0, Column.STATUS).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("No free/busy data:") and "(unreachable)" in tip
    shot(qtbot, window, "board-unreachable")


def test_rejected_credentials_at_start_still_list_everyone(qtbot, console, ews):
    ews.lock_out()
    window, flow = console()
    qtbot.waitUntil(lambda: flow.service.state.health is FeedHealth.BLOCKED, timeout=10_000)
    qtbot.waitUntil(lambda: window.model.rowCount() == 5)
    assert {status for _name, status, _now in rows(window)} == {"Unknown"}
    assert ("Alice from the list", "Unknown", "Credentials rejected") in rows(window)
    assert window.banner.retry_button.isVisible()
    assert ews.failed_logons == 1
    shot(qtbot, window, "board-rejected")


def test_a_failing_server_lists_everyone_until_it_answers(qtbot, console, ews):
    ews.inject(Fault("html_500", operation="GetUserAvailability"))
    window, flow = console()
    qtbot.waitUntil(
        lambda: flow.service.state.error is not None and window.model.rowCount() > 0,
        timeout=10_000,
    )
    # The room list was expanded before free/busy failed: its rooms are listed by name.
    names = [name for name, _status, _now in rows(window)]
    assert "Room 4" in names and "rooms-hq@contoso.com" not in names
    assert {status for _name, status, _now in rows(window)} == {"Unknown"}

    window.refresh_action.trigger()  # F5: the server answers now
    qtbot.waitUntil(lambda: flow.service.state.health is FeedHealth.OK, timeout=10_000)
    qtbot.waitUntil(lambda: dict(r[:2] for r in rows(window))["Alice from the list"] != "Unknown")
    assert flow.service.state.roster is None and not window.banner.isVisible()
