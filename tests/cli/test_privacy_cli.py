"""``[privacy] meeting_details`` in ``attendant availability``, against the fake Exchange."""

from __future__ import annotations

import json
import re
from datetime import datetime

import pytest
from cli_world import AT, DAY, ROME, exchange_settings

from tests.fakes import FakeEvent

pytest_plugins = ("tests.fakes.fixtures",)  # ca_file, make_ews


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


def config(tmp_path, ews, ca_file, privacy: str | None) -> str:
    watch = 'people = ["alice@contoso.com"]\n'
    if privacy is not None:
        watch += f'\n[privacy]\nmeeting_details = "{privacy}"\n'
    return str(exchange_settings(tmp_path, ews, ca_file, timeout_seconds=5, watch=watch))


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


@pytest.mark.parametrize(
    ("privacy", "view"),
    [(None, "Detailed"), ("show", "Detailed"), ("busy_only", "FreeBusy"), ("hide", "FreeBusy")],
)
def test_exchange_is_asked_for_subjects_only_when_they_are_shown(
    cli, ews, ca_file, tmp_path, privacy, view
):
    # Data the desk must not show is not fetched: without the Detailed view Exchange sends
    # no CalendarEventDetails, so subjects never reach the desk (or its memory and dumps).
    alice(cli, config(tmp_path, ews, ca_file, privacy))
    (request,) = ews.requests_for("GetUserAvailability")
    asked = re.findall(rb"<t:RequestedView>(\w+)</t:RequestedView>", request.body)
    assert asked == [view.encode()]


def test_an_unknown_value_is_a_settings_error_naming_the_key(cli, ews, ca_file, tmp_path):
    code, _, err = cli("availability", "--config", config(tmp_path, ews, ca_file, "private"))
    assert code == 2
    assert "privacy.meeting_details" in err
    assert ews.requests_total == 0
