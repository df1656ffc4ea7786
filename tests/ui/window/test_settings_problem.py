"""Bad settings never show made-up data (INTERFACES.md §2).

A settings file that does not parse or validate, a ``--config`` file that does not exist, or
settings no provider can be opened with: the console shows no statuses at all — never the
demo directory — under a banner naming the file, line and problem, with a button to the
settings dialog. The banner stays until the settings can be used: fixed on disk (the console
notices) or saved from the dialog. The file is left untouched.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from attendant.paths import app_paths, ensure_dirs
from attendant.services.idle_feed import IdleFeed

BROKEN = b'schema_version = 1\n[calendar]\nprovider = "demo"\nrefresh_interval_seconds = 2\n'
SYNTAX = b'schema_version = 1\n[calendar]\nprovider = "exchange\n'
FIXED = b'schema_version = 1\n[calendar]\nprovider = "demo"\nrefresh_interval_seconds = 60\n'
SHOTS = (
    Path(os.environ["ATTENDANT_SCREENSHOTS"]) if os.environ.get("ATTENDANT_SCREENSHOTS") else None
)


@pytest.fixture
def start(real_console):
    def start(config: Path):
        paths = app_paths(config)
        ensure_dirs(paths, settings_folder=False)
        return real_console(paths, (1100, 560))

    return start


def shot(window, name: str) -> None:
    """Screenshots to look at, when ATTENDANT_SCREENSHOTS names a folder."""
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(SHOTS / f"{name}.png"))


def settle(qtbot, ms: int = 300) -> None:
    qtbot.wait(ms)  # let any refresh that would wrongly start deliver (there must be none)


def test_an_invalid_file_shows_no_statuses_under_a_banner_until_fixed_on_disk(
    qtbot, start, tmp_path
):
    config = tmp_path / "settings.toml"
    config.write_bytes(BROKEN)
    window, flow = start(config)
    settle(qtbot)
    assert isinstance(flow.service, IdleFeed)
    assert window.model.rowCount() == 0  # not the demo directory, not anything
    banner = window.banner
    assert banner.isVisible() and banner.level == "error"
    assert f"{config}:4" in banner.text and "refresh_interval_seconds" in banner.text
    assert "no statuses are shown" in banner.text
    assert banner.settings_button.isVisible() and not banner.retry_button.isVisible()
    assert "see the message below" in window.people.view.empty_text
    assert window.windowTitle() == "Settings invalid"
    shot(window, "settings-invalid")

    qtbot.mouseClick(banner.settings_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: flow.dialog is not None and flow.dialog.isVisible())
    flow.dialog.reject()
    qtbot.waitUntil(lambda: flow.dialog is None)
    assert config.read_bytes() == BROKEN  # opening and cancelling the dialog writes nothing

    config.write_bytes(SYNTAX)  # still broken, for another reason: the banner says the new one
    qtbot.waitUntil(lambda: f"{config}:3" in banner.text, timeout=5000)
    assert window.model.rowCount() == 0

    config.write_bytes(FIXED)
    qtbot.waitUntil(lambda: window.model.rowCount() > 0, timeout=10_000)
    assert not banner.isVisible()
    assert window.windowTitle() == "Demo directory"
    assert config.read_bytes() == FIXED


def test_a_named_file_that_does_not_exist_is_written_only_on_save(qtbot, start, tmp_path):
    config = tmp_path / "new" / "settings.toml"
    window, flow = start(config)
    settle(qtbot)
    assert window.model.rowCount() == 0
    assert f"{config} does not exist" in window.banner.text
    assert window.banner.level == "warning"
    assert not config.parent.exists()  # nothing created
    shot(window, "settings-missing")

    qtbot.mouseClick(window.banner.settings_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: flow.dialog is not None and flow.dialog.isVisible())
    qtbot.mouseClick(flow.dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: config.exists(), timeout=5000)
    qtbot.waitUntil(lambda: window.model.rowCount() > 0, timeout=10_000)
    assert not window.banner.isVisible()


def test_settings_no_provider_can_be_opened_with_show_no_statuses(qtbot, start, tmp_path):
    config = tmp_path / "settings.toml"
    config.write_text(
        'schema_version = 1\n[calendar]\nprovider = "exchange"\n'
        '[calendar.exchange]\nusername = "reception"\n',
        encoding="utf-8",
    )
    original = config.read_bytes()
    window, flow = start(config)
    settle(qtbot)
    assert isinstance(flow.service, IdleFeed)
    assert window.model.rowCount() == 0
    assert "cannot be opened" in window.banner.text and window.banner.settings_button.isVisible()
    assert config.read_bytes() == original


def test_the_console_started_on_a_broken_file_leaves_it_untouched(home, tmp_path):
    config = tmp_path / "settings.toml"
    config.write_bytes(BROKEN)
    environ = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-m", "attendant", "--config", str(config), "--quit-after", "1"],
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert config.read_bytes() == BROKEN
    (log,) = home.rglob("ApplicationLogFile.txt")
    text = log.read_text(encoding="utf-8")
    assert "Settings invalid, no statuses are shown until they are fixed" in text
