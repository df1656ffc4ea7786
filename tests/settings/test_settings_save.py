"""Saving: round trips, atomic replacement, 0600, and never overwriting a bad file."""

from __future__ import annotations

import dataclasses
import os
import string
import sys
import tempfile
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from attendant.domain import WatchEntry
from attendant.settings import (
    BUILTIN_PROVIDERS,
    EXCHANGE_VERSIONS,
    SCHEMA,
    CalendarSettings,
    ExchangeSettings,
    GraphSettings,
    NetworkSettings,
    Office365Settings,
    Settings,
    SettingsError,
    WatchSettings,
    default_settings,
    load_settings,
    save_settings,
    settings_to_toml,
    with_value,
)

Write = Callable[..., Path]
posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")


def _configured() -> Settings:
    settings = default_settings()
    for key, value in {
        "calendar.provider": "exchange",
        "calendar.refresh_interval_seconds": 45,
        "calendar.grant_basic_auth": True,
        "calendar.exchange.ews_url": "https://mail.contoso.com/EWS/Exchange.asmx",
        "calendar.exchange.username": 'CONTOSO\\reception "desk"',
        "calendar.exchange.auth": "ntlm",
        "calendar.graph.tenant_id": "contoso.onmicrosoft.com",
        "network.ca_bundle": "C:\\certs\\contoso ca.pem",
        "watch.people": ("alice@contoso.com", "bob@contoso.com"),
        "watch.room_lists": ("rooms-hq@contoso.com",),
    }.items():
        settings = with_value(settings, key, value)
    return settings


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "config" / "attendant" / "settings.toml"
    settings = _configured()
    save_settings(settings, path)
    result = load_settings(path)
    assert result.settings == settings
    assert result.warnings == ()
    assert result.exists


def test_the_whole_document_is_written_schema_version_first(tmp_path: Path) -> None:
    text = settings_to_toml(default_settings())
    statements = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert statements[0] == "schema_version = 2"
    for key in SCHEMA:
        assert f"\n{key.rpartition('.')[2]} = " in text, key
    assert "# Data refresh interval (seconds), 15 to 3600\nrefresh_interval_seconds = 60" in text
    document = tomllib.loads(text)
    assert document["calendar"]["exchange"]["version"] == "Exchange2013_SP1"
    assert document["watch"] == {"people": [], "rooms": [], "room_lists": []}


def test_no_secret_like_key_is_ever_written() -> None:
    text = settings_to_toml(_configured())
    document = tomllib.loads(text)

    def keys(node: object) -> list[str]:
        if isinstance(node, dict):
            return [name for name, value in node.items() for name in (name, *keys(value))]
        return []

    for name in keys(document):
        for word in ("password", "secret", "token"):
            assert word not in name.lower()


def test_settings_with_a_secret_in_extra_are_refused(tmp_path: Path) -> None:
    settings = dataclasses.replace(
        default_settings(), extra=(("calendar.exchange.password", "hunter2"),)
    )
    with pytest.raises(SettingsError, match="secrets are never written"):
        save_settings(settings, tmp_path / "settings.toml")
    assert not (tmp_path / "settings.toml").exists()


