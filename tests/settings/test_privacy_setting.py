"""``[privacy] meeting_details`` in the settings file."""

from __future__ import annotations

from pathlib import Path

import pytest

from attendant.domain import MeetingDetails
from attendant.settings import SettingsError, load_settings, save_settings, with_value
from attendant.settings.model import default_settings


@pytest.mark.parametrize("value", ["show", "busy_only", "hide"])
def test_each_value_is_read(tmp_path: Path, value: str) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(f'schema_version = 1\n\n[privacy]\nmeeting_details = "{value}"\n')
    settings = load_settings(path).settings
    assert settings.privacy.details is MeetingDetails(value)


def test_the_default_shows_details() -> None:
    assert default_settings().privacy.details is MeetingDetails.SHOW


def test_an_unknown_value_is_an_error_naming_the_key(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    text = 'schema_version = 1\n\n[privacy]\nmeeting_details = "Busy_Only"\n'
    path.write_text(text)
    with pytest.raises(SettingsError) as raised:
        load_settings(path)
    message = str(raised.value)
    assert "privacy.meeting_details" in message
    assert "show, busy_only, hide" in message and 'did you mean "busy_only"' in message
    assert path.read_text() == text  # never overwritten


def test_saved_and_read_back(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    settings = with_value(default_settings(), "privacy.meeting_details", "hide")
    save_settings(settings, path)
    assert 'meeting_details = "hide"' in path.read_text()
    assert load_settings(path).settings.privacy.details is MeetingDetails.HIDE
    with pytest.raises(ValueError, match=r"privacy\.meeting_details"):
        with_value(settings, "privacy.meeting_details", "secret")
