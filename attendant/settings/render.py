"""The settings file as text: every key, ``schema_version`` first, each with its title.

``tomli_w`` writes the values; the titles, bounds and choices from the schema are added as
comments so that an admin editing the file by hand sees what each key means.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

import tomli_w

from attendant.domain import WatchEntry
from attendant.settings.entries import entry_table
from attendant.settings.model import Settings, find_secret_key, validate_settings
from attendant.settings.problems import SettingsError
from attendant.settings.schema import SCHEMA, SECTIONS
from attendant.settings.tomlkeys import KeyPath, key_lines, split_dotted


def settings_to_toml(settings: Settings, *, omit: Collection[str] = ()) -> str:
    """The settings file for ``settings``: every key, ``schema_version`` first, with titles.

    ``omit`` leaves out dotted keys (those a machine-wide file locks). Raises SettingsError
    when ``settings`` is invalid, and ValueError when an extra key collides with a setting.
    """
    problems = validate_settings(settings)
    if problems:
        raise SettingsError(None, problems)
    document: dict[str, Any] = {"schema_version": settings.schema_version}
    for key in SCHEMA:
        if key not in omit:
            _put(document, tuple(key.split(".")), _plain(settings.get(key)), key)
    for key, value in settings.extra:
        _put(document, split_dotted(key), value, key)
    secret = find_secret_key(document)
    if secret is not None:  # validate_settings should have caught it
        raise ValueError(f"refusing to write the secret-like key {secret} to a settings file")
    return _with_comments(tomli_w.dumps(document))


def _plain(value: object) -> object:
    """Watch entries as the file writes them (an address, or an inline table)."""
    if isinstance(value, tuple):
        return [entry_table(item) if isinstance(item, WatchEntry) else item for item in value]
    return value


def _put(document: dict[str, Any], path: KeyPath, value: object, key: str) -> None:
    node = document
    for part in path[:-1]:
        child = node.setdefault(part, {})
        if not isinstance(child, Mapping):
            raise ValueError(f"extra key {key} collides with the setting {part}")
        if not isinstance(child, dict):
            child = node[part] = dict(child)
        node = child
    if path[-1] in node:
        raise ValueError(f"extra key {key} collides with a setting")
    node[path[-1]] = value


_COMMENT_WIDTH = 100
_HEADER = """\
# Attendant settings. Attendant rewrites this file when settings are saved in the program;
# comments are not kept. Passwords are never stored here: they live in the operating
# system's keyring, or in the ATTENDANT_PASSWORD environment variable.
"""


def _with_comments(text: str) -> str:
    comments: dict[int, str] = {}
    lines = key_lines(text)
    for section, title in SECTIONS.items():
        line = lines.get(tuple(section.split(".")))
        if line is not None:
            comments[line] = f"# {title}"
    for key, spec in SCHEMA.items():
        line = lines.get(tuple(key.split(".")))
        if line is None:
            continue
        comment = f"# {spec.title}"
        if spec.choices is not None:
            comment += ": " + " | ".join(spec.choices)
            if spec.open_choices:
                comment += " | a provider plugin's name"
        if spec.minimum is not None and spec.maximum is not None:
            comment += f", {spec.minimum} to {spec.maximum}"
        if len(comment) > _COMMENT_WIDTH and ": " in comment:
            title, _, rest = comment.partition(": ")
            comment = f"{title}, one of:\n#   {rest}"
        comments[line] = comment
    out = [_HEADER, "\n"]
    for number, line_text in enumerate(text.splitlines(keepends=True), start=1):
        if number in comments:
            out.append(comments[number] + "\n")
        out.append(line_text)
    return "".join(out)
