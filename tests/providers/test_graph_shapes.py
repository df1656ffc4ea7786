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


def _signed_in(the_world, config: str, capsys) -> None:
    entra = the_world.entra
    threading.Thread(target=approve_when_pending(entra, RECEPTION), daemon=True).start()
    code, out, _ = run_cli(capsys, "signin", "--device-code", "--config", config)
    assert code == 0, out


def test_graph_refuses_a_window_over_62_days_before_sending_exit_2(
    world,  # noqa: F811 - the fixture imported above
    cli_config,  # noqa: F811
    capsys,
):
    config = str(cli_config)
    _signed_in(world, config, capsys)
    code, out, _ = run_cli(
        capsys, "availability", "--config", config, "--json",
        "--start", "2026-11-23T00:00:00+01:00", "--end", "2027-02-01T00:00:00+01:00",
    )  # fmt: skip
    assert code == 2
    error = json.loads(out)["error"]
    assert error["kind"] == "settings" and "at most 62 days" in error["message"]
    assert world.graph.routes["getSchedule"] == 0


def test_graph_asks_whole_days_and_clips_the_answer_back(
    world,  # noqa: F811 - the fixture imported above
    cli_config,  # noqa: F811
    capsys,
    monkeypatch,
):
    monkeypatch.setenv("TZ", "Europe/Rome")
    config = str(cli_config)
    _signed_in(world, config, capsys)
    code, out, err = run_cli(
        capsys, "availability", "alice@contoso.com", "--config", config, "--json",
        "--at", "2026-11-23T10:15:00+01:00",
        "--start", "2026-11-23T10:30:00+01:00", "--end", "2026-11-23T11:15:00+01:00",
    )  # fmt: skip
    assert code == 0, err
    (alice,) = json.loads(out)["entries"]
    assert [e["subject"] for e in alice["events"]] == ["Budget review", "Coffee"]
    assert world.graph.schedule_windows[-1] == (
        "2026-11-22T23:00:00",
        "2026-11-23T23:00:00",
    )
