"""What support asks first, gathered in one place for ``attendant diagnose`` and Help ▸
Copy / Save diagnostics.

Gathering never fails and never writes: a settings file that is broken or missing is
reported, not raised; an unreadable log or state file is a line in the report. Everything
that leaves through :meth:`Diagnostics.text` or :func:`write_bundle` passes through
:func:`attendant.log.redact` (and the password in use, if any, is registered as a secret
first), and secret keys of the settings files have their values removed, so a bundle can be
mailed to support as it is. Qt-free: the window passes its Qt platform and version in.
"""

from __future__ import annotations

import json
import os
import platform
import re
import sys
import tomllib
import zipfile
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from attendant import __version__
from attendant.log import REDACTED, redact, register_secret
from attendant.paths import AppPaths
from attendant.providers.base import CheckStep
from attendant.services.lockout import STATE_FILE_NAME
from attendant.services.logtext import identity
from attendant.settings import (
    PASSWORD_ENV,
    LoadResult,
    SettingsError,
    get_password,
    load_settings,
)
from attendant.statefile import write_json

#: How many of the newest log lines a bundle carries.
LOG_LINES = 500
#: Where the newest check's results are kept (in the state folder).
LAST_CHECK_FILE = "last-check.json"

# A TOML line whose key names a secret: `password = "x"`, `"client_secret" = 'y'`, `token=z`.
_SECRET_LINE = re.compile(
    r"""^(?P<key>\s*["']?[\w.-]*(?:pass(?:word|wd)|secret|token)[\w.-]*["']?\s*=\s*)"""
    r"(?P<value>.+)$",
    re.IGNORECASE | re.MULTILINE,
)


@dataclass
class Diagnostics:
    """The report, as sections of ``(label, value)`` lines, plus the files of a bundle."""

    sections: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)
    settings_text: str | None = None
    site_settings_text: str | None = None
    log_tail: list[str] = field(default_factory=list)

    def text(self, *, with_log: bool = False) -> str:
        """The report as plain text (redacted); ``with_log`` appends the newest log lines."""
        out: list[str] = []
        for title, rows in self.sections:
            out.append(f"== {title}")
            width = max((len(label) for label, _ in rows), default=0)
            out.extend(f"{label:<{width}}  {value}" for label, value in rows)
            out.append("")
        if with_log:
            out.append(f"== The last {len(self.log_tail)} log lines")
            out.extend(self.log_tail)
        return redact("\n".join(out).rstrip() + "\n")


def strip_secrets(toml_text: str) -> str:
    """A settings file's text with the value of every secret-named key removed, redacted."""
    return redact(_SECRET_LINE.sub(lambda m: f'{m.group("key")}"{REDACTED}"', toml_text))


def save_last_check(
    state_dir: Path, origin: str, steps: list[CheckStep], when: datetime | None = None
) -> None:
    """Keep the newest check's results for diagnostics (best effort: never raises)."""
    record = {
        "origin": origin,
        "at": (when or datetime.now(UTC)).astimezone().isoformat(timespec="seconds"),
        "steps": [
            {"name": s.name, "result": s.result.value, "detail": redact(s.detail)} for s in steps
        ],
    }
    write_json(state_dir / LAST_CHECK_FILE, record)  # atomic; a failure is logged, not raised


def gather(
    paths: AppPaths,
    *,
    qt: str | None = None,
    now: datetime | None = None,
    log_lines: int = LOG_LINES,
) -> Diagnostics:
    """Everything support asks first; ``qt`` is e.g. "6.7.2 (platform xcb)" from the GUI."""
    now = now or datetime.now(UTC)
    report = Diagnostics()
    system = [
        ("Attendant", __version__),
        ("Python", f"{sys.version.split()[0]} ({sys.executable})"),
        ("System", f"{platform.platform()} ({platform.machine()})"),
        ("Qt", qt or "not loaded (command line)"),
        ("Generated", now.astimezone().isoformat(timespec="seconds")),
    ]
    report.sections.append(("Attendant", system))
    report.sections.append(
        ("Paths", [(name, _exists(Path(value))) for name, value in paths.as_dict().items()])
    )
    loaded, problem = _load(paths)
    _register_passwords(paths.config_file)
    report.sections.append(("Settings", _settings_rows(loaded, problem)))
    report.settings_text = _read_redacted(paths.config_file)
    report.site_settings_text = _read_redacted(paths.site_config_file)
    report.sections.append(("Credential blocks and back-offs", _blocks(paths.state_dir, now)))
    report.sections.append(("Last check", _last_check(paths.state_dir)))
    report.sections.append(("State folder", _state_files(paths.state_dir)))
    report.log_tail = _log_tail(paths.log_file, log_lines)
    return report


def write_bundle(report: Diagnostics, file: Path) -> None:
    """The support bundle: the report, the settings with secrets removed, the newest log
    lines. Raises OSError when ``file`` cannot be written."""
    with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("diagnostics.txt", report.text())
        if report.settings_text is not None:
            bundle.writestr("settings.toml", report.settings_text)
        if report.site_settings_text is not None:
            bundle.writestr("site-settings.toml", report.site_settings_text)
        bundle.writestr(
            "ApplicationLogFile-last-lines.txt", redact("\n".join(report.log_tail) + "\n")
        )


# ---------------------------------------------------------------------------------------


def _exists(path: Path) -> str:
    try:
        if path.is_file():
            return f"{path} ({path.stat().st_size} bytes)"
        return f"{path}" + ("" if path.exists() else " (does not exist)")
    except OSError as error:
        return f"{path} (cannot be read: {error.strerror})"


