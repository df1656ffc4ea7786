"""Helpers for the settings dialog's tests (no tests here): typing, a keyring, the dialog.

Imported by ``test_settings_dialog*.py``; a module that imports a ``*_fixture`` function has
the fixture of that name (``memory_keyring``, ``no_keyring``, the autouse ``settled_workers``).
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import keyring.backend
import keyring.errors
import pytest
import shiboken6
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QLineEdit, QWidget

from attendant.providers.base import StepResult
from attendant.providers.registry import ProviderRegistry
from attendant.settings import Settings, default_settings, with_value
from attendant.ui.settings.dialog import SettingsDialog
from attendant.ui.settings.worker import running_workers
from tests.fakes.keyring import MemoryKeyring

#: Dialogs opened by the running test; deleted by Qt after it (see ``settled_workers``).
_OPENED: list[SettingsDialog] = []

GUID = "0f2c1a6e-7d4b-4e8a-9c3f-2b1d0e9a8c7f"
TENANT = "4f6c0b9e-2d3a-4c55-9a1e-6b7d8e9f0a1b"


@pytest.fixture(name="settled_workers", autouse=True)
def settled_workers_fixture(qapp) -> Iterator[None]:
    """After a test: no worker left running, and its widgets collected on the GUI thread.

    A worker thread may run Python's cycle collector; a dialog left as cyclic garbage would
    then be deleted there, off the GUI thread, which Qt does not survive.
    """
    yield
    deadline = time.monotonic() + 30
    while running_workers() and time.monotonic() < deadline:
        qapp.processEvents()
        time.sleep(0.01)
    qapp.processEvents()
    # Qt deletes the dialogs (as WA_DeleteOnClose does in the program), not Python's cycle
    # collector: collecting a whole live widget tree as cyclic garbage is not safe.
    for dialog in _OPENED:
        if shiboken6.isValid(dialog):
            dialog.close()
            dialog.deleteLater()
    _OPENED.clear()
    qapp.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()


@pytest.fixture(name="memory_keyring")
def memory_keyring_fixture() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@pytest.fixture(name="no_keyring")
def no_keyring_fixture() -> Iterator[None]:
    """keyring's "no backend available", as on a Linux desk without a Secret Service."""
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        yield
    finally:
        keyring.set_keyring(previous)


def registry() -> ProviderRegistry:
    return ProviderRegistry.discover(plugins=list)


def settings_with(**values: Any) -> Settings:
    """Default settings with dotted keys given as ``calendar__provider="exchange"``."""
    settings = default_settings()
    for name, value in values.items():
        settings = with_value(settings, name.replace("__", "."), value)
    return settings


def open_dialog(qtbot: Any, settings: Settings | None = None, **kwargs: Any) -> SettingsDialog:
    dialog = SettingsDialog(
        settings or default_settings(), kwargs.pop("registry", registry()), **kwargs
    )
    qtbot.addWidget(dialog)
    _OPENED.append(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=2000)
    return dialog


def retype(qtbot: Any, widget: QWidget, text: str) -> None:
    """Select what a field holds and type ``text`` over it, as a person does."""
    target = widget.lineEdit() if isinstance(widget, QAbstractSpinBox) else widget
    assert isinstance(target, QLineEdit | QWidget)
    widget.setFocus()
    qtbot.keyClick(target, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(target, Qt.Key.Key_Backspace)
    if text:
        qtbot.keyClicks(target, text)


def choose(qtbot: Any, combo: QComboBox, text: str) -> None:
    """Pick the item of ``combo`` whose text starts with ``text``, from the keyboard."""
    texts = [combo.itemText(i) for i in range(combo.count())]
    target = next(i for i, item in enumerate(texts) if item.startswith(text))
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(target):
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentText().startswith(text), combo.currentText()


def click(qtbot: Any, widget: QWidget) -> None:
    assert widget.isEnabled() and widget.isVisible(), widget
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def step_results(dialog: SettingsDialog) -> list[tuple[str, StepResult]]:
    return [(s.name, s.result) for s in dialog.check_panel.steps]


def wait_for_check(qtbot: Any, dialog: SettingsDialog, timeout: int = 30_000) -> None:
    qtbot.waitUntil(lambda: not dialog.check_panel.running, timeout=timeout)


def save_shot(widget: QWidget, path: Path | None) -> None:
    """Save a picture of ``widget`` when ATTENDANT_SHOTS names a folder (for reviews)."""
    if path is not None:
        widget.grab().save(str(path))
