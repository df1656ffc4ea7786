"""Smoke test of a built Attendant bundle: run the frozen programs as a user or script would.

    python packaging/smoke_test.py [dist/Attendant]

Checks the bundle's layout (the Qt plug-ins it needs and none it should not carry, the
metadata ``--version`` and plug-in discovery read, tzdata, the desktop files on Linux), then
runs ``attendant-cli --version``, ``paths --json`` and ``availability --json`` on the demo
directory, and opens the window under Qt's offscreen platform with the hidden
``--quit-after`` option, checking that it was shown, closed cleanly and logged no error.
User folders point into a temporary folder (on Linux and macOS), so the machine's own
settings are neither read nor written. Exits 0 when every check passed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import bundle_layout as layout  # noqa: E402

AT = "2026-11-23T10:15:00+01:00"
STATUSES = {"free", "tentative", "busy", "oof", "working_elsewhere", "unknown"}
TIMEOUT = 120
EXE = ".exe" if sys.platform == "win32" else ""
WINDOW_SHOWN = re.compile(r"Window shown at (\d+\.\d+)")


class SmokeFailure(Exception):
    """One check did not hold."""


def isolated_env(home: Path) -> dict[str, str]:
    """The environment with the user's folders inside ``home`` and the offscreen platform."""
    env = dict(os.environ)
    for name, sub in {
        "XDG_CONFIG_HOME": "config",
        "XDG_DATA_HOME": "data",
        "XDG_STATE_HOME": "state",
        "XDG_CACHE_HOME": "cache",
        "XDG_RUNTIME_DIR": "runtime",
        "XDG_CONFIG_DIRS": "site",
    }.items():
        folder = home / sub
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        env[name] = str(folder)
    env["HOME"] = str(home)
    env["QT_QPA_PLATFORM"] = "offscreen"
    for name in ("ATTENDANT_PASSWORD", "REQUESTS_CA_BUNDLE", "PYTHONPATH", "PYTHONHOME"):
        env.pop(name, None)
    return env


