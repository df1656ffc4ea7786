"""The Exchange (Basic/NTLM) password: in the OS keyring, or in ATTENDANT_PASSWORD.

The password is stored under the keyring service name :data:`SERVICE_NAME` ("Attendant") with
the Exchange user name (``calendar.exchange.username``) as the keyring user name, so a changed
user name looks up its own password. It never goes into the settings file.

For headless use (``attendant check`` in a script, a kiosk without a keyring daemon) the
environment variable :data:`PASSWORD_ENV` wins over the keyring when it is set and not empty.
Linux machines without a Secret Service have no keyring backend: reading then gives None (the
program asks for the password or points to ATTENDANT_PASSWORD), and storing raises
:class:`SecretStoreUnavailable` with a message to show.
"""

from __future__ import annotations

import logging
import os

import keyring
import keyring.errors

from attendant.log import once

PASSWORD_ENV = "ATTENDANT_PASSWORD"  # noqa: S105 - the variable's name, not a password
SERVICE_NAME = "Attendant"

_log = logging.getLogger(__name__)


class SecretStoreUnavailable(Exception):
    """The operating system's keyring cannot store or delete the password."""


def get_password(username: str) -> str | None:
    """The password for ``username``: ATTENDANT_PASSWORD if set, else the keyring's, else None.

    None also when the keyring has no usable backend or refuses (locked, access denied).
    """
    from_environment = os.environ.get(PASSWORD_ENV)
    if from_environment:
        return from_environment
    if not username:
        return None
    try:
        return keyring.get_password(SERVICE_NAME, username)
    except keyring.errors.KeyringError as error:
        if once("keyring-unreadable"):  # true for the whole run: say it once
            _log.warning("The OS keyring cannot be read (%s): %s", _backend_name(), error)
        return None


def set_password(username: str, password: str) -> None:
    """Store ``password`` for ``username`` in the keyring; SecretStoreUnavailable if it can't."""
    _require_username(username)
    try:
        keyring.set_password(SERVICE_NAME, username, password)
    except keyring.errors.KeyringError as error:
        raise SecretStoreUnavailable(_unavailable("stored in", error)) from error


def delete_password(username: str) -> bool:
    """Remove the stored password of ``username``; False when there was none.

    SecretStoreUnavailable when the keyring cannot be used.
    """
    _require_username(username)
    try:
        keyring.delete_password(SERVICE_NAME, username)
    except keyring.errors.PasswordDeleteError as error:
        try:
            remaining = keyring.get_password(SERVICE_NAME, username)
        except keyring.errors.KeyringError:
            remaining = ""  # cannot tell whether it is gone: report the failure
        if remaining is None:
            return False
        raise SecretStoreUnavailable(_unavailable("deleted from", error)) from error
    except keyring.errors.KeyringError as error:
        raise SecretStoreUnavailable(_unavailable("deleted from", error)) from error
    return True


def _require_username(username: str) -> None:
    if not username:
        raise ValueError("a user name is needed to store or delete a password")


def _backend_name() -> str:
    try:
        return str(keyring.get_keyring().name)
    except Exception:  # pragma: no cover - a broken backend must not hide the real error
        return "unknown backend"


def _unavailable(action: str, error: Exception) -> str:
    return (
        f"The password cannot be {action} the operating system's keyring ({_backend_name()}: "
        f"{error}). Install or unlock a keyring (on Linux, a Secret Service such as GNOME "
        f"Keyring or KWallet), or set the {PASSWORD_ENV} environment variable instead."
    )
