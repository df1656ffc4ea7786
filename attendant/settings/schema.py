"""The one settings schema: every key's type, default, bounds, title and validation.

The settings dataclasses take their defaults from here, the settings dialog takes its labels
and inline validation from here, and the loader checks files against it, so that a bound or a
title is written down exactly once (as qutebrowser's ``configdata.yml`` does).

``schema_version`` is not in :data:`SCHEMA`: it describes the file, it is not a setting.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from attendant.domain import PERSON_DETAILS, ROOM_DETAILS, WatchEntry
from attendant.settings.checks import (
    BUILTIN_PROVIDERS,
    check_address,
    check_client_id,
    check_provider,
    check_tenant_id,
    https_url,
    plain_text_problem,
    show,
)
from attendant.settings.entries import entry_address, entry_problems, to_entry

__all__ = ["BUILTIN_PROVIDERS", "CURRENT_SCHEMA_VERSION", "SCHEMA", "FieldSpec", "show"]

#: The version of the settings file layout this code writes. Older files are migrated.
CURRENT_SCHEMA_VERSION = 2

EXCHANGE_VERSIONS: tuple[str, ...] = (
    "Exchange2007_SP1",
    "Exchange2010",
    "Exchange2010_SP1",
    "Exchange2010_SP2",
    "Exchange2013",
    "Exchange2013_SP1",
    "Exchange2016",
)

#: Titles of the settings tables, for headings in the dialog and comments in the file.
SECTIONS: Mapping[str, str] = {
    "calendar": "Calendar",
    "calendar.exchange": "On-premises Exchange through EWS",
    "calendar.office365": "Exchange Online through EWS (Office 365), delegated OAuth 2.0",
    "calendar.graph": "Exchange Online through Microsoft Graph",
    "network": "Network",
    "watch": "Watched mailboxes",
    "privacy": "Privacy",
}


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One setting: its dotted key, type, default, admin-facing title and validation.

    ``choices`` lists the accepted strings. With ``open_choices`` the choices are only the
    well-known values (the dialog offers them) and any value that passes ``check`` is accepted
    as well. ``check`` is an extra check of a string value, or of each entry of a tuple value;
    ``unique`` makes the entries of a tuple unique, ignoring case (e-mail addresses).
    ``details`` lets an entry be a table of an address and those details (see ``entries``).
    """

    key: str
    type: builtins.type[object]
    default: object
    title: str
    description: str = ""
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] | None = None
    open_choices: bool = False
    secret: bool = False
    unique: bool = False
    #: The details an entry may carry as an inline table (watch entries); empty: strings only.
    details: tuple[str, ...] = ()
    check: Callable[[str], str | None] | None = field(default=None, repr=False, compare=False)

    @property
    def section(self) -> str:
        """The dotted table the key lives in, e.g. ``calendar.exchange``."""
        return self.key.rpartition(".")[0]

    @property
    def name(self) -> str:
        """The key's last part, also the dataclass field name."""
        return self.key.rpartition(".")[2]

    def validate(self, value: object) -> str | None:
        """The error message for ``value`` (all of them, joined by "; "), or None if valid."""
        errors = self.errors(value)
        return "; ".join(errors) if errors else None

    def errors(self, value: object) -> tuple[str, ...]:
        """Every error message for ``value``; empty when it is valid."""
        if self.type is bool:
            if isinstance(value, bool):
                return ()
            return (f"must be true or false (got {show(value)})",)
        if self.type is int:
            return self._int_errors(value)
        if self.type is str:
            if not isinstance(value, str):
                return (f"must be a string (got {show(value)})",)
            return self._str_errors(value)
        if self.type is tuple:
            return tuple(message for _number, message in self.entry_errors(value))
        raise TypeError(f"{self.key}: unsupported setting type {self.type!r}")

    def coerce(self, value: object) -> object:
        """``value`` in the type the settings dataclasses hold (a TOML array becomes a tuple)."""
        if self.type is tuple and isinstance(value, list | tuple):
            return tuple(to_entry(item) for item in value) if self.details else tuple(value)
        return value

    def _int_errors(self, value: object) -> tuple[str, ...]:
        if isinstance(value, bool) or not isinstance(value, int):
            return (f"must be a whole number (got {show(value)})",)
        low, high = self.minimum, self.maximum
        if (low is not None and value < low) or (high is not None and value > high):
            if low is not None and high is not None:
                return (f"must be between {low} and {high} (got {value})",)
            if low is not None:
                return (f"must be at least {low} (got {value})",)
            return (f"must be at most {high} (got {value})",)
        return ()

    def _str_errors(self, value: str) -> tuple[str, ...]:
        plain = plain_text_problem(value)
        if plain is not None:
            return (plain,)
        if self.choices is not None and value not in self.choices:
            if not self.open_choices:
                lowered = {choice.lower(): choice for choice in self.choices}
                hint = lowered.get(value.lower())
                suffix = f'; did you mean "{hint}"?' if hint else ""
                return (f"must be one of {', '.join(self.choices)} (got {show(value)}){suffix}",)
            if self.check is None:
                return ()
        if self.check is not None:
            message = self.check(value)
            if message is not None:
                return (message,)
        return ()

    def entry_errors(self, value: object) -> tuple[tuple[int | None, str], ...]:
        """Every error of the list ``value`` with the 1-based entry it is about (None: the list)."""
        if not isinstance(value, list | tuple):
            return ((None, f"must be a list of {self._entries_word} (got {show(value)})"),)
        errors: list[tuple[int | None, str]] = []
        seen: dict[str, int] = {}
        for number, item in enumerate(value, start=1):
            address = entry_address(item) if self.details else item
            if self.details and not isinstance(item, str):
                if not isinstance(item, Mapping | WatchEntry):
                    errors.append((number, f"entry {number} {self._entry_word} (got {show(item)})"))
                    continue
                problems = entry_problems(item, self.details)
                errors.extend((number, f"entry {number} {problem}") for problem in problems)
                if problems:
                    continue
            if not isinstance(address, str):
                errors.append((number, f"entry {number} {self._entry_word} (got {show(item)})"))
                continue
            message = plain_text_problem(address)
            if message is None and self.check is not None:
                message = self.check(address)
            if message is not None:
                errors.append((number, f"entry {number} {message}"))
                continue
            if self.unique:
                folded = address.casefold()
                if folded in seen:
                    errors.append(
                        (
                            number,
                            f"entry {number} {show(address)} repeats entry {seen[folded]} "
                            "(addresses are not case-sensitive)",
                        )
                    )
                else:
                    seen[folded] = number
        return tuple(errors)

    @property
    def _entries_word(self) -> str:
        return "addresses and tables" if self.details else "strings"

    @property
    def _entry_word(self) -> str:
        if self.details:
            return 'must be an address or a table like {address = "name@contoso.com", ...}'
        return "must be a string"