def test_invalid_settings_are_not_written(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    save_settings(default_settings(), path)
    before = path.read_bytes()
    bad = dataclasses.replace(
        default_settings(), calendar=CalendarSettings(refresh_interval_seconds=1)
    )
    with pytest.raises(SettingsError) as caught:
        save_settings(bad, path)
    assert caught.value.path == path
    assert [problem.key for problem in caught.value.problems] == [
        "calendar.refresh_interval_seconds"
    ]
    assert path.read_bytes() == before


def test_unknown_keys_survive_a_save(write: Write) -> None:
    path = write(
        """
        colour = "blue"
        [calendar]
        provider = "myplugin"
        [calendar.myplugin]
        server = "https://plugin.example"
        retries = [1, 2, 3]
        [calendar.exchange]
        ews_url = "https://mail.contoso.com/EWS/Exchange.asmx"
        legacy_flag = true
        [[watch.groups]]
        name = "Reception"
        members = ["alice@contoso.com"]
        """
    )
    loaded = load_settings(path)
    changed = with_value(loaded.settings, "calendar.refresh_interval_seconds", 90)
    save_settings(changed, path)

    reloaded = load_settings(path)
    assert reloaded.settings == changed
    assert sorted(str(warning.key) for warning in reloaded.warnings) == sorted(
        str(warning.key) for warning in loaded.warnings
    )
    document = tomllib.loads(path.read_text(encoding="utf-8"))
    assert document["colour"] == "blue"
    assert document["calendar"]["myplugin"] == {
        "server": "https://plugin.example",
        "retries": [1, 2, 3],
    }
    assert document["calendar"]["exchange"]["legacy_flag"] is True
    assert document["watch"]["groups"] == [{"name": "Reception", "members": ["alice@contoso.com"]}]
    assert document["calendar"]["refresh_interval_seconds"] == 90


def test_secret_keys_read_from_a_file_are_dropped_on_save(write: Write) -> None:
    path = write('[calendar.exchange]\nusername = "reception"\npassword = "hunter2"\n')
    save_settings(load_settings(path).settings, path)
    text = path.read_text(encoding="utf-8")
    assert "hunter2" not in text
    assert load_settings(path).warnings == ()
    assert load_settings(path).settings.calendar.exchange.username == "reception"


@pytest.mark.parametrize(
    "text",
    [
        "[calendar\nprovider = 'exchange'\n",  # does not parse
        "[calendar]\nrefresh_interval_seconds = 5\n",  # does not validate
        "schema_version = 99\n",  # written by a newer Attendant
    ],
)
def test_an_invalid_file_is_never_overwritten(write: Write, text: str) -> None:
    path = write(text)
    before = path.read_bytes()
    with pytest.raises(SettingsError) as caught:
        save_settings(_configured(), path)
    assert caught.value.path == path
    assert "was not overwritten" in caught.value.problems[0].message
    assert len(caught.value.problems) >= 2  # the note, then what is wrong with the file
    assert path.read_bytes() == before
    assert sorted(entry.name for entry in path.parent.iterdir()) == ["settings.toml"]


def test_a_valid_file_with_warnings_may_be_overwritten(write: Write) -> None:
    path = write('typo = 1\n[calendar]\nprovider = "graph"\n')
    loaded = load_settings(path)
    assert [warning.key for warning in loaded.warnings] == ["typo"]
    save_settings(with_value(loaded.settings, "calendar.provider", "exchange"), path)
    reloaded = load_settings(path).settings
    assert reloaded.calendar.provider == "exchange"
    assert reloaded.extra == (("typo", 1),)


def test_save_is_atomic_and_private(tmp_path: Path) -> None:
    folder = tmp_path / "new" / "folder"
    path = folder / "settings.toml"
    save_settings(default_settings(), path)
    save_settings(_configured(), path)
    assert sorted(entry.name for entry in folder.iterdir()) == ["settings.toml"]
    if sys.platform != "win32":
        assert path.stat().st_mode & 0o777 == 0o600


@posix_only
def test_save_tightens_the_mode_of_an_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text("", encoding="utf-8")
    path.chmod(0o644)
    save_settings(default_settings(), path)
    assert path.stat().st_mode & 0o777 == 0o600


def test_a_value_toml_cannot_hold_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    save_settings(default_settings(), path)
    before = path.read_bytes()
    bad_extra = dataclasses.replace(_configured(), extra=(("when", object()),))
    with pytest.raises(TypeError):
        save_settings(bad_extra, path)
    assert path.read_bytes() == before
    assert sorted(entry.name for entry in tmp_path.iterdir()) == ["settings.toml"]


@posix_only
def test_a_symlinked_settings_file_stays_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "dotfiles" / "attendant.toml"
    real.parent.mkdir()
    save_settings(default_settings(), real)
    link = tmp_path / "settings.toml"
    link.symlink_to(real)
    save_settings(_configured(), link)
    assert link.is_symlink()
    assert load_settings(real).settings == _configured()


# -- property: any valid settings survive save and load --------------------------------------

_addresses = st.builds(
    "{}@{}.{}".format,
    st.text(string.ascii_letters + string.digits + "._%+-", min_size=1, max_size=12),
    st.from_regex(r"[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True),
    st.sampled_from(["com", "org", "co.uk", "onmicrosoft.com"]),
)
_address_lists = st.lists(_addresses, max_size=6, unique_by=str.casefold).map(tuple)
_text = st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=20).filter(
    lambda value: value == value.strip()
)
_detail = st.one_of(
    st.none(),
    st.text(st.characters(exclude_categories=("Cc", "Cs")), min_size=1, max_size=20).filter(
        lambda value: value == value.strip() and value != ""
    ),
)
_people = st.lists(
    st.builds(WatchEntry, _addresses, name=_detail, phone=_detail, mobile=_detail,
              department=_detail, job_title=_detail),
    max_size=6, unique_by=lambda entry: entry.key,
).map(tuple)  # fmt: skip
_rooms = st.lists(
    st.builds(WatchEntry, _addresses, name=_detail, building=_detail, floor=_detail,
              capacity=st.one_of(st.none(), st.integers(1, 5000))),
    max_size=6, unique_by=lambda entry: entry.key,
).map(tuple)  # fmt: skip
_guids = st.one_of(st.just(""), st.uuids().map(str))
_https = st.one_of(
    st.just(""),
    st.builds("https://{}.contoso.com/{}".format, st.from_regex(r"[a-z]{1,8}", fullmatch=True),
              st.from_regex(r"[A-Za-z0-9/._-]{0,20}", fullmatch=True)),
)  # fmt: skip
_plugin_names = st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True)

_settings = st.builds(
    Settings,
    calendar=st.builds(
        CalendarSettings,
        provider=st.one_of(st.sampled_from(BUILTIN_PROVIDERS), _plugin_names),
        refresh_interval_seconds=st.integers(15, 3600),
        grant_basic_auth=st.booleans(),
        grant_modern_auth=st.booleans(),
        exchange=st.builds(
            ExchangeSettings,
            ews_url=_https,
            version=st.sampled_from(EXCHANGE_VERSIONS),
            username=_text,
            auth=st.sampled_from(["basic", "ntlm"]),
        ),
        office365=st.builds(Office365Settings, tenant_id=_guids, client_id=_guids, ews_url=_https),
        graph=st.builds(GraphSettings, tenant_id=_guids, client_id=_guids, graph_url=_https),
    ),
    network=st.builds(NetworkSettings, ca_bundle=_text, timeout_seconds=st.integers(5, 300)),
    watch=st.builds(WatchSettings, people=_people, rooms=_rooms, room_lists=_address_lists),
)


@hypothesis_settings(max_examples=60, deadline=None)
@given(settings=_settings)
def test_any_valid_settings_survive_save_and_load(settings: Settings) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "settings.toml"
        save_settings(settings, path)
        result = load_settings(path)
        assert result.settings == settings
        assert result.warnings == ()
        assert os.listdir(folder) == ["settings.toml"]
