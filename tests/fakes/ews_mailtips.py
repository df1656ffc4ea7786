"""``GetMailTips`` for the fake Exchange: the out-of-office tip of each recipient.

As Exchange 2010 and later answer it: one ``MailTipsResponseMessageType`` per recipient with
``RecipientAddress``, an empty ``PendingMailTips``, ``OutOfOffice`` (an empty ``Message``
when no automatic reply is on; ``Duration`` when it is scheduled) and ``InvalidRecipient``
for an address the directory does not know. Requests and answers are checked against the
schema by the server like every other operation.
"""

from __future__ import annotations

from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape

from .ews_ops import MNS, TNS, Directory, _email_address, _t, response_message


def _instant(value: object) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")  # type: ignore[attr-defined]


def get_mail_tips(payload: ET.Element, directory: Directory) -> tuple[str, str]:
    recipients = payload.find(f"{{{MNS}}}Recipients")
    addresses = [
        (m.findtext(f"{{{TNS}}}EmailAddress") or "").strip()
        for m in (recipients if recipients is not None else [])
    ]
    requested = (payload.findtext(f"{{{MNS}}}MailTipsRequested") or "").split()
    wants_oof = "OutOfOfficeMessage" in requested or "All" in requested
    messages = []
    for address in addresses:
        box = directory.mailbox(address)
        tips = f"<t:RecipientAddress>{_email_address(box.name if box else '', address)}"
        tips += "</t:RecipientAddress><t:PendingMailTips/>"
        if box is not None and wants_oof:
            message = f"<t:Message>{escape(box.auto_reply)}</t:Message>" if box.auto_reply else ""
            duration = ""
            if box.auto_reply and box.auto_reply_window is not None:
                start, end = box.auto_reply_window
                duration = (
                    f"<t:Duration>{_t('StartTime', _instant(start))}"
                    f"{_t('EndTime', _instant(end))}</t:Duration>"
                )
            tips += f"<t:OutOfOffice><t:ReplyBody>{message}</t:ReplyBody>{duration}</t:OutOfOffice>"
        if box is None:
            tips += _t("InvalidRecipient", "true")
        messages.append(
            '<m:MailTipsResponseMessageType ResponseClass="Success">'
            f"{response_message()}<m:MailTips>{tips}</m:MailTips>"
            "</m:MailTipsResponseMessageType>"
        )
    xml = (
        '<m:GetMailTipsResponse ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>'
        f"<m:ResponseMessages>{''.join(messages)}</m:ResponseMessages></m:GetMailTipsResponse>"
    )
    return xml, "NoError"
