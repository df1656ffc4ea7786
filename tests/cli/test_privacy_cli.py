"""``[privacy] meeting_details`` in ``attendant availability``, against the fake Exchange."""

from __future__ import annotations

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from tests.fakes import FakeEvent
from tests.fakes.helpers import DEFAULT_PASSWORD, DEFAULT_USERNAME

pytest_plugins = ("tests.fakes.fixtures",)  # ca_file, make_ews

ROME = ZoneInfo("Europe/Rome")
DAY = date(2026, 11, 23)
AT = "2026-11-23T10:15:00+01:00"


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(DAY.year, DAY.month, DAY.day, hour, minute, tzinfo=ROME)


@pytest.fixture
def ews(make_ews):
    server = make_ews()
    server.add_mailbox(
        "alice@contoso.com",
        "Alice Example",
        events=[
            FakeEvent(at(10), at(11), "Busy", subject="Budget review", location="Room 4"),
            # A delegate's view: the server sends a private item's subject anyway.
            FakeEvent(
                at(14),
                at(15),
                "Busy",
                subject="Doctor",
                location="Clinic",
                is_private=True,
                discloses_private=True,
            ),
        ],
    )
    return server


@pytest.fixture
def cli(monkeypatch, capsys):
    from attendant.cli import main
    from attendant.log import shutdown_logging

    monkeypatch.setenv("ATTENDANT_PASSWORD", DEFAULT_PASSWORD)
    monkeypatch.setenv("TZ", "Europe/Rome")

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    yield run
    shutdown_logging()


def config(tmp_path, ews, ca_file, privacy: str | None) -> str:
    path = tmp_path / "settings.toml"
    text = f"""schema_version = 1

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
people = ["alice@contoso.com"]
"""
    if privacy is not None:
        text += f'\n[privacy]\nmeeting_details = "{privacy}"\n'
    path.write_text(text, encoding="utf-8")
    return str(path)


def alice(cli, path: str) -> dict:
    code, out, err = cli("availability", "--config", path, "--at", AT, "--json")
    assert code == 0, err
    (entry,) = json.loads(out)["entries"]
    assert (entry["status"], entry["until"]) == ("busy", "2026-11-23T11:00:00+01:00")
    return entry


@pytest.mark.parametrize("privacy", [None, "show"])
def test_show_discloses_subjects_but_never_a_private_one(cli, ews, ca_file, tmp_path, privacy):
    entry = alice(cli, config(tmp_path, ews, ca_file, privacy))
    assert [(e["subject"], e["location"]) for e in entry["events"]] == [
        ("Budget review", "Room 4"),
        (None, None),
    ]
    assert entry["events"][1]["start"] == "2026-11-23T14:00:00+01:00"


def test_busy_only_gives_times_and_busy_types_only(cli, ews, ca_file, tmp_path):
    entry = alice(cli, config(tmp_path, ews, ca_file, "busy_only"))
    assert [
        (e["start"][11:16], e["busy_type"], e["subject"], e["location"]) for e in entry["events"]
    ] == [
        ("10:00", "busy", None, None),
        ("14:00", "busy", None, None),
    ]


def test_hide_gives_no_events_but_the_status(cli, ews, ca_file, tmp_path):
    entry = alice(cli, config(tmp_path, ews, ca_file, "hide"))
    assert entry["events"] == []
    assert entry["next_free"] == "2026-11-23T11:00:00+01:00"
    code, out, _ = cli(
        "availability", "--config", config(tmp_path, ews, ca_file, "hide"), "--at", AT
    )
    assert code == 0
    assert "Budget" not in out and "busy" in out


def test_an_unknown_value_is_a_settings_error_naming_the_key(cli, ews, ca_file, tmp_path):
    code, _, err = cli("availability", "--config", config(tmp_path, ews, ca_file, "private"))
    assert code == 2
    assert "privacy.meeting_details" in err
    assert ews.requests_total == 0
