"""The Teams presence step of "Test Settings" and ``attendant check`` (Graph).

Presence is a nicety beside the calendar, so this step never fails the check: it asks
Graph for the presence of one person (the first watched person, else the signed-in account)
and passes, or warns with what to do. A refusal, whether 403 or the **401** Graph has been
seen to give presence with a token that works for everything else, means no consent for
Presence.Read.All: the provider reads it as that (never as rejected credentials), so the
lockout guard records nothing, no sign-in starts and the token stays in use.
"""

from __future__ import annotations

from collections.abc import Sequence

from attendant.domain import Mailbox, MailboxKind
from attendant.providers.base import CheckStep, PresenceSource, StepResult
from attendant.providers.errors import NotSupported, ProviderError
from attendant.services.guarded import GuardedProvider

STEP = "Teams presence (Presence.Read.All)"
PERMISSION = "Presence.Read.All"
CONSENT_HINT = (
    f"Add the delegated permission {PERMISSION} to the app registration (Entra ID ▸ App "
    "registrations ▸ API permissions; no administrator needed), then sign in again. The "
    "calendar is not affected: until then the board shows no Teams presence."
)


def has_presence(guarded: GuardedProvider) -> bool:
    return isinstance(guarded.provider, PresenceSource)


def _whom(mailboxes: Sequence[Mailbox], account: str) -> Mailbox | None:
    person = next((m for m in mailboxes if m.kind is MailboxKind.PERSON), None)
    if person is not None:
        return person
    return Mailbox(account) if "@" in account else None


def presence_step(guarded: GuardedProvider, mailboxes: Sequence[Mailbox]) -> CheckStep:
    """Ask the presence of one person; PASS, or WARN with a hint (never FAIL)."""
    person = _whom(mailboxes, guarded.identity().account)
    if person is None:
        return CheckStep(
            STEP,
            StepResult.SKIP,
            "No person to ask about: the watch list has no people and the account is unknown.",
            "Add people to the watch list, then test again.",
        )
    try:
        found = guarded.call(lambda p: p.presences([person]))  # type: ignore[attr-defined]
    except NotSupported as error:  # 401 or 403: no consent for Presence.Read.All
        return CheckStep(
            STEP,
            StepResult.WARN,
            f"Microsoft Graph refused Teams presence of {person.address}, which means no "
            f"consent for {PERMISSION} for this app or user: {error.message}",
            CONSENT_HINT,
        )
    except ProviderError as error:
        return CheckStep(
            STEP,
            StepResult.WARN,
            f"Teams presence of {person.address} was not read: {error.message}",
            error.hint or "Presence comes back by itself; the calendar is not affected.",
        )
    presence = found.get(person.key)
    if presence is None:
        return CheckStep(
            STEP,
            StepResult.WARN,
            f"Microsoft Graph knows no Teams user for {person.address}, so consent could not "
            "be checked with it.",
            "Presence is shown for the people Graph knows; the calendar is not affected.",
        )
    return CheckStep(
        STEP,
        StepResult.PASS,
        f"Consent granted: {person.display_name} is {presence.words} in Teams",
    )
