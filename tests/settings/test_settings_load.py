"""Loading: defaults, every kind of error with file/line/key, unknown keys, migrations."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from attendant.domain import WatchEntry
from attendant.settings import (
    CURRENT_SCHEMA_VERSION,
    MIGRATIONS,
    Problem,
    SettingsError,
    default_settings,
    load_settings,
)

Write = Callable[..., Path]


def _errors(path: Path) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(SettingsError) as caught:
        load_settings(path)
    assert caught.value.path == path
    for problem in caught.value.problems:
        assert problem.file == path
        assert problem.severity == "error"
    return [(problem.line, problem.key, problem.message) for problem in caught.value.problems]


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "settings.toml"
    result = load_settings(path)
    assert result.settings == default_settings()
    assert (result.exists, result.source, result.warnings, result.locked) == (
        False,
        path,
        (),
        frozenset(),
    )
    assert result.managed_by is None
    assert not path.parent.exists()


def test_a_full_file_is_read(write: Write) -> None:
    path = write(
        r"""
        schema_version = 1

        [calendar]
        provider = "exchange"            # "demo" | "exchange" | "office365" | "graph"
        refresh_interval_seconds = 120
        grant_basic_auth = true
        grant_modern_auth = false

        [calendar.exchange]
        ews_url = "https://mail.contoso.com/EWS/Exchange.asmx"
        version = "Exchange2010_SP2"
        username = "CONTOSO\\reception"
        auth = "ntlm"

        [network]
        ca_bundle = "/etc/ssl/contoso-ca.pem"
        timeout_seconds = 10

        [watch]
        people = ["alice@contoso.com"]
        rooms = ["room.4@contoso.com"]
        room_lists = ["rooms-hq@contoso.com"]
        """
    )
    result = load_settings(path)
    assert result.exists
    assert result.warnings == ()
    calendar = result.settings.calendar
    assert (calendar.provider, calendar.refresh_interval_seconds) == ("exchange", 120)
    assert (calendar.grant_basic_auth, calendar.grant_modern_auth) == (True, False)
    assert calendar.exchange.username == "CONTOSO\\reception"
    assert calendar.exchange.auth == "ntlm"
    assert calendar.office365 == default_settings().calendar.office365
    assert result.settings.network.timeout_seconds == 10
    assert result.settings.watch.rooms == (WatchEntry("room.4@contoso.com"),)
    assert result.settings.watch_list().room_lists == ("rooms-hq@contoso.com",)


def test_syntax_error_names_file_and_line(write: Write) -> None:
    path = write(
        """
        [calendar]
        provider = "exchange"
        refresh_interval_seconds = = 60
        """
    )
    [(line, key, message)] = _errors(path)
    assert (line, key) == (3, None)
    assert message.startswith("is not valid TOML: ")
    assert "(column 28)" in message
    with pytest.raises(SettingsError) as caught:
        load_settings(path)
    assert str(caught.value).startswith(f"{path}:3: is not valid TOML: ")


def test_every_validation_error_is_reported_with_its_line_and_key(write: Write) -> None:
    path = write(
        """
        schema_version = 1
        [calendar]
        provider = 3
        refresh_interval_seconds = 5
        [calendar.exchange]
        ews_url = "http://mail.contoso.com/EWS/Exchange.asmx"
        version = "Exchange2019"

        [calendar.office365]
        client_id = "not-a-guid"
        tenant_id = "00000000-0000-0000-0000-00000000000g"

        [watch]
        people = [
            "alice@contoso.com",
            "bob",
            "ALICE@contoso.com",
        ]
        """
    )
    errors = _errors(path)
    assert [(line, key) for line, key, _ in errors] == [
        (3, "calendar.provider"),
        (4, "calendar.refresh_interval_seconds"),
        (6, "calendar.exchange.ews_url"),
        (7, "calendar.exchange.version"),
        (10, "calendar.office365.client_id"),
        (11, "calendar.office365.tenant_id"),
        (16, "watch.people"),
        (17, "watch.people"),
    ]
    messages = [message for _, _, message in errors]
    assert messages[0] == "must be a string (got 3)"
    assert messages[1] == "must be between 15 and 3600 (got 5)"
    assert "credentials are never sent over plain http" in messages[2]
    assert messages[3].startswith("must be one of Exchange2007_SP1, Exchange2010,")
    assert "GUID" in messages[4]
    assert "Directory (tenant) ID" in messages[5]
    assert messages[6] == 'entry 2 is not an e-mail address like name@contoso.com (got "bob")'
    assert "repeats entry 1" in messages[7]


def test_problem_renders_path_line_key_and_message(write: Write) -> None:
    path = write(
        """
        [calendar]
        refresh_interval_seconds = 5
        """
    )
    with pytest.raises(SettingsError) as caught:
        load_settings(path)
    assert str(caught.value) == (
        f"{path}:2: calendar.refresh_interval_seconds: must be between 15 and 3600 (got 5)"
    )
    assert str(Problem(None, None, None, "odd", "warning")) == "warning: odd"


def test_dotted_and_inline_keys_are_located(write: Write) -> None:
    path = write(
        """
        calendar.provider = "graph"
        calendar.refresh_interval_seconds = 1
        network = { ca_bundle = "", timeout_seconds = 1000 }
        calendar.graph = { client_id = "", tenant_id = "x" }  # a comment
        """
    )
    assert [(line, key) for line, key, _ in _errors(path)] == [
        (2, "calendar.refresh_interval_seconds"),
        (4, "calendar.graph.tenant_id"),
        (3, "network.timeout_seconds"),
    ]


def test_a_table_written_as_a_value_and_a_value_written_as_a_table(write: Write) -> None:
    path = write(
        """
        watch = "everyone"
        [calendar.provider]
        name = "exchange"
        """
    )
    assert _errors(path) == [
        (1, "watch", 'must be a table [watch] (got "everyone")'),
        (2, "calendar.provider", "must be a string (got a table)"),
    ]


def test_unknown_keys_are_warnings_with_lines_and_kept(write: Write) -> None:
    path = write(
        """
        colour = "blue"
        [calendar]
        provider = "exchange"
        refresh_intervall_seconds = 30
        [calendar.myplugin]
        server = "https://plugin.example"
        [[watch.groups]]
        name = "Reception"
        """
    )
    result = load_settings(path)
    assert result.settings.calendar.provider == "exchange"
    assert [(w.line, w.key, w.severity, w.file) for w in result.warnings] == [
        (1, "colour", "warning", path),
        (4, "calendar.refresh_intervall_seconds", "warning", path),
        (5, "calendar.myplugin", "warning", path),
        (7, "watch.groups", "warning", path),
    ]
    assert result.warnings[1].message == (
        "is not a setting of this version of Attendant "
        '(did you mean "calendar.refresh_interval_seconds"?); it is kept but not used'
    )
    assert str(result.warnings[0]) == (
        f"{path}:1: warning: colour: is not a setting of this version of Attendant; "
        "it is kept but not used"
    )
    extra = dict(result.settings.extra)
    assert set(extra) == {
        "colour",
        "calendar.refresh_intervall_seconds",
        "calendar.myplugin",
        "watch.groups",
    }
    assert extra["calendar.myplugin"] == {"server": "https://plugin.example"}
    assert extra["watch.groups"] == ({"name": "Reception"},)


def test_secret_like_keys_are_warned_about_and_not_kept(write: Write) -> None:
    path = write(
        """
        [calendar.exchange]
        username = "reception"
        password = "hunter2"
        [calendar.myplugin]
        url = "https://plugin.example"
        api_token = "abc"
        """
    )
    result = load_settings(path)
    assert [(w.line, w.key) for w in result.warnings] == [
        (3, "calendar.exchange.password"),
        (4, "calendar.myplugin"),
        (6, "calendar.myplugin.api_token"),
    ]
    assert "secrets do not belong in the settings file" in result.warnings[0].message
    assert dict(result.settings.extra) == {"calendar.myplugin": {"url": "https://plugin.example"}}
    assert "hunter2" not in repr(result.settings)


def test_site_only_keys_in_the_user_file_are_warnings(write: Write) -> None:
    path = write('locked = ["calendar.provider"]\n')
    result = load_settings(path)
    assert result.locked == frozenset()
    [warning] = result.warnings
    assert (warning.line, warning.key) == (1, "locked")
    assert "only read from the machine-wide settings file" in warning.message


def test_a_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_bytes(b'\xef\xbb\xbf[calendar]\nprovider = "graph"\n')
    assert load_settings(path).settings.calendar.provider == "graph"


def test_a_file_that_is_not_utf8_is_an_error_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_bytes(b'[calendar]\nprovider = "gr\xe4ph"\n')
    assert _errors(path) == [(2, None, "is not UTF-8 text; save it as UTF-8")]


def test_a_folder_in_place_of_the_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.mkdir()
    [(line, key, message)] = _errors(path)
    assert (line, key) == (None, None)
    assert message.startswith("cannot be read: ")


def test_missing_schema_version_means_version_1(write: Write) -> None:
    result = load_settings(write('[calendar]\nprovider = "graph"\n'))
    assert result.warnings == ()
    assert result.settings.schema_version == CURRENT_SCHEMA_VERSION


def test_a_newer_schema_version_is_refused(write: Write) -> None:
    path = write(
        f"""
        # from the future
        schema_version = {CURRENT_SCHEMA_VERSION + 1}
        """
    )
    [(line, key, message)] = _errors(path)
    assert (line, key) == (2, "schema_version")
    assert "written by a newer version of Attendant" in message


@pytest.mark.parametrize("version", ['"1"', "true", "1.0"])
def test_schema_version_must_be_a_whole_number(write: Write, version: str) -> None:
    [(line, key, message)] = _errors(write(f"schema_version = {version}\n"))
    assert (line, key) == (1, "schema_version")
    assert message.startswith("must be a whole number")


def test_an_old_schema_version_without_a_migration_is_refused(write: Write) -> None:
    [(_, key, message)] = _errors(write("schema_version = 0\n"))
    assert (key, message) == ("schema_version", "schema_version 0 is not supported")


def _rename_interval(raw: dict[str, object]) -> dict[str, object]:
    """A version-0 file called the refresh interval "refresh"; version 1 does not."""
    calendar = raw.get("calendar")
    if isinstance(calendar, dict) and "refresh" in calendar:
        calendar["refresh_interval_seconds"] = calendar.pop("refresh")
    return raw


def test_old_files_are_migrated_in_order(write: Write, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(MIGRATIONS, 0, _rename_interval)
    path = write(
        """
        schema_version = 0
        [calendar]
        provider = "exchange"
        refresh = 300
        """
    )
    before = path.read_bytes()
    result = load_settings(path)
    assert result.settings.calendar.refresh_interval_seconds == 300
    assert result.settings.calendar.provider == "exchange"
    assert result.settings.schema_version == CURRENT_SCHEMA_VERSION
    assert result.warnings == ()
    assert path.read_bytes() == before  # loading never writes


def test_migrated_values_are_validated(write: Write, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(MIGRATIONS, 0, _rename_interval)
    path = write("schema_version = 0\n[calendar]\nrefresh = 1\n")
    [(line, key, message)] = _errors(path)
    assert key == "calendar.refresh_interval_seconds"
    assert line == 2  # the key's own line is gone after renaming: its table's line
    assert message == "must be between 15 and 3600 (got 1)"


def test_a_failing_migration_is_reported(write: Write, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(raw: dict[str, object]) -> dict[str, object]:
        raise ValueError("calendar.refresh must be a number")

    monkeypatch.setitem(MIGRATIONS, 0, refuse)
    [(line, key, message)] = _errors(write("schema_version = 0\n"))
    assert (line, key) == (1, "schema_version")
    assert message == (
        "cannot be upgraded from schema_version 0: calendar.refresh must be a number"
    )
