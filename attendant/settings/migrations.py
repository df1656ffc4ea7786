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

#: ``MIGRATIONS[v]`` maps a file of schema version ``v`` to version ``v + 1``.
#: Version 1 is the first version; there is nothing to migrate yet.
MIGRATIONS: dict[int, Migration] = {}
