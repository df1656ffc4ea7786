"""msal sign-in shared by the Office 365 and Graph providers, against the fake Entra ID.

The real msal talks to the fake authority over loopback HTTPS, trusting the test CA through
``ca_bundle``. Token requests are counted at the authority: a refused refresh token must be
sent once, never in a loop.
"""

from __future__ import annotations

import io
import re
import stat
import webbrowser

import pytest

from attendant.providers.errors import (
    CredentialsRejected,
    SettingsInvalid,
    SignInRequired,
    Unreachable,
)
from attendant.providers.signin import MsalSignIn, RefreshTokenRejected
from tests.fakes import FakeBrowser, tls

pytest_plugins = ("tests.fakes.fixtures",)  # ca_file, make_entra

CLIENT_ID = "0f2c1a6e-7d4b-4e8a-9c3f-2b1d0e9a8c7f"
SCOPE = "https://outlook.office365.com/EWS.AccessAsUser.All"
USER = "reception@contoso.com"


class Approving(io.StringIO):
    """An ``out`` stream that enters the printed device code at the authority at once."""

    def __init__(self, authority, username: str = USER, decline: bool = False) -> None:
        super().__init__()
        self.authority, self.username, self.decline = authority, username, decline

    def write(self, text: str) -> int:
        match = re.search(r"enter the code (\w+)", text)
        if match:
            if self.decline:
                self.authority.decline(match.group(1))
            else:
                self.authority.approve(match.group(1), self.username)
        return super().write(text)


def sign_in(authority, ca_file, tmp_path, **kwargs) -> MsalSignIn:
    options = {
        "authority": authority.base_url,
        "tenant_id": authority.tenant_id,
        "client_id": CLIENT_ID,
        "scopes": [SCOPE],
        "cache_path": tmp_path / "token_cache.bin",
        "ca_bundle": str(ca_file),
        "timeout": 5,
    }
    options.update(kwargs)
    return MsalSignIn(**options)


def token_requests(authority, grant_type: str | None = None) -> int:
    return sum(
        1
        for r in authority.request_log
        if r.path.endswith("/token") and (grant_type is None or r.grant_type == grant_type)
    )


@pytest.fixture
def authority(make_entra):
    return make_entra()


def test_device_code_sign_in_persists_the_account(authority, ca_file, tmp_path):
    first = sign_in(authority, ca_file, tmp_path)
    assert first.account() is None and first.credential_material() is None
    out = Approving(authority)
    assert first.sign_in_device_code(out) == USER
    assert "enter the code" in out.getvalue()
    assert first.account() == USER and first.last_refreshed is not None
    material = first.credential_material()
    assert material is not None
    # A restart: a new instance on the same cache file has the account and the token.
    again = sign_in(authority, ca_file, tmp_path)
    before = token_requests(authority)
    token = again.acquire_silent()
    assert token.account == USER and authority.valid_access_token(token.token, SCOPE)
    assert again.access_token() == token.token  # the shape the Graph transport asks for
    assert token_requests(authority) == before  # from the cache, nothing sent
    assert again.credential_material() == material


def test_the_cache_falls_back_to_a_private_file_where_it_cannot_be_encrypted(
    authority, ca_file, tmp_path, monkeypatch
):
    import msal_extensions

    def unavailable(location):
        raise ImportError("Unable to import module 'gi'")

    monkeypatch.setattr(msal_extensions, "build_encrypted_persistence", unavailable)
    signin = sign_in(authority, ca_file, tmp_path)
    assert signin.cache_encrypted is False
    signin.sign_in_device_code(Approving(authority))
    path = tmp_path / "token_cache.bin"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert b'"RefreshToken"' in path.read_bytes()  # plain JSON, protected by 0600 only


def test_an_encrypted_cache_says_so(authority, ca_file, tmp_path, monkeypatch):
    import msal_extensions

    class Sealed(msal_extensions.FilePersistence):
        is_encrypted = True  # stands in for DPAPI / Keychain / libsecret

    monkeypatch.setattr(msal_extensions, "build_encrypted_persistence", Sealed)
    signin = sign_in(authority, ca_file, tmp_path)
    assert signin.cache_encrypted is True
    assert signin.sign_in_device_code(Approving(authority)) == USER


def test_nobody_signed_in_asks_for_sign_in_and_sends_nothing(authority, ca_file, tmp_path):
    signin = sign_in(authority, ca_file, tmp_path)
    with pytest.raises(SignInRequired, match="Nobody is signed in"):
        signin.acquire_silent()
    assert authority.requests_total == 0


