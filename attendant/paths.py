"""Where Attendant keeps its files on this machine.

This is the only module that asks :mod:`platformdirs`; everything else gets an
:class:`AppPaths` from the composition root, so tests can point the whole program at a
temporary directory (on Linux through the ``XDG_*`` variables) and ``attendant paths``
prints exactly what the program uses.

Asking never creates anything: :func:`app_paths` is a pure query and :func:`ensure_dirs`
is the one call that touches the disk.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from platformdirs import PlatformDirs

__all__ = ["APP_NAME", "AppPaths", "app_paths", "ensure_dirs"]

APP_NAME = "Attendant"

_CONFIG_NAME = "settings.toml"
_LOG_NAME = "ApplicationLogFile.txt"
_CACHE_FILE_NAME = "token_cache.bin"

_PRIVATE_DIR_MODE = 0o700


@dataclass(frozen=True)
class AppPaths:
    """The files and folders one user's Attendant reads and writes.

    ``site_config_file`` is the machine-wide settings file of a managed deployment; the
    program reads it but never creates or writes it.
    """

    config_file: Path
    site_config_file: Path
    log_file: Path
    token_cache: Path
    state_dir: Path

    def as_dict(self) -> dict[str, str]:
        """The paths as strings, in the order ``attendant paths`` prints them."""
        return {
            "config_file": str(self.config_file),
            "log_file": str(self.log_file),
            "token_cache": str(self.token_cache),
            "state_dir": str(self.state_dir),
            "site_config_file": str(self.site_config_file),
        }


def app_paths(config_file: Path | None = None) -> AppPaths:
    """Where the files live for the current user; ``config_file`` is ``--config FILE``.

    The override replaces only the settings file: the log, the token cache and the
    lockout/throttle state stay per-user, so a test configuration cannot bypass the
    lockout guard of the real one.
    """
    # appauthor=False: no "Attendant\\Attendant" nesting on Windows. roaming=False: the
    # token cache and lockout state belong to this machine, not to a roaming profile.
    dirs = PlatformDirs(APP_NAME, appauthor=False, roaming=False)
    if config_file is None:
        config = dirs.user_config_path / _CONFIG_NAME
    else:
        config = Path(config_file).expanduser().absolute()
    return AppPaths(
        config_file=config,
        site_config_file=dirs.site_config_path / _CONFIG_NAME,
        log_file=dirs.user_log_path / _LOG_NAME,
        token_cache=dirs.user_data_path / _CACHE_FILE_NAME,
        state_dir=dirs.user_state_path,
    )


def ensure_dirs(paths: AppPaths, *, settings_folder: bool = True) -> None:
    """Create the per-user folders that ``paths`` needs, private to the user.

    Creates the parent folders of the settings file, the log file and the token cache, and
    the state folder. ``settings_folder=False`` leaves the settings file's folder alone: a
    file named with ``--config`` is the admin's, and its folder is made only when the
    settings are saved there. Folders created here get mode 0o700 (ignored on Windows, where
    the per-user profile is already private); existing folders are left as they are. The
    machine-wide ``site_config_file`` is an administrator's business and is not touched.
    """
    folders = [paths.log_file.parent, paths.token_cache.parent, paths.state_dir]
    if settings_folder:
        folders.insert(0, paths.config_file.parent)
    for directory in folders:
        _make_private_dir(directory)


def _make_private_dir(directory: Path) -> None:
    """``mkdir -p`` that gives every folder it creates (not only the last) mode 0o700."""
    missing: list[Path] = []
    current = directory
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for folder in reversed(missing):
        folder.mkdir(mode=_PRIVATE_DIR_MODE, exist_ok=True)
    if not directory.is_dir():
        raise NotADirectoryError(f"{directory} exists and is not a folder")
