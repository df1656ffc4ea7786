"""The short soak: one cycle of each pass of bench/soak.py against the fakes.

Exchange pass (about a minute): the real console (offscreen) goes through every fault once:
down, slow, 503 with Retry-After, ErrorServerBusy, malformed and truncated XML, a renewed
certificate and one from an unknown CA, a password change, an emptied room list, a deleted
mailbox. Graph pass (about half a minute), signed in with the real msal against the fake
Entra ID whose tokens end every few seconds: Graph down, 429 and 503 with Retry-After,
malformed JSON, a token renewal, tokens ended early by the tenant, a password change.
What a loaded two-core machine keeps reliably is asserted here; the GUI stall bound (16 ms)
and the growth bounds belong to the bench's figures.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent


def one_cycle(provider: str, tmp_path: Path) -> tuple[dict[str, Any], dict[str, Any], str]:
    figures_file = tmp_path / "figures.json"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    command = [sys.executable, str(ROOT / "bench" / "soak.py"), "--provider", provider]
    run = subprocess.run(
        [*command, "--minutes", "0", "--json", str(figures_file)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=280,
        check=False,
    )
    assert figures_file.exists(), run.stdout + run.stderr
    figures = json.loads(figures_file.read_text(encoding="utf-8"))
    phases = {phase["name"]: phase for phase in figures["phases"]}
    return figures, phases, run.stdout


def assert_recovered(figures: dict[str, Any], phases: dict[str, Any], out: str, n: int) -> None:
    assert len(phases) == n + 1, out
    # Every fault phase measured its recovery: a run that checked nothing must not pass.
    unmeasured = [
        name
        for name, p in phases.items()
        if name != "baseline" and (p["recovery_bound_s"] is None or p["recovery_s"] is None)
    ]
    assert unmeasured == [], out
    assert figures["recoveries_checked"] == figures["fault_phases"] == n, out
    late = [
        f"{name}: {p['recovery_s']} s > {p['recovery_bound_s']} s"
        for name, p in phases.items()
        if p["recovery_bound_s"] is not None
        and (p["recovery_s"] is None or p["recovery_s"] > p["recovery_bound_s"] * 2)
    ]
    assert late == [], out  # twice the bound: room for a loaded machine
    assert figures["free_without_data"] == [], out
    assert all(p["free_without_data"] == 0 for p in phases.values()), out
    assert figures["failed_logons"] == [1, 0], out  # one at the change, none after
    assert figures["token_problems"] == [], out  # no failed logon or prompt elsewhere
    assert figures["crashes"] == [], out
    assert figures["log_bytes_max"] <= figures["log_bound"]
    assert phases["password changed"]["blocked_refreshes"] >= 1, out
    sample = figures["samples"][0]
    assert sample["threads"] < 20 and sample["sockets"] < 20, sample


@pytest.mark.timeout(300)
def test_one_exchange_cycle_recovers_from_every_fault(tmp_path: Path) -> None:
    figures, phases, out = one_cycle("exchange", tmp_path)
    assert_recovered(figures, phases, out, 11)
    # Faults that must show: the board said so, and the good data came back.
    for name in ("down", "malformed XML", "truncated XML", "password changed"):
        assert phases[name]["failed_refreshes"] >= 1, out
    assert phases["certificate renewed"]["failed_refreshes"] == 0, out
    assert phases["room list emptied"]["recovery_s"] is not None  # the rooms left the board


@pytest.mark.timeout(300)
def test_one_graph_cycle_renews_tokens_silently_and_recovers(tmp_path: Path) -> None:
    figures, phases, out = one_cycle("graph", tmp_path)
    assert_recovered(figures, phases, out, 7)
    for name in ("down", "429 Retry-After", "503 Retry-After", "malformed JSON"):
        assert phases[name]["failed_refreshes"] >= 1, out
    # A token that ends is renewed before it is sent: no 401, no failed refresh.
    assert phases["token expiry"]["token_renewals"] >= 1, out
    assert phases["token expiry"]["unauthorized"] == 0, out
    assert phases["token expiry"]["failed_refreshes"] == 0, out
    # Tokens the tenant ended early: refused once, renewed, no prompt (token_problems).
    assert phases["token ended early"]["unauthorized"] >= 1, out
    assert phases["token ended early"]["token_renewals"] >= 1, out
    assert phases["password changed"]["failed_logons"] == 1, out  # one invalid_grant
