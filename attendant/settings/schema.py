"""The one settings schema: every key's type, default, bounds, title and validation.

The settings dataclasses take their defaults from here, the settings dialog takes its labels
and inline validation from here, and the loader checks files against it, so that a bound or a
title is written down exactly once (as qutebrowser's ``configdata.yml`` does).

``schema_version`` is not in :data:`SCHEMA`: it describes the file, it is not a setting.
"""

from __future__ import annotations

import builtins
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import tomli_w

#: The version of the settings file layout this code writes. Older files are migrated.
CURRENT_SCHEMA_VERSION = 1

#: Built-in calendar providers; a provider plugin may register another identifier-like name.
BUILTIN_PROVIDERS: tuple[str, ...] = ("demo", "exchange", "office365", "graph")

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

_GUID_EXAMPLE = "00000000-0000-0000-0000-000000000000"
_GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)
_LABEL = r"[^\W_](?:(?:[^\W_]|-){0,61}[^\W_])?"
_TOP_LABEL = r"(?:[^\W\d_]{2,63}|xn--[a-z0-9-]{1,59})"
_DOMAIN = re.compile(rf"(?:{_LABEL}\.)+{_TOP_LABEL}", re.IGNORECASE)
_ADDRESS = re.compile(rf"[^\s@\"(),:;<>\[\]\\]{{1,64}}@(?:{_LABEL}\.)+{_TOP_LABEL}", re.IGNORECASE)
_PROVIDER_NAME = re.compile(r"[a-z][a-z0-9_]*")


def show(value: object) -> str:
    """``value`` as it would be written in TOML, shortened, for messages."""
    if isinstance(value, Mapping):
        return "a table"
    if isinstance(value, list | tuple):
        text = "[" + ", ".join(show(item) for item in value) + "]"
    else:
        try:
            text = tomli_w.dumps({"v": value}).removeprefix("v = ").strip()
        except (TypeError, ValueError):
            text = repr(value)
    return text if len(text) <= 80 else text[:79] + "…"


def _plain_text_problem(value: str) -> str | None:
    if value != value.strip():
        return f"must not start or end with spaces (got {show(value)})"
    if any(unicodedata.category(char) == "Cc" for char in value):
        return f"must not contain control characters (got {show(value)})"
    return None


def _check_provider(value: str) -> str | None:
    if _PROVIDER_NAME.fullmatch(value):
        return None
    hint = f'; did you mean "{value.lower()}"?' if value.lower() in BUILTIN_PROVIDERS else ""
    return (
        f"must be one of {', '.join(BUILTIN_PROVIDERS)}, or the name of a provider plugin "
        f"(lowercase letters, digits and _) (got {show(value)}){hint}"
    )


def _https_url(example: str, *, host_only: bool = False) -> Callable[[str], str | None]:
    def check(value: str) -> str | None:
        if value == "":
            return None
        try:
            parts = urlsplit(value)
            _ = parts.port  # raises ValueError for a port that is not a number in range
        except ValueError:
            return f"must be an https:// URL like {example} (got {show(value)})"
        if parts.scheme.lower() == "http":
            return (
                "must start with https:// because credentials are never sent over plain "
                f"http (got {show(value)})"
            )
        if parts.scheme.lower() != "https" or not parts.hostname:
            return f"must be an https:// URL like {example} (got {show(value)})"
        if parts.username is not None or parts.password is not None:
            return (
                "must not contain a user name or password; the password lives in the "
                "operating system's keyring"
            )
        if host_only and (parts.path not in ("", "/") or parts.query or parts.fragment):
            return (
                f"must be the sign-in host only, like {example}; the tenant goes in tenant_id "
                f"(got {show(value)})"
            )
        return None

    return check


def _check_client_id(value: str) -> str | None:
    if value == "" or _GUID.fullmatch(value):
        return None
    return (
        f"must be the Application (client) ID of the app registration, a GUID like "
        f"{_GUID_EXAMPLE} (got {show(value)})"
    )


