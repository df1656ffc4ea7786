"""Redaction: passwords, tokens and authorization headers never reach a log line.

:func:`redact` rewrites a formatted log line (message, exception text, traceback, a
library's own line) so that known secret shapes and every value passed to
:func:`register_secret` read ``[REDACTED]``. Key names stay, so the line stays readable.
"""

from __future__ import annotations

import html
import json
import re
import threading
from urllib.parse import quote, quote_plus

__all__ = ["REDACTED", "redact", "register_secret"]

REDACTED = "[REDACTED]"

_MIN_SECRET_LENGTH = 4
_NOT_REDACTED = re.escape(REDACTED)

# A quoted value: JSON or a Python repr (optionally bytes), or a JSON string inside a
# quoted string (\"...\", where an escaped quote is \\\" and a backslash \\\\).
_QUOTED = (
    r'(?:\\"(?:\\\\\\"|\\\\\\\\|\\\\[^\\"]|[^\\\n])*\\"'
    r"""|b?"(?:[^"\\\n]|\\.)*"|b?'(?:[^'\\\n]|\\.)*')"""
)
_UNQUOTED = rf"""(?!{_NOT_REDACTED})[^\s&,;'"<>)}}\]]+"""
# A key, maybe quoted (also as \"key\"), maybe with a prefix (new_password, ATTENDANT_PASSWORD).
_KEY_START = r"""(?:\\?["'])?(?<![A-Za-z0-9_-])[A-Za-z0-9_-]*?"""
_KEY_END = r"""(?:\\?["'])?\s*"""

_PW_KEYS = r"pass(?:word|wd)"
_CREDENTIAL_KEYS = (
    r"(?:access|refresh|id)[_-]?token|client[_-]?secret|client[_-]?assertion"
    r"|device[_-]?code|code[_-]?verifier"
)
_SENSITIVE_KEYS = rf"(?:{_PW_KEYS}|{_CREDENTIAL_KEYS})"

_XML_ELEMENT = re.compile(
    r"(?P<open><(?P<tag>(?:[\w.-]+:)?(?:Password|Passwd|ClientSecret|AccessToken|RefreshToken"
    r"|BinarySecurityToken))(?:\s[^>]*)?>)(?P<value>.*?)(?P<close></(?P=tag)\s*>)",
    re.IGNORECASE | re.DOTALL,
)
# Authorization: Bearer x / 'Authorization': 'Basic x' / "authorization": "NTLM x"
_AUTH_HEADER = re.compile(
    r"(?P<key>(?:\\?[\"'])?(?<![A-Za-z0-9_-])(?:proxy-)?authorization" + _KEY_END + r"[:=]\s*+)"
    rf"(?P<value>{_QUOTED}|(?!{_NOT_REDACTED})[^\s\"'][^\r\n\"']*)",
    re.IGNORECASE,
)
# password='x', "password": "x", refresh_token=x, "client_secret": "x"
_KEY_QUOTED_VALUE = re.compile(
    rf"(?P<key>{_KEY_START}{_SENSITIVE_KEYS}{_KEY_END}[:=]\s*+)"
    rf"(?P<value>(?!{_NOT_REDACTED}){_QUOTED})",
    re.IGNORECASE,
)
_KEY_EQUALS_VALUE = re.compile(
    rf"(?P<key>{_KEY_START}{_SENSITIVE_KEYS}{_KEY_END}=\s*+)(?P<value>{_UNQUOTED})",
    re.IGNORECASE,
)
# Only token keys with "key: value": "password: not set" is a sentence more often than not.
_CREDENTIAL_COLON_VALUE = re.compile(
    rf"(?P<key>{_KEY_START}(?:{_CREDENTIAL_KEYS}){_KEY_END}:\s*+)(?P<value>{_UNQUOTED})",
    re.IGNORECASE,
)
# The authorization code in a redirect URL or token request body (not "status code=401").
_QUERY_CODE = re.compile(
    rf"(?:(?<=[?&])|(?<=&amp;))(?P<key>code=)(?P<value>(?!{_NOT_REDACTED})[^&\s#'\"<]+)",
    re.IGNORECASE,
)
# "Bearer <token>" without a header name; the token must look like one (a digit, a
# base64/url symbol or a lower-to-upper case change), so "Basic authentication" survives.
_SCHEME_TOKEN = re.compile(
    r"(?P<scheme>\b(?i:bearer|basic|ntlm|negotiate))\s+"
    r"(?=[A-Za-z0-9._~+/-]*(?:[0-9+/=._~-]|[a-z][A-Z]))[A-Za-z0-9._~+/-]{8,}=*"
)
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*){1,3}")

_EMPTY_VALUES = frozenset({"None", "null", '""', "''", 'b""', "b''", '\\"\\"'})
_QUOTES = re.compile(r"""(?P<open>b?\\?["'])(?P<body>.*?)(?P<close>\\?["'])""", re.DOTALL)

_secrets_lock = threading.Lock()
_secrets: set[str] = set()
_secrets_pattern: re.Pattern[str] | None = None


def register_secret(value: str) -> None:
    """Redact ``value`` wherever it appears in the log from now on.

    For literal secrets known at run time, such as the password read from the keyring.
    Its JSON-, repr-, XML- and URL-escaped spellings are redacted too. Values shorter than
    four characters are ignored: redacting every "abc" would make the log unreadable.
    """
    if len(value) < _MIN_SECRET_LENGTH or value.isspace():
        return
    spellings = {
        value,
        json.dumps(value)[1:-1],
        json.dumps(value, ensure_ascii=False)[1:-1],
        repr(value)[1:-1],
        json.dumps(json.dumps(value))[3:-3],  # JSON inside a JSON string
        repr(json.dumps(value))[2:-2],  # JSON inside a repr
        html.escape(value, quote=True),
        html.escape(value, quote=False),
        quote(value, safe=""),
        quote_plus(value, safe=""),
    }
    global _secrets_pattern
    with _secrets_lock:
        _secrets.update(s for s in spellings if len(s) >= _MIN_SECRET_LENGTH)
        # Longest first, so a secret that contains another is redacted whole.
        ordered = sorted(_secrets, key=len, reverse=True)
        _secrets_pattern = re.compile("|".join(re.escape(s) for s in ordered))


def _mask_value(match: re.Match[str]) -> str:
    value = match.group("value")
    if value in _EMPTY_VALUES:
        return match.group(0)
    quoted = _QUOTES.fullmatch(value)
    if quoted is not None:
        masked = quoted.group("open") + REDACTED + quoted.group("close")
    else:
        masked = REDACTED
    return match.group("key") + masked


def _mask_xml(match: re.Match[str]) -> str:
    if not match.group("value").strip():
        return match.group(0)
    return match.group("open") + REDACTED + match.group("close")


def redact(text: str) -> str:
    """``text`` with passwords, tokens, authorization headers and registered secrets
    replaced by ``[REDACTED]``; key names stay, so the line still says what was there."""
    pattern = _secrets_pattern
    if pattern is not None:
        text = pattern.sub(REDACTED, text)
    text = _XML_ELEMENT.sub(_mask_xml, text)
    text = _AUTH_HEADER.sub(_mask_value, text)
    text = _KEY_QUOTED_VALUE.sub(_mask_value, text)
    text = _KEY_EQUALS_VALUE.sub(_mask_value, text)
    text = _CREDENTIAL_COLON_VALUE.sub(_mask_value, text)
    text = _QUERY_CODE.sub(_mask_value, text)
    text = _SCHEME_TOKEN.sub(lambda m: f"{m.group('scheme')} {REDACTED}", text)
    return _JWT.sub(REDACTED, text)
