"""``attendant`` started where no window can open says so in one sentence (not Qt's abort)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from attendant.app import NO_DISPLAY, display_problem

pytestmark = pytest.mark.skipif(
    sys.platform in ("win32", "darwin"), reason="X11/Wayland only: other systems always have one"
)


@pytest.mark.parametrize("argv", [[], ["--demo"]])
def test_no_display_is_one_sentence_and_a_failure(argv, home):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    done = subprocess.run(
        [sys.executable, "-m", "attendant", *argv],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr == f"attendant: {NO_DISPLAY}\n"
    assert done.stdout == ""
    assert "xcb" not in done.stderr
    assert not (home / "config" / "Attendant").exists()  # nothing written before the check


@pytest.mark.parametrize(
    ("environ", "problem"),
    [
        ({}, NO_DISPLAY),
        ({"DISPLAY": ":0"}, None),
        ({"WAYLAND_DISPLAY": "wayland-0"}, None),
        ({"QT_QPA_PLATFORM": "xcb", "WAYLAND_DISPLAY": "wayland-0"}, NO_DISPLAY),
        ({"QT_QPA_PLATFORM": "wayland", "DISPLAY": ":0"}, NO_DISPLAY),
        ({"QT_QPA_PLATFORM": "offscreen"}, None),
        ({"QT_QPA_PLATFORM": "vnc:size=800x600"}, None),
    ],
)
def test_which_environments_have_a_display(environ, problem):
    assert display_problem(environ, platform="linux") == problem
    assert display_problem({}, platform="win32") is None
