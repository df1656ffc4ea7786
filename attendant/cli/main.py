"""The ``attendant`` command: argument parsing and dispatch to one module per subcommand."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from attendant import __version__
from attendant.cli import diagnose, free_rooms


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--config", type=Path, metavar="FILE", help="settings file (default: the per-user one)"
    )
    parser = argparse.ArgumentParser(
        prog="attendant",
        parents=[common],
        description="Attendant console: who is free, who is busy and until when, "
        "which meeting room is free now.",
    )
    parser.add_argument("--version", action="version", version=f"attendant {__version__}")
    parser.add_argument(
        "--demo", action="store_true", help="open the console on the built-in demo directory"
    )
    parser.add_argument("--verbose", action="store_true", help="log DEBUG lines too")
    # Smoke tests and start-up measurements only (packaging/): close the window after SECONDS.
    parser.add_argument("--quit-after", type=float, metavar="SECONDS", help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = sub.add_parser("check", parents=[common], help='run the "Test Settings" steps')
    check.add_argument("--json", action="store_true", help="print JSON")
    check.add_argument(
        "--retry",
        action="store_true",
        help="send credentials the server rejected once more (after the account was unlocked)",
    )

    avail = sub.add_parser("availability", parents=[common], help="one-shot free/busy query")
    avail.add_argument("addresses", nargs="*", metavar="ADDRESS")
    avail.add_argument("--at", metavar="ISO", help='the instant "now" is evaluated at')
    avail.add_argument("--start", metavar="ISO", help="window start (default: start of day)")
    avail.add_argument("--end", metavar="ISO", help="window end (default: end of day)")
    avail.add_argument("--json", action="store_true", help="print JSON")

    free_rooms.add_parser(sub, common)

    rooms = sub.add_parser("rooms", parents=[common], help="room lists and their rooms")
    rooms.add_argument("--json", action="store_true", help="print JSON")

    signin = sub.add_parser("signin", parents=[common], help="sign in (Office 365 / Graph)")
    signin.add_argument(
        "--device-code", action="store_true", help="sign in with a code on another device"
    )

    diagnose.add_parser(sub, common)

    paths = sub.add_parser("paths", parents=[common], help="where Attendant keeps its files")
    paths.add_argument("--json", action="store_true", help="print JSON")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command is None:
        from attendant.app import run_gui

        return run_gui(
            config=args.config, demo=args.demo, verbose=args.verbose, quit_after=args.quit_after
        )
    from attendant.cli import availability, check, paths, rooms, signin
    from attendant.cli.session import EXIT_SETTINGS, fail

    modules = {
        "check": check,
        "availability": availability,
        "rooms": rooms,
        "free-rooms": free_rooms,
        "signin": signin,
        "paths": paths,
        "diagnose": diagnose,
    }
    if args.config is not None and not args.config.exists() and args.command != "diagnose":
        return fail(
            args,
            EXIT_SETTINGS,
            f"the settings file {args.config} does not exist; nothing was created.",
            "Check the path given with --config, or write the file: "
            f"attendant --config {args.config} opens the console, which saves it there.",
        )
    try:
        return int(modules[args.command].run(args, out=sys.stdout, err=sys.stderr))
    except BrokenPipeError:
        return _reader_went_away()


#: The status of a writer whose reader went away (128 + SIGPIPE), as ``cat`` has.
EXIT_CLOSED_PIPE = 141


def _reader_went_away() -> int:
    """``attendant availability | head -1``: the reader closed the pipe; end quietly.

    Python would also complain when it flushes standard output at exit: point it at the null
    device first (the recipe of the ``signal`` module's documentation).
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file descriptor (captured in a test)
        pass
    finally:
        os.close(devnull)
    return EXIT_CLOSED_PIPE
