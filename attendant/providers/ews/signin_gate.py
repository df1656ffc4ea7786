"""NTLM sign-ins one at a time until one succeeds, so a changed password fails once.

NTLM signs in a *connection*, not a request: a kept-alive connection stays signed in, and its
requests carry no password at all (IIS keeps the connection's logon even after the password
changed). Only a new connection sends the password, in the third message of its handshake. So
a request sent alone before a fan-out proves nothing when it rides a connection that is still
signed in, while the other connections of the pool, dropped by the server's idle timeout,
would each sign in again with the changed password: one failed logon each.

:class:`SignInGate` guards the handshake itself. Each operation starts a round
(:meth:`SignInGate.new_round`); in a round, the first connection that has to sign in does so
alone, the others wait; once it is accepted they sign in side by side, and once it is rejected
they send nothing more (their request ends as the server's 401 to a request without
credentials, which is not a logon attempt). Requests on signed-in connections never wait.
"""

from __future__ import annotations

import threading
from typing import Any

import requests
from requests_ntlm import HttpNtlmAuth


class SignInGate:
    """Whether a connection may sign in now: alone, side by side, or not at all."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._accepted = False
        self._rejected = False
        self._busy = False

    def new_round(self) -> None:
        """Forget what the last round learned: the password may have changed since."""
        with self._changed:
            self._accepted = self._rejected = False

    def enter(self) -> bool | None:
        """True: sign in alone (then :meth:`leave`); False: side by side; None: don't."""
        with self._changed:
            while self._busy and not (self._accepted or self._rejected):
                self._changed.wait()
            if self._rejected:
                return None
            if self._accepted:
                return False
            self._busy = True
            return True

    def leave(self, alone: bool, accepted: bool | None) -> None:
        """Report a sign-in's outcome (None: it ended without an answer, e.g. a timeout)."""
        with self._changed:
            if alone:
                self._busy = False
            if accepted is True:
                self._accepted = True
            elif accepted is False:
                self._accepted, self._rejected = False, True
            self._changed.notify_all()


class GatedNtlmAuth(HttpNtlmAuth):
    """requests_ntlm's handshake, entered through a :class:`SignInGate`."""

    def __init__(self, username: str | None, password: str | None, gate: SignInGate) -> None:
        super().__init__(username, password)
        self.gate = gate

    def retry_using_http_NTLM_auth(
        self,
        auth_header_field: str,
        auth_header: str,
        response: requests.Response,
        auth_type: str,
        args: Any,
    ) -> requests.Response:
        if auth_header in response.request.headers:
            return response  # the answer to a handshake: nothing more to send
        turn = self.gate.enter()
        if turn is None:
            return response  # rejected in this round: the 401 stands, no password is sent
        accepted: bool | None = None
        try:
            answer = super().retry_using_http_NTLM_auth(
                auth_header_field, auth_header, response, auth_type, args
            )
            accepted = answer.status_code != 401
            return answer
        finally:
            self.gate.leave(turn, accepted)
