"""What every subcommand shares: exit codes, JSON output and opening the provider.

``Session`` loads the settings, configures the log and opens the provider behind the lockout
guard; ``with_session`` turns the expected failures into the exit codes of INTERFACES.md §1
and, with ``--json``, into the error document ``{"error": {"kind", "message", "hint"}}``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import Any, TextIO

from loguru import logger

from attendant.log import configure_logging
from attendant.paths import AppPaths, app_paths, ensure_dirs
from attendant.providers.base import FreeBusyProvider
from attendant.providers.errors import (
    CredentialsRejected,
    ProviderError,
    SettingsInvalid,
    SignInRequired,
)
from attendant.providers.registry import BUILTINS, ProviderRegistry
from attendant.services.blocking import CallTimedOut
from attendant.services.guarded import GuardedProvider
from attendant.services.lockout import LockoutGuard
from attendant.services.logtext import identity, signed_in_account, start_line
from attendant.services.setup import open_provider
from attendant.settings import LoadResult, SettingsError, load_settings
from attendant.statefile import sweep_temp_files

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_SETTINGS = 2
EXIT_CREDENTIALS = 3
EXIT_SERVER = 4

#: The ``kind`` of the JSON error document for each failing exit code.
ERROR_KINDS = {EXIT_SETTINGS: "settings", EXIT_CREDENTIALS: "credentials", EXIT_SERVER: "server"}

#: A one-shot command waits out a server's back-off of at most this long (INTERFACES.md §1).
MAX_BACK_OFF_WAIT_SECONDS = 30.0

#: The command that lets rejected credentials be tried once more (the window's "Retry now").
RETRY_COMMAND = "attendant check --retry"

#: Builds the ``entries`` of an error document (``availability`` on exit 3 and 4).
EntriesOnFailure = Callable[["Session", ProviderError], list[dict[str, Any]]]


class JsonText(str):
    """An item of a list that :func:`dump_json` writes as it is: already JSON."""


def dump_json(data: Any, out: TextIO) -> None:
    """``data`` as JSON: one key a line, and each item of a list (an entry, a room list, a
    step) on a line of its own. Written with the C encoder: ``indent`` would fall back to the
    pure-Python one, a tenth of a second for a thousand entries. An item may come written
    already (:class:`JsonText`)."""
    if not isinstance(data, dict):
        json.dump(data, out, indent=2, ensure_ascii=False)
        out.write("\n")
        return
    lines = []
    for key, value in data.items():
        name = json.dumps(key, ensure_ascii=False)
        if isinstance(value, list) and value:
            items = ",\n    ".join(
                item if isinstance(item, JsonText) else json.dumps(item, ensure_ascii=False)
                for item in value
            )
            lines.append(f"  {name}: [\n    {items}\n  ]")
        else:
            lines.append(f"  {name}: {json.dumps(value, ensure_ascii=False)}")
    out.write("{\n" + ",\n".join(lines) + "\n}\n")


def iso(value: datetime | None, zone: tzinfo | None) -> str | None:
    return None if value is None else value.astimezone(zone).isoformat()


def error_exit_code(error: ProviderError) -> int:
    if isinstance(error, SettingsInvalid):
        return EXIT_SETTINGS
    if isinstance(error, CredentialsRejected | SignInRequired):
        return EXIT_CREDENTIALS
    return EXIT_SERVER


def credentials_hint(provider: FreeBusyProvider | None) -> str:
    """What to do on the command line once the server rejected the credentials."""
    if provider is not None and getattr(provider, "sign_in", None) is not None:
        return "Sign in again: attendant signin (or --device-code on a machine without a browser)."
    return (
        "If the password changed, store the new one (Calendar Integration Settings, or "
        "ATTENDANT_PASSWORD): Attendant tries new credentials by itself. If the account was "
        f"locked and is unlocked now with the same password, run `{RETRY_COMMAND}` once."
    )


def fail(
    args: argparse.Namespace,
    code: int,
    message: str,
    hint: str = "",
    *,
    out: TextIO | None = None,
    err: TextIO | None = None,
    entries: list[dict[str, Any]] | None = None,
) -> int:
    """Say why the command failed (stderr) and, with ``--json``, print the error document."""
    err = err if err is not None else sys.stderr
    err.write(f"attendant: {message}\n")
    if hint:
        err.write(f"  hint: {hint}\n")
    if getattr(args, "json", False):
        document: dict[str, Any] = {
            "error": {"kind": ERROR_KINDS[code], "message": message, "hint": hint or None}
        }
        if entries is not None:
            document["entries"] = entries
        dump_json(document, out if out is not None else sys.stdout)
    return code


def report(error: ProviderError, err: TextIO) -> None:
    err.write(f"attendant: {error.message}\n")
    if error.hint:
        err.write(f"  hint: {error.hint}\n")


class Session:
    """What every server-talking subcommand needs: paths, settings, provider, guard.

    Building it loads the settings (``SettingsError``); :meth:`open` opens the provider
    (``ProviderError``), so that a failure to open still has the settings at hand.
    """

    def __init__(self, args: argparse.Namespace, err: TextIO) -> None:
        self.paths: AppPaths = app_paths(args.config)
        ensure_dirs(self.paths, settings_folder=args.config is None)
        configure_logging(
            self.paths.log_file, level="DEBUG" if args.verbose else "INFO", console=False
        )
        sweep_temp_files(self.paths.state_dir)  # of writes killed before their rename
        self.err = err
        self._command = args.command
        self.loaded: LoadResult = load_settings(
            self.paths.config_file, site_path=self.paths.site_config_file
        )
        for warning in self.loaded.warnings:
            err.write(f"attendant: warning: {warning}\n")
            logger.warning("Settings: {}", warning)
        self._provider: FreeBusyProvider | None = None
        self._guarded: GuardedProvider | None = None

    def open(self) -> None:
        settings = self.loaded.settings
        self._provider = open_provider(
            settings,
            _registry(settings.calendar.provider),
            token_cache=self.paths.token_cache,
            state_dir=self.paths.state_dir,
        )
        patience = min(MAX_BACK_OFF_WAIT_SECONDS, float(settings.network.timeout_seconds))
        self._guarded = GuardedProvider(
            self._provider,
            LockoutGuard(self.paths.state_dir),
            who=identity(settings),
            patience_seconds=patience,
            on_wait=self._tell_wait,
        )
        logger.info(
            start_line(
                settings,
                self.paths.config_file,
                what=f"`attendant {self._command}`",
                account=signed_in_account(self._provider),
            )
        )

    def _tell_wait(self, seconds: float) -> None:
        self.err.write(f"attendant: the server asked to wait {seconds:.1f} s; waiting\n")
        self.err.flush()

    @property
    def is_open(self) -> bool:
        return self._provider is not None

    @property
    def provider(self) -> FreeBusyProvider:
        assert self._provider is not None, "Session.open() first"
        return self._provider

    @property
    def guarded(self) -> GuardedProvider:
        assert self._guarded is not None, "Session.open() first"
        return self._guarded

    def close(self) -> None:
        if self._provider is not None:
            self._provider.close()


def _registry(name: str) -> ProviderRegistry:
    """The providers to open ``name`` from: the built-ins alone when it is one of them (a
    plugin of the same name is never used anyway), else the plugins too. Listing plugins
    reads the metadata of every installed package: 7-14 ms of every command."""
    if any(info.name == name for info in BUILTINS):
        return ProviderRegistry(BUILTINS)
    return ProviderRegistry.discover()


def with_session(
    args: argparse.Namespace,
    err: TextIO,
    body: Callable[[Session], int],
    *,
    out: TextIO | None = None,
    entries_on_failure: EntriesOnFailure | None = None,
) -> int:
    """Run ``body`` with an open session; expected failures become exit codes (and JSON)."""
    try:
        session = Session(args, err)
    except SettingsError as error:
        return fail(
            args,
            EXIT_SETTINGS,
            f"the settings are invalid:\n{error}",
            "Correct the settings file; it was left untouched.",
            out=out,
            err=err,
        )
    try:
        session.open()
        return body(session)
    except ProviderError as error:
        logger.warning("{} failed: {} ({})", args.command, error.message, error.kind)
        code = error_exit_code(error)
        hint = error.hint
        if isinstance(error, CredentialsRejected):
            hint = credentials_hint(session._provider)
        entries = None
        if entries_on_failure is not None and code in (EXIT_CREDENTIALS, EXIT_SERVER):
            entries = entries_on_failure(session, error)
        return fail(args, code, error.message, hint, out=out, err=err, entries=entries)
    except CallTimedOut as error:
        return fail(args, EXIT_SERVER, f"the server gave {error}", out=out, err=err)
    finally:
        session.close()