def test_short_lived_tokens_are_renewed_silently(make_entra, ca_file, tmp_path):
    authority = make_entra(access_token_lifetime=120)  # msal renews under 5 minutes left
    signin = sign_in(authority, ca_file, tmp_path)
    signin.sign_in_device_code(Approving(authority))
    first = signin.acquire_silent()
    second = signin.acquire_silent()
    assert first.token != second.token and authority.valid_access_token(second.token)
    assert authority.grants["refresh_token"] == 2


def test_a_refused_refresh_token_is_sent_once_then_sign_in_again(authority, ca_file, tmp_path):
    signin = sign_in(authority, ca_file, tmp_path)
    signin.sign_in_device_code(Approving(authority))
    material = signin.credential_material()
    authority.revoke_refresh_tokens()
    with pytest.raises(RefreshTokenRejected) as info:
        signin.acquire_silent(force_refresh=True)
    assert isinstance(info.value, SignInRequired) and isinstance(info.value, CredentialsRejected)
    assert "AADSTS70008" in info.value.message and "attendant signin" in info.value.hint
    for _ in range(3):
        with pytest.raises(SignInRequired):
            signin.acquire_silent(force_refresh=True)
    assert token_requests(authority, "refresh_token") == 1  # never a loop
    assert signin.credential_material() == material  # what the lockout guard recorded
    # A new sign-in changes the material and works again.
    signin.sign_in_device_code(Approving(authority))
    assert signin.credential_material() != material
    assert signin.acquire_silent(force_refresh=True).account == USER


def test_sign_out_forgets_the_account_without_network(authority, ca_file, tmp_path):
    signin = sign_in(authority, ca_file, tmp_path)
    signin.sign_in_device_code(Approving(authority))
    before = authority.requests_total
    sign_in(authority, ca_file, tmp_path).sign_out()
    assert authority.requests_total == before
    assert signin.account() is None and signin.credential_material() is None
    with pytest.raises(SignInRequired):
        signin.acquire_silent()


def test_interactive_sign_in_in_the_browser(authority, ca_file, tmp_path, monkeypatch):
    authority.interactive_user = "alice@contoso.com"
    browser = FakeBrowser(ca_file)
    monkeypatch.setattr(webbrowser, "open", browser.open)
    signin = sign_in(authority, ca_file, tmp_path)
    assert signin.sign_in_interactive(timeout=10) == "alice@contoso.com"
    browser.join()
    assert browser.errors == []
    assert signin.acquire_silent().account == "alice@contoso.com"


def test_a_declined_device_code_is_a_failed_sign_in(make_entra, ca_file, tmp_path):
    authority = make_entra(device_code_interval=0)
    signin = sign_in(authority, ca_file, tmp_path)
    with pytest.raises(SignInRequired, match="authorization_declined"):
        signin.sign_in_device_code(Approving(authority, decline=True))
    assert signin.account() is None


def test_unknown_tenant_and_untrusted_authority(make_entra, ca_file, tmp_path):
    authority = make_entra()
    wrong_tenant = sign_in(authority, ca_file, tmp_path, tenant_id="no-such-tenant.example")
    with pytest.raises(SettingsInvalid, match="tenant"):
        wrong_tenant.sign_in_device_code(io.StringIO())
    untrusted = make_entra(trusted=False)
    with pytest.raises(Unreachable) as info:
        sign_in(untrusted, ca_file, tmp_path).sign_in_device_code(io.StringIO())
    assert "Settings ▸ Advanced" in info.value.hint


def test_the_ca_bundle_setting_wins_over_requests_ca_bundle(
    authority, ca_file, tmp_path, monkeypatch
):
    monkeypatch.setenv(
        "REQUESTS_CA_BUNDLE", str(tls.write_ca_pem(tmp_path / "w.pem", trusted=False))
    )
    signin = sign_in(authority, ca_file, tmp_path)
    assert signin.sign_in_device_code(Approving(authority)) == USER


def test_tenant_and_client_are_required(ca_file, tmp_path):
    with pytest.raises(SettingsInvalid, match="required"):
        MsalSignIn(
            authority="https://login.microsoftonline.com",
            tenant_id="",
            client_id=CLIENT_ID,
            scopes=[SCOPE],
            cache_path=None,
        )


def test_a_failing_authority_is_unreachable_not_a_sign_in_problem(authority, ca_file, tmp_path):
    signin = sign_in(authority, ca_file, tmp_path)
    signin.sign_in_device_code(Approving(authority))
    authority.inject_http_error(503, count=3, body="<html>Service Unavailable</html>")
    with pytest.raises(Unreachable, match="503"):
        signin.acquire_silent(force_refresh=True)
    assert token_requests(authority, "refresh_token") == 0  # the 503 was not a grant
    assert sum(1 for r in authority.request_log if r.error == "injected") == 1  # no retry
    assert signin.credential_material() is not None  # still signed in
