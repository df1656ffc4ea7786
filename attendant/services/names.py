"""Display names and contact details off the statuses' path: the watch list, a name cache,
and slow lookups.

A receptionist needs statuses first; a name is a nicety, and so are a person's phone, mobile,
department and job title. So no free/busy request ever waits for them. They come, in this
order, from what the admin wrote in the watch list, from the room lists the server already
expanded, from the name cache in the state folder, and last from directory lookups that the
console makes in the background, a few at a time, between refreshes (:class:`NameLookups`):
EWS ResolveNames with the full contact data, Graph ``users``. A person is looked up when the
name or any of those details is unknown; what the admin wrote is never replaced. The command
line uses the watch list, the room lists and the cache only: a one-shot command should not
spend its seconds on niceties.

A lookup that fails in any way (404, 403, a timeout, garbage) leaves the name unknown, is
logged once, and is not tried again for a while. The cache is written atomically (a temporary
file, then a rename), so a crash never leaves half a file; a file that cannot be read is
logged and treated as empty.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from loguru import logger

from attendant.domain import Mailbox, MailboxKind
from attendant.providers.errors import CredentialsRejected, Throttled
from attendant.statefile import write_text

CACHE_FILE_NAME = "names.json"
#: A name is looked up again after this long (people change names, rooms get renamed).
NAME_TTL_SECONDS = 7 * 24 * 3600.0
#: An address the directory did not know (or a lookup that failed) is retried after this.
MISS_TTL_SECONDS = 12 * 3600.0
#: The most entries the cache keeps; the oldest go first.
MAX_ENTRIES = 20_000
_FIELDS = ("name", "department", "phone", "mobile", "job_title")
#: What the directory says of a person besides the name.
CONTACT_FIELDS = ("phone", "mobile", "department", "job_title")
#: The cache's format: 2 since lookups bring contact details; names found by a version 1
#: lookup are kept but asked again once, for the details it did not ask for.
CACHE_VERSION = 2


def needs_lookup(mailbox: Mailbox) -> bool:
    """Whether the directory may tell more of ``mailbox``: its name, or (a person) a phone,
    mobile, department or job title that neither the admin nor the cache knows."""
    if mailbox.name is None:
        return True
    return mailbox.kind is MailboxKind.PERSON and any(
        getattr(mailbox, field) is None for field in CONTACT_FIELDS
    )


class NameCache:
    """Display names (and what else the directory said) by address, shared by processes.

    ``state_dir=None`` keeps the names in memory only. Thread-safe: background lookups write
    while the refresh reads.
    """

    def __init__(self, state_dir: Path | None, clock: Callable[[], float] = time.time) -> None:
        self._path = state_dir / CACHE_FILE_NAME if state_dir is not None else None
        self._clock = clock
        self._lock = threading.Lock()
        self._entries: dict[str, dict[str, Any]] = {}
        self._load()

    @property
    def path(self) -> Path | None:
        return self._path

    def _load(self) -> None:
        if self._path is None:
            return
        try:
            data = json.loads(self._path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except (OSError, ValueError) as error:
            logger.warning(
                "The name cache {} cannot be read ({}); starting empty", self._path, error
            )
            return
        entries = data.get("names") if isinstance(data, dict) else None
        if not isinstance(entries, dict):
            logger.warning("The name cache {} is not a name cache; starting empty", self._path)
            return
        stale = data.get("version") != CACHE_VERSION
        for key, entry in entries.items():
            if isinstance(key, str) and isinstance(entry, dict) and _valid(entry):
                self._entries[key] = {**entry, "at": 0} if stale else entry

    def known(self, address: str) -> dict[str, Any] | None:
        """What the cache knows of ``address`` (a found name, or a miss), or None."""
        with self._lock:
            return self._entries.get(address.casefold())

    def name_of(self, address: str) -> str | None:
        entry = self.known(address)
        return entry.get("name") if entry else None

    def apply(self, mailbox: Mailbox) -> Mailbox:
        """``mailbox`` with the cached details it lacks filled in (what it has wins)."""
        entry = self.known(mailbox.address)
        if not entry:
            return mailbox
        changes = {
            field: entry[field]
            for field in _FIELDS
            if entry.get(field) and getattr(mailbox, field) is None
        }
        return replace(mailbox, **changes) if changes else mailbox

    def wanted(self, addresses: Iterable[str]) -> list[str]:
        """The addresses whose name is unknown and due for a lookup, each once."""
        now = self._clock()
        due: dict[str, str] = {}
        with self._lock:
            for address in addresses:
                key = address.casefold()
                entry = self._entries.get(key)
                if entry is not None:
                    ttl = NAME_TTL_SECONDS if entry.get("name") else MISS_TTL_SECONDS
                    if now - float(entry.get("at", 0)) < ttl:
                        continue
                due.setdefault(key, address)
        return list(due.values())

    def remember(self, mailboxes: Iterable[Mailbox], *, misses: Iterable[str] = ()) -> bool:
        """Store what the server said of ``mailboxes``, and that ``misses`` are unknown.

        Returns whether a name or a detail changed. Writes the file when anything changed.
        """
        now = self._clock()
        changed_shown = False
        changed = False
        with self._lock:
            for mailbox in mailboxes:
                entry: dict[str, Any] = {"at": now, "address": mailbox.address}
                entry.update(
                    (field, getattr(mailbox, field))
                    for field in _FIELDS
                    if getattr(mailbox, field) is not None
                )
                old = self._entries.get(mailbox.key)
                if old is None or _same(old) != _same(entry):
                    changed = True
                    changed_shown |= _same(old or {})[1:] != _same(entry)[1:]
                elif now - float(old.get("at", 0)) > NAME_TTL_SECONDS / 2:
                    changed = True  # refresh the stamp now and then, not on every refresh
                else:
                    continue
                self._entries[mailbox.key] = entry
            for address in misses:
                key = address.casefold()
                if key not in self._entries or not self._entries[key].get("name"):
                    self._entries[key] = {"at": now, "address": address}
                    changed = True
            if len(self._entries) > MAX_ENTRIES:
                oldest = sorted(self._entries, key=lambda k: float(self._entries[k]["at"]))
                for key in oldest[: len(self._entries) - MAX_ENTRIES]:
                    del self._entries[key]
            snapshot = dict(self._entries) if changed else None
        if snapshot is not None:
            self._write(snapshot)
        return changed_shown

    def _write(self, entries: dict[str, dict[str, Any]]) -> None:
        if self._path is None:
            return
        data = json.dumps(
            {"version": CACHE_VERSION, "names": entries}, ensure_ascii=False, sort_keys=True
        )
        try:
            write_text(self._path, data)
        except OSError as error:
            logger.warning("The name cache {} cannot be written: {}", self._path, error)


def _valid(entry: dict[str, Any]) -> bool:
    if not isinstance(entry.get("at"), int | float) or not isinstance(entry.get("address"), str):
        return False
    return all(entry.get(field) is None or isinstance(entry[field], str) for field in _FIELDS)


def _same(entry: dict[str, Any]) -> tuple[object, ...]:
    return tuple(entry.get(field) for field in ("address", *_FIELDS))


def with_names(mailboxes: Sequence[Mailbox], cache: NameCache | None) -> list[Mailbox]:
    """``mailboxes`` with cached names filled in where neither the admin nor the server said."""
    if cache is None:
        return list(mailboxes)
    return [cache.apply(mailbox) for mailbox in mailboxes]


Resolve = Callable[[Sequence[str]], list[Mailbox]]


class NameLookups:
    """Background lookups of names and contact details for the console, a few at a time.

    :meth:`step` is blocking (the refresh service runs it off the loop, between refreshes,
    through the lockout guard). Every failure is swallowed: a name is a nicety.
    """

    #: Addresses asked in one step (one EWS ResolveNames each; Graph asks 15 a request).
    PER_STEP = 15

    def __init__(self, cache: NameCache) -> None:
        self.cache = cache
        self._failures_logged = False

    def step(
        self, resolve: Resolve, addresses: Sequence[str], kinds: dict[str, MailboxKind]
    ) -> bool:
        """Look up a few of ``addresses`` whose names or details are unknown; True when a
        name or a detail was found or changed."""
        due = self.cache.wanted(addresses)[: self.PER_STEP]
        if not due:
            return False
        try:
            found = resolve(due)
        except (CredentialsRejected, Throttled):
            raise  # the lockout guard must learn of these; the statuses obey them
        except Exception as error:  # a nicety: any other failure leaves the names unknown
            if not self._failures_logged:
                logger.info(
                    "Display names could not be looked up ({}); statuses are not affected, "
                    "names stay unknown for now",
                    error,
                )
                self._failures_logged = True
            else:
                logger.debug("Name lookup failed again: {}", error)
            self.cache.remember((), misses=due)
            return False
        self._failures_logged = False
        by_key = {m.key: m for m in found if "@" in m.address}
        kept = [
            replace(m, kind=kinds.get(m.key, m.kind))
            for m in by_key.values()
            if m.name or any(getattr(m, field) for field in CONTACT_FIELDS)
        ]
        misses = [a for a in due if a.casefold() not in by_key]
        return self.cache.remember(kept, misses=misses)
