"""Small JSON files in the per-user state folder, written atomically, read forgivingly.

What the console remembers between runs (favourites, sort and grouping, Graph user ids) is
not settings: it lives in the state folder, never in the settings file. A write goes to a
temporary file that replaces the old one, so a crash or a full disk never leaves half a
file; a missing or damaged file reads as nothing, and the program starts from defaults.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from loguru import logger


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
        descriptor, temp_name = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
        )
        temp = Path(temp_name)
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
    return True
