"""Hypothesis for the parser properties: random inputs on a developer's machine (new ones each
run, to keep finding faults); the same inputs in CI, so that a run there never fails on a case
nobody has seen. Failures found are pinned as examples in the test modules."""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
