"""Every state write is atomic: a process killed (SIGKILL) in the middle of writing leaves
each file whole, holding the last value it finished writing or the one it was writing.

The child writes, in a loop, everything the console keeps between runs: the lockout guard's
state (back-offs, rejected credentials), the name cache, the board's remembered state, the
settings file and the window layout; it prints the number of each round it completed. The
parent kills it at a random moment, several times over the same files, and reads them back.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import sys
from datetime import UTC, datetime, timedelta
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QSettings

from attendant.domain import Mailbox
from attendant.services.lockout import LockoutGuard
from attendant.services.names import NameCache
from attendant.settings import default_settings, save_settings
from attendant.statefile import write_json

state = Path(sys.argv[1])
start = int(sys.argv[2])
guard = LockoutGuard(state)
names = NameCache(state)
settings = default_settings()
epoch = datetime(2026, 1, 1, tzinfo=UTC)
i = start
while True:
    i += 1
    guard.record_throttle("exchange", epoch + timedelta(seconds=i))
    guard.record_rejection("graph", f"password {i}".encode(), f"rejected {i}")
    names.remember([Mailbox(f"person.{i}@contoso.com", f"Person {i}")])
    write_json(state / "board.json", {"round": i, "favourites": ["x" * 50] * 40})
    calendar = replace(settings.calendar, refresh_interval_seconds=15 + i % 3000)
    save_settings(replace(settings, calendar=calendar), state / "settings.toml")
    layout = QSettings(str(state / "window.ini"), QSettings.Format.IniFormat)
    layout.setValue("window/round", i)
    layout.sync()
    print(i, flush=True)
"""


def _rounds(state: Path) -> dict[str, int]:
    """The round each file holds; raises if a file is damaged."""
    guard = json.loads((state / "credentials-state.json").read_text(encoding="utf-8"))
    throttled = guard["throttled"]["exchange"]  # 2026-01-01T00:00:00+00:00 + i seconds
    from datetime import datetime

    seconds = (
        datetime.fromisoformat(throttled).timestamp()
        - datetime.fromisoformat("2026-01-01T00:00:00+00:00").timestamp()
    )
    names = json.loads((state / "names.json").read_text(encoding="utf-8"))
    known = [int(k.split(".")[1].split("@")[0]) for k in names["names"]]
    board = json.loads((state / "board.json").read_text(encoding="utf-8"))
    settings = tomllib.loads((state / "settings.toml").read_text(encoding="utf-8"))
    layout = (state / "window.ini").read_text(encoding="utf-8")
    (line,) = [x for x in layout.splitlines() if x.startswith("round=")]
    return {
        "lockout": int(seconds),
        "rejection": int(guard["rejected"]["graph"]["message"].split()[-1]),
        "names": max(known),
        "board": board["round"],
        "settings": settings["calendar"]["refresh_interval_seconds"],
        "layout": int(line.split("=")[1]),
    }


@pytest.mark.timeout(240)
def test_killing_the_process_while_it_writes_loses_and_damages_nothing(tmp_path: Path) -> None:
    from attendant.services.names import CACHE_FILE_NAME

    assert CACHE_FILE_NAME == "names.json"
    state = tmp_path / "state"
    state.mkdir()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    chance = random.Random(14)
    done = 0
    for _ in range(6):
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(state), str(done)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        wanted = done + chance.randint(3, 12)
        for line in child.stdout:
            done = int(line)
            if done >= wanted:
                break
        else:
            raise AssertionError(child.stderr.read() if child.stderr else "the writer stopped")
        os.kill(child.pid, signal.SIGKILL)  # mid-write, wherever it is
        child.wait(timeout=30)
        held = _rounds(state)
        for what, round_held in held.items():
            if what == "settings":
                assert round_held in (15 + done % 3000, 15 + (done + 1) % 3000), held
            else:
                assert round_held in (done, done + 1), (what, held, done)


HUNG_WRITER = r"""
import sys
import time
from pathlib import Path

from attendant.statefile import write_json


class Endless(list):
    '''A list whose writing never ends: the process is killed in the middle of it.'''

    def __iter__(self):
        yield "first"
        print("writing", flush=True)
        time.sleep(3600)
        yield "never"


path = Path(sys.argv[1])
write_json(path, {"round": 1})
write_json(path, {"round": 2, "items": Endless(["first"])})
"""


def _hung_writer(path: Path) -> subprocess.Popen[str]:
    """A process that wrote ``path`` once and is now in the middle of writing it again."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    child = subprocess.Popen(
        [sys.executable, "-c", HUNG_WRITER, str(path)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    line = child.stdout.readline()
    assert line == "writing\n", (line, child.stderr.read() if child.stderr else "")
    return child


def _temps(folder: Path, name: str) -> list[Path]:
    return sorted(folder.glob(f".{name}.*.tmp"))


@pytest.mark.timeout(120)
def test_temp_files_of_killed_writes_are_removed_at_the_next_start_and_write(
    tmp_path: Path,
) -> None:
    from attendant.paths import app_paths
    from attendant.statefile import read_json, write_json

    state = app_paths(None).state_dir
    state.mkdir(parents=True, exist_ok=True)
    killed = _hung_writer(state / "board.json")
    os.kill(killed.pid, signal.SIGKILL)  # between creating its temp file and the rename
    killed.wait(timeout=30)
    (left,) = _temps(state, "board.json")
    assert f".board.json.{killed.pid}." in left.name
    assert read_json(state / "board.json") == {"round": 1}  # the old file is whole
    alive = _hung_writer(state / "layout.json")  # another process, still writing
    try:
        (writing,) = _temps(state, "layout.json")

        # The next start: any command that opens the settings and the state folder.
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
        started = subprocess.run(
            [sys.executable, "-m", "attendant", "availability", "--json"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert started.returncode == 0, started.stderr
        assert _temps(state, "board.json") == []
        assert _temps(state, "layout.json") == [writing]  # a write under way is left alone
        assert read_json(state / "board.json") == {"round": 1}
        log = app_paths(None).log_file.read_text(encoding="utf-8")
        assert f"temporary file(s) of interrupted writes in {state}: {left.name}" in log
    finally:
        os.kill(alive.pid, signal.SIGKILL)
        alive.wait(timeout=30)

    # The next write of the same file, in this process: the dead writer's file goes.
    assert _temps(state, "layout.json") == [writing]
    assert write_json(state / "layout.json", {"round": 3})
    assert _temps(state, "layout.json") == []
    assert read_json(state / "layout.json") == {"round": 3}
    assert list(state.glob(".*.tmp")) == []
