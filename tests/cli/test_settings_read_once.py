"""``attendant availability`` reads the settings file once, and scans it for the lines of its
keys only when it has a problem to name (a watch list of hundreds of entries costs tens of
milliseconds to scan)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_world import AT, exchange_settings

from tests.fakes.helpers import DEFAULT_PASSWORD

pytest_plugins = ("tests.fakes.fixtures",)

pytestmark = pytest.mark.ews_schema

#: Runs the real command in this interpreter, counting opens of the settings file (audit
#: events) and runs of the key scanner, and prints the counts last, on standard error.
PROBE = """
import json, sys
from pathlib import Path
config = str(Path(sys.argv[1]).absolute())
counts = {"opened": 0, "scanned": 0}
def audit(event, args):
    if event == "open" and str(args[0]) == config:
        counts["opened"] += 1
sys.addaudithook(audit)
def profile(frame, event, arg):
    code = frame.f_code
    if event == "call" and code.co_name == "key_lines" and code.co_filename.endswith("tomlkeys.py"):
        counts["scanned"] += 1
sys.setprofile(profile)
from attendant.cli.main import main
code = main(["availability", "--config", config, "--json", "--at", sys.argv[2]])
sys.setprofile(None)
sys.stderr.write("\\n" + json.dumps(counts) + "\\n")
raise SystemExit(code)
"""


def run(config: Path) -> tuple[subprocess.CompletedProcess[str], dict[str, int]]:
    environ = dict(os.environ, TZ="Europe/Rome", ATTENDANT_PASSWORD=DEFAULT_PASSWORD)
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(config), AT],
        env=environ,
        capture_output=True,
        text=True,
        timeout=90,
    )
    counts = json.loads(done.stderr.strip().splitlines()[-1])
    return done, counts


def people(count: int) -> str:
    return "people = [\n" + "".join(f'  "user{i}@contoso.com",\n' for i in range(count)) + "]\n"


def test_a_valid_file_is_read_once_and_never_scanned(make_ews, ca_file, tmp_path):
    ews = make_ews()
    config = exchange_settings(tmp_path, ews, ca_file, watch=people(300))
    done, counts = run(config)
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["entries"]) == 300
    assert counts == {"opened": 1, "scanned": 0}


def test_a_bad_entry_is_still_named_with_its_line(make_ews, ca_file, tmp_path):
    ews = make_ews()
    watch = people(300).replace('"user7@contoso.com"', '"user7 at contoso"')
    config = exchange_settings(tmp_path, ews, ca_file, watch=watch)
    done, counts = run(config)
    assert done.returncode == 2
    line = next(
        number
        for number, text in enumerate(config.read_text().splitlines(), start=1)
        if "user7 at contoso" in text
    )
    assert f"{config}:{line}" in done.stderr, done.stderr
    assert json.loads(done.stdout)["error"]["kind"] == "settings"
    assert counts == {"opened": 1, "scanned": 1}
    assert ews.requests_total == 0
