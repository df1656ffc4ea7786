"""Checks of single setting values, and how a value is shown in a message.

The schema in :mod:`attendant.settings.schema` names these checks beside each key; they live
here so that the schema reads as a list of settings.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from urllib.parse import urlsplit

import tomli_w

#: Built-in calendar providers; a provider plugin may register another identifier-like name.
BUILTIN_PROVIDERS: tuple[str, ...] = ("demo", "exchange", "office365", "graph")

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


def plain_text_problem(value: str) -> str | None:
    if value != value.strip():
        return f"must not start or end with spaces (got {show(value)})"
    if any(unicodedata.category(char) == "Cc" for char in value):
        return f"must not contain control characters (got {show(value)})"
    return None


def check_provider(value: str) -> str | None:
    if _PROVIDER_NAME.fullmatch(value):
        return None
    hint = f'; did you mean "{value.lower()}"?' if value.lower() in BUILTIN_PROVIDERS else ""
    return (
        f"must be one of {', '.join(BUILTIN_PROVIDERS)}, or the name of a provider plugin "
        f"(lowercase letters, digits and _) (got {show(value)}){hint}"
    )


def https_url(example: str, *, host_only: bool = False) -> Callable[[str], str | None]:
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


def check_client_id(value: str) -> str | None:
    if value == "" or _GUID.fullmatch(value):
        return None
    return (
        f"must be the Application (client) ID of the app registration, a GUID like "
        f"{_GUID_EXAMPLE} (got {show(value)})"
    )


def check_tenant_id(value: str) -> str | None:
    if value == "" or _GUID.fullmatch(value) or _DOMAIN.fullmatch(value):
        return None
    return (
        f"must be the Directory (tenant) ID, a GUID like {_GUID_EXAMPLE}, or a verified "
        f"domain like contoso.onmicrosoft.com (got {show(value)})"
    )


def check_address(value: str) -> str | None:
    if _ADDRESS.fullmatch(value):
        return None
    return f"is not an e-mail address like name@contoso.com (got {show(value)})"
