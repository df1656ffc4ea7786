"""The settings as frozen values, with their defaults taken from :data:`SCHEMA`.

Code reads settings from these objects, never from the TOML file. The dialog edits a copy
with :func:`with_value`, which validates each change against the schema.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

from attendant.domain import MeetingDetails, WatchEntry, WatchList
from attendant.settings.problems import Problem
from attendant.settings.schema import CURRENT_SCHEMA_VERSION, SCHEMA, field_spec
from attendant.settings.tomlkeys import KeyPath, dotted, split_dotted

#: Key names that must never be written to the settings file (secrets live in the keyring).
SECRET_KEY = re.compile(r"password|passwd|secret|token", re.IGNORECASE)

_T = TypeVar("_T")


def _default(key: str, kind: type[_T]) -> _T:
    value = SCHEMA[key].default
    if not isinstance(value, kind):  # pragma: no cover - a mistake in SCHEMA
        raise TypeError(f"SCHEMA[{key!r}].default is not a {kind.__name__}")
    return value


def _str(key: str) -> str:
    return _default(key, str)


def _int(key: str) -> int:
    return _default(key, int)


def _bool(key: str) -> bool:
    return _default(key, bool)


def _addresses(key: str) -> tuple[str, ...]:
    return _default(key, tuple)


def _entries(key: str) -> tuple[WatchEntry, ...]:
    return tuple(WatchEntry(address) for address in _addresses(key))


@dataclass(frozen=True, slots=True)
class ExchangeSettings:
    """On-premises Exchange through EWS; the password is in the keyring, not here."""

    ews_url: str = _str("calendar.exchange.ews_url")
    version: str = _str("calendar.exchange.version")
    username: str = _str("calendar.exchange.username")
    auth: str = _str("calendar.exchange.auth")


@dataclass(frozen=True, slots=True)
class Office365Settings:
    """Exchange Online through EWS with a delegated OAuth 2.0 token."""

    tenant_id: str = _str("calendar.office365.tenant_id")
    client_id: str = _str("calendar.office365.client_id")
    authority: str = _str("calendar.office365.authority")
    ews_url: str = _str("calendar.office365.ews_url")


@dataclass(frozen=True, slots=True)
class GraphSettings:
    """Exchange Online through Microsoft Graph with a delegated OAuth 2.0 token."""

    tenant_id: str = _str("calendar.graph.tenant_id")
    client_id: str = _str("calendar.graph.client_id")
    authority: str = _str("calendar.graph.authority")
    graph_url: str = _str("calendar.graph.graph_url")


@dataclass(frozen=True, slots=True)
class CalendarSettings:
    """Which provider answers free/busy, how often, and each built-in provider's section."""

    provider: str = _str("calendar.provider")
    refresh_interval_seconds: int = _int("calendar.refresh_interval_seconds")
    grant_basic_auth: bool = _bool("calendar.grant_basic_auth")
    grant_modern_auth: bool = _bool("calendar.grant_modern_auth")
    exchange: ExchangeSettings = ExchangeSettings()
    office365: Office365Settings = Office365Settings()
    graph: GraphSettings = GraphSettings()


@dataclass(frozen=True, slots=True)
class NetworkSettings:
    """Connection settings shared by every provider."""

    ca_bundle: str = _str("network.ca_bundle")
    timeout_seconds: int = _int("network.timeout_seconds")


@dataclass(frozen=True, slots=True)
class WatchSettings:
    """The mailboxes on the board: people and rooms with what the admin wrote about them."""

    people: tuple[WatchEntry, ...] = _entries("watch.people")
    rooms: tuple[WatchEntry, ...] = _entries("watch.rooms")
    room_lists: tuple[str, ...] = _addresses("watch.room_lists")


@dataclass(frozen=True, slots=True)
class PrivacySettings:
    """What the board and the commands show of a meeting (INTERFACES.md §2)."""

    meeting_details: str = _str("privacy.meeting_details")

    @property
    def details(self) -> MeetingDetails:
        """:attr:`meeting_details` as the domain's value; ``hide`` if invalid (fail closed)."""
        try:
            return MeetingDetails(self.meeting_details)
        except ValueError:
            return MeetingDetails.HIDE


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything in the settings file.

    ``extra`` keeps the keys this version does not know (a plugin provider's table, a key of
    a newer minor release, a typo) as ``(dotted key, value)`` pairs, so that saving does not
    lose what the user wrote; the loader reports each of them as a warning. Table values are
    read-only mappings and arrays are tuples.
    """

    schema_version: int = CURRENT_SCHEMA_VERSION
    calendar: CalendarSettings = CalendarSettings()
    network: NetworkSettings = NetworkSettings()
    watch: WatchSettings = WatchSettings()
    privacy: PrivacySettings = PrivacySettings()
    extra: tuple[tuple[str, object], ...] = ()

    def get(self, key: str) -> object:
        """The value of the setting ``key`` (dotted, a key of SCHEMA)."""
        field_spec(key)
        node: object = self
        for part in key.split("."):
            node = getattr(node, part)
        return node

    def watch_list(self) -> WatchList:
        """The watched mailboxes as the domain's value."""
        return WatchList(
            people=self.watch.people, rooms=self.watch.rooms, room_lists=self.watch.room_lists
        )


def find_secret_key(node: object, path: KeyPath = ()) -> str | None:
    """The dotted key of the first secret-like key name in the nested ``node``, or None."""
    if isinstance(node, Mapping):
        for name, value in node.items():
            if SECRET_KEY.search(name):
                return dotted((*path, name))
            found = find_secret_key(value, (*path, name))
            if found is not None:
                return found
    elif isinstance(node, list | tuple):
        for item in node:
            found = find_secret_key(item, path)
            if found is not None:
                return found
    return None


def default_settings() -> Settings:
    """The settings of a first start: the demo provider and nothing watched."""
    return Settings()


def replace_path(node: _T, parts: list[str], value: object) -> _T:
    """A copy of the dataclass ``node`` with the field at ``parts`` set, without validation."""
    head, *rest = parts
    if rest:
        value = replace_path(getattr(node, head), rest, value)
    return dataclasses.replace(node, **{head: value})  # type: ignore[type-var]


def with_value(settings: Settings, key: str, value: object) -> Settings:
    """A copy of ``settings`` with the setting ``key`` (dotted) set to ``value``.

    ValueError carries the schema's message when ``value`` is invalid; KeyError names an
    unknown key. A list is accepted where a tuple is expected.
    """
    spec = field_spec(key)
    message = spec.validate(value)
    if message is not None:
        raise ValueError(f"{key}: {message}")
    return replace_path(settings, key.split("."), spec.coerce(value))


def validate_settings(settings: Settings) -> tuple[Problem, ...]:
    """Every error in a settings object (which may have been built without validation)."""
    problems = [
        Problem(None, None, key, message)
        for key, spec in SCHEMA.items()
        for message in spec.errors(settings.get(key))
    ]
    if settings.schema_version != CURRENT_SCHEMA_VERSION:
        problems.append(
            Problem(
                None,
                None,
                "schema_version",
                f"must be {CURRENT_SCHEMA_VERSION} (got {settings.schema_version})",
            )
        )
    for key, value in settings.extra:
        secret = key if SECRET_KEY.search(key) else find_secret_key(value, split_dotted(key))
        if secret is not None:
            message = "secrets are never written to the settings file"
            problems.append(Problem(None, None, secret, message))
    return tuple(problems)
