"""``attendant signin``: sign in for Office 365 / Graph and keep the token in the per-user cache."""

from __future__ import annotations

import argparse
from typing import TextIO

from attendant.cli.session import EXIT_OK, Session, with_session


def run(args: argparse.Namespace, *, out: TextIO, err: TextIO) -> int:
    def body(session: Session) -> int:
        sign_in = getattr(session.provider, "sign_in", None)
        if sign_in is None:
            out.write(
                f"Signing in is not needed for the {session.provider.name} provider"
                + (
                    " (the built-in demo directory).\n"
                    if session.provider.name == "demo"
                    else ".\n"
                )
            )
            return EXIT_OK
        account = sign_in(device_code=args.device_code, out=out)
        out.write(f"Signed in as {account}.\n")
        return EXIT_OK

    return with_session(args, err, body, out=out)
