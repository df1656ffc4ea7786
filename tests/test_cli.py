"""The command line as scripts meet it (INTERFACES.md §1), on the demo directory."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from attendant.cli import main
from attendant.log import shutdown_logging

AT = "2026-11-23T10:15:00+01:00"  # a Monday


@pytest.fixture(autouse=True)
def _desk_in_rome(monkeypatch):
    monkeypatch.setenv("TZ", "Europe/Rome")  # the desk's zone: AT is written in it


@pytest.fixture(autouse=True)
def _no_leaking_sinks():
    yield
    shutdown_logging()


def run(*argv: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_availability_json_shape_on_demo(capsys):
    code, out, _ = run("availability", "--at", AT, "--json", capsys=capsys)
    assert code == 0
    data = json.loads(out)
    assert data["provider"] == "demo"
    assert data["at"] == AT
    assert data["start"] == "2026-11-23T00:00:00+01:00"
    assert data["end"] == "2026-11-24T00:00:00+01:00"
    assert len(data["entries"]) == 39 + 12  # everyone and every room when nothing is configured
    statuses = {e["status"] for e in data["entries"]}
    assert statuses <= {"free", "tentative", "busy", "oof", "working_elsewhere", "unknown"}
    assert len(statuses) >= 2
    for entry in data["entries"]:
        assert set(entry) == {
            "address",
            "name",
            "status",
            "until",
            "next_free",
            "events",
            "error",
            "presence",
        }
        assert entry["presence"] is None  # the demo has no Teams presence
        starts = [e["start"] for e in entry["events"]]
        assert starts == sorted(starts)
        for event in entry["events"]:
            assert set(event) == {"start", "end", "busy_type", "subject", "location"}
            assert event["start"].endswith("+01:00")
            assert datetime.fromisoformat(event["end"]) > datetime.fromisoformat(data["start"])
        if entry["status"] == "free":
            assert entry["next_free"] == AT


def test_availability_keeps_order_and_reports_unknown_mailbox(capsys):
    code, out, _ = run(
        "availability",
        "room.harbour@harbourview.example",
        "nobody@harbourview.example",
        "eleanor.whitfield@harbourview.example",
        "--at",
        AT,
        "--json",
        capsys=capsys,
    )
    assert code == 0
    entries = json.loads(out)["entries"]
    assert [e["address"] for e in entries] == [
        "room.harbour@harbourview.example",
        "nobody@harbourview.example",
        "eleanor.whitfield@harbourview.example",
    ]
    assert entries[0]["name"] == "Harbour"
    nobody = entries[1]
    assert nobody["status"] == "unknown" and nobody["name"] is None
    assert nobody["error"]["code"] == "ErrorMailRecipientNotFound"
    assert nobody["until"] is None and nobody["next_free"] is None and nobody["events"] == []
    assert entries[2]["name"] == "Eleanor Whitfield"


def test_availability_start_end_window(capsys):
    code, out, _ = run(
        "availability",
        "eleanor.whitfield@harbourview.example",
        "--at",
        AT,
        "--start",
        "2026-11-23T12:00:00+01:00",
        "--end",
        "2026-11-23T13:00:00+01:00",
        "--json",
        capsys=capsys,
    )
    assert code == 0
    data = json.loads(out)
    for event in data["entries"][0]["events"]:
        assert event["start"] < "2026-11-23T13:00:00+01:00"
        assert event["end"] > "2026-11-23T12:00:00+01:00"


def test_availability_text_output(capsys):
    code, out, _ = run("availability", "--at", AT, capsys=capsys)
    assert code == 0
    assert "Eleanor Whitfield" in out and "Harbour" in out


def test_bad_instant_is_a_settings_error(capsys):
    code, _, err = run("availability", "--at", "tomorrow-ish", capsys=capsys)
    assert code == 2
    assert "ISO 8601" in err


def test_rooms_json(capsys):
    code, out, _ = run("rooms", "--json", capsys=capsys)
    assert code == 0
    data = json.loads(out)
    assert len(data["room_lists"]) == 3
    assert sum(len(rl["rooms"]) for rl in data["room_lists"]) == 12
    first = data["room_lists"][0]
    assert set(first) == {"address", "name", "rooms"}
    assert set(first["rooms"][0]) == {"address", "name"}


def test_signin_is_not_needed_for_demo(capsys):
    code, out, _ = run("signin", capsys=capsys)
    assert code == 0
    assert "not needed" in out and "demo" in out


def test_check_on_demo_passes(capsys):
    code, out, _ = run("check", "--json", capsys=capsys)
    assert code == 0
    data = json.loads(out)
    names = [s["name"] for s in data["steps"]]
    assert names[0] == "Settings valid"
    assert "Free/busy query" in names and "Room lists" in names
    assert all(s["result"] in {"pass", "skip", "warn"} for s in data["steps"])


def test_paths_json(capsys, home: Path):
    code, out, _ = run("paths", "--json", capsys=capsys)
    assert code == 0
    data = json.loads(out)
    assert {"config_file", "log_file", "token_cache", "state_dir"} <= set(data)
    assert data["log_file"].endswith("ApplicationLogFile.txt")
    assert all(value.startswith(str(home)) for value in data.values())


def test_config_option_and_invalid_settings_file_is_reported_and_kept(capsys, tmp_path: Path):
    bad = tmp_path / "settings.toml"
    original = b"schema_version = 1\n[calendar]\nrefresh_interval_seconds = 2\n"
    bad.write_bytes(original)
    code, _, err = run("availability", "--config", str(bad), "--json", capsys=capsys)
    assert code == 2
    assert str(bad) in err and "refresh_interval_seconds" in err and ":3" in err
    code, out, _ = run("check", "--config", str(bad), capsys=capsys)
    assert code == 2
    assert "[FAIL] Settings valid" in out
    assert bad.read_bytes() == original
    code, out, _ = run("paths", "--json", "--config", str(bad), capsys=capsys)
    assert json.loads(out)["config_file"] == str(bad)


def test_unknown_provider_is_a_settings_error(capsys, tmp_path: Path):
    cfg = tmp_path / "settings.toml"
    cfg.write_text('schema_version = 1\n[calendar]\nprovider = "carrier_pigeon"\n')
    code, _, err = run("availability", "--config", str(cfg), capsys=capsys)
    assert code == 2
    assert "carrier_pigeon" in err and "demo" in err


def test_python_dash_m_and_version():
    out = subprocess.run(
        [sys.executable, "-m", "attendant", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert out.startswith("attendant ")


def test_logs_go_to_the_application_log_file(capsys, home: Path):
    run("availability", "nobody@harbourview.example", "--json", capsys=capsys)
    shutdown_logging()
    _, out, _ = run("paths", "--json", capsys=capsys)
    log = Path(json.loads(out)["log_file"])
    text = log.read_text(encoding="utf-8")
    assert "| INFO     | attendant.cli.availability | availability: 1 mailboxes from demo" in text
