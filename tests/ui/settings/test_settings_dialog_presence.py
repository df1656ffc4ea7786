# ruff: noqa: F811 - the Graph fixtures are imported by name
"""Test Settings on the Graph page asks Teams presence: consent or a hint, never a failure.

Against the fake Entra ID and the fake Graph, with the receptionist signed in (a token in the
dialog's token cache): the 401 Graph has been seen to give presence with a working token shows
as a warning with what to do, the calendar steps pass, and the run is not "failed".
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtWidgets import QLabel
from test_settings_dialog_support import (
    GUID,
    click,
    no_keyring_fixture,  # noqa: F401 - a fixture, by its name
    open_dialog,
    save_shot,
    settings_with,
    settled_workers_fixture,  # noqa: F401 - a fixture, by its name
    step_results,
    wait_for_check,
)

from attendant.providers.base import StepResult
from attendant.providers.graph import scopes_for
from attendant.providers.signin import MsalSignIn
from attendant.providers.tls import trust_context
from tests.providers.test_graph import Approver, World, make_world  # noqa: F401

pytest_plugins = ("tests.fakes.fixtures",)  # ca_file, make_entra
SHOTS = Path(os.environ["ATTENDANT_SHOTS"]) if os.environ.get("ATTENDANT_SHOTS") else None
STEP = "Teams presence (Presence.Read.All)"


def _graph_dialog(qtbot, world: World, tmp_path: Path):
    cache = tmp_path / "token_cache.bin"
    MsalSignIn(
        authority=world.entra.base_url,
        tenant_id=world.entra.tenant_id,
        client_id=GUID,
        scopes=scopes_for(world.graph.base_url),
        cache_path=cache,
        timeout=10,
        trust=trust_context(str(world.ca_file)),
    ).sign_in_device_code(Approver(world.entra))
    settings = settings_with(
        calendar__provider="graph",
        calendar__grant_modern_auth=True,
        calendar__graph__tenant_id=world.entra.tenant_id,
        calendar__graph__client_id=GUID,
        calendar__graph__authority=world.entra.base_url,
        calendar__graph__graph_url=world.graph.base_url,
        network__ca_bundle=str(world.ca_file),
        network__timeout_seconds=10,
        watch__people=("alice@contoso.com",),
    )
    dialog = open_dialog(qtbot, settings, token_cache=cache, state_dir=tmp_path / "state")
    dialog.resize(940, 900)
    return dialog


def test_a_presence_refusal_is_a_warning_with_a_hint(qtbot, make_world, tmp_path, no_keyring):
    world: World = make_world()
    world.graph.presence_unauthorized = True
    dialog = _graph_dialog(qtbot, world, tmp_path)
    click(qtbot, dialog.test_button)
    wait_for_check(qtbot, dialog)
    results = dict(step_results(dialog))
    assert results[STEP] is StepResult.WARN
    assert results["Free/busy query"] is StepResult.PASS
    assert StepResult.FAIL not in results.values()
    assert "passed with warnings" in dialog.check_panel.status.text()
    texts = [label.text() for label in dialog.check_panel.findChildren(QLabel)]
    assert any("Hint: Add the delegated permission Presence.Read.All" in t for t in texts)
    # The 401 blocked nothing: a second run signs in with the same token and passes again.
    click(qtbot, dialog.test_button)
    wait_for_check(qtbot, dialog)
    again = dict(step_results(dialog))
    assert again["Signed in"] is StepResult.PASS and again[STEP] is StepResult.WARN
    assert world.graph.routes["presence"] == 2
    bar = dialog.check_panel.step_scroll.verticalScrollBar()
    bar.setValue(bar.maximum())
    save_shot(dialog.check_panel, SHOTS / "graph-presence-refused.png" if SHOTS else None)


def test_presence_with_consent_passes(qtbot, make_world, tmp_path, no_keyring):
    world: World = make_world()
    dialog = _graph_dialog(qtbot, world, tmp_path)
    click(qtbot, dialog.test_button)
    wait_for_check(qtbot, dialog)
    results = dict(step_results(dialog))
    assert results[STEP] is StepResult.PASS
    assert world.graph.routes["presence"] == 1
