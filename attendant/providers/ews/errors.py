"""From what exchangelib and requests raise to :mod:`attendant.providers.errors`.

Two places decide: :class:`NoRetryPolicy` looks at every HTTP answer before exchangelib does
(a 401 raises at once, a 429/503 becomes a back-off with its ``Retry-After``, an HTML page
becomes a bad answer), and :func:`provider_error` maps whatever else escapes a request. The
XML of an answer is parsed strictly (:func:`strict_soap_root`) where it is read, which for
free/busy is not the thread that sent the request.
exchangelib's own policies are never used: ``FaultTolerance`` retries a 401 like a busy
server, which locks accounts, and ``FailFast`` drops ``Retry-After``.
"""

from __future__ import annotations

import email.utils
import re
import ssl
import threading
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import lxml.etree
import requests
from exchangelib import errors as ews_errors
from exchangelib.protocol import FailFast

from attendant.providers.errors import (
    BadResponse,
    CredentialsRejected,
    ProviderError,
    SettingsInvalid,
    Throttled,
    Unreachable,
)
from attendant.providers.tls import TLS_HINT

#: Back-off when the server says "busy" without saying for how long.
DEFAULT_BACK_OFF_SECONDS = 60.0
#: ErrorExceededConnectionCount: our other connections are still open; give them time.
CONNECTION_COUNT_BACK_OFF_SECONDS = 30.0

_LOCKED = "locked out"
_PARSERS = threading.local()
_CREDENTIALS_HINT = (
    "Check the user name and password in Settings; if the account is locked, ask the "
    'Exchange admin to unlock it, then press "Retry now".'
)


def retry_after_seconds(value: str | None, default: float) -> float:
    """``Retry-After`` as seconds: a number of seconds or an HTTP date."""
    if not value:
        return default
    try:
        return max(0.0, float(value.strip()))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return default
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def rejected(
    message: str,
    *,
    bearer: bool = False,
    response: Any = None,
    error: Any = None,
    server: str | None = None,
) -> CredentialsRejected:
    hint = (
        "Sign in again (Settings ▸ Sign in, or `attendant signin`); the app registration needs "
        "the delegated EWS.AccessAsUser.All permission with admin consent."
        if bearer
        else _CREDENTIALS_HINT
    )
    request = getattr(response, "request", None)
    url = str(getattr(request, "url", "") or "")
    code = type(error).__name__ if error is not None else None
    return CredentialsRejected(
        message,
        hint=hint,
        operation=ews_operation(getattr(request, "body", None)),
        status=getattr(response, "status_code", None),
        code=code if code not in (None, "UnauthorizedError") else None,
        server=urlsplit(url).hostname if url else server,
        locked_out=_LOCKED in message.lower(),
    )


_OPERATION = re.compile(rb"<(?:[\w.-]+:)?Body\b[^>]*>\s*<(?:[\w.-]+:)?(\w+)")


def ews_operation(body: Any) -> str | None:
    """The EWS operation a SOAP request asks for ("GetUserAvailability"), if it shows."""
    if isinstance(body, str):
        body = body.encode("utf-8", "replace")
    if not isinstance(body, bytes):
        return None
    found = _OPERATION.search(body[:4096])
    if found is None:
        return None
    name = found.group(1).decode("ascii", "replace")
    return name.removesuffix("Request") if name.endswith("Request") else name


