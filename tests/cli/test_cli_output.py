"""What ``availability`` prints: the desk's local day by default, and quiet closed pipes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta

import pytest


def window(run_cli, at: str, tz: str = "Europe/Rome") -> tuple[datetime, datetime, datetime]:
    done = run_cli("availability", "--at", at, "--json", TZ=tz)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    return tuple(datetime.fromisoformat(data[k]) for k in ("at", "start", "end"))  # type: ignore[return-value]


@pytest.mark.parametrize(
    ("at", "tz", "day_start", "hours"),
    [
        # 03:30 at +05:00 is 23:30 of the day before in Rome: that is the desk's day.
        ("2026-11-23T03:30:00+05:00", "Europe/Rome", "2026-11-22T00:00:00+01:00", 24),
        # 23:30 at -05:00 is 05:30 of the next day in Rome.
        ("2026-11-23T23:30:00-05:00", "Europe/Rome", "2026-11-24T00:00:00+01:00", 24),
        ("2026-11-23T10:15:00+01:00", "America/New_York", "2026-11-23T00:00:00-05:00", 24),
        # Daylight saving starts in Rome: a day of 23 hours.
        ("2026-03-29T12:00:00+02:00", "Europe/Rome", "2026-03-29T00:00:00+01:00", 23),
    ],
)
def test_the_default_window_is_the_desks_local_day_of_at(run_cli, at, tz, day_start, hours):
    shown_at, start, end = window(run_cli, at, tz)
    assert shown_at == datetime.fromisoformat(at)
    assert start == datetime.fromisoformat(day_start)
    assert end - start == timedelta(hours=hours)


def test_a_date_alone_is_local_midnight(run_cli):
    shown_at, start, end = window(run_cli, "2026-11-23", "Europe/Rome")
    assert shown_at == start == datetime.fromisoformat("2026-11-23T00:00:00+01:00")
    assert shown_at.utcoffset() == timedelta(hours=1)
    assert end == datetime.fromisoformat("2026-11-24T00:00:00+01:00")


def test_naive_start_and_end_are_desk_time(run_cli):
    done = run_cli(
        "availability",
        "--at",
        "2026-11-23T10:15:00+05:00",
        "--start",
        "2026-11-23T09:00",
        "--end",
        "2026-11-23",
        "--json",
    )
    assert done.returncode == 2  # the end (midnight) is before the start
    assert json.loads(done.stdout)["error"]["kind"] == "settings"
    done = run_cli(
        "availability", "--start", "2026-11-23T09:00", "--end", "2026-11-23T17:00", "--json"
    )
    data = json.loads(done.stdout)
    assert datetime.fromisoformat(data["start"]) == datetime.fromisoformat(
        "2026-11-23T09:00:00+01:00"
    )


def test_output_into_a_closed_pipe_ends_quietly(home):
    environ = dict(os.environ, TZ="Europe/Rome")
    reader = subprocess.Popen(
        [sys.executable, "-m", "attendant", "availability", "--at", "2026-11-23T10:15:00+01:00"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environ,
    )
    assert reader.stdout is not None and reader.stderr is not None
    reader.stdout.close()  # the reader is gone before the first line is written
    error = reader.stderr.read().decode()
    assert reader.wait(timeout=60) == 141  # as `cat` would: 128 + SIGPIPE
    assert error == ""


def test_head_reads_the_first_line_and_nothing_complains(home):
    environ = dict(os.environ, TZ="Europe/Rome")
    done = subprocess.run(
        f"'{sys.executable}' -m attendant availability --at 2026-11-23T10:15:00+01:00 | head -1",
        shell=True,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.stdout.startswith("Availability at 2026-11-23 10:15")
    assert done.stdout.count("\n") == 1
    assert done.stderr == ""


def test_items_written_already_are_written_as_they_are():
    import io

    from attendant.cli.session import JsonText, dump_json

    entries = [{"address": "alice@contoso.com", "name": "Alicé", "events": []}, {"n": 1}]
    plain, early = io.StringIO(), io.StringIO()
    dump_json({"provider": "exchange", "entries": entries}, plain)
    written = [JsonText(json.dumps(entries[0], ensure_ascii=False)), entries[1]]
    dump_json({"provider": "exchange", "entries": written}, early)
    assert early.getvalue() == plain.getvalue()
    assert json.loads(plain.getvalue())["entries"] == entries
