"""``attendant availability``: a one-shot free/busy query of addresses or the watch list."""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, tzinfo
from typing import Any, TextIO

from loguru import logger

from attendant.cli.session import (
    EXIT_OK,
    EXIT_SETTINGS,
    JsonText,
    Session,
    dump_json,
    fail,
    iso,
    with_session,
)
from attendant.domain import (
    Availability,
    Mailbox,
    MailboxKind,
    MeetingDetails,
    Presence,
    WatchList,
    Window,
    evaluate,
    redact,
    visible_events,
)
from attendant.providers.base import AnswersAsRead, FreeBusyProvider
from attendant.providers.errors import ProviderError, SettingsInvalid
from attendant.services.clock import day_window, local_now, local_zone
from attendant.services.names import NameCache, with_names
from attendant.services.presence import PresencePoller
from attendant.services.roster import offline_roster
from attendant.services.setup import effective_watch
from attendant.services.watch import watched_mailboxes


def _parse_instant(text: str, name: str, zone: tzinfo) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise SettingsInvalid(
            f"--{name} {text!r} is not an ISO 8601 date and time.",
            hint="Write it like 2026-11-23T10:15:00+01:00.",
        ) from None
    return value if value.tzinfo is not None else value.replace(tzinfo=zone)


def availability_entry(
    availability: Availability,
    at: datetime,
    window: Window,
    details: MeetingDetails = MeetingDetails.SHOW,
    presence: Presence | None = None,
) -> dict[str, Any]:
    """One entry of ``availability --json`` (INTERFACES.md §1), as ``[privacy]`` allows."""
    zone = at.tzinfo
    view = evaluate(availability, at, window.end)
    clipped = availability.clipped(window)
    error = availability.error
    return {
        "address": availability.mailbox.address,
        "name": availability.mailbox.name,
        "status": view.status.value,
        "until": iso(view.until, zone),
        "next_free": iso(view.next_free, zone),
        "events": [
            {
                "start": iso(e.start, zone),
                "end": iso(e.end, zone),
                "busy_type": e.busy_type.value,
                "subject": e.subject,
                "location": e.location,
            }
            for e in visible_events(clipped, details)
        ],
        "error": None if error is None else {"code": error.code, "message": error.message},
        "presence": None if presence is None else presence.as_json(),
    }


class EntriesAsRead:
    """The ``availability --json`` entries, each made as soon as its answer is read.

    With a provider that hands over each request's answers as they are read
    (:class:`AnswersAsRead`), an entry is made while later requests are on the network, not
    after the last answer. An entry depends only on its (frozen) answer and the presence, so
    one made early is the one :meth:`entries` would make.
    """

    def __init__(
        self, at: datetime, window: Window, details: MeetingDetails, *, as_json: bool = False
    ) -> None:
        self._at, self._window, self._details = at, window, details
        self._made: dict[int, tuple[Availability, dict[str, Any]]] = {}
        #: With ``as_json``, each early entry written as JSON too, by the id of its dict.
        self._texts: dict[int, JsonText] | None = {} if as_json else None

    def availability(
        self, provider: FreeBusyProvider, mailboxes: Sequence[Mailbox], window: Window
    ) -> list[Availability]:
        """``provider``'s free/busy of ``mailboxes``, making entries as answers are read."""
        if isinstance(provider, AnswersAsRead):
            return provider.get_availability_as_read(mailboxes, window, self._read)
        return provider.get_availability(mailboxes, window)

    def _read(self, answers: Sequence[Availability]) -> None:
        for answer in answers:  # kept with its entry, so that neither id is reused
            entry = self._entry(answer, None)
            self._made[id(answer)] = (answer, entry)
            if self._texts is not None:
                self._texts[id(entry)] = JsonText(json.dumps(entry, ensure_ascii=False))

    def entries(
        self, answers: Sequence[Availability], presences: Mapping[str, Presence]
    ) -> list[dict[str, Any]]:
        """The entries of ``answers`` in order, with the presences found."""
        found = []
        for answer in answers:
            presence = presences.get(answer.mailbox.key)
            made = self._made.get(id(answer))
            if presence is None and made is not None and made[0] is answer:
                found.append(made[1])
            else:
                found.append(self._entry(answer, presence))
        return found

    def for_json(self, entries: list[dict[str, Any]]) -> list[dict[str, Any] | JsonText]:
        """``entries`` for :func:`dump_json`: those made early as the JSON written then."""
        texts = self._texts or {}
        return [texts.get(id(entry), entry) for entry in entries]

    def _entry(self, answer: Availability, presence: Presence | None) -> dict[str, Any]:
        redacted = redact(answer, self._details)
        return availability_entry(redacted, self._at, self._window, self._details, presence)


def local_day(at: datetime, zone: tzinfo) -> Window:
    """The desk's local day that ``at`` falls in, whatever offset ``at`` is written with."""
    return day_window(at.astimezone(zone))


