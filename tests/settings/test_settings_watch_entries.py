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


_GROUPED = """
    schema_version = 2

    [watch]
    people = [
        {address = "bob@contoso.com", name = "Bob Builder", department = "Sales", group = "Front desk"},
        "alice@contoso.com",
        {address = "carla@contoso.com", group = "Management"},
    ]
    rooms = [{address = "room.6@contoso.com", capacity = 12, group = "Ground floor"}]
    """  # noqa: E501


def test_a_group_is_read_kept_on_save_and_reaches_the_board(write: Write) -> None:
    path = write(_GROUPED)
    loaded = load_settings(path)
    assert loaded.warnings == ()
    people = loaded.settings.watch.people
    assert people[0] == WatchEntry(
        "bob@contoso.com", name="Bob Builder", department="Sales", group="Front desk"
    )
    assert people[2] == WatchEntry("carla@contoso.com", group="Management")
    room = loaded.settings.watch.rooms[0]
    assert room.group == "Ground floor"
    assert room.as_mailbox(MailboxKind.ROOM).group == "Ground floor"
    assert people[0].as_mailbox(MailboxKind.PERSON).group == "Front desk"

    # Saving something else keeps every group, written last in its table.
    save_settings(with_value(loaded.settings, "calendar.refresh_interval_seconds", 90), path)
    text = path.read_text(encoding="utf-8")
    assert 'department = "Sales", group = "Front desk" }' in text
    document = tomllib.loads(text)
    assert document["watch"]["people"][2] == {
        "address": "carla@contoso.com",
        "group": "Management",
    }
    assert document["watch"]["rooms"] == [
        {"address": "room.6@contoso.com", "capacity": 12, "group": "Ground floor"}
    ]
    assert load_settings(path).settings.watch == loaded.settings.watch


def test_a_group_of_the_wrong_kind_is_an_error_naming_the_key_and_line(write: Write) -> None:
    path = write(
        """
        schema_version = 2
        [watch]
        people = [
            "alice@contoso.com",
            {address = "bob@contoso.com", group = 3},
            {address = "carla@contoso.com", group = ""},
            {address = "dan@contoso.com", gruop = "Sales"},
        ]
        rooms = [{address = "room.6@contoso.com", group = ["a", "b"]}]
        """
    )
    before = path.read_bytes()
    errors = _errors(path)
    assert [(line, key) for line, key, _ in errors] == [
        (5, "watch.people"),
        (6, "watch.people"),
        (7, "watch.people"),
        (9, "watch.rooms"),
    ]
    messages = [message for _, _, message in errors]
    assert messages[0] == 'entry 2 "group" must be a string (got 3)'
    assert messages[1] == 'entry 3 "group" must not be empty or start or end with spaces'
    assert messages[2].endswith('did you mean "group"?')
    assert messages[3] == "entry 1 \"group\" must be a string (got ['a', 'b'])"
    assert path.read_bytes() == before


def test_with_value_checks_a_group_as_the_loader_does() -> None:
    settings = load_settings(Path("/nonexistent/settings.toml")).settings
    with pytest.raises(ValueError, match=r'watch.people: entry 1 "group" must be one line'):
        with_value(settings, "watch.people", [{"address": "a@contoso.com", "group": "a\nb"}])
    changed = with_value(settings, "watch.people", [{"address": "a@contoso.com", "group": "IT"}])
    assert changed.watch.people == (WatchEntry("a@contoso.com", group="IT"),)
