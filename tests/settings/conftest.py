"""Fixtures for the settings tests: settings files in tmp_path and an in-memory keyring."""

from __future__ import annotations

import contextlib
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import keyring.backend
import keyring.errors
import pytest

from attendant.settings import PASSWORD_ENV
from tests.fakes.keyring import MemoryKeyring


@contextlib.contextmanager
def _use_backend(backend: keyring.backend.KeyringBackend) -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        yield
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    backend = MemoryKeyring()
    with _use_backend(backend):
        yield backend


@pytest.fixture
def failing_keyring() -> Iterator[None]:
    """keyring's own "no backend available" backend, as on a headless Linux machine."""
    from keyring.backends import fail

    with _use_backend(fail.Keyring()):
        yield


@pytest.fixture(autouse=True)
def no_password_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PASSWORD_ENV, raising=False)


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """Writes dedented TOML text to a file in tmp_path and returns its path."""

    def write_file(text: str, name: str = "settings.toml") -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return write_file
