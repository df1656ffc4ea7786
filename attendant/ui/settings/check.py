"""Test Settings in the dialog: the steps of ``attendant check``, shown live, cancellable.

The provider is built from the dialog's edited copy (with a password typed but not stored yet)
in a worker thread, and :func:`run_check` runs there through a :class:`GuardedProvider` with
the real lockout guard, so a rejected password is recorded exactly as the board would record
it and a check makes at most one logon attempt. Each step comes back to the GUI thread as it
finishes and is shown with an icon, a word, the detail and the hint. Cancel stops the run
after the step under way.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPen, QPixmap, QPolygonF
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from attendant.providers.base import CheckStep, StepResult
from attendant.providers.errors import ProviderError
from attendant.services.check import Cancelled, log_step, run_check
from attendant.services.diagnostics import save_last_check
from attendant.services.guarded import CredentialsBlocked
from attendant.settings import Settings, validate_settings
from attendant.ui.settings.worker import ProviderAccess, run_in_thread

#: How Test Settings runs are named in the log.
TEST_SETTINGS = "Test Settings"

RESULT_WORDS = {
    StepResult.PASS: "Passed",
    StepResult.FAIL: "Failed",
    StepResult.WARN: "Warning",
    StepResult.SKIP: "Skipped",
}
RESULT_COLOURS = {
    StepResult.PASS: "#2e7d32",
    StepResult.FAIL: "#b3261e",
    StepResult.WARN: "#8d6708",
    StepResult.SKIP: "#5f6368",
}
SETTINGS_STEP = "Settings valid"


def result_pixmap(result: StepResult, size: int = 20) -> QPixmap:
    """A round icon whose shape tells the result: check, cross, exclamation mark, dash."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        colour = QColor(RESULT_COLOURS[result])
        box = QRectF(1, 1, size - 2, size - 2)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawEllipse(box)
        pen = QPen(QColor("#ffffff"), size * 0.13, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        c, w = box.center(), box.width()
        if result is StepResult.PASS:
            painter.drawPolyline(
                QPolygonF(
                    [
                        QPointF(box.left() + w * 0.27, c.y() + w * 0.02),
                        QPointF(box.left() + w * 0.44, c.y() + w * 0.19),
                        QPointF(box.left() + w * 0.74, c.y() - w * 0.16),
                    ]
                )
            )
        elif result is StepResult.FAIL:
            d = w * 0.2
            painter.drawLine(QPointF(c.x() - d, c.y() - d), QPointF(c.x() + d, c.y() + d))
            painter.drawLine(QPointF(c.x() - d, c.y() + d), QPointF(c.x() + d, c.y() - d))
        elif result is StepResult.WARN:
            painter.drawLine(QPointF(c.x(), c.y() - w * 0.24), QPointF(c.x(), c.y() + w * 0.04))
            painter.drawPoint(QPointF(c.x(), c.y() + w * 0.24))
        else:
            painter.drawLine(QPointF(c.x() - w * 0.22, c.y()), QPointF(c.x() + w * 0.22, c.y()))
    finally:
        painter.end()
    return pixmap


class StepRow(QWidget):
    """One step: icon, name and result word on a line, then the detail and the hint."""

    def __init__(self, step: CheckStep, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.step = step
        self.setObjectName(f"step-{step.result.value}")
        icon = QLabel(self)
        icon.setPixmap(result_pixmap(step.result))
        icon.setFixedSize(22, 22)
        self.title = QLabel(
            f"<b>{_escape(step.name)}</b> — "
            f"<span style='color:{RESULT_COLOURS[step.result]}'>"
            f"{RESULT_WORDS[step.result]}</span>",
            self,
        )
        self.detail = _wrapped(step.detail, self, "stepDetail")
        self.hint = _wrapped(f"Hint: {step.hint}" if step.hint else "", self, "stepHint")
        grid = QGridLayout(self)
        grid.setContentsMargins(2, 2, 2, 2)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(1)
        grid.addWidget(icon, 0, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.title, 0, 1)
        grid.addWidget(self.detail, 1, 1)
        grid.addWidget(self.hint, 2, 1)
        grid.setColumnStretch(1, 1)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)  # the fail highlight
        self.detail.setVisible(bool(step.detail))
        self.hint.setVisible(bool(step.hint) and step.result is not StepResult.PASS)
        self.setAccessibleName(f"{step.name}: {RESULT_WORDS[step.result]}. {step.detail}")


class CheckPanel(QFrame):
    """The steps of one Test Settings run, a status line, Cancel and "try once more"."""

    #: A run ended (passed, failed, stopped or crashed).
    finished_run = Signal()

    def __init__(self, access: ProviderAccess, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("checkPanel")
        self._access = access
        self._cancel = threading.Event()
        self.running = False
        self.steps: list[CheckStep] = []
        self._provider_name = ""
        self._retry: Callable[[], None] | None = None

        self.status = QLabel(self)
        self.status.setObjectName("checkStatus")
        self.status.setWordWrap(True)
        self.cancel_button = QPushButton("S&top test", self)
        self.cancel_button.clicked.connect(self.cancel)
        self.cancel_button.hide()
        self.retry_button = QPushButton("Allow one more atte&mpt", self)
        self.retry_button.setToolTip(
            "Forget that the server rejected these credentials and test once more (do this "
            "only after the account was unlocked or the password reset)"
        )
        self.retry_button.clicked.connect(self._retry_once)
        self.retry_button.hide()
        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(self.retry_button)
        top.addWidget(self.cancel_button)

        self._list = QWidget(self)
        self._rows = QVBoxLayout(self._list)
        self._rows.setContentsMargins(0, 0, 0, 0)
        self._rows.setSpacing(6)
        self._rows.addStretch(1)
        self._list.setObjectName("checkSteps")
        scroll = self.step_scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self._list)
        scroll.setMinimumHeight(120)
        scroll.viewport().setAutoFillBackground(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(top)
        layout.addWidget(scroll, 1)

    # -- public --------------------------------------------------------------------------

    def start(
        self, settings: Settings, typed_password: str | None, retry: Callable[[], None]
    ) -> None:
        """Test ``settings`` (the dialog's copy) step by step, in a worker thread."""
        if self.running:
            return
        self._clear()
        self._retry = retry
        self._provider_name = settings.calendar.provider
        self._cancel = threading.Event()
        cancel = self._cancel
        self.running = True
        self.cancel_button.setEnabled(True)
        self.cancel_button.show()
        self.retry_button.hide()
        self.status.setText("Testing the settings…")
        access = self._access
        watch = settings.watch_list()

        def job(progress: Callable[[Any], None]) -> str:
            steps: list[CheckStep] = []

            def report(step: CheckStep) -> None:
                steps.append(step)
                progress(step)

            def settings_step(step: CheckStep) -> None:
                log_step(step, TEST_SETTINGS)
                report(step)

            try:
                return run(report, settings_step)
            finally:
                if access.state_dir is not None:
                    save_last_check(access.state_dir, TEST_SETTINGS, steps)

        def run(
            report: Callable[[CheckStep], None], settings_step: Callable[[CheckStep], None]
        ) -> str:
            problems = validate_settings(settings)
            if problems:
                settings_step(CheckStep(SETTINGS_STEP, StepResult.FAIL, str(problems[0])))
                return "done"
            try:
                provider = access.open(settings, typed_password)
            except ProviderError as error:
                settings_step(
                    CheckStep(SETTINGS_STEP, StepResult.FAIL, error.message, error.hint, error)
                )
                return "done"
            try:
                run_check(
                    access.guarded(provider, settings),
                    watch,
                    report,
                    cancelled=cancel.is_set,
                    origin=TEST_SETTINGS,
                    settings=CheckStep(
                        SETTINGS_STEP, StepResult.PASS, "The settings are complete."
                    ),
                )
            except Cancelled:
                return "cancelled"
            finally:
                provider.close()
            return "cancelled" if cancel.is_set() else "done"

        run_in_thread(
            self,
            job,
            on_progress=self._add,
            on_done=self._finished,
            on_error=self._crashed,
            name="check",
        )

    def reset(self) -> None:
        """Forget the results shown (the settings they were for changed); stop a run."""
        self.cancel()
        self._clear()
        self.status.setText("")
        self.retry_button.hide()

    def cancel(self) -> None:
        """Stop after the step under way."""
        if self.running:
            self._cancel.set()
            self.cancel_button.setEnabled(False)
            self.status.setText("Stopping after the step under way…")

    @property
    def failed(self) -> list[CheckStep]:
        return [s for s in self.steps if s.result is StepResult.FAIL]

    # -- answers (GUI thread) ------------------------------------------------------------

    def _add(self, item: object) -> None:
        assert isinstance(item, CheckStep)
        self.steps.append(item)
        row = StepRow(item, self._list)
        self._rows.insertWidget(self._rows.count() - 1, row)
        self._show_row(row)
        if self.running and not self._cancel.is_set():
            self.status.setText(f"Testing… {len(self.steps)} steps done")

    def _finished(self, outcome: object) -> None:
        self.running = False
        self.cancel_button.hide()
        failed = self.failed
        if outcome == "cancelled":
            self.status.setText(f"Stopped after {len(self.steps)} steps.")
        elif failed:
            first = failed[0]
            self.status.setText(
                f"<b style='color:{RESULT_COLOURS[StepResult.FAIL]}'>Test failed</b> at "
                f"“{_escape(first.name)}”: {_escape(first.detail)}"
            )
            rows = self._list.findChildren(StepRow)
            failing = next((r for r in rows if r.step is first), None)
            if failing is not None:
                self._show_row(failing)
        elif any(s.result is StepResult.WARN for s in self.steps):
            self.status.setText("<b>Test passed with warnings.</b>")
        else:
            self.status.setText(
                f"<b style='color:{RESULT_COLOURS[StepResult.PASS]}'>All steps passed.</b>"
            )
        blocked = any(isinstance(s.error, CredentialsBlocked) for s in failed)
        self.retry_button.setVisible(blocked)
        self.finished_run.emit()

    def _show_row(self, row: StepRow) -> None:
        """Scroll ``row`` into view once it is laid out (the newest, or the failing step)."""
        QTimer.singleShot(0, lambda: self.step_scroll.ensureWidgetVisible(row, 0, 0))

    def _crashed(self, error: BaseException) -> None:
        self.running = False
        self.cancel_button.hide()
        self.status.setText("Test Settings stopped on an internal error; see the log file.")
        self.finished_run.emit()

    def _retry_once(self) -> None:
        """ "Retry now", as on the board: the rejected credentials may be sent once more."""
        self._access.guard().clear(self._provider_name)
        self.retry_button.hide()
        if self._retry is not None:
            self._retry()

    def _clear(self) -> None:
        self.steps = []
        while self._rows.count() > 1:
            item = self._rows.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()


def _wrapped(text: str, parent: QWidget, name: str) -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


__all__ = ["RESULT_WORDS", "CheckPanel", "StepRow", "result_pixmap"]
