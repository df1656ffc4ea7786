"""Small JSON files in the per-user state folder, written atomically, read forgivingly.

What the console remembers between runs (favourites, sort and grouping, Graph user ids) is
not settings: it lives in the state folder, never in the settings file. A write goes to a
temporary file that replaces the old one, so a crash or a full disk never leaves half a
file; a missing or damaged file reads as nothing, and the program starts from defaults.

A write killed between creating its temporary file and the rename (power cut, SIGKILL,
the task manager) leaves that temporary file behind. Its name says whose it is —
``.<file>.<process id>.<random>.tmp`` — so the next write of the same file, and the next
start, remove the ones whose process is gone (or, where that cannot be asked, that are
older than an hour); a write still under way in another process is left alone.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from loguru import logger

#: A temporary file older than this is stale whoever made it: a write takes milliseconds.
STALE_SECONDS = 3600.0
#: ``.<file>.<pid>.<random>.tmp``, and the older ``.<file>.<random>.tmp`` (no pid) and the
#: lockout guard's ``.state-<random>.tmp``; ``<random>`` is what :func:`tempfile.mkstemp` makes.
_TEMP = re.compile(
    r"^\.(?:(?P<target>.+?)\.(?:(?P<pid>\d+)\.)?|state-)[a-z0-9_]{8}\.tmp$", re.IGNORECASE
)


def read_json(path: Path | None) -> Any:
    """The file's JSON value, or None when it is missing or damaged (logged, kept)."""
    if path is None:
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        logger.warning("State file {} cannot be read, starting afresh: {}", path, error)
        return None


def write_json(path: Path | None, value: Any) -> bool:
    """Replace ``path`` with ``value`` as JSON in one step; False (logged) when it fails."""
    if path is None:
        return False
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temp = open_temp(path)
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
                json.dump(value, stream, ensure_ascii=False, indent=1, sort_keys=True)
                stream.flush()
                os.fsync(stream.fileno())
            temp.replace(path)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
    except OSError as error:
        logger.warning("State file {} could not be written: {}", path, error)
        return False
    sweep_temp_files(path.parent, path.name)
    return True


def write_text(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8) in one step; raises OSError when it fails."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temp = open_temp(path)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        temp.replace(path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    sweep_temp_files(path.parent, path.name)


def open_temp(target: Path) -> tuple[int, Path]:
    """A new temporary file beside ``target``, named so that a sweep knows whose it is."""
    descriptor, name = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.name}.{os.getpid()}.", suffix=".tmp"
    )
    return descriptor, Path(name)


def sweep_temp_files(folder: Path, target: str | None = None) -> list[Path]:
    """Remove the temporary files of writes that were killed before their rename.

    Only names of the pattern above (of ``target`` alone, when given) are looked at; one is
    removed when the process that made it is gone, or when it is older than
    :data:`STALE_SECONDS`. Returns what was removed (logged); never raises.
    """
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        found = _TEMP.match(entry.name)
        if found is None or (target is not None and found["target"] != target):
            continue
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            pid = int(found["pid"]) if found["pid"] else None
            if not _gone(pid) and now - entry.stat().st_mtime < STALE_SECONDS:
                continue
            Path(entry.path).unlink()
        except OSError:
            continue
        removed.append(Path(entry.path))
    if removed:
        logger.info(
            "Removed {} temporary file(s) of interrupted writes in {}: {}",
            len(removed),
            folder,
            ", ".join(p.name for p in removed),
        )
    return removed


def _gone(pid: int | None) -> bool:
    """True when ``pid`` is known not to run any more (never for this process)."""
    if pid is None or pid == os.getpid() or sys.platform == "win32":
        return False  # Windows: os.kill would end the process; the age decides there
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False  # PermissionError: it runs, as someone else
    return False
