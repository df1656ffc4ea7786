"""Sign in and out of Microsoft 365 from the settings dialog (Office 365 and Graph providers).

It shows who is signed in, whether the token cache is encrypted, and when the sign-in was last
refreshed. Everything that may wait (building the provider opens the token cache, which may
ask the OS keyring; signing in waits for a person) runs off the GUI thread. The device-code
flow prints its code and address; they are shown here, selectable, with a button to copy the
code. A provider without ``sign_in`` keeps this panel hidden.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from loguru import logger
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from attendant.providers.errors import ProviderError
from attendant.settings import Settings
from attendant.ui.settings.fields import EditSession
from attendant.ui.settings.worker import ProviderAccess, run_in_thread

_CODE = re.compile(r"enter the code\s+(\S+)", re.IGNORECASE)
_URL = re.compile(r"https?://\S+[^\s.,;)]")


@dataclass(frozen=True, slots=True)
class SignInStatus:
    """What the token cache says, read without any network request."""

    supported: bool
    account: str | None = None
    encrypted: bool | None = None
    last_refreshed: datetime | None = None
    problem: str | None = None


def _signin_of(provider: object) -> Any:
    """The provider's :class:`MsalSignIn` (its ``signin`` attribute), if it has one."""
    found = getattr(provider, "signin", None)
    return found if found is not None and hasattr(found, "account") else None


def read_status(provider: object) -> SignInStatus:
    """Blocking: the sign-in status of ``provider`` (no network)."""
    if not callable(getattr(provider, "sign_in", None)):
        return SignInStatus(supported=False)
    signin = _signin_of(provider)
    if signin is None:
        return SignInStatus(supported=True)
    return SignInStatus(
        supported=True,
        account=signin.account(),
        encrypted=bool(getattr(signin, "cache_encrypted", False)),
        last_refreshed=getattr(signin, "last_refreshed", None),
    )


class _ReportingStream(io.TextIOBase):
    """The ``out`` a provider's ``sign_in`` writes to: each write is reported to the GUI."""

    def __init__(self, report: Any) -> None:
        super().__init__()
        self._report = report

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if text.strip():
            self._report(text.strip())
        return len(text)


