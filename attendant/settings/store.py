"""Reading, migrating and atomically writing the settings file.

Two files feed the settings: an optional machine-wide file an administrator deploys (which
may also lock keys) and the per-user file. Precedence is defaults < machine-wide < user,
except for locked keys, where the machine-wide value (or the default, when that file does not
set it) always wins.

A file that does not parse or validate raises :class:`SettingsError` listing every error with
file, line and key; it is kept as it is and never overwritten. Keys this version does not
know are warnings, and they are kept in :attr:`Settings.extra` so that saving writes them back.
Comments are not kept: saving rewrites the whole file, with every key and its title.
"""

from __future__ import annotations

import copy
import dataclasses
import difflib
import os
import re
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from attendant.settings.migrations import MIGRATIONS, RawSettings
from attendant.settings.model import (
    SECRET_KEY,
    Settings,
    default_settings,
    replace_path,
)
from attendant.settings.problems import Problem, SettingsError, Severity
from attendant.settings.render import settings_to_toml
from attendant.settings.schema import CURRENT_SCHEMA_VERSION, SCHEMA, show
from attendant.settings.tomlkeys import KeyPath, dotted, entry_path, key_lines, line_of
from attendant.statefile import open_temp, sweep_temp_files

_LEAVES: dict[KeyPath, str] = {tuple(key.split(".")): key for key in SCHEMA}
_TABLES: frozenset[KeyPath] = frozenset(
    path[:end] for path in _LEAVES for end in range(1, len(path))
)
_KNOWN = sorted(SCHEMA) + sorted(".".join(path) for path in _TABLES)
_SITE_ONLY: frozenset[KeyPath] = frozenset({("locked",), ("managed_by",)})
_DECODE_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


@dataclass(frozen=True, slots=True)
class LoadResult:
    """The settings in effect, what was odd about the files, and which keys are locked."""

    settings: Settings
    warnings: tuple[Problem, ...]
    #: Dotted keys the machine-wide file locks; the dialog shows them read-only.
    locked: frozenset[str]
    #: The per-user settings file (read if it exists, and the one to save to).
    source: Path
    #: Whether the per-user file exists; False on a first start.
    exists: bool
    #: Who manages this machine's settings, from the machine-wide file, for the dialog.
    managed_by: str | None = None
    #: The machine-wide file, when one was given and exists.
    site_source: Path | None = None


@dataclass
class _Document:
    """One file as read: its valid values, unknown keys and problems."""

    path: Path
    site: bool
    exists: bool = False
    #: The text that parsed; the lines of its keys are found only when a problem is reported.
    text: str = ""
    values: dict[str, object] = field(default_factory=dict)
    extra: dict[KeyPath, object] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    locked: set[str] = field(default_factory=set)
    managed_by: str | None = None
    _lines: dict[KeyPath, int] | None = None

    @property
    def lines(self) -> dict[KeyPath, int]:
        """The line of every key of :attr:`text`: a scan of the whole text, made once and
        only for a file with something to report (a watch list of a thousand entries
        costs tens of milliseconds to scan)."""
        if self._lines is None:
            self._lines = key_lines(self.text) if self.text else {}
        return self._lines

    def report(
        self,
        path: KeyPath | None,
        message: str,
        severity: Severity = "error",
        *,
        line: int | None = None,
    ) -> None:
        if line is None and path is not None:
            line = line_of(self.lines, path)
        key = None if path is None else dotted(path)
        self.problems.append(Problem(self.path, line, key, message, severity))

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.is_error]

    @property
    def warnings(self) -> list[Problem]:
        found = [problem for problem in self.problems if not problem.is_error]
        return sorted(found, key=lambda problem: problem.line or sys.maxsize)


