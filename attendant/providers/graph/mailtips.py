"""Automatic replies from Microsoft Graph: ``POST /me/getMailTips`` (delegated ``Mail.Read``).

Asked for the person the receptionist selects, never in the refresh loop. A recipient Graph
answers with an error is left out; a reply that is off comes back as an empty message.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from attendant.domain import AutoReply
from attendant.providers.graph.timezones import parse_graph_datetime
from attendant.providers.graph.transport import GraphTransport
from attendant.providers.mailtext import plain_text

PERMISSION = "Mail.Read"
MAILTIPS = "v1.0/me/getMailTips"
#: Recipients in one request (Graph takes up to 100; the board asks for one or a few).
MAX_RECIPIENTS = 100


def auto_replies(
    transport: GraphTransport, addresses: Sequence[str]
) -> dict[str, AutoReply | None]:
    found: dict[str, AutoReply | None] = {}
    wanted = list(dict.fromkeys(addresses))
    for start in range(0, len(wanted), MAX_RECIPIENTS):
        page = transport.post(
            MAILTIPS,
            {
                "EmailAddresses": wanted[start : start + MAX_RECIPIENTS],
                "MailTipsOptions": "automaticReplies",
            },
            permission=PERMISSION,
        )
        for item in page.get("value") or []:
            if not isinstance(item, dict) or item.get("error"):
                continue
            email = item.get("emailAddress")
            address = email.get("address") if isinstance(email, dict) else None
            if not isinstance(address, str):
                continue
            found[address.casefold()] = _reply(item.get("automaticReplies"))
    return found


def _reply(data: Any) -> AutoReply | None:
    if not isinstance(data, dict):
        return None
    message = data.get("message")
    text = plain_text(message) if isinstance(message, str) else ""
    if not text:
        return None
    return AutoReply(
        text, _when(data.get("scheduledStartTime")), _when(data.get("scheduledEndTime"))
    )


def _when(value: Any) -> datetime | None:
    try:
        return parse_graph_datetime(value, UTC)
    except ValueError:
        return None
