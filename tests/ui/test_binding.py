"""The Qt binding must not leak or drop references: a console runs for days.

PySide6 6.12.0 under CPython 3.11 dropped a reference to ``None`` on every void Qt call and to
``True`` on every ``Signal.emit()``; a long-running console then aborted ("none_dealloc").
pyproject.toml keeps below it; this test catches a binding that does it again.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    fired = Signal()


def test_void_calls_and_emits_keep_reference_counts(qapp):
    emitter = _Emitter()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(2000):
        emitter.setObjectName("board")
        emitter.fired.emit()
    assert sys.getrefcount(None) - none_before > -50
    assert sys.getrefcount(True) - true_before > -50
