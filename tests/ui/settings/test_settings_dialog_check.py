"""Test Settings in the dialog, against the fake Exchange over loopback HTTPS.

The provider is built from what the admin typed (the password is not stored yet), the steps
come in live, a failure shows the step that failed with its hint, and a rejected password
costs exactly one failed logon at the server, as on the board.
"""

from __future__ import annotations

import os
import socket
from datetime import UTC, datetime
from pathlib import Path

import pytest
from test_settings_dialog_support import (
    click,
    no_keyring_fixture,  # noqa: F401 - a fixture, by its name
    open_dialog,
    retype,
    save_shot,
    settings_with,
    settled_workers_fixture,  # noqa: F401 - a fixture, by its name
    step_results,
    wait_for_check,
)

from attendant.providers.base import StepResult
from attendant.providers.errors import CredentialsRejected
from attendant.services.guarded import CredentialsBlocked
from attendant.services.lockout import LockoutGuard
from tests.fakes.helpers import DEFAULT_PASSWORD, DEFAULT_USERNAME, seed_contoso

pytest_plugins = ("tests.fakes.fixtures",)  # ca_file, make_ews

PASS, FAIL, WARN, SKIP = StepResult.PASS, StepResult.FAIL, StepResult.WARN, StepResult.SKIP
SHOTS = Path(os.environ["ATTENDANT_SHOTS"]) if os.environ.get("ATTENDANT_SHOTS") else None


@pytest.fixture
def ews(make_ews):
    server = make_ews()
    seed_contoso(server, datetime.now(UTC).date())
    return server


def fill_exchange(qtbot, dialog, url: str, ca_file: Path, password: str) -> None:
    """What an admin types for on-premises Exchange."""
    page = dialog.pages["exchange"]
    retype(qtbot, page.ews_url.input, url)
    retype(qtbot, page.username.input, DEFAULT_USERNAME)
    page.username.input.editingFinished.emit()
    qtbot.keyClicks(page.password.edit, password)
    dialog.tabs.setCurrentIndex(2)
    retype(qtbot, dialog.ca_file.input, str(ca_file))
    retype(qtbot, dialog.timeout.input, "5")
    dialog.tabs.setCurrentIndex(0)


def exchange_dialog(qtbot, tmp_path: Path, **kwargs):
    settings = settings_with(
        calendar__provider="exchange",
        watch__people=("alice@contoso.com", "ghost@contoso.com"),
        watch__room_lists=("rooms-hq@contoso.com",),
    )
    dialog = open_dialog(qtbot, settings, state_dir=tmp_path / "state", **kwargs)
    dialog.resize(940, 900)
    return dialog


def test_every_step_passes_with_the_right_password(qtbot, ews, ca_file, tmp_path, no_keyring):
    dialog = exchange_dialog(qtbot, tmp_path)
    fill_exchange(qtbot, dialog, ews.url, ca_file, DEFAULT_PASSWORD)
    click(qtbot, dialog.test_button)
    assert dialog.check_panel.isVisible() and not dialog.test_button.isEnabled()
    wait_for_check(qtbot, dialog)
    assert step_results(dialog) == [
        ("Settings valid", PASS),
        ("Server reachable", PASS),
        ("TLS", PASS),
        ("Credentials", PASS),
        ("Server version", PASS),
        ("Free/busy query", WARN),  # ghost@ is unknown to the server: data, not a failure
        ("Room lists", PASS),
    ]
    assert "passed with warnings" in dialog.check_panel.status.text()
    assert dialog.test_button.isEnabled()
    assert ews.failed_logons == 0 and ews.successful_logons >= 1
    assert dialog.session.settings.calendar.exchange.username == DEFAULT_USERNAME
    assert dialog.outcome is None  # testing saves nothing


