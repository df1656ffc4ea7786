"""attendant.paths: where the files live, without creating anything until asked."""

from __future__ import annotations

import stat
import sys
from pathlib import Path

import pytest

from attendant.paths import APP_NAME, AppPaths, app_paths, ensure_dirs

xdg_only = pytest.mark.skipif(
    sys.platform in ("win32", "darwin"), reason="XDG variables apply to Linux/BSD only"
)


@pytest.fixture
def xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """Point the XDG base directories at folders under tmp_path that do not exist yet."""
    dirs = {
        "XDG_CONFIG_HOME": tmp_path / "config",
        "XDG_DATA_HOME": tmp_path / "data",
        "XDG_STATE_HOME": tmp_path / "state",
        "XDG_CACHE_HOME": tmp_path / "cache",
        "XDG_CONFIG_DIRS": tmp_path / "etc-xdg",
    }
    for name, folder in dirs.items():
        monkeypatch.setenv(name, str(folder))
    return dirs


def _all_paths(paths: AppPaths) -> list[Path]:
    return [
        paths.config_file,
        paths.site_config_file,
        paths.log_file,
        paths.token_cache,
        paths.state_dir,
    ]


@xdg_only
def test_every_path_follows_the_xdg_variables(xdg: dict[str, Path]) -> None:
    paths = app_paths()

    assert paths.config_file == xdg["XDG_CONFIG_HOME"] / APP_NAME / "settings.toml"
    assert paths.site_config_file == xdg["XDG_CONFIG_DIRS"] / APP_NAME / "settings.toml"
    assert paths.token_cache == xdg["XDG_DATA_HOME"] / APP_NAME / "token_cache.bin"
    assert paths.state_dir == xdg["XDG_STATE_HOME"] / APP_NAME
    assert paths.log_file.name == "ApplicationLogFile.txt"
    assert paths.log_file.is_relative_to(xdg["XDG_STATE_HOME"] / APP_NAME)


@xdg_only
def test_no_author_folder_and_app_name_once(xdg: dict[str, Path]) -> None:
    for path in _all_paths(app_paths()):
        assert path.parts.count(APP_NAME) == 1, path


def test_config_override_replaces_only_the_settings_file(
    xdg: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    default = app_paths()
    custom = tmp_path / "elsewhere" / "test-settings.toml"

    paths = app_paths(custom)

    assert paths.config_file == custom
    assert paths.log_file == default.log_file
    assert paths.token_cache == default.token_cache
    assert paths.state_dir == default.state_dir
    assert paths.site_config_file == default.site_config_file

    monkeypatch.chdir(tmp_path)
    relative = app_paths(Path("relative.toml"))
    assert relative.config_file == tmp_path / "relative.toml"
    assert relative.config_file.is_absolute()


def test_as_dict_keys_in_print_order(xdg: dict[str, Path]) -> None:
    paths = app_paths()

    mapping = paths.as_dict()

    assert list(mapping) == [
        "config_file",
        "log_file",
        "token_cache",
        "state_dir",
        "site_config_file",
    ]
    assert mapping["config_file"] == str(paths.config_file)
    assert mapping["log_file"] == str(paths.log_file)
    assert mapping["token_cache"] == str(paths.token_cache)
    assert mapping["state_dir"] == str(paths.state_dir)
    assert mapping["site_config_file"] == str(paths.site_config_file)
    assert all(isinstance(value, str) for value in mapping.values())


def test_app_paths_creates_nothing(xdg: dict[str, Path], tmp_path: Path) -> None:
    before = sorted(tmp_path.rglob("*"))

    paths = app_paths()
    app_paths(tmp_path / "custom" / "settings.toml")

    assert sorted(tmp_path.rglob("*")) == before
    for path in _all_paths(paths):
        assert not path.exists()


def test_ensure_dirs_creates_private_folders(xdg: dict[str, Path]) -> None:
    paths = app_paths()

    ensure_dirs(paths)

    for folder in (
        paths.config_file.parent,
        paths.log_file.parent,
        paths.token_cache.parent,
        paths.state_dir,
    ):
        assert folder.is_dir(), folder
        if sys.platform != "win32":
            assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    # Files are not created, and the machine-wide settings are left to the administrator.
    assert not paths.config_file.exists()
    assert not paths.log_file.exists()
    assert not paths.token_cache.exists()
    assert not paths.site_config_file.parent.exists()


def test_ensure_dirs_is_idempotent_and_keeps_existing_modes(
    xdg: dict[str, Path], tmp_path: Path
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    paths = app_paths(shared / "settings.toml")

    ensure_dirs(paths)
    ensure_dirs(paths)

    assert paths.state_dir.is_dir()
    if sys.platform != "win32":
        assert stat.S_IMODE(shared.stat().st_mode) == 0o755


def test_ensure_dirs_refuses_a_file_in_the_way(xdg: dict[str, Path], tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder", encoding="utf-8")
    paths = app_paths(blocker / "settings.toml")

    with pytest.raises(OSError):
        ensure_dirs(paths)
