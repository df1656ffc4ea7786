"""Watch entries with details: inline tables read, validated by line, written back on Save."""

from __future__ import annotations

import textwrap
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

from attendant.domain import MailboxKind, WatchEntry
from attendant.settings import SettingsError, load_settings, save_settings, with_value

Write = Callable[[str], Path]


@pytest.fixture
def write(tmp_path: Path) -> Write:
    def write(text: str) -> Path:
        path = tmp_path / "settings.toml"
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
        return path

    return write


# An inline table is one line in TOML.
_DETAILED = """
    schema_version = 2

    [calendar]
    provider = "exchange"

    [watch]
    people = [
        "alice@contoso.com",
        {address = "bob@contoso.com", name = "Bob Builder", phone = "+39 06 5550101", department = "Sales", mobile = "+39 333 1234567", job_title = "Buyer"},
    ]
    rooms = ["room.4@contoso.com", {address = "room.6@contoso.com", name = "Room 6", capacity = 12, building = "Annex", floor = "0"}]
    room_lists = ["rooms-hq@contoso.com"]
    """  # noqa: E501


def _errors(path: Path) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(SettingsError) as caught:
        load_settings(path)
    return [(p.line, p.key, p.message) for p in caught.value.problems]


def test_entries_with_details_are_read_as_the_admin_wrote_them(write: Write) -> None:
    watch = load_settings(write(_DETAILED)).settings.watch_list()
    assert [e.address for e in watch.people] == ["alice@contoso.com", "bob@contoso.com"]
    assert watch.people[0] == WatchEntry("alice@contoso.com")
    assert watch.people[1] == WatchEntry(
        "bob@contoso.com",
        name="Bob Builder",
        phone="+39 06 5550101",
        mobile="+39 333 1234567",
        department="Sales",
        job_title="Buyer",
    )
    assert watch.rooms[1] == WatchEntry(
        "room.6@contoso.com", name="Room 6", capacity=12, building="Annex", floor="0"
    )
    assert watch.room_lists == ("rooms-hq@contoso.com",)
    room = watch.rooms[1].as_mailbox(MailboxKind.ROOM)
    assert (room.name, room.capacity, room.building, room.floor) == ("Room 6", 12, "Annex", "0")


def test_saving_writes_inline_tables_back_and_keeps_unknown_keys(write: Write) -> None:
    path = write(_DETAILED + '\n[watch.groups]\nreception = ["alice@contoso.com"]\n')
    loaded = load_settings(path)
    assert [w.key for w in loaded.warnings] == ["watch.groups"]
    changed = with_value(loaded.settings, "calendar.refresh_interval_seconds", 90)
    save_settings(changed, path)
    text = path.read_text(encoding="utf-8")
    assert '{ address = "bob@contoso.com", name = "Bob Builder",' in text
    assert '    "alice@contoso.com",\n' in text
    document = tomllib.loads(text)
    assert document["watch"]["rooms"] == [
        "room.4@contoso.com",
        {
            "address": "room.6@contoso.com",
            "name": "Room 6",
            "capacity": 12,
            "building": "Annex",
            "floor": "0",
        },
    ]
    assert document["watch"]["groups"] == {"reception": ["alice@contoso.com"]}
    again = load_settings(path)
    assert again.settings == changed


def test_a_version_1_file_is_read_as_it_is_and_rewritten_only_on_save(write: Write) -> None:
    text = """
        schema_version = 1
        [watch]
        people = ["alice@contoso.com"]
        """
    path = write(text)
    before = path.read_bytes()
    loaded = load_settings(path)
    assert loaded.warnings == ()
    assert loaded.settings.watch.people == (WatchEntry("alice@contoso.com"),)
    assert path.read_bytes() == before
    person = WatchEntry("alice@contoso.com", name="Alice Example", department="Front desk")
    save_settings(with_value(loaded.settings, "watch.people", (person,)), path)
    document = tomllib.loads(path.read_text(encoding="utf-8"))
    assert document["schema_version"] == 2
    assert document["watch"]["people"] == [
        {"address": "alice@contoso.com", "name": "Alice Example", "department": "Front desk"}
    ]


def test_bad_details_are_errors_naming_the_key_and_line(write: Write) -> None:
    path = write(
        """
        schema_version = 2
        [watch]
        rooms = [
            "room.4@contoso.com",
            {address = "room.6@contoso.com", capacity = 0},
            {address = "room.7@contoso.com", capacity = "12"},
            {address = "room.8@contoso.com", nmae = "Room 8"},
        ]
        people = [{address = "bob@contoso.com", capacity = 4}, {name = "Nobody"}]
        """
    )
    before = path.read_bytes()
    errors = _errors(path)
    assert [(line, key) for line, key, _ in errors] == [
        (5, "watch.rooms"),
        (6, "watch.rooms"),
        (7, "watch.rooms"),
        (9, "watch.people"),
        (9, "watch.people"),
    ]
    messages = [message for _, _, message in errors]
    assert messages[0] == 'entry 2 "capacity" must be a whole number above 0 (got 0)'
    assert messages[1] == "entry 3 \"capacity\" must be a whole number above 0 (got '12')"
    assert messages[2].startswith('entry 4 has the key "nmae", which is not a detail')
    assert messages[2].endswith('did you mean "name"?')
    assert messages[3].startswith('entry 1 has the key "capacity"')
    assert "department, job_title" in messages[3]
    assert messages[4].startswith("entry 2 has no address")
    assert path.read_bytes() == before


def test_with_value_checks_details_as_the_loader_does() -> None:
    settings = load_settings(Path("/nonexistent/settings.toml")).settings
    with pytest.raises(ValueError, match=r'watch.rooms: entry 1 "capacity" must be a whole'):
        with_value(settings, "watch.rooms", [{"address": "r@contoso.com", "capacity": -2}])
    changed = with_value(
        settings, "watch.rooms", [{"address": "r@contoso.com", "capacity": 8}, "s@contoso.com"]
    )
    assert changed.watch.rooms == (
        WatchEntry("r@contoso.com", capacity=8),
        WatchEntry("s@contoso.com"),
    )
