"""``attendant check``: the "Test Settings" steps, headless, each with pass/fail and a hint."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from attendant.cli.session import (
    EXIT_SETTINGS,
    Session,
    dump_json,
    error_exit_code,
)
from attendant.providers.base import CheckStep, StepResult
from attendant.providers.errors import ProviderError, SettingsInvalid
from attendant.services.check import exit_code, log_step, run_check
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

    def emit(step: CheckStep, *, log: bool = False) -> None:
        steps.append(step)
        if log:  # run_check writes its own steps to the log
            log_step(step, "Check")
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
    except ProviderError as error:
        emit(
            CheckStep("Settings valid", StepResult.FAIL, error.message, error.hint, error),
            log=True,
        )
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
        emit(CheckStep("Settings valid", StepResult.PASS, detail), log=True)
        run_check(session.guarded, session.loaded.settings.watch_list(), emit)
        return finish(exit_code(steps))
    finally:
        session.provider.close()