def _load(paths: AppPaths) -> tuple[LoadResult | None, SettingsError | OSError | None]:
    try:
        return load_settings(paths.config_file, site_path=paths.site_config_file), None
    except (SettingsError, OSError) as error:
        return None, error


def _settings_rows(loaded: LoadResult | None, problem: Exception | None) -> list[tuple[str, str]]:
    if loaded is None:
        lines = str(problem).splitlines() or ["unreadable"]
        return [
            ("State", "INVALID: the console shows no statuses until the file is fixed"),
            *[("Problem", line) for line in lines],
        ]
    settings = loaded.settings
    who = identity(settings)
    password_row: list[tuple[str, str]] = []
    if settings.calendar.provider == "exchange":
        username = settings.calendar.exchange.username
        password = get_password(username) if username else None
        source = (
            f"from {PASSWORD_ENV}"
            if os.environ.get(PASSWORD_ENV)
            else "in the keyring"
            if password
            else "none found (keyring empty or unavailable, and no " + PASSWORD_ENV + ")"
        )
        password_row.append(("Password", source))
    watch = settings.watch
    rows = [
        ("State", "valid" if loaded.exists else "no settings file yet: defaults"),
        ("Provider", who.provider),
        ("Server", who.server_url or "(none)"),
        ("Authentication", who.auth),
        ("Account", who.account),
        *password_row,
        (
            "Watch list",
            f"{len(watch.people)} people, {len(watch.rooms)} rooms, "
            f"{len(watch.room_lists)} room lists",
        ),
        ("Refresh interval", f"{settings.calendar.refresh_interval_seconds} s"),
        ("Timeout", f"{settings.network.timeout_seconds} s"),
        ("Extra CA bundle", settings.network.ca_bundle or "(none)"),
    ]
    if loaded.site_source is not None:
        rows.append(("Managed by", f"{loaded.managed_by or '?'} ({loaded.site_source})"))
        rows.append(("Locked keys", ", ".join(sorted(loaded.locked)) or "(none)"))
    rows.extend(("Warning", str(w)) for w in loaded.warnings)
    return rows


def _register_passwords(config_file: Path) -> None:
    """Redact the password in use wherever it appears, even when the file is invalid."""
    from_environment = os.environ.get(PASSWORD_ENV)
    if from_environment:
        register_secret(from_environment)
    try:
        data = tomllib.loads(config_file.read_text(encoding="utf-8"))
        username = data["calendar"]["exchange"]["username"]
    except (OSError, ValueError, KeyError, TypeError):
        return
    if isinstance(username, str) and username:
        password = get_password(username)
        if password:
            register_secret(password)


def _read_redacted(path: Path) -> str | None:
    try:
        return strip_secrets(path.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return None


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        return error


def _blocks(state_dir: Path, now: datetime) -> list[tuple[str, str]]:
    data = _read_json(state_dir / STATE_FILE_NAME)
    if data is None:
        return [("In force", "none")]
    if not isinstance(data, dict):
        return [("State file", f"unreadable: {data}")]
    rows: list[tuple[str, str]] = []
    rejected = data.get("rejected") or {}
    for provider, record in sorted(rejected.items() if isinstance(rejected, dict) else []):
        record = record if isinstance(record, dict) else {}
        rows.append(
            (
                f"Blocked ({provider})",
                f"credentials rejected at {_when(record.get('at'))}: {record.get('message', '')}"
                ' (lifted by new credentials or "Retry now")',
            )
        )
    throttled = data.get("throttled") or {}
    for provider, until in sorted(throttled.items() if isinstance(throttled, dict) else []):
        try:
            ends = datetime.fromisoformat(str(until))
        except ValueError:
            continue
        if ends > now:
            rows.append((f"Back-off ({provider})", f"nothing is sent before {_when(ends)}"))
    return rows or [("In force", "none")]


def _when(value: object) -> str:
    try:
        at = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return at.astimezone().isoformat(timespec="seconds")


def _last_check(state_dir: Path) -> list[tuple[str, str]]:
    data = _read_json(state_dir / LAST_CHECK_FILE)
    if not isinstance(data, dict):
        return [("Result", "no check has been run on this desk")]
    rows = [("Run", f"{data.get('origin', '?')} at {data.get('at', '?')}")]
    for step in data.get("steps") or []:
        if isinstance(step, dict):
            rows.append(
                (
                    str(step.get("name", "?")),
                    f"{str(step.get('result', '?')).upper()}: {step.get('detail', '')}",
                )
            )
    return rows


def _state_files(state_dir: Path) -> list[tuple[str, str]]:
    """Every file of the state folder with its size (the name cache among them), and the
    number of names a JSON name cache holds."""
    try:
        files = sorted(p for p in state_dir.iterdir() if p.is_file())
    except OSError:
        return [("Files", "the state folder does not exist yet")]
    rows = []
    for path in files:
        size = path.stat().st_size
        detail = f"{size} bytes"
        if "name" in path.name.lower() and path.suffix == ".json":
            data = _read_json(path)
            # The name cache's own shape (services/names.py): {"version": 1, "names": {...}}.
            entries = data.get("names") if isinstance(data, dict) else None
            if isinstance(entries, dict):
                detail += f", {len(entries)} names"
        rows.append((path.name, detail))
    return rows or [("Files", "none")]


def _log_tail(log_file: Path, count: int) -> list[str]:
    try:
        with log_file.open(encoding="utf-8", errors="replace") as handle:
            return [line.rstrip("\n") for line in deque(handle, maxlen=count)]
    except OSError as error:
        return [f"(the log file cannot be read: {error.strerror or error})"]
