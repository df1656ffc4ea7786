"""Upgrades of older settings files, one schema version at a time.

When the file layout changes, :data:`~attendant.settings.schema.CURRENT_SCHEMA_VERSION` goes up
by one and ``MIGRATIONS[old]`` learns to turn a file of version ``old`` into one of
``old + 1``. The loader runs them in order, so a file of any older version keeps working. A
migration gets the parsed file without ``schema_version`` (a deep copy it may change) and
returns the new one; it may raise ValueError with a message for the admin.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

RawSettings = dict[str, Any]
Migration = Callable[[RawSettings], RawSettings]


def _entries_may_be_tables(raw: RawSettings) -> RawSettings:
    """Version 2 lets a watched person or room be a table with details (INTERFACES.md §2).

    Every version 1 file is a valid version 2 file: its plain addresses stay as they are. The
    file is rewritten as version 2 only when the admin saves, so that an older Attendant
    reading a file with tables says it was written by a newer version instead of rejecting
    the tables one by one.
    """
    return raw


#: ``MIGRATIONS[v]`` maps a file of schema version ``v`` to version ``v + 1``.
MIGRATIONS: dict[int, Migration] = {1: _entries_may_be_tables}
