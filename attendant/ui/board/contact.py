"""How to reach a person or a room from the board: the caller-ready sentence and the links.

Plain Python (no Qt), so the words and the URLs are easy to read and to test. Links go to
the desktop's handlers: ``tel:`` (or ``sip:`` where the number is a SIP address) for the
softphone, Teams deep links for chat and call, ``mailto:`` for the mail program.
"""

from __future__ import annotations

import re
from datetime import datetime, tzinfo
from urllib.parse import quote

from attendant.domain import Availability, Mailbox, MailboxKind, Status, StatusView
from attendant.ui.common import formatting as fmt

TEAMS_CHAT = "https://teams.microsoft.com/l/chat/0/0?users={users}"
TEAMS_CALL = "https://teams.microsoft.com/l/call/0/0?users={users}"

_DIAL_KEEP = re.compile(r"[^0-9+*#]")


def mobile_of(mailbox: Mailbox) -> str | None:
    """The mobile number, where the mailbox carries one."""
    value = getattr(mailbox, "mobile", None)
    return value if isinstance(value, str) and value.strip() else None


def dial_url(number: str) -> str | None:
    """``tel:+390655501`` for a phone number, ``sip:…`` for a SIP address; None if neither."""
    text = number.strip()
    if text.casefold().startswith(("sip:", "sips:")):
        return text
    if "@" in text:
        return f"sip:{text}"
    digits = _DIAL_KEEP.sub("", text.split(";")[0])
    if sum(c.isdigit() for c in digits) < 2:
        return None
    return f"tel:{digits}"


def mail_url(mailbox: Mailbox) -> str:
    return f"mailto:{quote(mailbox.address, safe='@')}"


def teams_chat_url(mailbox: Mailbox) -> str:
    return TEAMS_CHAT.format(users=quote(mailbox.address, safe="@"))


def teams_call_url(mailbox: Mailbox) -> str:
    return TEAMS_CALL.format(users=quote(mailbox.address, safe="@"))


def caller_sentence(
    availability: Availability, view: StatusView, now: datetime, tz: tzinfo | None
) -> str:
    """What to tell a caller, e.g. "Anna Rossi is in a meeting until 14:30; free at 14:30."

    Never a meeting's subject or place: the caller hears times only.
    """
    mailbox = availability.mailbox
    who = mailbox.display_name
    room = mailbox.kind is MailboxKind.ROOM
    status = view.status

    def when(value: datetime) -> str:
        return fmt.short_time(value, now, tz)

    if status is Status.UNKNOWN:
        return f"I can't see {who}'s calendar right now."
    if status is Status.FREE:
        if view.until is None:
            return f"{who} is free for the rest of the day."
        return f"{who} is free until {when(view.until)}."
    free_at = (
        f"; free at {when(view.next_free)}."
        if view.next_free is not None
        else "; not free again today."
    )
    if status is Status.OOF:
        what = "out of office"
    else:
        what = {
            Status.BUSY: "booked" if room else "in a meeting",
            Status.TENTATIVE: "possibly booked" if room else "possibly in a meeting",
            Status.WORKING_ELSEWHERE: "working elsewhere",
        }[status]
    if view.until is None:
        return f"{who} is {what} for the rest of the day."
    return f"{who} is {what} until {when(view.until)}{free_at}"
