"""Sign in and out from the settings dialog, against the fake Entra ID (device code flow).

The sign-in runs off the GUI thread; the code and address it prints are shown in the dialog;
the panel then says who is signed in, whether the token cache is encrypted, and when the
sign-in was last refreshed. Nothing is saved by signing in except the token cache.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from test_settings_dialog_support import (
    GUID,
    click,
    open_dialog,
    save_shot,
    settings_with,
    settled_workers_fixture,  # noqa: F401 - a fixture, by its name
)

pytest_plugins = ("tests.fakes.fixtures",)  # ca_file, make_entra

USER = "reception@contoso.com"
SHOTS = Path(os.environ["ATTENDANT_SHOTS"]) if os.environ.get("ATTENDANT_SHOTS") else None


@pytest.fixture
def authority(make_entra):
    return make_entra(tenant_id="4f6c0b9e-2d3a-4c55-9a1e-6b7d8e9f0a1b")


@pytest.mark.parametrize("provider", ["office365", "graph"])
def test_sign_in_with_a_code_then_sign_out(qtbot, authority, ca_file, tmp_path, provider):
    settings = settings_with(
        **{
            "calendar__provider": provider,
            f"calendar__{provider}__tenant_id": authority.tenant_id,
            f"calendar__{provider}__client_id": GUID,
            f"calendar__{provider}__authority": authority.base_url,
            "network__ca_bundle": str(ca_file),
            "network__timeout_seconds": 5,
        }
    )
    dialog = open_dialog(qtbot, settings, token_cache=tmp_path / "token_cache.bin")
    dialog.resize(940, 900)
    panel = dialog.pages[provider].signin
    qtbot.waitUntil(lambda: panel.status is not None, timeout=10_000)
    assert panel.isVisible() and panel.account_label.text() == "Nobody is signed in."
    assert not panel.sign_out_button.isEnabled()

    click(qtbot, panel.code_button)
    qtbot.waitUntil(lambda: panel.device_code is not None, timeout=10_000)
    assert panel.code_label.isVisible() and panel.device_code in panel.code_label.text()
    assert "/devicelogin" in panel.code_label.text()
    assert not panel.code_button.isEnabled()  # one sign-in at a time
    authority.approve(panel.device_code, USER)
    qtbot.waitUntil(lambda: "Signed in as" in panel.account_label.text(), timeout=15_000)
    assert USER in panel.account_label.text()
    assert not panel.code_label.isVisible()
    assert "token cache is NOT encrypted" in panel.cache_label.text()  # no keyring here
    assert panel.refreshed_label.text().startswith("Last refreshed ")
    assert panel.sign_out_button.isEnabled()
    if provider == "office365":
        save_shot(dialog, SHOTS / "office365-signed-in.png" if SHOTS else None)
    assert dialog.outcome is None  # signing in saves no settings

    click(qtbot, panel.sign_out_button)
    qtbot.waitUntil(lambda: panel.account_label.text() == "Nobody is signed in.", timeout=10_000)
    assert "Signed out" in panel.progress.text()


def test_without_a_tenant_the_panel_says_what_is_missing(qtbot, tmp_path):
    dialog = open_dialog(
        qtbot, settings_with(calendar__provider="office365"), token_cache=tmp_path / "cache.bin"
    )
    panel = dialog.pages["office365"].signin
    qtbot.waitUntil(lambda: panel.status is not None, timeout=10_000)
    assert "Directory (tenant) ID" in panel.cache_label.text()
    assert not panel.sign_in_button.isEnabled() and not panel.code_button.isEnabled()


def test_exchange_and_the_demo_have_no_sign_in(qtbot):
    dialog = open_dialog(qtbot)
    assert not hasattr(dialog.pages["exchange"], "signin")
    assert not dialog.pages["demo"].signin.isVisible()
