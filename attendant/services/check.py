"""The "Test Settings" steps, shared by ``attendant check`` and the settings dialog.

Blocking and Qt-free: the dialog runs it in a worker thread and shows each step as ``emit``
hands it over. Every step that talks to the server goes through the lockout guard, and the
run stops after a credentials failure, so one check makes at most one logon attempt.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from loguru import logger

from attendant.domain import Mailbox, RoomList, WatchList
from attendant.providers.base import (
    CheckStep,
    Diagnosable,
    FreeBusyProvider,
    RoomCatalog,
    StepResult,
)
from attendant.providers.errors import (
    CredentialsRejected,
    NotSupported,
    ProviderError,
    SignInRequired,
)
from attendant.services.check_presence import STEP as PRESENCE_STEP
from attendant.services.check_presence import has_presence, presence_step
from attendant.services.clock import day_window, local_now
from attendant.services.guarded import GuardedProvider
from attendant.services.setup import effective_watch
from attendant.services.watch import expand_watch, room_list_note, with_watched

Emit = Callable[[CheckStep], None]

#: How many watched mailboxes the sample free/busy query asks about.
SAMPLE_SIZE = 5


class Cancelled(Exception):
    """The person cancelled the check."""


_LEVELS = {
    StepResult.PASS: "INFO",
    StepResult.SKIP: "INFO",
    StepResult.WARN: "WARNING",
    StepResult.FAIL: "ERROR",
}


def log_step(step: CheckStep, origin: str) -> None:
    """One log line for one step: origin, step, result, detail and (unless passed) hint."""
    hint = f" (hint: {step.hint})" if step.hint and step.result is not StepResult.PASS else ""
    detail = " ".join(step.detail.split())  # a multi-line detail stays one line
    logger.log(
        _LEVELS[step.result],
        "{} step {}: {}: {}{}",
        origin,
        step.name,
        step.result.value.upper(),
        detail,
        hint,
    )


def _failed(name: str, error: ProviderError) -> CheckStep:
    return CheckStep(name, StepResult.FAIL, error.message, error.hint, error)


def run_check(
    guarded: GuardedProvider,
    watch: WatchList,
    emit: Emit,
    *,
    clock: Callable[[], datetime] = local_now,
    cancelled: Callable[[], bool] = lambda: False,
    origin: str = "Check",
    settings: CheckStep | None = None,
) -> list[CheckStep]:
    """Run the provider's own steps, one free/busy query and the room lists; emit each.

    Each step is also written to the log as one line, after a line naming the account and
    server, and a last line counts the results; ``origin`` ("Check", "Test Settings") says
    who ran it. ``settings``: the step that found the settings valid (the caller's), emitted
    and written first, and counted with the others.
    """
    who = guarded.identity()
    logger.info(
        "{} started: provider {}, server {}, account {}",
        origin,
        who.provider,
        who.server_url or "(none)",
        who.account,
    )

    def add(step: CheckStep) -> None:
        if cancelled():
            logger.info("{} cancelled", origin)
            raise Cancelled
        log_step(step, origin)
        emit(step)

    first = [settings] if settings is not None else []
    for step in first:
        add(step)
    result = first + _run_steps(guarded, watch, add, clock)
    counts = {r: sum(1 for s in result if s.result is r) for r in StepResult}
    logger.info(
        "{} finished: {}",
        origin,
        ", ".join(f"{n} {r.value}" for r, n in counts.items() if n) or "no steps",
    )
    return result


def _run_steps(
    guarded: GuardedProvider, watch: WatchList, add: Emit, clock: Callable[[], datetime]
) -> list[CheckStep]:
    steps: list[CheckStep] = []

    def record(step: CheckStep) -> None:
        add(step)
        steps.append(step)

    provider = guarded.provider
    if isinstance(provider, Diagnosable):

        def diagnose(p: FreeBusyProvider) -> None:
            assert isinstance(p, Diagnosable)
            for step in p.diagnose():
                record(step)
                if step.result is StepResult.FAIL and isinstance(step.error, ProviderError):
                    raise step.error  # the guard records rejections and back-offs

        try:
            guarded.call(diagnose)
        except ProviderError as error:
            if not steps or steps[-1].error is not error:
                record(
                    _failed("Credentials", error)
                    if _is_credentials(error)
                    else _failed("Server", error)
                )
            return _skip_rest(
                steps,
                record,
                after_credentials=_is_credentials(error),
                presence=has_presence(guarded),
            )

    sample: list[Mailbox] = []
    catalogue: list[RoomList] | None = None
    mailboxes: list[Mailbox] = []
    try:
        effective = effective_watch(provider, watch)
        watched = guarded.call(lambda p: expand_watch(p, effective))
        catalogue = watched.catalogue
        mailboxes = watched.mailboxes
        sample = mailboxes[:SAMPLE_SIZE]
        if not sample:
            record(
                CheckStep(
                    "Free/busy query",
                    StepResult.SKIP,
                    "The watch list is empty.",
                    "Add people or rooms to the watch list.",
                )
            )
        else:
            window = day_window(clock())
            answers = guarded.call(lambda p: p.get_availability(sample, window))
            errors = [a for a in answers if a.error is not None]
            detail = f"{len(answers) - len(errors)} of {len(answers)} mailboxes answered"
            if errors:
                first = errors[0]
                assert first.error is not None
                record(
                    CheckStep(
                        "Free/busy query",
                        StepResult.WARN,
                        detail,
                        f"{first.mailbox.address}: {first.error.code} — {first.error.message}",
                    )
                )
            else:
                record(CheckStep("Free/busy query", StepResult.PASS, detail))
    except ProviderError as error:
        record(_failed("Free/busy query", error))
        return _skip_rest(
            steps,
            record,
            after_credentials=_is_credentials(error),
            presence=has_presence(guarded),
        )

    if isinstance(provider, RoomCatalog):
        try:
            lists = catalogue
            if lists is None:  # the watch list has no room lists: ask for the server's
                lists = guarded.call(lambda p: p.room_lists())  # type: ignore[attr-defined]
        except NotSupported as error:
            record(CheckStep("Room lists", StepResult.WARN, error.message, error.hint))
        except ProviderError as error:
            record(_failed("Room lists", error))
        else:
            record(_room_lists_step(lists, effective.room_lists))
    else:
        record(
            CheckStep(
                "Room lists", StepResult.SKIP, f"The {provider.name} provider cannot list rooms."
            )
        )
    if has_presence(guarded):
        record(presence_step(guarded, mailboxes))
    return steps


def _room_lists_step(reported: list[RoomList], watched: Sequence[str]) -> CheckStep:
    """Pass with the count; warn, naming them, when watched lists are empty or unknown."""
    lists = with_watched(reported, watched)
    rooms = sum(len(rl.rooms) for rl in lists)
    detail = f"{len(reported)} room lists with {rooms} rooms"
    folded = {address.casefold() for address in watched}
    empty = [rl for rl in lists if not rl.rooms and rl.address.casefold() in folded]
    if not empty:
        return CheckStep("Room lists", StepResult.PASS, detail)
    notes = "; ".join(f"{rl.address}: {room_list_note(rl)}" for rl in empty)
    return CheckStep(
        "Room lists",
        StepResult.WARN,
        f"{detail}; {notes}",
        "Check the address of each room list in the watch list (Settings ▸ Watch list ▸ Room "
        "lists), and ask the Exchange admin to add rooms to an empty list "
        "(Add-DistributionGroupMember); the other lists, rooms and people are served.",
    )


def _is_credentials(error: ProviderError) -> bool:
    return isinstance(error, CredentialsRejected | SignInRequired)


def _skip_rest(
    steps: list[CheckStep], add: Emit, *, after_credentials: bool, presence: bool = False
) -> list[CheckStep]:
    reason = (
        "Not tried: the credentials failed, and Attendant makes one logon attempt at most."
        if after_credentials
        else "Not tried after the failure above."
    )
    names = {s.name for s in steps}
    later = ("Free/busy query", "Room lists", *((PRESENCE_STEP,) if presence else ()))
    for name in later:
        if name not in names:
            add(CheckStep(name, StepResult.SKIP, reason))
    return steps


def exit_code(steps: Sequence[CheckStep]) -> int:
    """0 all passed, 1 a step failed, 3 credentials rejected / sign-in needed."""
    failed = [s for s in steps if s.result is StepResult.FAIL]
    if any(isinstance(s.error, CredentialsRejected | SignInRequired) for s in failed):
        return 3
    return 1 if failed else 0