def _specs(*specs: FieldSpec) -> dict[str, FieldSpec]:
    return {spec.key: spec for spec in specs}


_HTTPS_EWS = https_url("https://mail.contoso.com/EWS/Exchange.asmx")
_HTTPS_AUTHORITY = https_url("https://login.microsoftonline.com", host_only=True)
_HTTPS_GRAPH = https_url("https://graph.microsoft.com")
_AUTHORITY_HELP = "The Entra ID sign-in host; national clouds have other hosts."
_ADDRESS_HELP = "E-mail addresses, one an entry."
_DETAILS_HELP = (
    "An entry may be a table with the address and {}; what is written there wins. A group "
    "puts the entry under that heading when the board is grouped by the watch list's groups."
)

#: Every setting, by dotted key, in the order the file and the dialog show them.
SCHEMA: dict[str, FieldSpec] = _specs(
    FieldSpec(
        "calendar.provider", str, "demo", "Calendar provider",
        "Where free/busy comes from: the built-in demo directory, on-premises Exchange, "
        "Exchange Online through EWS (office365) or Microsoft Graph (graph). The name of an "
        "installed provider plugin is accepted too.",
        choices=BUILTIN_PROVIDERS, open_choices=True, check=check_provider,
    ),
    FieldSpec(
        "calendar.refresh_interval_seconds", int, 60, "Data refresh interval (seconds)",
        "How often free/busy is fetched again. Shorter intervals put more load on the server.",
        minimum=15, maximum=3600,
    ),
    FieldSpec(
        "calendar.grant_basic_auth", bool, False, "Grant Basic Authentication",
        "Office 365: allow a user name and password (Exchange Online no longer accepts them;"
        " keep it off). On-premises Exchange always uses its user name and password.",
    ),
    FieldSpec(
        "calendar.grant_modern_auth", bool, True, "Grant Modern Authentication",
        "Allow signing in with OAuth 2.0 (Entra ID) for Office 365 and Microsoft Graph.",
    ),
    FieldSpec(
        "calendar.exchange.ews_url", str, "", "EWS URL",
        "The Exchange Web Services endpoint, e.g. https://mail.contoso.com/EWS/Exchange.asmx.",
        check=_HTTPS_EWS,
    ),
    FieldSpec(
        "calendar.exchange.version", str, "Exchange2013_SP1", "Exchange version",
        "The version of the Exchange server; requests are built for it.",
        choices=EXCHANGE_VERSIONS,
    ),
    FieldSpec(
        "calendar.exchange.username", str, "", "User name",
        "The account that reads free/busy, e.g. CONTOSO\\reception or reception@contoso.com. "
        "Its password lives in the operating system's keyring (or ATTENDANT_PASSWORD), never "
        "in the settings file.",
    ),
    FieldSpec(
        "calendar.exchange.auth", str, "basic", "Authentication method",
        "How the user name and password are sent: basic or ntlm.",
        choices=("basic", "ntlm"),
    ),
    FieldSpec(
        "calendar.office365.tenant_id", str, "", "Directory (tenant) ID",
        "A GUID, or a verified domain such as contoso.onmicrosoft.com.",
        check=check_tenant_id,
    ),
    FieldSpec(
        "calendar.office365.client_id", str, "", "Application (client) ID",
        "The app registration's ID, a GUID; it needs the delegated EWS.AccessAsUser.All "
        "permission.",
        check=check_client_id,
    ),
    FieldSpec(
        "calendar.office365.authority", str, "https://login.microsoftonline.com",
        "Sign-in authority", _AUTHORITY_HELP, check=_HTTPS_AUTHORITY,
    ),
    FieldSpec(
        "calendar.office365.ews_url", str, "https://outlook.office365.com/EWS/Exchange.asmx",
        "EWS URL", "The Exchange Online EWS endpoint.", check=_HTTPS_EWS,
    ),
    FieldSpec(
        "calendar.graph.tenant_id", str, "", "Directory (tenant) ID",
        "A GUID, or a verified domain such as contoso.onmicrosoft.com.",
        check=check_tenant_id,
    ),
    FieldSpec(
        "calendar.graph.client_id", str, "", "Application (client) ID",
        "The app registration's ID, a GUID.",
        check=check_client_id,
    ),
    FieldSpec(
        "calendar.graph.authority", str, "https://login.microsoftonline.com",
        "Sign-in authority", _AUTHORITY_HELP, check=_HTTPS_AUTHORITY,
    ),
    FieldSpec(
        "calendar.graph.graph_url", str, "https://graph.microsoft.com", "Microsoft Graph URL",
        "The Microsoft Graph endpoint; national clouds have other hosts.",
        check=_HTTPS_GRAPH,
    ),
    FieldSpec(
        "network.ca_bundle", str, "", "Extra trusted CA certificates (PEM file)",
        "CA certificates trusted in addition to the system's for every connection, e.g. the "
        "internal CA of an on-premises Exchange server. Empty: the system's only.",
    ),
    FieldSpec(
        "network.timeout_seconds", int, 30, "Network timeout (seconds)",
        "How long to wait for a server before giving up on a request.",
        minimum=5, maximum=300,
    ),
    FieldSpec(
        "watch.people", tuple, (), "People",
        f"The people to watch. {_ADDRESS_HELP} {_DETAILS_HELP.format(', '.join(PERSON_DETAILS))}",
        check=check_address, unique=True, details=PERSON_DETAILS,
    ),
    FieldSpec(
        "watch.rooms", tuple, (), "Rooms",
        f"Room mailboxes to watch. {_ADDRESS_HELP} {_DETAILS_HELP.format(', '.join(ROOM_DETAILS))}",
        check=check_address, unique=True, details=ROOM_DETAILS,
    ),
    FieldSpec(
        "watch.room_lists", tuple, (), "Room lists",
        f"Room lists; every room of these lists is watched. {_ADDRESS_HELP}",
        check=check_address, unique=True,
    ),
    FieldSpec(
        "privacy.meeting_details", str, "show", "Meeting details",
        "What the board and every command show of a meeting: show (subject and location as "
        "the server discloses them), busy_only (times and busy type) or hide (status only). "
        "A meeting marked private never shows its subject or location.",
        choices=("show", "busy_only", "hide"),
    ),
)  # fmt: skip


def field_spec(key: str) -> FieldSpec:
    """The spec of the setting ``key`` (dotted); KeyError names an unknown key."""
    try:
        return SCHEMA[key]
    except KeyError:
        raise KeyError(f"unknown setting {key!r}") from None


def validate_value(key: str, value: object) -> str | None:
    """The error message for ``value`` as the setting ``key``, or None; for inline validation."""
    return field_spec(key).validate(value)