def query_window(args: argparse.Namespace) -> tuple[datetime, Window]:
    """``--at`` and the window from ``--start``/``--end``, by default the desk's local day.

    A time written without an offset (or a date alone: its midnight) is the desk's local time.
    """
    zone = local_zone()
    at = _parse_instant(args.at, "at", zone) if args.at else local_now().replace(microsecond=0)
    day = local_day(at, zone)
    start = _parse_instant(args.start, "start", zone) if args.start else day.start
    end = _parse_instant(args.end, "end", zone) if args.end else day.end
    if end <= start:
        raise SettingsInvalid("--end must be after --start.")
    return at, Window(start, end)


def run(args: argparse.Namespace, *, out: TextIO, err: TextIO) -> int:
    try:
        at, window = query_window(args)
        asked = _addresses(args.addresses) if args.addresses else None
    except SettingsInvalid as error:
        return fail(args, EXIT_SETTINGS, error.message, error.hint, out=out, err=err)

    def body(session: Session) -> int:
        # Names come from the watch list, the room lists and the name cache the console
        # keeps: a one-shot command never spends a round trip on a name (INTERFACES.md §1).
        names = NameCache(session.paths.state_dir)
        watch = effective_watch(session.provider, session.loaded.settings.watch_list())
        if asked is not None:
            mailboxes = with_names(_named(asked, watch), names)
        else:
            mailboxes = session.guarded.call(lambda p: watched_mailboxes(p, watch, names))
        details = session.loaded.settings.privacy.details
        entries_of = EntriesAsRead(at, window, details, as_json=args.json)
        began = time.monotonic()
        answers = session.guarded.call(lambda p: entries_of.availability(p, mailboxes, window))
        logger.info(
            "availability: {} mailboxes from {} in {:.2f} s ({} with errors)",
            len(answers),
            session.provider.name,
            time.monotonic() - began,
            sum(1 for a in answers if a.error is not None),
        )
        # Teams presence where the provider has it: never fails or changes the statuses.
        polled = PresencePoller(session.guarded, local_now).fetch(mailboxes)
        entries = entries_of.entries(answers, polled.presences if polled is not None else {})
        if args.json:
            dump_json(
                {
                    "provider": session.provider.name,
                    "at": iso(at, at.tzinfo),
                    "start": iso(window.start, at.tzinfo),
                    "end": iso(window.end, at.tzinfo),
                    "entries": entries_of.for_json(entries),
                },
                out,
            )
        else:
            _print_availability(entries, at, out)
        return EXIT_OK

    def unknown_entries(session: Session, error: ProviderError) -> list[dict[str, Any]]:
        """Exit 3 or 4: every mailbox asked for (or watched), unknown, with the reason."""
        watch = session.loaded.settings.watch_list()
        if session.is_open:
            watch = effective_watch(session.provider, watch)
        roster = offline_roster(watch, error.kind, error.message, asked=asked)
        names = NameCache(session.paths.state_dir)
        roster = [replace(a, mailbox=names.apply(a.mailbox)) for a in roster]
        return [availability_entry(a, at, window) for a in roster]

    return with_session(args, err, body, out=out, entries_on_failure=unknown_entries)


def _addresses(addresses: list[str]) -> list[Mailbox]:
    asked: list[Mailbox] = []
    for address in addresses:
        try:
            asked.append(Mailbox(address=address))
        except ValueError:
            raise SettingsInvalid(f"{address!r} is not an e-mail address.") from None
    return asked


def _named(asked: list[Mailbox], watch: WatchList) -> list[Mailbox]:
    """The addresses given, with what the admin wrote of those that are watched."""
    named: list[Mailbox] = []
    for mailbox in asked:
        entry = watch.entry(mailbox.address)
        if entry is not None:
            kind = MailboxKind.ROOM if entry in watch.rooms else MailboxKind.PERSON
            mailbox = entry.apply_to(replace(mailbox, kind=kind))
        named.append(mailbox)
    return named


_WORDS = {
    "free": "free",
    "tentative": "tentative",
    "busy": "busy",
    "oof": "out of office",
    "working_elsewhere": "working elsewhere",
    "unknown": "unknown",
}


def _hhmm(text: str | None) -> str:
    return datetime.fromisoformat(text).strftime("%H:%M") if text else ""


def _print_availability(entries: list[dict[str, Any]], at: datetime, out: TextIO) -> None:
    out.write(f"Availability at {at.strftime('%Y-%m-%d %H:%M %Z').strip()}\n")
    width = max((len(e["name"] or e["address"]) for e in entries), default=10)
    for entry in entries:
        label = entry["name"] or entry["address"]
        status = _WORDS[entry["status"]]
        line = f"  {label:<{width}}  {status:<17}"
        if entry["until"]:
            line += f" until {_hhmm(entry['until'])}"
        if entry["next_free"] and entry["status"] != "free":
            line += f"  next free {_hhmm(entry['next_free'])}"
        if entry["presence"]:
            line += f"  Teams: {Presence(**entry['presence']).words}"
        if entry["error"]:
            line += f"  ({entry['error']['code']}: {entry['error']['message']})"
        out.write(line.rstrip() + "\n")