def _check_tenant_id(value: str) -> str | None:
    if value == "" or _GUID.fullmatch(value) or _DOMAIN.fullmatch(value):
        return None
    return (
        f"must be the Directory (tenant) ID, a GUID like {_GUID_EXAMPLE}, or a verified "
        f"domain like contoso.onmicrosoft.com (got {show(value)})"
    )


def _check_address(value: str) -> str | None:
    if _ADDRESS.fullmatch(value):
        return None
    return f"is not an e-mail address like name@contoso.com (got {show(value)})"


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One setting: its dotted key, type, default, admin-facing title and validation.

    ``choices`` lists the accepted strings. With ``open_choices`` the choices are only the
    well-known values (the dialog offers them) and any value that passes ``check`` is accepted
    as well. ``check`` is an extra check of a string value, or of each entry of a tuple value;
    ``unique`` makes the entries of a tuple unique, ignoring case (e-mail addresses).
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
            return self._tuple_errors(value)
        raise TypeError(f"{self.key}: unsupported setting type {self.type!r}")

    def coerce(self, value: object) -> object:
        """``value`` in the type the settings dataclasses hold (a TOML array becomes a tuple)."""
        if self.type is tuple and isinstance(value, list | tuple):
            return tuple(value)
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
        plain = _plain_text_problem(value)
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

    def _tuple_errors(self, value: object) -> tuple[str, ...]:
        if not isinstance(value, list | tuple):
            return (f"must be a list of strings (got {show(value)})",)
        errors: list[str] = []
        seen: dict[str, int] = {}
        for number, item in enumerate(value, start=1):
            if not isinstance(item, str):
                errors.append(f"entry {number} must be a string (got {show(item)})")
                continue
            message = _plain_text_problem(item)
            if message is None and self.check is not None:
                message = self.check(item)
            if message is not None:
                errors.append(f"entry {number} {message}")
                continue
            if self.unique:
                folded = item.casefold()
                if folded in seen:
                    errors.append(
                        f"entry {number} {show(item)} repeats entry {seen[folded]} "
                        "(addresses are not case-sensitive)"
                    )
                else:
                    seen[folded] = number
        return tuple(errors)


def _specs(*specs: FieldSpec) -> dict[str, FieldSpec]:
    return {spec.key: spec for spec in specs}


_HTTPS_EWS = _https_url("https://mail.contoso.com/EWS/Exchange.asmx")
_HTTPS_AUTHORITY = _https_url("https://login.microsoftonline.com", host_only=True)
_HTTPS_GRAPH = _https_url("https://graph.microsoft.com")
_AUTHORITY_HELP = "The Entra ID sign-in host; national clouds have other hosts."
_ADDRESS_HELP = "E-mail addresses, one an entry."

#: Every setting, by dotted key, in the order the file and the dialog show them.
SCHEMA: dict[str, FieldSpec] = _specs(
    FieldSpec(
        "calendar.provider", str, "demo", "Calendar provider",
        "Where free/busy comes from: the built-in demo directory, on-premises Exchange, "
        "Exchange Online through EWS (office365) or Microsoft Graph (graph). The name of an "
        "installed provider plugin is accepted too.",
        choices=BUILTIN_PROVIDERS, open_choices=True, check=_check_provider,
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
        check=_check_tenant_id,
    ),
    FieldSpec(
        "calendar.office365.client_id", str, "", "Application (client) ID",
        "The app registration's ID, a GUID; it needs the delegated EWS.AccessAsUser.All "
        "permission.",
        check=_check_client_id,
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
        check=_check_tenant_id,
    ),
    FieldSpec(
        "calendar.graph.client_id", str, "", "Application (client) ID",
        "The app registration's ID, a GUID.",
        check=_check_client_id,
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
        "watch.people", tuple, (), "People", f"The people to watch. {_ADDRESS_HELP}",
        check=_check_address, unique=True,
    ),
    FieldSpec(
        "watch.rooms", tuple, (), "Rooms", f"Room mailboxes to watch. {_ADDRESS_HELP}",
        check=_check_address, unique=True,
    ),
    FieldSpec(
        "watch.room_lists", tuple, (), "Room lists",
        f"Room lists; every room of these lists is watched. {_ADDRESS_HELP}",
        check=_check_address, unique=True,
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
