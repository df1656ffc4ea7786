"""The tests that need Microsoft's EWS schema: skipped with a reason without it, except in CI.

A clean clone has no schema beside it, and the README's test command must still pass there;
``.ci/run`` sets ``ATTENDANT_REQUIRE_EWS_SCHEMA=1`` so that CI fails instead of skipping.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.fakes.ews_schema import REQUIRE_SCHEMA_ENV, SCHEMA_DIR_ENV

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_TEST = "tests/test_fakes.py::test_schema_validation_catches_invalid_requests"


def _pytest(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != REQUIRE_SCHEMA_ENV}
    environ.update(env)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", SCHEMA_TEST],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_without_the_schema_its_tests_skip_with_a_one_line_reason(tmp_path):
    done = _pytest(tmp_path, **{SCHEMA_DIR_ENV: str(tmp_path / "nowhere")})
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 skipped" in done.stdout
    (reason,) = [line for line in done.stdout.splitlines() if line.startswith("SKIPPED")]
    assert "EWS schema" in reason and SCHEMA_DIR_ENV in reason


def test_where_the_schema_is_required_its_absence_fails(tmp_path):
    done = _pytest(tmp_path, **{SCHEMA_DIR_ENV: str(tmp_path / "nowhere"), REQUIRE_SCHEMA_ENV: "1"})
    assert done.returncode == 1, done.stdout + done.stderr
    assert "1 error" in done.stdout and "EWS schema" in done.stdout
