"""What every subcommand shares: exit codes, JSON output and opening the provider.

``Session`` loads the settings, configures the log and opens the provider behind the lockout
guard; ``with_session`` turns the expected failures into the exit codes of INTERFACES.md §1.
"""

from __future__ import annotations

import argparse
import json
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
from attendant.providers.registry import ProviderRegistry
from attendant.services.blocking import CallTimedOut
from attendant.services.guarded import GuardedProvider
from attendant.services.lockout import LockoutGuard
from attendant.services.logtext import identity, signed_in_account, start_line
from attendant.services.setup import open_provider
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


def report(error: ProviderError, err: TextIO) -> None:
    err.write(f"attendant: {error.message}\n")
    if error.hint:
        err.write(f"  hint: {error.hint}\n")


class Session:
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
        settings = self.loaded.settings
        self.guarded = GuardedProvider(
            self.provider,
            LockoutGuard(self.paths.state_dir),
            who=identity(settings),
        )
        logger.info(
            start_line(
                settings,
                self.paths.config_file,
                what=f"`attendant {args.command}`",
                account=signed_in_account(self.provider),
            )
        )


def with_session(args: argparse.Namespace, err: TextIO, body: Callable[[Session], int]) -> int:
    try:
        session = Session(args, err)
    except SettingsError as error:
        err.write(f"attendant: the settings are invalid:\n{error}\n")
        return EXIT_SETTINGS
    except ProviderError as error:
        report(error, err)
        return error_exit_code(error)
    try:
        return body(session)
    except ProviderError as error:
        logger.warning("{} failed: {} ({})", args.command, error.message, error.kind)
        report(error, err)
        return error_exit_code(error)
    except CallTimedOut as error:
        err.write(f"attendant: the server gave {error}\n")
        return EXIT_SERVER
    finally:
        session.provider.close()
