"""The lockout guard: rejected credentials are never sent again (INTERFACES.md §3).

A console that keeps retrying a bad password locks the Microsoft account within seconds.
When a server rejects credentials, the guard records a salted, deliberately slow hash of them
in the per-user state folder. Before every call — on the next refresh, after a restart, from
another ``attendant`` process — the guard hashes the credentials about to be used and refuses
to send them if they match. Only new credentials (a new password, a new sign-in) or a person
pressing "Retry now" (:meth:`LockoutGuard.clear`) lift the block.

Back-offs the server asked for are recorded the same way, so that a restart does not send a
request before the back-off ends.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from loguru import logger

from attendant.statefile import write_text

STATE_FILE_NAME = "credentials-state.json"
_HASH_ITERATIONS = 200_000


@dataclass(frozen=True, slots=True)
class Rejection:
    """Credentials a server rejected, as the guard remembers them."""

    provider: str
    at: datetime
    message: str


def _digest(material: bytes, salt: bytes) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", material, salt, _HASH_ITERATIONS)


class LockoutGuard:
    """Remembers rejected credentials and server back-offs, per provider, on disk.

    ``state_dir=None`` keeps the memory in this process only (tests, one-shot tools).
    The file is re-read on every check so that several processes share one memory.
    """

    def __init__(self, state_dir: Path | None) -> None:
        self._path = state_dir / STATE_FILE_NAME if state_dir is not None else None
        self._memory: dict[str, Any] = {"rejected": {}, "throttled": {}}
        self._lock = threading.Lock()

    @property
    def path(self) -> Path | None:
        return self._path

    # -- persistence -------------------------------------------------------------------

    def _read(self) -> dict[str, Any]:
        if self._path is None:
            return self._memory
        try:
            data = json.loads(self._path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {"rejected": {}, "throttled": {}}
        except (OSError, ValueError) as error:
            # A damaged state file must not unblock rejected credentials silently, nor stop
            # the program: keep what this process knows and say so.
            logger.warning("Cannot read {}: {}; using this session's memory", self._path, error)
            return self._memory
        if not isinstance(data, dict):
            return self._memory
        data.setdefault("rejected", {})
        data.setdefault("throttled", {})
        return data

    def _write(self, data: dict[str, Any]) -> None:
        self._memory = data
        if self._path is None:
            return
        write_text(self._path, json.dumps(data, indent=2, sort_keys=True))

    # -- rejected credentials ----------------------------------------------------------

    def rejection_for(self, provider: str, material: bytes | None) -> Rejection | None:
        """The recorded rejection if ``material`` is the credentials that were rejected."""
        with self._lock:
            record = self._read()["rejected"].get(provider)
        if not isinstance(record, dict):
            return None
        try:
            salt = bytes.fromhex(record["salt"])
            expected = bytes.fromhex(record["digest"])
            at = datetime.fromisoformat(record["at"])
            message = str(record.get("message", ""))
        except (KeyError, ValueError, TypeError):
            logger.warning("Ignoring a damaged lockout record for {}", provider)
            return None
        if not hmac.compare_digest(_digest(material or b"", salt), expected):
            return None  # the credentials changed since: they may be tried
        return Rejection(provider, at, message)

    def record_rejection(
        self, provider: str, material: bytes | None, message: str, now: datetime | None = None
    ) -> None:
        salt = secrets.token_bytes(16)
        record = {
            "salt": salt.hex(),
            "digest": _digest(material or b"", salt).hex(),
            "at": (now or datetime.now(UTC)).isoformat(),
            "message": message,
        }
        with self._lock:
            data = self._read()
            data["rejected"][provider] = record
            self._write(data)

    def rejected_at(self, provider: str) -> datetime | None:
        """When credentials of ``provider`` were last rejected (whichever they were)."""
        with self._lock:
            record = self._read()["rejected"].get(provider)
        try:
            return datetime.fromisoformat(record["at"]) if isinstance(record, dict) else None
        except (KeyError, ValueError, TypeError):
            return None

    def clear_rejection(self, provider: str) -> None:
        """Forget the rejection of ``provider`` (new credentials were accepted since)."""
        with self._lock:
            data = self._read()
            if data["rejected"].pop(provider, None) is not None:
                self._write(data)

    def clear(self, provider: str) -> None:
        """ "Retry now": allow one more attempt with the same credentials."""
        with self._lock:
            data = self._read()
            data["rejected"].pop(provider, None)
            data["throttled"].pop(provider, None)
            self._write(data)

    # -- back-off ----------------------------------------------------------------------

    def throttled_until(self, provider: str, now: datetime) -> datetime | None:
        with self._lock:
            raw = self._read()["throttled"].get(provider)
        if not isinstance(raw, str):
            return None
        try:
            until = datetime.fromisoformat(raw)
        except ValueError:
            return None
        return until if until > now else None

    def record_throttle(self, provider: str, until: datetime) -> None:
        with self._lock:
            data = self._read()
            data["throttled"][provider] = until.isoformat()
            self._write(data)
