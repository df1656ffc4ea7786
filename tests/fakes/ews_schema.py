"""Validation of EWS messages against Microsoft's messages.xsd/types.xsd.

The schema folder is not part of the repository: it sits beside the checkout
(``<checkout>/../shared/ews-schema``) or wherever ``ATTENDANT_EWS_SCHEMA_DIR`` points. When it is
absent, validation is skipped and the fake says so (``FakeEWS.schema_validation`` is False).
Loading the schema takes about a second, so it is loaded once per process and shared.

Tests whose point is that messages are valid carry the ``ews_schema`` marker: they are skipped
with a one-line reason when the schema is absent, and fail instead when
``ATTENDANT_REQUIRE_EWS_SCHEMA=1`` (as in ``.ci/run``), so CI cannot pass without them.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from xml.etree import ElementTree as ET

SCHEMA_DIR_ENV = "ATTENDANT_EWS_SCHEMA_DIR"
REQUIRE_SCHEMA_ENV = "ATTENDANT_REQUIRE_EWS_SCHEMA"

_lock = threading.Lock()
_cache: dict[Path, object] = {}


def repo_root() -> Path:
    return Path(__file__).resolve().parents[2]


def is_schema_dir(folder: Path) -> bool:
    return (folder / "messages.xsd").is_file() and (folder / "types.xsd").is_file()


def find_schema_dir() -> Path | None:
    """The folder holding messages.xsd and types.xsd, or None when it is not available.

    ``ATTENDANT_EWS_SCHEMA_DIR``, when set, is the only place looked at (an explicit override
    that points nowhere disables validation rather than silently using another copy).
    """
    env = os.environ.get(SCHEMA_DIR_ENV)
    folder = Path(env) if env else repo_root().parent / "shared" / "ews-schema"
    return folder.resolve() if is_schema_dir(folder) else None


def schema_required() -> bool:
    """Whether a missing schema is a failure rather than a reason to skip (CI)."""
    return os.environ.get(REQUIRE_SCHEMA_ENV, "") not in ("", "0")


def missing_schema_reason() -> str:
    """One line saying why schema tests do not run, and how to make them run."""
    env = os.environ.get(SCHEMA_DIR_ENV)
    where = f"{SCHEMA_DIR_ENV}={env}" if env else "../shared/ews-schema beside the checkout"
    return (
        f"Microsoft's EWS schema (messages.xsd, types.xsd) not found at {where}; "
        f"point {SCHEMA_DIR_ENV} at it to run this test"
    )


def load_schema(folder: Path) -> object:
    """The compiled schema for *folder* (cached per process). Imports resolve to local files."""
    import xmlschema  # slow import; only when validation is actually used

    with _lock:
        schema = _cache.get(folder)
        if schema is None:
            # types.xsd imports xml.xsd by a relative schemaLocation; nothing is fetched.
            schema = xmlschema.XMLSchema(
                str(folder / "messages.xsd"), allow="local", defuse="always"
            )
            _cache[folder] = schema
        return schema


class Validator:
    """Validates single elements (a SOAP body payload, a SOAP header) by their global
    declaration, so the envelope itself needs no schema."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder if folder is not None and is_schema_dir(folder) else None
        self._schema = load_schema(self.folder) if self.folder else None

    @property
    def enabled(self) -> bool:
        return self._schema is not None

    def errors(self, elem: ET.Element) -> list[str]:
        """Human-readable violations of *elem* (empty when valid or validation is off)."""
        if self._schema is None:
            return []
        out = []
        for err in self._schema.iter_errors(elem):  # type: ignore[attr-defined]
            reason = getattr(err, "reason", None) or str(err).splitlines()[0]
            path = getattr(err, "path", None) or ""
            name = elem.tag.rpartition("}")[2]
            out.append(f"{name}: {reason} (at {path})")
        return out
