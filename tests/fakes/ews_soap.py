"""SOAP 1.1 envelopes and faults in the shapes Exchange sends them."""

from __future__ import annotations

from dataclasses import dataclass
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape

from .ews_model import SERVER_BUILDS
from .ews_ops import MNS, TNS

SOAPNS = "http://schemas.xmlsoap.org/soap/envelope/"
ENS = "http://schemas.microsoft.com/exchange/services/2006/errors"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XSD = "http://www.w3.org/2001/XMLSchema"

XML_CONTENT_TYPE = "text/xml; charset=utf-8"

FAULT_MESSAGES = {
    "ErrorServerBusy": "The server cannot service this request right now. Try again later.",
    "ErrorExceededConnectionCount": (
        "You have exceeded the available concurrent connections for your account. "
        "Try again once your other requests have completed."
    ),
    "ErrorInvalidServerVersion": "The specified server version is invalid.",
    "ErrorSchemaValidation": "The request failed schema validation.",
}


def server_version_info(version: str) -> str:
    major, minor, build_major, build_minor = SERVER_BUILDS[version]
    return (
        f'<h:ServerVersionInfo MajorVersion="{major}" MinorVersion="{minor}" '
        f'MajorBuildNumber="{build_major}" MinorBuildNumber="{build_minor}" '
        f'Version="{version}" xmlns:h="{TNS}" xmlns="{TNS}" '
        f'xmlns:xsd="{XSD}" xmlns:xsi="{XSI}"/>'
    )


def envelope(payload: str, version: str) -> bytes:
    """A successful response: ServerVersionInfo header and the payload in the body."""
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<s:Envelope xmlns:s="{SOAPNS}">'
        f"<s:Header>{server_version_info(version)}</s:Header>"
        f'<s:Body xmlns:xsi="{XSI}" xmlns:xsd="{XSD}" xmlns:m="{MNS}" xmlns:t="{TNS}">'
        f"{payload}</s:Body></s:Envelope>"
    ).encode()


def soap_fault(code: str, message: str | None = None, message_xml: str = "") -> bytes:
    """A SOAP fault as Exchange sends it (HTTP 500, no header, EWS code in ``detail``)."""
    message = message or FAULT_MESSAGES.get(code, code)
    faultstring = message
    if code == "ErrorSchemaValidation" and not message.startswith("The request failed"):
        faultstring = f"The request failed schema validation: {message}"
        message = FAULT_MESSAGES[code]
    detail = (
        f'<e:ResponseCode xmlns:e="{ENS}">{code}</e:ResponseCode>'
        f'<e:Message xmlns:e="{ENS}">{escape(message)}</e:Message>'
    )
    if message_xml:
        detail += f'<t:MessageXml xmlns:t="{TNS}">{message_xml}</t:MessageXml>'
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<s:Envelope xmlns:s="{SOAPNS}"><s:Body><s:Fault>'
        f'<faultcode xmlns:a="{TNS}">a:{code}</faultcode>'
        f'<faultstring xml:lang="en-US">{escape(faultstring)}</faultstring>'
        f"<detail>{detail}</detail></s:Fault></s:Body></s:Envelope>"
    ).encode()


def back_off_xml(back_off_ms: int) -> str:
    return f'<t:Value Name="BackOffMilliseconds">{back_off_ms}</t:Value>'


def schema_violation_xml(violation: str, line: int = 1, position: int = 1) -> str:
    return (
        f"<t:LineNumber>{line}</t:LineNumber><t:LinePosition>{position}</t:LinePosition>"
        f"<t:Violation>{escape(violation)}</t:Violation>"
    )


@dataclass
class ParsedRequest:
    envelope: ET.Element
    headers: list[ET.Element]
    payload: ET.Element

    @property
    def operation(self) -> str:
        name = self.payload.tag.rpartition("}")[2]
        return name.removesuffix("Request")  # GetUserAvailabilityRequest -> GetUserAvailability

    @property
    def requested_version(self) -> str | None:
        for h in self.headers:
            if h.tag == f"{{{TNS}}}RequestServerVersion":
                return h.get("Version")
        return None


class EnvelopeError(ValueError):
    pass


def parse_request(body: bytes) -> ParsedRequest:
    """Split a SOAP request; raises :class:`EnvelopeError` (or ``ParseError``) when malformed."""
    root = ET.fromstring(body)
    if root.tag != f"{{{SOAPNS}}}Envelope":
        raise EnvelopeError(f"root element is {root.tag}, not a SOAP 1.1 Envelope")
    header = root.find(f"{{{SOAPNS}}}Header")
    body_elem = root.find(f"{{{SOAPNS}}}Body")
    if body_elem is None or len(body_elem) != 1:
        raise EnvelopeError("the SOAP Body must hold exactly one element")
    return ParsedRequest(root, list(header) if header is not None else [], body_elem[0])