class NoRetryPolicy(FailFast):  # type: ignore[misc]  # exchangelib is untyped
    """exchangelib's fail-fast policy with the HTTP statuses Attendant must tell apart."""

    def raise_response_errors(self, response: Any) -> None:
        status = response.status_code
        content = response.content or b""
        if status == 200:
            return  # read with strict_soap_root() where it is read
        if status == 401 or b"The referenced account is currently locked out" in content:
            scheme = response.request.headers.get("Authorization", "").partition(" ")[0]
            if b"locked out" in content:
                raise rejected("The Exchange account is locked out.", response=response)
            if scheme.lower() == "bearer":
                raise rejected(
                    "Exchange rejected the access token (HTTP 401).",
                    bearer=True,
                    response=response,
                )
            raise rejected(
                "Exchange rejected the user name or password (HTTP 401).", response=response
            )
        if status in (429, 503):
            header = response.headers.get("Retry-After")
            if status == 503 and not header:
                raise Unreachable(
                    "The Exchange server is unavailable (HTTP 503).",
                    hint="The server or its load balancer is down; Attendant tries again at "
                    "the next refresh.",
                )
            seconds = retry_after_seconds(header, DEFAULT_BACK_OFF_SECONDS)
            raise Throttled(
                f"The Exchange server asked Attendant to wait {seconds:.0f} s (HTTP {status}).",
                retry_after_seconds=seconds,
                hint="This is the server's back-off; it ends by itself.",
            )
        if status == 500 and content and _looks_like_xml(content):
            return  # a SOAP fault: read like an answer; provider_error() maps it
        content_type = response.headers.get("Content-Type", "")
        if status in (301, 302, 303, 307, 308):
            raise BadResponse(
                f"The EWS URL redirects to {response.headers.get('Location', '?')} "
                f"(HTTP {status}).",
                hint="Check the EWS URL; it usually ends in /EWS/Exchange.asmx.",
            )
        if status == 404:
            raise BadResponse(
                "There is no EWS endpoint at the EWS URL (HTTP 404).",
                hint="Check the EWS URL; it usually ends in /EWS/Exchange.asmx.",
            )
        page = "an HTML error page" if "html" in content_type.lower() else "an unexpected answer"
        raise BadResponse(
            f"The Exchange server answered HTTP {status} with {page} instead of EWS XML.",
            hint="The server is failing; the log file has the details.",
        )


def strict_soap_root(content: bytes) -> Any:
    """``content`` parsed strictly (the root element); BadResponse unless well-formed.

    exchangelib parses with lxml's ``recover=True``, which turns an answer cut off halfway
    into a shorter, valid-looking one: a mailbox would look free when its busy events were in
    the lost half. So every answer is parsed strictly with this, and that tree is the one used
    (the services' ``_get_soap_parts``).
    """
    try:
        return lxml.etree.fromstring(content, parser=_strict_parser())
    except lxml.etree.XMLSyntaxError as error:
        raise BadResponse(
            f"The Exchange server sent an answer Attendant cannot read (not well-formed XML: "
            f"{str(error)[:120]}).",
            hint="The server or a proxy in between is failing; the log file has the details.",
        ) from None


def _strict_parser() -> lxml.etree.XMLParser:
    """This thread's strict parser: lxml lets other threads run while a parser made on the
    parsing thread works (one shared parser would be taken in turn, holding them up)."""
    parser: lxml.etree.XMLParser | None = getattr(_PARSERS, "parser", None)
    if parser is None:
        parser = _PARSERS.parser = lxml.etree.XMLParser(
            resolve_entities=False, no_network=True, huge_tree=True
        )
    return parser


def _looks_like_xml(content: bytes) -> bool:
    head = content.lstrip()[:100].lower()
    return head.startswith((b"<?xml", b"<s:envelope", b"<soap:envelope", b"<envelope"))