def test_a_wrong_password_fails_at_credentials_with_one_failed_logon(
    qtbot, ews, ca_file, tmp_path, no_keyring
):
    dialog = exchange_dialog(qtbot, tmp_path)
    fill_exchange(qtbot, dialog, ews.url, ca_file, "Wr0ng-Horse")
    click(qtbot, dialog.test_button)
    wait_for_check(qtbot, dialog)
    assert step_results(dialog) == [
        ("Settings valid", PASS),
        ("Server reachable", PASS),
        ("TLS", PASS),
        ("Credentials", FAIL),
        ("Free/busy query", SKIP),
        ("Room lists", SKIP),
    ]
    failed = dialog.check_panel.failed[0]
    assert isinstance(failed.error, CredentialsRejected)
    assert "Test failed" in dialog.check_panel.status.text()
    assert "Credentials" in dialog.check_panel.status.text()
    assert ews.failed_logons == 1
    save_shot(dialog, SHOTS / "test-settings-wrong-password.png" if SHOTS else None)

    # The rejection is recorded like the board's: testing again sends nothing.
    click(qtbot, dialog.test_button)
    wait_for_check(qtbot, dialog)
    blocked = dialog.check_panel.failed[0]
    assert isinstance(blocked.error, CredentialsBlocked)
    assert "will not send them again" in blocked.detail
    assert ews.failed_logons == 1
    guard = LockoutGuard(tmp_path / "state")
    assert guard.rejection_for("exchange", f"{DEFAULT_USERNAME}\0Wr0ng-Horse".encode())

    # Typing the right password lifts the block (new credentials), as on the board.
    page = dialog.pages["exchange"]
    retype(qtbot, page.password.edit, DEFAULT_PASSWORD)
    click(qtbot, dialog.test_button)
    wait_for_check(qtbot, dialog)
    assert ("Credentials", PASS) in step_results(dialog)
    assert ews.failed_logons == 1 and ews.successful_logons >= 1


def test_allow_one_more_attempt_clears_the_block_once(qtbot, ews, ca_file, tmp_path, no_keyring):
    dialog = exchange_dialog(qtbot, tmp_path)
    fill_exchange(qtbot, dialog, ews.url, ca_file, "Wr0ng-Horse")
    click(qtbot, dialog.test_button)
    wait_for_check(qtbot, dialog)
    click(qtbot, dialog.test_button)
    wait_for_check(qtbot, dialog)
    panel = dialog.check_panel
    assert panel.retry_button.isVisible() and ews.failed_logons == 1
    click(qtbot, panel.retry_button)
    wait_for_check(qtbot, dialog)
    assert isinstance(panel.failed[0].error, CredentialsRejected)
    assert not isinstance(panel.failed[0].error, CredentialsBlocked)
    assert ews.failed_logons == 2  # exactly one more, because the admin asked


def test_an_unreachable_server_fails_at_the_first_step_with_a_hint(
    qtbot, ca_file, tmp_path, no_keyring
):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    dialog = exchange_dialog(qtbot, tmp_path)
    fill_exchange(qtbot, dialog, f"https://127.0.0.1:{port}/EWS/Exchange.asmx", ca_file, "x")
    click(qtbot, dialog.test_button)
    wait_for_check(qtbot, dialog)
    results = step_results(dialog)
    assert results[:2] == [("Settings valid", PASS), ("Server reachable", FAIL)]
    failed = dialog.check_panel.failed[0]
    assert failed.hint, "a failed step always says what to do"
    assert all(result is not PASS for _, result in results[2:])


def test_a_certificate_from_an_unknown_ca_fails_at_tls_before_any_password(
    qtbot, make_ews, ca_file, tmp_path, no_keyring
):
    ews = make_ews(trusted=False)
    dialog = exchange_dialog(qtbot, tmp_path)
    fill_exchange(qtbot, dialog, ews.url, ca_file, DEFAULT_PASSWORD)
    click(qtbot, dialog.test_button)
    wait_for_check(qtbot, dialog)
    assert step_results(dialog)[:3] == [
        ("Settings valid", PASS),
        ("Server reachable", PASS),
        ("TLS", FAIL),
    ]
    assert "Settings ▸ Advanced" in dialog.check_panel.failed[0].hint
    assert ews.requests_total == 0 and ews.failed_logons == 0
    save_shot(dialog, SHOTS / "test-settings-unknown-ca.png" if SHOTS else None)


def test_settings_the_provider_refuses_fail_the_first_step(qtbot, tmp_path, no_keyring):
    dialog = exchange_dialog(qtbot, tmp_path)  # no EWS URL, no user name
    click(qtbot, dialog.test_button)
    wait_for_check(qtbot, dialog)
    ((name, result),) = step_results(dialog)
    assert (name, result) == ("Settings valid", FAIL)
    assert dialog.check_panel.failed[0].hint


def test_stop_ends_the_run_after_the_step_under_way(qtbot, ews, ca_file, tmp_path, no_keyring):
    ews.latency = 0.6
    dialog = exchange_dialog(qtbot, tmp_path)
    fill_exchange(qtbot, dialog, ews.url, ca_file, DEFAULT_PASSWORD)
    click(qtbot, dialog.test_button)
    panel = dialog.check_panel
    qtbot.waitUntil(lambda: len(panel.steps) >= 1, timeout=10_000)
    click(qtbot, panel.cancel_button)
    assert "Stopping" in panel.status.text()
    qtbot.keyClicks(dialog.pages["exchange"].username.input, "x")  # the dialog stays responsive
    wait_for_check(qtbot, dialog)
    assert "Stopped after" in panel.status.text()
    assert len(panel.steps) < 7
