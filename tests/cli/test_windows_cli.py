"""Windows as the servers serve them: whole local days asked, the answer clipped back, and a
window no server serves refused before anything is sent (exit 2), against the fake Exchange."""

from __future__ import annotations

import json
import re

from cli_world import AT, exchange_settings

pytest_plugins = ("tests.fakes.fixtures",)  # make_ews, ca_file


def test_a_short_window_is_asked_as_the_whole_day_and_clipped_back(run_cli, ews, ca_file, tmp_path):
    config = str(exchange_settings(tmp_path, ews, ca_file))
    done = run_cli(
        "availability", "alice@contoso.com", "--config", config, "--at", AT,
        "--start", "2026-11-23T10:30:00+01:00", "--end", "2026-11-23T11:15:00+01:00", "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    (request,) = ews.requests_for("GetUserAvailability")
    body = request.body.decode()
    assert re.search(r"<t:StartTime>2026-11-23T00:00:00(\+01:00)?</t:StartTime>", body), body
    assert re.search(r"<t:EndTime>2026-11-24T00:00:00(\+01:00)?</t:EndTime>", body), body
    (alice,) = json.loads(done.stdout)["entries"]
    # Only the events overlapping 10:30-11:15 are left: the budget review and the coffee.
    assert [(e["start"], e["end"]) for e in alice["events"]] == [
        ("2026-11-23T10:00:00+01:00", "2026-11-23T11:00:00+01:00"),
        ("2026-11-23T11:00:00+01:00", "2026-11-23T11:30:00+01:00"),
    ]


def test_a_window_over_42_days_is_refused_before_anything_is_sent(run_cli, ews, ca_file, tmp_path):
    config = str(exchange_settings(tmp_path, ews, ca_file))
    done = run_cli(
        "availability", "--config", config, "--at", AT,
        "--start", "2026-11-23T00:00:00+01:00", "--end", "2027-01-05T00:00:00+01:00", "--json",
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    error = json.loads(done.stdout)["error"]
    assert error["kind"] == "settings"
    assert "at most 42 days" in error["message"] and "43 days" in error["message"]
    assert ews.requests_for("GetUserAvailability") == []
    done = run_cli(
        "availability", "--config", config, "--at", AT,
        "--start", "2026-11-23T12:00:00+01:00", "--end", "2026-11-23T11:00:00+01:00",
    )  # fmt: skip
    assert done.returncode == 2 and "--end must be after --start" in done.stderr