class SignInPanel(QWidget):
    """Who is signed in, and the buttons to sign in (browser or code) and out."""

    def __init__(
        self,
        access: ProviderAccess,
        session: EditSession,
        *,
        keys: tuple[str, ...] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._access = access
        self._session = session
        self._busy = False
        self._generation = 0
        self.status: SignInStatus | None = None

        self.account_label = QLabel("Looking up the sign-in…", self)
        self.account_label.setObjectName("signinAccount")
        self.cache_label = QLabel(self)
        self.cache_label.setObjectName("pageNote")
        self.refreshed_label = QLabel(self)
        self.refreshed_label.setObjectName("pageNote")
        self.sign_in_button = QPushButton("Sign &in…", self)
        self.sign_in_button.setToolTip("Sign in in the web browser")
        self.code_button = QPushButton("Sign in with a &code…", self)
        self.code_button.setToolTip(
            "For a desk without a browser: sign in on any device with a code shown here"
        )
        self.sign_out_button = QPushButton("Sign &out", self)
        self.sign_in_button.clicked.connect(lambda: self.sign_in(device_code=False))
        self.code_button.clicked.connect(lambda: self.sign_in(device_code=True))
        self.sign_out_button.clicked.connect(self.sign_out)

        self.progress = QLabel(self)
        self.progress.setWordWrap(True)
        self.progress.setObjectName("pageNote")
        self.progress.hide()
        self.code_label = QLabel(self)
        self.code_label.setObjectName("deviceCode")
        self.code_label.setWordWrap(True)
        self.code_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.code_label.hide()
        self.copy_button = QPushButton("Co&py code", self)
        self.copy_button.hide()
        self.copy_button.clicked.connect(self._copy_code)
        self.device_code: str | None = None

        buttons = QHBoxLayout()
        for button in (self.sign_in_button, self.code_button, self.sign_out_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        code_row = QHBoxLayout()
        code_row.addWidget(self.code_label, 1)
        code_row.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.account_label)
        layout.addWidget(self.cache_label)
        layout.addWidget(self.refreshed_label)
        layout.addLayout(buttons)
        layout.addLayout(code_row)
        layout.addWidget(self.progress)
        self._keys = keys
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(600)
        self._debounce.timeout.connect(self.refresh)
        session.changed.connect(self.settings_changed)
        session.errors_changed.connect(self._set_buttons)
        self._set_buttons()

    # -- public --------------------------------------------------------------------------

    def settings_changed(self, key: str) -> None:
        """A key of the copy changed; look again if it is one the sign-in depends on."""
        if self._concerns(key):
            self._debounce.start()

    def _concerns(self, key: str) -> bool:
        return key in self._keys or key.startswith("network.")

    def _settings(self) -> Settings:
        return self._session.settings

    def fields_invalid(self) -> bool:
        """A field the sign-in depends on shows an error: the copy is not what is shown."""
        return any(self._concerns(editor.key) for editor, _ in self._session.errors())

    def refresh(self) -> None:
        """Look up who is signed in (off the GUI thread)."""
        if self._busy:
            self._debounce.start()
            return
        self._generation += 1
        generation = self._generation
        settings, access = self._settings(), self._access

        def job(_report: Any) -> SignInStatus:  # no widgets in here: it runs on a worker
            try:
                provider = access.open(settings)
            except ProviderError as error:
                return SignInStatus(supported=True, problem=_sentence(error))
            try:
                return read_status(provider)
            finally:
                provider.close()

        run_in_thread(
            self,
            job,
            on_done=lambda status: self._show(status, generation),
            on_error=lambda error: self._failed(error),
            name="signin-status",
        )

    def sign_in(self, *, device_code: bool) -> None:
        settings = self._settings()
        self._busy = True
        self._set_buttons()
        self.device_code = None
        self.code_label.hide()
        self.copy_button.hide()
        self._say(
            "Waiting for the sign-in in the web browser…"
            if not device_code
            else "Asking for a sign-in code…"
        )

        access = self._access

        def job(report: Any) -> SignInStatus:
            provider = access.open(settings)
            try:
                provider.sign_in(device_code=device_code, out=_ReportingStream(report))  # type: ignore[attr-defined]
                return read_status(provider)
            finally:
                provider.close()

        run_in_thread(
            self,
            job,
            on_progress=self._on_sign_in_message,
            on_done=self._signed_in,
            on_error=self._failed,
            name="signin",
        )

    def sign_out(self) -> None:
        settings = self._settings()
        self._busy = True
        self._set_buttons()

        access = self._access

        def job(_report: Any) -> SignInStatus:
            provider = access.open(settings)
            try:
                provider.sign_out()  # type: ignore[attr-defined]
                return read_status(provider)
            finally:
                provider.close()

        run_in_thread(self, job, on_done=self._signed_out, on_error=self._failed, name="signout")

    # -- answers (GUI thread) ------------------------------------------------------------

    def _on_sign_in_message(self, text: object) -> None:
        message = str(text)
        code = _CODE.search(message)
        url = _URL.search(message)
        if code is None:
            self._say(message)
            return
        self.device_code = code.group(1)
        address = url.group(0) if url else "the sign-in page"
        self.code_label.setText(
            f"On any device, open <b>{address}</b> and enter the code "
            f"<b style='font-size:14pt'>{self.device_code}</b>"
        )
        self.code_label.show()
        self.copy_button.show()
        self._say("Waiting for the sign-in with the code… (closing this dialog abandons it)")

    def _signed_in(self, status: object) -> None:
        self._busy = False
        self.code_label.hide()
        self.copy_button.hide()
        assert isinstance(status, SignInStatus)
        self._show(status, self._generation)
        self._say("" if status.account else "Signed in, but the account is not known yet.")

    def _signed_out(self, status: object) -> None:
        self._busy = False
        assert isinstance(status, SignInStatus)
        self._show(status, self._generation)
        self._say("Signed out: the token was removed from this computer's cache.")

    def _failed(self, error: BaseException) -> None:
        self._busy = False
        self.code_label.hide()
        self.copy_button.hide()
        if isinstance(error, ProviderError):
            logger.warning("Sign-in from the settings dialog: {}", error.message)
            self._say(_sentence(error), error=True)
        else:
            self._say("Internal error; the details are in the log file.", error=True)
        self._set_buttons()

    def _show(self, status: object, generation: int) -> None:
        assert isinstance(status, SignInStatus)
        if generation != self._generation:
            return  # a newer look-up is under way
        self.status = status
        self.setVisible(status.supported)
        if status.problem is not None:
            self.account_label.setText("Not signed in.")
            self.cache_label.setText(status.problem)
            self.refreshed_label.setText("")
        else:
            self.account_label.setText(
                f"Signed in as <b>{status.account}</b>"
                if status.account
                else "Nobody is signed in."
            )
            self.cache_label.setText(
                ""
                if status.encrypted is None
                else "The token cache is encrypted by the operating system."
                if status.encrypted
                else "The token cache is NOT encrypted on this computer: it is a file only "
                "this user may read."
            )
            self.refreshed_label.setText(
                "Last refreshed "
                + status.last_refreshed.astimezone().strftime("%Y-%m-%d %H:%M")
                + "."
                if status.last_refreshed is not None
                else ""
            )
        self.cache_label.setVisible(bool(self.cache_label.text()))
        self.refreshed_label.setVisible(bool(self.refreshed_label.text()))
        self._set_buttons()

    def _say(self, text: str, *, error: bool = False) -> None:
        self.progress.setObjectName("fieldError" if error else "pageNote")
        self.progress.style().unpolish(self.progress)
        self.progress.style().polish(self.progress)
        self.progress.setText(text)
        self.progress.setVisible(bool(text))

    def _set_buttons(self) -> None:
        usable = (
            self.status is not None
            and self.status.problem is None
            and not self._busy
            and not self.fields_invalid()
        )
        signed_in = self.status is not None and self.status.account is not None
        self.sign_in_button.setEnabled(usable)
        self.code_button.setEnabled(usable)
        self.sign_out_button.setEnabled(usable and signed_in)

    def _copy_code(self) -> None:
        if self.device_code:
            QGuiApplication.clipboard().setText(self.device_code)


def _sentence(error: ProviderError) -> str:
    return f"{error.message} {error.hint}".strip()
