"""``attendant check``: the "Test Settings" steps, headless, each with pass/fail and a hint."""

from __future__ import annotations

import argparse
from dataclasses import replace
from typing import Any, TextIO

from attendant.cli.session import (
    ERROR_KINDS,
    EXIT_SETTINGS,
    Session,
    credentials_hint,
    dump_json,
    error_exit_code,
)
from attendant.paths import app_paths
from attendant.providers.base import CheckStep, FreeBusyProvider, StepResult
from attendant.providers.errors import CredentialsRejected, ProviderError, SettingsInvalid
from attendant.services.check import exit_code, log_step, run_check
from attendant.services.diagnostics import save_last_check
from attendant.settings import SettingsError

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


def run(args: argparse.Namespace, *, out: TextIO, err: TextIO) -> int:
    steps: list[CheckStep] = []
    provider: list[FreeBusyProvider] = []  # the one opened, for the hints

    def emit(step: CheckStep, *, log: bool = False) -> None:
        if isinstance(step.error, CredentialsRejected):  # never "press Retry now" here
            step = replace(step, hint=credentials_hint(provider[0] if provider else None))
        steps.append(step)
        if log:  # run_check writes its own steps to the log
            log_step(step, "Check")
        if not args.json:
            out.write(f"[{_MARKS[step.result]}] {step.name}: {step.detail}\n")
            if step.hint and step.result is not StepResult.PASS:
                out.write(f"       hint: {step.hint}\n")
            out.flush()

    def finish(code: int) -> int:
        save_last_check(app_paths(args.config).state_dir, "attendant check", steps)
        if args.json:
            document: dict[str, Any] = {"steps": [_step_json(s) for s in steps], "exit_code": code}
            failed = next((s for s in steps if s.result is StepResult.FAIL), None)
            if code in ERROR_KINDS and failed is not None:
                document["error"] = {
                    "kind": ERROR_KINDS[code],
                    "message": failed.detail,
                    "hint": failed.hint or None,
                }
            dump_json(document, out)
        return code

    try:
        session = Session(args, err)
    except SettingsError as error:
        emit(
            CheckStep(
                "Settings valid",
                StepResult.FAIL,
                str(error),
                "Correct the settings file; it was left untouched.",
            ),
            log=True,
        )
        return finish(EXIT_SETTINGS)
    try:
        try:
            session.open()
        except ProviderError as error:
            emit(
                CheckStep("Settings valid", StepResult.FAIL, error.message, error.hint, error),
                log=True,
            )
            return finish(
                EXIT_SETTINGS if isinstance(error, SettingsInvalid) else error_exit_code(error)
            )
        provider.append(session.provider)
        warnings = len(session.loaded.warnings)
        detail = f"{session.paths.config_file}" + (
            f" ({plural(warnings, 'warning')})"
            if warnings
            else ""
            if session.loaded.exists
            else " (not written yet: defaults)"
        )
        if args.retry:
            allow_one_more_try(session)
        run_check(
            session.guarded,
            session.loaded.settings.watch_list(),
            emit,
            settings=CheckStep("Settings valid", StepResult.PASS, detail),
        )
        return finish(exit_code(steps))
    finally:
        session.close()


def allow_one_more_try(session: Session) -> None:
    """``--retry``: the window's "Retry now" — the rejected credentials may be sent once more.

    Lockout-safe: it lifts the block for this one run, which makes at most one logon attempt;
    if the server rejects them again, they are blocked again. A server's back-off stays.
    """
    session.guarded.retry_now(by="attendant check --retry", keep_back_off=True)


def plural(count: int, noun: str) -> str:
    """``1 warning``, ``2 warnings``."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
