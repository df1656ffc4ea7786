"""Time to first window: the frozen bundle against the source install, side by side in one run.

    python packaging/measure_startup.py [--runs 5] [--bundle dist/Attendant]

Each run starts the program with the hidden ``--quit-after`` option under Qt's offscreen
platform (``--platform`` to change it) and fresh user folders (on Linux and macOS), and
measures from just before the process is started until the wall-clock time the program logs
at the window's first paint ("Window shown at ..."), so interpreter start, imports, Qt, the
settings, the demo provider and the first paint all count. The two programs take turns, one
unmeasured warm-up run each first, so that both see the same machine; the medians are
printed, with the bundle's size.

The source install is this Python running ``-m attendant``: run the script with the Python
of the environment Attendant is installed in.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import bundle_layout as layout  # noqa: E402

WINDOW_SHOWN = re.compile(r"Window shown at (\d+\.\d+)")
EXE = ".exe" if sys.platform == "win32" else ""


def environment(home: Path, platform: str) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        folder = home / name.lower()
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        env[name] = str(folder)
    env["XDG_CONFIG_DIRS"] = str(home / "site")
    env["HOME"] = str(home)
    env["QT_QPA_PLATFORM"] = platform
    return env


def log_file_of(env: dict[str, str]) -> Path:
    """Where the program logs with ``env``, as ``attendant paths`` of the source install says
    (the bundle carries the same platformdirs; on Windows it is the real user's log)."""
    out = subprocess.run(
        [sys.executable, "-m", "attendant", "paths", "--json"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return Path(json.loads(out)["log_file"])


def time_to_window(argv: list[str], platform: str) -> float:
    """Seconds from just before starting ``argv`` to the window's first paint."""
    with tempfile.TemporaryDirectory(prefix="attendant-startup-") as temp:
        home = Path(temp)
        env = environment(home, platform)
        log_file = log_file_of(env)
        before = log_file.stat().st_size if log_file.exists() else 0
        started = time.time()
        subprocess.run(  # noqa: S603 (our own programs)
            [*argv, "--quit-after", "0.3"],
            env=env,
            check=True,
            timeout=120,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        with log_file.open(encoding="utf-8") as log:
            log.seek(before)
            found = WINDOW_SHOWN.search(log.read())
        if found is None:
            raise SystemExit(f"{argv[0]} logged no 'Window shown' in {log_file}")
        return float(found.group(1)) - started


def folder_size(folder: Path) -> int:
    return sum(
        path.stat().st_size
        for path in folder.rglob("*")
        if path.is_file() and not path.is_symlink()
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="measured runs of each (5)")
    parser.add_argument(
        "--bundle", type=Path, default=ROOT / "dist" / layout.DIST_NAME, help="the built folder"
    )
    parser.add_argument("--platform", default="offscreen", help="QT_QPA_PLATFORM (offscreen)")
    args = parser.parse_args(argv)

    programs = {
        "source install (python -m attendant)": [sys.executable, "-m", "attendant"],
        "frozen bundle (Attendant)": [str(args.bundle / f"{layout.GUI_NAME}{EXE}")],
    }
    if not Path(programs["frozen bundle (Attendant)"][0]).is_file():
        raise SystemExit(f"no bundle at {args.bundle}: run packaging/build.py first")
    times: dict[str, list[float]] = {name: [] for name in programs}
    for command in programs.values():
        time_to_window(command, args.platform)  # warm-up: page cache, .pyc files
    for _ in range(args.runs):
        for name, command in programs.items():
            times[name].append(time_to_window(command, args.platform))

    print(f"time to first window, {args.runs} runs each, QT_QPA_PLATFORM={args.platform}")
    print(f"{'':40} {'median':>8} {'min':>8} {'max':>8}")
    for name, values in times.items():
        print(
            f"{name:40} {statistics.median(values):7.3f}s {min(values):7.3f}s {max(values):7.3f}s"
        )
    source, frozen = (statistics.median(values) for values in times.values())
    print(f"frozen / source: {frozen / source:.2f}")
    print(f"bundle size: {folder_size(args.bundle) / 1e6:.0f} MB ({args.bundle.name}/)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
