"""Server side of NTLM over HTTP (MS-NLMP), enough to verify a real client's NTLMv2 response.

The fake EWS server issues a CHALLENGE_MESSAGE for a NEGOTIATE_MESSAGE and checks the
AUTHENTICATE_MESSAGE's NTProofStr against the known password. MD4 is implemented here in pure
Python because OpenSSL 3 builds often lack it. Not verified: the MIC and channel bindings
(the client computes them; a wrong one would be caught by a real server, not by this fake),
session keys and signing. NTLMv1 responses are refused, as hardened servers do.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import struct
import time
from dataclasses import dataclass

SIGNATURE = b"NTLMSSP\x00"

NEGOTIATE_UNICODE = 0x00000001
REQUEST_TARGET = 0x00000004
NEGOTIATE_NTLM = 0x00000200
NEGOTIATE_ALWAYS_SIGN = 0x00008000
TARGET_TYPE_DOMAIN = 0x00010000
NEGOTIATE_EXTENDED_SESSIONSECURITY = 0x00080000
NEGOTIATE_TARGET_INFO = 0x00800000
NEGOTIATE_VERSION = 0x02000000
NEGOTIATE_128 = 0x20000000
NEGOTIATE_KEY_EXCH = 0x40000000
NEGOTIATE_56 = 0x80000000

_AV_EOL, _AV_NB_COMPUTER, _AV_NB_DOMAIN, _AV_DNS_COMPUTER, _AV_DNS_DOMAIN = 0, 1, 2, 3, 4
_AV_TIMESTAMP = 7


# --------------------------------------------------------------------------------------------
# MD4 (RFC 1320), pure Python.
# --------------------------------------------------------------------------------------------
def _rotl(x: int, n: int) -> int:
    x &= 0xFFFFFFFF
    return ((x << n) | (x >> (32 - n))) & 0xFFFFFFFF


def md4(data: bytes) -> bytes:
    msg = bytearray(data)
    bit_len = (8 * len(data)) & 0xFFFFFFFFFFFFFFFF
    msg.append(0x80)
    while len(msg) % 64 != 56:
        msg.append(0)
    msg += struct.pack("<Q", bit_len)
    a, b, c, d = 0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476
    for off in range(0, len(msg), 64):
        x = struct.unpack("<16I", msg[off : off + 64])
        aa, bb, cc, dd = a, b, c, d

        def f(x_: int, y: int, z: int) -> int:
            return (x_ & y) | (~x_ & z)

        def g(x_: int, y: int, z: int) -> int:
            return (x_ & y) | (x_ & z) | (y & z)

        def h(x_: int, y: int, z: int) -> int:
            return x_ ^ y ^ z

        for i in (0, 4, 8, 12):
            a = _rotl(a + f(b, c, d) + x[i], 3)
            d = _rotl(d + f(a, b, c) + x[i + 1], 7)
            c = _rotl(c + f(d, a, b) + x[i + 2], 11)
            b = _rotl(b + f(c, d, a) + x[i + 3], 19)
        for i in (0, 1, 2, 3):
            a = _rotl(a + g(b, c, d) + x[i] + 0x5A827999, 3)
            d = _rotl(d + g(a, b, c) + x[i + 4] + 0x5A827999, 5)
            c = _rotl(c + g(d, a, b) + x[i + 8] + 0x5A827999, 9)
            b = _rotl(b + g(c, d, a) + x[i + 12] + 0x5A827999, 13)
        for i in (0, 2, 1, 3):
            a = _rotl(a + h(b, c, d) + x[i] + 0x6ED9EBA1, 3)
            d = _rotl(d + h(a, b, c) + x[i + 8] + 0x6ED9EBA1, 9)
            c = _rotl(c + h(d, a, b) + x[i + 4] + 0x6ED9EBA1, 11)
            b = _rotl(b + h(c, d, a) + x[i + 12] + 0x6ED9EBA1, 15)
        a, b = (a + aa) & 0xFFFFFFFF, (b + bb) & 0xFFFFFFFF
        c, d = (c + cc) & 0xFFFFFFFF, (d + dd) & 0xFFFFFFFF
    return struct.pack("<4I", a, b, c, d)


def nt_hash(password: str) -> bytes:
    return md4(password.encode("utf-16-le"))


def ntowf_v2(password: str, user: str, domain: str) -> bytes:
    return hmac.new(
        nt_hash(password), (user.upper() + domain).encode("utf-16-le"), hashlib.md5
    ).digest()


# --------------------------------------------------------------------------------------------
# Messages
# --------------------------------------------------------------------------------------------
class NTLMError(ValueError):
    pass


def message_type(raw: bytes) -> int:
    if len(raw) < 12 or raw[:8] != SIGNATURE:
        raise NTLMError("not an NTLMSSP message")
    return int(struct.unpack("<I", raw[8:12])[0])


def _field(raw: bytes, offset: int) -> bytes:
    length, _max, start = struct.unpack("<HHI", raw[offset : offset + 8])
    if start + length > len(raw):
        raise NTLMError("field outside message")
    return raw[start : start + length]


def _av_pairs(pairs: list[tuple[int, bytes]]) -> bytes:
    out = b"".join(struct.pack("<HH", av_id, len(v)) + v for av_id, v in pairs)
    return out + struct.pack("<HH", _AV_EOL, 0)


def _filetime_now() -> bytes:
    return struct.pack("<Q", int((time.time() + 11644473600) * 10_000_000))


def build_challenge(
    negotiate: bytes, *, domain: str, computer: str, dns_domain: str
) -> tuple[bytes, bytes]:
    """Return ``(challenge_message, server_challenge)`` answering a NEGOTIATE_MESSAGE."""
    if message_type(negotiate) != 1:
        raise NTLMError("expected NEGOTIATE_MESSAGE")
    client_flags = int(struct.unpack("<I", negotiate[12:16])[0])
    flags = (
        NEGOTIATE_UNICODE
        | REQUEST_TARGET
        | NEGOTIATE_NTLM
        | NEGOTIATE_ALWAYS_SIGN
        | TARGET_TYPE_DOMAIN
        | NEGOTIATE_EXTENDED_SESSIONSECURITY
        | NEGOTIATE_TARGET_INFO
        | NEGOTIATE_VERSION
        | NEGOTIATE_128
        | NEGOTIATE_56
    )
    flags |= client_flags & NEGOTIATE_KEY_EXCH
    server_challenge = os.urandom(8)
    target_name = domain.encode("utf-16-le")
    target_info = _av_pairs(
        [
            (_AV_NB_DOMAIN, domain.encode("utf-16-le")),
            (_AV_NB_COMPUTER, computer.encode("utf-16-le")),
            (_AV_DNS_DOMAIN, dns_domain.encode("utf-16-le")),
            (_AV_DNS_COMPUTER, f"{computer.lower()}.{dns_domain}".encode("utf-16-le")),
            (_AV_TIMESTAMP, _filetime_now()),
        ]
    )
    header_len = 56
    version = struct.pack("<BBHBBBB", 10, 0, 20348, 0, 0, 0, 15)
    tn_off = header_len
    ti_off = tn_off + len(target_name)
    msg = (
        SIGNATURE
        + struct.pack("<I", 2)
        + struct.pack("<HHI", len(target_name), len(target_name), tn_off)
        + struct.pack("<I", flags)
        + server_challenge
        + b"\x00" * 8
        + struct.pack("<HHI", len(target_info), len(target_info), ti_off)
        + version
        + target_name
        + target_info
    )
    return msg, server_challenge


@dataclass(frozen=True)
class Authenticate:
    user: str
    domain: str
    workstation: str
    nt_response: bytes


def parse_authenticate(raw: bytes) -> Authenticate:
    if message_type(raw) != 3:
        raise NTLMError("expected AUTHENTICATE_MESSAGE")
    nt_response = _field(raw, 20)
    domain = _field(raw, 28)
    user = _field(raw, 36)
    workstation = _field(raw, 44)
    flags = int(struct.unpack("<I", raw[60:64])[0]) if len(raw) >= 64 else NEGOTIATE_UNICODE
    enc = "utf-16-le" if flags & NEGOTIATE_UNICODE else "cp437"
    return Authenticate(
        user=user.decode(enc),
        domain=domain.decode(enc),
        workstation=workstation.decode(enc),
        nt_response=nt_response,
    )


def verify_ntlmv2(auth: Authenticate, server_challenge: bytes, password: str) -> bool:
    """True when the NTLMv2 NTProofStr matches *password* (for the user/domain the client sent)."""
    if len(auth.nt_response) <= 24:  # NTLMv1 or anonymous: refused
        return False
    proof, blob = auth.nt_response[:16], auth.nt_response[16:]
    key = ntowf_v2(password, auth.user, auth.domain)
    expected = hmac.new(key, server_challenge + blob, hashlib.md5).digest()
    return hmac.compare_digest(proof, expected)
