"""Automatic replies through EWS ``GetMailTips`` (Exchange 2010 and later).

Asked for the person the receptionist selects, never in the refresh loop. ``SendingAs`` must
be an SMTP address: the signed-in account's where it is one, else the recipient's own (the
out-of-office tip does not depend on the sender).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from exchangelib.properties import Mailbox as EwsMailbox
from exchangelib.properties import SendingAs
from exchangelib.services import GetMailTips
from exchangelib.util import create_element

from attendant.domain import AutoReply
from attendant.providers.ews.protocol import strict_soap_parts
from attendant.providers.mailtext import plain_text

#: The one tip asked for.
OUT_OF_OFFICE = "OutOfOfficeMessage"


class _OutOfOfficeTips(GetMailTips):  # type: ignore[misc]
    """GetMailTips with ``MailTipsRequested`` as the element the schema wants, its answer
    parsed strictly.

    exchangelib writes a plain string given as ``mail_tips_requested`` as character data of
    ``GetMailTips`` itself, which Exchange refuses (ErrorSchemaValidation).
    """

    @classmethod
    def _get_soap_parts(cls, response: Any) -> tuple[Any, Any]:
        return strict_soap_parts(response)

    def get_payload(self, recipients: Any, sending_as: Any, mail_tips_requested: Any) -> Any:
        payload = super().get_payload(recipients, sending_as, None)
        requested = create_element("m:MailTipsRequested")
        requested.text = mail_tips_requested
        payload.append(requested)
        return payload


def auto_replies(
    protocol: Any, addresses: Sequence[str], sending_as: str | None
) -> dict[str, AutoReply | None]:
    wanted = list(dict.fromkeys(a for a in addresses if "@" in a))
    if not wanted:
        return {}
    sender = sending_as if sending_as and "@" in sending_as else wanted[0]
    found: dict[str, AutoReply | None] = {}
    answers = _OutOfOfficeTips(protocol=protocol).call(
        sending_as=SendingAs(email_address=sender),
        recipients=[EwsMailbox(email_address=a) for a in wanted],
        mail_tips_requested=OUT_OF_OFFICE,
    )
    for tips in answers:
        if isinstance(tips, Exception) or tips.recipient_address is None:
            continue
        address = tips.recipient_address.email_address
        if not address or tips.invalid_recipient:
            continue
        found[address.casefold()] = _reply(tips.out_of_office)
    return found


def _reply(out_of_office: Any) -> AutoReply | None:
    if out_of_office is None or not out_of_office.reply_body:
        return None
    text = plain_text(str(out_of_office.reply_body))
    if not text:
        return None
    return AutoReply(text, _aware(out_of_office.start), _aware(out_of_office.end))


def _aware(value: Any) -> Any:
    return value if value is not None and getattr(value, "tzinfo", None) is not None else None
