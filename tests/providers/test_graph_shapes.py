"""Graph answers in the shapes Microsoft documents and tenants send, through the real CLI.

Against the fake Entra ID and the fake Graph over loopback HTTPS.
"""

from __future__ import annotations

import json
import threading

from tests.fakes.helpers import approve_when_pending
from tests.providers.test_graph import (  # noqa: F401 - fixtures, by their names
    RECEPTION,
    cli_config,
    make_world,
    run_cli,
    world,
)

pytest_plugins = ("tests.fakes.fixtures",)  # ca_file, make_entra


def test_check_reads_granted_scopes_by_permission_name_whatever_the_resource_prefix(
    world,  # noqa: F811 - the fixture imported above
    cli_config,  # noqa: F811
    capsys,
):
    # Some tokens name each permission with its resource in "scp":
    # https://graph.microsoft.com/Calendars.ReadBasic is Calendars.ReadBasic.
    world.entra.scp_with_resource = True
    config = str(cli_config)
    threading.Thread(target=approve_when_pending(world.entra, RECEPTION), daemon=True).start()
    code, out, _ = run_cli(capsys, "signin", "--device-code", "--config", config)
    assert code == 0, out
    code, out, _ = run_cli(capsys, "check", "--config", config, "--json")
    steps = {s["name"]: s for s in json.loads(out)["steps"]}
    assert steps["Signed in"]["result"] == "pass", steps["Signed in"]
    assert "lacks" not in steps["Signed in"]["detail"]
    assert code == 0, steps
