"""The headless subcommands: ``check``, ``availability``, ``rooms``, ``signin``, ``paths``.

Each takes the parsed arguments and two text streams and returns the exit code of
INTERFACES.md §1. Expected failures print one clear message with a hint to ``err``; the log
gets the details.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import Any, TextIO

from loguru import logger

from attendant.domain import Availability, Mailbox, Window, evaluate
from attendant.log import configure_logging
from attendant.paths import AppPaths, app_paths, ensure_dirs
from attendant.providers.base import CheckStep, FreeBusyProvider, Resolver, RoomCatalog, StepResult
from attendant.providers.errors import (
    CredentialsRejected,
    NotSupported,
    ProviderError,
    SettingsInvalid,
    SignInRequired,
)
from attendant.providers.registry import ProviderRegistry
from attendant.services.blocking import CallTimedOut
from attendant.services.check import exit_code, run_check
from attendant.services.clock import day_window, local_now, local_zone
from attendant.services.guarded import GuardedProvider
from attendant.services.lockout import LockoutGuard
from attendant.services.setup import effective_watch, open_provider
from attendant.services.watch import watched_mailboxes
from attendant.settings import LoadResult, SettingsError, load_settings

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_SETTINGS = 2
EXIT_CREDENTIALS = 3
EXIT_SERVER = 4


def dump_json(data: Any, out: TextIO) -> None:
    json.dump(data, out, indent=2, ensure_ascii=False)
    out.write("\n")


def iso(value: datetime | None, zone: tzinfo | None) -> str | None:
    return None if value is None else value.astimezone(zone).isoformat()


def error_exit_code(error: ProviderError) -> int:
    if isinstance(error, SettingsInvalid):
        return EXIT_SETTINGS
    if isinstance(error, CredentialsRejected | SignInRequired):
        return EXIT_CREDENTIALS
    return EXIT_SERVER


def _report(error: ProviderError, err: TextIO) -> None:
    err.write(f"attendant: {error.message}\n")
    if error.hint:
        err.write(f"  hint: {error.hint}\n")


class _Session:
    """What every server-talking subcommand needs: paths, settings, provider, guard."""

    def __init__(self, args: argparse.Namespace, err: TextIO) -> None:
        self.paths: AppPaths = app_paths(args.config)
        ensure_dirs(self.paths)
        configure_logging(
            self.paths.log_file, level="DEBUG" if args.verbose else "INFO", console=False
        )
        self.err = err
        self.loaded: LoadResult = load_settings(
            self.paths.config_file, site_path=self.paths.site_config_file
        )
        for warning in self.loaded.warnings:
            err.write(f"attendant: warning: {warning}\n")
            logger.warning("Settings: {}", warning)
        self.provider: FreeBusyProvider = open_provider(
            self.loaded.settings,
            ProviderRegistry.discover(),
            token_cache=self.paths.token_cache,
            state_dir=self.paths.state_dir,
        )
        self.guarded = GuardedProvider(self.provider, LockoutGuard(self.paths.state_dir))


def _with_session(args: argparse.Namespace, err: TextIO, body: Callable[[_Session], int]) -> int:
    try:
        session = _Session(args, err)
    except SettingsError as error:
        err.write(f"attendant: the settings are invalid:\n{error}\n")
        return EXIT_SETTINGS
    except ProviderError as error:
        _report(error, err)
        return error_exit_code(error)
    try:
        return body(session)
    except ProviderError as error:
        logger.warning("{} failed: {} ({})", args.command, error.message, error.kind)
        _report(error, err)
        return error_exit_code(error)
    except CallTimedOut as error:
        err.write(f"attendant: the server gave {error}\n")
        return EXIT_SERVER
    finally:
        session.provider.close()


# -- availability ------------------------------------------------------------------------


def _parse_instant(text: str, name: str, zone: tzinfo) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise SettingsInvalid(
            f"--{name} {text!r} is not an ISO 8601 date and time.",
            hint="Write it like 2026-11-23T10:15:00+01:00.",
        ) from None
    return value if value.tzinfo is not None else value.replace(tzinfo=zone)


def availability_entry(availability: Availability, at: datetime, window: Window) -> dict[str, Any]:
    """One entry of ``availability --json`` (INTERFACES.md §1)."""
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
            for e in clipped.events
        ],
        "error": None if error is None else {"code": error.code, "message": error.message},
    }


def availability(args: argparse.Namespace, *, out: TextIO, err: TextIO) -> int:
    def body(session: _Session) -> int:
        zone = local_zone()
        at = _parse_instant(args.at, "at", zone) if args.at else local_now().replace(microsecond=0)
        day = day_window(at)
        start = _parse_instant(args.start, "start", at.tzinfo or zone) if args.start else day.start
        end = _parse_instant(args.end, "end", at.tzinfo or zone) if args.end else day.end
        if end <= start:
            raise SettingsInvalid("--end must be after --start.")
        window = Window(start, end)
        if args.addresses:
            mailboxes = _mailboxes_for(session, args.addresses)
        else:
            watch = effective_watch(session.provider, session.loaded.settings.watch_list())
            mailboxes = session.guarded.call(lambda p: watched_mailboxes(p, watch))
        began = time.monotonic()
        answers = session.guarded.call(lambda p: p.get_availability(mailboxes, window))
        logger.info(
            "availability: {} mailboxes from {} in {:.2f} s ({} with errors)",
            len(answers),
            session.provider.name,
            time.monotonic() - began,
            sum(1 for a in answers if a.error is not None),
        )
        entries = [availability_entry(a, at, window) for a in answers]
        if args.json:
            dump_json(
                {
                    "provider": session.provider.name,
                    "at": iso(at, at.tzinfo),
                    "start": iso(window.start, at.tzinfo),
                    "end": iso(window.end, at.tzinfo),
                    "entries": entries,
                },
                out,
            )
        else:
            _print_availability(entries, at, out)
        return EXIT_OK

    return _with_session(args, err, body)


def _mailboxes_for(session: _Session, addresses: list[str]) -> list[Mailbox]:
    asked: list[Mailbox] = []
    for address in addresses:
        try:
            asked.append(Mailbox(address=address))
        except ValueError:
            raise SettingsInvalid(f"{address!r} is not an e-mail address.") from None
    if isinstance(session.provider, Resolver):
        known = {
            m.key: m
            for m in session.guarded.call(lambda p: p.resolve(addresses))  # type: ignore[attr-defined]
        }
        asked = [known.get(m.key, m) for m in asked]
    return asked


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
        if entry["error"]:
            line += f"  ({entry['error']['code']}: {entry['error']['message']})"
        out.write(line.rstrip() + "\n")


# -- rooms -------------------------------------------------------------------------------


def rooms(args: argparse.Namespace, *, out: TextIO, err: TextIO) -> int:
    def body(session: _Session) -> int:
        if not isinstance(session.provider, RoomCatalog):
            raise NotSupported(f"The {session.provider.name} provider cannot list rooms.")
        lists = session.guarded.call(lambda p: p.room_lists())  # type: ignore[attr-defined]
        if args.json:
            dump_json(
                {
                    "room_lists": [
                        {
                            "address": rl.address,
                            "name": rl.name,
                            "rooms": [{"address": r.address, "name": r.name} for r in rl.rooms],
                        }
                        for rl in lists
                    ]
                },
                out,
            )
        else:
            for rl in lists:
                out.write(f"{rl.name or rl.address} <{rl.address}>\n")
                for room in rl.rooms:
                    out.write(f"  {room.name or room.address} <{room.address}>\n")
        return EXIT_OK

    return _with_session(args, err, body)


# -- check -------------------------------------------------------------------------------

_MARKS = {
    StepResult.PASS: "PASS",
    StepResult.FAIL: "FAIL",
    StepResult.WARN: "WARN",
    StepResult.SKIP: "SKIP",
}


def _step_json(step: CheckStep) -> dict[str, Any]:
    return {
        "name": step.name,
        "result": step.result.value,
        "detail": step.detail,
        "hint": step.hint,
    }


def check(args: argparse.Namespace, *, out: TextIO, err: TextIO) -> int:
    steps: list[CheckStep] = []

    def emit(step: CheckStep) -> None:
        steps.append(step)
        if not args.json:
            out.write(f"[{_MARKS[step.result]}] {step.name}: {step.detail}\n")
            if step.hint and step.result is not StepResult.PASS:
                out.write(f"       hint: {step.hint}\n")
            out.flush()

    def finish(code: int) -> int:
        if args.json:
            dump_json({"steps": [_step_json(s) for s in steps], "exit_code": code}, out)
        return code

    try:
        session = _Session(args, err)
    except SettingsError as error:
        emit(
            CheckStep(
                "Settings valid",
                StepResult.FAIL,
                str(error),
                "Correct the settings file; it was left untouched.",
            )
        )
        return finish(EXIT_SETTINGS)
    except ProviderError as error:
        emit(CheckStep("Settings valid", StepResult.FAIL, error.message, error.hint, error))
        return finish(
            EXIT_SETTINGS if isinstance(error, SettingsInvalid) else error_exit_code(error)
        )
    try:
        warnings = len(session.loaded.warnings)
        detail = f"{session.paths.config_file}" + (
            f" ({warnings} warnings)"
            if warnings
            else ""
            if session.loaded.exists
            else " (not written yet: defaults)"
        )
        emit(CheckStep("Settings valid", StepResult.PASS, detail))
        run_check(session.guarded, session.loaded.settings.watch_list(), emit)
        return finish(exit_code(steps))
    finally:
        session.provider.close()


# -- signin and paths --------------------------------------------------------------------


def signin(args: argparse.Namespace, *, out: TextIO, err: TextIO) -> int:
    def body(session: _Session) -> int:
        sign_in = getattr(session.provider, "sign_in", None)
        if sign_in is None:
            out.write(
                f"Signing in is not needed for the {session.provider.name} provider"
                + (
                    " (the built-in demo directory).\n"
                    if session.provider.name == "demo"
                    else ".\n"
                )
            )
            return EXIT_OK
        account = sign_in(device_code=args.device_code, out=out)
        out.write(f"Signed in as {account}.\n")
        return EXIT_OK

    return _with_session(args, err, body)


def paths(args: argparse.Namespace, *, out: TextIO, err: TextIO) -> int:
    listed = app_paths(args.config).as_dict()
    if args.json:
        dump_json(listed, out)
    else:
        width = max(len(k) for k in listed)
        for key, value in listed.items():
            out.write(f"{key:<{width}}  {value}\n")
    return EXIT_OK
