"""Teams presence and JSON batching for the fake Graph, as Microsoft documents them.

- ``POST /v1.0/communications/getPresencesByUserId`` with ``{"ids": [...]}``: at most 650 ids
  (400 beyond), delegated ``Presence.Read.All`` (403 without it). An id Graph does not know
  comes back as ``PresenceUnknown``. With :attr:`FakeGraph.presence_unauthorized` set, it
  answers **401 "Unauthorized"** to a token that works everywhere else, as the real service
  has been seen to.
- ``POST /v1.0/me/getMailTips`` (delegated ``Mail.Read``): automatic replies, an empty
  ``message`` when none is on, an ``error`` item for an address it cannot resolve.
- ``POST /v1.0/$batch`` with at most 20 requests (400 beyond); each is routed as if sent on
  its own with the batch's ``Authorization``, and answered in ``responses`` with its ``id``,
  ``status``, ``headers`` and ``body``.
"""

from __future__ import annotations

import json
from datetime import UTC
from typing import TYPE_CHECKING

from .httpsserver import Request, Response

if TYPE_CHECKING:
    from .graph import FakeGraph, GraphRecord

PRESENCE_PERMISSIONS = ("Presence.Read.All", "Presence.Read")
MAX_PRESENCE_IDS = 650
MAX_BATCH = 20


def presences(graph: FakeGraph, request: Request) -> Response:
    from .graph import _error

    if graph.presence_unauthorized:
        return _error(401, "Unauthorized", "Unauthorized")
    try:
        ids = [str(i) for i in json.loads(request.body)["ids"]]
    except (ValueError, KeyError, TypeError) as exc:
        return _error(400, "BadRequest", f"Invalid request body: {exc}")
    if len(ids) > MAX_PRESENCE_IDS:
        return _error(400, "BadRequest", f"The number of ids exceeds {MAX_PRESENCE_IDS}.")
    with graph._lock:
        graph.presence_batches.append(len(ids))
    by_id = {b.id: b for b in graph.mailboxes.values()}
    value = []
    for user_id in ids:
        box = by_id.get(user_id)
        availability, activity = box.presence if box else ("PresenceUnknown", "PresenceUnknown")
        value.append(
            {
                "@odata.type": "#microsoft.graph.presence",
                "id": user_id,
                "availability": availability,
                "activity": activity,
                "statusMessage": None,
                "outOfOfficeSettings": {"message": None, "isOutOfOffice": False},
            }
        )
    return graph._json(
        {
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#Collection(presence)",
            "value": value,
        }
    )


def batch(graph: FakeGraph, request: Request, record: GraphRecord) -> Response:
    from .graph import GraphRecord as Record
    from .graph import _error

    try:
        requests = json.loads(request.body)["requests"]
        if not isinstance(requests, list):
            raise TypeError("requests is not a list")
    except (ValueError, KeyError, TypeError) as exc:
        return _error(400, "BadRequest", f"Invalid batch request: {exc}")
    if len(requests) > MAX_BATCH:
        return _error(400, "BadRequest", f"A batch may hold at most {MAX_BATCH} requests.")
    with graph._lock:
        graph.batch_sizes.append(len(requests))
    answers = []
    for item in requests:
        url = str(item.get("url", ""))
        own = {k.lower(): str(v) for k, v in (item.get("headers") or {}).items()}
        inner = Request(
            method=str(item.get("method", "GET")).upper(),
            path="/v1.0/" + url.lstrip("/"),
            headers={**request.headers, **own},
            body=json.dumps(item["body"]).encode() if "body" in item else b"",
            client=request.client,
        )
        response = graph._route(inner, Record(inner.method, inner.path))
        try:
            body = json.loads(response.body) if response.body else None
        except ValueError:
            body = response.body.decode(errors="replace")
        answers.append(
            {
                "id": item.get("id"),
                "status": response.status,
                "headers": {k: v for k, v in response.headers if k.lower() != "content-length"},
                "body": body,
            }
        )
    return graph._json({"responses": answers})


MAIL_PERMISSIONS = ("Mail.Read", "Mail.ReadWrite")


def mail_tips(graph: FakeGraph, request: Request) -> Response:
    """``POST /v1.0/me/getMailTips``: automatic replies of the recipients asked for."""
    from .graph import _error

    try:
        body = json.loads(request.body)
        addresses = [str(a) for a in body["EmailAddresses"]]
        options = str(body["MailTipsOptions"])
    except (ValueError, KeyError, TypeError) as exc:
        return _error(400, "RequestBodyRead", f"Invalid request body: {exc}")
    with graph._lock:
        graph.mail_tips_asked.append(addresses)
    value: list[dict[str, object]] = []
    for address in addresses:
        box = graph.mailboxes.get(address.casefold())
        item: dict[str, object] = {"emailAddress": {"name": "", "address": address}}
        if box is None:
            item["error"] = {
                "code": "ErrorInvalidRecipients",
                "message": "The recipient could not be resolved.",
            }
        elif "automaticReplies" in options:
            reply: dict[str, object] = {"message": box.auto_reply}
            if box.auto_reply:
                reply["messageLanguage"] = {"locale": "en-US", "displayName": "English"}
            if box.auto_reply_window is not None:
                start, end = box.auto_reply_window
                reply["scheduledStartTime"] = {
                    "dateTime": start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.0000000"),
                    "timeZone": "UTC",
                }
                reply["scheduledEndTime"] = {
                    "dateTime": end.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.0000000"),
                    "timeZone": "UTC",
                }
            item["automaticReplies"] = reply
        value.append(item)
    return graph._json(
        {
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#Collection(mailTips)",
            "value": value,
        }
    )