def run(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(  # noqa: S603 (the bundle's own programs)
            argv,
            env=env,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise SmokeFailure(f"{' '.join(argv)} did not end within {TIMEOUT} s") from error


def expect_ok(result: subprocess.CompletedProcess[str]) -> str:
    if result.returncode != 0:
        raise SmokeFailure(
            f"{' '.join(map(str, result.args))} exited {result.returncode}\n"
            f"stdout:\n{result.stdout[-2000:]}\nstderr:\n{result.stderr[-4000:]}"
        )
    if "Traceback" in result.stderr:
        raise SmokeFailure(f"{result.args} printed a traceback:\n{result.stderr[-4000:]}")
    return result.stdout


def internal(bundle: Path) -> Path:
    return bundle / "_internal"


def qt_plugins(bundle: Path) -> Path:
    base = internal(bundle) / "PySide6"
    return base / "plugins" if sys.platform == "win32" else base / "Qt" / "plugins"


def check_layout(bundle: Path, version: str) -> None:
    for name in (layout.GUI_NAME, layout.CLI_NAME):
        if not (bundle / f"{name}{EXE}").is_file():
            raise SmokeFailure(f"{name}{EXE} is missing from {bundle}")
    # A wheel or PEP 660 editable install has a dist-info, an older editable one an egg-info.
    metadata = [
        *internal(bundle).glob(f"attendant-{version}.dist-info/METADATA"),
        *internal(bundle).glob("attendant.egg-info/PKG-INFO"),
    ]
    if not metadata:
        raise SmokeFailure("attendant's metadata is missing: --version and plug-ins need it")
    if not (internal(bundle) / "tzdata" / "zoneinfo" / "Europe" / "London").is_file():
        raise SmokeFailure("tzdata's zoneinfo files are missing (time zones on Windows)")
    if not (internal(bundle) / "attendant" / "resources" / "attendant.svg").is_file():
        raise SmokeFailure("attendant/resources/attendant.svg is missing")
    plugins = qt_plugins(bundle)
    found = {
        (path.parent.name, layout.plugin_name(path.name))
        for path in plugins.rglob("*")
        if path.suffix in {".so", ".dll", ".dylib"}
    }
    own_platform = {"linux": "qxcb", "win32": "qwindows", "darwin": "qcocoa"}.get(
        sys.platform, "qxcb"
    )
    needed = {
        ("platforms", own_platform),
        ("platforms", "qoffscreen"),
        ("imageformats", "qsvg"),
        ("iconengines", "qsvgicon"),
    }
    if missing := needed - found:
        raise SmokeFailure(f"Qt plug-ins missing: {sorted(missing)}")
    unwanted = {
        entry
        for entry in found
        if not layout.keep_bundled_file(f"PySide6/Qt/plugins/{entry[0]}/lib{entry[1]}.so")
    }
    if unwanted:
        raise SmokeFailure(f"Qt plug-ins that should have been left out: {sorted(unwanted)}")
    if sys.platform.startswith("linux"):
        share = bundle / "share"
        for relative in (
            f"applications/{layout.DESKTOP_ID}.desktop",
            f"metainfo/{layout.BUNDLE_ID}.metainfo.xml",
            f"icons/hicolor/scalable/apps/{layout.ICON_NAME}.svg",
            *(f"icons/hicolor/{s}x{s}/apps/{layout.ICON_NAME}.png" for s in layout.HICOLOR_SIZES),
        ):
            if not (share / relative).is_file():
                raise SmokeFailure(f"share/{relative} is missing")
        if not os.access(bundle / "install.sh", os.X_OK):
            raise SmokeFailure("install.sh is missing or not executable")


def check_installer_sources(bundle: Path) -> None:
    """Every file the Windows installer takes from the bundle is in this one (named without
    ``.exe`` off Windows), and the icon it shows is in build/icons."""
    text = (HERE / "windows" / "attendant.iss").read_text(encoding="utf-8")
    defines = dict(re.findall(r'^#define (\w+) "([^"]*)"', text, flags=re.MULTILINE))
    sources = re.findall(r'^Source: "\{#DistDir\}\\([^"]+)"', text, flags=re.MULTILINE)
    if not sources:
        raise SmokeFailure("attendant.iss takes no file from the bundle")
    for source in sources:
        name = re.sub(r"\{#(\w+)\}", lambda m: defines[m.group(1)], source)
        name = name.removesuffix("\\*")
        if sys.platform != "win32":
            name = name.removesuffix(".exe")
        if not (bundle / name.replace("\\", "/")).exists():
            raise SmokeFailure(f"attendant.iss takes {source}, which the bundle lacks")
    if not (ROOT / layout.ICON_DIR / layout.ICO_FILE).is_file():
        raise SmokeFailure(f"{layout.ICON_DIR / layout.ICO_FILE} (SetupIconFile) is missing")


def check_version(cli: Path, env: dict[str, str], version: str) -> None:
    out = expect_ok(run([str(cli), "--version"], env)).strip()
    if out != f"attendant {version}":
        raise SmokeFailure(f"--version printed {out!r}, expected 'attendant {version}'")


def check_paths(cli: Path, env: dict[str, str], home: Path) -> dict[str, str]:
    paths = json.loads(expect_ok(run([str(cli), "paths", "--json"], env)))
    keys = {"config_file", "log_file", "token_cache", "state_dir"}
    if not keys <= set(paths):
        raise SmokeFailure(f"paths --json lacks {sorted(keys - set(paths))}")
    if Path(paths["log_file"]).name != "ApplicationLogFile.txt":
        raise SmokeFailure(f"unexpected log file {paths['log_file']}")
    if sys.platform != "win32" and not all(Path(paths[key]).is_relative_to(home) for key in keys):
        raise SmokeFailure(f"paths outside the isolated home {home}: {paths}")
    return paths


def check_availability(cli: Path, env: dict[str, str]) -> None:
    data = json.loads(expect_ok(run([str(cli), "availability", "--at", AT, "--json"], env)))
    if data.get("provider") != "demo" or data.get("at") != AT:
        raise SmokeFailure(f"availability answered for {data.get('provider')} at {data.get('at')}")
    entries = data.get("entries", [])
    if len(entries) < 10:
        raise SmokeFailure(f"availability returned only {len(entries)} entries")
    statuses = {entry["status"] for entry in entries}
    if not statuses <= STATUSES or len(statuses) < 2:
        raise SmokeFailure(f"unexpected statuses {sorted(statuses)}")


def check_window(program: Path, env: dict[str, str], log_file: Path, *extra: str) -> float:
    """Open the window offscreen, let it close itself; the seconds until it was shown."""
    before = log_file.read_text(encoding="utf-8") if log_file.exists() else ""
    started = time.time()
    result = run([str(program), *extra, "--quit-after", "2"], env)
    expect_ok(result)
    for fatal in ("Could not load the Qt platform plugin", "Could not find the Qt platform"):
        if fatal in result.stderr:
            raise SmokeFailure(f"{program.name}: {fatal}:\n{result.stderr[-2000:]}")
    log = log_file.read_text(encoding="utf-8")[len(before) :]
    shown = WINDOW_SHOWN.search(log)
    if shown is None:
        raise SmokeFailure(f"{program.name} logged no 'Window shown':\n{log[-3000:]}")
    if "Attendant closed" not in log:
        raise SmokeFailure(f"{program.name} did not close cleanly:\n{log[-3000:]}")
    if bad := [line for line in log.splitlines() if "| ERROR" in line or "| CRITICAL" in line]:
        raise SmokeFailure(f"{program.name} logged errors:\n" + "\n".join(bad))
    return float(shown.group(1)) - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bundle", nargs="?", type=Path, default=ROOT / "dist" / layout.DIST_NAME)
    args = parser.parse_args(argv)
    bundle = args.bundle.resolve()
    version = layout.project_version(ROOT / "pyproject.toml")
    cli = bundle / f"{layout.CLI_NAME}{EXE}"
    gui = bundle / f"{layout.GUI_NAME}{EXE}"
    passed = failures = 0
    with tempfile.TemporaryDirectory(prefix="attendant-smoke-") as temp:
        home = Path(temp)
        env = isolated_env(home)
        log_file = home / "unknown"

        def step(name: str, check: Callable[[], object]) -> None:
            nonlocal passed, failures
            began = time.monotonic()
            try:
                outcome = check()
            except (SmokeFailure, json.JSONDecodeError, OSError) as error:
                failures += 1
                print(f"FAIL {name}: {error}", flush=True)
                return
            passed += 1
            extra = f" (window shown after {outcome:.2f} s)" if isinstance(outcome, float) else ""
            print(f"ok   {name} [{time.monotonic() - began:.1f} s]{extra}", flush=True)

        def paths_step() -> None:
            nonlocal log_file
            log_file = Path(check_paths(cli, env, home)["log_file"])

        step("bundle layout", lambda: check_layout(bundle, version))
        step("Windows installer's files", lambda: check_installer_sources(bundle))
        step(f"{cli.name} --version", lambda: check_version(cli, env, version))
        if sys.platform.startswith("linux"):  # the windowed one has no stdout elsewhere
            step(f"{gui.name} --version", lambda: check_version(gui, env, version))
        step(f"{cli.name} paths --json", paths_step)
        step(f"{cli.name} availability --json", lambda: check_availability(cli, env))
        step(f"{gui.name} window (offscreen)", lambda: check_window(gui, env, log_file))
        step(f"{gui.name} --demo window", lambda: check_window(gui, env, log_file, "--demo"))
        step(f"{cli.name} window (offscreen)", lambda: check_window(cli, env, log_file))
    print(f"smoke: {passed} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
