"""The lockout guard's memory on disk."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from attendant.services.lockout import STATE_FILE_NAME, LockoutGuard


def test_rejection_is_remembered_by_hash_only(tmp_path: Path):
    guard = LockoutGuard(tmp_path)
    guard.record_rejection("exchange", b"reception\0Winter2026!", "401")
    raw = (tmp_path / STATE_FILE_NAME).read_text()
    assert "Winter2026" not in raw
    assert json.loads(raw)["rejected"]["exchange"]["digest"]
    other_process = LockoutGuard(tmp_path)
    assert other_process.rejection_for("exchange", b"reception\0Winter2026!") is not None
    assert other_process.rejection_for("exchange", b"reception\0Spring2027!") is None
    assert other_process.rejection_for("graph", b"reception\0Winter2026!") is None


def test_two_guards_with_the_same_material_get_different_salts(tmp_path: Path):
    a, b = LockoutGuard(tmp_path / "a"), LockoutGuard(tmp_path / "b")
    a.record_rejection("exchange", b"x", "401")
    b.record_rejection("exchange", b"x", "401")
    da = json.loads((tmp_path / "a" / STATE_FILE_NAME).read_text())["rejected"]["exchange"]
    db = json.loads((tmp_path / "b" / STATE_FILE_NAME).read_text())["rejected"]["exchange"]
    assert da["salt"] != db["salt"] and da["digest"] != db["digest"]


def test_clear_lifts_rejection_and_throttle(tmp_path: Path):
    guard = LockoutGuard(tmp_path)
    now = datetime.now(UTC)
    guard.record_rejection("exchange", b"x", "401")
    guard.record_throttle("exchange", now + timedelta(minutes=5))
    assert guard.throttled_until("exchange", now) is not None
    guard.clear("exchange")
    assert guard.rejection_for("exchange", b"x") is None
    assert guard.throttled_until("exchange", now) is None


def test_throttle_expires(tmp_path: Path):
    guard = LockoutGuard(tmp_path)
    now = datetime.now(UTC)
    guard.record_throttle("graph", now + timedelta(seconds=30))
    assert guard.throttled_until("graph", now + timedelta(seconds=29)) is not None
    assert guard.throttled_until("graph", now + timedelta(seconds=30)) is None


def test_damaged_state_file_keeps_this_sessions_memory(tmp_path: Path):
    guard = LockoutGuard(tmp_path)
    guard.record_rejection("exchange", b"x", "401")
    (tmp_path / STATE_FILE_NAME).write_text("{ not json")
    assert guard.rejection_for("exchange", b"x") is not None  # still blocked


def test_in_memory_guard(tmp_path: Path):
    guard = LockoutGuard(None)
    guard.record_rejection("demo", None, "401")
    assert guard.rejection_for("demo", None) is not None
    assert not list(tmp_path.iterdir())
