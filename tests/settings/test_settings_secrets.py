"""The password in the OS keyring, and ATTENDANT_PASSWORD for headless use."""

from __future__ import annotations

import keyring
import pytest

from attendant.settings import (
    PASSWORD_ENV,
    SERVICE_NAME,
    SecretStoreUnavailable,
    delete_password,
    get_password,
    set_password,
)


@pytest.mark.usefixtures("memory_keyring")
def test_set_get_delete() -> None:
    assert get_password("CONTOSO\\reception") is None
    set_password("CONTOSO\\reception", "s3cret")
    assert get_password("CONTOSO\\reception") == "s3cret"
    assert get_password("CONTOSO\\other") is None
    set_password("CONTOSO\\reception", "n3w")
    assert get_password("CONTOSO\\reception") == "n3w"
    assert delete_password("CONTOSO\\reception") is True
    assert get_password("CONTOSO\\reception") is None
    assert delete_password("CONTOSO\\reception") is False


def test_the_keyring_entry_uses_the_documented_service_and_user(memory_keyring: object) -> None:
    set_password("reception@contoso.com", "s3cret")
    assert SERVICE_NAME == "Attendant"
    assert keyring.get_password("Attendant", "reception@contoso.com") == "s3cret"


@pytest.mark.usefixtures("memory_keyring")
def test_the_environment_wins_over_the_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    set_password("reception", "from-keyring")
    monkeypatch.setenv(PASSWORD_ENV, "from-environment")
    assert PASSWORD_ENV == "ATTENDANT_PASSWORD"
    assert get_password("reception") == "from-environment"
    assert get_password("") == "from-environment"
    monkeypatch.setenv(PASSWORD_ENV, "")  # empty counts as not set
    assert get_password("reception") == "from-keyring"


@pytest.mark.usefixtures("failing_keyring")
def test_without_a_keyring_backend_get_gives_none_and_set_raises(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert get_password("reception") is None
    with pytest.raises(SecretStoreUnavailable, match="ATTENDANT_PASSWORD"):
        set_password("reception", "s3cret")
    with pytest.raises(SecretStoreUnavailable):
        delete_password("reception")
    monkeypatch.setenv(PASSWORD_ENV, "from-environment")
    assert get_password("reception") == "from-environment"


@pytest.mark.usefixtures("memory_keyring")
def test_a_user_name_is_needed() -> None:
    assert get_password("") is None
    with pytest.raises(ValueError, match="user name"):
        set_password("", "s3cret")
    with pytest.raises(ValueError, match="user name"):
        delete_password("")