def load_settings(path: Path, *, site_path: Path | None = None) -> LoadResult:
    """The settings from the per-user file ``path`` over the machine-wide file ``site_path``.

    A missing file counts as empty. Raises :class:`SettingsError` listing every error of both
    files when either does not parse or validate.
    """
    site = _read(site_path, site=True) if site_path is not None else None
    user = _read(path, site=False)
    errors = (site.errors if site else []) + user.errors
    if errors:
        raise SettingsError(site_path if site and site.errors else path, errors)

    warnings = (site.warnings if site else []) + user.warnings
    locked = frozenset(site.locked) if site else frozenset[str]()
    values = dict(site.values) if site else {}
    extra = dict(site.extra) if site else {}
    for key, value in user.values.items():
        if key in locked:
            line = line_of(user.lines, tuple(key.split(".")))
            message = (
                f"is locked by the machine-wide settings file {site_path}; "
                "the user value is ignored"
            )
            warnings.append(Problem(path, line, key, message, "warning"))
        else:
            values[key] = value
    for extra_path, value in user.extra.items():
        extra[extra_path] = _merge(extra.get(extra_path), value)

    settings = default_settings()
    for key, value in values.items():
        settings = replace_path(settings, key.split("."), value)
    frozen_extra = tuple(
        sorted(((dotted(p), _freeze(value)) for p, value in extra.items()), key=lambda kv: kv[0])
    )
    settings = dataclasses.replace(settings, extra=frozen_extra)
    return LoadResult(
        settings=settings,
        warnings=tuple(warnings),
        locked=locked,
        source=path,
        exists=user.exists,
        managed_by=site.managed_by if site else None,
        site_source=site_path if site and site.exists else None,
    )


def save_settings(settings: Settings, path: Path, *, locked_from: LoadResult | None = None) -> None:
    """Write ``settings`` to ``path`` atomically, with mode 0600 where that exists.

    Keys locked by ``locked_from``'s machine-wide file are left out, since they would be
    ignored. Raises SettingsError, and leaves the file untouched, when ``path`` exists but does
    not parse or validate, or when ``settings`` is invalid.
    """
    omit = locked_from.locked if locked_from is not None else frozenset[str]()
    try:
        text = settings_to_toml(settings, omit=omit)
    except SettingsError as error:
        raise SettingsError(path, error.problems) from error
    target = path.resolve() if path.is_symlink() else path
    if target.exists():
        try:
            load_settings(target)
        except SettingsError as error:
            note = Problem(
                path,
                None,
                None,
                "was not overwritten because it does not parse or validate; "
                "fix it or move it aside first",
            )
            raise SettingsError(path, (note, *error.problems)) from error
    target.parent.mkdir(parents=True, exist_ok=True)
    _write_atomically(target, text.encode("utf-8"))


# -- reading ------------------------------------------------------------------------------------


def _read(path: Path, *, site: bool) -> _Document:
    document = _Document(path, site)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return document
    except OSError as error:
        document.exists = True
        document.report(None, f"cannot be read: {error.strerror or error}")
        return document
    document.exists = True
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        document.report(None, "is not UTF-8 text; save it as UTF-8", line=line)
        return document
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        _report_syntax_error(document, error)
        return document
    document.text = text
    migrated = _migrate(document, raw)
    if migrated is not None:
        if site:
            _read_site_keys(document, migrated)
        _walk(document, migrated, ())
    return document


def _report_syntax_error(document: _Document, error: tomllib.TOMLDecodeError) -> None:
    message = str(error)
    match = _DECODE_POSITION.search(message)
    if match is None:
        document.report(None, f"is not valid TOML: {message}")
    else:
        message = f"{message[: match.start()]} (column {match.group(2)})"
        document.report(None, f"is not valid TOML: {message}", line=int(match.group(1)))


def _migrate(document: _Document, raw: RawSettings) -> RawSettings | None:
    key = ("schema_version",)
    version = raw.pop("schema_version", 1)
    if isinstance(version, bool) or not isinstance(version, int):
        document.report(key, f"must be a whole number (got {show(version)})")
        return None
    if version > CURRENT_SCHEMA_VERSION:
        document.report(
            key,
            f"the file was written by a newer version of Attendant (schema_version {version}; "
            f"this version reads up to {CURRENT_SCHEMA_VERSION}); update Attendant",
        )
        return None
    while version < CURRENT_SCHEMA_VERSION:
        migration = MIGRATIONS.get(version)
        if migration is None:
            document.report(key, f"schema_version {version} is not supported")
            return None
        try:
            raw = migration(copy.deepcopy(raw))
        except (ValueError, KeyError, TypeError) as error:
            document.report(key, f"cannot be upgraded from schema_version {version}: {error}")
            return None
        version += 1
    return raw


