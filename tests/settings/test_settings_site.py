"""The machine-wide settings file: precedence, locked keys, managed_by, and its errors."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

from attendant.settings import (
    SCHEMA,
    SettingsError,
    default_settings,
    load_settings,
    save_settings,
    with_value,
)

Write = Callable[..., Path]

SITE = """
managed_by = "IT department, ext. 1234"
locked = ["calendar.provider", "calendar.exchange.ews_url"]

[calendar]
provider = "exchange"
refresh_interval_seconds = 300

[calendar.exchange]
ews_url = "https://mail.contoso.com/EWS/Exchange.asmx"
version = "Exchange2016"
"""


def test_defaults_then_site_then_user(write: Write) -> None:
    site = write(SITE, "site/settings.toml")
    user = write(
        """
        [calendar]
        refresh_interval_seconds = 30
        """
    )
    result = load_settings(user, site_path=site)
    calendar = result.settings.calendar
    assert calendar.provider == "exchange"  # site
    assert calendar.exchange.version == "Exchange2016"  # site
    assert calendar.refresh_interval_seconds == 30  # user over site
    assert calendar.exchange.auth == "basic"  # default
    assert result.locked == frozenset({"calendar.provider", "calendar.exchange.ews_url"})
    assert result.managed_by == "IT department, ext. 1234"
    assert (result.source, result.site_source, result.exists) == (user, site, True)
    assert result.warnings == ()


def test_site_file_applies_without_a_user_file(write: Write, tmp_path: Path) -> None:
    site = write(SITE, "site/settings.toml")
    result = load_settings(tmp_path / "missing.toml", site_path=site)
    assert result.exists is False
    assert result.settings.calendar.refresh_interval_seconds == 300


def test_a_missing_site_file_is_no_error(write: Write, tmp_path: Path) -> None:
    user = write('[calendar]\nprovider = "graph"\n')
    result = load_settings(user, site_path=tmp_path / "no-site.toml")
    assert result.settings.calendar.provider == "graph"
    assert (result.locked, result.managed_by, result.site_source) == (frozenset(), None, None)


def test_a_user_value_for_a_locked_key_is_ignored_with_a_warning(write: Write) -> None:
    site = write(SITE, "site/settings.toml")
    user = write(
        """
        [calendar]
        provider = "graph"
        [calendar.exchange]
        version = "Exchange2010"
        ews_url = "https://evil.example/EWS/Exchange.asmx"
        """
    )
    result = load_settings(user, site_path=site)
    assert result.settings.calendar.provider == "exchange"
    assert result.settings.calendar.exchange.ews_url == "https://mail.contoso.com/EWS/Exchange.asmx"
    assert result.settings.calendar.exchange.version == "Exchange2010"  # not locked
    assert [(w.file, w.line, w.key, w.severity) for w in result.warnings] == [
        (user, 2, "calendar.provider", "warning"),
        (user, 5, "calendar.exchange.ews_url", "warning"),
    ]
    assert result.warnings[0].message == (
        f"is locked by the machine-wide settings file {site}; the user value is ignored"
    )


def test_a_locked_key_the_site_does_not_set_keeps_its_default(write: Write) -> None:
    site = write('locked = ["network.timeout_seconds"]\n', "site/settings.toml")
    user = write("[network]\ntimeout_seconds = 100\n")
    result = load_settings(user, site_path=site)
    assert result.settings.network.timeout_seconds == SCHEMA["network.timeout_seconds"].default
    assert [w.key for w in result.warnings] == ["network.timeout_seconds"]


def test_locking_a_table_locks_every_key_in_it(write: Write, tmp_path: Path) -> None:
    site = write('locked = ["calendar.graph"]\n', "site/settings.toml")
    result = load_settings(tmp_path / "missing.toml", site_path=site)
    assert result.locked == frozenset(key for key in SCHEMA if key.startswith("calendar.graph."))


def test_unknown_keys_in_locked_are_warnings(write: Write, tmp_path: Path) -> None:
    site = write(
        """
        # deployed by IT
        locked = [
            "calendar.provider",
            "calendar.providr",
            "password",
        ]
        """,
        "site/settings.toml",
    )
    result = load_settings(tmp_path / "missing.toml", site_path=site)
    assert result.locked == frozenset({"calendar.provider"})
    assert [(w.file, w.line, w.key) for w in result.warnings] == [
        (site, 2, "locked"),
        (site, 2, "locked"),
    ]
    assert result.warnings[0].message == (
        '"calendar.providr" is not a setting and cannot be locked '
        '(did you mean "calendar.provider"?)'
    )


def test_unknown_keys_in_the_site_file_are_warnings_naming_it(write: Write, tmp_path: Path) -> None:
    site = write('[calendar]\nprovidr = "graph"\n', "site/settings.toml")
    result = load_settings(tmp_path / "missing.toml", site_path=site)
    [warning] = result.warnings
    assert (warning.file, warning.line, warning.key) == (site, 2, "calendar.providr")


@pytest.mark.parametrize(
    ("text", "line", "key"),
    [
        ('[calendar]\nprovider = "exchange"\nrefresh_interval_seconds = 1\n', 3, None),
        ('locked = "calendar.provider"\n', 1, "locked"),
        ("managed_by = 42\n", 1, "managed_by"),
        ("[calendar\n", 1, None),
    ],
)
def test_an_invalid_site_file_is_an_error_naming_it(
    write: Write, text: str, line: int, key: str | None
) -> None:
    site = write(text, "site/settings.toml")
    user = write('[calendar]\nprovider = "graph"\n')
    with pytest.raises(SettingsError) as caught:
        load_settings(user, site_path=site)
    assert caught.value.path == site
    [problem] = caught.value.problems
    assert (problem.file, problem.line) == (site, line)
    if key is not None:
        assert problem.key == key
    assert str(problem).startswith(f"{site}:{line}: ")


def test_errors_of_both_files_are_reported_together(write: Write) -> None:
    site = write("[network]\ntimeout_seconds = 1\n", "site/settings.toml")
    user = write("[network]\ntimeout_seconds = 1000\n")
    with pytest.raises(SettingsError) as caught:
        load_settings(user, site_path=site)
    assert caught.value.path == site
    assert [(p.file, p.line) for p in caught.value.problems] == [(site, 2), (user, 2)]


def test_save_leaves_locked_keys_out_of_the_user_file(write: Write) -> None:
    site = write(SITE, "site/settings.toml")
    user = write("[calendar]\nrefresh_interval_seconds = 30\n")
    loaded = load_settings(user, site_path=site)
    changed = with_value(loaded.settings, "watch.people", ("alice@contoso.com",))
    save_settings(changed, user, locked_from=loaded)

    document = tomllib.loads(user.read_text(encoding="utf-8"))
    assert "provider" not in document["calendar"]
    assert "ews_url" not in document["calendar"]["exchange"]
    assert document["calendar"]["refresh_interval_seconds"] == 30
    reloaded = load_settings(user, site_path=site)
    assert reloaded.warnings == ()
    assert reloaded.settings == changed


def test_an_invalid_site_file_does_not_stop_saving_a_valid_user_file(write: Write) -> None:
    write("[calendar\n", "site/settings.toml")
    user = write('[calendar]\nprovider = "graph"\n')
    save_settings(with_value(default_settings(), "calendar.provider", "office365"), user)
    assert load_settings(user).settings.calendar.provider == "office365"
