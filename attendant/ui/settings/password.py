"""The Exchange password field: stored in the OS keyring, never shown back.

The dialog never reads a stored password into a widget. It says whether one is stored for the
user name, offers "Change…" to type a new one, and stores what was typed only on OK/Apply
(through the composition root). Where the keyring is unavailable (a Linux desk without a
Secret Service), it says so and points to ATTENDANT_PASSWORD; what is typed is then used for
Test Settings only. A password typed but not stored yet is what Test Settings uses.
"""

from __future__ import annotations

import os

import keyring
import keyring.errors
from keyring.backends import fail, null
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from attendant.settings import PASSWORD_ENV, SERVICE_NAME


def keyring_problem() -> str | None:
    """Why passwords cannot be stored on this machine, or None when the keyring works."""
    try:
        backend = keyring.get_keyring()
    except Exception as error:  # a broken keyring configuration must not break the dialog
        return f"the keyring cannot be opened ({error})"
    if isinstance(backend, fail.Keyring | null.Keyring):
        return "no keyring (such as GNOME Keyring or KWallet) is available on this computer"
    return None


class PasswordField(QWidget):
    """ "A password is stored" with "Change…", or a field to type one."""

    #: What was typed changed (for the dialog's Apply button).
    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._username = ""
        self._stored = False
        self._changing = False
        self.problem = keyring_problem()

        self.state = QLabel(self)
        self.state.setWordWrap(True)
        self.state.setObjectName("pageNote")
        self.change_button = QPushButton("C&hange…", self)
        self.change_button.setToolTip("Type a new password; it is stored when you press OK")
        self.change_button.clicked.connect(self.start_change)
        self.keep_button = QPushButton("&Keep the stored one", self)
        self.keep_button.clicked.connect(self.keep_stored)
        self.edit = QLineEdit(self)
        self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.edit.setAccessibleName("Password")
        self.edit.setPlaceholderText("Password")
        self.edit.textChanged.connect(lambda _text: self.edited.emit())

        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.change_button)
        row.addWidget(self.keep_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addLayout(row)
        layout.addWidget(self.state)

    # -- public --------------------------------------------------------------------------

    def set_username(self, username: str) -> None:
        """Look up (without showing it) whether a password is stored for ``username``."""
        self._username = username
        self._stored = bool(username) and self.problem is None and _stored(username)
        if not self._stored:
            self._changing = False
        self._update()

    @property
    def stored(self) -> bool:
        return self._stored

    def typed(self) -> str | None:
        """The password typed here, or None."""
        typing = not self._stored or self._changing
        return self.edit.text() or None if typing else None

    def to_store(self) -> str | None:
        """What OK/Apply should store in the keyring (None where there is no keyring)."""
        return self.typed() if self.problem is None else None

    def mark_stored(self) -> None:
        """OK/Apply stored the typed password."""
        self.edit.clear()
        self._stored = True
        self._changing = False
        self._update()

    def start_change(self) -> None:
        self._changing = True
        self._update()
        self.edit.setFocus()

    def keep_stored(self) -> None:
        self._changing = False
        self.edit.clear()
        self._update()

    # -- internals -----------------------------------------------------------------------

    def _update(self) -> None:
        typing = not self._stored or self._changing
        self.edit.setVisible(typing)
        self.change_button.setVisible(self._stored and not self._changing)
        self.keep_button.setVisible(self._stored and self._changing)
        self.state.setText(self._state_text())
        self.state.setObjectName("fieldWarning" if self.problem else "pageNote")
        self.state.style().unpolish(self.state)
        self.state.style().polish(self.state)

    def _state_text(self) -> str:
        environment = (
            f" {PASSWORD_ENV} is set in the environment: it is used instead of the keyring."
            if os.environ.get(PASSWORD_ENV)
            else ""
        )
        if self.problem is not None:
            return (
                f"The password cannot be stored: {self.problem}. What you type here is used "
                f"for Test Settings only; set the {PASSWORD_ENV} environment variable for the "
                f"console.{environment}"
            )
        if not self._username:
            return "Enter the user name first; the password is stored for it." + environment
        if self._stored and self._changing:
            return "The new password is stored in the keyring when you press OK or Apply."
        if self._stored:
            return (
                f"A password is stored in the operating system's keyring for "
                f"{self._username}." + environment
            )
        return (
            f"No password is stored for {self._username}. It is kept in the operating "
            f"system's keyring, never in the settings file." + environment
        )


def _stored(username: str) -> bool:
    """Whether the keyring itself (not the environment) holds a password for ``username``."""
    try:
        return keyring.get_password(SERVICE_NAME, username) is not None
    except keyring.errors.KeyringError:
        return False