def _chain(error: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def network_error(error: BaseException, server: str, timeout: float) -> ProviderError | None:
    """An :class:`Unreachable` (or BadResponse) for a network failure anywhere in the chain."""
    for cause in _chain(error):
        if isinstance(cause, requests.exceptions.SSLError | ssl.SSLError):
            detail = _ssl_detail(cause)
            return Unreachable(f"TLS with {server} failed: {detail}", hint=TLS_HINT)
        if isinstance(cause, requests.exceptions.Timeout | TimeoutError):
            return Unreachable(
                f"{server} did not answer within {timeout:g} s.",
                hint="Check the network and the server; the board keeps the last data.",
            )
        if isinstance(cause, requests.exceptions.ChunkedEncodingError):
            return BadResponse(
                f"{server} dropped the connection in the middle of its answer.",
                hint="The server or a proxy in between is failing; Attendant tries again at "
                "the next refresh.",
            )
        if isinstance(cause, requests.exceptions.ConnectionError | ConnectionError):
            text = str(cause)
            if "Name or service not known" in text or "getaddrinfo" in text or "resolve" in text:
                reason = "cannot be found (DNS)"
            elif "refused" in text.lower():
                reason = "refused the connection"
            elif "IncompleteRead" in text or "RemoteDisconnected" in text:
                return BadResponse(
                    f"{server} closed the connection without a complete answer.",
                    hint="The server or a proxy in between is failing.",
                )
            else:
                reason = "cannot be reached"
            return Unreachable(
                f"{server} {reason}.",
                hint="Check the server address, the network and any proxy.",
            )
    return None


def _ssl_detail(error: BaseException) -> str:
    for cause in _chain(error):
        if isinstance(cause, ssl.SSLCertVerificationError):
            return f"the certificate is not trusted ({cause.verify_message})"
    text = str(error)
    if "CERTIFICATE_VERIFY_FAILED" in text:
        return "the certificate is not trusted"
    return text[:200]


def provider_error(error: BaseException, *, server: str, timeout: float) -> BaseException:
    """The ProviderError for ``error`` (or ``error`` itself when it is not an expected one)."""
    if isinstance(error, ProviderError):
        return error
    found = network_error(error, server, timeout)
    if found is not None:
        return found
    if isinstance(error, ews_errors.UnauthorizedError):
        if _LOCKED in str(error).lower():
            return rejected("The Exchange account is locked out.", error=error, server=server)
        return rejected("Exchange rejected the credentials.", error=error, server=server)
    if isinstance(error, ews_errors.ErrorAccessDenied):
        if _LOCKED in str(error).lower():
            return rejected(
                f"The Exchange account is locked out: {error}", error=error, server=server
            )
        return BadResponse(
            f"Exchange denied access: {error}",
            hint="The account may not use EWS (EWS disabled for it, or an access policy).",
        )
    if isinstance(error, ews_errors.ErrorServerBusy):
        seconds = float(error.back_off or DEFAULT_BACK_OFF_SECONDS)
        return Throttled(
            f"The Exchange server is busy and asked Attendant to wait {seconds:.0f} s.",
            retry_after_seconds=seconds,
            hint="This is the server's back-off (ErrorServerBusy); it ends by itself.",
        )
    if isinstance(
        error, ews_errors.ErrorExceededConnectionCount | ews_errors.ErrorTooManyObjectsOpened
    ):
        return Throttled(
            f"The Exchange server has too many open connections for this account "
            f"({type(error).__name__}).",
            retry_after_seconds=CONNECTION_COUNT_BACK_OFF_SECONDS,
            hint="Other programs using the same account may hold connections open.",
        )
    if isinstance(
        error,
        ews_errors.ErrorInvalidServerVersion
        | ews_errors.ErrorInvalidSchemaVersionForMailboxVersion,
    ):
        return SettingsInvalid(
            "The Exchange server refused the configured Exchange version.",
            hint="Set calendar.exchange.version to the server's version (or an older one).",
        )
    if isinstance(error, ews_errors.ErrorTimeIntervalTooBig | ews_errors.ErrorInvalidTimeInterval):
        return SettingsInvalid(
            f"The server refused the time window: {error}",
            hint="Ask for a shorter window (Exchange allows about six weeks).",
        )
    if isinstance(error, ews_errors.ErrorTimeoutExpired):
        return Unreachable(
            f"{server} did not answer in time ({error}).",
            hint="Check the network and the server.",
        )
    if isinstance(error, ews_errors.SOAPError | ews_errors.MalformedResponseError):
        return BadResponse(
            f"{server} sent an answer Attendant cannot read: {str(error)[:200]}",
            hint="The server or a proxy in between is failing; the log file has the details.",
        )
    if isinstance(error, ews_errors.EWSError):
        return BadResponse(
            f"{server} answered with an error: {type(error).__name__}: {str(error)[:200]}",
            hint="The log file has the details.",
        )
    return error