def _read_site_keys(document: _Document, raw: RawSettings) -> None:
    if "managed_by" in raw:
        managed_by = raw.pop("managed_by")
        if isinstance(managed_by, str):
            document.managed_by = managed_by
        else:
            document.report(("managed_by",), f"must be a string (got {show(managed_by)})")
    if "locked" not in raw:
        return
    locked = raw.pop("locked")
    if not isinstance(locked, list) or not all(isinstance(key, str) for key in locked):
        document.report(("locked",), f"must be a list of dotted keys (got {show(locked)})")
        return
    for key in locked:
        if key in SCHEMA:
            document.locked.add(key)
        elif tuple(key.split(".")) in _TABLES:
            document.locked.update(name for name in SCHEMA if name.startswith(key + "."))
        else:
            message = f"{show(key)} is not a setting and cannot be locked{_suggest(key)}"
            document.report(("locked",), message, "warning")


def _walk(document: _Document, table: Mapping[str, Any], prefix: KeyPath) -> None:
    for name, value in table.items():
        path = (*prefix, name)
        key = _LEAVES.get(path)
        if key is not None:
            spec = SCHEMA[key]
            errors = (
                spec.entry_errors(value)
                if spec.type is tuple
                else ((None, message) for message in spec.errors(value))
            )
            valid = True
            for number, message in errors:
                valid = False
                line = None if number is None else line_of(document.lines, entry_path(path, number))
                document.report(path, message, line=line)
            if valid:
                document.values[key] = spec.coerce(value)
        elif path in _TABLES:
            if isinstance(value, dict):
                _walk(document, value, path)
            else:
                document.report(path, f"must be a table [{dotted(path)}] (got {show(value)})")
        elif SECRET_KEY.search(name):
            _report_secret(document, path)
        else:
            if not document.site and path in _SITE_ONLY:
                message = "is only read from the machine-wide settings file"
            else:
                message = "is not a setting of this version of Attendant" + _suggest(dotted(path))
            document.report(path, f"{message}; it is kept but not used", "warning")
            document.extra[path] = _without_secrets(document, path, value)


def _report_secret(document: _Document, path: KeyPath) -> None:
    document.report(
        path,
        "secrets do not belong in the settings file: this key is ignored and is removed the "
        "next time the settings are saved (the password lives in the operating system's "
        "keyring, or in ATTENDANT_PASSWORD)",
        "warning",
    )


def _without_secrets(document: _Document, path: KeyPath, value: object) -> object:
    if isinstance(value, dict):
        kept: dict[str, object] = {}
        for name, item in value.items():
            if SECRET_KEY.search(name):
                _report_secret(document, (*path, name))
            else:
                kept[name] = _without_secrets(document, (*path, name), item)
        return kept
    if isinstance(value, list):
        return [_without_secrets(document, path, item) for item in value]
    return value


def _suggest(key: str) -> str:
    close = difflib.get_close_matches(key, _KNOWN, n=1, cutoff=0.75)
    return f' (did you mean "{close[0]}"?)' if close else ""


def _merge(base: object, over: object) -> object:
    if isinstance(base, dict) and isinstance(over, dict):
        merged = dict(base)
        for name, value in over.items():
            merged[name] = _merge(merged.get(name), value)
        return merged
    return over


def _freeze(value: object) -> object:
    if isinstance(value, Mapping):
        return MappingProxyType({name: _freeze(item) for name, item in value.items()})
    if isinstance(value, list | tuple):
        return tuple(_freeze(item) for item in value)
    return value


# -- writing ------------------------------------------------------------------------------------


def _write_atomically(target: Path, data: bytes) -> None:
    descriptor, temp = open_temp(target)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            if sys.platform != "win32":
                os.fchmod(stream.fileno(), 0o600)
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        temp.replace(target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    if sys.platform != "win32":
        _sync_directory(target.parent)
    sweep_temp_files(target.parent, target.name)


def _sync_directory(directory: Path) -> None:
    """Makes the rename durable; best effort, some file systems refuse."""
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)
